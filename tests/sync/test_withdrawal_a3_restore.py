"""A full copy of an event a withdrawal stripped here does not bring its body back, also when
the event would be rejected before any case lookup (its author removed meanwhile): only
a copy nothing here explains is restored. Found by a hostile review."""

from __future__ import annotations

from collections.abc import Callable

from casebook.core.model import events
from casebook.core.profile import Profile
from netkit import deliver, fp, join, raw_events


def body(profile: Profile, event_id: bytes) -> bytes:
    raw = profile.db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,))
    return events.parse_trusted(bytes(raw)).body


def test_full_copy_of_a_purged_event_does_not_bring_its_body_back(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    net = network
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")
    for p in (bob, carol):
        join(p, alice, net)
    for p in (bob, carol):
        deliver(alice, p, net)
    deliver(carol, bob, net)
    deliver(bob, carol, net)
    case = bob.library.post_case(net, title="Keloid on the earlobe")
    deliver(bob, carol, net)
    deliver(bob, alice, net)
    # Alice removes Carol; Carol, offline, comments on Bob's case quoting the patient.
    alice.governance.remove(net, fp(carol))
    comment = carol.library.comment(case, "She said no to the steroid injection.")
    deliver(carol, alice, net)
    assert alice.db.scalar("SELECT reason FROM rejected WHERE event_id = ?", (comment,))
    # Bob withdraws: Alice's computer strips Carol's comment (found by its tag).
    bob.library.withdraw(case, "Consent withdrawn")
    deliver(bob, alice, net)
    assert body(alice, comment) == b""
    # Carol's computer (or any that kept the body) hands the full copy over again.
    for raw in raw_events(carol, net):
        alice.log.ingest(raw)
    assert body(alice, comment) == b""
