"""A second relay (or a colleague's computer on the LAN) fed from a library that holds other
members' events stripped by a withdrawal: the push announces the withdrawal first
(``push.withdrawals``), so the relay takes the stripped events and every chain continues
there; an announcement by someone who may not withdraw the case explains nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casebook.core.model import events, purge
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from casebook.sync.store import SyncStore
from netkit import raw_events
from rawkit import forge, found, stored_ids
from relaykit import RunningRelay, join, sync


def test_a_second_relay_fed_by_one_library_gets_every_chain(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    alice, net = found(make_profile, relay)
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")
    for p in (bob, carol):
        code = alice.invitations.create(net).code
        sync(alice, net, relay)
        join(p, code)
        sync(alice, net, relay)
    sync(bob, net, relay)
    case = bob.library.post_case(net, title="Keloid on the earlobe")
    live = bob.library.post_case(net, title="Pericarditis after flu")
    sync(bob, net, relay)
    sync(carol, net, relay)
    comment = carol.library.comment(case, "Steroid injection first.")
    sync(carol, net, relay)
    sync(bob, net, relay)
    bob.library.withdraw(case, "Consent withdrawn")
    sync(bob, net, relay)
    later = carol.library.comment(live, "Colchicine for three months.")
    sync(carol, net, relay)
    sync(alice, net, relay)
    assert alice.queries.case(live) is not None

    # The network moves to a second relay; Alice's computer is the first to sync there.
    second = relays("second-relay")
    report = sync(alice, net, second)
    held = stored_ids(second)
    missing = {
        name: i
        for name, i in (("case", case), ("comment", comment), ("later", later))
        if i not in held
    }
    assert not missing, (report.error, missing)


def test_baseline_second_relay_without_withdrawal(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """Control: the same story without the withdrawal: Alice's library carries every
    chain to the second relay."""
    relay = relays()
    alice, net = found(make_profile, relay)
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")
    for p in (bob, carol):
        code = alice.invitations.create(net).code
        sync(alice, net, relay)
        join(p, code)
        sync(alice, net, relay)
    sync(bob, net, relay)
    case = bob.library.post_case(net, title="Keloid on the earlobe")
    sync(bob, net, relay)
    sync(carol, net, relay)
    comment = carol.library.comment(case, "Steroid injection first.")
    sync(carol, net, relay)
    sync(alice, net, relay)
    second = relays("second-relay")
    sync(alice, net, second)
    assert {case, comment} <= stored_ids(second)


def test_a_chain_reaches_the_second_relay_through_other_libraries(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """Carol never syncs with the second relay (she stays on the first, or left): her
    comment on a live case still reaches it, through Alice's and Bob's libraries."""
    relay = relays()
    alice, net = found(make_profile, relay)
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")
    for p in (bob, carol):
        code = alice.invitations.create(net).code
        sync(alice, net, relay)
        join(p, code)
        sync(alice, net, relay)
    sync(bob, net, relay)
    case = bob.library.post_case(net, title="Keloid on the earlobe")
    live = bob.library.post_case(net, title="Pericarditis after flu")
    sync(bob, net, relay)
    sync(carol, net, relay)
    carol.library.comment(case, "Steroid injection first.")
    later = carol.library.comment(live, "Colchicine for three months.")
    sync(carol, net, relay)
    sync(bob, net, relay)
    bob.library.withdraw(case, "Consent withdrawn")
    sync(bob, net, relay)
    sync(alice, net, relay)
    second = relays("second-relay")
    for p in (alice, bob, alice, bob):
        sync(p, net, second)
    assert live in stored_ids(second)
    assert later in stored_ids(second)


def relay_body(relay: RunningRelay, event_id: bytes) -> bytes:
    raw = relay.on_loop(
        lambda: relay.relay.store.execute(
            "SELECT raw FROM events WHERE id = ?", (event_id,)
        ).fetchone()[0]
    )
    return events.parse_trusted(bytes(raw)).body


def _three(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> tuple[RunningRelay, RunningRelay, Profile, Profile, Profile, bytes]:
    """Alice (founder), Bob and Mallory on a first relay; the second relay knows the
    network and its members (Alice synced there) but nothing Bob writes after."""
    relay = relays()
    alice, net = found(make_profile, relay)
    bob, mallory = make_profile("Dr. Bob Lee"), make_profile("Dr. Mallory Ward")
    for p in (bob, mallory):
        code = alice.invitations.create(net).code
        sync(alice, net, relay)
        join(p, code)
        sync(alice, net, relay)
    sync(bob, net, relay)
    sync(mallory, net, relay)
    second = relays("second-relay")
    sync(alice, net, second)
    return relay, second, alice, bob, mallory, net


def _feed(target: Profile, source: Profile, net: bytes, strip: set[bytes]) -> None:
    """``source``'s events as a hostile copy hands them over: ``strip`` without bodies."""
    for raw in raw_events(source, net):
        event = events.parse_trusted(raw)
        target.log.ingest(purge.strip(raw) if event.id in strip else raw)


def test_an_announcement_by_someone_who_may_not_withdraw_explains_nothing(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Mallory strips Bob's live case herself, writes her own withdrawal of it with its
    key (every reader of the case has the key) and announces it to the second relay with
    the stripped copy (a changed client): the relay refuses the copy, and Bob's genuine
    case reaches the second relay when Bob syncs there."""
    relay, second, _alice, bob, mallory, net = _three(make_profile, relays)
    live = bob.library.post_case(net, title="Pericarditis after flu")
    sync(bob, net, relay)
    _feed(mallory, bob, net, {live})
    # The case's own key, as every reader of it has: only Mallory's right is in question.
    key = bytes(bob.db.scalar("SELECT purge_key FROM cases WHERE id = ?", (live,)))
    forged = forge(
        mallory,
        net,
        EventKind.CASE_WITHDRAW,
        {"case": live, "reason": "Consent withdrawn"},
        {"case": live, "key": key, "blobs": []},
    )
    monkeypatch.setattr(SyncStore, "announced", lambda self, n, have: [forged])
    report = sync(mallory, net, second)
    assert any("without its body" in r for r in report.not_taken)
    assert live not in stored_ids(second)
    monkeypatch.undo()
    sync(bob, net, second)
    assert relay_body(second, live) != b""


def test_a_withdrawal_announced_explains_only_its_own_case(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """Bob withdraws one case; Mallory's library holds it stripped (genuinely) and Bob's
    other, live case stripped too (her doing). Her push to the second relay announces
    Bob's withdrawal: the withdrawn case's stripped creation is taken, the live case's
    copy is refused; Bob's own sync brings the live case there whole."""
    relay, second, _alice, bob, mallory, net = _three(make_profile, relays)
    gone = bob.library.post_case(net, title="Keloid on the earlobe")
    live = bob.library.post_case(net, title="Pericarditis after flu")
    bob.library.withdraw(gone, "Consent withdrawn")
    sync(bob, net, relay)
    _feed(mallory, bob, net, {live})
    assert mallory.queries.case(gone).summary.withdrawn is not None
    report = sync(mallory, net, second)
    assert any("without its body" in r for r in report.not_taken)
    held = stored_ids(second)
    assert gone in held and live not in held
    assert relay_body(second, gone) == b""
    sync(bob, net, second)
    assert relay_body(second, live) != b""
