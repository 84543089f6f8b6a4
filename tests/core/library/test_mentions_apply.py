"""Mentions as every computer applies them: signed into the event by the author's
computer, read from it (not guessed again), gone with a withdrawn case, and applied by the
upgrade rebuild on a computer that stored them before it knew the field."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casebook.core.ledger.eventlog import now_ms
from casebook.core.model import payloads
from casebook.core.profile import Profile
from casebook.store import schema
from netkit import UNDO_STEPS, count_rebuilds, deliver, downgrade, join, reopen


def _two(alice: Profile, network: bytes, make_profile: Callable[..., Profile]) -> Profile:
    bob = make_profile("Dr. Bob Okafor")
    join(bob, alice, network)
    deliver(alice, bob, network)
    return bob


def test_the_author_signs_whom_the_text_names(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    bob = _two(alice, network, make_profile)
    case = alice.library.post_case(network, title="Syncope", body="@Okafor: MRI or not?")
    deliver(alice, bob, network)
    row = bob.db.one("SELECT member FROM mentions")
    assert bytes(row["member"]) == bob.member
    assert bob.answer_queue.lists(now_ms()).awaiting_me == [case]
    # Bob's own text naming himself, or a stranger, mentions nobody.
    bob.library.comment(case, "As @Okafor I would; ask @Dr. Nobody too.")
    assert bob.db.scalar("SELECT count(*) FROM mentions") == 1
    assert bob.answer_queue.lists(now_ms()).awaiting_me == []


def test_a_hidden_comment_mentions_nobody(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    bob = _two(alice, network, make_profile)
    case = alice.library.post_case(network, title="Gout", body="Colchicine dose?")
    comment = alice.library.comment(case, "@Okafor, you saw the last one.")
    deliver(alice, bob, network)
    assert bob.answer_queue.lists(now_ms()).awaiting_me == [case]
    alice.governance.moderate(comment.hex(), "hide", "Off topic")
    deliver(alice, bob, network)
    # The mention is still signed and stored (an unhide brings it back), but a hidden
    # comment awaits nobody's reply.
    assert bob.db.scalar("SELECT count(*) FROM mentions") == 1
    assert bob.answer_queue.lists(now_ms()).awaiting_me == []
    alice.governance.moderate(comment.hex(), "unhide")
    deliver(alice, bob, network)
    assert bob.answer_queue.lists(now_ms()).awaiting_me == [case]


def test_a_withdrawn_case_leaves_no_mention(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    bob = _two(alice, network, make_profile)
    case = alice.library.post_case(network, title="Rash", body="@Dr. Bob Okafor?")
    deliver(alice, bob, network)
    alice.library.withdraw(case, "consent withdrawn")
    deliver(alice, bob, network)
    assert bob.db.scalar("SELECT count(*) FROM mentions") == 0
    assert bob.answer_queue.lists(now_ms()).awaiting_me == []
    # The reply box of a withdrawn case still asks whom it may mention: no error (an
    # error with nobody to take it ended in a message box the screenshot tool hung on).
    assert list(bob.library.mentionable(case=case).values()) == ["Dr. Alice Moreau"]


def test_the_upgrade_rebuild_applies_mentions_stored_before(
    alice: Profile,
    network: bytes,
    make_profile: Callable[..., Profile],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bob = _two(alice, network, make_profile)
    case = alice.library.post_case(network, title="Night sweats", body="@Okafor, thoughts?")

    def older(payload: dict) -> dict:  # the validator of a version without mentions
        payloads._exact(payload, payloads._CASE_CONTENT, {"consent", "purge_key"})
        return payloads.case_content(payload, partial=False) | (
            {"purge_key": payload["purge_key"]} if "purge_key" in payload else {}
        )

    monkeypatch.setitem(payloads.VALIDATORS, "case.create", older)
    deliver(alice, bob, network)
    monkeypatch.undo()
    assert bob.db.scalar("SELECT count(*) FROM cases") == 0  # rejected: an unknown field
    assert set(UNDO_STEPS) == set(range(14, schema.LATEST + 1))  # every later step
    downgrade(bob, 13)  # as that version left it
    calls = count_rebuilds(monkeypatch)
    for again in reopen(bob, 2):
        assert again.answer_queue.lists(now_ms()).awaiting_me == [case]
    assert calls == [1]
