"""Issue 16, item 13: a guessable passphrase is refused (the core's one rule, in the
terminal and in the window), and "the two passphrases differ" goes once they agree."""

from __future__ import annotations

from guikit import open_shell
from PySide6.QtCore import Qt

from casebook.core import passphrase


def test_the_core_refuses_the_passwords_an_attacker_tries_first() -> None:
    for weak in ("password1", "Password1!", "qwerty2024!", "12345678", "aaaaaaaaaa"):
        assert passphrase.strength(weak) == "weak", weak
    assert passphrase.strength("short") == "too short"
    assert passphrase.strength("heron quartz lantern meadow") == "strong"


def test_init_refuses_password1(cli, tmp_path) -> None:
    refused = cli("init", "--name", "Dr. Carol Diaz", env={"CASEBOOK_PASSPHRASE": "password1"})
    assert refused.code == 2 and "first an attacker would try" in refused.err
    assert "Traceback" not in refused.err
    assert not (tmp_path / "cli-profile" / "profile.json").exists()


def test_the_window_refuses_password1_and_forgets_a_stale_mismatch(qtbot, core, tmp_path):
    shell = open_shell(qtbot, core, tmp_path / "new")
    page = shell.onboarding.create_page
    qtbot.waitUntil(lambda: shell.onboarding.currentWidget() is page, timeout=10_000)
    page.name.setText("Dr. Carol Diaz")
    qtbot.keyClicks(page.passphrase, "password1")
    assert "weak" in page.hint.text() and "not accepted" in page.hint.text()
    qtbot.keyClicks(page.repeat, "password")
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    assert page.error.isVisible() and "differ" in page.error.text()
    qtbot.keyClicks(page.repeat, "1")  # now they agree: the stale message goes
    assert not page.error.isVisible()
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "first an attacker would try" in page.error.text(), timeout=10_000)
    assert shell.library is None and not (tmp_path / "new" / "profile.json").exists()


def test_settings_say_who_reaches_a_relay_hosted_here(qtbot, core, tmp_path):
    """Issue 16, item 14: hosting for 127.0.0.1 says plainly that only this computer
    reaches it (and it listens only there, see tests/session/test_hosting_reach.py)."""
    import socket

    from guikit import PASS, idle

    from casebook.core.profile import Profile
    from casebook.gui.settings import SettingsDialog

    Profile.create(tmp_path / "p", "Dr. Alice Moreau", PASS).close()
    core.call(lambda s: s.unlock(tmp_path / "p", PASS))
    idle(qtbot, core)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    dialog = SettingsDialog(core)
    qtbot.addWidget(dialog)
    idle(qtbot, core)
    dialog.host_name.setText("127.0.0.1")
    dialog.port.setValue(port)
    qtbot.mouseClick(dialog.host_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: "Only this computer reaches it" in dialog.hosting.text(), timeout=15_000
    )
    assert f"127.0.0.1:{port}" in dialog.hosting.text()
    qtbot.mouseClick(dialog.host_button, Qt.MouseButton.LeftButton)  # stop hosting
    qtbot.waitUntil(lambda: dialog.host_button.text() == "Host", timeout=15_000)
