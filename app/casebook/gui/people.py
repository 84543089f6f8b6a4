"""People in a network: members with roles and fingerprints, and making invites.

The invite is made on the worker (it signs an event and seals a welcome package); the
dialog shows the code with a copy button and as a QR code, rendered there too.
"""

from __future__ import annotations

import io
from typing import Any

import segno
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casebook.core.invitations import DAY_MS
from casebook.errors import CasebookError
from casebook.gui.worker import Core, Session

EXPIRY_DAYS = (1, 7, 30)


def qr_png(code: str) -> bytes:
    """The invite code as a QR image (alphanumeric mode, error correction M)."""
    out = io.BytesIO()
    segno.make(code, error="m", boost_error=False).save(out, kind="png", scale=4, border=2)
    return out.getvalue()


class PeopleDialog(QDialog):
    def __init__(self, core: Core, network: dict[str, Any], parent: QWidget | None = None):
        super().__init__(parent)
        self.core = core
        self.net = bytes.fromhex(network["id"])
        self.setWindowTitle(self.tr("People in {0}").format(network["name"]))
        self.resize(940, 480)
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName(self.tr("Members"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Role"), self.tr("Fingerprint"), self.tr("Invited by")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.invite_button = QPushButton(self.tr("Invite a colleague…"))
        self.invite_button.clicked.connect(self.invite)
        row.addWidget(self.invite_button)
        row.addStretch(1)
        close = QPushButton(self.tr("Close"))
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        layout.addWidget(self.error)
        self.refresh()

    def refresh(self) -> None:
        net = self.net
        self.core.call(lambda s: s.p.governance.members(net), self._show, self._failed)

    def _show(self, members: object) -> None:
        if not isinstance(members, list):
            return
        self.table.setRowCount(len(members))
        for i, m in enumerate(members):
            name = m["name"] + (self.tr(" (you)") if m["you"] else "")
            invited = m["invited_by_name"] or ("—" if m["founder"] else "")
            role = m["role"] + (self.tr(", founder") if m["founder"] else "")
            for column, text in enumerate((name, role, m["fingerprint"], invited)):
                self.table.setItem(i, column, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        for column in (0, 1, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def _failed(self, error: object) -> None:
        text = error.message if isinstance(error, CasebookError) else str(error)
        self.error.setText(text)
        self.error.show()

    def invite(self) -> None:
        dialog = InviteDialog(self.core, self.net, self)
        dialog.exec()
        self.refresh()


class InviteDialog(QDialog):
    """Role, uses and expiry; then the code to copy and its QR code."""

    def __init__(self, core: Core, net: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.net = net
        self.setWindowTitle(self.tr("Invite a colleague"))
        self.resize(560, 640)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self.role = QComboBox()
        self.role.setAccessibleName(self.tr("Role"))
        self.role.addItems(["member", "moderator", "admin"])
        form.addRow(self.tr("Role"), self.role)
        self.uses = QSpinBox()
        self.uses.setAccessibleName(self.tr("Uses"))
        self.uses.setRange(1, 100)
        form.addRow(self.tr("How many people may use it"), self.uses)
        self.expiry = QComboBox()
        self.expiry.setAccessibleName(self.tr("Expires"))
        for days in EXPIRY_DAYS:
            self.expiry.addItem(
                self.tr("in {0} days").format(days) if days > 1 else self.tr("in 1 day"), days
            )
        self.expiry.setCurrentIndex(EXPIRY_DAYS.index(7))
        form.addRow(self.tr("Expires"), self.expiry)
        self.create_button = QPushButton(self.tr("Create invite"))
        self.create_button.clicked.connect(self.create)
        layout.addWidget(self.create_button)
        self.code = QPlainTextEdit()
        self.code.setAccessibleName(self.tr("Invite code"))
        self.code.setReadOnly(True)
        self.code.setFixedHeight(90)
        self.code.hide()
        layout.addWidget(self.code)
        self.copy_button = QPushButton(self.tr("Copy code"))
        self.copy_button.clicked.connect(self._copy)
        self.copy_button.hide()
        layout.addWidget(self.copy_button)
        self.qr = QLabel()
        self.qr.setAccessibleName(self.tr("Invite QR code"))
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.qr, 1)
        self.note = QLabel(
            self.tr(
                "Send the code privately: whoever holds it can join until it is used up, "
                "revoked or expired. The newcomer pastes it into Casebook or scans the QR code."
            )
        )
        self.note.setWordWrap(True)
        layout.addWidget(self.note)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b3261e;")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def create(self) -> None:
        net, role, uses = self.net, self.role.currentText(), self.uses.value()
        days = int(self.expiry.currentData())
        self.create_button.setEnabled(False)

        def job(s: Session) -> tuple[str, bytes]:
            made = s.p.invitations.create(net, role=role, uses=uses, expires_in_ms=days * DAY_MS)
            return made.code, qr_png(made.code)

        self.core.call(job, self._made, self._failed)

    def _made(self, result: object) -> None:
        code, png = result  # type: ignore[misc]
        self.code.setPlainText(code)
        self.code.show()
        self.copy_button.show()
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self.qr.setPixmap(pixmap)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code.toPlainText())
        self.copy_button.setText(self.tr("Copied"))

    def _failed(self, error: object) -> None:
        self.create_button.setEnabled(True)
        text = error.message if isinstance(error, CasebookError) else str(error)
        self.error.setText(text)
        self.error.show()
