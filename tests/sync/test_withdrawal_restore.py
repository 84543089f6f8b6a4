"""A bodiless copy of a live event (from a hostile colleague on the LAN, or a bundle) does
not erase it: sync asks the relay for the full event (``have.want``), and a full copy
held out of order takes the bodiless one's place. Found by a hostile review."""

from __future__ import annotations

from collections.abc import Callable

from casebook.core.model import events, purge
from casebook.core.profile import Profile
from netkit import raw_events
from rawkit import found_with_bob
from relaykit import RunningRelay, sync


def test_relay_sync_restores_a_stripped_live_case(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """A hostile colleague (LAN peer, or a bundle) hands Bob Alice's live case stripped.
    Bob's vector counts it, so catch-up would never send it again; Bob's next sync asks
    the relay for it by id, and the case is back."""
    relay = relays()
    alice, bob, net = found_with_bob(make_profile, relay)
    sync(alice, net, relay)
    case = alice.library.post_case(net, title="Pericarditis after flu")
    sync(alice, net, relay)
    for raw in raw_events(alice, net):  # the hostile copy of Alice's chain
        event = events.parse_trusted(raw)
        bob.log.ingest(purge.strip(raw) if event.id == case else raw)
    assert bob.queries.case(case) is None
    assert sync(bob, net, relay).error is None
    assert sync(bob, net, relay).error is None
    assert bob.queries.case(case) is not None
    assert bob.db.scalar("SELECT count(*) FROM rejected WHERE event_id = ?", (case,)) == 0


def test_stripped_copy_held_then_genuine_while_held(alice, network, make_profile) -> None:
    """The stripped copy arrives out of order (held); the genuine one arrives while it is
    still held and takes its place; the gap fills: the genuine event is stored."""
    from netkit import join as njoin

    bob = make_profile("Dr. Bob Lee")
    njoin(bob, alice, network)
    base = len(raw_events(alice, network))
    first = alice.library.post_case(network, title="Myocarditis")
    case = alice.library.post_case(network, title="Pericarditis after flu")
    raws = raw_events(alice, network)
    gap, genuine = raws[base], raws[base + 1]
    for raw in raws[:base]:
        bob.log.ingest(raw)
    bob.log.ingest(purge.strip(genuine))
    bob.log.ingest(genuine)
    bob.log.ingest(gap)
    assert bob.queries.case(first) is not None
    assert bob.queries.case(case) is not None
