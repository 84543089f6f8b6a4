"""Follow-up reminders in the app (issue 20): the new-case form sets one, the case bar's
"Follow up…" moves it (and says when), and once due the window says so in its status bar
and as a notification, once."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from guikit import OWN_OPEN, idle, open_case, open_demo, run, submit
from PySide6.QtWidgets import QInputDialog

from casebook.gui.author_actions import DAY_MS
from casebook.gui.compose import NewCaseDialog


def test_the_new_case_form_and_the_bar_set_a_follow_up(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    win.select_network(win.networks[0]["id"])

    def fill(dialog: NewCaseDialog) -> int:
        dialog.title.setText("Myocarditis after a viral illness")
        dialog.follow_up.setCurrentIndex(dialog.follow_up.findData(14))
        return submit(dialog)

    monkeypatch.setattr(NewCaseDialog, "exec", fill)
    win.new_case()
    idle(qtbot, core)
    upcoming = run(qtbot, core, lambda s: s.p.follow_ups.upcoming(0))
    assert [f.title for f in upcoming] == ["Myocarditis after a viral illness"]
    assert (
        abs(upcoming[0].due - (win.case_actions.loaded.case.summary.created_at + 14 * DAY_MS))
        < 120_000
    )

    open_case(qtbot, win, OWN_OPEN)
    action = win.case_actions.author.action
    assert action.isVisible() and action.text() == "Follow up…"
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("In 1 week", True))
    action.trigger()
    idle(qtbot, core)
    qtbot.waitUntil(lambda: action.text().startswith("Follow up on "), timeout=10_000)
    case_id = win.case_actions.loaded.case.summary.id
    due = run(qtbot, core, lambda s: s.p.follow_ups.of_case(case_id))
    assert due is not None and due > win.case_actions.loaded.case.summary.created_at


def test_a_due_follow_up_is_said_once(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    open_case(qtbot, win, OWN_OPEN)
    case_id = win.case_actions.loaded.case.summary.id
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(win.live.notifier, "show", lambda title, body: shown.append((title, body)))
    run(qtbot, core, lambda s: s.p.library.remind(case_id, 1))  # due long ago
    win.live.check_follow_ups()
    qtbot.waitUntil(lambda: bool(shown), timeout=10_000)
    assert shown == [("Time to add the outcome", OWN_OPEN)]
    assert "Time to add the outcome" in win.statusBar().currentMessage()
    win.live.check_follow_ups()
    idle(qtbot, core)
    assert len(shown) == 1  # said once


def test_second_opinions_in_the_sidebar_list_and_bar(qtbot, core, tmp_path, monkeypatch):
    from casebook.demo_data import OPINIONS

    win = open_demo(qtbot, core, tmp_path)
    qtbot.waitUntil(lambda: bool(win.views), timeout=15_000)
    rows = {i.text(0): i for i in win.sidebar._items()}
    assert rows["Second opinions"].text(1) == str(len(OPINIONS))
    win.sidebar.setCurrentItem(rows["Second opinions"])
    idle(qtbot, core)
    qtbot.waitUntil(lambda: {r.title for r in win.model.rows} == set(OPINIONS), timeout=10_000)
    urgent = next(i for i, r in enumerate(win.model.rows) if r.opinion == "urgent")
    assert win.model.data(win.model.index(urgent, 3)) == "Urgent"
    win.table.selectRow(urgent)
    qtbot.waitUntil(lambda: "Urgent second opinion asked" in win.viewer.toPlainText())

    win.sidebar.setCurrentItem(rows["All networks"])
    idle(qtbot, core)
    qtbot.waitUntil(lambda: OWN_OPEN in [r.title for r in win.model.rows], timeout=10_000)
    open_case(qtbot, win, OWN_OPEN)
    action = win.case_actions.author.opinion_action
    assert action.isVisible()
    monkeypatch.setattr(
        QInputDialog, "getItem", lambda *a, **k: ("Ask for an urgent second opinion", True)
    )
    action.trigger()
    idle(qtbot, core)
    qtbot.waitUntil(lambda: win.case_actions.loaded.case.summary.opinion == "urgent")
    assert "Urgent second opinion asked" in win.viewer.toPlainText()
