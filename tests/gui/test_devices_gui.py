"""Your computers in the window, against the real relay: link a laptop (the code and its
QR on the desktop, the comparison code on both), the list, revoking, and recovering on
a third computer from the recovery key. Screenshots go to ``CASEBOOK_SHOTS`` if set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from guikit import PASS, idle, open_shell
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox

from casebook.core.library.search import Filters
from casebook.core.model import devices as device_model
from casebook.core.model.identity import Identity
from casebook.core.profile import Profile
from casebook.gui.bridge import Core
from casebook.gui.devices_view import DevicesDialog, LinkDialog, RecoveryKeyDialog
from relaykit import RunningRelay, sync


def shot(widget, name: str) -> None:
    folder = os.environ.get("CASEBOOK_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / f"{name}.png"))


@pytest.fixture
def relay(tmp_path):
    running = RunningRelay(tmp_path / "relay-data")
    yield running
    running.stop()


@pytest.fixture
def laptop_core():
    core = Core()
    yield core
    core.shutdown()


def test_link_a_laptop_in_the_window_then_revoke_and_recover(
    qtbot, core, laptop_core, relay, tmp_path, monkeypatch
):
    with Profile.create(tmp_path / "desktop", "Dr. Alice Moreau", PASS) as alice:
        net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
        alice.library.post_case(net, title="Exertional syncope", body="At football practice.")
        assert sync(alice, net, relay).error is None
        fingerprint = alice.fingerprint
        key = alice.recovery.key()

    desktop = open_shell(qtbot, core, tmp_path / "desktop")
    qtbot.keyClicks(desktop.onboarding.unlock_page.passphrase, PASS)
    qtbot.keyClick(desktop.onboarding.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desktop.library is not None, timeout=15_000)
    idle(qtbot, core)

    link = LinkDialog(core)
    qtbot.addWidget(link)
    link.show()
    qtbot.waitUntil(lambda: link.code.isVisible() and link.qr.pixmap() is not None, timeout=15_000)
    code = link.code.text()
    assert code.startswith("CASEBOOK-LINK-") and not link.qr.pixmap().isNull()
    shot(link, "device-link")

    laptop = open_shell(qtbot, laptop_core, tmp_path / "laptop")
    onboarding = laptop.onboarding
    qtbot.mouseClick(onboarding.create_page.has_other, Qt.MouseButton.LeftButton)
    page = onboarding.link_page
    assert onboarding.currentWidget() is page
    page.code.setText(code)
    page.device_name.setText("Laptop")
    page.passphrase.setText(PASS)
    page.repeat.setText(PASS)
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: link.yes.isVisible(), timeout=15_000)
    shown_code = link.question.text().split("<b>")[1].split("</b>")[0]
    comparison = shown_code.replace("\u00a0", " ")
    qtbot.waitUntil(lambda: comparison in page.error.text(), timeout=15_000)
    shot(link, "device-link-compare")
    qtbot.mouseClick(link.yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: laptop.library is not None, timeout=30_000)
    qtbot.waitUntil(lambda: "Linked" in link.status.text(), timeout=15_000)
    idle(qtbot, laptop_core)
    idle(qtbot, core)
    qtbot.addWidget(laptop.library)
    link.close()
    laptop_fp = []
    laptop_core.call(lambda s: s.p.fingerprint, laptop_fp.append)
    idle(qtbot, laptop_core)
    assert laptop_fp == [fingerprint]
    titles = []
    laptop_core.call(
        lambda s: [c.title for c in s.p.queries.list_cases(Filters(), limit=5)], titles.append
    )
    idle(qtbot, laptop_core)
    assert titles == [["Exertional syncope"]]

    devices = DevicesDialog(core)
    qtbot.addWidget(devices)
    devices.show()
    qtbot.waitUntil(lambda: devices.table.topLevelItemCount() == 2, timeout=15_000)
    names = [devices.table.topLevelItem(i).text(0) for i in range(2)]
    assert names == ["first computer (this computer)", "Laptop"]
    shot(devices, "device-list")
    devices.table.setCurrentItem(devices.table.topLevelItem(1))
    assert devices.revoke_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    qtbot.mouseClick(devices.revoke_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Revoked" in devices.message.text(), timeout=15_000)
    qtbot.waitUntil(
        lambda: (
            devices.table.topLevelItemCount() == 2
            and "revoked" in devices.table.topLevelItem(1).text(0)
        ),
        timeout=15_000,
    )
    shot(devices, "device-list-revoked")

    # The recovery key again, after the passphrase.
    devices.close()
    shown = RecoveryKeyDialog(core)
    qtbot.addWidget(shown)
    shown.show()
    shown.view.passphrase.setText("not it")
    shown.view._unlock()
    qtbot.waitUntil(lambda: shown.view.error.isVisible(), timeout=15_000)
    shown.view.passphrase.setText(PASS)
    shown.view._unlock()
    qtbot.waitUntil(lambda: shown.view.text == key, timeout=15_000)
    shot(shown, "recovery-key")

    # The desktop syncs (its recovery box goes to the relay); a third computer recovers.
    synced = []
    core.call(lambda s: s.sync_once(), synced.append)
    idle(qtbot, core)
    third_core = Core()
    try:
        third = open_shell(qtbot, third_core, tmp_path / "third")
        qtbot.mouseClick(third.onboarding.create_page.recover, Qt.MouseButton.LeftButton)
        page = third.onboarding.recover_page
        page.key.setText(key[:-1] + ("A" if key[-1] != "A" else "B"))
        page.relay.setText(relay.url)
        page.passphrase.setText(PASS)
        page.repeat.setText(PASS)
        qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: "typo" in page.error.text(), timeout=15_000)
        shot(third.onboarding, "recover-typo")
        page.key.setText(key)
        qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: third.library is not None, timeout=30_000)
        qtbot.addWidget(third.library)
        idle(qtbot, third_core)
        recovered = []
        third_core.call(
            lambda s: (s.p.fingerprint, len(s.p.queries.list_cases(Filters(), limit=5))),
            recovered.append,
        )
        idle(qtbot, third_core)
        assert recovered == [(fingerprint, 1)]
    finally:
        third_core.shutdown()


def test_creating_a_library_ends_with_the_recovery_key(qtbot, core, tmp_path):
    shell = open_shell(qtbot, core, tmp_path / "profile")
    page = shell.onboarding.create_page
    page.name.setText("Dr. Alice Moreau")
    page.passphrase.setText(PASS)
    page.repeat.setText(PASS)
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    keys = shell.onboarding.key_page
    qtbot.waitUntil(lambda: shell.onboarding.currentWidget() is keys, timeout=15_000)
    qtbot.waitUntil(lambda: keys.view.written.isEnabled(), timeout=15_000)
    assert not keys.button.isEnabled()
    assert keys.view.print_button.isEnabled()
    shot(shell, "recovery-key-at-creation")
    keys.view.written.setChecked(True)
    qtbot.mouseClick(keys.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.library is not None, timeout=15_000)
    qtbot.addWidget(shell.library)
    idle(qtbot, core)


def test_back_up_in_settings_and_restore_at_first_start(qtbot, core, laptop_core, tmp_path):
    from casebook.gui.settings import SettingsDialog

    with Profile.create(tmp_path / "desktop", "Dr. Alice Moreau", PASS) as alice:
        net = alice.library.create_network("Cardiology Circle", alice.name)
        alice.library.post_case(net, title="Exertional syncope", body="At football practice.")
    desktop = open_shell(qtbot, core, tmp_path / "desktop")
    qtbot.keyClicks(desktop.onboarding.unlock_page.passphrase, PASS)
    qtbot.keyClick(desktop.onboarding.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: desktop.library is not None, timeout=15_000)
    idle(qtbot, core)
    settings = SettingsDialog(core)
    qtbot.addWidget(settings)
    settings.show()
    idle(qtbot, core)
    target = tmp_path / "alice.backup"
    settings.write_backup(target, "not my passphrase")
    qtbot.waitUntil(lambda: "passphrase" in settings.message.text().lower(), timeout=15_000)
    assert not target.exists()
    settings.write_backup(target, PASS)
    qtbot.waitUntil(lambda: "Wrote" in settings.message.text(), timeout=15_000)
    shot(settings, "settings-backup")
    assert target.exists()

    shell = open_shell(qtbot, laptop_core, tmp_path / "restored")
    qtbot.mouseClick(shell.onboarding.create_page.restore, Qt.MouseButton.LeftButton)
    page = shell.onboarding.restore_page
    assert shell.onboarding.currentWidget() is page
    page.file.setText(str(target))
    page.passphrase.setText(PASS)
    page.repeat.setText(PASS)
    shot(shell, "restore")
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.library is not None, timeout=30_000)
    qtbot.addWidget(shell.library)
    idle(qtbot, laptop_core)
    titles = []
    laptop_core.call(
        lambda s: [c.title for c in s.p.queries.list_cases(Filters(), limit=5)], titles.append
    )
    idle(qtbot, laptop_core)
    assert titles == [["Exertional syncope"]]


def test_revoking_a_computer_this_one_did_not_link_asks_for_the_recovery_key(
    qtbot, laptop_core, relay, tmp_path, monkeypatch
):
    """On the laptop, revoking the desktop that linked it needs the member key: the
    window asks for the recovery key (a wrong one is refused in words), then revokes."""
    with Profile.create(tmp_path / "desktop", "Dr. Alice Moreau", PASS) as alice:
        net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
        assert sync(alice, net, relay).error is None
        key = alice.recovery.key()
        device, secret = Identity.generate(), os.urandom(16)
        sealed = alice.devices.package(
            secret, device.public_key, device.exchange_public_key, "Laptop", alice.name
        )
        package = device_model.open_package(sealed, device, secret)
        with Profile.create(
            tmp_path / "laptop",
            package["name"],
            PASS,
            device=device,
            member=package["member"],
            device_name="Laptop",
            box_key=package["box"],
        ) as laptop:
            alice.devices.take_adds(laptop.devices.adopt(package))
            assert sync(alice, net, relay).error is None
            assert sync(laptop, net, relay).error is None

    shell = open_shell(qtbot, laptop_core, tmp_path / "laptop")
    qtbot.keyClicks(shell.onboarding.unlock_page.passphrase, PASS)
    qtbot.keyClick(shell.onboarding.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.library is not None, timeout=15_000)
    qtbot.addWidget(shell.library)
    idle(qtbot, laptop_core)

    devices = DevicesDialog(laptop_core)
    qtbot.addWidget(devices)
    devices.show()
    qtbot.waitUntil(lambda: devices.table.topLevelItemCount() == 2, timeout=15_000)
    assert devices.table.topLevelItem(0).text(0) == "first computer"
    devices.table.setCurrentItem(devices.table.topLevelItem(0))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    typed = iter([key[:-1] + ("A" if key[-1] != "A" else "B"), key])
    asked: list[str] = []

    def answer(parent, title, label, echo, *a, **k):
        asked.append(label)
        assert echo == QLineEdit.EchoMode.Password
        return next(typed), True

    monkeypatch.setattr(QInputDialog, "getText", answer)
    qtbot.mouseClick(devices.revoke_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "typo" in devices.message.text(), timeout=15_000)
    assert len(asked) == 1 and "recovery key" in asked[0]
    shot(devices, "device-revoke-recovery-key")
    qtbot.mouseClick(devices.revoke_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Revoked" in devices.message.text(), timeout=15_000)
    qtbot.waitUntil(lambda: "revoked" in devices.table.topLevelItem(0).text(0), timeout=15_000)
    assert len(asked) == 2
