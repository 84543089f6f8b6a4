"""Settings: appearance, locking, the passphrase, relays (hosting one here) and syncing
with colleagues on the LAN.

Everything is read and written on the worker; the dialog only shows and gathers.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from casebook import preferences
from casebook.core import backup as backups
from casebook.core.profile import on_disk
from casebook.errors import LibraryClosed
from casebook.gui import folders, theme
from casebook.gui.bridge import Core
from casebook.gui.devices_view import DevicesDialog
from casebook.gui.messages import error_text, tone
from casebook.gui.network_dialogs import DEFAULT_PORT, guess_host
from casebook.session import Session, hosting
from casebook.session.session import LAN_ENV, lan_allowed


def _snapshot(s: Session) -> dict[str, Any]:
    p = s.p
    engine = s.sync
    relays = [
        {"network": p.governance.show(net)["name"], "relays": [str(r) for r in engine.relays(net)]}
        for net in engine.networks()
    ]
    wanted = p.settings.get("host_relay")
    address = str(wanted["host"]) if wanted else guess_host()
    return {
        "theme": p.settings.get("theme") or "system",
        "language": preferences.language(p.directory),
        "lock_minutes": int(p.settings.get("lock_minutes")),
        "host_relay": wanted,
        "hosting": None if s.relay is None else s.relay.url(address),
        "reach": hosting.reach(address) if wanted else None,
        "relays": relays,
        "lan_sync": bool(p.settings.get("lan_sync")),
        "lan_allowed": lan_allowed(),
        "library_bytes": on_disk(p.db.path),
        "free_bytes": p.db.free_bytes(),
    }


class SettingsDialog(QDialog):
    def __init__(
        self,
        core: Core,
        parent: QWidget | None = None,
        on_closed: Callable[[], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.core = core
        # Called once this dialog closes, when a re-key or a compaction left the library
        # closed (written anew, then not opened again): the window locks.
        self.on_closed = on_closed
        self.library_closed = False
        self.setWindowTitle(self.tr("Settings"))
        self.setMinimumWidth(620)
        layout = QVBoxLayout(self)

        look = QGroupBox(self.tr("Appearance and privacy"))
        form = QFormLayout(look)
        self.theme = QComboBox()
        self.theme.setAccessibleName(self.tr("Theme"))
        for value, label in zip(
            theme.CHOICES,
            (self.tr("Follow the system"), self.tr("Light"), self.tr("Dark")),
            strict=True,
        ):
            self.theme.addItem(label, value)
        form.addRow(self.tr("Theme"), self.theme)
        self.language = QComboBox()
        self.language.setAccessibleName(self.tr("Language"))
        self.language.addItem(self.tr("Follow the computer"), preferences.SYSTEM)
        for code, name in preferences.LANGUAGES.items():  # each named in itself
            self.language.addItem(name, code)
        self.language.setProperty("verbatim", True)  # the languages' own names
        form.addRow(self.tr("Language"), self.language)
        self.language_note = QLabel()
        self.language_note.setWordWrap(True)
        self.language_note.hide()
        form.addRow("", self.language_note)
        self.lock = QSpinBox()
        self.lock.setRange(0, 240)
        self.lock.setSuffix(self.tr(" minutes"))
        self.lock.setSpecialValueText(self.tr("never"))
        self.lock.setAccessibleName(self.tr("Lock after idle"))
        form.addRow(self.tr("Lock when idle for"), self.lock)
        layout.addWidget(look)

        secret = QGroupBox(self.tr("Passphrase"))
        inside = QVBoxLayout(secret)  # the hint below the form: a form row would clip it
        form = QFormLayout()
        inside.addLayout(form)
        self.current = QLineEdit()
        self.new = QLineEdit()
        self.repeat = QLineEdit()
        for field, name in (
            (self.current, self.tr("Current passphrase")),
            (self.new, self.tr("New passphrase")),
            (self.repeat, self.tr("New passphrase again")),
        ):
            field.setEchoMode(QLineEdit.EchoMode.Password)
            field.setAccessibleName(name)
            form.addRow(name, field)
        self.change = QPushButton(self.tr("Change passphrase"))
        self.change.clicked.connect(self._change_passphrase)
        form.addRow("", self.change)
        warning = QLabel(
            self.tr(
                "Nobody can reset a forgotten passphrase; your recovery key brings your"
                " networks back on a new profile."
            )
        )
        warning.setObjectName("hint")
        warning.setWordWrap(True)
        inside.addWidget(warning)
        layout.addWidget(secret)

        computers = QGroupBox(self.tr("Your computers"))
        row = QHBoxLayout(computers)
        about = QLabel(
            self.tr(
                "Use Casebook on another computer too, revoke one you lost, or see your "
                "recovery key again."
            )
        )
        about.setWordWrap(True)
        row.addWidget(about, 1)
        self.devices_button = QPushButton(self.tr("Your computers…"))
        self.devices_button.clicked.connect(self.show_devices)
        row.addWidget(self.devices_button)
        self.backup_button = QPushButton(self.tr("Back up…"))
        self.backup_button.setToolTip(
            self.tr("Write an encrypted copy of your library to a file (your passphrase opens it)")
        )
        self.backup_button.clicked.connect(self.back_up)
        row.addWidget(self.backup_button)
        layout.addWidget(computers)

        stored = QGroupBox(self.tr("The library on this computer"))
        row = QHBoxLayout(stored)
        self.library_size = QLabel()
        self.library_size.setWordWrap(True)
        row.addWidget(self.library_size, 1)
        self.compact_button = QPushButton(self.tr("Compact"))
        self.compact_button.setToolTip(
            self.tr(
                "Write the library anew without its free pages (sync, and a relay hosted "
                "here, pause meanwhile)"
            )
        )
        self.compact_button.clicked.connect(self.compact)
        row.addWidget(self.compact_button)
        layout.addWidget(stored)

        relays = QGroupBox(self.tr("Relays and colleagues nearby"))
        column = QVBoxLayout(relays)
        self.relay_list = QLabel()
        self.relay_list.setWordWrap(True)
        self.relay_list.setTextInteractionFlags(
            self.relay_list.textInteractionFlags().TextSelectableByMouse
        )
        column.addWidget(self.relay_list)
        row = QHBoxLayout()
        self.host_name = QLineEdit(guess_host())
        self.host_name.setAccessibleName(self.tr("Address members reach this computer at"))
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setAccessibleName(self.tr("Port"))
        self.host_button = QPushButton()
        self.host_button.clicked.connect(self._toggle_hosting)
        intro = QLabel(self.tr("Host a relay here; colleagues reach it at"))
        intro.setWordWrap(True)
        intro.setBuddy(self.host_name)
        column.addWidget(intro)  # a line of its own: the address keeps the row's width
        row.addWidget(self.host_name, 1)
        row.addWidget(self.port)
        row.addWidget(self.host_button)
        column.addLayout(row)
        self.hosting = QLabel()
        self.hosting.setWordWrap(True)
        self.hosting.setTextInteractionFlags(self.relay_list.textInteractionFlags())
        column.addWidget(self.hosting)
        self.lan = QCheckBox(self.tr("Sync directly with colleagues on the same network (LAN)"))
        self.lan.setAccessibleName(self.tr("Sync with colleagues on the LAN"))
        self.lan.setToolTip(
            self.tr(
                "While Casebook is open it announces itself on this network with an opaque "
                "code only your networks' members recognise, and syncs with them directly, "
                "also when the internet or the relay is down."
            )
        )
        column.addWidget(self.lan)
        layout.addWidget(relays)

        self.message = QLabel()
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.theme.currentIndexChanged.connect(self._save_theme)
        self.language.currentIndexChanged.connect(self._save_language)
        self.lock.valueChanged.connect(self._save_lock)
        self.lan.toggled.connect(self._save_lan)
        self.values: dict[str, Any] = {}
        self.reload()

    def showEvent(self, event: QShowEvent) -> None:
        """Tall enough for its wrapped hints at this width (a dialog's first size counts
        them as one line each, which squeezes the fields)."""
        super().showEvent(event)
        self._fit()

    def _fit(self) -> None:
        layout = self.layout()
        needed = layout.totalHeightForWidth(self.width()) if layout else -1
        if needed > self.height():
            self.resize(self.width(), needed)

    def show_devices(self) -> None:
        DevicesDialog(self.core, self).exec()

    def back_up(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Back up your library"), folders.start("casebook.backup")
        )
        if not path:
            return
        passphrase, ok = QInputDialog.getText(
            self,
            self.tr("Back up your library"),
            self.tr("Your passphrase (the backup opens with it):"),
            QLineEdit.EchoMode.Password,
        )
        if ok:
            self.write_backup(Path(path), passphrase)

    def write_backup(self, path: Path, passphrase: str) -> None:
        def job(s: Session) -> dict[str, Any]:
            s.p.check_passphrase(passphrase)
            return backups.write(s.p, path, passphrase=passphrase)

        self._say(self.tr("Writing the backup…"))
        self.core.call(job, self._backed_up, self._failed)

    def _backed_up(self, result: dict[str, Any]) -> None:
        self._say(
            self.tr("Wrote {0} ({1} KiB), encrypted under your passphrase.").format(
                result["file"], result["bytes"] // 1024
            )
        )

    def compact(self) -> None:
        self.compact_button.setEnabled(False)
        self._say(self.tr("Compacting your library…"))
        self.core.call(lambda s: s.compact(), self._compacted, self._compact_failed, alone=True)

    def _compacted(self, sizes: tuple[int, int]) -> None:
        self.compact_button.setEnabled(True)
        self._say(
            self.tr("Compacted your library: {0} MB before, {1} MB now.").format(
                *(f"{size / 1e6:,.1f}" for size in sizes)
            )
        )
        self.reload()

    def _compact_failed(self, error: object) -> None:
        self.compact_button.setEnabled(True)
        self._failed(error)

    # -- loading ----------------------------------------------------------------------
    def reload(self) -> None:
        self.core.call(_snapshot, self._show)

    def _show(self, values: dict[str, Any]) -> None:
        self.values = values
        widgets = (self.theme, self.language, self.lock, self.lan)
        for widget in widgets:
            widget.blockSignals(True)
        self.theme.setCurrentIndex(max(0, self.theme.findData(values["theme"])))
        self.language.setCurrentIndex(max(0, self.language.findData(values["language"])))
        self.lock.setValue(values["lock_minutes"])
        self.lan.setChecked(values["lan_sync"] and values["lan_allowed"])
        self.lan.setEnabled(values["lan_allowed"])
        if not values["lan_allowed"]:
            self.lan.setToolTip(
                self.tr("Turned off on this computer by its administrator ({0}=off).").format(
                    LAN_ENV
                )
            )
        for widget in widgets:
            widget.blockSignals(False)
        size, free = (f"{values[k] / 1e6:,.1f}" for k in ("library_bytes", "free_bytes"))
        self.library_size.setText(
            self.tr(
                "{0} MB on disk, of which {1} MB are free pages that compacting gives back."
            ).format(size, free)
            if values["free_bytes"] >= 100_000  # (what rounds to 0.0 MB is not worth it)
            else self.tr("{0} MB on disk, with no free pages.").format(size)
        )
        lines = []
        for item in values["relays"]:
            where = ", ".join(item["relays"]) or self.tr(
                "none (colleagues on the LAN and bundle files)"
            )
            lines.append(f"<b>{item['network']}</b>: {where}")
        self.relay_list.setText(
            "<br>".join(lines) or self.tr("No network yet: create or join one first.")
        )
        wanted = values["host_relay"]
        if wanted:
            self.host_name.setText(wanted["host"])
            self.port.setValue(int(wanted["port"]))
        self.host_button.setText(self.tr("Stop hosting") if wanted else self.tr("Host"))
        if values["hosting"]:
            self.hosting.setText(
                self.tr("Hosting a relay for your networks at:<br><code>{0}</code>").format(
                    values["hosting"]
                )
                + "<br>"
                + self._reach_words(str(values["reach"]), str(wanted["host"]))
            )
        else:
            self.hosting.setText(
                self.tr(
                    "A relay hosted here forwards your networks' encrypted events while "
                    "Casebook runs on this computer; it cannot read them."
                )
            )
        self._fit()  # the texts just set may wrap onto more lines

    def _reach_words(self, reach: str, host: str) -> str:
        if reach == "this":
            return self.tr(
                "Only this computer reaches it (for trying Casebook out): colleagues "
                "cannot. Give the address your colleagues' computers know this one by."
            )
        if reach == "lan":
            return self.tr(
                "Computers on this local network reach it at {0}; it listens only there, "
                "not on other networks this computer is on."
            ).format(host)
        return self.tr(
            "It listens on every address of this computer: anyone who can reach {0} (the "
            "internet, through your router) can connect; only your networks' members "
            "get in, and it reads nothing."
        ).format(host)

    # -- changes ----------------------------------------------------------------------
    def _save_theme(self) -> None:
        choice = str(self.theme.currentData())
        self.core.call(lambda s: s.p.settings.set("theme", choice), None, self._failed)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.apply(app, choice)

    def _save_language(self) -> None:
        code = str(self.language.currentData())
        self.core.call(
            lambda s: preferences.set_language(s.p.directory, code),
            self._language_saved,
            self._failed,
        )

    def _language_saved(self, _: object) -> None:
        self.language_note.setText(
            self.tr("The new language applies the next time Casebook starts.")
        )
        self.language_note.show()

    def _save_lan(self, on: bool) -> None:
        async def job(s: Session) -> int:
            s.p.settings.set("lan_sync", on)
            return await s.restart_sync()

        self.core.call(job, None, self._failed)

    def _save_lock(self, minutes: int) -> None:
        self.core.call(lambda s: s.p.settings.set("lock_minutes", minutes), None, self._failed)
        parent = self.parent()
        if parent is not None and hasattr(parent, "set_lock_minutes"):
            parent.set_lock_minutes(minutes)

    def _toggle_hosting(self) -> None:
        if self.values.get("host_relay"):
            job: Any = lambda s: s.stop_hosting(forget=True)  # noqa: E731
        else:
            port, host = self.port.value(), self.host_name.text().strip()
            job = lambda s: s.host(port, host)  # noqa: E731
        self.host_button.setEnabled(False)
        self.core.call(job, self._hosting_changed, self._hosting_failed)

    def _hosting_changed(self, _: object) -> None:
        self.host_button.setEnabled(True)
        self.reload()

    def _hosting_failed(self, error: object) -> None:
        self.host_button.setEnabled(True)
        self._failed(error)

    def _change_passphrase(self) -> None:
        current, new, again = self.current.text(), self.new.text(), self.repeat.text()
        if new != again:
            self._say(self.tr("The two new passphrases differ."), error=True)
            return
        self.change.setEnabled(False)
        self._say(self.tr("Re-encrypting your library under the new passphrase…"))
        self.core.call(
            lambda s: s.change_passphrase(current, new),
            self._changed,
            self._change_failed,
            alone=True,
        )

    def _changed(self, _: object) -> None:
        self.change.setEnabled(True)
        for field in (self.current, self.new, self.repeat):
            field.clear()
        self._say(self.tr("Passphrase changed. Use the new one from now on."))

    def _change_failed(self, error: object) -> None:
        self.change.setEnabled(True)
        self._failed(error)

    def _failed(self, error: object) -> None:
        self._say(error_text(error), error=True)
        if isinstance(error, LibraryClosed):
            self.library_closed = True
            for group in self.findChildren(QGroupBox):  # nothing here works until unlocked
                group.setEnabled(False)
            if not self.isVisible():  # closed while it ran: the window locks now
                self.done(0)

    def done(self, result: int) -> None:
        super().done(result)
        if self.library_closed and self.on_closed is not None:
            on_closed, self.on_closed = self.on_closed, None
            on_closed()

    def _say(self, text: str, error: bool = False) -> None:
        tone(self.message, "error" if error else "")
        self.message.setText(text)
