"""Holding a flagged item for a moderator's look, attacked harder: arrival order,
rebuilds, other networks' items, waiting targets, demotions and removals racing the
policy and the flags, malformed policies, and what members can still see of a held
item (list, search, discussion, pinned)."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from typing import Any

import pytest

from casebook.core.library.queries import HELD
from casebook.core.library.search import Filters
from casebook.core.model import payloads
from casebook.core.model.events import EventError
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from netkit import deliver, join, raw_events, shown, sync
from rawkit import rejected

Four = tuple[Profile, Profile, Profile, Profile]


def _raw(profile: Profile, event_id: bytes) -> bytes:
    return profile.log.wire.of(
        bytes(profile.db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,)))
    )


def _ingest(target: Profile, raws: list[bytes]) -> None:
    for raw in raws:
        target.log.ingest(raw)


def _indexed(profile: Profile, item: bytes) -> bool:
    return bool(
        profile.db.scalar(
            "SELECT 1 FROM case_fts WHERE rowid = (SELECT rid FROM cases WHERE id = ?) "
            "UNION ALL SELECT 1 FROM comment_fts WHERE rowid = "
            "(SELECT rid FROM comments WHERE id = ?)",
            (item, item),
        )
    )


def _state(profile: Profile) -> dict[str, Any]:
    """Everything the feature derives, comparable across computers (no rids)."""
    q = profile.db.all
    return {
        "moderation": sorted(
            tuple(bytes(v) if isinstance(v, bytes | memoryview) else v for v in r)
            for r in q(
                "SELECT target, net, hidden, hide_order, reason, held, hold_order FROM moderation"
            )
        ),
        "policy": sorted(
            tuple(r) for r in q("SELECT net, hold_after, ordering FROM moderation_policy")
        ),
        "log": sorted(tuple(r) for r in q("SELECT event_id, action, ordering FROM moderation_log")),
        "cases": sorted(tuple(r) for r in q("SELECT id, hidden FROM cases")),
        "comments": sorted(tuple(r) for r in q("SELECT id, hidden FROM comments")),
        "case_fts": sorted(
            bytes(r[0]) for r in q("SELECT c.id FROM case_fts f JOIN cases c ON c.rid = f.rowid")
        ),
        "comment_fts": sorted(
            bytes(r[0])
            for r in q("SELECT c.id FROM comment_fts f JOIN comments c ON c.rid = f.rowid")
        ),
    }


def test_hold_release_hide_unhide_converge_whatever_the_order(four: Four, network: bytes) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Palpitations", body="Holter pending.")
    sync(alice, bob, carol, dave)
    # Concurrent: neither moderator has seen the other's acts; equal Lamport clocks.
    dave_ids = [
        dave.log.append(network, EventKind.CONTENT_HOLD, {"target": case}).id,
        dave.log.append(network, EventKind.CONTENT_RELEASE, {"target": case}).id,
        dave.log.append(network, EventKind.CONTENT_HOLD, {"target": case}).id,
    ]
    alice_ids = [
        alice.log.append(network, EventKind.CONTENT_HIDE, {"target": case, "reason": "Name"}).id,
        alice.log.append(network, EventKind.CONTENT_RELEASE, {"target": case}).id,
        alice.log.append(network, EventKind.CONTENT_UNHIDE, {"target": case}).id,
    ]
    d = [_raw(dave, i) for i in dave_ids]
    a = [_raw(alice, i) for i in alice_ids]
    _ingest(bob, d + a)
    _ingest(carol, a[::-1] + d[::-1])  # gaps held, then drained: another order again
    assert _state(bob) == _state(carol)
    for p in (bob, carol):
        held = p.db.scalar("SELECT held FROM moderation WHERE target = ?", (case,))
        hidden = p.db.scalar("SELECT hidden FROM moderation WHERE target = ?", (case,))
        assert shown(p, case) == (not held and not hidden) == _indexed(p, case)
    before = _state(bob)
    bob.log.rebuild()
    assert _state(bob) == before


def test_a_rebuild_reproduces_holds_policy_flags_and_the_index(four: Four, network: bytes) -> None:
    alice, bob, carol, dave = four
    alice.governance.set_moderation_policy(network, 2)
    case = alice.library.post_case(network, title="Syncope in a runner", body="ECG normal.")
    sync(alice, bob, carol, dave)
    comment = bob.library.comment(case, "Consider HCM; echo please.")
    other = carol.library.comment(case, "Tilt table test.")
    sync(alice, bob, carol, dave)
    for who in (bob, carol):
        who.library.flag(comment.hex(), "Unkind")
    sync(alice, bob, carol, dave)
    assert dave.governance.hold_flagged(network) == [comment]
    dave.governance.moderate(other.hex(), "hold")
    dave.governance.moderate(other.hex(), "release")
    alice.governance.set_moderation_policy(network, 3)
    sync(alice, bob, carol, dave)
    for p in (alice, dave, bob):
        before = (_state(p), p.db.all("SELECT target, flagger, ordering FROM flags"))
        before_due = p.flag_inbox.due(network)
        p.log.rebuild()
        assert (_state(p), p.db.all("SELECT target, flagger, ordering FROM flags")) == before
        assert p.flag_inbox.due(network) == before_due
    assert not shown(bob, comment) and shown(bob, other)
    assert bob.flag_inbox.hold_after(network) == 3


def test_a_hold_of_another_networks_item_is_refused(four: Four, network: bytes) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Anaemia", body="Ferritin low.")
    sync(alice, bob, carol, dave)
    own = dave.library.create_network("Dave's circle", dave.name)  # Dave is its admin
    hold = dave.log.append(own, EventKind.CONTENT_HOLD, {"target": case}).id
    assert rejected(dave).get(hold) == "refers to an item of another network"
    assert shown(dave, case) and dave.queries.moderation(case) is None
    dave.log.rebuild()
    assert shown(dave, case) and rejected(dave).get(hold) == "refers to an item of another network"


def test_a_hold_that_arrives_before_its_item_waits_for_it(four: Four, network: bytes) -> None:
    alice, bob, _carol, dave = four
    case = alice.library.post_case(network, title="Cough", body="Chest film clear.")
    sync(alice, dave)
    dave.governance.moderate(case.hex(), "hold")
    nowhere = dave.log.append(network, EventKind.CONTENT_HOLD, {"target": os.urandom(32)}).id
    mine = [r for r in raw_events(dave, network) if r not in set(raw_events(bob, network))]
    theirs_first = [r for r in mine if r not in set(raw_events(alice, network))]
    _ingest(bob, theirs_first)  # the hold before the case it holds
    assert bob.db.scalar("SELECT 1 FROM cases WHERE id = ?", (case,)) is None
    deliver(alice, bob, network)
    assert not shown(bob, case) and bob.queries.moderation(case) == HELD
    assert not _indexed(bob, case)
    assert rejected(bob).get(nowhere) is None  # an unknown target hides nothing


def test_a_policy_written_after_a_demotion_never_counts(
    four: Four, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    alice, bob, carol, dave = four
    eve = make_profile("Dr. Eve Sato")
    join(eve, alice, network, role="admin")
    sync(alice, bob, carol, dave, eve)
    eve.governance.set_moderation_policy(network, 2)  # while an admin: stands
    sync(alice, bob, carol, dave, eve)
    alice.governance.set_role(network, "Dr. Eve", "member")
    late = eve.log.append(network, EventKind.MODERATION_POLICY, {"hold_after": 1}).id
    a = [r for r in raw_events(alice, network) if r not in set(raw_events(bob, network))]
    e = [r for r in raw_events(eve, network) if r not in set(raw_events(bob, network))]
    _ingest(bob, e + a)  # the late policy first, then the demotion that refuses it
    _ingest(carol, a + e)
    for p in (bob, carol):
        assert rejected(p).get(late) == "only admins may set the moderation policy"
        assert p.flag_inbox.hold_after(network) == 2
    assert _state(bob) == _state(carol)


def test_a_flag_refused_after_the_fact_is_not_counted(four: Four, network: bytes) -> None:
    alice, bob, carol, dave = four
    alice.governance.set_moderation_policy(network, 2)
    case = alice.library.post_case(network, title="Back pain", body="MRI: disc bulge.")
    sync(alice, bob, carol, dave)
    carol.library.flag(case.hex(), "Identifier")  # Alice has not seen it...
    alice.governance.remove(network, "Dr. Carol")  # ...so Carol's chain is cut before it
    bob.library.flag(case.hex(), "Identifier too")
    deliver(carol, dave, network)
    deliver(bob, dave, network)
    assert dave.flag_inbox.due(network) == [case]  # not yet knowing of the removal
    deliver(alice, dave, network)
    assert dave.flag_inbox.due(network) == []  # Carol's flag was refused: one member left


def test_a_removed_members_flags_no_longer_count(four: Four, network: bytes) -> None:
    alice, bob, carol, dave = four
    alice.governance.set_moderation_policy(network, 2)
    case = alice.library.post_case(network, title="Gout", body="Urate 9.")
    sync(alice, bob, carol, dave)
    carol.library.flag(case.hex(), "Spam")
    sync(alice, bob, carol, dave)
    alice.governance.remove(network, "Dr. Carol")
    sync(alice, bob, dave)
    bob.library.flag(case.hex(), "Spam")
    sync(alice, bob, dave)
    # "At least N distinct members": Carol is no longer one.
    assert dave.flag_inbox.due(network) == []


def test_held_items_leave_every_members_view_and_come_back(four: Four, network: bytes) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Zebra murmur", body="Echo shows zebrine.")
    sync(alice, bob, carol, dave)
    comment = carol.library.comment(case, "Quokka sign on auscultation.")
    sync(alice, bob, carol, dave)
    dave.governance.moderate(case.hex(), "pin")
    dave.governance.moderate(case.hex(), "hold")
    dave.governance.moderate(comment.hex(), "hold")
    sync(alice, bob, carol, dave)
    carol.library.edit_comment(comment, "Wombat sign on auscultation.")  # edited while held
    sync(alice, bob, carol, dave)
    for p in (bob, carol):
        assert not _indexed(p, case) and not _indexed(p, comment)
        assert p.queries.search("zebrine", Filters()) == []
        assert p.queries.search("wombat", Filters()) == []
        assert case not in [c.id for c in p.queries.list_cases(Filters(net=network))]
        assert case not in [c.id for c in p.queries.pinned(network)]
        assert p.queries.case(case) is None
    dave.governance.moderate(case.hex(), "release")
    sync(alice, bob, carol, dave)
    for p in (bob, carol):
        assert [c.id for c in p.queries.pinned(network)] == [case]
        assert [r.case.id for r in p.queries.search("zebrine", Filters())] == [case]
        detail = p.queries.case(case)
        assert detail is not None
        (shown,) = detail.discussion
        assert shown.hidden and shown.hidden_reason == HELD and "Wombat" not in shown.body
    dave.governance.moderate(comment.hex(), "release")
    sync(alice, bob, carol, dave)
    for p in (bob, carol):
        assert _indexed(p, comment) and p.queries.search("quokka", Filters()) == []
        assert [r.comment_id for r in p.queries.search("wombat", Filters())] == [comment]


def test_an_unhide_does_not_lift_a_hold_nor_a_release_a_hide(four: Four, network: bytes) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Vertigo", body="Dix-Hallpike positive.")
    sync(alice, bob, carol, dave)
    alice.governance.moderate(case.hex(), "hide", "Ask the author about the video")
    dave.governance.moderate(case.hex(), "hold")  # concurrent with the hide
    sync(alice, bob, carol, dave)
    alice.governance.moderate(case.hex(), "unhide")
    sync(alice, bob, carol, dave)
    assert not shown(bob, case) and bob.queries.moderation(case) == HELD
    assert not _indexed(bob, case)
    dave.governance.moderate(case.hex(), "release")
    sync(alice, bob, carol, dave)
    assert shown(bob, case) and _indexed(bob, case) and bob.queries.moderation(case) is None


def test_a_release_is_a_look_only_for_the_flags_before_it(four: Four, network: bytes) -> None:
    alice, bob, carol, dave = four
    alice.governance.set_moderation_policy(network, 2)
    case = alice.library.post_case(network, title="Rash", body="Target lesions.")
    sync(alice, bob, carol, dave)
    bob.library.flag(case.hex(), "Photo shows a face")
    carol.library.flag(case.hex(), "Face")
    sync(alice, bob, carol, dave)
    assert dave.flag_inbox.due(network) == [case] == alice.flag_inbox.due(network)
    dave.governance.moderate(case.hex(), "release")  # looked: both flags dismissed
    sync(alice, bob, carol, dave)
    assert dave.flag_inbox.due(network) == [] == alice.flag_inbox.due(network)
    carol.library.flag(case.hex(), "Still a face")  # written after the release
    sync(alice, bob, carol, dave)
    assert dave.flag_inbox.due(network) == []  # one member since the look
    bob.library.flag(case.hex(), "Still a face, really")
    sync(alice, bob, carol, dave)
    assert dave.flag_inbox.due(network) == [case] == alice.flag_inbox.due(network)


@pytest.mark.parametrize(
    "payload",
    [
        {"hold_after": -1},
        {"hold_after": 51},
        {"hold_after": True},
        {"hold_after": 1.0},
        {"hold_after": 2**70},
        {"hold_after": "2"},
        {"hold_after": None},
        {},
        {"hold_after": 2, "extra": 1},
    ],
)
def test_malformed_policies_are_refused(payload: dict[str, Any]) -> None:
    with pytest.raises(EventError):
        payloads.validate(EventKind.MODERATION_POLICY, payload)


@pytest.mark.parametrize(
    "payload", [{}, {"target": b"short"}, {"target": "ab" * 32}, {"target": b"x" * 32, "why": 1}]
)
def test_malformed_holds_are_refused(payload: dict[str, Any]) -> None:
    for kind in (EventKind.CONTENT_HOLD, EventKind.CONTENT_RELEASE):
        with pytest.raises(EventError):
            payloads.validate(kind, payload)


def test_a_forged_policy_payload_does_not_change_anyones_policy(
    four: Four, network: bytes, monkeypatch: pytest.MonkeyPatch
) -> None:
    alice, bob, _carol, _dave = four
    alice.governance.set_moderation_policy(network, 4)
    sync(alice, bob)
    with monkeypatch.context() as m:  # a changed client signs what the validator refuses
        m.setattr(payloads, "validate", lambda kind, p: p)
        bad = alice.log.append(network, EventKind.MODERATION_POLICY, {"hold_after": True}).id
    raw = _raw(alice, bad)
    with contextlib.suppress(EventError):  # refused outright is fine too
        bob.log.ingest(raw)
    assert bob.flag_inbox.hold_after(network) == 4
    assert bob.db.scalar("SELECT typeof(hold_after) FROM moderation_policy") == "integer"


def test_a_hold_of_a_poll_hides_nothing_and_does_not_wait_forever(
    four: Four, network: bytes
) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Pericarditis?", body="Chest pain, ST up.")
    sync(alice, bob, carol, dave)
    poll = alice.polls.create(case, "differential", "Your differential?")
    sync(alice, bob, carol, dave)
    hold = dave.log.append(network, EventKind.CONTENT_HOLD, {"target": poll}).id
    sync(alice, bob, carol, dave)
    assert shown(bob, case) and bob.queries.case(case) is not None
    waiting = bob.db.scalar("SELECT 1 FROM waiting WHERE event_id = ?", (hold,))
    assert waiting is None and rejected(bob).get(hold) is not None  # a poll is no held item
