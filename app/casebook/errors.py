"""Errors a user can act on.

Every error raised to the user interface is a :class:`CasebookError` with a message that
says what happened and what to do. The CLI prints ``message`` on stderr and exits with
``exit_code``; the GUI shows it. Anything else escaping is a bug.
"""

from __future__ import annotations


class CasebookError(Exception):
    """An error with a user-facing message; never carries secrets."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(CasebookError):
    """The command was given something it cannot use (bad id, bad option value)."""

    exit_code = 2


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


class NotFound(CasebookError):
    exit_code = 2


class Ambiguous(UsageError):
    pass


class AttachmentError(CasebookError):
    exit_code = 2


class PermissionDenied(CasebookError):
    exit_code = 2


class InvalidEvent(CasebookError):
    """An event failed verification (encoding, signature, chain, permission)."""

    exit_code = 3


class StorageFull(CasebookError):
    exit_code = 4
