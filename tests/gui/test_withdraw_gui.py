"""Withdrawing a case in the app (issue 17): the author's "Withdraw…" asks with a
confirmation that says what happens and what cannot be recalled; the case then reads as
a tombstone, in the view and in the list, with no actions; others' cases offer no
withdrawal to a member who is not an admin."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from guikit import OTHERS, OWN_OPEN, answer, case_of, idle, open_case, open_demo


def test_the_author_withdraws_after_a_confirmation(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OWN_OPEN)
    assert win.case_actions.withdraw_action.isVisible()
    asked = answer(monkeypatch, "Consent withdrawn by the patient")
    win.case_actions.withdraw_action.trigger()
    idle(qtbot, core)
    prompt = asked[0].findChildren(type(asked[0].error))[0].text()
    assert "cannot be undone" in prompt and "cannot recall" in prompt
    qtbot.waitUntil(lambda: "Withdrawn case" in win.viewer.toPlainText(), timeout=10_000)
    text = win.viewer.toPlainText()
    assert "Consent withdrawn by the patient" in text and "Withdrawn by the author" in text
    assert OWN_OPEN not in text
    assert not win.case_actions.bar.isVisible()
    detail = case_of(qtbot, core, case_id)
    assert detail.summary.withdrawn is not None and detail.body == ""
    idle(qtbot, core)
    listed = [win.model.data(win.model.index(r, 0)) for r in range(win.model.rowCount())]
    assert any(t.startswith("Withdrawn by the author") for t in listed)
    assert OWN_OPEN not in listed


def test_an_identifier_in_the_reason_is_caught_before_anything_is_withdrawn(
    qtbot, core, tmp_path, monkeypatch
):
    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OWN_OPEN)
    asked = answer(monkeypatch, "Asked by Jane Roe, phone 020 7946 0958")
    win.case_actions.withdraw_action.trigger()
    idle(qtbot, core)
    assert "identify" in asked[0].error.text()
    assert case_of(qtbot, core, case_id).summary.withdrawn is None


def test_a_members_view_of_someone_elses_case_offers_no_withdrawal(qtbot, core, tmp_path):
    win = open_demo(qtbot, core, tmp_path)
    open_case(qtbot, win, OTHERS)
    role = win.case_actions.loaded.role
    assert win.case_actions.withdraw_action.isVisible() == (role == "admin")
