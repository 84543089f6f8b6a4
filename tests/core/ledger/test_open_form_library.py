"""A library keeps the events it has read in their open form (the payload packed beside
the signed header, inside its encrypted database) and gives back, to every path that
sends, exports or verifies them, exactly the bytes their authors signed. These attack
that: the form kept, events received through sync's workers, a removal and its new
epoch, a damaged open form and a seed that is not the one the event was sealed under."""

from __future__ import annotations

import pytest
from test_rebuild import dump

from casebook.core.ledger.eventlog import Outcome
from casebook.core.ledger.wire_form import DamagedEvent
from casebook.core.model import events
from casebook.core.model.encoding import decode, encode
from casebook.core.model.events import EventError
from casebook.sync.store import SyncStore
from netkit import deliver, join, kept_form, raw_events, through_workers

BODY = (
    "A 34-year-old marathon runner collapsed two kilometres before the finish. "
    "He was pale and confused, with a core temperature of 40.8 degrees. "
) * 8


def _signed(raws: list[bytes]) -> list[bytes]:
    """``raws``, each checked to be a whole signed event (structure, body hash and
    signature: an open form, or any byte other than the author's, fails here)."""
    for raw in raws:
        assert not events.is_open_form(raw)
        events.parse(raw)
    return raws


def test_a_case_and_its_comment_are_kept_open_and_read_back_as_signed(alice, network):
    case = alice.library.post_case(network, title="Exertional heat stroke", body=BODY)
    comment = alice.library.comment(case, "Cold-water immersion on site. " * 6)
    for event_id in (case, comment):
        kept = kept_form(alice, event_id)
        assert events.is_open_form(kept)
        wire = alice.log.wire.of(kept)
        assert events.parse(wire).id == event_id  # signature and body hash verify
        assert len(kept) < len(wire) * 0.8
    assert alice.queries.case(case).body == BODY


def test_events_received_through_sync_are_kept_open_and_sent_on_unchanged(
    alice, network, make_profile
):
    bob = make_profile("Dr. Bob Tanaka")
    join(bob, alice, network)
    case = alice.library.post_case(network, title="Exertional heat stroke", body=BODY)
    alice.library.comment(case, "Cold-water immersion on site. " * 6)
    assert through_workers(bob, raw_events(alice, network), network) == []
    assert events.is_open_form(kept_form(bob, case))
    # What Bob would send on (to a relay, a colleague, a bundle) is what Alice signed.
    assert _signed(SyncStore(bob).missing(network, {}, set())) == raw_events(alice, network)
    # A third member who gets everything from Bob alone reads the case.
    carol = make_profile("Dr. Carol Ng")
    join(carol, alice, network)
    assert through_workers(carol, raw_events(bob, network), network) == []
    assert carol.queries.case(case).body == BODY


def test_a_removal_and_its_new_epoch_leave_what_came_before_sent_as_signed(
    alice, network, make_profile
):
    bob, carol = make_profile("Dr. Bob Tanaka"), make_profile("Dr. Carol Ng")
    join(bob, alice, network)
    join(carol, alice, network)
    before = alice.library.post_case(network, title="Before the removal", body=BODY)
    assert through_workers(bob, raw_events(alice, network), network) == []
    alice.governance.remove(network, "Dr. Carol")
    # (the rotation: Bob's new seed)
    assert through_workers(bob, raw_events(alice, network), network) == []
    after = alice.library.post_case(network, title="After the removal", body=BODY)
    assert alice.log.wire.event(kept_form(alice, after)).header.epoch == 1
    assert through_workers(bob, raw_events(alice, network), network) == []
    for event_id in (before, after):
        assert events.is_open_form(kept_form(bob, event_id))
    assert _signed(raw_events(bob, network)) == raw_events(alice, network)
    # Carol, removed, gets the events again from Bob: she reads what came before only.
    deliver(bob, carol, network)
    assert carol.queries.case(before) is not None and carol.queries.case(after) is None


def test_a_damaged_open_form_is_found_never_sent_and_nothing_is_lost(alice, network):
    case = alice.library.post_case(network, title="Exertional heat stroke", body=BODY)
    header, nonce, packed, signature = decode(kept_form(alice, case))
    damaged = bytearray(packed)
    damaged[len(damaged) // 2] ^= 0x20  # inside the packed payload
    kept = encode([header, nonce, bytes(damaged), signature])
    alice.db.execute("UPDATE events SET raw = ? WHERE id = ?", (kept, case))
    problems = alice.log.verify_all()
    assert len(problems) == 1 and case.hex()[:12] in problems[0]
    with pytest.raises(DamagedEvent, match="casebook doctor"):
        SyncStore(alice).missing(network, {}, set())
    before = dump(alice)
    with pytest.raises(EventError, match="failed verification"):
        alice.log.rebuild()
    assert dump(alice) == before


def test_an_open_form_seals_again_only_under_the_seed_it_was_opened_with(alice, network):
    case = alice.library.post_case(network, title="Exertional heat stroke", body=BODY)
    alice.db.execute("UPDATE epoch_seeds SET seed = ? WHERE net = ?", (bytes(32), network))
    alice.log.keys._cache.clear()
    with pytest.raises(DamagedEvent, match="does not seal again"):
        alice.log.wire.of(kept_form(alice, case))
    assert any("does not seal again" in p for p in alice.log.verify_all())


def test_a_seed_another_process_added_is_read_again_before_an_event_is_called_damaged(
    alice, network
):
    """Two processes may write one library (the window and a command): a cache that
    lacks the seed an event was opened with is read again, not reported as damage."""
    case = alice.library.post_case(network, title="Exertional heat stroke", body=BODY)
    alice.log.keys._cache[(network, 0)] = [(b"stale", bytes(32))]
    assert events.parse(alice.log.wire.of(kept_form(alice, case))).id == case


def test_a_library_from_before_keeps_its_wire_forms_and_both_live_side_by_side(
    alice, network, make_profile
):
    """Events ingested whole (a bundle, the demo) stay in their wire form; a library
    holds both forms and sends both unchanged."""
    bob = make_profile("Dr. Bob Tanaka")
    join(bob, alice, network)
    case = alice.library.post_case(network, title="Exertional heat stroke", body=BODY)
    assert set(deliver(alice, bob, network)) <= {Outcome.APPLIED, Outcome.DUPLICATE}
    assert not events.is_open_form(kept_form(bob, case))
    reply = bob.library.comment(case, "Ice packs to the groin and axillae. " * 5)
    assert events.is_open_form(kept_form(bob, reply))
    sent = _signed(SyncStore(bob).missing(network, {}, set()))
    assert events.parse(sent[-1]).id == reply
    deliver(bob, alice, network)
    assert [c.id for c in alice.queries.case(case).discussion] == [reply]


def test_a_sync_batch_that_meets_a_damaged_open_form_is_undone_whole(alice, network, make_profile):
    """A received edit makes the library read the case's creation again (its first
    revision): when that stored event is damaged, the whole batch is undone (nothing
    half-applied is committed) and the sync stops with the damage named."""
    bob = make_profile("Dr. Bob Tanaka")
    join(bob, alice, network)
    case = alice.library.post_case(network, title="Exertional heat stroke", body=BODY)
    assert through_workers(bob, raw_events(alice, network), network) == []
    header, nonce, packed, signature = decode(kept_form(bob, case))
    damaged = bytearray(packed)
    damaged[len(damaged) // 2] ^= 0x20
    bob.db.execute(
        "UPDATE events SET raw = ? WHERE id = ?",
        (encode([header, nonce, bytes(damaged), signature]), case),
    )
    alice.library.comment(case, "Cold-water immersion on site. " * 6)
    alice.library.edit_case(case, body=BODY + " Recovered fully by day three.")
    before, stored = dump(bob), bob.db.scalar("SELECT count(*) FROM events")
    with pytest.raises(DamagedEvent, match="casebook doctor"):
        through_workers(bob, raw_events(alice, network), network)
    assert dump(bob) == before  # neither the comment nor the edit was kept
    assert bob.db.scalar("SELECT count(*) FROM events") == stored
