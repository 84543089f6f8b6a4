"""Attack-style tests for the event log: ingesting, chains, forks, order, permissions.

Two (or more) profiles share one network the way the sync layer will make them: the
network's epoch seed is copied across, then raw events are delivered and ingested.
"""

from __future__ import annotations

import contextlib
import hashlib
import random
from collections.abc import Callable
from typing import Any
from unittest import mock

import pytest

from casebook.core.ledger.eventlog import Outcome
from casebook.core.library.search import Filters
from casebook.core.model import events
from casebook.core.model.events import EventError
from casebook.core.profile import Profile
from casebook.errors import PermissionDenied

# -- helpers ------------------------------------------------------------------------------


def raw_events(profile: Profile) -> list[bytes]:
    return profile.log.wire.all(
        bytes(row[0]) for row in profile.db.all("SELECT raw FROM events ORDER BY seqno")
    )


def share_seed(source: Profile, target: Profile, net: bytes) -> None:
    """``target`` joins ``source``'s network with a real invite (before it has any of the
    network's events), and ``source`` takes in the join."""
    made = source.invitations.create(net)
    target.invitations.join(target.invitations.read_code(made.code), made.welcome, target.name)
    for raw in raw_events(target):
        source.log.ingest(raw)


def deliver(source: Profile, target: Profile) -> list[Outcome]:
    """In-order delivery of everything ``source`` stores; nothing may be refused."""
    return [target.log.ingest(raw) for raw in raw_events(source)]


def state(profile: Profile) -> dict[str, Any]:
    """What a member sees: every case in the list and every case's full detail."""
    summaries = profile.queries.list_cases(Filters(), limit=10_000)
    listing = sorted((s.to_json() for s in summaries), key=lambda s: s["id"])
    details = {s.id.hex(): profile.queries.case(s.id).to_json() for s in summaries}
    return {"cases": listing, "details": details, "networks": profile.queries.networks()}


def counts(profile: Profile) -> dict[str, int]:
    names = [
        row[0]
        for row in profile.db.all(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '%_fts%'"
        )
    ]
    return {name: profile.db.scalar(f'SELECT count(*) FROM "{name}"') for name in names}


def rejected(profile: Profile) -> dict[bytes, str]:
    return {bytes(r[0]): r[1] for r in profile.db.all("SELECT event_id, reason FROM rejected")}


def stored(profile: Profile, event_id: bytes) -> bool:
    return bool(profile.db.scalar("SELECT 1 FROM events WHERE id = ?", (event_id,)))


def head(profile: Profile, net: bytes) -> tuple[int, bytes]:
    row = profile.db.one(
        "SELECT seq, id FROM events WHERE net = ? AND author = ? ORDER BY seq DESC LIMIT 1",
        (net, profile.identity.public_key),
    )
    return (0, b"") if row is None else (row["seq"], bytes(row["id"]))


def lamport(profile: Profile, net: bytes) -> int:
    return int(profile.db.scalar("SELECT max(lamport) FROM events WHERE net = ?", (net,)) or 0)


def forge(
    profile: Profile,
    net: bytes,
    kind: str,
    payload: dict[str, Any],
    unchecked: bool = False,
    **header: Any,
):
    """A correctly signed event of ``profile``'s identity, built by hand (not stored).

    ``unchecked`` skips the header checks ``events.create`` makes, as a hostile client would.
    """
    seq, prev = head(profile, net)
    args: dict[str, Any] = {
        "net": net,
        "seq": seq + 1,
        "prev": prev if seq else None,
        "lamport": lamport(profile, net) + 1,
        "ts": 1_700_000_000_000,
        "kind": kind,
        "epoch": 0,
        "seed": profile.log.seed(net, 0),
        "payload": payload,
    }
    args.update(header)
    if unchecked:
        with mock.patch.object(events, "_parse_header", lambda data: None):
            return events.create(profile.identity, **args)
    return events.create(profile.identity, **args)


def case_payload(title: str) -> dict[str, Any]:
    return {
        "title": title,
        "specialty": "",
        "fields": {},
        "body": "",
        "tags": [],
        "attachments": [],
    }


@pytest.fixture
def bob(make_profile: Callable[..., Profile]) -> Profile:
    return make_profile("Dr. Bob Okafor")


@pytest.fixture
def carol(make_profile: Callable[..., Profile]) -> Profile:
    return make_profile("Dr. Carol Nakamura")


def post_some(alice: Profile, net: bytes) -> dict[str, bytes]:
    ids: dict[str, bytes] = {}
    ids["case"] = alice.library.post_case(
        net,
        title="Exertional syncope",
        fields={"presentation": "Collapse at km 30", "question": "HCM?"},
        body="ECG attached.",
        tags=["cardiology", "sports"],
        specialty="Cardiology",
    )
    ids["comment"] = alice.library.comment(ids["case"], "Echo pending.")
    ids["reply"] = alice.library.reply(ids["comment"], "Echo normal.")
    ids["edit"] = alice.library.edit_case(ids["case"], title="Exertional syncope (updated)")
    ids["second"] = alice.library.post_case(net, title="Second case", tags=["misc"])
    ids["status"] = alice.library.set_status(ids["second"], "resolved")
    ids["outcome"] = alice.library.add_outcome(ids["second"], "Resolved with rest.")
    return ids


# -- sharing ------------------------------------------------------------------------------
def test_member_sees_the_same_library(alice: Profile, network: bytes, bob: Profile):
    post_some(alice, network)
    share_seed(alice, bob, network)
    outcomes = deliver(alice, bob)
    # Everything applies; Bob's own join (which Alice took in) comes back as a duplicate.
    assert outcomes.count(Outcome.DUPLICATE) == 1
    assert outcomes.count(Outcome.APPLIED) == len(outcomes) - 1
    assert state(bob) == state(alice)
    assert bob.queries.networks()[0]["name"] == "Cardiology Circle"
    assert bob.log.verify_all() == []
    assert counts(bob)["rejected"] == 0
    # Bob can now post in the network, and Alice sees it.
    case = bob.library.post_case(network, title="Bob's case")
    alice.log.ingest(raw_events(bob)[-1])
    assert state(alice) == state(bob)
    assert alice.queries.case(case).summary.author == bob.identity.fingerprint


def test_duplicate_delivery_is_idempotent(alice: Profile, network: bytes, bob: Profile):
    post_some(alice, network)
    share_seed(alice, bob, network)
    deliver(alice, bob)
    before_counts, before_state = counts(bob), state(bob)
    for _ in range(2):
        assert set(deliver(alice, bob)) == {Outcome.DUPLICATE}
    assert counts(bob) == before_counts
    assert state(bob) == before_state
    # Alice's own events come back to her as duplicates too.
    alice_counts = counts(alice)
    assert set(deliver(alice, alice)) == {Outcome.DUPLICATE}
    assert counts(alice) == alice_counts


def test_gap_is_held_then_filled(alice: Profile, network: bytes, bob: Profile):
    case = alice.library.post_case(network, title="Gap case")
    comment = alice.library.comment(case, "First comment")
    alice.library.comment(case, "Second comment")
    first, second, third, fourth = raw_events(alice)
    share_seed(alice, bob, network)

    assert bob.log.ingest(first) == Outcome.APPLIED
    assert bob.log.ingest(third) == Outcome.HELD
    assert bob.log.ingest(third) == Outcome.HELD  # held twice: still one copy
    assert bob.log.ingest(fourth) == Outcome.HELD
    assert counts(bob)["held_events"] == 2
    assert bob.queries.case(case) is None
    assert bob.db.scalar("SELECT count(*) FROM comments") == 0

    assert bob.log.ingest(second) == Outcome.APPLIED  # fills the gap and drains both
    assert counts(bob)["held_events"] == 0
    assert (
        bob.db.scalar("SELECT count(*) FROM events WHERE author = ?", (alice.identity.public_key,))
        == 4
    )
    assert bob.queries.case(case).discussion[0].id == comment
    assert state(bob) == state(alice)
    assert bob.log.ingest(third) == Outcome.DUPLICATE
    assert bob.log.verify_all() == []


def test_fork_is_recorded_and_original_kept(alice: Profile, network: bytes, bob: Profile):
    case = alice.library.post_case(network, title="The real case")
    share_seed(alice, bob, network)
    deliver(alice, bob)
    first_id = bytes(alice.db.scalar("SELECT id FROM events WHERE seq = 1"))
    before = state(bob)

    # Alice's key signs a second, different event at seq 2 (another device, or a thief).
    fork = forge(
        alice,
        network,
        "case.create",
        case_payload("A forked case"),
        seq=2,
        prev=first_id,
        lamport=2,
    )
    assert fork.id != case
    for profile in (bob, alice):
        assert profile.log.ingest(fork.raw) == Outcome.FORK
        row = profile.db.one(
            "SELECT kept, other, seq FROM forks WHERE net = ? AND author = ?",
            (network, alice.identity.public_key),
        )
        assert (bytes(row["kept"]), bytes(row["other"]), row["seq"]) == (case, fork.id, 2)
        assert not stored(profile, fork.id)
        assert profile.queries.case(fork.id) is None
        kept = profile.db.scalar(
            "SELECT id FROM events WHERE net = ? AND author = ? AND seq = 2",
            (network, alice.identity.public_key),
        )
        assert bytes(kept) == case
    assert state(bob) == before
    # The fork delivered again is not recorded twice.
    assert bob.log.ingest(fork.raw) == Outcome.FORK
    assert counts(bob)["forks"] == 1


def test_next_seq_with_wrong_prev_is_a_fork(alice: Profile, network: bytes, bob: Profile):
    share_seed(alice, bob, network)
    deliver(alice, bob)
    bad = forge(
        alice,
        network,
        "case.create",
        case_payload("Wrong prev"),
        prev=hashlib.sha256(b"not the head").digest(),
    )
    before = counts(bob)
    assert bob.log.ingest(bad.raw) == Outcome.FORK
    assert not stored(bob, bad.id)
    assert bob.queries.case(bad.id) is None
    assert counts(bob)["forks"] == before["forks"] + 1


def test_tampered_event_is_refused_and_nothing_stored(alice: Profile, network: bytes, bob: Profile):
    alice.library.post_case(network, title="Tamper target", body="Original body")
    first, second = raw_events(alice)
    share_seed(alice, bob, network)
    assert bob.log.ingest(first) == Outcome.APPLIED
    before = counts(bob)
    positions = [0, 1, len(second) // 3, len(second) // 2, len(second) - 70, len(second) - 1]
    for position in positions:
        damaged = bytearray(second)
        damaged[position] ^= 0x01
        with pytest.raises(EventError):
            bob.log.ingest(bytes(damaged))
        assert counts(bob) == before
    assert bob.log.ingest(second) == Outcome.APPLIED  # the genuine one still goes in


def test_event_under_a_key_we_lack_stays_unread(alice: Profile, network: bytes, bob: Profile):
    """A genuine event whose body no key we hold opens is kept (its chain goes on) but
    nothing of it is shown; when the right key arrives, it applies."""
    alice.library.post_case(network, title="Secret")
    with bob.db.transaction():
        bob.log.add_seed(network, 0, bytes(32), source=b"")  # a wrong key for the network
    first, second = raw_events(alice)
    assert bob.log.ingest(first) == Outcome.APPLIED
    assert bob.log.ingest(second) == Outcome.APPLIED
    assert bob.queries.networks() == []
    assert bob.db.scalar("SELECT count(*) FROM cases") == 0
    assert bob.db.scalar("SELECT count(*) FROM waiting") == 2
    with bob.db.transaction():
        bob.log.add_seed(network, 0, alice.log.seed(network, 0), source=b"\x01" * 32)
    assert bob.db.scalar("SELECT count(*) FROM waiting") == 0
    assert bob.queries.networks()[0]["name"] == "Cardiology Circle"
    assert [c.title for c in bob.queries.list_cases(Filters())] == ["Secret"]


def test_event_of_unknown_network_is_refused(alice: Profile, network: bytes, bob: Profile):
    alice.library.post_case(network, title="Members only")
    first, second = raw_events(alice)
    before = counts(bob)
    for raw in (first, second):  # no seed at all
        with pytest.raises(EventError):
            bob.log.ingest(raw)
    assert counts(bob) == before
    share_seed(alice, bob, network)
    assert bob.log.ingest(second) == Outcome.HELD  # key, but its chain starts later
    assert bob.db.scalar("SELECT count(*) FROM cases") == 0


# -- permissions --------------------------------------------------------------------------
def test_member_cannot_change_anothers_case(
    alice: Profile, network: bytes, bob: Profile, carol: Profile
):
    ids = post_some(alice, network)
    case, comment = ids["case"], ids["comment"]
    share_seed(alice, bob, network)
    deliver(alice, bob)
    before = state(alice)

    with pytest.raises(PermissionDenied):
        bob.library.edit_case(case, title="Hijacked")
    with pytest.raises(PermissionDenied):
        bob.library.set_status(case, "resolved")
    with pytest.raises(PermissionDenied):
        bob.library.add_outcome(case, "Fake outcome")
    with pytest.raises(PermissionDenied):
        bob.library.edit_comment(comment, "Words put in Alice's mouth")
    assert state(bob) == before

    # Bob bypasses his library and signs the events himself.
    forged = [
        bob.log.append(
            network, "case.edit", {"case": case, "title": "Hijacked", "body": "Forged body"}
        ),
        bob.log.append(network, "case.status", {"case": case, "status": "resolved"}),
        bob.log.append(network, "case.status", {"case": ids["second"], "status": "open"}),
        bob.log.append(
            network, "case.outcome", {"case": case, "parent": None, "body": "Fake outcome"}
        ),
        bob.log.append(network, "comment.edit", {"comment": comment, "body": "Forged words"}),
    ]
    assert all(stored(bob, e.id) for e in forged)
    assert set(rejected(bob)) == {e.id for e in forged}
    assert state(bob) == before

    assert set(deliver(bob, alice)) <= {Outcome.APPLIED, Outcome.DUPLICATE}
    assert all(stored(alice, e.id) for e in forged)
    assert set(rejected(alice)) == {e.id for e in forged}
    assert rejected(alice) == rejected(bob)
    assert state(alice) == before

    share_seed(alice, carol, network)
    assert set(deliver(alice, carol)) == {Outcome.APPLIED, Outcome.DUPLICATE}
    assert set(rejected(carol)) == {e.id for e in forged}
    assert state(carol) == before
    for profile in (alice, bob, carol):
        assert profile.log.verify_all() == []
        detail = profile.queries.case(case)
        assert detail.summary.title == "Exertional syncope (updated)"
        assert detail.summary.status == "open"
        assert all(c.kind == "comment" for c in detail.discussion)
        assert all("Forged" not in c.body for c in detail.discussion)


def test_member_cannot_take_over_the_network(alice: Profile, network: bytes, bob: Profile):
    share_seed(alice, bob, network)
    deliver(alice, bob)
    before = state(bob)
    takeover = forge(
        bob,
        network,
        "network.create",
        {"name": "Bob's Circle", "founder_name": "Bob"},
        pub={"nonce": b"\x00" * 16},
    )
    assert bob.log.ingest(takeover.raw) == Outcome.APPLIED  # stored, but changes nothing
    assert takeover.id in rejected(bob)
    assert state(bob) == before
    assert bob.queries.networks()[0]["name"] == "Cardiology Circle"
    assert bob.queries.networks()[0]["founder"] == alice.identity.fingerprint


def test_cross_case_reply_and_cross_network_reference_rejected(
    alice: Profile, network: bytes, bob: Profile
):
    ids = post_some(alice, network)
    share_seed(alice, bob, network)
    deliver(alice, bob)
    before = state(bob)
    reply = bob.log.append(
        network,
        "comment.create",
        {"case": ids["second"], "parent": ids["comment"], "body": "Reply in the wrong case"},
    )
    assert reply.id in rejected(bob)
    assert state(bob) == before

    # A comment in our network pointing at a case of another network (Alice knows both).
    other_net = alice.library.create_network("Other Circle", alice.name)
    foreign_case = alice.library.post_case(other_net, title="Elsewhere")
    cross = alice.log.append(
        network, "comment.create", {"case": foreign_case, "parent": None, "body": "Cross"}
    )
    assert cross.id in rejected(alice)
    assert alice.queries.case(foreign_case).summary.comments == 0


def test_endorsements(alice: Profile, network: bytes, bob: Profile, carol: Profile):
    ids = post_some(alice, network)
    comment = ids["comment"]
    share_seed(alice, bob, network)
    deliver(alice, bob)

    endorsement = bob.library.endorse(comment)
    assert stored(bob, endorsement)
    deliver(bob, alice)
    for profile in (alice, bob):
        endorsed = next(c for c in profile.queries.case(ids["case"]).discussion if c.id == comment)
        assert endorsed.endorsements == 1

    events_before = counts(alice)["events"]
    with pytest.raises(PermissionDenied):
        alice.library.endorse(comment)
    assert counts(alice)["events"] == events_before  # nothing was signed

    own = alice.log.append(network, "comment.endorse", {"comment": comment})
    assert own.id in rejected(alice)
    # Bob endorsing a second time by hand: stored, but counted once.
    again = bob.log.append(network, "comment.endorse", {"comment": comment})
    deliver(bob, alice)
    deliver(alice, bob)
    share_seed(alice, carol, network)
    deliver(alice, carol)
    for profile in (alice, bob, carol):
        assert own.id in rejected(profile)
        assert stored(profile, again.id)
        endorsed = next(c for c in profile.queries.case(ids["case"]).discussion if c.id == comment)
        assert endorsed.endorsements == 1
    assert state(alice) == state(bob) == state(carol)


# -- ordering -----------------------------------------------------------------------------
def build_history(alice: Profile, bob: Profile, net: bytes) -> None:
    """Two members working on each other's cases, with syncs in between."""
    ids = post_some(alice, net)
    share_seed(alice, bob, net)
    deliver(alice, bob)
    b_comment = bob.library.comment(ids["case"], "Bob: consider an MRI.")
    bob.library.reply(ids["comment"], "Bob: agree with the echo.")
    bob.library.endorse(ids["comment"])
    b_case = bob.library.post_case(net, title="Bob's puzzling rash", tags=["dermatology"])
    bob.library.edit_comment(b_comment, "Bob: consider a cardiac MRI.")
    bob.log.append(net, "case.edit", {"case": ids["case"], "title": "Forged by Bob"})
    deliver(bob, alice)
    alice.library.endorse(b_comment)
    alice.library.reply(b_comment, "Alice: MRI booked.")
    alice.library.comment(b_case, "Alice: photos?")
    alice.library.edit_case(ids["case"], body="MRI booked.", tags=["cardiology", "mri"])
    alice.library.set_status(ids["case"], "resolved")
    alice.library.set_status(ids["case"], "open")
    alice.library.edit_comment(ids["comment"], "Echo pending (booked for Monday).")
    deliver(alice, bob)
    bob.library.edit_case(b_case, title="Bob's rash (solved)")
    bob.library.set_status(b_case, "resolved")
    bob.library.add_outcome(b_case, "Contact dermatitis.")
    deliver(bob, alice)


def shuffled_delivery(target: Profile, raws: list[bytes], seed: int) -> None:
    pending = list(raws)
    random.Random(seed).shuffle(pending)
    for _ in range(len(raws) + 2):
        if not pending:
            break
        still = []
        for raw in pending:
            try:
                outcome = target.log.ingest(raw)
            except EventError:  # e.g. before the network's creation arrived
                still.append(raw)
                continue
            assert outcome != Outcome.FORK
            if outcome == Outcome.HELD:
                still.append(raw)
        pending = still
    assert pending == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_shuffled_delivery_converges(
    alice: Profile, network: bytes, bob: Profile, make_profile, seed: int
):
    build_history(alice, bob, network)
    assert state(alice) == state(bob)
    in_order = make_profile("Dr. Carol Nakamura")
    shuffled = make_profile("Dr. Dan Shuffle")
    share_seed(alice, in_order, network)
    share_seed(alice, shuffled, network)
    raws = raw_events(alice)  # both joins included: both end up with the same events
    assert len(raws) > 20

    assert set(deliver(alice, in_order)) == {Outcome.APPLIED, Outcome.DUPLICATE}
    reference = state(in_order)
    assert reference == state(alice)

    shuffled_delivery(shuffled, raws, seed)
    assert state(shuffled) == reference
    assert rejected(shuffled) == rejected(in_order) == rejected(alice)
    result = counts(shuffled)
    assert result["held_events"] == 0
    assert result["waiting"] == 0
    assert result["events"] == len(raws)
    assert {k: v for k, v in result.items() if k != "held_events"} == {
        k: v for k, v in counts(in_order).items() if k != "held_events"
    }
    assert shuffled.log.verify_all() == []


def test_reverse_delivery_converges(alice: Profile, network: bytes, bob: Profile, carol):
    build_history(alice, bob, network)
    share_seed(alice, carol, network)
    raws = raw_events(alice)
    # Everything except the network's creation arrives newest first.
    assert carol.log.ingest(raws[0]) == Outcome.APPLIED
    outcomes = [carol.log.ingest(raw) for raw in reversed(raws[1:])]
    assert Outcome.HELD in outcomes
    assert set(outcomes) <= {Outcome.HELD, Outcome.APPLIED, Outcome.DUPLICATE}
    assert counts(carol)["held_events"] == 0
    assert state(carol) == state(alice)


# -- hostile members: numbers at the edge ---------------------------------------------------
def test_member_cannot_brick_the_network_with_a_huge_lamport(
    alice: Profile, network: bytes, bob: Profile
):
    case = alice.library.post_case(network, title="Victim")
    share_seed(alice, bob, network)
    deliver(alice, bob)
    bomb = forge(
        bob,
        network,
        "comment.create",
        {"case": case, "parent": None, "body": "tick"},
        unchecked=True,
        lamport=2**63 - 1,
    )
    with contextlib.suppress(EventError):  # refusing it is fine
        alice.log.ingest(bomb.raw)
    after = alice.library.comment(case, "Still here?")
    assert alice.queries.case(case).discussion[-1].id == after


@pytest.mark.parametrize("field", ["seq", "lamport", "epoch"])
def test_out_of_range_integers_are_refused_cleanly(
    alice: Profile, network: bytes, bob: Profile, field: str
):
    case = alice.library.post_case(network, title="Victim")
    share_seed(alice, bob, network)
    deliver(alice, bob)
    header: dict[str, Any] = {field: 2**63}
    if field == "seq":
        header["prev"] = hashlib.sha256(b"x").digest()
    evil = forge(
        bob,
        network,
        "comment.create",
        {"case": case, "parent": None, "body": "overflow"},
        unchecked=True,
        **header,
    )
    before = counts(alice)
    with pytest.raises(EventError):
        alice.log.ingest(evil.raw)
    assert counts(alice) == before


def test_member_cannot_poison_a_case_with_a_far_future_timestamp(
    alice: Profile, network: bytes, bob: Profile
):
    case = alice.library.post_case(network, title="Victim")
    share_seed(alice, bob, network)
    deliver(alice, bob)
    poison = forge(
        bob,
        network,
        "comment.create",
        {"case": case, "parent": None, "body": "from the future"},
        unchecked=True,
        ts=2**63 - 1,
    )
    with contextlib.suppress(EventError):  # refusing it is fine
        alice.log.ingest(poison.raw)
    assert alice.queries.case(case).to_json()["title"] == "Victim"
    assert [c.to_json()["title"] for c in alice.queries.list_cases(Filters())] == ["Victim"]


def test_lamport_at_the_cap_saturates_instead_of_overflowing(
    alice: Profile, network: bytes, bob: Profile
):
    case = alice.library.post_case(network, title="Victim")
    share_seed(alice, bob, network)
    deliver(alice, bob)
    top = forge(
        bob,
        network,
        "comment.create",
        {"case": case, "parent": None, "body": "max"},
        lamport=events.MAX_INT,
    )
    assert alice.log.ingest(top.raw) == Outcome.APPLIED
    after = alice.library.comment(case, "Still posting")
    assert lamport(alice, network) == events.MAX_INT
    assert after in [c.id for c in alice.queries.case(case).discussion]


def test_the_projection_has_one_handler_for_every_kind_and_the_fold_for_its_own() -> None:
    """Dispatch is an explicit table (no handler found by name): every kind this version
    writes has exactly one, and the fold's rule table covers its role-judged kinds."""
    from casebook.core.ledger.projection import HANDLERS
    from casebook.core.model.kinds import MEMBERSHIP_KINDS, EventKind
    from casebook.core.model.membership import RULES

    assert set(HANDLERS) == set(EventKind)
    assert set(RULES) == MEMBERSHIP_KINDS - {
        EventKind.NETWORK_CREATE,
        EventKind.MEMBER_JOIN,
        EventKind.DEVICE_ADD,  # the device rules: a certificate, not a role
        EventKind.DEVICE_REVOKE,
    }


def test_a_reply_to_my_comment_is_news_for_me(alice: Profile, network: bytes, bob: Profile):
    """Replies are announced to the case's author and to the author of the comment
    replied to (issue 16: not only the case's author)."""
    share_seed(alice, bob, network)
    case = alice.library.post_case(network, title="Syncope at rest", body="Age 40.")
    deliver(alice, bob)
    alice_mark, bob_mark = alice.news.mark(), bob.news.mark()
    comment = bob.library.comment(case, "Holter first?")
    deliver(bob, alice)
    alice.library.reply(comment, "Yes, 48 hours.")
    deliver(alice, bob)

    for_bob = bob.news.for_member(bob.member, bob_mark)
    assert [(r["to"], r["title"], r["author_name"]) for r in for_bob] == [
        ("comment", "Syncope at rest", alice.name)
    ]
    for_alice = alice.news.for_member(alice.member, alice_mark)
    assert [(r["to"], r["author_name"]) for r in for_alice] == [("case", bob.name)]


def test_a_mention_is_news_for_the_member_it_names(alice: Profile, network: bytes, bob: Profile):
    """A case or a comment naming a member is news for them (the app notifies), for no one
    else, and not for its author."""
    share_seed(alice, bob, network)
    marks = alice.news.mark(), bob.news.mark()
    case = alice.library.post_case(network, title="Palpitations", body=f"@{bob.name}, Holter?")
    alice.library.comment(case, f"And @{bob.name}: an echo too?")
    deliver(alice, bob)
    for_bob = bob.news.for_member(bob.member, marks[1])
    assert [(r["to"], r["title"], r["author_name"]) for r in for_bob] == [
        ("mention", "Palpitations", alice.name),
        ("mention", "Palpitations", alice.name),
    ]
    assert alice.news.for_member(alice.member, marks[0]) == []
    assert bob.news.for_member(bob.member, bob.news.mark()) == []
