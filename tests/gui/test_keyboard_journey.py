"""The whole journey without the mouse: create a library, keep the recovery key, make a
network, post a case, reply, search, and invite a colleague. Every key goes to whatever
has the keyboard focus (or the open menu), as it would for a person; dialogs opened by a
key are answered, still by keys, while they are open."""

from __future__ import annotations

from collections.abc import Callable

from guikit import PASS, idle
from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QApplication, QCheckBox, QDialog, QPushButton, QRadioButton, QWidget

from casebook.gui.app import Shell
from casebook.gui.compose import NewCaseDialog
from casebook.gui.invites_view import InviteDialog
from casebook.gui.network_dialogs import NewNetworkDialog
from casebook.gui.people import PeopleDialog

Mod = Qt.KeyboardModifier


def focused() -> QWidget:
    widget = QApplication.activePopupWidget() or QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    return widget


def press(qtbot, key: Qt.Key, modifier: Mod = Mod.NoModifier) -> None:
    qtbot.keyClick(focused(), key, modifier)
    QCoreApplication.processEvents()


def write(qtbot, text: str) -> None:
    qtbot.keyClicks(focused(), text)


def tab_to(qtbot, wanted: Callable[[QWidget], bool], limit: int = 40) -> QWidget:
    for _ in range(limit):
        if wanted(focused()):
            return focused()
        press(qtbot, Qt.Key.Key_Tab)
    raise AssertionError(f"Tab does not reach it (stuck at {focused()!r})")


def back_to(qtbot, window: QWidget) -> None:
    """The window is active again once a dialog closes (the window manager's part; the
    offscreen platform has none), with the focus where it was."""
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=10_000)


def button(text: str) -> Callable[[QWidget], bool]:
    return lambda w: isinstance(w, QPushButton) and w.text().replace("&", "") == text


failures: list[BaseException] = []


def when_open(kind: type[QDialog], answer: Callable[[QDialog], None]) -> list[QDialog]:
    """Answers the next ``kind`` dialog once it is up (its exec() runs its own loop)."""
    seen: list[QDialog] = []

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind):
            QTimer.singleShot(20, look)
            return
        if not dialog.isAncestorOf(QApplication.focusWidget()):
            dialog.activateWindow()  # the window manager's part (offscreen has none)
            QTimer.singleShot(20, look)
            return
        seen.append(dialog)
        try:
            answer(dialog)
        except BaseException as failure:  # closed, so that the test fails instead of hanging
            failures.append(failure)
            dialog.reject()

    QTimer.singleShot(0, look)
    return seen


def test_create_post_reply_search_and_invite_with_the_keyboard_alone(qtbot, core, tmp_path):
    shell = Shell(core, tmp_path / "profile")
    qtbot.addWidget(shell)
    shell.show()
    shell.activateWindow()
    idle(qtbot, core)

    # A new library: name, passphrase twice, Enter.
    page = shell.onboarding.create_page
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.name, timeout=10_000)
    write(qtbot, "Dr. Keys Only")
    press(qtbot, Qt.Key.Key_Tab)
    write(qtbot, PASS)
    press(qtbot, Qt.Key.Key_Tab)
    write(qtbot, PASS)
    press(qtbot, Qt.Key.Key_Return)
    key_page = shell.onboarding.key_page
    qtbot.waitUntil(lambda: key_page.view.written.isEnabled(), timeout=30_000)

    # The recovery key: tick "written down", then Continue.
    tab_to(qtbot, lambda w: isinstance(w, QCheckBox))
    press(qtbot, Qt.Key.Key_Space)
    tab_to(qtbot, button("Continue"))
    press(qtbot, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: shell.library is not None, timeout=30_000)
    win = shell.library
    qtbot.addWidget(win)
    win.activateWindow()
    idle(qtbot, core)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None, timeout=10_000)

    # A network, from the Network menu (Alt+N, Enter on "New network…").
    def name_network(dialog: QDialog) -> None:
        write(qtbot, "Keyboard circle")
        tab_to(qtbot, lambda w: isinstance(w, QRadioButton))  # Tab enters the choice…
        while not dialog.none.isChecked():  # type: ignore[attr-defined]
            press(qtbot, Qt.Key.Key_Down)  # …arrows move in it, to "No relay for now"
        tab_to(qtbot, button("Create network"))
        press(qtbot, Qt.Key.Key_Space)

    made = when_open(NewNetworkDialog, name_network)
    press(qtbot, Qt.Key.Key_N, Mod.AltModifier)
    press(qtbot, Qt.Key.Key_Return)
    assert not failures, failures
    qtbot.waitUntil(lambda: bool(made) and bool(win.networks), timeout=15_000)
    idle(qtbot, core)
    back_to(qtbot, win)

    # A case: Ctrl+N, title, a line of notes, Post.
    def write_case(dialog: QDialog) -> None:
        write(qtbot, "Breathless on stairs")
        tab_to(qtbot, lambda w: w is dialog.body)  # type: ignore[attr-defined]
        write(qtbot, "Two weeks of breathlessness climbing one flight.")
        tab_to(qtbot, button("Post case"))
        press(qtbot, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=15_000)

    posted = when_open(NewCaseDialog, write_case)
    press(qtbot, Qt.Key.Key_N, Mod.ControlModifier)
    assert posted and not failures, failures
    qtbot.waitUntil(lambda: win.model.rowCount() == 1, timeout=15_000)
    qtbot.waitUntil(lambda: win.case_actions.loaded is not None, timeout=15_000)
    idle(qtbot, core)
    back_to(qtbot, win)

    # A reply: Tab to the reply box, write, Ctrl+Return.
    tab_to(qtbot, lambda w: w is win.reply)
    write(qtbot, "Exercise test first.")
    press(qtbot, Qt.Key.Key_Return, Mod.ControlModifier)
    qtbot.waitUntil(lambda: "Exercise test first." in win.viewer.toPlainText(), timeout=15_000)
    assert win.reply.toPlainText() == ""

    # Search: Ctrl+F, a word, the case found; Esc clears it.
    press(qtbot, Qt.Key.Key_F, Mod.ControlModifier)
    assert focused() is win.search
    write(qtbot, "breathlessness")
    qtbot.waitUntil(lambda: win.model.query == "breathlessness", timeout=15_000)
    idle(qtbot, core)
    assert [r.title for r in win.model.rows] == ["Breathless on stairs"]
    press(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: win.model.query == "", timeout=15_000)

    # An invite: Network menu, People…, "Invite a colleague", "Create invite", Esc, Esc.
    codes: list[str] = []

    def make_invite(dialog: QDialog) -> None:
        tab_to(qtbot, button("Create invite"))
        press(qtbot, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: bool(dialog.code.toPlainText()), timeout=15_000)  # type: ignore[attr-defined]
        codes.append(dialog.code.toPlainText())  # type: ignore[attr-defined]
        press(qtbot, Qt.Key.Key_Escape)

    def invite_from_people(dialog: QDialog) -> None:
        idle(qtbot, core)
        when_open(InviteDialog, make_invite)
        tab_to(qtbot, button("Invite a colleague…"))
        press(qtbot, Qt.Key.Key_Space)  # the invite dialog, answered above, until Esc
        back_to(qtbot, dialog)
        press(qtbot, Qt.Key.Key_Escape)

    people = when_open(PeopleDialog, invite_from_people)
    press(qtbot, Qt.Key.Key_N, Mod.AltModifier)
    for _ in range(2):  # New network…, Join network…, People…
        press(qtbot, Qt.Key.Key_Down)
    press(qtbot, Qt.Key.Key_Return)
    assert people and not failures, failures
    assert codes and codes[0].startswith("CASEBOOK-INVITE-")
