"""The files added to a form, each shown by its name (its folder in the tooltip) with a
thumbnail for a picture, made on the worker (the file is read there, not here)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QImage, QImageReader, QPixmap
from PySide6.QtWidgets import QListWidget

from casebook.gui.bridge import Core
from casebook.session import Session

PATH = Qt.ItemDataRole.UserRole
ICON = 40
PICTURES = (".png", ".jpg", ".jpeg")


def thumbnail(path: Path) -> QImage | None:
    """On the worker: the picture at ``path`` scaled down as it is read."""
    reader = QImageReader(str(path))
    size = reader.size()
    if size.isValid():
        reader.setScaledSize(size.scaled(ICON, ICON, Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return None if image.isNull() else image


class FileList(QListWidget):
    def __init__(self) -> None:
        super().__init__()
        self.core: Core | None = None  # set by the form: thumbnails are made on its worker
        self.marks = True  # each file has a tick box: it shows the patient
        self.setIconSize(QSize(ICON, ICON))
        self.model().rowsInserted.connect(self._named)  # before any other listener

    def path(self, row: int) -> Path:
        item = self.item(row)
        return Path(item.data(PATH) or item.text())

    def paths(self) -> list[Path]:
        return [self.path(row) for row in range(self.count())]

    def identifiable(self) -> set[Path]:
        """The files ticked as showing the patient."""
        return {
            self.path(row)
            for row in range(self.count())
            if self.item(row).checkState() == Qt.CheckState.Checked
        }

    def mark(self, path: Path) -> None:
        for row in range(self.count()):
            if self.path(row) == path:
                self.item(row).setCheckState(Qt.CheckState.Checked)

    def _named(self, _parent: object, first: int, last: int) -> None:
        for row in range(first, last + 1):
            item = self.item(row)
            if item is None or item.data(PATH) is not None:
                continue
            path = Path(item.text())
            item.setData(PATH, str(path))
            item.setText(path.name)
            item.setToolTip(str(path))
            if self.marks:  # ticked: the file shows the patient (needs written consent)
                item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
                item.setCheckState(Qt.CheckState.Unchecked)
            if self.core is not None and path.suffix.lower() in PICTURES:
                self._thumbnail(self.core, path)

    def _thumbnail(self, core: Core, path: Path) -> None:
        def job(_s: Session) -> QImage | None:
            return thumbnail(path)

        core.call(job, lambda image: self._show(path, image))

    def _show(self, path: Path, image: object) -> None:
        if not isinstance(image, QImage):
            return
        for row in range(self.count()):
            item = self.item(row)
            if item is not None and item.data(PATH) == str(path):
                item.setIcon(QIcon(QPixmap.fromImage(image)))
