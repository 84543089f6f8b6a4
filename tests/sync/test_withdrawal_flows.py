"""Ordinary flows around a withdrawal: attachments under case-bound relay ids (one added
by an edit, the same picture in a withdrawn and a live case), and a moderator's act
received stripped before a withdrawal and a rebuild."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from casebook.core.library import attachments
from casebook.core.model import events, purge
from casebook.core.profile import Profile
from casebook.sync.engine import SyncEngine
from netkit import deliver, raw_events
from netkit import join as lan_join
from rawkit import found
from relaykit import RunningRelay, join, sync
from scankit import noise_png


def fetch(profile: Profile, digest: bytes) -> None:
    engine = SyncEngine(profile)
    try:
        asyncio.run(engine.fetch_attachment(digest))
    finally:
        engine.close()


def test_attachment_added_by_an_edit_is_fetched_by_a_later_member(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    alice, net = found(make_profile, relay)
    case = alice.library.post_case(net, title="Rash")
    sync(alice, net, relay)
    photo = attachments.prepare_bytes("a.png", noise_png(40))
    alice.library.edit_case(case, files=[photo], title="Rash, photo added")
    assert sync(alice, net, relay).attachments_sent == 1
    bob = make_profile("Dr. Bob Lee")
    code = alice.invitations.create(net).code
    sync(alice, net, relay)
    join(bob, code)
    fetch(bob, photo.hash)
    assert attachments.read(bob.db, photo.hash) == photo.data


def test_same_picture_in_a_withdrawn_and_a_live_case(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """Alice and Bob post the same picture; Alice withdraws hers. Bob's copy stays at the
    relay and Carol (joining later) can fetch it; Alice's own computer keeps the bytes
    (Bob's case names them) and does not re-upload a copy for her tombstone."""
    relay = relays()
    alice, net = found(make_profile, relay)
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")
    code = alice.invitations.create(net).code
    sync(alice, net, relay)
    join(bob, code)
    sync(alice, net, relay)
    photo = attachments.prepare_bytes("a.png", noise_png(40))
    mine = alice.library.post_case(net, title="Rash A", files=[photo])
    sync(alice, net, relay)
    bob.library.post_case(net, title="Rash B", files=[photo])
    sync(bob, net, relay)
    sync(alice, net, relay)
    alice.library.withdraw(mine, "Consent withdrawn")
    assert sync(alice, net, relay).error is None
    assert sync(alice, net, relay).attachments_sent == 0
    code = alice.invitations.create(net).code
    sync(alice, net, relay)
    join(carol, code)
    fetch(carol, photo.hash)
    assert attachments.read(carol.db, photo.hash) == photo.data


def test_own_stripped_hide_then_withdrawal_and_rebuild(alice, network, make_profile) -> None:
    bob = make_profile("Dr. Bob Lee")
    lan_join(bob, alice, network)
    live = alice.library.post_case(network, title="Pericarditis after flu")
    gone = alice.library.post_case(network, title="Keloid on the earlobe")
    alice.governance.moderate(live.hex(), "hide", "Off topic")
    hide = bytes(alice.db.scalar("SELECT id FROM events WHERE kind = 'content.hide'"))
    for raw in raw_events(alice, network):
        e = events.parse_trusted(raw)
        bob.log.ingest(purge.strip(raw) if e.id == hide else raw)
    alice.library.withdraw(gone, "Consent withdrawn")
    deliver(alice, bob, network)
    before = bob.queries.case(gone).to_json()
    bob.log.rebuild()
    assert bob.queries.case(gone).to_json() == before
    deliver(alice, bob, network)
