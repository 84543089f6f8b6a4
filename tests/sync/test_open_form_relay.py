"""Through real relays: a library that keeps other members' events in their open form
pushes them to a relay that never saw them, byte for byte as their authors signed them;
a damaged open form is never pushed and the sync ends with one calm error."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casebook.core.model import events
from casebook.core.model.encoding import decode, encode
from casebook.core.profile import Profile
from casebook.sync.link import LinkFailure, SyncError
from rawkit import found, found_with_bob, stored_ids, stored_raws
from relaykit import RunningRelay, join, sync

BODY = "Recurrent syncope on exertion; a soft ejection murmur at the left sternal edge. " * 8


def test_events_kept_open_reach_a_new_relay_as_their_authors_signed_them(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    alice, bob, net = found_with_bob(make_profile, relay)
    sync(alice, net, relay)
    sync(bob, net, relay)
    case = bob.library.post_case(net, title="Syncope on exertion", body=BODY)
    comment = bob.library.comment(case, "Echo first, then an exercise test. " * 6)
    assert sync(bob, net, relay).error is None
    assert sync(alice, net, relay).error is None
    for event_id in (case, comment):  # received through sync's workers: kept open
        kept = alice.db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,))
        assert events.is_open_form(bytes(kept))

    second = relays("second-relay")
    report = sync(alice, net, second)
    assert report.error is None and not report.not_taken and not report.refused
    first, copied = stored_raws(relay), stored_raws(second)
    assert {case, comment} <= set(copied)
    assert {i: first[i] for i in copied} == copied  # byte for byte

    # A damaged open form: the push stops with one calm error; nothing of it goes out.
    parts = decode(bytes(alice.db.scalar("SELECT raw FROM events WHERE id = ?", (comment,))))
    packed = bytearray(parts[2])
    packed[len(packed) // 2] ^= 0x20  # a byte of the packed payload
    kept = encode([parts[0], parts[1], bytes(packed), parts[3]])
    alice.db.execute("UPDATE events SET raw = ? WHERE id = ?", (kept, comment))
    third = relays("third-relay")
    with pytest.raises(SyncError, match=r"damaged.*casebook doctor") as failed:
        sync(alice, net, third)
    assert failed.value.code == LinkFailure.DAMAGED
    assert comment not in stored_ids(third)
    # The library is unchanged; the case reads, and its comment names the damage.
    assert bytes(alice.db.scalar("SELECT raw FROM events WHERE id = ?", (comment,))) == kept
    detail = alice.queries.case(case)
    assert detail is not None and detail.body == BODY
    assert "cannot be shown; run 'casebook doctor'" in (detail.discussion[0].damaged or "")


def test_a_newcomer_keeps_the_network_it_joins_into_open(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """The events a relay streams with a welcome are opened with the package's seeds on
    sync's workers, and kept open like those of any later sync."""
    relay = relays()
    alice, net = found(make_profile, relay)
    case = alice.library.post_case(net, title="Syncope on exertion", body=BODY)
    code = alice.invitations.create(net).code
    assert sync(alice, net, relay).error is None
    carol = make_profile("Dr. Carol Ng")
    join(carol, code)
    kept = carol.db.scalar("SELECT raw FROM events WHERE id = ?", (case,))
    assert events.is_open_form(bytes(kept))
    assert carol.queries.case(case).body == BODY
    assert carol.log.verify_all() == []
