"""First start on a computer of someone who already uses Casebook: link it from the
other computer (a one-time code), or recover with the recovery key; and, after creating
a library, the page that shows the recovery key."""

from __future__ import annotations

import platform
from collections.abc import Awaitable, Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton

from casebook.core.model.relayaddr import parse as parse_relay
from casebook.gui import folders
from casebook.gui.bridge import Core
from casebook.gui.devices_view import RecoveryKeyView
from casebook.gui.i18n import tr
from casebook.gui.pages import Page
from casebook.session import Session
from casebook.session import devices as linking


def default_name() -> str:
    system = platform.system()
    return tr("{0} computer").format(system) if system else tr("My computer")


def _secret(field: QLineEdit, name: str) -> QLineEdit:
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    return field


class _Shown(QObject):
    comparison = Signal(str)  # from the session thread, queued to the page


class LinkJoinPage(Page):
    def __init__(self) -> None:
        super().__init__(
            self.tr("Use Casebook on this computer too"),
            self.tr(
                "On the computer that has your library, open Your computers → Link another "
                "computer (or run casebook device link) and paste the code it shows here. "
                "This computer gets its own passphrase."
            ),
        )
        self.code = QLineEdit()
        self.code.setAccessibleName(self.tr("Link code"))
        self.code.setPlaceholderText("CASEBOOK-LINK-…")
        self.device_name = QLineEdit(default_name())
        self.device_name.setAccessibleName(self.tr("Name of this computer"))
        self.passphrase = _secret(QLineEdit(), self.tr("Passphrase"))
        self.repeat = _secret(QLineEdit(), self.tr("Repeat passphrase"))
        self.form.addRow(self.tr("Link code"), self.code)
        self.form.addRow(self.tr("This computer"), self.device_name)
        self.form.addRow(self.tr("Passphrase"), self.passphrase)
        self.form.addRow(self.tr("Repeat it"), self.repeat)
        self.back.show()
        self.button.setText(self.tr("Link this computer"))


class RecoverPage(Page):
    def __init__(self) -> None:
        super().__init__(
            self.tr("Recover with your recovery key"),
            self.tr(
                "Type the recovery key you wrote down when you created your library, and "
                "the address of a relay of one of your networks (on your printed sheet, or "
                "ask a colleague). This computer becomes one of yours, with its own "
                "passphrase; then revoke the computer you lost."
            ),
        )
        self.key = _secret(QLineEdit(), self.tr("Recovery key"))
        self.key.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)  # readable while typed
        self.key.setPlaceholderText("ABCD-EFGH-…")
        self.relay = QLineEdit()
        self.relay.setAccessibleName(self.tr("Relay address"))
        self.relay.setPlaceholderText("casebook-relay://…")
        self.device_name = QLineEdit(default_name())
        self.device_name.setAccessibleName(self.tr("Name of this computer"))
        self.passphrase = _secret(QLineEdit(), self.tr("Passphrase"))
        self.repeat = _secret(QLineEdit(), self.tr("Repeat passphrase"))
        self.form.addRow(self.tr("Recovery key"), self.key)
        self.form.addRow(self.tr("Relay"), self.relay)
        self.form.addRow(self.tr("This computer"), self.device_name)
        self.form.addRow(self.tr("Passphrase"), self.passphrase)
        self.form.addRow(self.tr("Repeat it"), self.repeat)
        self.back.show()
        self.button.setText(self.tr("Recover my library"))


class RestorePage(Page):
    """A backup file (``casebook backup``) made into this computer's library."""

    def __init__(self) -> None:
        super().__init__(
            self.tr("Restore from a backup"),
            self.tr(
                "Choose a backup file of your library. This computer then is the one that "
                "was backed up; if that one is still in use, link this computer instead."
            ),
        )
        self.file = QLineEdit()
        self.file.setAccessibleName(self.tr("Backup file"))
        self.browse = QPushButton(self.tr("Choose…"))
        row = QHBoxLayout()
        row.addWidget(self.file, 1)
        row.addWidget(self.browse)
        self.key = QLineEdit()
        self.key.setEchoMode(QLineEdit.EchoMode.PasswordEchoOnEdit)
        self.key.setAccessibleName(self.tr("Recovery key"))
        self.key.setPlaceholderText(self.tr("only for a backup sealed under it"))
        self.passphrase = _secret(QLineEdit(), self.tr("Passphrase"))
        self.repeat = _secret(QLineEdit(), self.tr("Repeat passphrase"))
        self.form.addRow(self.tr("Backup file"), row)
        self.form.addRow(self.tr("Recovery key"), self.key)
        self.form.addRow(self.tr("Passphrase"), self.passphrase)
        self.form.addRow(self.tr("Repeat it"), self.repeat)
        self.back.show()
        self.button.setText(self.tr("Restore"))
        self.browse.clicked.connect(self._choose)

    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Choose a backup file"), folders.start()
        )
        if path:
            self.file.setText(path)


class RecoveryKeyPage(Page):
    """The end of creating a library: the key, print, and a confirmation."""

    def __init__(self, core: Core) -> None:
        super().__init__(
            self.tr("Your recovery key"),
            self.tr("One more step: keep a copy of your recovery key."),
        )
        self.view = RecoveryKeyView(core, ask_passphrase=False)
        self.outer.insertWidget(2, self.view)
        self.button.setText(self.tr("Continue"))
        self.button.setEnabled(False)
        self.view.confirmed.connect(self.button.setEnabled)


Job = Callable[[Session], Awaitable[object]]


def link_job(page: LinkJoinPage, directory: Path) -> tuple[Job, _Shown]:
    """The session job that links this computer, and the object that reports the
    comparison code to ``page`` while it runs."""
    shown = _Shown()
    shown.comparison.connect(
        lambda code: page.show_error(
            tr(
                "Comparison code {0}: check that your other computer shows the same, and "
                "confirm there."
            ).format(code)
        )
    )
    text, name = page.code.text(), page.device_name.text() or default_name()
    passphrase = page.passphrase.text()

    async def job(s: Session) -> object:
        code = linking.read_code(text)
        return await s.join_device(directory, passphrase, code, name, shown.comparison.emit)

    return job, shown


def recover_job(page: RecoverPage, directory: Path) -> Job:
    key, relay_text = page.key.text(), page.relay.text().strip()
    name, passphrase = page.device_name.text() or default_name(), page.passphrase.text()

    async def job(s: Session) -> object:
        relay = parse_relay(relay_text) if relay_text else None
        return await s.recover(directory, passphrase, key, relay, name)

    return job


def restore_job(page: RestorePage, directory: Path) -> Job:
    source, key = Path(page.file.text().strip()), page.key.text().strip() or None
    passphrase = page.passphrase.text()

    async def job(s: Session) -> object:
        return await s.restore(directory, source, passphrase, key)

    return job
