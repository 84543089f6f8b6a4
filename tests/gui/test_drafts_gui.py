"""Issue 16, item 1: a half-written case survives Esc, a reply survives switching cases
and locking; sending discards the draft. Against the demo library."""

from __future__ import annotations

from guikit import OTHERS, OWN_OPEN, idle, open_case, run
from PySide6.QtCore import Qt

from casebook.gui.app import Shell
from casebook.gui.compose import NewCaseDialog
from casebook.gui.screenshots import settle


def demo_shell(qtbot, core, tmp_path):
    shell = Shell(core, tmp_path / "demo" / "profile", demo=True)
    qtbot.addWidget(shell)
    shell.show()
    qtbot.waitUntil(lambda: shell.library is not None, timeout=60_000)
    idle(qtbot, core)
    return shell


def test_a_new_case_survives_escape_and_goes_once_posted(qtbot, core, tmp_path):
    shell = demo_shell(qtbot, core, tmp_path)
    win = shell.library
    net = bytes.fromhex(win.networks[0]["id"])
    dialog = NewCaseDialog("Demo Circle", win)
    qtbot.addWidget(dialog)
    dialog.keep_drafts(core, net)
    dialog.show()
    dialog.title.setText("Palpitations after a night shift")
    dialog.fields["history"].setPlainText("Three coffees, no sleep.")
    dialog.reject()  # Esc, or Cancel
    assert not dialog.isVisible()
    idle(qtbot, core)
    assert run(qtbot, core, lambda s: s.p.drafts.load("case", net))["title"].startswith("Palp")

    again = NewCaseDialog("Demo Circle", win)
    qtbot.addWidget(again)
    again.keep_drafts(core, net)
    qtbot.waitUntil(lambda: again.title.text() == "Palpitations after a night shift")
    assert again.fields["history"].toPlainText() == "Three coffees, no sleep."
    assert "draft is back" in again.error.text()
    again.accept()  # as a successful post ends the form
    idle(qtbot, core)
    assert run(qtbot, core, lambda s: s.p.drafts.load("case", net)) is None


def test_a_reply_survives_another_case_and_a_lock(qtbot, core, tmp_path):
    shell = demo_shell(qtbot, core, tmp_path)
    win = shell.library
    open_case(qtbot, win, OWN_OPEN)
    qtbot.keyClicks(win.reply, "Compression stockings, and a D-dimer.")
    open_case(qtbot, win, OTHERS)
    assert win.reply.toPlainText() == ""  # not carried over to another case
    open_case(qtbot, win, OWN_OPEN)
    qtbot.waitUntil(lambda: win.reply.toPlainText() == "Compression stockings, and a D-dimer.")

    qtbot.keyClicks(win.reply, " Then a scan.")
    shell.lock()  # as Ctrl+L or the idle timer does
    idle(qtbot, core)
    page = shell.onboarding.unlock_page
    qtbot.keyClicks(page.passphrase, _demo_passphrase())
    qtbot.keyClick(page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.library is not None, timeout=15_000)
    win = shell.library
    settle(core)
    assert run(qtbot, core, lambda s: s.p.drafts.count()) == 1
    open_case(qtbot, win, OWN_OPEN)
    qtbot.waitUntil(
        lambda: win.reply.toPlainText() == "Compression stockings, and a D-dimer. Then a scan."
    )
    win.reply_button.click()  # sent: the draft goes
    qtbot.waitUntil(lambda: win.reply.toPlainText() == "", timeout=10_000)
    idle(qtbot, core)
    case_id = win.current_case
    assert run(qtbot, core, lambda s: s.p.drafts.load("reply", case_id)) is None


def _demo_passphrase() -> str:
    from casebook import demo

    return demo.PASSPHRASE
