"""What the GUI tests do as a person would: open the app, submit a dialog, open a case,
click a link, answer the next text dialog."""

from __future__ import annotations

import time

from PySide6.QtCore import QCoreApplication, QEventLoop, Qt, QUrl
from PySide6.QtGui import QColor, QImage

from casebook.gui.app import Shell
from casebook.gui.case_dialogs import TextDialog
from casebook.gui.network_dialogs import NewNetworkDialog
from clikit import PASSPHRASE

PASS = PASSPHRASE


def idle(qtbot, core):
    qtbot.waitUntil(lambda: core.pending == 0, timeout=15_000)


def open_shell(qtbot, core, directory):
    shell = Shell(core, directory)
    qtbot.addWidget(shell)
    shell.show()
    idle(qtbot, core)
    return shell


def unlock(qtbot, core, directory):
    """The app on an existing profile, unlocked: its library window, once idle."""
    shell = open_shell(qtbot, core, directory)
    shell.onboarding.unlock_page.passphrase.setText(PASS)
    shell.onboarding.unlock_page.button.click()
    qtbot.waitUntil(lambda: shell.library is not None, timeout=15_000)
    win = shell.library
    qtbot.addWidget(win)
    idle(qtbot, core)
    return win


def open_demo(qtbot, core, tmp_path):
    """The app on the demo library (``--demo``), once its window is up and idle."""
    shell = Shell(core, tmp_path / "demo" / "profile", demo=True)
    qtbot.addWidget(shell)
    shell.show()
    qtbot.waitUntil(lambda: shell.library is not None, timeout=30_000)
    win = shell.library
    qtbot.addWidget(win)
    idle(qtbot, core)
    return win


def submit(dialog):
    """Click the dialog's OK as a person would and wait, as its exec() would, until the
    core has answered (the text goes out from the open dialog); the dialog's result."""
    button = getattr(dialog, "post", None) or dialog.ok
    button.click()
    deadline = time.monotonic() + 15
    while dialog.publishing and time.monotonic() < deadline:
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    assert not dialog.publishing, "the core did not answer"
    return dialog.result()


def choose_network(monkeypatch, name, relay=None):
    """The next 'New network' dialog is filled in with ``name`` and ``relay`` (or none)."""

    def fill(dialog):
        dialog.name.setText(name)
        if relay:
            dialog.relay.setText(relay)
        else:
            dialog.none.setChecked(True)
        dialog._check()
        return dialog.result()

    monkeypatch.setattr(NewNetworkDialog, "exec", fill)


OWN_OPEN = "Leg swelling after a long flight"  # the demo user's, no outcome yet
OTHERS = "Wide-complex tachycardia, haemodynamically stable"  # Amara's; Mei, then Sam reply


def run(qtbot, core, job):
    """``job`` on the worker, its result here (to check what the core now holds)."""
    box: list[object] = []
    core.call(job, box.append, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=15_000)
    if isinstance(box[0], Exception):
        raise box[0]
    return box[0]


def case_of(qtbot, core, case_id):
    return run(qtbot, core, lambda s: s.p.queries.case(case_id, include_hidden=True))


def open_case(qtbot, win, title):
    """Select the case titled ``title`` and wait until it is shown with its actions."""
    qtbot.waitUntil(lambda: win.model.rowCount() > 0, timeout=15_000)
    rows = [r for r in range(win.model.rowCount()) if win.model.rows[r].title == title]
    assert rows, f"{title!r} is not listed"
    win.table.selectRow(rows[0])
    shown = win.case_actions
    qtbot.waitUntil(
        lambda: shown.loaded is not None and shown.loaded.case.summary.title == title,
        timeout=15_000,
    )
    idle(qtbot, win.core)
    return shown.loaded.case.summary.id


def click(qtbot, win, href):
    """As if ``href`` were clicked in the case view."""
    assert href in win.viewer.toHtml(), f"{href} is not offered"
    win.viewer.anchorClicked.emit(QUrl(href))
    idle(qtbot, win.core)


def answer(monkeypatch, text, checked=True):
    """The next text dialog (outcome, comment, reason) is answered with ``text``."""
    asked: list[TextDialog] = []

    def fill(dialog):
        asked.append(dialog)
        dialog.text.setPlainText(text)
        if dialog.option is not None:
            dialog.option.setChecked(checked)
        return submit(dialog)

    monkeypatch.setattr(TextDialog, "exec", fill)
    return asked


def png(path, colour="#aa3355", size=(300, 200)):
    image = QImage(*size, QImage.Format.Format_RGB32)
    image.fill(QColor(colour))
    assert image.save(str(path))
    return path


def keep_recovery_key(qtbot, shell):
    """The page after creating a library: the key is shown; Continue waits for the box
    "I have written it down"."""
    page = shell.onboarding.key_page
    qtbot.waitUntil(lambda: shell.onboarding.currentWidget() is page, timeout=15_000)
    qtbot.waitUntil(lambda: page.view.written.isEnabled(), timeout=15_000)
    key = page.view.text
    assert len(key.split("-")) == 14
    assert not page.button.isEnabled()
    page.view.written.setChecked(True)
    assert page.button.isEnabled()
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    return key
