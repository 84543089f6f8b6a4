"""Every event of a case carries a purge tag that binds it to the case (for a later
withdrawal) and that nobody without the case's key can link; an event whose tag is
wrong or missing is rejected on every computer (docs/protocol.md, Withdrawal)."""

from __future__ import annotations

from casebook.core.model import events, purge
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from netkit import deliver, join, key
from rawkit import forge, rejected


def stored(profile: Profile, event_id: bytes) -> events.Event:
    raw = profile.db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,))
    return profile.log.wire.event(bytes(raw))


def test_each_event_of_a_case_is_tagged_with_its_key(alice: Profile, network: bytes) -> None:
    case = alice.library.post_case(network, title="Syncope", body="At km 30.")
    comment = alice.library.comment(case, "Echo pending.")
    edit = alice.library.edit_comment(comment, "Echo normal.")
    status = alice.library.set_status(case, "resolved")
    key = bytes(alice.db.scalar("SELECT purge_key FROM cases WHERE id = ?", (case,)))
    tags = []
    for event_id in (case, comment, edit, status):
        event = stored(alice, event_id)
        bound = None if event_id == case else case  # a case's creation: no id yet
        assert purge.tagged(key, bound, event.author, event.seq, event.header.pub)
        tags.append(event.header.pub["w"])
    assert len(set(tags)) == 4  # one per event: nothing links them without the key
    other = alice.library.post_case(network, title="Another")
    other_key = bytes(alice.db.scalar("SELECT purge_key FROM cases WHERE id = ?", (other,)))
    assert other_key != key
    assert not rejected(alice)


def test_a_comment_with_a_wrong_or_missing_tag_is_rejected_everywhere(
    alice: Profile, network: bytes, make_profile
) -> None:
    bob = make_profile("Dr. Bob Okafor")
    join(bob, alice, network)
    case = alice.library.post_case(network, title="Syncope")
    deliver(alice, bob, network)
    payload = {"case": case, "parent": None, "body": "Out of reach of a withdrawal."}
    for pub in ({}, {"w": b"\x00" * 16}, {"w": "text"}):
        hostile = forge(bob, network, EventKind.COMMENT_CREATE, payload, pub)
        bob.log.ingest(hostile)  # his own computer judges it too
        alice.log.ingest(hostile)
        event_id = events.parse(hostile).id
        for profile in (alice, bob):
            assert "purge tag" in rejected(profile)[event_id]
            assert profile.queries.case(case).summary.comments == 0
    # The right tag with a clear field beside it: nothing clear rides along a case's event.
    seq = bob.db.scalar(
        "SELECT max(seq) FROM events WHERE net = ? AND author = ?", (network, key(bob))
    )
    purge_key = bytes(alice.db.scalar("SELECT purge_key FROM cases WHERE id = ?", (case,)))
    tag = purge.event_tag(purge_key, case, key(bob), seq + 1)
    loud = forge(bob, network, EventKind.COMMENT_CREATE, payload, {"w": tag, "x": b"Jane Doe"})
    bob.log.ingest(loud)
    alice.log.ingest(loud)
    for profile in (alice, bob):
        assert "no clear fields" in rejected(profile)[events.parse(loud).id]
    good = bob.library.comment(case, "Tagged by the library.")
    deliver(bob, alice, network)
    assert good not in rejected(alice) and alice.queries.case(case).summary.comments == 1


def test_a_case_written_before_purge_keys_keeps_taking_comments(
    alice: Profile, network: bytes, make_profile
) -> None:
    bob = make_profile("Dr. Bob Okafor")
    join(bob, alice, network)
    old = forge(
        alice,
        network,
        EventKind.CASE_CREATE,
        {"title": "Old", "specialty": "", "fields": {}, "body": "", "tags": [], "attachments": []},
        {},
    )
    alice.log.ingest(old)
    case = events.parse(old).id
    assert alice.queries.case(case) is not None
    deliver(alice, bob, network)
    reply = bob.library.comment(case, "Still discussed.")
    deliver(bob, alice, network)
    assert reply not in rejected(alice) and alice.queries.case(case).summary.comments == 1
