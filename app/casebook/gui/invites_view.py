"""Invites of a network: making one (code, copy button, QR code) and the list of them,
where an open invite can be revoked.

Every call to the core runs on the worker (:meth:`Core.call`); the views only show the
results. Helpers shared with the People dialog (error text, role names) live here too.
"""

from __future__ import annotations

import io
from typing import Any

import segno
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casebook.core.model.membership import ROLES
from casebook.core.network.invitations import DAY_MS
from casebook.gui.bridge import Core
from casebook.gui.i18n import tr
from casebook.gui.messages import error_text
from casebook.session import Session

EXPIRY_DAYS = (1, 7, 30)


def role_names() -> dict[str, str]:
    """The core's roles as shown to people (translated)."""
    return {
        "member": tr("member"),
        "moderator": tr("moderator"),
        "admin": tr("admin"),
        "removed": tr("removed"),
    }


def tell_error(parent: QWidget, title: str, error: object) -> None:
    """A plain message for a failed action; the core's message says what to do."""
    QMessageBox.warning(parent, title, error_text(error))


def confirm(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(
        parent,
        title,
        text,
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Yes


def fit_columns(table: QTableWidget, stretch: int, padding: int = 18) -> None:
    """Columns as wide as their contents plus some air; ``stretch`` takes the rest."""
    header = table.horizontalHeader()
    for column in range(table.columnCount()):
        if column == stretch:
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            continue
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        table.resizeColumnToContents(column)
        table.setColumnWidth(column, table.columnWidth(column) + padding)


def qr_png(code: str) -> bytes:
    """The invite code as a QR image (alphanumeric mode, error correction M)."""
    out = io.BytesIO()
    segno.make(code, error="m", boost_error=False).save(out, kind="png", scale=4, border=2)
    return out.getvalue()


class InvitesView(QWidget):
    """The network's invites, newest first, with a Revoke button for an open one.

    The dialog feeds it :meth:`load` (the core's ``invitations.list``) and
    :meth:`set_me` (who this profile is, and whether it is an admin); ``changed`` asks
    the dialog to reload after an action, whether it worked or not.
    """

    changed = Signal(str)  # a note to show: what happened

    def __init__(self, core: Core, net: bytes, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.net = net
        self.invites: list[dict[str, Any]] = []
        self.me: str | None = None  # this profile's fingerprint
        self.admin = False
        self.roles = role_names()
        self.states = {
            "open": self.tr("open"),
            "used": self.tr("used up"),
            "expired": self.tr("expired"),
            "revoked": self.tr("revoked"),
        }
        layout = QVBoxLayout(self)
        self.table = QTableWidget(0, 6)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setAccessibleName(self.tr("Invites"))
        self.table.setHorizontalHeaderLabels(
            [
                self.tr("State"),
                self.tr("Role"),
                self.tr("Used"),
                self.tr("Made"),
                self.tr("Expires"),
                self.tr("Made by"),
            ]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        self.empty = QLabel(self.tr("No invites yet. “Invite a colleague…” makes one."))
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.hide()
        layout.addWidget(self.empty)
        row = QHBoxLayout()
        self.revoke_button = QPushButton(self.tr("Revoke invite…"))
        self.revoke_button.setAccessibleName(self.tr("Revoke the selected invite"))
        self.revoke_button.clicked.connect(self.revoke)
        row.addWidget(self.revoke_button)
        row.addStretch(1)
        layout.addLayout(row)
        self._update_buttons()

    # -- showing --------------------------------------------------------------------
    def load(self, invites: list[dict[str, Any]]) -> None:
        selected = self.selected()
        self.invites = invites
        self.table.setRowCount(len(invites))
        for i, invite in enumerate(invites):
            used = self.tr("{0} of {1}").format(invite["used"], invite["uses"])
            by = invite["inviter_name"] or invite["inviter"][:15]
            if self.me is not None and invite["inviter"] == self.me:
                by += self.tr(" (you)")
            texts = (
                self.states.get(invite["status"], invite["status"]),
                self.roles.get(invite["role"], invite["role"]),
                used,
                invite["created"],
                invite["expires"],
                by,
            )
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setToolTip(self.tr("Invite id {0}").format(invite["id"][:16]))
                self.table.setItem(i, column, item)
        ids = [invite["id"] for invite in invites]
        if selected is not None and selected["id"] in ids:
            self.table.selectRow(ids.index(selected["id"]))
        else:
            self.table.clearSelection()
        fit_columns(self.table, stretch=5)
        self.empty.setVisible(not invites)
        self._update_buttons()

    def set_me(self, fingerprint: str | None, admin: bool) -> None:
        self.me, self.admin = fingerprint, admin
        self._update_buttons()

    def selected(self) -> dict[str, Any] | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self.invites[row] if 0 <= row < len(self.invites) else None

    def _why_not(self, invite: dict[str, Any] | None) -> str | None:
        """Why the selected invite cannot be revoked, or None if it can."""
        if invite is None:
            return self.tr("Select an invite first.")
        if invite["status"] != "open":
            state = self.states.get(invite["status"], invite["status"])
            return self.tr("This invite is {0}; only an open invite can be revoked.").format(state)
        if not self.admin and invite["inviter"] != self.me:
            return self.tr("Only the colleague who made this invite, or an admin, can revoke it.")
        return None

    def _update_buttons(self) -> None:
        why = self._why_not(self.selected())
        self.revoke_button.setEnabled(why is None)
        self.revoke_button.setToolTip(
            why or self.tr("Stop the selected invite's code from working.")
        )

    # -- revoking -------------------------------------------------------------------
    def revoke(self) -> None:
        invite = self.selected()
        if self._why_not(invite) is not None or invite is None:
            return
        title = self.tr("Revoke invite")
        text = self.tr(
            "Revoke the {0} invite made on {1}?\n\n"
            "Its code stops working: no one else can join with it. "
            "Colleagues who already joined with it stay members."
        ).format(self.roles.get(invite["role"], invite["role"]), invite["created"])
        if not confirm(self, title, text):
            return
        net, ref = self.net, invite["id"]
        self.revoke_button.setEnabled(False)

        def failed(error: object) -> None:
            tell_error(self, title, error)
            self.changed.emit("")

        self.core.call(
            lambda s: s.p.invitations.revoke(net, ref),
            lambda _: self.changed.emit(self.tr("The invite was revoked.")),
            failed,
        )


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
        names = role_names()
        for role in ROLES:
            self.role.addItem(names[role], role)
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
        self.create_button.setAccessibleName(self.tr("Create invite"))
        self.create_button.clicked.connect(self.make_invite)
        layout.addWidget(self.create_button)
        self.code = QPlainTextEdit()
        self.code.setTabChangesFocus(True)
        self.code.setAccessibleName(self.tr("Invite code"))
        self.code.setReadOnly(True)
        self.code.setFixedHeight(90)
        self.code.hide()
        layout.addWidget(self.code)
        self.copy_button = QPushButton(self.tr("Copy code"))
        self.copy_button.setAccessibleName(self.tr("Copy the invite code"))
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
        self.error.setObjectName("error")
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def make_invite(self) -> None:
        net, role, uses = self.net, str(self.role.currentData()), self.uses.value()
        days = int(self.expiry.currentData())
        self.create_button.setEnabled(False)
        self.error.hide()

        def job(s: Session) -> tuple[str, bytes]:
            made = s.p.invitations.create(net, role=role, uses=uses, expires_in_ms=days * DAY_MS)
            return made.code, qr_png(made.code)

        self.core.call(job, self._made, self._failed)

    def _made(self, result: tuple[str, bytes]) -> None:
        code, png = result
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
        self.error.setText(error_text(error))
        self.error.show()
