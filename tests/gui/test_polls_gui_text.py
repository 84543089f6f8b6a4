"""Polls in the window: member-written text is never read as HTML, in the case view or in
the answer dialog. Found by a hostile review."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from casebook.core.library.polls import PollView
from casebook.gui import poll_view
from casebook.gui.poll_dialogs import AnswerPollDialog

EVIL = "<img src='file:///etc/passwd'><a href='casebook:poll-final/00'>click</a>"


def _view(**kw) -> PollView:
    base = dict(
        id=b"\x01" * 32,
        case=b"\x02" * 32,
        kind="choice",
        question=EVIL,
        options=[EVIL, "<b>two</b>"],
        mine=False,
        answered=False,
        skipped=False,
        my_answer=None,
        answers=0,
        results=None,
        final=None,
    )
    base.update(kw)
    return PollView(**base)


def test_the_answer_dialog_shows_the_question_as_text(qtbot) -> None:
    dialog = AnswerPollDialog(None, _view(), [])
    qtbot.addWidget(dialog)
    for label in dialog.findChildren(QLabel):
        if "<img" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText


def test_the_case_view_escapes_every_poll_value() -> None:
    from casebook.core.model.polls import Pooled

    views = [
        _view(),
        _view(
            kind="differential",
            options=[],
            answered=True,
            my_answer=[EVIL],
            final=EVIL,
            results=[Pooled(EVIL, 1.0, 1)],
            mine=True,
            my_rank=1,
            final_rank=1,
        ),
        _view(answered=True, my_answer=1, final=1, results=[Pooled(EVIL, 1.0, 1)]),
    ]
    out = poll_view.render(views, True)
    assert "<img" not in out and "<b>two</b>" not in out
