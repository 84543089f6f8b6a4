"""No body of a withdrawn case's events waits in ``held_events``: an event of the case that
arrives out of order after the withdrawal is held without its body, and a full copy of a
held event the withdrawal stripped does not take the stripped one's place (a hostile
peer that withholds the gap cannot keep the text there). Found by a hostile review."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casebook.core.model import events
from casebook.core.profile import Profile
from netkit import deliver, join, raw_events


def held_bodies(profile: Profile) -> dict[bytes, bytes]:
    return {
        bytes(r["id"]): events.parse_trusted(bytes(r["raw"])).body
        for r in profile.db.all("SELECT id, raw FROM held_events")
    }


@pytest.fixture
def story(alice: Profile, network: bytes, make_profile: Callable[..., Profile]):
    net = network
    bob, carol, dave = (make_profile(n) for n in ("Dr. Bob Lee", "Dr. Carol Ng", "Dr. Dave Wu"))
    for p in (bob, carol, dave):
        join(p, alice, net)
    for p in (bob, carol, dave):
        deliver(alice, p, net)
    case = bob.library.post_case(net, title="Keloid on the earlobe")
    deliver(bob, carol, net)
    first = carol.library.comment(case, "Steroid injection first.")
    second = carol.library.comment(case, "She works at the bakery on Main St.")
    deliver(carol, bob, net)
    bob.library.withdraw(case, "Consent withdrawn")
    carol_raws = [r for r in raw_events(carol, net)
                  if events.parse_trusted(r).author == carol.identity.public_key]  # fmt: skip
    gap = next(r for r in carol_raws if events.parse_trusted(r).id == first)
    late = next(r for r in carol_raws if events.parse_trusted(r).id == second)
    return dave, bob, net, case, gap, late, second, {first, second}


def test_event_arriving_out_of_order_after_the_withdrawal_is_held_without_body(story) -> None:
    dave, bob, net, case, _gap, late, second, skip = story
    for raw in raw_events(bob, net):  # Bob's chain, Carol's earlier events, the withdrawal
        if events.parse_trusted(raw).id not in skip:
            dave.log.ingest(raw)
    assert dave.queries.case(case) is None or dave.queries.case(case).summary.withdrawn
    dave.log.ingest(late)  # the gap (Carol's first comment) is withheld
    assert held_bodies(dave).get(second) == b""


def test_full_copy_does_not_replace_a_held_event_the_withdrawal_stripped(story) -> None:
    dave, bob, net, _case, _gap, late, second, skip = story
    bob_raws = raw_events(bob, net)
    withdrawal = next(r for r in bob_raws if events.parse_trusted(r).kind == "case.withdraw")
    assert events.parse_trusted(withdrawal).kind == "case.withdraw"
    for raw in bob_raws:
        event = events.parse_trusted(raw)
        if event.id not in skip and raw != withdrawal and event.kind != "case.purged":
            dave.log.ingest(raw)
    dave.log.ingest(late)  # held (gap withheld)
    dave.log.ingest(withdrawal)  # the purge strips the held copy
    assert held_bodies(dave).get(second) == b""
    dave.log.ingest(late)  # the full copy again, from a hostile peer
    assert held_bodies(dave).get(second) == b""
