"""The relay's storage: one SQLite file (WAL) under ``--data``.

It holds only what the relay may see: signed events with encrypted bodies (the clear
header carries public keys, sequence numbers, clocks, kinds and epoch numbers), sealed
welcome packages it cannot open, and byte counts. Writes use ``synchronous=FULL``: an
event is acknowledged to a client only after its transaction is on disk.
"""

from __future__ import annotations

import hmac
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from casebook.core.model import purge
from casebook.core.model.events import Event, parse_trusted

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
# Withdrawals (docs/protocol.md, "Withdrawal"): each event keeps its purge tag (``tag``,
# 16 bytes, or empty), so the events of a withdrawn case are found without reading
# bodies; ``withdrawals`` remembers the keys revealed (``applied`` 0: waiting for the
# case to arrive); ``purged_blobs`` the attachment ids that may not come back.
DB_FILE = "relay.sqlite3"
# Each author's newest event in network ?1. The authors are walked along the (net, author,
# seq) index one lookup each (a skip-scan), so a relay starting on a network of a million
# events reads a few hundred index entries, not every row.
HEADS = """
WITH RECURSIVE authors(author) AS (
    SELECT (SELECT min(author) FROM events WHERE net = ?1)
    UNION ALL
    SELECT (SELECT min(author) FROM events WHERE net = ?1 AND author > authors.author)
    FROM authors WHERE authors.author IS NOT NULL
)
SELECT {} FROM authors JOIN events e ON e.net = ?1 AND e.author = authors.author
    AND e.seq = (SELECT max(seq) FROM events WHERE net = ?1 AND author = authors.author)
"""


def now_ms() -> int:
    return int(time.time() * 1000)


class RelayStore:
    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = directory / DB_FILE
        self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = FULL")
        self.conn.execute("PRAGMA busy_timeout = 5000")
        self.conn.execute("PRAGMA secure_delete = ON")  # a purge leaves no freed bytes
        self.conn.executescript(SCHEMA)
        columns = [r[1] for r in self.conn.execute("PRAGMA table_info(events)")]
        if "tag" not in columns:
            self._add_tags()

    def _add_tags(self) -> None:
        """A relay store from before withdrawals: each stored event's tag, read once."""
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            self.conn.execute("ALTER TABLE events ADD COLUMN tag BLOB NOT NULL DEFAULT x''")
            rows = self.conn.execute("SELECT seqno, raw FROM events").fetchall()
            for seqno, raw in rows:
                tag = purge.stored_tag(parse_trusted(bytes(raw)))
                if tag:
                    self.conn.execute("UPDATE events SET tag = ? WHERE seqno = ?", (tag, seqno))

    def close(self) -> None:
        self.conn.close()

    # -- networks ----------------------------------------------------------------------
    def networks(self) -> list[bytes]:
        return [bytes(r[0]) for r in self.conn.execute("SELECT id FROM networks ORDER BY id")]

    def heads(self, net: bytes) -> dict[bytes, tuple[int, bytes]]:
        rows = self.conn.execute(HEADS.format("e.author, e.seq, e.id"), (net,))
        return {bytes(a): (seq, bytes(i)) for a, seq, i in rows}

    def head_raws(self, net: bytes) -> list[bytes]:
        """Each author's newest event (the highest Lamport clock of their chain)."""
        return [bytes(r[0]) for r in self.conn.execute(HEADS.format("e.raw"), (net,))]

    def membership_raws(self, net: bytes) -> list[bytes]:
        rows = self.conn.execute(
            "SELECT raw FROM events WHERE net = ? AND membership = 1 ORDER BY seqno", (net,)
        )
        return [bytes(r[0]) for r in rows]

    def usage(self, net: bytes) -> tuple[int, int]:
        """(events, bytes) stored for ``net``."""
        row = self.conn.execute(
            "SELECT count(*), coalesce(sum(length(raw)), 0) FROM events WHERE net = ?", (net,)
        ).fetchone()
        extra = self.conn.execute(
            "SELECT (SELECT coalesce(sum(length(sealed)), 0) FROM welcomes WHERE net = :n) + "
            "(SELECT coalesce(sum(length(data)), 0) FROM blob_chunks WHERE net = :n)",
            {"n": net},
        ).fetchone()
        return int(row[0]), int(row[1]) + int(extra[0])

    def event_id_at(self, net: bytes, author: bytes, seq: int) -> bytes | None:
        row = self.conn.execute(
            "SELECT id FROM events WHERE net = ? AND author = ? AND seq = ?", (net, author, seq)
        ).fetchone()
        return None if row is None else bytes(row[0])

    # -- writing -----------------------------------------------------------------------
    def store(self, net: bytes, batch: list[tuple[Event, bool]], new_network: bool) -> int:
        """Store events in one durable transaction; returns the newest ``seqno``."""
        received = now_ms()
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            if new_network:
                self.conn.execute(
                    "INSERT OR IGNORE INTO networks (id, created_at) VALUES (?, ?)",
                    (net, received),
                )
            last = 0
            for event, is_membership in batch:
                cursor = self.conn.execute(
                    "INSERT INTO events (net, id, author, seq, membership, raw, received_at, "
                    "tag) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        net,
                        event.id,
                        event.author,
                        event.seq,
                        int(is_membership),
                        event.raw,
                        received,
                        purge.stored_tag(event),
                    ),
                )
                last = int(cursor.lastrowid or 0)
        return last

    def put_welcome(self, net: bytes, key: bytes, sealed: bytes) -> int:
        """Store (or replace) an invite's sealed welcome package; returns the growth in
        bytes (negative when it shrank)."""
        with self.conn:
            old = self.conn.execute(
                "SELECT length(sealed) FROM welcomes WHERE net = ? AND key = ?", (net, key)
            ).fetchone()
            self.conn.execute(
                "INSERT OR REPLACE INTO welcomes (net, key, sealed, updated_at) "
                "VALUES (?, ?, ?, ?)",
                (net, key, sealed, now_ms()),
            )
        return len(sealed) - (int(old[0]) if old else 0)

    def welcome(self, net: bytes, key: bytes) -> bytes | None:
        row = self.conn.execute(
            "SELECT sealed FROM welcomes WHERE net = ? AND key = ?", (net, key)
        ).fetchone()
        return None if row is None else bytes(row[0])

    def drop_welcomes(self, net: bytes, keys: list[bytes]) -> None:
        with self.conn:
            self.conn.executemany(
                "DELETE FROM welcomes WHERE net = ? AND key = ?", [(net, k) for k in keys]
            )

    # -- recovery boxes (one per member, sealed: ``core/model/recovery.py``) ---------------
    def put_box(self, ident: bytes, net: bytes, sealed: bytes) -> None:
        with self.conn:
            self.conn.execute(
                "INSERT OR REPLACE INTO recovery_boxes (id, net, sealed, updated_at) "
                "VALUES (?, ?, ?, ?)",
                (ident, net, sealed, now_ms()),
            )

    def box(self, ident: bytes) -> bytes | None:
        row = self.conn.execute(
            "SELECT sealed FROM recovery_boxes WHERE id = ?", (ident,)
        ).fetchone()
        return None if row is None else bytes(row[0])

    # -- attachments (sealed chunks under opaque ids) -----------------------------------
    def blobs_missing(self, net: bytes, ids: list[bytes]) -> list[bytes]:
        """The ids of which the relay does not hold every chunk."""
        missing = []
        for ident in ids:
            if self.blob_purged(net, ident):
                continue  # withdrawn: the relay does not want it back
            row = self.conn.execute(
                "SELECT count(*), max(total) FROM blob_chunks WHERE net = ? AND blob = ?",
                (net, ident),
            ).fetchone()
            if not row[0] or row[0] != row[1]:
                missing.append(ident)
        return missing

    def put_chunk(self, net: bytes, ident: bytes, idx: int, total: int, data: bytes) -> bool:
        """Store a chunk durably; False when it was there already."""
        with self.conn:
            cursor = self.conn.execute(
                "INSERT OR IGNORE INTO blob_chunks (net, blob, idx, total, data) "
                "VALUES (?, ?, ?, ?, ?)",
                (net, ident, idx, total, data),
            )
        return cursor.rowcount == 1

    def chunk(self, net: bytes, ident: bytes, idx: int) -> tuple[int, bytes] | None:
        row = self.conn.execute(
            "SELECT total, data FROM blob_chunks WHERE net = ? AND blob = ? AND idx = ?",
            (net, ident, idx),
        ).fetchone()
        return None if row is None else (int(row[0]), bytes(row[1]))

    # -- withdrawals -------------------------------------------------------------------
    def raws(self, net: bytes, ids: list[bytes]) -> list[bytes]:
        """The stored form of the events ``ids`` of ``net`` that are here, in arrival order
        (a peer's ``want``: bounded by the caller)."""
        if not ids:
            return []
        places = ",".join("?" * len(ids))
        rows = self.conn.execute(
            f"SELECT raw FROM events WHERE net = ? AND id IN ({places}) ORDER BY seqno",  # noqa: S608
            (net, *ids),
        ).fetchall()
        return [bytes(r[0]) for r in rows]

    def event_at(self, net: bytes, event_id: bytes) -> tuple[int, bytes] | None:
        """Where an event arrived (its ``seqno``) and its raw form."""
        row = self.conn.execute(
            "SELECT seqno, raw FROM events WHERE net = ? AND id = ?", (net, event_id)
        ).fetchone()
        return None if row is None else (int(row[0]), bytes(row[1]))

    def put_withdrawal(
        self, net: bytes, clear: purge.Withdrawal, author: bytes, seq: int, applied: bool
    ) -> None:
        """Remember a withdrawal (by the ``seq``-th event of chain ``author``)."""
        with self.conn:
            self.conn.execute(
                "INSERT OR REPLACE INTO withdrawals (net, case_id, key, author, seq, blobs, "
                "applied) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (net, clear.case, clear.key, author, seq, b"".join(clear.blobs), applied),
            )

    def withdrawn_keys(self, net: bytes) -> list[tuple[bytes, bytes]]:
        """(case, purge key) of each withdrawal of ``net`` applied here."""
        rows = self.conn.execute(
            "SELECT DISTINCT case_id, key FROM withdrawals WHERE net = ? AND applied = 1", (net,)
        ).fetchall()
        return [(bytes(case), bytes(key)) for case, key in rows]

    def waiting_withdrawals(
        self, net: bytes, case: bytes
    ) -> list[tuple[purge.Withdrawal, bytes, int]]:
        """(withdrawal, its author, its seq) of those that wait for ``case`` to arrive."""
        rows = self.conn.execute(
            "SELECT key, blobs, author, seq FROM withdrawals "
            "WHERE net = ? AND case_id = ? AND applied = 0",
            (net, case),
        ).fetchall()
        out = []
        for key, blobs, author, seq in rows:
            ids = tuple(bytes(blobs[i : i + 32]) for i in range(0, len(blobs), 32))
            out.append((purge.Withdrawal(case, bytes(key), ids), bytes(author), int(seq)))
        return out

    def strip_case(self, net: bytes, key: bytes, case_id: bytes, since: int) -> set[bytes]:
        """Store without its body every event of ``net`` whose tag binds it to the case,
        from the case's own arrival (``since``, its seqno) on: an event about a case is
        written after it, and the scan costs only what came since. Returns their ids."""
        stripped = set()
        with self.conn:
            self.conn.execute("BEGIN IMMEDIATE")
            rows = self.conn.execute(
                "SELECT seqno, id, author, seq, tag, raw FROM events "
                "WHERE net = ? AND seqno >= ? AND length(tag) = ?",
                (net, since, purge.TAG_BYTES),
            ).fetchall()
            for seqno, ident, author, seq, tag, raw in rows:
                bound = None if bytes(ident) == case_id else case_id
                expected = purge.event_tag(key, bound, bytes(author), seq)
                if not hmac.compare_digest(bytes(tag), expected):
                    continue
                bare = purge.strip(bytes(raw))
                if bare != bytes(raw):
                    self.conn.execute("UPDATE events SET raw = ? WHERE seqno = ?", (bare, seqno))
                stripped.add(bytes(ident))
        return stripped

    def drop_blob(self, net: bytes, ident: bytes) -> None:
        """Delete an attachment's chunks for good: they may not be uploaded again."""
        with self.conn:
            self.conn.execute("DELETE FROM blob_chunks WHERE net = ? AND blob = ?", (net, ident))
            self.conn.execute(
                "INSERT OR IGNORE INTO purged_blobs (net, blob) VALUES (?, ?)", (net, ident)
            )

    def blob_purged(self, net: bytes, ident: bytes) -> bool:
        row = self.conn.execute(
            "SELECT 1 FROM purged_blobs WHERE net = ? AND blob = ?", (net, ident)
        ).fetchone()
        return row is not None

    def checkpoint(self) -> None:
        """Empty the write-ahead log (after a purge: no earlier page image stays in it)."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    # -- reading -----------------------------------------------------------------------
    def max_seqno(self, net: bytes) -> int:
        row = self.conn.execute("SELECT max(seqno) FROM events WHERE net = ?", (net,)).fetchone()
        return int(row[0] or 0)

    def first_missing(self, net: bytes, behind: dict[bytes, int]) -> int:
        """Where a catch-up starts: just before the earliest-arrived event the peer lacks,
        given the last ``seq`` it has of each chain it is behind on (one index lookup per
        chain, so a peer missing the last few events is not sent the network's history to
        filter)."""
        starts = [
            row[0]
            for author, seq in behind.items()
            for row in self.conn.execute(
                "SELECT seqno FROM events WHERE net = ? AND author = ? AND seq > ? "
                "ORDER BY seq LIMIT 1",
                (net, author, seq),
            )
        ]
        return min(starts, default=1) - 1

    def stream(
        self, net: bytes, upto: int, after: int = 0, chunk: int = 256
    ) -> Iterator[list[tuple[int, bytes, int, bytes]]]:
        """Chunks of ``(seqno, author, seq, raw)`` in arrival order, ``after < seqno <=
        upto``. Arrival order keeps every author's chain in order."""
        while True:
            rows = self.conn.execute(
                "SELECT seqno, author, seq, raw FROM events "
                "WHERE net = ? AND seqno > ? AND seqno <= ? ORDER BY seqno LIMIT ?",
                (net, after, upto, chunk),
            ).fetchall()
            if not rows:
                return
            yield [(int(s), bytes(a), int(q), bytes(r)) for s, a, q, r in rows]
            after = int(rows[-1][0])
