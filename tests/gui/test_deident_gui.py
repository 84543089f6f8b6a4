"""In the app, every form that publishes text (the reply box, a threaded reply, an
outcome, an edit of a comment or of the case) is checked by the core: the form stays
open, lists what looks identifying, nothing is stored, and its button becomes "Post
anyway"; a second click sends it. Before, only the new-case form looked; the others
published "Mrs Jones, DOB 3/4/1961, MRN 00-123-456" without a word."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")


from guikit import OTHERS, OWN_OPEN, case_of, click, idle, open_case, open_demo, submit

from casebook.gui.case_dialogs import EditCaseDialog, TextDialog

LEAK = "Mrs Jones, DOB 3/4/1961, MRN 00-123-456"


def bodies(qtbot, core, case_id):
    return [c.body for c in case_of(qtbot, core, case_id).discussion]


def warned_then_sent(qtbot, core, case_id, fill_text, seen):
    """An ``exec`` for a text dialog: write ``LEAK``, OK; check the warning and that
    nothing was stored; then "Post anyway"."""

    def run(dialog):
        before = case_of(qtbot, core, case_id)
        fill_text(dialog)
        assert submit(dialog) != TextDialog.DialogCode.Accepted  # refused: still open
        assert dialog.ok.text() == "Post anyway" and not dialog.error.isHidden()
        seen.append(dialog.error.text())
        assert case_of(qtbot, core, case_id) == before  # nothing stored
        return submit(dialog)  # the author's decision

    return run


def test_reply_box_warns_and_posts_anyway(qtbot, core, tmp_path):
    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OWN_OPEN)
    before = bodies(qtbot, core, case_id)
    qtbot.keyClicks(win.reply, LEAK)
    win.reply_button.click()
    idle(qtbot, core)
    assert win.reply_button.text() == "Post anyway"
    assert not win.reply_notice.isHidden()
    notice = win.reply_notice.text()
    assert "“Mrs Jones”" in notice and "DOB 3/4/1961" in notice and "00-123-456" in notice
    assert bodies(qtbot, core, case_id) == before  # nothing was posted
    assert win.reply.toPlainText() == LEAK  # the text stays to be edited
    assert win.reply_button.shortcut().toString() == "Ctrl+Return"

    win.reply_button.click()  # "Post anyway"
    qtbot.waitUntil(lambda: LEAK in bodies(qtbot, core, case_id), timeout=10_000)
    idle(qtbot, core)
    assert win.reply_button.text() == "Reply" and win.reply_notice.isHidden()
    assert win.reply.toPlainText() == ""


def test_an_edited_reply_is_checked_again(qtbot, core, tmp_path):
    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OWN_OPEN)
    qtbot.keyClicks(win.reply, "Call the daughter on 07700 900123.")
    win.reply_button.click()
    idle(qtbot, core)
    assert win.reply_button.text() == "Post anyway"
    win.reply.setPlainText("Call the daughter on 07700 900456.")  # another number
    assert win.reply_button.text() == "Reply" and win.reply_notice.isHidden()
    win.reply_button.click()  # a first click again: checked, not sent
    idle(qtbot, core)
    assert "07700 900456" in win.reply_notice.text()
    assert not any("0770" in b for b in bodies(qtbot, core, case_id))


def test_the_warning_follows_the_text_as_it_changes(qtbot, core, tmp_path):
    """Issue 16, item 7: once findings are listed, the text is checked again as it
    changes: the list goes (and the button is Reply again) when the identifier is
    removed, and comes back, updated, when another appears."""
    win = open_demo(qtbot, core, tmp_path)
    open_case(qtbot, win, OWN_OPEN)
    qtbot.keyClicks(win.reply, "Call the daughter on 07700 900123.")
    win.reply_button.click()
    idle(qtbot, core)
    assert win.reply_button.text() == "Post anyway"
    win.reply.setPlainText("Call the daughter tomorrow.")
    qtbot.wait(600)
    idle(qtbot, core)
    assert win.reply_button.text() == "Reply" and win.reply_notice.isHidden()
    win.reply.setPlainText("Call the son on 07700 900789.")
    qtbot.waitUntil(lambda: "07700 900789" in win.reply_notice.text(), timeout=5_000)
    assert win.reply_button.text() == "Post anyway" and not win.reply_notice.isHidden()


def test_threaded_reply_warns(qtbot, core, tmp_path):
    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OTHERS)
    theirs = win.case_actions.loaded.case.discussion[0]
    click(qtbot, win, f"casebook:reply/{theirs.id.hex()}")
    qtbot.keyClicks(win.reply, "Same as Mr. Peter Grant, DOB 12/08/1944.")
    win.reply_button.click()
    idle(qtbot, core)
    assert "Mr. Peter Grant" in win.reply_notice.text()
    assert win.case_actions.reply_line.isVisible()  # still replying to that comment
    win.reply_button.click()
    qtbot.waitUntil(lambda: len(bodies(qtbot, core, case_id)) == 3, timeout=10_000)
    reply = case_of(qtbot, core, case_id).discussion[1]
    assert reply.parent == theirs.id and "Peter Grant" in reply.body


def test_outcome_dialog_warns_and_posts_anyway(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OWN_OPEN)
    seen: list[str] = []

    def fill(dialog):
        dialog.text.setPlainText(LEAK)

    monkeypatch.setattr(TextDialog, "exec", warned_then_sent(qtbot, core, case_id, fill, seen))
    win.case_actions.outcome_action.trigger()
    idle(qtbot, core)
    assert "“Mrs Jones”" in seen[0] and "DOB 3/4/1961" in seen[0]
    case = case_of(qtbot, core, case_id)
    assert [c.body for c in case.discussion if c.kind == "outcome"] == [LEAK]
    assert case.summary.status == "resolved"


def test_edit_comment_dialog_warns(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OTHERS)
    mine = win.case_actions.loaded.case.discussion[1]
    seen: list[str] = []

    def fill(dialog):
        dialog.text.setPlainText(f"{mine.body} Seen with {LEAK}.")

    monkeypatch.setattr(TextDialog, "exec", warned_then_sent(qtbot, core, case_id, fill, seen))
    click(qtbot, win, f"casebook:edit/{mine.id.hex()}")
    assert "“Mrs Jones”" in seen[0]
    edited = next(c for c in case_of(qtbot, core, case_id).discussion if c.id == mine.id)
    assert "Mrs Jones" in edited.body and edited.revisions == 2


def test_edit_case_dialog_warns(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OWN_OPEN)
    seen: list[str] = []

    def fill(dialog):
        before = case_of(qtbot, core, case_id)
        dialog.fields["history"].setPlainText(LEAK)
        assert submit(dialog) != EditCaseDialog.DialogCode.Accepted
        assert dialog.post.text() == "Post anyway"
        seen.append(dialog.error.text())
        assert case_of(qtbot, core, case_id) == before
        return submit(dialog)

    monkeypatch.setattr(EditCaseDialog, "exec", fill)
    win.case_actions.edit_action.trigger()
    idle(qtbot, core)
    assert "history: a name after a title — “Mrs Jones”" in seen[0]
    assert case_of(qtbot, core, case_id).fields["history"] == LEAK
