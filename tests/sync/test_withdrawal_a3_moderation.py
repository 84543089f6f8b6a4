"""A moderator's act on a withdrawn case carries the case's purge tag: a relay that has not
seen the withdrawal takes the act stripped from a library that announces it, so the
moderator's chain continues there, and every computer judges a stripped act alike
(explained by its tag, never asked for again). Found by a hostile review."""

from __future__ import annotations

from collections.abc import Callable

from casebook.core.model import events, purge
from casebook.core.profile import Profile
from casebook.sync.store import SyncStore
from netkit import deliver
from netkit import join as lan_join
from rawkit import found, stored_ids
from relaykit import RunningRelay, join, sync


def test_a_moderators_chain_reaches_a_second_relay_after_a_withdrawal(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    alice, net = found(make_profile, relay)
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")
    for p, role in ((bob, None), (carol, "moderator")):
        code = alice.invitations.create(net, role=role).code
        sync(alice, net, relay)
        join(p, code)
        sync(alice, net, relay)
    sync(bob, net, relay)
    case = bob.library.post_case(net, title="Keloid on the earlobe")
    live = bob.library.post_case(net, title="Pericarditis after flu")
    sync(bob, net, relay)
    sync(carol, net, relay)
    carol.governance.moderate(case.hex(), "hide", "Names the patient's employer")
    sync(carol, net, relay)
    sync(bob, net, relay)
    bob.library.withdraw(case, "Consent withdrawn")
    sync(bob, net, relay)
    later = carol.library.comment(live, "Colchicine for three months.")
    sync(carol, net, relay)
    sync(alice, net, relay)
    assert alice.queries.case(live) is not None
    hide = bytes(carol.db.scalar("SELECT id FROM events WHERE kind = 'content.hide'"))
    assert len(purge.stored_tag(events.parse_trusted(raw_of(carol, hide)))) == purge.TAG_BYTES
    assert relay_body(relay, hide) == b""  # the relay strips the tagged act with the case
    second = relays("second-relay")
    sync(alice, net, second)
    assert later in stored_ids(second)


def raw_of(profile: Profile, event_id: bytes) -> bytes:
    return bytes(profile.db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,)))


def relay_body(relay: RunningRelay, event_id: bytes) -> bytes:
    raw = relay.on_loop(
        lambda: relay.relay.store.execute(
            "SELECT raw FROM events WHERE id = ?", (event_id,)
        ).fetchone()[0]
    )
    return events.parse_trusted(bytes(raw)).body


def test_a_stripped_moderators_act_is_judged_alike_everywhere(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    net = network
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")
    lan_join(bob, alice, net)
    lan_join(carol, alice, net, role="moderator")
    for p in (bob, carol):
        deliver(alice, p, net)
    case = bob.library.post_case(net, title="Keloid on the earlobe")
    deliver(bob, carol, net)
    carol.governance.moderate(case.hex(), "hide", "Names the patient's employer")
    deliver(carol, bob, net)
    bob.library.withdraw(case, "Consent withdrawn")
    # Bob: the act whole, then the withdrawal strips it. Alice: everything from Bob's
    # library (the act already stripped there), then a rebuild.
    deliver(bob, alice, net)
    alice.log.rebuild()
    reasons = {
        p.name: {bytes(r[0]): r[1] for r in p.db.all("SELECT event_id, reason FROM rejected")}
        for p in (alice, bob)
    }
    assert reasons[alice.name] == reasons[bob.name]
    assert SyncStore(alice).bodiless(net) == []
