"""First start (create a profile, link this computer, or recover) and later starts
(unlock it)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QStackedWidget, QWidget

from casebook import demo
from casebook.core import profile as profiles
from casebook.gui.bridge import Core
from casebook.gui.messages import error_text
from casebook.gui.onboarding_devices import (
    LinkJoinPage,
    RecoverPage,
    RecoveryKeyPage,
    RestorePage,
    link_job,
    recover_job,
    restore_job,
)
from casebook.gui.pages import Page as _Page
from casebook.gui.pages import strength
from casebook.session import Session


class CreatePage(_Page):
    def __init__(self) -> None:
        super().__init__(
            self.tr("Welcome to Casebook"),
            self.tr(
                "Your case library is kept on this computer, encrypted with a passphrase "
                "only you know. Colleagues will see your name and a fingerprint they can "
                "compare with you."
            ),
        )
        self.name = QLineEdit()
        self.name.setPlaceholderText(self.tr("e.g. Dr. Alice Moreau"))
        self.name.setAccessibleName(self.tr("Your name"))
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.repeat.setAccessibleName(self.tr("Repeat passphrase"))
        self.hint = QLabel()
        self.form.addRow(self.tr("Your name"), self.name)
        self.form.addRow(self.tr("Passphrase"), self.passphrase)
        self.form.addRow(self.tr("Repeat it"), self.repeat)
        self.form.addRow("", self.hint)
        warning = QLabel(
            self.tr(
                "<b>Casebook cannot recover a forgotten passphrase.</b> Without it the "
                "library on this computer cannot be opened. A few unrelated words make a "
                "passphrase that is easy to remember and hard to guess."
            )
        )
        warning.setWordWrap(True)
        self.form.addRow("", warning)
        self.has_other = QPushButton(self.tr("I already use Casebook on another computer"))
        self.recover = QPushButton(self.tr("Recover with my recovery key"))
        self.restore = QPushButton(self.tr("Restore from a backup file"))
        for button in (self.has_other, self.recover, self.restore):
            button.setFlat(True)
            self.outer.insertWidget(self.outer.count() - 1, button)
        self.button.setText(self.tr("Create my library"))
        self.passphrase.textChanged.connect(self._update_hint)
        self._update_hint("")

    def _update_hint(self, text: str) -> None:
        label, level = strength(text)
        self.hint.setText(self.tr("Strength: {0}").format(label) if text else "")
        self.hint.setProperty("strength", level)
        self.hint.style().polish(self.hint)


class UnlockPage(_Page):
    def __init__(self) -> None:
        super().__init__(
            self.tr("Unlock Casebook"),
            self.tr("Enter your passphrase to open your encrypted case library."),
        )
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setAccessibleName(self.tr("Passphrase"))
        self.form.addRow(self.tr("Passphrase"), self.passphrase)
        self.button.setText(self.tr("Unlock"))


class Onboarding(QStackedWidget):
    """Emits ``opened`` once the worker holds an open profile."""

    opened = Signal()

    def __init__(self, core: Core, directory: Path, demo: bool = False) -> None:
        super().__init__()
        self.core = core
        self.directory = directory
        self.create_page = CreatePage()
        self.unlock_page = UnlockPage()
        self.link_page = LinkJoinPage()
        self.recover_page = RecoverPage()
        self.restore_page = RestorePage()
        self.key_page = RecoveryKeyPage(core)
        for page in (
            self.create_page,
            self.unlock_page,
            self.link_page,
            self.recover_page,
            self.restore_page,
            self.key_page,
        ):
            self.addWidget(page)
        self.create_page.has_other.clicked.connect(lambda: self._go(self.link_page))
        self.create_page.recover.clicked.connect(lambda: self._go(self.recover_page))
        self.create_page.restore.clicked.connect(lambda: self._go(self.restore_page))
        for back in (self.link_page.back, self.recover_page.back, self.restore_page.back):
            back.clicked.connect(lambda: self._go(self.create_page))
        self.link_page.button.clicked.connect(self._link)
        self.recover_page.button.clicked.connect(self._recover)
        self.restore_page.button.clicked.connect(self._restore)
        self.key_page.button.clicked.connect(self.opened.emit)
        for page in (self.create_page, self.link_page, self.recover_page, self.restore_page):
            for field in (page.passphrase, page.repeat):
                field.textChanged.connect(
                    lambda _=None, p=page, a=page.passphrase, b=page.repeat: self._recheck(p, a, b)
                )
        self._shown: object = None
        self.create_page.button.clicked.connect(self._create)
        self.create_page.repeat.returnPressed.connect(self._create)
        self.unlock_page.button.clicked.connect(self._unlock)
        self.unlock_page.passphrase.returnPressed.connect(self._unlock)
        if demo:
            self._open_demo()
        else:
            core.call(lambda s: profiles.exists(directory), self._choose)

    def _open_demo(self) -> None:
        """Build the fictional demo library in ``directory``'s parent and open it."""
        page = self.unlock_page
        self.setCurrentWidget(page)
        page.busy(self.tr("Building the demo library (fictional cases)…"))
        root = self.directory.parent

        def job(s: Session) -> object:
            return s.unlock(demo.build(root), demo.PASSPHRASE)

        self.core.call(job, lambda _: self.opened.emit(), lambda e: self._failed(page, e))

    def locked(self) -> None:
        """Back to the unlock page after the library was locked."""
        page = self.unlock_page
        page.busy(None)
        page.passphrase.clear()
        page.show_note(self.tr("Locked. Enter your passphrase to continue."))
        self.setCurrentWidget(page)
        page.passphrase.setFocus()

    def _choose(self, exists: object) -> None:
        page = self.unlock_page if exists is True else self.create_page
        self.setCurrentWidget(page)
        (page.passphrase if exists is True else self.create_page.name).setFocus()

    def _create(self) -> None:
        page = self.create_page
        name, first, second = page.name.text(), page.passphrase.text(), page.repeat.text()
        if not name.strip():
            page.show_error(self.tr("Please give your name as colleagues know it."))
            return
        if first != second:
            page.show_error(self._differ())
            return
        page.busy(self.tr("Creating your encrypted library…"))
        directory = self.directory

        def job(s: Session) -> object:
            return s.create(directory, name, first)

        self.core.call(job, lambda _: self._created(), lambda e: self._failed(page, e))

    def _differ(self) -> str:
        return self.tr("The two passphrases differ.")

    def _recheck(self, page: _Page, first: QLineEdit, second: QLineEdit) -> None:
        """Once the two passphrases agree, the message that they differ goes."""
        if page.error.text() == self._differ() and first.text() == second.text():
            page.error.hide()

    def _created(self) -> None:
        """The library exists: its recovery key is shown before the window opens."""
        self.key_page.view.load()
        self.setCurrentWidget(self.key_page)

    def _go(self, page: QWidget) -> None:
        self.setCurrentWidget(page)
        page.setFocus()

    def _link(self) -> None:
        page = self.link_page
        if page.passphrase.text() != page.repeat.text():
            page.show_error(self._differ())
            return
        page.busy(self.tr("Meeting your other computer through the relay…"))
        job, self._shown = link_job(page, self.directory)
        self.core.call(job, lambda _: self.opened.emit(), lambda e: self._failed(page, e))

    def _recover(self) -> None:
        page = self.recover_page
        if page.passphrase.text() != page.repeat.text():
            page.show_error(self._differ())
            return
        page.busy(self.tr("Fetching your recovery box and your library…"))
        job = recover_job(page, self.directory)
        self.core.call(job, lambda _: self.opened.emit(), lambda e: self._failed(page, e))

    def _restore(self) -> None:
        page = self.restore_page
        if page.passphrase.text() != page.repeat.text():
            page.show_error(self._differ())
            return
        page.busy(self.tr("Restoring, and asking the relays whether it is safe…"))
        job = restore_job(page, self.directory)
        self.core.call(job, lambda _: self.opened.emit(), lambda e: self._failed(page, e))

    def _unlock(self) -> None:
        page = self.unlock_page
        passphrase = page.passphrase.text()
        if not passphrase:
            return
        page.busy(self.tr("Unlocking…"))
        directory = self.directory
        self.core.call(
            lambda s: s.unlock(directory, passphrase),
            lambda _: self.opened.emit(),
            lambda e: self._failed(page, e),
        )

    def _failed(self, page: _Page, error: object) -> None:
        page.busy(None)
        page.show_error(error_text(error))
        if page is self.unlock_page:
            self.unlock_page.passphrase.selectAll()
            self.unlock_page.passphrase.setFocus()
