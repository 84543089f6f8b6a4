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
