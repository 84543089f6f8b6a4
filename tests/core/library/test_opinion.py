"""Second opinions (docs/protocol.md, "Second opinions"): a case's author asks the
network for one, optionally urgent; it puts the case in every other member's queue
until they comment; only the author asks (a hand-made request by anyone else is
rejected on every computer); the newest request wins whatever the order of arrival; a
withdrawal strips it with the case."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casebook.core.ledger.eventlog import now_ms
from casebook.core.library.search import Filters
from casebook.core.model import events
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from casebook.errors import PermissionDenied
from netkit import join, sync


@pytest.fixture
def three(alice: Profile, network: bytes, make_profile: Callable[..., Profile]):
    bob, carol = make_profile("Dr. Bob Okafor"), make_profile("Dr. Carol Lind")
    join(bob, alice, network)
    join(carol, alice, network)
    sync(alice, bob, carol)
    return alice, bob, carol


def _opinion(profile: Profile, case: bytes) -> str:
    detail = profile.queries.case(case)
    assert detail is not None
    return detail.summary.opinion


def test_an_urgent_request_waits_for_each_colleague_until_they_answer(three, network) -> None:
    alice, bob, carol = three
    case = alice.library.post_case(network, title="Chest pain, troponin rising", body="ECG.")
    alice.library.request_opinion(case, "urgent")
    sync(alice, bob, carol)
    for colleague in (bob, carol):
        assert _opinion(colleague, case) == "urgent"
        assert colleague.answer_queue.lists(now_ms()).awaiting_me == [case]
    assert alice.answer_queue.lists(now_ms()).awaiting_me == []  # the author is not asked
    asking = bob.queries.list_cases(Filters(opinion=True), limit=10)
    assert [c.id for c in asking] == [case]
    bob.library.comment(case, "Cath lab now.")
    sync(alice, bob, carol)
    assert bob.answer_queue.lists(now_ms()).awaiting_me == []
    assert carol.answer_queue.lists(now_ms()).awaiting_me == [case]
    alice.library.request_opinion(case, "none")
    sync(alice, bob, carol)
    assert _opinion(carol, case) == "none"
    assert carol.queries.list_cases(Filters(opinion=True), limit=10) == []


def test_only_the_author_asks_and_the_newest_request_wins(three, network) -> None:
    alice, bob, carol = three
    case = alice.library.post_case(network, title="Ataxia", body="MRI normal.")
    sync(alice, bob, carol)
    with pytest.raises(PermissionDenied, match="author"):
        bob.library.request_opinion(case, "requested")
    forged = bob.log.append(network, EventKind.CASE_REQUEST, {"case": case, "opinion": "urgent"})
    alice.library.request_opinion(case, "requested")
    alice.library.request_opinion(case, "urgent")
    alice.library.request_opinion(case, "none")
    sync(alice, bob, carol)
    for computer in (alice, bob, carol):
        assert _opinion(computer, case) == "none"
        assert "only the author" in (
            computer.db.scalar("SELECT reason FROM rejected WHERE event_id = ?", (forged.id,)) or ""
        )
    carol.log.rebuild()
    assert _opinion(carol, case) == "none"


def test_a_withdrawal_strips_the_request(three, network) -> None:
    alice, bob, carol = three
    case = alice.library.post_case(network, title="Rash", body="Photo.")
    made = alice.library.request_opinion(case, "requested")
    sync(alice, bob, carol)
    alice.library.withdraw(case, "consent withdrawn")
    sync(alice, bob, carol)
    for computer in (bob, carol):
        raw = computer.db.scalar("SELECT raw FROM events WHERE id = ?", (made,))
        assert events.parse_trusted(bytes(raw)).body == b""  # stripped
        assert computer.answer_queue.lists(now_ms()).awaiting_me == []
