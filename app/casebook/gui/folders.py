"""Where file dialogs open: the folder last used for a file in this session, else the
user's Documents folder (never the folder the app happened to start in)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QStandardPaths

_last: Path | None = None


def start(name: str = "") -> str:
    """The folder a dialog opens in, with ``name`` as the suggested file in it."""
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    folder = _last or Path(documents or Path.home())
    return str(folder / name) if name else str(folder)


def used(path: str | Path) -> None:
    """A file was chosen in ``path``'s folder: the next dialog opens there."""
    global _last
    _last = Path(path).parent
