"""Errors a user can act on.

Every error raised to the user interface is a :class:`CasebookError` with a message that
says what happened and what to do. The CLI prints ``message`` on stderr and exits with
``exit_code``; the GUI shows it, translated. Anything else escaping is a bug.

Messages are English. The window translates them by their wording: a message written as a
string literal is its own key, and one with values in it is written ``say("... {0} ...",
value)`` (a :class:`Phrase`: the English text that also keeps its template and values), so
the window can look up the template and put the values into the translation.
``tools/core_phrases.py`` gathers both kinds for the translators.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeGuard


class Phrase(str):
    """English text made from ``template`` and ``values`` (``str.format`` positions)."""

    template: str
    values: tuple[object, ...]

    def __new__(cls, template: str, *values: object) -> Phrase:
        text = super().__new__(cls, template.format(*values))
        text.template, text.values = template, values
        return text


def say(template: str, *values: object) -> Phrase:
    """A message with values in it, translatable as a whole (see the module's note)."""
    return Phrase(template, *values)


class CasebookError(Exception):
    """An error with a user-facing message; never carries secrets."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ModelError(CasebookError, ValueError):
    """A rule of the data model broke (encoding, signature, key, invite code, image
    format). The services catch these and say what happened in the user's terms; one
    that reaches a command or a window unworded is a bug, reported as one."""


def worded(error: object) -> TypeGuard[CasebookError]:
    """Whether ``error`` says, in the user's terms, what happened (else it is a bug)."""
    return isinstance(error, CasebookError) and not isinstance(error, ModelError)


class UsageError(CasebookError):
    """The command was given something it cannot use (bad id, bad option value)."""

    exit_code = 2


class IdentifiersFound(UsageError):
    """Text about to be published looks like it identifies a patient; nothing was stored.

    ``findings`` are :class:`casebook.core.library.deident.Finding` objects. The CLI sends the
    text again with ``--allow-identifiers``, the app with its "Post anyway" button.
    """

    SHOWN = 10

    def __init__(self, findings: Sequence[Any]) -> None:
        self.findings = list(findings)
        super().__init__(self.explain("post it anyway if it does not identify anyone"))

    def explain(self, remedy: str) -> str:
        """The findings, and what to do: remove them, or ``remedy``."""
        lines = [f.describe() for f in self.findings[: self.SHOWN]]
        if len(self.findings) > self.SHOWN:
            lines.append(f"… and {len(self.findings) - self.SHOWN} more")
        return (
            "This may identify the patient; nothing was saved or sent:\n  "
            + "\n  ".join(lines)
            + f"\nRemove it, or {remedy}."
        )


class WrongPassphrase(CasebookError):
    exit_code = 2

    def __init__(self) -> None:
        super().__init__("Wrong passphrase: the profile was not unlocked and nothing was changed.")


class ProfileMissing(CasebookError):
    exit_code = 2


class ProfileExists(CasebookError):
    exit_code = 2


class ProfileCorrupted(CasebookError):
    """The profile's files are damaged; we never overwrite them."""

    exit_code = 3


class ProfileLocked(CasebookError):
    """Another Casebook process holds this profile."""

    exit_code = 2


class LibraryClosed(CasebookError):
    """The library is not open: locked, or written anew and then not opened again (it is
    safe on disk; unlocking it again opens it)."""

    exit_code = 3


class NotFound(CasebookError):
    exit_code = 2


class Ambiguous(UsageError):
    pass


class AttachmentError(CasebookError):
    exit_code = 2


class PermissionDenied(CasebookError):
    exit_code = 2


class RecoveryKeyNeeded(PermissionDenied):
    """An act only the member key may sign, asked of a computer that does not hold it
    (give the recovery key to sign it)."""


class StorageFull(CasebookError):
    exit_code = 4
