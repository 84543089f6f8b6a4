"""Polls attacked (found by a hostile review): a back-dated second answer, identifiers in
ranked diagnoses and options (checked like any text, after cleaning), the final answer
before one answers, polls on a case written before purge keys, and a back-dated refused
answer at a withdrawal."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casebook.core.model import events, purge
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from casebook.errors import IdentifiersFound, UsageError
from netkit import deliver, join
from rawkit import forge, head, rejected


def _circle(alice: Profile, network: bytes, make_profile: Callable[..., Profile]):
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")
    for p in (bob, carol):
        join(p, alice, network)
    for p in (bob, carol):
        deliver(alice, p, network)
    return bob, carol


def everyone(network: bytes, *profiles: Profile) -> None:
    for source in profiles:
        for target in profiles:
            if source is not target:
                deliver(source, target, network)


def forge_at(
    profile: Profile, net: bytes, kind: str, payload: dict, pub: dict | None, lamport: int
) -> bytes:
    """Like rawkit.forge, but with the Lamport clock the (changed) client chooses."""
    last = head(profile, net)
    return events.create(
        profile.identity,
        net=net,
        seq=last.seq + 1,
        prev=last.id,
        lamport=lamport,
        ts=1_700_000_000_000,
        kind=kind,
        epoch=last.header.epoch,
        seed=profile.log.seed(net, last.header.epoch),
        payload=payload,
        pub=pub,
    ).raw


def body(profile: Profile, event_id: bytes) -> bytes:
    raw = profile.db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,))
    return profile.log.wire.event(bytes(raw)).body


# -- 1. A back-dated second answer replaces the first everywhere ---------------------------
def test_a_backdated_second_answer_cannot_replace_the_first(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    """Bob answers, sees the pooled result, then his changed client writes a second answer
    with a Lamport clock lower than his first: it is refused on every computer (its clock
    is not past its chain's), and his first answer counts."""
    bob, carol = _circle(alice, network, make_profile)
    case = alice.library.post_case(network, title="Syncope in a swimmer")
    poll = alice.polls.create(case, "differential")
    everyone(network, alice, bob, carol)
    carol.polls.answer(poll, ranks=["Long QT syndrome"])
    everyone(network, alice, bob, carol)
    first = bob.polls.answer(poll, ranks=["Vasovagal syncope"])
    assert bob.polls.show(poll).results is not None  # he has seen the others' answers
    first_lamport = bob.log.wire.event(
        bytes(bob.db.scalar("SELECT raw FROM events WHERE id = ?", (first,)))
    ).header.lamport
    poll_lamport = int(alice.db.scalar("SELECT lamport FROM events WHERE id = ?", (poll,)))
    key = bytes(alice.db.scalar("SELECT purge_key FROM cases WHERE id = ?", (case,)))
    seq = head(bob, network).seq + 1
    second = forge_at(
        bob,
        network,
        EventKind.POLL_ANSWER,
        {"poll": poll, "case": case, "choice": None, "ranks": ["Long QT syndrome"], "skip": False},
        {"w": purge.event_tag(key, case, bob.identity.public_key, seq)},
        lamport=poll_lamport,  # back-dated: below his first answer's clock
    )
    assert poll_lamport < first_lamport
    bob.log.ingest(second)
    everyone(network, alice, bob, carol)
    for p in (alice, bob, carol):
        counted = p.db.scalar("SELECT event_id FROM poll_answers WHERE member = ?", (bob.member,))
        assert bytes(counted) == first, p.name


# -- 2. De-identification: ranks and options are checked like any text ------------------
@pytest.mark.parametrize(
    "text",
    [
        "Postcode LS6 2QE, lives alone",
        "NI number QQ 12 34 56 C",
        "Seen in clinic on June 3rd",
        "Pacemaker serial no. PJN442187H",
    ],
)
def test_a_ranked_diagnosis_gets_the_same_check_as_a_comment(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile], text: str
) -> None:
    bob, _carol = _circle(alice, network, make_profile)
    case = alice.library.post_case(network, title="Rash")
    poll = alice.polls.create(case, "differential")
    deliver(alice, bob, network)
    with pytest.raises(IdentifiersFound):  # the same words in a comment are caught
        bob.library.comment(case, text)
    with pytest.raises(IdentifiersFound):
        bob.polls.answer(poll, ranks=[text])


def test_a_poll_option_gets_the_same_check_as_a_comment(alice: Profile, network: bytes) -> None:
    case = alice.library.post_case(network, title="Rash")
    text = "Postcode LS6 2QE, lives alone"
    with pytest.raises(IdentifiersFound):
        alice.library.comment(case, text)
    with pytest.raises(IdentifiersFound):
        alice.polls.create(case, "choice", "What next?", [text, "Biopsy"])


def test_a_control_character_does_not_hide_a_name_from_the_check(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    """The check reads the text as it will be published: control characters are dropped
    first, so 'Mrs\\x07 Jones' is read as 'Mrs Jones'."""
    bob, _carol = _circle(alice, network, make_profile)
    case = alice.library.post_case(network, title="Rash")
    poll = alice.polls.create(case, "differential")
    deliver(alice, bob, network)
    with pytest.raises(IdentifiersFound):
        bob.polls.answer(poll, ranks=["Mrs Jones eczema"])
    try:
        bob.polls.answer(poll, ranks=["Mrs\x07 Jones eczema"])
    except IdentifiersFound:
        return
    stored = bob.db.scalar("SELECT ranks FROM poll_answers")
    pytest.fail(f"published unchecked: {stored}")


# -- 3. Blinding: the final answer too waits for one's answer ----------------------------
def test_the_final_answer_is_blinded_until_one_answers(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    """PollBook.show, of_case and `poll show --json` give the author's final answer only
    once the member answered or skipped, as the window does."""
    bob, _carol = _circle(alice, network, make_profile)
    case = alice.library.post_case(network, title="Night sweats")
    poll = alice.polls.create(case, "differential")
    alice.polls.answer(poll, skip=True)
    alice.polls.final(poll, "Hodgkin lymphoma")
    deliver(alice, bob, network)
    view = bob.polls.show(poll)
    assert not view.answered
    assert view.final is None and view.to_json()["final"] is None
    assert all(v.final is None for v in bob.polls.of_case(case))


# -- 4. A case written before purge keys takes no poll (its poll could not be withdrawn) ---
def _keyless_case(alice: Profile, net: bytes) -> bytes:
    raw = forge(alice, net, EventKind.CASE_CREATE, {
        "title": "Kawasaki in an adult", "specialty": "", "fields": {}, "body": "",
        "tags": [], "attachments": []})  # fmt: skip
    alice.log.ingest(raw)
    return events.parse(raw).id


def test_a_case_without_a_purge_key_takes_no_poll(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    bob, _carol = _circle(alice, network, make_profile)
    case = _keyless_case(alice, network)
    with pytest.raises(UsageError, match="older version"):
        alice.polls.create(case, "differential")
    payload = {"case": case, "kind": "differential", "question": "", "options": []}
    forged = forge(alice, network, EventKind.POLL_CREATE, payload)
    alice.log.ingest(forged)
    deliver(alice, bob, network)
    for p in (alice, bob):
        assert "purge key" in rejected(p)[events.parse(forged).id]
        assert p.db.scalar("SELECT count(*) FROM polls") == 0


# -- 5. A back-dated (below the case's clock) refused poll event is purged too ------------
def test_a_backdated_refused_answer_is_stripped_by_the_withdrawal(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    """A poll answer of the case, correctly tagged but back-dated below the case's clock
    and refused (not an answer to a choice poll), is in no derived row: the purge finds
    it by its tag all the same."""
    bob, _carol = _circle(alice, network, make_profile)
    case = alice.library.post_case(network, title="Keloid")
    poll = alice.polls.create(case, "choice", "Next?", ["Steroid", "Excision"])
    deliver(alice, bob, network)
    key = bytes(alice.db.scalar("SELECT purge_key FROM cases WHERE id = ?", (case,)))
    seq = head(bob, network).seq + 1
    raw = forge_at(
        bob,
        network,
        EventKind.POLL_ANSWER,
        {"poll": poll, "case": case, "choice": 9, "ranks": [], "skip": False},
        {"w": purge.event_tag(key, case, bob.identity.public_key, seq)},
        lamport=1,
    )
    bob.log.ingest(raw)
    deliver(bob, alice, network)
    bad = events.parse(raw).id
    assert "not an answer" in rejected(alice)[bad]
    alice.library.withdraw(case, "Consent withdrawn")
    assert body(alice, bad) == b""
