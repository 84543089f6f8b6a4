"""Your computers: the list (revoke one), linking another (code and QR, the comparison
code to confirm) and the recovery key (shown after the passphrase, with print)."""

from __future__ import annotations

import asyncio
import io
from datetime import datetime
from typing import Any

import segno
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication, QPixmap, QTextDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from casebook.errors import RecoveryKeyNeeded
from casebook.gui.bridge import Core
from casebook.gui.i18n import tr
from casebook.gui.messages import error_text, tone
from casebook.session import Session
from casebook.session import devices as linking


def _when(ms: int | None) -> str:
    return "—" if not ms else datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M")


def _key_and_relays(s: Session) -> tuple[str, list[str]]:
    """The recovery key and the relays a recovery can start from (for the sheet)."""
    return s.p.recovery.key(), [str(a) for a in s.p.devices.link_places()]


def _qr(text: str) -> bytes:
    out = io.BytesIO()
    segno.make(text, error="m", boost_error=False).save(out, kind="png", scale=4, border=2)
    return out.getvalue()


class DevicesDialog(QDialog):
    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self._revoking = ""  # the id of the computer being revoked
        self.setWindowTitle(self.tr("Your computers"))
        self.setMinimumSize(640, 360)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Each computer you use Casebook on has its own keys; colleagues see one "
                "of you, with one fingerprint. Revoke a computer you lost: what it writes "
                "from then on is refused everywhere, and your networks get a new key."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = QTreeWidget()
        self.table.setAccessibleName(self.tr("Your computers"))
        self.table.setHeaderLabels(
            [self.tr("Computer"), self.tr("Id"), self.tr("Added"), self.tr("Last seen")]
        )
        self.table.setRootIsDecorated(False)
        self.table.setColumnWidth(0, 240)
        self.table.setColumnWidth(1, 90)
        self.table.setColumnWidth(2, 140)
        self.table.itemSelectionChanged.connect(self._selected)
        layout.addWidget(self.table, 1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        row = QHBoxLayout()
        self.link_button = QPushButton(self.tr("Link another computer…"))
        self.revoke_button = QPushButton(self.tr("Revoke…"))
        self.key_button = QPushButton(self.tr("Show recovery key…"))
        for button in (self.link_button, self.revoke_button, self.key_button):
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.link_button.clicked.connect(self._link)
        self.revoke_button.clicked.connect(self._revoke)
        self.key_button.clicked.connect(self._key)
        self.rows: list[dict[str, Any]] = []
        self.reload()

    def reload(self) -> None:
        self.core.call(lambda s: s.p.devices.mine(), self._show, self._failed)

    def _show(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows
        self.table.clear()
        for row in rows:
            name = row["name"]
            if not row.get("named", True):
                name = tr("first computer") if name == "first computer" else tr("computer")
            if row["current"]:
                name += self.tr(" (this computer)")
            if row["revoked"]:
                name += self.tr(" — revoked")
            item = QTreeWidgetItem(
                [name, row["id"][:8], _when(row["added"]), _when(row["last_seen"])]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, row["id"])
            self.table.addTopLevelItem(item)
        self._selected()

    def _chosen(self) -> dict[str, Any] | None:
        items = self.table.selectedItems()
        if not items:
            return None
        ident = items[0].data(0, Qt.ItemDataRole.UserRole)
        return next((r for r in self.rows if r["id"] == ident), None)

    def _selected(self) -> None:
        row = self._chosen()
        self.revoke_button.setEnabled(row is not None and not row["current"] and not row["revoked"])

    def _revoke(self) -> None:
        row = self._chosen()
        if row is None:
            return
        answer = QMessageBox.question(
            self,
            self.tr("Revoke this computer?"),
            self.tr(
                "Revoke “{0}”? What it writes from now on is refused by every colleague and "
                "relay, and your networks get a new key so it cannot read anything new. "
                "The computers it linked are revoked with it (link them again from here). "
                "This cannot be undone; to use it again, link it anew."
            ).format(row["name"]),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        self._revoking = row["id"]
        ident = row["id"]
        self.core.call(lambda s: s.p.devices.revoke(ident), self._revoked, self._failed)

    def _with_recovery_key(self, reason: str) -> None:
        """This computer did not link the one to revoke: the member key signs it."""
        text, ok = QInputDialog.getText(
            self,
            self.tr("Your recovery key"),
            reason.split(":")[0]
            + ".\n"
            + self.tr("Type your recovery key (the 14 groups you wrote down):"),
            QLineEdit.EchoMode.Password,
        )
        if not ok or not text.strip():
            return
        ident = self._revoking

        self.core.call(
            lambda s: s.p.devices.revoke(ident, recovery_key=text), self._revoked, self._failed
        )

    def _revoked(self, result: dict[str, Any]) -> None:
        rekeyed = all(n["rekeyed"] for n in result["networks"])
        self.message.setObjectName("")
        text = (
            self.tr("Revoked. Your networks have a new key.")
            if rekeyed
            else self.tr("Revoked. An admin's app gives your networks a new key at its next sync.")
        )
        if result.get("also"):
            text += " " + self.tr("Revoked with it: {0}.").format(", ".join(result["also"]))
        self.message.setText(text)
        self.reload()

    def _link(self) -> None:
        LinkDialog(self.core, self).exec()
        self.reload()

    def _key(self) -> None:
        RecoveryKeyDialog(self.core, self, ask_passphrase=True).exec()

    def _failed(self, error: object) -> None:
        if isinstance(error, RecoveryKeyNeeded):
            self._with_recovery_key(str(error))
            return
        tone(self.message, "error")
        self.message.setText(error_text(error))


class _Events(QObject):
    """What the session thread's link job tells the dialog (queued to the GUI thread)."""

    ready = Signal(str, bytes, object)  # code, QR png, the future that cancels the wait
    asked = Signal(str, str, object)  # comparison code, device name, future for the answer


class LinkDialog(QDialog):
    """``casebook device link`` in the window: the code and its QR, then the comparison."""

    def __init__(self, core: Core, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.setWindowTitle(self.tr("Link another computer"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        self.status = QLabel(self.tr("Making a one-time code…"))
        self.status.setWordWrap(True)
        layout.addWidget(self.status)
        self.code = QLineEdit()
        self.code.setReadOnly(True)
        self.code.setAccessibleName(self.tr("Link code"))
        self.code.hide()
        layout.addWidget(self.code)
        self.copy_button = QPushButton(self.tr("Copy code"))
        self.copy_button.clicked.connect(self._copy)
        self.copy_button.hide()
        layout.addWidget(self.copy_button, alignment=Qt.AlignmentFlag.AlignLeft)
        self.qr = QLabel()
        self.qr.setAccessibleName(self.tr("Link code as a QR code"))
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.qr, 1)
        self.question = QLabel()
        self.question.setWordWrap(True)
        self.question.hide()
        layout.addWidget(self.question)
        row = QHBoxLayout()
        self.yes = QPushButton(self.tr("It shows the same code"))
        self.no = QPushButton(self.tr("It does not"))
        for button in (self.yes, self.no):
            button.hide()
            row.addWidget(button)
        row.addStretch(1)
        layout.addLayout(row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.yes.clicked.connect(lambda: self._answer(True))
        self.no.clicked.connect(lambda: self._answer(False))
        self.events = _Events()
        self.events.ready.connect(self._ready)
        self.events.asked.connect(self._asked)
        self._cancel: asyncio.Future[None] | None = None
        self._reply: asyncio.Future[bool] | None = None
        self.result_text = ""
        self._start()

    def _start(self) -> None:
        events = self.events

        async def job(s: Session) -> dict[str, Any]:
            code = linking.new_code(s.p)
            loop = asyncio.get_running_loop()
            cancel: asyncio.Future[None] = loop.create_future()

            def waiting() -> None:
                text = code.encode()
                events.ready.emit(text, _qr(text), cancel)

            async def confirm(comparison: str, name: str) -> bool:
                reply: asyncio.Future[bool] = loop.create_future()
                events.asked.emit(comparison, name, reply)
                return await reply

            task = asyncio.ensure_future(s.link_device(code, confirm, waiting))
            either: set[asyncio.Future[Any]] = {task, cancel}
            await asyncio.wait(either, return_when=asyncio.FIRST_COMPLETED)
            if not task.done():
                task.cancel()
                await asyncio.gather(task, return_exceptions=True)
                return {"cancelled": True}
            return task.result()

        self.core.call(job, self._done, self._failed)

    def _ready(self, text: str, png: bytes, cancel: object) -> None:
        self._cancel = cancel  # type: ignore[assignment]
        self.code.setText(text)
        self.code.show()
        self.copy_button.show()
        pixmap = QPixmap()
        pixmap.loadFromData(png, "PNG")
        self.qr.setPixmap(pixmap)
        self.status.setText(
            self.tr(
                "On the new computer, choose “I already use Casebook on another computer” "
                "and paste this code (or scan it). It works once, for ten minutes; keep "
                "this window open until it is done."
            )
        )

    def _asked(self, comparison: str, name: str, reply: object) -> None:
        self._reply = reply  # type: ignore[assignment]
        self.question.setText(
            self.tr(
                "“{0}” asks to become one of your computers. Does it show the code {1}?"
            ).format(name, "<b>" + comparison.replace(" ", "\u00a0") + "</b>")
        )
        font = self.question.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.question.setFont(font)
        for widget in (self.question, self.yes, self.no):
            widget.show()
        self.yes.setFocus()

    def _answer(self, same: bool) -> None:
        reply, self._reply = self._reply, None
        for widget in (self.yes, self.no):
            widget.hide()
        self.question.setText(self.tr("Handing over…") if same else self.tr("Declined."))
        if reply is not None:

            def give(s: Session) -> None:
                if not reply.done():
                    reply.set_result(same)

            self.core.call(give)

    def _copy(self) -> None:
        QGuiApplication.clipboard().setText(self.code.text())
        self.copy_button.setText(self.tr("Copied"))

    def _done(self, result: dict[str, Any]) -> None:
        if result.get("cancelled"):
            return
        self.result_text = self.tr("Linked “{0}” in {1} s: it now holds your library.").format(
            result["linked"], result["seconds"]
        )
        self.status.setText(self.result_text)
        self.question.hide()
        self.qr.clear()
        self.code.hide()
        self.copy_button.hide()

    def _failed(self, error: object) -> None:
        tone(self.status, "error")
        self.status.setText(error_text(error))
        for widget in (self.question, self.yes, self.no):
            widget.hide()

    def done(self, code: int) -> None:  # closed: stop waiting for the new computer
        cancel, reply = self._cancel, self._reply
        self._cancel = self._reply = None

        def stop(s: Session) -> None:
            if reply is not None and not reply.done():
                reply.set_result(False)
            if cancel is not None and not cancel.done():
                cancel.set_result(None)

        if cancel is not None or reply is not None:
            self.core.call(stop)
        super().done(code)


class RecoveryKeyDialog(QDialog):
    """The recovery key, in groups a person copies onto paper, with print; at creation
    (``ask_passphrase`` False) and again from "Your computers" after the passphrase."""

    def __init__(
        self, core: Core, parent: QWidget | None = None, ask_passphrase: bool = True
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.setWindowTitle(self.tr("Your recovery key"))
        self.setMinimumWidth(600)
        self.view = RecoveryKeyView(core, ask_passphrase)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)


class RecoveryKeyView(QWidget):
    """The key itself, Print…, and "I have written it down" (``confirmed`` enables the
    caller's Continue)."""

    confirmed = Signal(bool)

    def __init__(self, core: Core, ask_passphrase: bool) -> None:
        super().__init__()
        self.core = core
        layout = QVBoxLayout(self)
        text = QLabel(
            self.tr(
                "If this computer is lost or broken, this key brings your identity and "
                "your library to a new one (“Recover with my recovery key”). Write it down "
                "or print it, and keep it somewhere safe, away from this computer: whoever "
                "holds it can act as you."
            )
        )
        text.setWordWrap(True)
        layout.addWidget(text)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.passphrase.setPlaceholderText(self.tr("Your passphrase, to show the key"))
        self.passphrase.returnPressed.connect(self._unlock)
        self.passphrase.setVisible(ask_passphrase)
        layout.addWidget(self.passphrase)
        self.key = QLabel()
        self.key.setAccessibleName(self.tr("Recovery key"))
        self.key.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSizeF(self.font().pointSizeF() * 1.5)
        self.key.setFont(font)
        self.key.setMinimumHeight(self.key.fontMetrics().lineSpacing() * 3 + 12)
        self.key.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.key)
        row = QHBoxLayout()
        self.print_button = QPushButton(self.tr("Print…"))
        self.print_button.clicked.connect(self._print)
        self.print_button.setEnabled(False)
        self.written = QCheckBox(self.tr("I have written down or printed my recovery key"))
        self.written.setEnabled(False)
        self.written.toggled.connect(self.confirmed.emit)
        row.addWidget(self.print_button)
        row.addWidget(self.written, 1)
        layout.addLayout(row)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.text = ""
        self.relays: list[str] = []

    def load(self) -> None:
        """Show the key without asking the passphrase (just after creating the library)."""
        self.core.call(_key_and_relays, self._show, self._failed)

    def _unlock(self) -> None:
        passphrase = self.passphrase.text()

        def job(s: Session) -> tuple[str, list[str]]:
            s.p.check_passphrase(passphrase)
            return _key_and_relays(s)

        self.core.call(job, self._show, self._failed)

    def _show(self, found: tuple[str, list[str]]) -> None:
        key, self.relays = found
        self.text = key
        groups = key.split("-")
        lines = [" ".join(groups[i : i + 5]) for i in range(0, len(groups), 5)]
        self.key.setText("\n".join(lines))
        self.passphrase.hide()
        self.error.hide()
        self.print_button.setEnabled(True)
        self.written.setEnabled(True)

    def _failed(self, error: object) -> None:
        self.error.setText(error_text(error))
        self.error.show()

    def _print(self) -> None:
        printer = QPrinter()
        if QPrintDialog(printer, self).exec() != QDialog.DialogCode.Accepted:
            return
        page = QTextDocument()
        page.setHtml(
            "<h2>{}</h2><p style='font-family:monospace;font-size:18pt'>{}</p><p>{}</p>".format(
                self.tr("Casebook recovery key"),
                self.key.text().replace("\n", "<br>"),
                self.tr(
                    "Keep this sheet safe. With it, “Recover with my recovery key” restores "
                    "your identity and library on a new computer, from one of these relays:"
                ),
            )
            + "".join(f"<p style='font-family:monospace'>{url}</p>" for url in self.relays)
        )
        page.print_(printer)
