"""Moderating one poll answer (docs/protocol.md, "Polls" and "Flags"): a member flags an
answer, a moderator who has answered sees each member's answer and hides the one that
should not stand; it leaves the pooled result on every computer (its member still
answered), an admin can show it again, and nobody else can do either. A moderator who has
not answered is not shown the answers (the blinding holds for moderators too)."""

from __future__ import annotations

import pytest

from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from casebook.errors import PermissionDenied
from netkit import sync


def _pooled(profile: Profile, poll: bytes) -> list[str]:
    results = profile.polls.show(poll).results
    assert results is not None
    return [r.answer for r in results]


def test_a_moderator_hides_one_answer_and_it_leaves_the_pool_everywhere(
    four: tuple[Profile, Profile, Profile, Profile], network: bytes
) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Chest pain after a flu", body="ECG.")
    sync(alice, bob, carol, dave)
    poll = alice.polls.create(case, "differential", "What is your differential?")
    alice.polls.answer(poll, skip=True)  # the author sees the results too
    sync(alice, bob, carol, dave)
    answer = bob.polls.answer(poll, ranks=["Myocarditis", "Attention seeking"])
    carol.polls.answer(poll, ranks=["Myocarditis", "Pericarditis"])
    sync(alice, bob, carol, dave)
    with pytest.raises(PermissionDenied, match="Answer or skip"):
        dave.polls.answers_of(poll)  # blinded for the moderator too
    with pytest.raises(PermissionDenied, match="Only moderators and admins"):
        carol.polls.answers_of(poll)
    carol.library.flag(answer.hex()[:16], "Inappropriate")
    dave.polls.answer(poll, skip=True)
    sync(alice, bob, carol, dave)
    (flagged,) = [f.to_json() for f in dave.flag_inbox.inbox(network)]
    assert flagged["what"] == "answer" and flagged["case"] == case.hex()
    assert flagged["excerpt"] == "Myocarditis; Attention seeking"
    listed = {r["name"]: r for r in dave.polls.answers_of(poll)}
    assert listed["Dr. Bob Okafor"]["id"] == answer.hex()
    assert listed["Dr. Bob Okafor"]["answer"] == ["Myocarditis", "Attention seeking"]

    # A member cannot hide it, not even with a changed client.
    with pytest.raises(PermissionDenied):
        carol.governance.moderate(answer.hex(), "hide", "I disagree")
    forged = carol.log.append(
        network, EventKind.CONTENT_HIDE, {"target": answer, "reason": "I disagree"}
    ).id
    sync(alice, bob, carol, dave)
    assert "Attention seeking" in _pooled(alice, poll)
    assert alice.db.scalar("SELECT reason FROM rejected WHERE event_id = ?", (forged,))

    dave.governance.moderate(answer.hex()[:16], "hide", "Not a diagnosis")
    sync(alice, bob, carol, dave)
    for computer in (alice, bob, carol, dave):
        view = computer.polls.show(poll)
        assert view.answers == 4 and view.withheld == 1  # Bob still answered
        assert "Attention seeking" not in _pooled(computer, poll)
        assert "Pericarditis" in _pooled(computer, poll)
    hidden = {r["name"]: r["hidden"] for r in dave.polls.answers_of(poll)}
    assert hidden == {"Dr. Bob Okafor": True, "Dr. Carol Lind": False}
    (flagged,) = [f.to_json() for f in dave.flag_inbox.inbox(network)]
    assert flagged["hidden"] and flagged["reviewed"]
    with pytest.raises(PermissionDenied):
        dave.governance.moderate(answer.hex(), "unhide")  # admins only, as for comments
    alice.governance.moderate(answer.hex(), "unhide")
    sync(alice, bob, carol, dave)
    assert "Attention seeking" in _pooled(bob, poll) and bob.polls.show(poll).withheld == 0


def test_a_hide_that_arrives_before_its_answer_waits_for_it(
    four: tuple[Profile, Profile, Profile, Profile], network: bytes
) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Syncope", body="Holter normal.")
    sync(alice, bob, carol, dave)
    poll = alice.polls.create(case, "differential", "Differential?")
    sync(alice, bob, carol, dave)
    answer = bob.polls.answer(poll, ranks=["Long QT", "Nonsense"])
    sync(alice, bob, dave)
    dave.polls.answer(poll, skip=True)
    hide = dave.governance.moderate(answer.hex(), "hide", "Not a diagnosis")
    assert hide[1] == answer
    # Carol gets Dave's chain (his hide) before Bob's answer reaches her: it waits.
    for raw, author in dave.db.all("SELECT raw, author FROM events ORDER BY seqno"):
        if bytes(author) != bob.member:
            carol.log.ingest(dave.log.wire.of(bytes(raw)))
    assert carol.db.scalar("SELECT count(*) FROM waiting WHERE needs = ?", (answer,)) == 1
    sync(bob, carol)
    carol.polls.answer(poll, skip=True)
    assert carol.polls.show(poll).withheld == 1
    assert _pooled(carol, poll) == []
