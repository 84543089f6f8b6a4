"""The pages of the first start (create, unlock, link, recover): one layout."""

from __future__ import annotations

import itertools

from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from casebook.core import passphrase as passphrases
from casebook.gui.i18n import QT_TR_NOOP, tr
from casebook.gui.messages import tone

STRENGTH = {
    "too short": QT_TR_NOOP("too short (not accepted)"),
    "weak": QT_TR_NOOP("weak (not accepted)"),
    "fair": QT_TR_NOOP("fair"),
    "strong": QT_TR_NOOP("strong"),
}


def strength(passphrase: str) -> tuple[str, str]:
    """The core's estimate (label, level for the stylesheet); the core refuses the weak."""
    level = passphrases.strength(passphrase)
    words = tr(STRENGTH[level]) if level in STRENGTH else level
    return words, "weak" if level == "too short" else level


def _title(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    label.setFont(font)
    return label


def tab_in_reading_order(root: QWidget) -> None:
    """Tab goes through ``root``'s controls as they are read, top to bottom, left to
    right (fields, then the page's buttons, then the other ways on), whatever order they
    were made in."""
    stops = [
        w
        for w in root.findChildren(QWidget)
        if w.isVisibleTo(root) and w.focusPolicy() & Qt.FocusPolicy.TabFocus and not w.focusProxy()
    ]
    stops.sort(key=lambda w: (w.mapTo(root, QPoint(0, 0)).y(), w.mapTo(root, QPoint(0, 0)).x()))
    for first, then in itertools.pairwise(stops):
        QWidget.setTabOrder(first, then)


class Page(QWidget):
    def __init__(self, heading: str, intro: str) -> None:
        super().__init__()
        self.outer = QVBoxLayout(self)
        self.outer.setContentsMargins(48, 40, 48, 40)
        self.outer.addWidget(_title(heading))
        text = QLabel(intro)
        text.setWordWrap(True)
        self.outer.addWidget(text)
        self.form = QFormLayout()
        self.outer.addLayout(self.form)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setObjectName("error")
        self.error.setAccessibleName(self.tr("Error message"))
        self.error.hide()
        self.outer.addWidget(self.error)
        row = QHBoxLayout()
        self.back = QPushButton(self.tr("Back"))  # shown by the pages that have one
        self.back.hide()
        row.addWidget(self.back)
        row.addStretch(1)
        self.button = QPushButton()
        self.button.setDefault(True)
        row.addWidget(self.button)
        self.outer.addLayout(row)
        self.outer.addStretch(1)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        tab_in_reading_order(self)

    def show_error(self, message: str) -> None:
        tone(self.error, "error")
        self.error.setText(message)
        self.error.show()

    def show_note(self, message: str) -> None:
        """A plain message in the same place (not an error: no warning colour)."""
        tone(self.error, "busy")
        self.error.setText(message)
        self.error.show()

    def busy(self, text: str | None) -> None:
        self.button.setEnabled(text is None)
        if text:
            self.show_note(text)  # work under way, not an error
        else:
            self.error.hide()
