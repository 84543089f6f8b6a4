"""Compiled statements stay compiled after a long session.

sqlcipher3's statement cache ranks statements by use and, once full, puts a new one in its
last slot, which the next new statement takes unless the first has meanwhile run more
often than the one ranked above it. With its default size (100) a profile that had run
more distinct statements than that (a while of browsing, a join) compiled the inserts of
each received or written event again, once per event. These tests fill the cache with
statements used twice, as a session does, then write: what the write path runs must
compile once, not once per event.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from casebook.core.profile import Profile
from casebook.store.database import MAX_PARAMETERS, Database, in_list

# More distinct statements than the old default cache held, fewer than the app's cache.
SESSION_STATEMENTS = 300


def _browse(db: Database) -> None:
    """A long session's distinct statements, each run twice (so each outranks a new one)."""
    for number in range(SESSION_STATEMENTS):
        for _ in range(2):
            db.execute(f"SELECT {number} + count(*) FROM settings").fetchone()


def test_statements_in_use_compile_once_after_the_cache_held_many(tmp_path: Path) -> None:
    db = Database.open(tmp_path / "cache.db", os.urandom(32))
    try:
        db.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b BLOB)")
        db.execute("CREATE TABLE settings (k)")
        _browse(db)
        before = db.compiled
        steps = ["INSERT INTO t (b) VALUES (?)", "SELECT b FROM t WHERE a = ?"]
        steps += ["UPDATE t SET b = ? WHERE a = ?", "SELECT count(*) FROM t WHERE b = ?"]
        for number in range(200):
            db.execute(steps[0], (b"x",))
            db.execute(steps[1], (number,)).fetchone()
            db.execute(steps[2], (b"y", number))
            db.execute(steps[3], (b"y",)).fetchone()
        assert db.compiled - before == len(steps)  # 800 with the default size (100)
    finally:
        db.close()


def test_the_write_path_compiles_nothing_per_event_after_a_long_session(
    make_profile: Callable[..., Profile],
) -> None:
    alice = make_profile()
    net = alice.library.create_network("Cardiology circle", alice.name)
    _browse(alice.db)
    first = alice.library.post_case(net, title="Warm-up", fields={}, body="b", tags=[])
    alice.library.comment(first, "The first comment compiles what comments run.")
    alice.library.comment(first, "So does the second, for a case's second comment.")
    before = alice.db.compiled
    for number in range(20):
        alice.library.comment(first, f"Comment number {number} on the warm-up case.")
    assert alice.db.compiled == before  # 13 a comment with the default size


def test_in_lists_of_every_length_are_a_few_statements_and_mean_the_same(
    tmp_path: Path,
) -> None:
    """``IN (...)`` lists were one statement per length: a profile that listed pages of
    every size or withdrew cases with 0-69 comments filled the cache with them. Padded
    (``in_list``), lengths 1-3,000 are 13 statements, and each finds what it did."""
    db = Database.open(tmp_path / "lists.db", os.urandom(32))
    try:
        db.execute("CREATE TABLE t (a INTEGER PRIMARY KEY)")
        db.executemany("INSERT INTO t (a) VALUES (?)", [(n,) for n in range(4000)])
        before = db.compiled
        for length in range(1, 3001):
            wanted = list(range(0, 2 * length, 2))
            marks, params = in_list(wanted)
            rows = db.all(f"SELECT a FROM t WHERE a IN ({marks}) ORDER BY a", params)
            assert [r[0] for r in rows] == [w for w in wanted if w < 4000]
        assert db.compiled - before == 13  # 1, 2, 4 ... 1,024, 2,048, 3,072 (3,000 unpadded)
        assert in_list([]) == ("", [])
        assert len(in_list(list(range(MAX_PARAMETERS)))[1]) == MAX_PARAMETERS  # never over
    finally:
        db.close()
