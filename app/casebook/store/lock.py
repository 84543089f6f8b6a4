"""An advisory lock on a profile directory.

Ordinary use takes a shared lock, so the CLI can run while the app is open; operations
that replace the database file (passphrase change, rebuild) need it exclusively.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import IO

from casebook.errors import ProfileLocked

if sys.platform != "win32":
    import fcntl
else:  # pragma: no cover - exercised on Windows builds
    import msvcrt


class ProfileLock:
    def __init__(self, directory: Path) -> None:
        self.path = directory / "profile.lock"
        self._file: IO[bytes] | None = None

    def acquire(self, exclusive: bool = False) -> None:
        self._file = open(self.path, "a+b")  # noqa: SIM115 - held for the lock's lifetime
        try:
            if sys.platform != "win32":
                flag = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
                fcntl.flock(self._file.fileno(), flag | fcntl.LOCK_NB)
            else:  # pragma: no cover
                msvcrt.locking(self._file.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            self._file.close()
            self._file = None
            raise ProfileLocked(
                "The profile is in use by another Casebook process; close other Casebook "
                "windows and commands, then retry."
                if exclusive
                else "The profile is being changed; close other Casebook windows and "
                "commands, then retry."
            ) from None

    def upgrade(self) -> None:
        """Turn our shared lock into an exclusive one, or fail keeping the shared lock."""
        self.release()
        try:
            self.acquire(exclusive=True)
        except ProfileLocked:
            self.acquire(exclusive=False)
            raise

    def downgrade(self) -> None:
        self.release()
        self.acquire(exclusive=False)

    def release(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
