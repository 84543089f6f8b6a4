"""The pages of the first start (create, unlock, link, recover): one layout."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from casebook.core import passphrase as passphrases
from casebook.gui.messages import tone


def strength(passphrase: str) -> tuple[str, str]:
    """The core's estimate (label, level for the stylesheet); the core refuses the weak."""
    label = passphrases.strength(passphrase)
    if label in ("too short", "weak"):
        return label + " (" + QCoreApplication.translate("Page", "not accepted") + ")", "weak"
    return label, label


def _title(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    label.setFont(font)
    return label


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
        tone(self.error, "busy" if text else "error")
        if text:
            self.show_error(text)
        else:
            self.error.hide()
