"""What a write transaction remembers (chain heads, the network's clock, empty tables,
case rows) must be exactly what the database holds: these attack each memo where it
could go stale."""

import pytest
from test_rebuild import dump

from casebook.core.model import events
from netkit import deliver, join, key, raw_events


def _comment(case: bytes, body: str) -> dict:
    return {"case": case, "parent": None, "body": body}


def _bob_comments(alice, network, make_profile, count):
    """Bob joins and writes ``count`` comments on a case of Alice's; (bob, the case)."""
    bob = make_profile("Dr. Bob Tanaka")
    join(bob, alice, network)
    case = alice.library.post_case(network, title="Syncope in a runner")
    deliver(alice, bob, network)
    for i in range(count):
        bob.library.comment(case, f"From Bob {i}")
    return bob, case


def test_a_run_of_appends_and_ingests_in_one_transaction_chains_and_orders_every_event(
    alice, network, make_profile
):
    bob, case = _bob_comments(alice, network, make_profile, 30)  # his clock runs ahead
    theirs = raw_events(bob, network)
    with alice.db.transaction():
        mine = [alice.log.append(network, "comment.create", _comment(case, "Mine, first"))]
        for raw in theirs:  # arriving while alice writes
            alice.log.ingest(raw)
        mine += [
            alice.log.append(network, "comment.create", _comment(case, f"Mine {i}"))
            for i in range(5)
        ]
    assert alice.log.verify_all() == []
    newest_of_bob = max(events.parse(raw).header.lamport for raw in theirs)
    assert mine[1].header.lamport > newest_of_bob  # the clock learned from what came in
    assert [e.seq for e in mine] == list(range(mine[0].seq, mine[0].seq + 6))
    before = dump(alice)
    alice.log.rebuild()
    assert dump(alice) == before


def test_a_rolled_back_transaction_leaves_no_head_behind(alice, network):
    case = alice.library.post_case(network, title="Chest pain at rest")
    with pytest.raises(RuntimeError), alice.db.transaction():
        for i in range(3):
            alice.log.append(network, "comment.create", _comment(case, f"Undone {i}"))
        raise RuntimeError("the disk is full")
    assert alice.db.memo == {}
    kept = alice.log.append(network, "comment.create", _comment(case, "Kept"))
    assert kept.seq == 3  # network.create, case.create, then this one
    assert alice.log.verify_all() == []


def test_an_event_after_a_held_one_in_the_same_batch_is_placed_by_the_database(
    alice, network, make_profile
):
    bob, _ = _bob_comments(alice, network, make_profile, 4)
    raws = raw_events(bob, network)[-4:]
    with alice.log.batch():
        outcomes = [alice.log.ingest(raws[i]).value for i in (0, 2, 3, 1, 3)]
    assert outcomes == ["applied", "held", "held", "applied", "duplicate"]
    assert alice.log.verify_all() == []
    assert alice.db.scalar("SELECT count(*) FROM comments") == 4


def test_a_rebuild_forgets_the_case_rows_its_transaction_remembered(alice, network, make_profile):
    # Carol applies Bob's case only once his invite reaches her, after her own case: the
    # rebuild, which folds the membership first, numbers the two cases the other way.
    bob, carol = make_profile("Dr. Bob Tanaka"), make_profile("Dr. Carol Diaz")
    join(carol, alice, network)
    join(bob, alice, network)
    bob.library.post_case(network, title="Fever after travel")
    for raw in raw_events(bob, network):
        if events.parse(raw).author == key(bob):
            carol.log.ingest(raw)  # his join and case, before alice's invite
    mine = carol.library.post_case(network, title="Chest pain at rest")
    deliver(alice, carol, network)  # the invite: bob's case applies now, after mine
    with carol.db.transaction():
        carol.library.comment(mine, "Before the rebuild")  # remembers my case's row
        carol.log.rebuild()
        carol.library.comment(mine, "After the rebuild")
    stray = carol.db.scalar(
        "SELECT count(*) FROM comments m JOIN cases c ON c.rid = m.case_rid WHERE c.id != m.case_id"
    )
    assert stray == 0
    assert carol.db.scalar("SELECT comment_count FROM cases WHERE id = ?", (mine,)) == 2


def test_a_comment_waiting_for_its_case_is_released_in_the_same_batch(alice, network, make_profile):
    bob, carol = make_profile("Dr. Bob Tanaka"), make_profile("Dr. Carol Diaz")
    join(bob, alice, network)
    join(carol, alice, network)
    deliver(bob, carol, network)
    case = alice.library.post_case(network, title="Chest pain at rest")
    deliver(alice, bob, network)
    bob.library.comment(case, "First look")
    comment, case_event = raw_events(bob, network)[-1], raw_events(alice, network)[-1]
    with carol.log.batch():
        assert carol.db.known_empty("waiting")  # learned once, at the batch's start
        assert carol.log.ingest(comment).value == "applied"  # stored; waits for its case
        assert not carol.db.known_empty("waiting")
        carol.log.ingest(case_event)  # releases it
    assert carol.db.scalar("SELECT comment_count FROM cases") == 1
    assert carol.db.scalar("SELECT count(*) FROM waiting") == 0
