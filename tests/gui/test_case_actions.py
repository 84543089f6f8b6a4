"""Acting on the open case from the library window, checked through the core: status,
outcome, edit, threaded replies, endorsements, moderation and attachments."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from guikit import (
    OTHERS,
    OWN_OPEN,
    answer,
    case_of,
    click,
    idle,
    open_case,
    open_demo,
    open_shell,
    png,
    run,
    submit,
    unlock,
)
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QImage, QTextDocument
from PySide6.QtWidgets import QFileDialog

from casebook import demo
from casebook.core.library import attachments
from casebook.gui import case_jobs
from casebook.gui.case_dialogs import EditCaseDialog
from casebook.gui.previews import Previews
from relaykit import RunningRelay, join, sync


def test_resolve_reopen_and_the_list_follows(qtbot, core, tmp_path):
    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OWN_OPEN)
    actions = win.case_actions
    assert actions.status_action.isVisible() and actions.status_action.text() == "Mark resolved"
    assert actions.edit_action.isVisible() and actions.outcome_action.isVisible()

    actions.status_action.trigger()
    idle(qtbot, core)
    assert case_of(qtbot, core, case_id).summary.status == "resolved"
    qtbot.waitUntil(lambda: actions.status_action.text() == "Reopen", timeout=10_000)
    assert "Resolved" in win.viewer.toPlainText()
    row = win.model.row_of(case_id)
    assert win.model.data(win.model.index(row, 3)) == "Resolved"

    actions.status_action.trigger()
    idle(qtbot, core)
    assert case_of(qtbot, core, case_id).summary.status == "open"
    qtbot.waitUntil(lambda: actions.status_action.text() == "Mark resolved", timeout=10_000)
    assert win.model.data(win.model.index(win.model.row_of(case_id), 3)) == "Open"


def test_add_outcome_and_resolve(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OWN_OPEN)
    asked = answer(monkeypatch, "DVT confirmed on ultrasound; anticoagulated, recovered.")
    win.case_actions.outcome_action.trigger()
    idle(qtbot, core)
    assert asked and asked[0].option is not None  # an open case offers to resolve it
    case = case_of(qtbot, core, case_id)
    outcomes = [c for c in case.discussion if c.kind == "outcome"]
    assert [c.body for c in outcomes] == ["DVT confirmed on ultrasound; anticoagulated, recovered."]
    assert case.summary.status == "resolved"
    qtbot.waitUntil(lambda: "DVT confirmed" in win.viewer.toPlainText(), timeout=10_000)


def test_edit_own_case(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OWN_OPEN)
    before = case_of(qtbot, core, case_id)
    seen: dict[str, str] = {}

    def fill(dialog):
        seen["title"] = dialog.title.text()
        dialog.title.setText("Leg swelling after a twelve-hour flight")
        dialog.fields["question"].setPlainText("Wells score first, or straight to ultrasound?")
        return submit(dialog)

    monkeypatch.setattr(EditCaseDialog, "exec", fill)
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    qtbot.keyClick(win.viewer, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # Edit…
    idle(qtbot, core)
    assert seen["title"] == OWN_OPEN  # the form came filled in
    after = case_of(qtbot, core, case_id)
    assert after.summary.title == "Leg swelling after a twelve-hour flight"
    assert after.fields["question"] == "Wells score first, or straight to ultrasound?"
    kept = {k: v for k, v in before.fields.items() if k != "question"}
    assert {k: v for k, v in after.fields.items() if k != "question"} == kept
    assert after.summary.tags == before.summary.tags and after.body == before.body
    assert len(after.revisions) == 2  # the original and one edit, with only the changes
    assert set(after.revisions[1]["changes"]) == {"title", "fields"}
    qtbot.waitUntil(
        lambda: (
            "twelve-hour flight" in win.viewer.toPlainText()
            and any(r.title.endswith("twelve-hour flight") for r in win.model.rows)
        ),
        timeout=10_000,
    )


def test_threaded_reply_endorse_and_edit_own_comment(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OTHERS)
    theirs, mine = win.case_actions.loaded.case.discussion
    assert mine.author_name == "Dr. Sam Rivera" and theirs.author_name != "Dr. Sam Rivera"
    html = win.viewer.toHtml()
    assert f"casebook:endorse/{mine.id.hex()}" not in html  # not one's own
    assert f"casebook:edit/{theirs.id.hex()}" not in html  # not someone else's
    assert not win.case_actions.status_action.isVisible()  # not this reader's case

    click(qtbot, win, f"casebook:reply/{theirs.id.hex()}")
    assert win.case_actions.reply_line.isVisible()
    assert theirs.author_name in win.case_actions.reply_label.text()
    qtbot.keyClicks(win.reply, "Agree: synchronised cardioversion if it degenerates.")
    win.reply_button.click()
    qtbot.waitUntil(
        lambda: "synchronised cardioversion" in win.viewer.toPlainText(), timeout=10_000
    )
    idle(qtbot, core)
    assert not win.case_actions.reply_line.isVisible()
    case = case_of(qtbot, core, case_id)
    reply = next(c for c in case.discussion if c.body.startswith("Agree: synchronised"))
    assert reply.parent == theirs.id and reply.depth == 1
    assert [c.id for c in case.discussion].index(reply.id) == 1  # under its parent

    click(qtbot, win, f"casebook:endorse/{theirs.id.hex()}")
    endorsed = next(c for c in case_of(qtbot, core, case_id).discussion if c.id == theirs.id)
    assert endorsed.endorsements == theirs.endorsements + 1
    qtbot.waitUntil(
        lambda: f"✓ {theirs.endorsements + 1}" in win.viewer.toPlainText(), timeout=10_000
    )
    # Issue 16, item 11: said once endorsed, not offered a second time (no warning box).
    assert f"casebook:endorse/{theirs.id.hex()}" not in win.viewer.toHtml()
    assert "Endorsed ✓" in win.viewer.toPlainText()

    asked = answer(monkeypatch, "Procainamide first; amiodarone if that fails.")
    click(qtbot, win, f"casebook:edit/{mine.id.hex()}")
    assert asked[0].text.toPlainText() == "Procainamide first; amiodarone if that fails."
    edited = next(c for c in case_of(qtbot, core, case_id).discussion if c.id == mine.id)
    assert edited.body == "Procainamide first; amiodarone if that fails." and edited.revisions == 2
    qtbot.waitUntil(lambda: "Procainamide first" in win.viewer.toPlainText(), timeout=10_000)


def test_moderator_hides_a_comment_with_a_reason_and_pins(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)  # the demo user founded the network: admin
    case_id = open_case(qtbot, win, OTHERS)
    actions = win.case_actions
    assert actions.pin_action.isVisible() and actions.hide_action.isVisible()
    theirs = actions.loaded.case.discussion[0]

    answer(monkeypatch, "Off topic for this case.")
    click(qtbot, win, f"casebook:hide/{theirs.id.hex()}")
    hidden = next(c for c in case_of(qtbot, core, case_id).discussion if c.id == theirs.id)
    assert hidden.hidden and hidden.hidden_reason == "Off topic for this case."
    qtbot.waitUntil(lambda: "Off topic for this case." in win.viewer.toPlainText(), timeout=10_000)
    assert theirs.body not in win.viewer.toPlainText()
    assert f"casebook:unhide/{theirs.id.hex()}" in win.viewer.toHtml()  # admins may undo

    actions.pin_action.trigger()
    idle(qtbot, core)
    assert case_of(qtbot, core, case_id).summary.pinned
    qtbot.waitUntil(lambda: actions.pin_action.text() == "Unpin", timeout=10_000)
    assert "Pinned" in win.viewer.toPlainText()
    actions.pin_action.trigger()
    idle(qtbot, core)
    assert not case_of(qtbot, core, case_id).summary.pinned


def test_hide_a_case(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OTHERS)
    total = win.model.rowCount()
    answer(monkeypatch, "Duplicate of an earlier case.")
    win.case_actions.hide_action.trigger()
    idle(qtbot, core)
    case = case_of(qtbot, core, case_id)
    assert case.summary.hidden and case.hidden_reason == "Duplicate of an earlier case."
    qtbot.waitUntil(lambda: win.model.rowCount() == total - 1, timeout=10_000)
    assert win.model.row_of(case_id) is None


def test_a_member_gets_no_moderation(qtbot, core, tmp_path):
    # Amara, a plain member of the demo network, opens her own copy of the library.
    demo.build(tmp_path / "demo")
    shell = open_shell(qtbot, core, tmp_path / "demo" / "person-1")
    shell.onboarding.unlock_page.passphrase.setText(demo.PASSPHRASE)
    shell.onboarding.unlock_page.button.click()
    qtbot.waitUntil(lambda: shell.library is not None, timeout=15_000)
    win = shell.library
    qtbot.addWidget(win)
    idle(qtbot, core)
    net = bytes.fromhex(win.networks[0]["id"])
    assert run(qtbot, core, lambda s: s.p.governance.show(net)["your_role"]) == "member"

    open_case(qtbot, win, "Hyponatraemia after starting a thiazide")  # Sam's case
    actions = win.case_actions
    html = win.viewer.toHtml()
    assert "casebook:hide/" not in html and "casebook:unhide/" not in html
    assert "casebook:reply/" in html and "casebook:endorse/" in html
    # Neither its author nor a moderator: only "Flag…" (any member may ask moderators).
    shown = [a for a in actions.bar.actions() if a.isVisible() and not a.isSeparator()]
    assert shown == [actions.flags.action]
    open_case(qtbot, win, OTHERS)  # her own
    assert actions.bar.isVisible() and actions.status_action.isVisible()
    assert not actions.pin_action.isVisible() and not actions.hide_action.isVisible()


def test_save_and_open_an_attachment_with_a_preview(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    net = bytes.fromhex(win.networks[0]["id"])
    image = png(tmp_path / "ecg.png")
    run(
        qtbot,
        core,
        lambda s: s.p.library.post_case(
            net, title="Tracing with an image", files=[attachments.prepare(image)]
        ),
    )
    win._synced()
    idle(qtbot, core)
    open_case(qtbot, win, "Tracing with an image")
    item = win.case_actions.loaded.case.attachments[0]
    stored = run(qtbot, core, lambda s: attachments.read(s.p.db, bytes.fromhex(item["hash"])))
    preview = win.viewer.document().resource(
        QTextDocument.ResourceType.ImageResource, QUrl(f"casebook-preview:{item['hash']}")
    )
    assert isinstance(preview, QImage) and preview.width() <= 240
    assert f"casebook-preview:{item['hash']}" in win.viewer.toHtml()

    target = tmp_path / "out" / "saved.png"
    target.parent.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    click(qtbot, win, f"casebook:save/{item['hash']}")
    assert target.read_bytes() == stored

    opened: list[QUrl] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    click(qtbot, win, f"casebook:open/{item['hash']}")
    assert len(opened) == 1
    path = opened[0].toLocalFile()
    assert path.endswith("ecg.png") and Path(path).read_bytes() == stored
    # Nothing here opens it (no launcher): said so, with what to do instead.
    said: list[str] = []
    win.case_actions.message.connect(lambda text, _ms: said.append(text))
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: False)
    click(qtbot, win, f"casebook:open/{item['hash']}")
    qtbot.waitUntil(lambda: any("No program" in t for t in said), timeout=10_000)
    assert "Save" in said[-1] and not any(t.startswith("Opened") for t in said)

    # Locking deletes the window and this controller with it; what was opened goes too.
    win.case_actions.deleteLater()
    qtbot.waitUntil(lambda: not Path(path).exists(), timeout=10_000)


@pytest.fixture
def relay(tmp_path):
    running = RunningRelay(tmp_path / "relay")
    yield running
    running.stop()


def _noise_png(path, side=420):
    """A picture that does not compress: several 256 KiB chunks on the wire."""
    image = QImage(os.urandom(side * side * 4), side, side, QImage.Format.Format_RGB32)
    assert image.save(str(path))
    return path


def _bob_opens(qtbot, core, monkeypatch, make_profile, relay, picture, notes, stop_relay=False):
    """Alice posts ``picture`` through the relay; Bob, who has not fetched it, unlocks
    his window (the relay stopped first, if asked) and opens the case."""
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    image = attachments.prepare(picture)
    alice.library.post_case(net, title="Septal thickening on echo", files=[image])
    code = alice.invitations.create(net).code
    assert sync(alice, net, relay).attachments_sent == 1
    bob = make_profile("Dr. Bob Lee")
    join(bob, code)
    assert not attachments.has(bob.db, image.hash)  # attachments come when shown
    bob_dir = bob.directory
    bob.close()
    if stop_relay:
        relay.stop()
    advance = Previews._advance

    def heard(self, digest, done, total):
        advance(self, digest, done, total)
        notes.append(self.notes[digest])

    monkeypatch.setattr(Previews, "_advance", heard)
    win = unlock(qtbot, core, bob_dir)
    open_case(qtbot, win, "Septal thickening on echo")
    return win, image


def test_a_picture_not_here_yet_is_fetched_by_itself_with_its_progress(
    qtbot, core, tmp_path, monkeypatch, make_profile, relay
):
    picture = _noise_png(tmp_path / "echo.png")
    notes: list[str] = []  # the placeholder's words as the fetch goes
    win, image = _bob_opens(qtbot, core, monkeypatch, make_profile, relay, picture, notes)
    assert image.size > 2 * 256 * 1024
    qtbot.waitUntil(lambda: "casebook-preview:" in win.viewer.toHtml(), timeout=10_000)
    assert any(note.endswith("%") for note in notes), notes  # the placeholder counted up
    assert "Fetching the picture" not in win.viewer.toPlainText()
    assert run(qtbot, core, lambda s: attachments.has(s.p.db, image.hash))

    target = tmp_path / "echo-saved.png"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    click(qtbot, win, f"casebook:save/{image.hash.hex()}")
    assert target.read_bytes() == image.data


def test_a_picture_that_cannot_be_fetched_says_why_in_its_place(
    qtbot, core, tmp_path, monkeypatch, make_profile, relay
):
    picture = png(tmp_path / "echo.png", "#2255aa")
    win, _ = _bob_opens(qtbot, core, monkeypatch, make_profile, relay, picture, [], stop_relay=True)
    qtbot.waitUntil(lambda: "No preview yet:" in win.viewer.toPlainText(), timeout=15_000)
    assert "casebook-preview:" not in win.viewer.toHtml()
    assert "Save" in win.viewer.toPlainText()  # still offered: it tries again


def test_links_that_are_not_ours_are_left_alone(qtbot, core, tmp_path):
    win = open_demo(qtbot, core, tmp_path)
    open_case(qtbot, win, OWN_OPEN)
    assert not win.case_actions.link(QUrl("casebook:reply/not-hex"))
    assert not win.case_actions.link(QUrl("https://example.org/reply/00"))
    assert not win.case_actions.link(QUrl("casebook:format/00"))
    assert case_jobs.PREVIEW_SCHEME == "casebook-preview"
