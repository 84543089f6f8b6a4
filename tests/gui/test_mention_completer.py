"""Completing @names in the reply box (issue 20): after "@" and the start of a
colleague's name the network's members whose name fits are offered; choosing one writes
the full name, which the core then resolves to that member."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from guikit import OTHERS, idle, open_case, open_demo
from PySide6.QtGui import QTextCursor


def test_at_completes_a_colleague_s_name_in_the_reply(qtbot, core, tmp_path):
    win = open_demo(qtbot, core, tmp_path)
    open_case(qtbot, win, OTHERS)
    idle(qtbot, core)
    names = win.reply_drafts.names
    qtbot.waitUntil(lambda: bool(names.names), timeout=10_000)
    assert "Dr. Sam Rivera" not in names.names.values()  # the reader is not offered
    win.reply.setFocus()
    win.reply.setPlainText("Agree with ")
    win.reply.moveCursor(QTextCursor.MoveOperation.End)
    qtbot.keyClicks(win.reply, "@oka")
    assert names.candidates() == ["Dr. Amara Okafor"]
    names.insert("Dr. Amara Okafor")
    assert win.reply.toPlainText() == "Agree with @Dr. Amara Okafor "
    assert names.candidates() == []  # past the name: nothing offered
    win.reply.setPlainText("mail me at x@oka")  # an @ inside a word is no mention
    win.reply.moveCursor(QTextCursor.MoveOperation.End)
    assert names.candidates() == []
