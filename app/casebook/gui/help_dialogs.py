"""Help: the keyboard shortcuts screen (every action of the window that has keys) and
About (the version, and the libraries Casebook is built on with their licences)."""

from __future__ import annotations

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QMainWindow,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casebook import about
from casebook.gui.bridge import Core


def _plain(text: str) -> str:
    return text.replace("&", "").replace("…", "").strip()


def shortcuts(window: QWidget) -> list[tuple[str, str]]:
    """(what, keys) for every action and button under ``window`` with a shortcut, in the
    platform's words for the keys, without repeats."""
    rows: list[tuple[str, str]] = []
    found = [(a.text(), a.shortcut()) for a in window.findChildren(QAction)]
    found += [(b.text(), b.shortcut()) for b in window.findChildren(QAbstractButton)]
    for text, sequence in found:
        keys = sequence.toString(QKeySequence.SequenceFormat.NativeText)
        name = _plain(text)
        if keys and name and (name, keys) not in rows:
            rows.append((name, keys))
    return sorted(rows, key=lambda r: r[0].lower())


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setObjectName("shortcuts")
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.resize(460, 440)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(self.tr("Everything in Casebook works from the keyboard; these keys save time."))
        )
        self.table = QTreeWidget()
        self.table.setHeaderLabels([self.tr("Action"), self.tr("Keys")])
        self.table.setRootIsDecorated(False)
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        for name, keys in shortcuts(window):
            QTreeWidgetItem(self.table, [name, keys])
        QTreeWidgetItem(self.table, [self.tr("Move between fields and lists"), "Tab, Shift+Tab"])
        self.table.resizeColumnToContents(0)
        layout.addWidget(self.table)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class AboutDialog(QDialog):
    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("about")
        self.setWindowTitle(self.tr("About Casebook"))
        self.resize(520, 460)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("<b>Casebook</b> {0}").format(about.version()))
        layout.addWidget(title)
        intro = QLabel(
            self.tr(
                "Private case discussion for invitation-only networks of colleagues. Your "
                "library is encrypted on your computers; relays forward what they cannot "
                "read. Casebook is built on these libraries, each under its own licence:"
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTreeWidget()
        self.table.setHeaderLabels([self.tr("Library"), self.tr("Version"), self.tr("Licence")])
        self.table.setRootIsDecorated(False)
        self.table.setAccessibleName(self.tr("Libraries and their licences"))
        self.table.setProperty("verbatim", True)  # names and licences, as their authors wrote them
        layout.addWidget(self.table)
        note = QLabel(self.tr("Qt 6 ({0}), through PySide6").format("LGPL-3.0-only"))
        layout.addWidget(note)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        core.call(lambda _s: about.libraries(), self._listed)  # reads files: not here

    def _listed(self, found: object) -> None:
        if not isinstance(found, list):
            return
        for library in found:
            QTreeWidgetItem(self.table, [library.name, library.version, library.licence])
        for column in range(2):
            self.table.resizeColumnToContents(column)
