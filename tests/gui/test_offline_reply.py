"""A reply written while the relay is away says "not sent yet" under it, and loses the
mark by itself once the window's sync reaches the relay again (the real relay, stopped
and started again on the same port and data)."""

from __future__ import annotations

from guikit import idle, open_case, run, unlock
from PySide6.QtCore import Qt

from relaykit import RunningRelay, sync


def test_a_reply_written_offline_is_marked_until_the_relay_takes_it(
    qtbot, core, tmp_path, make_profile
):
    relay = RunningRelay(tmp_path / "relay")
    port = relay.relay.port
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    alice.library.post_case(net, title="Breathless on stairs", body="Two weeks.")
    sync(alice, net, relay)
    directory = alice.directory
    alice.close()
    relay.stop()  # the relay's computer is off

    win = unlock(qtbot, core, directory)
    open_case(qtbot, win, "Breathless on stairs")
    win.reply.setPlainText("Exercise test first.")
    qtbot.keyClick(win.reply, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: "Exercise test first." in win.viewer.toPlainText(), timeout=15_000)
    assert "not sent yet" in win.viewer.toPlainText()
    comment = win.case_actions.loaded.case.discussion[0].id
    assert comment in win.case_actions.loaded.unsent

    back = RunningRelay(tmp_path / "relay", port=port)  # on again: same address and key
    try:
        qtbot.waitUntil(lambda: "not sent yet" not in win.viewer.toPlainText(), timeout=60_000)
        assert "Exercise test first." in win.viewer.toPlainText()
        case_id = win.case_actions.loaded.case.summary.id
        assert not run(qtbot, core, lambda s: s.p.queries.unsent(case_id, s.p.log.chain))
    finally:
        win.close()
        idle(qtbot, core)
        back.stop()


def test_nothing_is_marked_in_a_network_without_a_relay(qtbot, core, tmp_path, make_profile):
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Two of us", alice.name)
    case = alice.library.post_case(net, title="Breathless on stairs", body="Two weeks.")
    alice.library.comment(case, "Exercise test first.")
    assert alice.queries.unsent(case, alice.log.chain)  # never reached a relay: it has none
    directory = alice.directory
    alice.close()
    win = unlock(qtbot, core, directory)
    open_case(qtbot, win, "Breathless on stairs")
    assert "Exercise test first." in win.viewer.toPlainText()
    assert "not sent yet" not in win.viewer.toPlainText()  # bundle files carry it, or LAN
