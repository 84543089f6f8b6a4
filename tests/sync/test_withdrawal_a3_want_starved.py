"""``have.want`` goes round all the bodiless events a computer holds, 64 at a time: bodiless
copies of a hostile member's own events (which the relay holds bodiless too, as their
author may withhold them) cannot fill the list for good and keep a censored copy of
someone else's live event from being asked for. Found by a hostile review."""

from __future__ import annotations

from collections.abc import Callable

from casebook.core.model import events, purge
from casebook.core.profile import Profile
from casebook.protocol import wire
from netkit import raw_events
from rawkit import found
from relaykit import RunningRelay, join, sync


def test_own_bodiless_events_do_not_starve_the_want(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    alice, net = found(make_profile, relay)
    bob, mallory = make_profile("Dr. Bob Lee"), make_profile("Dr. Mallory Ward")
    for p in (bob, mallory):
        code = alice.invitations.create(net).code
        sync(alice, net, relay)
        join(p, code)
        sync(alice, net, relay)
    sync(mallory, net, relay)
    # Mallory writes 64 small cases and withholds their bodies (as their author may).
    mine = [mallory.library.post_case(net, title=f"Case {i}") for i in range(wire.MAX_WANT)]
    for ident in mine:
        raw = bytes(mallory.db.scalar("SELECT raw FROM events WHERE id = ?", (ident,)))
        mallory.db.execute("UPDATE events SET raw = ? WHERE id = ?", (purge.strip(raw), ident))
    assert sync(mallory, net, relay).error is None
    assert sync(bob, net, relay).error is None
    # Alice's live case; a hostile copy hands it to Bob bodiless before the relay does.
    case = alice.library.post_case(net, title="Pericarditis after flu")
    sync(alice, net, relay)
    for raw in raw_events(alice, net):
        event = events.parse_trusted(raw)
        if event.author == alice.identity.public_key:
            bob.log.ingest(purge.strip(raw) if event.id == case else raw)
    assert bob.queries.case(case) is None
    for _ in range(3):
        assert sync(bob, net, relay).error is None
    assert bob.queries.case(case) is not None
