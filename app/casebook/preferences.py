"""Preferences the app needs before a profile is unlocked: the language of the window.

Kept beside the profile in a small plain file (nothing in it is private), so the welcome
and unlock screens already speak the chosen language.
"""

from __future__ import annotations

from pathlib import Path

from casebook.store.files import atomic_write

LANGUAGE_FILE = "language"
SYSTEM = "system"
#: The languages the app ships, by code, each named in itself.
LANGUAGES: dict[str, str] = {"en": "English", "fr": "Français"}


def language(directory: Path) -> str:
    """The language chosen for ``directory``'s profile: a code of :data:`LANGUAGES`, or
    ``"system"`` (follow the computer) when none was chosen or the file is unreadable."""
    try:
        code = (directory / LANGUAGE_FILE).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return SYSTEM
    return code if code in LANGUAGES else SYSTEM


def set_language(directory: Path, code: str) -> None:
    """Choose ``code`` (one of :data:`LANGUAGES`, or ``"system"``) for ``directory``."""
    if code != SYSTEM and code not in LANGUAGES:
        raise ValueError(f"unknown language {code!r}")
    atomic_write(directory / LANGUAGE_FILE, (code + "\n").encode(), mode=0o644)
