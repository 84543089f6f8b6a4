"""Withdrawing a case (docs/protocol.md, "Withdrawal"): the author or an admin withdraws
it, every computer purges it, whatever order the events arrive in; anybody else's
withdrawal is refused everywhere; events of the case that arrive later lose their body.
"""

from __future__ import annotations

import pytest

from casebook.core.model import events, purge
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from casebook.errors import PermissionDenied, UsageError
from netkit import deliver, join, key, raw_events
from rawkit import forge, rejected

TEXT = "Zebrafish-pattern rash after the marathon"


def stored_raw(profile: Profile, event_id: bytes) -> bytes:
    return bytes(profile.db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,)))


def leftovers(profile: Profile, case: bytes) -> dict[str, int]:
    """Rows that still hold something of the case."""
    db = profile.db
    return {
        "text": db.scalar(
            "SELECT count(*) FROM case_text t JOIN cases c ON c.rid = t.rid WHERE c.id = ?", (case,)
        ),
        "comments": db.scalar("SELECT count(*) FROM comments WHERE case_id = ?", (case,)),
        "fts": db.scalar("SELECT count(*) FROM case_fts WHERE case_fts MATCH 'zebrafish'")
        + db.scalar("SELECT count(*) FROM comment_fts WHERE comment_fts MATCH 'zebrafish'"),
        "revisions": db.scalar("SELECT count(*) FROM revisions"),
        "bodies": sum(
            1
            for raw in raw_events(profile)
            if events.parse_trusted(raw).kind in purge.CASE_KINDS
            and events.parse_trusted(raw).body != b""
        ),
    }


@pytest.fixture
def bob(make_profile, alice: Profile, network: bytes) -> Profile:
    bob = make_profile("Dr. Bob Okafor")
    join(bob, alice, network)
    return bob


def discussed_case(alice: Profile, bob: Profile, network: bytes) -> tuple[bytes, bytes]:
    case = alice.library.post_case(network, title=TEXT, body=f"{TEXT}, day 3.", tags=["derm"])
    alice.library.edit_case(case, title=TEXT + " (edited)")
    deliver(alice, bob, network)
    comment = bob.library.comment(case, "Zebrafish rash: think of drug eruption.")
    bob.library.edit_comment(comment, "Zebrafish rash: drug eruption first.")
    deliver(bob, alice, network)
    alice.library.endorse(comment)
    deliver(alice, bob, network)
    return case, comment


def test_the_author_withdraws_and_every_computer_purges(
    alice: Profile, bob: Profile, network: bytes
) -> None:
    case, _ = discussed_case(alice, bob, network)
    assert leftovers(bob, case)["comments"] == 1
    alice.library.withdraw(case, "Consent withdrawn by the patient")
    deliver(alice, bob, network)
    for profile in (alice, bob):
        assert leftovers(profile, case) == {
            "text": 0,
            "comments": 0,
            "fts": 0,
            "revisions": 0,
            "bodies": 0,
        }
        summary = profile.queries.case(case)
        assert summary is not None and summary.summary.withdrawn is not None
        assert summary.summary.withdrawn["reason"] == "Consent withdrawn by the patient"
        assert summary.summary.title == "" and summary.body == "" and not summary.discussion
        assert profile.log.verify_all() == []  # the chains still verify without bodies
    # Each computer confirms; the author counts them.
    assert bob.library.confirm_purges(network) == 1
    assert alice.library.confirm_purges(network) == 0  # hers went with the withdrawal
    assert bob.library.confirm_purges(network) == 0  # once
    deliver(bob, alice, network)
    assert alice.queries.case(case).purged_on == {"computers": 2, "members": 2}
    # A rebuild gives the same tombstone, from the stripped events alone.
    before = alice.queries.case(case).to_json()
    alice.log.rebuild()
    assert alice.queries.case(case).to_json() == before
    assert leftovers(alice, case)["bodies"] == 0


def test_a_member_who_is_neither_author_nor_admin_cannot_withdraw(
    alice: Profile, bob: Profile, network: bytes
) -> None:
    case, _ = discussed_case(alice, bob, network)
    with pytest.raises(PermissionDenied):
        bob.library.withdraw(case, "Not mine to withdraw")
    # Forged past the library, with the right key (any reader of the case has it).
    key_ = bytes(bob.db.scalar("SELECT purge_key FROM cases WHERE id = ?", (case,)))
    hostile = forge(
        bob,
        network,
        EventKind.CASE_WITHDRAW,
        {"case": case, "reason": "Vandalism"},
        purge.Withdrawal(case, key_, ()).to_pub(),
    )
    bob.log.ingest(hostile)
    alice.log.ingest(hostile)
    event_id = events.parse(hostile).id
    for profile in (alice, bob):
        assert "author or an admin" in rejected(profile)[event_id]
        assert profile.queries.case(case).summary.withdrawn is None
        assert leftovers(profile, case)["comments"] == 1


def test_a_withdrawal_with_another_key_is_refused(
    alice: Profile, bob: Profile, network: bytes
) -> None:
    case, _ = discussed_case(alice, bob, network)
    wrong = forge(
        alice,
        network,
        EventKind.CASE_WITHDRAW,
        {"case": case, "reason": "Consent withdrawn"},
        purge.Withdrawal(case, b"\x07" * 32, ()).to_pub(),
    )
    alice.log.ingest(wrong)
    assert "not the case's purge key" in rejected(alice)[events.parse(wrong).id]
    assert alice.queries.case(case).summary.withdrawn is None


def test_an_admin_withdraws_a_members_case(alice: Profile, bob: Profile, network: bytes) -> None:
    case = bob.library.post_case(network, title=TEXT)
    deliver(bob, alice, network)
    alice.library.withdraw(case, "Identifiable photo reported")
    deliver(alice, bob, network)
    record = bob.queries.case(case).summary.withdrawn
    assert record is not None and record["admin"] is True
    assert record["by"] == alice.queries.case(case).summary.withdrawn["by"]
    with pytest.raises(UsageError):
        alice.library.withdraw(case, "Twice")


def test_a_withdrawal_arriving_before_its_case_waits_then_purges(
    alice: Profile, bob: Profile, network: bytes, make_profile
) -> None:
    carol = make_profile("Dr. Carol Diaz")
    join(carol, alice, network)
    deliver(alice, bob, network)
    case = bob.library.post_case(network, title=TEXT, body=TEXT)
    comment = bob.library.comment(case, "Zebrafish rash follow-up.")
    deliver(bob, alice, network)
    alice.library.withdraw(case, "Identifiable photo reported")  # an admin's
    # Carol hears Alice's own chain first: the withdrawal waits for its case...
    for raw in raw_events(alice, network):
        if events.parse_trusted(raw).author == key(alice):
            carol.log.ingest(raw)
    assert carol.queries.case(case) is None
    # ...then Bob's computer (which has not synced since) sends the case: applied, purged.
    deliver(bob, carol, network)
    assert carol.queries.case(case).summary.withdrawn is not None
    assert leftovers(carol, case) == {
        "text": 0,
        "comments": 0,
        "fts": 0,
        "revisions": 0,
        "bodies": 0,
    }
    assert events.parse_trusted(stored_raw(carol, comment)).body == b""


def test_a_newcomer_receiving_stripped_events_keeps_only_the_tombstone(
    alice: Profile, bob: Profile, network: bytes, make_profile
) -> None:
    case, _ = discussed_case(alice, bob, network)
    alice.library.withdraw(case, "Consent withdrawn")
    deliver(alice, bob, network)
    carol = make_profile("Dr. Carol Diaz")
    join(carol, alice, network)
    deliver(bob, carol, network)  # Bob's stored events of the case are stripped already
    deliver(alice, carol, network)
    assert carol.queries.case(case).summary.withdrawn is not None
    assert leftovers(carol, case)["bodies"] == 0
    assert carol.log.verify_all() == []


def test_a_late_comment_of_a_withdrawn_case_loses_its_body_on_arrival(
    alice: Profile, bob: Profile, network: bytes
) -> None:
    case, _ = discussed_case(alice, bob, network)
    late = bob.library.comment(case, "Zebrafish: one more thought, written offline.")
    alice.library.withdraw(case, "Consent withdrawn")
    deliver(bob, alice, network)  # arrives after the withdrawal
    assert events.parse_trusted(stored_raw(alice, late)).body == b""
    assert leftovers(alice, case) == {
        "text": 0,
        "comments": 0,
        "fts": 0,
        "revisions": 0,
        "bodies": 0,
    }
    deliver(alice, bob, network)
    assert leftovers(bob, case)["bodies"] == 0
