"""The relay's store itself, on SQLite and on PostgreSQL: the same answers from both
engines for where a catch-up starts and what a network uses, however the writes come."""

from __future__ import annotations

import os
import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from casebook.core.model import events
from casebook.core.model.events import Event
from casebook.core.model.identity import Identity
from casebook.errors import CasebookError
from casebook.relay.pg_store import STEPS
from casebook.relay.sqlite_store import SqliteStore
from casebook.relay.storage import open_store
from casebook.relay.store import RelayStore
from pgkit import Cluster

NET = b"N" * 16


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[RelayStore]:
    if request.param == "sqlite":
        opened: RelayStore = SqliteStore(tmp_path / "relay")
    else:
        cluster: Cluster = request.getfixturevalue("pg_cluster")
        opened = open_store(tmp_path / "relay", cluster.database())
    yield opened
    opened.close()


def chains(authors: int, length: int, rng: random.Random) -> list[Event]:
    """``authors`` chains of ``length`` events each, interleaved at random (as they reach
    a relay), every chain in order."""
    seed = os.urandom(32)
    left = {Identity.generate(): 0 for _ in range(authors)}
    prev: dict[bytes, bytes | None] = {}
    out: list[Event] = []
    while left:
        ident = rng.choice(list(left))
        left[ident] += 1
        seq = left[ident]
        event = events.create(
            ident, net=NET, seq=seq, prev=prev.get(ident.public_key), lamport=len(out) + 1,
            ts=1, kind="member.join", epoch=0, seed=seed, payload={"n": seq},
        )  # fmt: skip
        prev[ident.public_key] = event.id
        out.append(event)
        if seq == length:
            del left[ident]
    return out


def test_a_catch_up_starts_at_the_first_event_the_peer_lacks(store: RelayStore) -> None:
    rng = random.Random(7)
    stored = chains(authors=300, length=4, rng=rng)  # more chains than one statement takes
    seqnos = {}
    for i in range(0, len(stored), 50):
        batch = stored[i : i + 50]
        last = store.store(NET, [(e, False) for e in batch], new_network=i == 0)
        for offset, event in enumerate(batch):
            seqnos[event.id] = last - len(batch) + 1 + offset
    authors = sorted({e.author for e in stored})
    for _ in range(20):
        have = {a: rng.randint(0, 4) for a in rng.sample(authors, rng.randint(1, len(authors)))}
        behind = {a: have.get(a, 0) for a in authors if have.get(a, 0) < 4}
        lacking = [seqnos[e.id] for e in stored if e.seq > have.get(e.author, 0)]
        expected = min(lacking, default=1) - 1
        assert store.first_missing(NET, behind) == expected


def test_the_usage_counters_follow_every_kind_of_write(store: RelayStore) -> None:
    stored = chains(authors=3, length=5, rng=random.Random(3))
    store.store(NET, [(e, False) for e in stored[:8]], new_network=True)
    store.store(NET, [(e, False) for e in stored[8:]], new_network=False)
    store.put_welcome(NET, b"k" * 32, b"w" * 900)
    store.put_welcome(NET, b"k" * 32, b"w" * 300)  # replaced by a smaller one
    store.put_welcome(NET, b"j" * 32, b"w" * 500)
    store.drop_welcomes(NET, [b"j" * 32, b"x" * 32])
    for idx in range(3):
        assert store.put_chunk(NET, b"b" * 32, idx, 3, os.urandom(1000))
    assert not store.put_chunk(NET, b"b" * 32, 0, 3, os.urandom(1000))  # there already
    store.put_chunk(NET, b"c" * 32, 0, 1, os.urandom(700))
    store.drop_blob(NET, b"b" * 32)
    assert store.usage(NET) == store.measured_usage(NET)
    events_, size = store.usage(NET)
    assert events_ == 15 and size == sum(len(e.raw) for e in stored) + 300 + 700
    # A store from before the counters, or a miscount: recount puts them right.
    store.execute("DELETE FROM net_usage")
    assert store.usage(NET) == (0, 0)
    store.recount()
    assert store.usage(NET) == (events_, size)


def test_a_sqlite_store_from_before_the_counters_is_counted_once(tmp_path: Path) -> None:
    stored = chains(authors=2, length=3, rng=random.Random(5))
    old = SqliteStore(tmp_path / "relay")
    old.store(NET, [(e, False) for e in stored], new_network=True)
    old.put_welcome(NET, b"k" * 32, b"w" * 400)
    old.execute("DROP TABLE net_usage")  # as a relay before this version left it
    old.close()
    upgraded = SqliteStore(tmp_path / "relay")
    try:
        assert (
            upgraded.usage(NET)
            == upgraded.measured_usage(NET)
            == (
                6,
                sum(len(e.raw) for e in stored) + 400,
            )
        )
    finally:
        upgraded.close()


def test_postgresql_schema_steps_run_once_and_a_newer_schema_is_refused(
    pg_cluster: Cluster, tmp_path: Path
) -> None:
    url = pg_cluster.database()
    for _ in range(2):  # a second process (or a restart) finds the schema made
        store = open_store(tmp_path, url)
        versions = store.execute("SELECT version FROM casebook_relay_schema").fetchall()
        assert [int(v[0]) for v in versions] == list(range(1, len(STEPS) + 1))
        store.close()
    store = open_store(tmp_path, url)
    store.execute("INSERT INTO casebook_relay_schema VALUES (?)", (len(STEPS) + 1,))
    store.close()
    with pytest.raises(CasebookError) as refused:
        open_store(tmp_path, url)
    assert "newer casebook-relay" in refused.value.message
    assert pg_cluster.password not in refused.value.message
