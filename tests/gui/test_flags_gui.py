"""Flags in the app (issue 20): a member flags a colleague's comment from its "Flag…"
link (the reason passes the de-identification check, "Post anyway" as everywhere), and
the admin's moderation inbox lists the demo's flagged items with every reason and opens
the case."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from guikit import OTHERS, click, idle, open_case, open_demo, run, submit

from casebook.demo_data import FLAGS
from casebook.gui.flag_actions import FlagDialog
from casebook.gui.moderation_inbox import ModerationInbox


def test_the_admin_reads_the_inbox_and_opens_a_flagged_case(qtbot, core, tmp_path):
    win = open_demo(qtbot, core, tmp_path)
    network = win._selected_network()
    assert network is not None
    inbox = ModerationInbox(core, network, win.open_case, win)
    qtbot.addWidget(inbox)
    qtbot.waitUntil(lambda: inbox.table.rowCount() == 2, timeout=10_000)
    counts = sorted(int(inbox.table.item(r, 1).text()) for r in range(2))
    assert counts == [1, 2] and sum(counts) == len(FLAGS)
    row = next(r for r in range(2) if inbox.table.item(r, 1).text() == "2")
    inbox.table.selectRow(row)
    assert "Dr. Lukas Brenner" in inbox.detail.text() and "Dr. Mei Chen" in inbox.detail.text()
    assert inbox.table.item(row, 0).text().startswith("Comment on Back pain")
    inbox.open_button.click()
    qtbot.waitUntil(lambda: "cord" in win.viewer.toPlainText(), timeout=10_000)
    assert win.case_actions.loaded.case.summary.title.startswith("Back pain")


def test_a_member_flags_a_comment_and_an_identifier_is_caught(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    open_case(qtbot, win, OTHERS)
    loaded = win.case_actions.loaded
    theirs = next(c for c in loaded.case.discussion if c.author != loaded.me)
    shown: list[FlagDialog] = []

    def fill(dialog: FlagDialog) -> int:
        shown.append(dialog)
        dialog.reason.setEditText("Seen by John Smith, MRN 12345678")
        assert submit(dialog) == 0  # refused: what was found is listed, nothing sent
        assert "Post anyway" in dialog.ok.text()
        dialog.reason.setEditText("Clinically wrong")
        return submit(dialog)

    monkeypatch.setattr(FlagDialog, "exec", fill)
    click(qtbot, win, f"casebook:flag/{theirs.id.hex()}")
    idle(qtbot, core)
    assert shown
    # The demo user is the network's admin: their computer opens their own flag too.
    net = bytes.fromhex(win._selected_network()["id"])
    said = run(qtbot, core, lambda s: [f.to_json() for f in s.p.flag_inbox.inbox(net)])
    mine = [f for f in said if f["item"] == theirs.id.hex()]
    assert [r["reason"] for r in mine[0]["reasons"]] == ["Clinically wrong"]


def test_the_admin_sets_the_policy_and_releases_a_held_item(qtbot, core, tmp_path):
    win = open_demo(qtbot, core, tmp_path)
    network = win._selected_network()
    assert network is not None
    net = bytes.fromhex(network["id"])
    inbox = ModerationInbox(core, network, win.open_case, win)
    qtbot.addWidget(inbox)
    qtbot.waitUntil(lambda: inbox.table.rowCount() == 2, timeout=10_000)
    assert inbox.hold_after.value() == 0 and inbox.hold_after.text() == "never"
    assert inbox.save_policy.isVisibleTo(inbox)  # the demo user is the network's admin
    inbox.hold_after.setValue(2)
    inbox.save_policy.click()
    idle(qtbot, core)
    # The next sync would hold the comment two members flagged; the demo has no relay.
    held = run(qtbot, core, lambda s: s.p.governance.hold_flagged(net))
    assert len(held) == 1
    inbox.reload()
    qtbot.waitUntil(
        lambda: any(inbox.table.item(r, 3).text() == "Held for a look" for r in range(2)),
        timeout=10_000,
    )
    assert inbox.hold_after.value() == 2
    row = next(r for r in range(2) if inbox.table.item(r, 3).text() == "Held for a look")
    inbox.table.selectRow(row)
    assert inbox.release_button.isEnabled()
    inbox.release_button.click()

    def states() -> list[str]:
        return sorted(inbox.table.item(r, 3).text() for r in range(2))

    qtbot.waitUntil(lambda: states() == ["Acted on", "Awaiting a look"], timeout=10_000)
    assert run(qtbot, core, lambda s: s.p.flag_inbox.due(net)) == []
    inbox.tabs.setCurrentIndex(1)
    assert inbox.log.item(0, 2).text().startswith("released")
