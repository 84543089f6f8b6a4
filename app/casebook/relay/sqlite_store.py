"""The relay's embedded store: one SQLite file (WAL) under ``--data``.

Writes use ``synchronous=FULL`` and ``BEGIN IMMEDIATE``: one writer at a time (so the
per-network lock is the file's own), and an event is acknowledged only once its
transaction is on disk. ``secure_delete`` and a checkpoint after each purge leave no
withdrawn body in freed pages or in the write-ahead log.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from casebook.core.model import purge
from casebook.core.model.events import parse_trusted
from casebook.relay.store import Cursor, RelayStore

DB_FILE = "relay.sqlite3"

SCHEMA = """
CREATE TABLE IF NOT EXISTS networks (
    id BLOB PRIMARY KEY,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS events (
    seqno INTEGER PRIMARY KEY,
    net BLOB NOT NULL,
    id BLOB NOT NULL UNIQUE,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    membership INTEGER NOT NULL,
    raw BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    tag BLOB NOT NULL DEFAULT x'',
    UNIQUE (net, author, seq)
);
CREATE INDEX IF NOT EXISTS events_net ON events (net, seqno);
CREATE INDEX IF NOT EXISTS events_membership ON events (net, seqno) WHERE membership = 1;
CREATE TABLE IF NOT EXISTS blob_chunks (
    net BLOB NOT NULL,
    blob BLOB NOT NULL,
    idx INTEGER NOT NULL,
    total INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (net, blob, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS welcomes (
    net BLOB NOT NULL,
    key BLOB NOT NULL,
    sealed BLOB NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (net, key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS recovery_boxes (
    id BLOB PRIMARY KEY,
    net BLOB NOT NULL,
    sealed BLOB NOT NULL,
    updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS withdrawals (
    net BLOB NOT NULL,
    case_id BLOB NOT NULL,
    key BLOB NOT NULL,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    blobs BLOB NOT NULL,
    applied INTEGER NOT NULL,
    PRIMARY KEY (net, case_id, author, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS purged_blobs (
    net BLOB NOT NULL,
    blob BLOB NOT NULL,
    PRIMARY KEY (net, blob)
) WITHOUT ROWID;
"""

# Each network's (events, bytes), kept by every write (``RelayStore._count``); a store
# from before it gets it counted once when opened.
USAGE = """
CREATE TABLE net_usage (
    net BLOB PRIMARY KEY,
    events INTEGER NOT NULL,
    bytes INTEGER NOT NULL
) WITHOUT ROWID
"""


class SqliteStore(RelayStore):
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = directory / DB_FILE
        self.where = str(self.path)
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA busy_timeout = 5000")
        self.conn.execute("PRAGMA secure_delete = ON")  # a purge leaves no freed bytes
        self.conn.executescript(SCHEMA)
        columns = [r[1] for r in self.conn.execute("PRAGMA table_info(events)")]
        if "tag" not in columns:
            self._add_tags()
        tables = {r[0] for r in self.conn.execute("SELECT name FROM sqlite_master")}
        if "net_usage" not in tables:  # a store from before the counters
            self.conn.execute(USAGE)
            self.recount()

    def _add_tags(self) -> None:
        """A relay store from before withdrawals: each stored event's tag, read once."""
        with self.transaction():
            self.conn.execute("ALTER TABLE events ADD COLUMN tag BLOB NOT NULL DEFAULT x''")
            rows = self.conn.execute("SELECT seqno, raw FROM events").fetchall()
            for seqno, raw in rows:
                tag = purge.stored_tag(parse_trusted(bytes(raw)))
                if tag:
                    self.conn.execute("UPDATE events SET tag = ? WHERE seqno = ?", (tag, seqno))

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        self.conn.executemany(sql, rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self.conn.in_transaction:  # nested: part of the transaction around it
            yield
            return
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            yield

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        if self.conn.in_transaction:
            yield
            return
        with self.conn:  # a read transaction: one snapshot of the WAL
            self.conn.execute("BEGIN")
            yield

    def close(self) -> None:
        self.conn.close()

    def checkpoint(self) -> None:
        """Empty the write-ahead log (after a purge: no earlier page image stays in it)."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
