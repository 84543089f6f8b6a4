"""The two optional fields withdrawals added to the wire (docs/protocol.md): a member's
``have.want`` (events asked for by id) and a push's ``withdrawals`` (announced ahead of
their chains). Both are bounded before they cost anything, and ``want`` reaches only
the network the member logged in to."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casebook.core.model import purge
from casebook.core.profile import Profile
from casebook.protocol import wire
from casebook.sync.store import SyncStore
from rawkit import found, found_with_bob
from relaykit import RunningRelay, sync

pytestmark = pytest.mark.both_stores  # the relay suite: SQLite and PostgreSQL


def test_want_is_bounded_and_well_formed() -> None:
    assert wire.want_ids({}) == []
    assert wire.want_ids({"want": bytes(32 * wire.MAX_WANT)}) == [bytes(32)] * wire.MAX_WANT
    for bad in (bytes(32 * wire.MAX_WANT + 32), bytes(33), "ids", [bytes(32)]):
        with pytest.raises(wire.ProtocolError, match="want"):
            wire.want_ids({"want": bad})


def test_announced_withdrawals_are_bounded() -> None:
    assert wire.announced({}) == []
    for bad in (
        [b"x"] * (wire.MAX_ANNOUNCED + 1),
        [bytes(wire.MAX_ANNOUNCED_BYTES + 1)],
        ["not bytes"],
        b"raw",
    ):
        with pytest.raises(wire.ProtocolError, match="withdrawals"):
            wire.announced({"withdrawals": bad})


def test_a_member_gets_by_id_only_events_of_the_network_they_logged_in_to(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bob, founder of another network on the same relay, asks in his login for the ids
    of Alice's events (as if he held them bodiless): the relay sends none of them."""
    relay = relays()
    alice, net_a = found(make_profile, relay)
    case = alice.library.post_case(net_a, title="Pericarditis after flu")
    sync(alice, net_a, relay)
    bob = make_profile("Dr. Bob Lee")
    net_b = bob.library.create_network("Dermatology Circle", bob.name, relays=[relay.url])
    monkeypatch.setattr(SyncStore, "bodiless", lambda self, net: [case])
    report = sync(bob, net_b, relay)
    assert report.error is None
    assert report.received == 0 and not report.refused
    assert relay.on_loop(lambda: relay.relay.store.raws(net_b, [case])) == []
    assert len(relay.on_loop(lambda: relay.relay.store.raws(net_a, [case]))) == 1


def test_a_bodiless_copy_the_relay_holds_bodiless_stays_asked_for(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """Alice withholds the body of her own case (its author may): Bob's computer, which
    got it bodiless, asks again at each sync and gets the same bodiless copy; nothing
    breaks and nothing is applied."""
    relay = relays()
    alice, bob, net = found_with_bob(make_profile, relay)
    case = alice.library.post_case(net, title="Pericarditis after flu")
    raw = bytes(alice.db.scalar("SELECT raw FROM events WHERE id = ?", (case,)))
    alice.db.execute("UPDATE events SET raw = ? WHERE id = ?", (purge.strip(raw), case))
    assert sync(alice, net, relay).error is None
    for _ in range(2):
        report = sync(bob, net, relay)
        assert report.error is None
        assert bob.queries.case(case) is None
    assert bob.db.scalar("SELECT count(*) FROM rejected WHERE event_id = ?", (case,)) == 1
