"""The LAN and bundle files in the window: the status bar with colleagues nearby, the
setting that turns LAN sync off, the Bundle files window (export, import, summary), and
joining from a bundle file plus the invite code."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from guikit import PASS, idle
from PySide6.QtCore import Qt

from casebook.gui.app import Shell
from casebook.gui.bundles import BundleDialog
from casebook.gui.network_dialogs import JoinDialog
from casebook.gui.settings import SettingsDialog
from casebook.gui.sync_status import SyncIndicator
from casebook.sync.status import LinkStatus
from netkit import join, titles

NET = bytes(range(16))


def unlocked(qtbot, core, directory):
    shell = Shell(core, directory)
    qtbot.addWidget(shell)
    shell.show()
    idle(qtbot, core)
    qtbot.keyClicks(shell.onboarding.unlock_page.passphrase, PASS)
    qtbot.keyClick(shell.onboarding.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.library is not None, timeout=15_000)
    win = shell.library
    qtbot.addWidget(win)
    idle(qtbot, core)
    return win


def test_the_status_bar_says_when_colleagues_are_nearby(qtbot) -> None:
    bar = SyncIndicator()
    qtbot.addWidget(bar)
    bar.names = {NET: "Cardiology Circle"}
    relay = "casebook://relay.example.org:7447/ABC"
    bar.update_link(LinkStatus(NET, relay, state="offline", error="no answer", retry_in=30))
    assert bar.label.text().startswith("Offline")
    bar.set_nearby(2)
    bar.update_link(LinkStatus(NET, "lan://10.0.0.7:41000", state="live", last_success=1))
    assert bar.label.text() == "2 colleagues nearby · relay offline"
    assert bar.kind == "live"
    assert "10.0.0.7:41000 (colleague on this network): connected" in bar.toolTip()
    bar.update_link(LinkStatus(NET, relay, state="live", last_success=1))
    assert bar.label.text() == "2 colleagues nearby · relay connected"
    # A colleague who leaves is gone from the details, not "offline" for ever.
    bar.update_link(LinkStatus(NET, "lan://10.0.0.7:41000", state="stopped"))
    bar.set_nearby(1)
    assert "10.0.0.7" not in bar.toolTip()
    assert bar.label.text() == "1 colleague nearby · relay connected"
    bar.set_nearby(0)
    assert bar.label.text().startswith("Connected")


def test_no_relay_and_lan_on_says_it_looks_for_colleagues(qtbot) -> None:
    bar = SyncIndicator()
    qtbot.addWidget(bar)
    bar.show_local(lan=True)
    assert bar.label.text() == "No relay · looking for colleagues nearby"
    bar.set_nearby(1)
    assert bar.label.text() == "1 colleague nearby"


def test_a_setting_turns_lan_sync_off(qtbot, core, make_profile, monkeypatch) -> None:
    monkeypatch.setenv("CASEBOOK_LAN", "on")  # the setting is what is tested here
    alice = make_profile("Dr. Alice Moreau")
    directory = alice.directory
    alice.close()
    win = unlocked(qtbot, core, directory)
    dialog = SettingsDialog(core, win)
    qtbot.addWidget(dialog)
    idle(qtbot, core)
    assert dialog.lan.isChecked() and dialog.lan.isEnabled()
    dialog.lan.setChecked(False)
    idle(qtbot, core)
    seen: list[object] = []
    core.call(lambda s: (s.p.settings.get("lan_sync"), s.lan_enabled), seen.append)
    idle(qtbot, core)
    assert seen == [(False, False)]


def test_an_administrator_can_turn_lan_sync_off_for_the_computer(qtbot, core, make_profile):
    alice = make_profile("Dr. Alice Moreau")
    directory = alice.directory
    alice.close()
    win = unlocked(qtbot, core, directory)  # CASEBOOK_LAN=off (the tests' environment)
    dialog = SettingsDialog(core, win)
    qtbot.addWidget(dialog)
    idle(qtbot, core)
    assert not dialog.lan.isEnabled()
    assert "CASEBOOK_LAN=off" in dialog.lan.toolTip()


def test_bundle_files_export_and_import_with_a_summary(qtbot, core, make_profile, tmp_path) -> None:
    alice, bob = make_profile("Dr. Alice Moreau"), make_profile("Dr. Bob Okafor")
    net = alice.library.create_network("Cardiology Circle", alice.name)
    join(bob, alice, net)
    for title in ("Syncope after exertion", "Chest pain at rest"):
        alice.library.post_case(net, title=title, body="Seen in clinic.")
    out = tmp_path / "from-alice.casebook-bundle"
    alice.bundles.export(net, out)
    alice.close()
    directory = bob.directory
    bob.close()

    win = unlocked(qtbot, core, directory)
    dialog = BundleDialog(core, win.networks, win)
    qtbot.addWidget(dialog)
    seen: list[tuple[int, int]] = []
    dialog.bar.valueChanged.connect(lambda d: seen.append((d, dialog.bar.maximum())))
    dialog.import_from(out)
    idle(qtbot, core)
    text = dialog.summary.text()
    assert text == "Took in 2 new events (2 new cases); 3 were already here.", text
    assert seen and seen[-1][0] == seen[-1][1]
    dialog.import_from(out)  # again: nothing new, nothing doubled
    idle(qtbot, core)
    assert dialog.summary.text().startswith("Took in 0 new events;")

    back = tmp_path / "from-bob.casebook-bundle"
    dialog.export_to(back)
    idle(qtbot, core)
    assert dialog.summary.text().startswith("Wrote ") and back.exists()
    dialog.import_from(tmp_path / "missing.casebook-bundle")
    idle(qtbot, core)
    assert dialog.summary.objectName() == "error"
    assert "Cannot read" in dialog.summary.text()


def test_a_newcomer_joins_from_a_bundle_file_and_the_code(
    qtbot, core, make_profile, tmp_path, monkeypatch
) -> None:
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Field Clinic", alice.name)
    alice.library.post_case(net, title="Fever and rash", body="No internet here.")
    made = alice.invitations.create(net)
    out = tmp_path / "clinic.casebook-bundle"
    alice.bundles.export(net, out)
    nora = make_profile("Dr. Nora Quist")
    directory = nora.directory
    nora.close()

    win = unlocked(qtbot, core, directory)

    def fill(dialog: JoinDialog) -> int:
        dialog.code.setPlainText(made.code)
        dialog.bundle.setText(str(out))
        dialog._check()
        qtbot.waitUntil(lambda: dialog.result() == 1 or dialog.failed, timeout=30_000)
        return dialog.result()

    monkeypatch.setattr(JoinDialog, "exec", fill)
    win.join_network()
    qtbot.waitUntil(lambda: len(win.networks) == 1, timeout=15_000)
    idle(qtbot, core)
    assert win.networks[0]["name"] == "Field Clinic"
    assert "Fever and rash" in {win.model.rows[r].title for r in range(win.model.rowCount())}
    # Her join goes back to Alice by a bundle of her own.
    back = tmp_path / "nora.casebook-bundle"
    core.call(lambda s: s.p.bundles.export(net, back))
    idle(qtbot, core)
    taken = alice.bundles.take_in(back)
    assert taken.kinds["member.join"] == 1
    assert "Dr. Nora Quist" in {m["name"] for m in alice.governance.members(net)}
    assert titles(alice) == ["Fever and rash"]
