"""Polls (docs/protocol.md, "Polls"), on several computers exchanging events directly:
blinding as the app enforces it, the pooled differential, one answer per member whatever
the order, the author's rights, the de-identification check, and withdrawal."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casebook.core.model import events, polls, purge
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from casebook.errors import IdentifiersFound, PermissionDenied, UsageError
from clikit import PASSPHRASE
from netkit import deliver, join, raw_events
from rawkit import forge, head, rejected

TABLES = ("polls", "poll_answers", "rejected", "waiting", "purged_items")


def dump(profile: Profile) -> dict[str, list[tuple]]:
    return {t: sorted(tuple(r) for r in profile.db.all(f"SELECT * FROM {t}")) for t in TABLES}


@pytest.fixture
def circle(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> tuple[Profile, Profile, Profile]:
    bob, carol, dave = (make_profile(n) for n in ("Dr. Bob Lee", "Dr. Carol Ng", "Dr. Dave Wu"))
    for p in (bob, carol, dave):
        join(p, alice, network)
    for p in (bob, carol, dave):
        deliver(alice, p, network)
    return bob, carol, dave


def everyone(network: bytes, *profiles: Profile) -> None:
    for source in profiles:
        for target in profiles:
            if source is not target:
                deliver(source, target, network)


def test_a_differential_is_blinded_until_one_answers_then_pooled(
    alice: Profile, network: bytes, circle: tuple[Profile, Profile, Profile]
) -> None:
    bob, carol, dave = circle
    case = alice.library.post_case(network, title="Chest pain after a flu")
    poll = alice.polls.create(case, "differential", "What is your differential?")
    everyone(network, alice, bob, carol, dave)
    bob.polls.answer(poll, ranks=["Viral pericarditis", "Myocarditis", "Pulmonary embolism"])
    carol.polls.answer(poll, ranks=["myocarditis", "viral  pericarditis"])
    everyone(network, alice, bob, carol, dave)
    unanswered = dave.polls.show(poll)
    assert unanswered.answers == 2 and unanswered.results is None  # blinded
    assert alice.polls.show(poll).results is None  # the author too, until they answer
    dave.polls.answer(poll, skip=True)
    seen = dave.polls.show(poll)
    assert seen.skipped and seen.answered and seen.my_answer is None
    assert [(r.answer, r.weight, r.votes) for r in seen.results or []] == [
        ("Myocarditis", 1.5, 2),  # a tie on weight and votes: alphabetical
        ("Viral pericarditis", 1.5, 2),
        ("Pulmonary embolism", round(1 / 3, 3), 1),
    ]
    alice.polls.final(poll, "Viral pericarditis")
    everyone(network, alice, bob, carol, dave)
    assert bob.polls.show(poll).my_rank == 1
    assert carol.polls.show(poll).my_rank == 2
    assert dave.polls.show(poll).my_rank is None
    assert bob.polls.show(poll).final == "Viral pericarditis"


def test_pooling_weights_and_spellings() -> None:
    pooled = polls.pool_differential(
        [["Sarcoidosis", "Lymphoma"], ["lymphoma"], ["Lymphoma", "Tuberculosis", "Sarcoidosis"]]
    )
    assert [(p.answer, p.weight, p.votes) for p in pooled] == [
        ("Lymphoma", 2.5, 3),
        ("Sarcoidosis", round(1 + 1 / 3, 3), 2),
        ("Tuberculosis", 0.5, 1),
    ]
    assert polls.diagnosis_key("Érysipèle  ") == polls.diagnosis_key("erysipele")


def test_a_choice_poll_counts_each_option(
    alice: Profile, network: bytes, circle: tuple[Profile, Profile, Profile]
) -> None:
    bob, carol, _dave = circle
    case = alice.library.post_case(network, title="Asymptomatic gallstones")
    poll = alice.polls.create(
        case, "choice", "What would you do?", ["Watchful waiting", "Cholecystectomy"]
    )
    everyone(network, alice, bob, carol)
    with pytest.raises(UsageError, match="from 1 to 2"):
        bob.polls.answer(poll, choice=3)
    bob.polls.answer(poll, choice=1)
    carol.polls.answer(poll, choice=1)
    alice.polls.answer(poll, choice=2)
    everyone(network, alice, bob, carol)
    view = alice.polls.show(poll)
    assert [(r.answer, r.votes) for r in view.results or []] == [
        ("Watchful waiting", 2),
        ("Cholecystectomy", 1),
    ]
    assert view.my_answer == 2


def test_one_answer_per_member_whatever_the_order(
    alice: Profile, network: bytes, circle: tuple[Profile, Profile, Profile]
) -> None:
    """Bob's library refuses a second answer; a changed client writes one anyway (after
    seeing the results): every computer keeps the first, whatever order they arrive in,
    and a rebuild gives the same tables."""
    bob, carol, dave = circle
    case = alice.library.post_case(network, title="Syncope in a swimmer")
    poll = alice.polls.create(case, "differential")
    everyone(network, alice, bob, carol, dave)
    first = bob.polls.answer(poll, ranks=["Long QT syndrome"])
    with pytest.raises(UsageError, match="already"):
        bob.polls.answer(poll, ranks=["Vasovagal syncope"])
    key = bytes(alice.db.scalar("SELECT purge_key FROM cases WHERE id = ?", (case,)))
    seq = head(bob, network).seq + 1
    second = forge(
        bob,
        network,
        EventKind.POLL_ANSWER,
        {"poll": poll, "case": case, "choice": None, "ranks": ["Vasovagal"], "skip": False},
        {"w": purge.event_tag(key, case, bob.identity.public_key, seq)},
    )
    bob.log.ingest(second)
    raws = raw_events(bob, network)
    for raw in raws:  # Carol: in order
        carol.log.ingest(raw)
    late = [r for r in raws if events.parse_trusted(r).id == first]
    for raw in [r for r in raws if events.parse_trusted(r).id != first] + late:
        dave.log.ingest(raw)  # Dave: the first answer held back, arriving after the second
    for p in (bob, carol, dave):
        assert p.db.scalar("SELECT event_id FROM poll_answers") == first
        assert "once" in rejected(p)[events.parse(second).id]
    before = dump(carol)
    carol.log.rebuild()
    assert dump(carol) == before


def test_only_the_author_asks_and_marks_the_final_answer(
    alice: Profile, network: bytes, circle: tuple[Profile, Profile, Profile]
) -> None:
    bob, _carol, _dave = circle
    case = alice.library.post_case(network, title="Night sweats")
    deliver(alice, bob, network)
    with pytest.raises(PermissionDenied):
        bob.polls.create(case, "differential")
    poll = alice.polls.create(case, "differential")
    deliver(alice, bob, network)
    with pytest.raises(PermissionDenied):
        bob.polls.final(poll, "Lymphoma")
    key = bytes(alice.db.scalar("SELECT purge_key FROM cases WHERE id = ?", (case,)))
    seq = head(bob, network).seq + 1
    forged = forge(
        bob,
        network,
        EventKind.POLL_CREATE,
        {"case": case, "kind": "differential", "question": "", "options": []},
        {"w": purge.event_tag(key, case, bob.identity.public_key, seq)},
    )
    alice.log.ingest(forged)
    assert "author" in rejected(alice)[events.parse(forged).id]
    assert alice.db.scalar("SELECT count(*) FROM polls") == 1


def test_answers_pass_the_de_identification_check(
    alice: Profile, network: bytes, circle: tuple[Profile, Profile, Profile]
) -> None:
    bob, _carol, _dave = circle
    case = alice.library.post_case(network, title="Rash")
    with pytest.raises(IdentifiersFound):
        alice.polls.create(case, "choice", "Call 020 7946 0958?", ["Yes", "No"])
    poll = alice.polls.create(case, "differential")
    deliver(alice, bob, network)
    with pytest.raises(IdentifiersFound):
        bob.polls.answer(poll, ranks=["Mrs Quixotica Smith's eczema, born 03/04/1961"])
    assert bob.db.scalar("SELECT count(*) FROM poll_answers") == 0


def test_a_withdrawal_purges_its_polls_and_strips_late_answers(
    alice: Profile, network: bytes, circle: tuple[Profile, Profile, Profile]
) -> None:
    bob, carol, _dave = circle
    case = alice.library.post_case(network, title="Keloid on the earlobe")
    poll = alice.polls.create(case, "differential")
    everyone(network, alice, bob, carol)
    answer = bob.polls.answer(poll, ranks=["Keloid"])
    late = carol.polls.answer(poll, ranks=["Zanzibarroid scar"])  # offline
    deliver(bob, alice, network)
    alice.library.withdraw(case, "Consent withdrawn")
    deliver(alice, bob, network)
    deliver(carol, alice, network)
    deliver(carol, bob, network)
    for p in (alice, bob):
        assert p.db.scalar("SELECT count(*) FROM polls") == 0
        assert p.db.scalar("SELECT count(*) FROM poll_answers") == 0
        for event_id in (poll, answer, late):
            raw = p.db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,))
            assert events.parse_trusted(bytes(raw)).body == b""
    with pytest.raises(Exception, match="No such poll"):
        alice.polls.show(poll)


def test_polls_received_before_an_upgrade_are_applied_after_it(
    alice: Profile,
    network: bytes,
    circle: tuple[Profile, Profile, Profile],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Bob's computer ran a version without polls when Alice's poll came: it kept the
    event, rejected as of an unknown kind. Opened by this version, it applies it."""
    from casebook.core.model import payloads

    bob, _carol, _dave = circle
    case = alice.library.post_case(network, title="Night sweats")
    poll = alice.polls.create(case, "differential")
    older = {k: v for k, v in payloads.VALIDATORS.items() if not k.startswith("poll.")}
    monkeypatch.setattr(payloads, "VALIDATORS", older)
    deliver(alice, bob, network)
    assert "unknown event kind" in rejected(bob)[poll]
    monkeypatch.undo()
    folder = bob.directory
    bob.close()
    with Profile.unlock(folder, PASSPHRASE) as again:
        assert poll not in rejected(again)
        assert again.polls.show(poll).kind == "differential"
