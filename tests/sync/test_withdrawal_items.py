"""A comment of a withdrawn case is a purged item however it lost its body (stripped on
arrival, received stripped from the relay, or stripped before a rebuild): an edit,
endorsement or moderator's act that names it is stripped too, never left waiting with
its body (docs/protocol.md, "Withdrawal"). Found by a hostile review."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casebook.core.model import events
from casebook.core.profile import Profile
from netkit import deliver, join
from rawkit import found
from relaykit import RunningRelay
from relaykit import join as relay_join
from relaykit import sync as relay_sync


def body(profile: Profile, event_id: bytes) -> bytes:
    raw = profile.db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,))
    return events.parse_trusted(bytes(raw)).body


def waiting(profile: Profile) -> set[bytes]:
    return {bytes(r[0]) for r in profile.db.all("SELECT event_id FROM waiting")}


TABLES = ("purged_items", "waiting", "rejected", "cases", "comments", "moderation",
          "revisions", "endorsements")  # fmt: skip


def dump(profile: Profile, tables: tuple[str, ...] = TABLES) -> dict[str, list[tuple]]:
    out = {}
    for t in tables:
        out[t] = sorted(tuple(r) for r in profile.db.all(f"SELECT * FROM {t}"))
    for t in ("cases",):
        out[t] = [tuple(x for i, x in enumerate(r) if i != 0) for r in out[t]]  # not rid
    return out


@pytest.fixture
def cast(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> tuple[Profile, Profile, Profile]:
    bob, carol, dave = (make_profile(n) for n in ("Dr. Bob Lee", "Dr. Carol Ng", "Dr. Dave Wu"))
    for p in (bob, carol, dave):
        join(p, alice, network)
    for p in (bob, carol, dave):
        deliver(alice, p, network)
    return bob, carol, dave


def test_late_comment_then_its_edit_keep_the_edit_body(alice, network, cast) -> None:
    """Carol (offline) comments on Bob's case and edits her comment, quoting the patient.
    Bob withdraws. Alice gets Bob's chain first, then Carol's: the comment is stripped on
    arrival and is a purged item, so Carol's edit is stripped too. Dave gets them in the
    other order: both computers end the same."""
    bob, carol, dave = cast
    case = bob.library.post_case(network, title="Keloid on the earlobe")
    deliver(bob, carol, network)
    comment = carol.library.comment(case, "Steroid injection first.")
    edit = carol.library.edit_comment(comment, "Zanzibarroid pattern: steroids first.")
    bob.library.withdraw(case, "Consent withdrawn")
    deliver(bob, alice, network)
    deliver(carol, alice, network)
    deliver(carol, dave, network)
    deliver(bob, dave, network)
    assert body(dave, edit) == b""
    assert edit not in waiting(alice)
    assert body(alice, edit) == b""


def test_hide_of_a_relay_stripped_comment_keeps_its_reason_for_a_late_joiner(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """Through the relay: Carol comments, Alice (admin) hides the comment quoting the
    patient, Bob withdraws. Erin joins later: the relay sends the case and the comment
    stripped and the hide with its body (the relay cannot tell what a hide is about).
    Erin's computer knows the stripped comment by its tag, and strips the hide."""
    relay = relays()
    alice, net = found(make_profile, relay)
    bob, carol, erin = (make_profile(n) for n in ("Dr. Bob Lee", "Dr. Carol Ng", "Dr. Erin Yu"))
    for p in (bob, carol):
        code = alice.invitations.create(net).code
        relay_sync(alice, net, relay)
        relay_join(p, code)
        relay_sync(alice, net, relay)
    relay_sync(bob, net, relay)
    case = bob.library.post_case(net, title="Keloid on the earlobe")
    relay_sync(bob, net, relay)
    relay_sync(carol, net, relay)
    comment = carol.library.comment(case, "Steroid injection first.")
    relay_sync(carol, net, relay)
    relay_sync(alice, net, relay)
    alice.governance.moderate(comment.hex(), "hide", "Names Mrs Quixotica")
    hide = bytes(alice.db.scalar("SELECT id FROM events WHERE kind = 'content.hide'"))
    relay_sync(alice, net, relay)
    relay_sync(bob, net, relay)
    bob.library.withdraw(case, "Consent withdrawn")
    assert relay_sync(bob, net, relay).error is None
    code = alice.invitations.create(net).code
    relay_sync(alice, net, relay)
    relay_join(erin, code)
    relay_sync(erin, net, relay)
    assert body(bob, hide) == b""  # Bob had it all before: stripped
    assert erin.queries.case(case).summary.withdrawn is not None
    assert hide not in waiting(erin)
    assert body(erin, hide) == b""


def test_rebuild_forgets_the_comments_of_a_withdrawn_case(alice, network, cast) -> None:
    """A rebuild finds the withdrawn case's comments (stored stripped) by their tags: the
    derived tables are the same as before it, and a late edit of a comment is stripped."""
    bob, carol, _dave = cast
    case = bob.library.post_case(network, title="Keloid on the earlobe")
    deliver(bob, carol, network)
    deliver(bob, alice, network)
    comment = carol.library.comment(case, "Steroid injection first.")
    deliver(carol, alice, network)
    deliver(carol, bob, network)
    edit = carol.library.edit_comment(comment, "Zanzibarroid pattern: steroids first.")
    bob.library.withdraw(case, "Consent withdrawn")
    deliver(bob, alice, network)
    before = dump(alice)
    alice.log.rebuild()
    after = dump(alice)
    assert before["purged_items"] == after["purged_items"]
    deliver(carol, alice, network)  # Carol's offline edit comes in
    assert body(alice, edit) == b""
