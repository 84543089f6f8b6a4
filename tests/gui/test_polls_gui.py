"""Polls in the app (issue 20): a poll shows in its case with its answers hidden until the
reader answers or skips; answering from the dialog shows the pooled differential; the
author asks a poll from the case bar, and an identifier in it is caught before anything
is sent."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from guikit import OTHERS, OWN_OPEN, click, idle, open_case, open_demo, run, submit
from PySide6.QtWidgets import QInputDialog

from casebook.gui.poll_dialogs import AnswerPollDialog, AskPollDialog


def test_a_poll_is_blinded_until_answered_then_pooled(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    open_case(qtbot, win, OWN_OPEN)
    text = win.viewer.toPlainText()
    assert "Poll: What is your differential?" in text and "3 answer(s)" in text
    assert "once you have answered or skipped" in text and "Deep vein" not in text
    poll = win.case_actions.loaded.polls[0]
    asked: list[AnswerPollDialog] = []

    def fill(dialog: AnswerPollDialog) -> int:
        asked.append(dialog)
        dialog.lines[0].setText("Deep vein thrombosis")
        dialog.lines[1].setText("Cellulitis")
        return submit(dialog)

    monkeypatch.setattr(AnswerPollDialog, "exec", fill)
    win.case_actions.polls.answer(poll.id)
    idle(qtbot, core)
    qtbot.waitUntil(lambda: "Pooled differential" in win.viewer.toPlainText(), timeout=10_000)
    text = win.viewer.toPlainText()
    assert text.index("Deep vein thrombosis") < text.index("Ruptured popliteal cyst")
    assert "Your answer: Deep vein thrombosis, Cellulitis" in text
    view = run(qtbot, core, lambda s: s.p.polls.show(poll.id))
    assert view.answered and view.results[0].answer == "Deep vein thrombosis"
    assert view.results[0].weight == 3.5 and view.results[0].votes == 4


def test_the_author_asks_a_poll_and_identifiers_are_caught(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OWN_OPEN)
    assert win.case_actions.poll_action.isVisible()
    tries = iter(["Call Mrs Jane Roe on 020 7946 0958?", "What would you do next?"])
    asked: list[AskPollDialog] = []

    def fill(dialog: AskPollDialog) -> int:
        asked.append(dialog)
        dialog.kind.setCurrentIndex(1)  # what would you do?
        dialog.question.setText(next(tries))
        dialog.options.setPlainText("CT venography\nCompression ultrasound\n")
        submit(dialog)
        if "identify" in dialog.error.text():
            dialog.question.setText(next(tries))
            return submit(dialog)
        return dialog.result()

    monkeypatch.setattr(AskPollDialog, "exec", fill)
    win.case_actions.poll_action.trigger()
    idle(qtbot, core)
    qtbot.waitUntil(lambda: "What would you do next?" in win.viewer.toPlainText(), timeout=10_000)
    polls = run(qtbot, core, lambda s: s.p.polls.of_case(case_id))
    assert [p.question for p in polls] == ["What is your differential?", "What would you do next?"]
    assert polls[1].options == ["CT venography", "Compression ultrasound"]
    assert "Jane Roe" not in str(run(qtbot, core, lambda s: s.p.polls.of_case(case_id)))


def test_others_cases_offer_no_poll_to_ask(qtbot, core, tmp_path):
    win = open_demo(qtbot, core, tmp_path)
    open_case(qtbot, win, OTHERS)
    assert not win.case_actions.poll_action.isVisible()


def test_the_admin_hides_one_answer_and_the_pool_leaves_it_out(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    open_case(qtbot, win, OWN_OPEN)
    poll = win.case_actions.loaded.polls[0]
    assert "Each member" not in win.viewer.toPlainText()  # not before answering
    win.case_actions.polls.skip(poll.id)
    idle(qtbot, core)
    qtbot.waitUntil(lambda: "Each member" in win.viewer.toPlainText(), timeout=10_000)
    click(qtbot, win, f"casebook:poll-moderate/{poll.id.hex()}")
    dialog = win.case_actions.polls.answers_dialog
    qtbot.waitUntil(lambda: dialog.table.rowCount() == 3, timeout=10_000)
    answers = {dialog.table.item(r, 1).text(): r for r in range(3)}
    row = next(r for text, r in answers.items() if "Ruptured popliteal cyst" in text)
    dialog.table.selectRow(row)

    def votes(view) -> dict[str, int]:
        return {r.answer: r.votes for r in view.results}

    before = votes(run(qtbot, core, lambda s: s.p.polls.show(poll.id)))
    monkeypatch.setattr(
        QInputDialog, "getText", lambda *a, **k: ("Not this patient's picture", True)
    )
    dialog.hide_button.click()
    qtbot.waitUntil(lambda: dialog.table.item(row, 2).text() == "Hidden", timeout=10_000)
    qtbot.waitUntil(
        lambda: "1 answer(s) hidden by a moderator" in win.viewer.toPlainText(), timeout=10_000
    )
    view = run(qtbot, core, lambda s: s.p.polls.show(poll.id))
    assert view.withheld == 1
    assert votes(view).get("Ruptured popliteal cyst", 0) == before["Ruptured popliteal cyst"] - 1
    dialog.table.selectRow(row)
    assert dialog.show_button.isVisible() and dialog.show_button.isEnabled()  # an admin
    dialog.show_button.click()
    qtbot.waitUntil(lambda: dialog.table.item(row, 2).text() == "Counted", timeout=10_000)
