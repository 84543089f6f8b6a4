"""Writing sensitive files so a crash leaves either the old or the new version."""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path

from casebook.errors import StorageFull, say


def fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(path: Path, data: bytes, mode: int = 0o600) -> None:
    """Temp file in the same folder, chmod, fsync, ``os.replace``, fsync the folder."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if exc.errno == errno.ENOSPC:
            raise StorageFull(
                say(
                    (
                        "The disk holding {0} is full; nothing was changed. Free some space and"
                        " try again."
                    ),
                    path.parent,
                )
            ) from None
        raise
