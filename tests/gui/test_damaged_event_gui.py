"""A damaged event in the library (its open form no longer gives back the signed
bytes): the window's sync of that network stops and the status bar says so, in one
line naming ``casebook doctor``; nothing of it reaches the relay, the window stays
usable and no message box appears; the case whose comment it is opens, and the comment
says where it stands that it cannot be shown."""

from __future__ import annotations

import os

from guikit import idle, open_case, unlock
from PySide6.QtWidgets import QMessageBox

from casebook.core.model.encoding import decode, encode
from rawkit import stored_ids
from relaykit import RunningRelay, sync


def test_a_damaged_event_stops_the_sync_with_one_line_in_the_status_bar(
    qtbot, core, tmp_path, make_profile, monkeypatch
):
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text: said.append(text))
    relay = RunningRelay(tmp_path / "relay")
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    alice.library.post_case(net, title="Palpitations at night", body="Three weeks. " * 20)
    case = alice.library.post_case(net, title="Breathless on stairs", body="Two weeks. " * 20)
    assert sync(alice, net, relay).error is None
    comment = alice.library.comment(case, "Exercise test first, then an echo. " * 6)
    header, nonce, packed, signature = decode(
        bytes(alice.db.scalar("SELECT raw FROM events WHERE id = ?", (comment,)))
    )
    damaged = bytearray(packed)
    damaged[len(damaged) // 2] ^= 0x20
    alice.db.execute(
        "UPDATE events SET raw = ? WHERE id = ?",
        (encode([header, nonce, bytes(damaged), signature]), comment),
    )
    directory = alice.directory
    alice.close()

    win = unlock(qtbot, core, directory)
    try:
        status = win.sync_indicator
        qtbot.waitUntil(lambda: status.kind == "error", timeout=30_000)
        assert "damaged" in status.label.text() and "casebook doctor" in status.label.text()
        assert comment not in stored_ids(relay)
        open_case(qtbot, win, "Palpitations at night")  # the library still reads
        assert "Three weeks." in win.viewer.toPlainText()
        # The case whose comment is damaged opens; the comment says it cannot be shown.
        open_case(qtbot, win, "Breathless on stairs")
        shown = win.viewer.toPlainText()
        assert "Two weeks." in shown and "Exercise test first" not in shown
        assert "its text cannot be shown" in shown and "casebook doctor" in shown
        assert win.case_actions.loaded is not None and said == []
        shots = os.environ.get("CASEBOOK_SHOTS")
        if shots:
            win.grab().save(os.path.join(shots, "damaged-event.png"))
    finally:
        win.close()
        idle(qtbot, core)
        relay.stop()
