"""Getting passphrases: a file, an environment variable, or a terminal prompt."""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path

from casebook.errors import UsageError, say


def _from_file(path: str) -> str:
    try:
        text = Path(path).expanduser().read_text("utf-8")
    except OSError as exc:
        raise UsageError(
            say("Cannot read the passphrase file {0}: {1}.", path, exc.strerror)
        ) from None
    except UnicodeDecodeError:
        raise UsageError(say("The passphrase file {0} is not UTF-8 text.", path)) from None
    line = text.splitlines()[0] if text else ""
    if not line:
        raise UsageError(say("The passphrase file {0} is empty.", path))
    return line


def _interactive() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def _obtain(file: str | None, env: str, prompt: str, confirm: bool, option: str) -> str:
    if file:
        return _from_file(file)
    value = os.environ.get(env)
    if value:
        return value
    if _interactive():
        return _prompt(prompt, confirm)
    raise UsageError(
        say(
            "No {0}: run in a terminal to be asked, or set {1}, or use {2}.",
            prompt.rstrip(": ").lower(),
            env,
            option,
        )
    )


def passphrase(file: str | None, *, confirm: bool = False, prompt: str = "Passphrase: ") -> str:
    return _obtain(file, "CASEBOOK_PASSPHRASE", prompt, confirm, "--passphrase-file")


def new_passphrase(file: str | None) -> str:
    return _obtain(
        file, "CASEBOOK_NEW_PASSPHRASE", "New passphrase: ", True, "--new-passphrase-file"
    )


def _prompt(prompt: str, confirm: bool) -> str:
    try:
        first = getpass.getpass(prompt)
        if confirm and getpass.getpass("Repeat it: ") != first:
            raise UsageError("The two passphrases differ; nothing was changed.")
    except EOFError:
        raise UsageError("No passphrase was given.") from None
    return first


def recovery_key() -> str:
    """The recovery key: ``CASEBOOK_RECOVERY_KEY``, or asked for (not echoed)."""
    value = os.environ.get("CASEBOOK_RECOVERY_KEY")
    if value:
        return value
    try:
        return getpass.getpass("Recovery key: ")
    except EOFError:
        raise UsageError(
            "No recovery key was given (type it when asked, or set CASEBOOK_RECOVERY_KEY)."
        ) from None
