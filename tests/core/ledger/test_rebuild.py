"""Derived tables are a pure function of the events."""

import random

import pytest

from casebook.core.library.search import Filters
from casebook.core.model.events import EventError

DERIVED_DUMP = {
    "networks": "SELECT * FROM networks ORDER BY id",
    "authors": "SELECT * FROM authors ORDER BY net, key",
    "cases": "SELECT * FROM cases ORDER BY rid",
    "case_tags": "SELECT * FROM case_tags ORDER BY tag, case_rid",
    "comments": "SELECT * FROM comments ORDER BY rid",
    "revisions": "SELECT * FROM revisions ORDER BY target, event_id",
    "endorsements": "SELECT * FROM endorsements ORDER BY comment_id, author",
    "case_text": "SELECT * FROM case_text ORDER BY rid",
}


def dump(profile):
    out = {name: [tuple(r) for r in profile.db.all(sql)] for name, sql in DERIVED_DUMP.items()}
    for table in ("case_fts", "comment_fts"):
        out[table] = [
            tuple(r)
            for r in profile.db.all(
                f"SELECT rowid, bm25({table}) FROM {table} "
                f"WHERE {table} MATCH 'syncope OR runner OR echo OR reply' ORDER BY rowid"
            )
        ]
    return out


def populate(profile, net, n=12):
    rng = random.Random(7)
    cases = []
    for i in range(n):
        cases.append(
            profile.library.post_case(
                net,
                title=f"Case {i}: syncope in a runner",
                fields={"history": "echo " * i},
                tags=[rng.choice(["cardiology", "sports", "ecg"])],
            )
        )
        if i % 3 == 0:
            profile.library.edit_case(cases[-1], title=f"Case {i}, revised")
    for i, case in enumerate(cases):
        c = profile.library.comment(case, f"Comment on {i}")
        profile.library.reply(c, "a reply")
        if i % 4 == 0:
            profile.library.set_status(case, "resolved")
            profile.library.add_outcome(case, "Outcome: recovered.")


def test_rebuild_is_identical(alice, network):
    populate(alice, network)
    before = dump(alice)
    assert alice.log.rebuild() == alice.db.scalar("SELECT count(*) FROM events")
    assert dump(alice) == before
    assert alice.queries.search("runner", Filters())


def test_tampered_event_is_rejected_on_load(alice, network):
    populate(alice, network, n=3)
    seqno, raw = alice.db.one("SELECT seqno, raw FROM events ORDER BY seqno DESC LIMIT 1")
    tampered = bytearray(raw)
    tampered[len(tampered) // 2] ^= 0x01
    alice.db.execute("UPDATE events SET raw = ? WHERE seqno = ?", (bytes(tampered), seqno))
    problems = alice.log.verify_all()
    assert len(problems) == 1 and f"#{seqno}" in problems[0]
    before = dump(alice)
    with pytest.raises(EventError, match="failed verification"):
        alice.log.rebuild()
    assert dump(alice) == before  # nothing was thrown away


def test_deleted_event_breaks_the_chain(alice, network):
    populate(alice, network, n=3)
    alice.db.execute("DELETE FROM events WHERE seqno = 3")
    assert any("breaks its chain" in p for p in alice.log.verify_all())
