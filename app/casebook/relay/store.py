"""What a relay stores, in one SQL that SQLite and PostgreSQL both speak.

It holds only what the relay may see: signed events with encrypted bodies (the clear
header carries public keys, sequence numbers, clocks, kinds and epoch numbers), sealed
welcome packages it cannot open, and byte counts. An event is acknowledged to a client
only after its transaction is durable. :class:`RelayStore` holds the queries; an engine
(``sqlite_store.py``, the embedded default, or ``pg_store.py``) gives it a connection,
transactions, a per-network writer lock and its schema. Placeholders are ``?`` and
``:name``; ``relay/storage.py`` opens the right one.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Protocol

from casebook.core.model import purge
from casebook.core.model.events import Event

# Withdrawals (docs/protocol.md, "Withdrawal"): each event keeps its purge tag (``tag``,
# 16 bytes, or empty), so the events of a withdrawn case are found without reading
# bodies; ``withdrawals`` remembers the keys revealed (``applied`` 0: waiting for the
# case to arrive); ``purged_blobs`` the attachment ids that may not come back.
# Each author's newest event in network :net. The authors are walked along the (net, author,
# seq) index one lookup each (a skip-scan), so a relay starting on a network of a million
# events reads a few hundred index entries, not every row.
HEADS = """
WITH RECURSIVE authors(author) AS (
    SELECT (SELECT author FROM events WHERE net = :net ORDER BY author LIMIT 1)
    UNION ALL
    SELECT (
        SELECT author FROM events WHERE net = :net AND author > authors.author
        ORDER BY author LIMIT 1
    )
    FROM authors WHERE authors.author IS NOT NULL
)
SELECT {} FROM authors JOIN events e ON e.net = :net AND e.author = authors.author
    AND e.seq = (SELECT max(seq) FROM events WHERE net = :net AND author = authors.author)
"""


FIRST_MISSING_CHUNK = 256  # chains a statement of :meth:`RelayStore.first_missing` looks up


def now_ms() -> int:
    return int(time.time() * 1000)


class StoreUnavailable(Exception):
    """The store cannot be reached (PostgreSQL down or unreachable): the request in hand
    is refused with ``storage``; the next one tries again."""


class Cursor(Protocol):
    """What the stores read back from a statement (sqlite3's and psycopg's cursors)."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def fetchmany(self, size: int) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class RelayStore:
    """The relay's queries; an engine subclass supplies :meth:`execute`,
    :meth:`transaction`, :meth:`lock_network`, :meth:`close` and :attr:`where` (what to
    name in messages)."""

    where = ""

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        raise NotImplementedError

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        for row in rows:
            self.execute(sql, row)

    def transaction(self) -> AbstractContextManager[None]:
        """A durable write transaction (the engine's strongest: nothing half-written)."""
        raise NotImplementedError

    def snapshot(self) -> AbstractContextManager[None]:
        """Reads that see one moment of the store (writers elsewhere go on)."""
        raise NotImplementedError

    def lock_creation(self) -> None:
        """Inside :meth:`transaction`: hold the lock that makes creations of networks
        (and the count of them) one at a time across processes."""

    def lock_network(self, net: bytes) -> None:
        """Inside :meth:`transaction`: hold the writer lock of ``net`` until it ends, so
        events of one network get their ``seqno`` in the order they become visible."""

    def close(self) -> None:
        raise NotImplementedError

    def checkpoint(self) -> None:
        """After a purge: let the engine drop the pages that held what was purged."""

    # -- processes sharing the store (PostgreSQL; one process keeps a status file) --------
    shared = False  # True: other relay processes may write to this store too

    def report(self, process: str, status: dict[str, Any]) -> None:
        """Record what ``process`` serves now, for ``casebook-relay status``."""

    def forget_process(self, process: str) -> None:
        """``process`` stops: its report goes."""

    def live_reports(self, since: float) -> list[dict[str, Any]]:
        """The reports of the processes that reported after ``since`` (Unix seconds)."""
        return []

    def announce(self, net: bytes, seqno: int) -> None:
        """Events of ``net`` up to ``seqno`` are stored (committed): tell the other
        processes."""

    async def listen(self, notified: Callable[[bytes | None, int], None]) -> None:
        """Call ``notified(net, seqno)`` for each :meth:`announce` of any process, and
        ``notified(None, 0)`` whenever some may have been missed; runs until cancelled."""

    # -- networks ----------------------------------------------------------------------
    def networks(self) -> list[bytes]:
        return [bytes(r[0]) for r in self.execute("SELECT id FROM networks ORDER BY id")]

    def has_network(self, net: bytes) -> bool:
        return self.execute("SELECT 1 FROM networks WHERE id = ?", (net,)).fetchone() is not None

    def heads(self, net: bytes) -> dict[bytes, tuple[int, bytes]]:
        rows = self.execute(HEADS.format("e.author, e.seq, e.id"), {"net": net})
        return {bytes(a): (seq, bytes(i)) for a, seq, i in rows}

    def head_raws(self, net: bytes) -> list[bytes]:
        """Each author's newest event (the highest Lamport clock of their chain)."""
        return [bytes(r[0]) for r in self.execute(HEADS.format("e.raw"), {"net": net})]

    def membership_raws(self, net: bytes) -> list[bytes]:
        rows = self.execute(
            "SELECT raw FROM events WHERE net = ? AND membership = 1 ORDER BY seqno", (net,)
        )
        return [bytes(r[0]) for r in rows]

    def usage(self, net: bytes) -> tuple[int, int]:
        """(events, bytes) stored for ``net``: its counters, kept by every write in the
        same transaction (one row, however large the network)."""
        row = self.execute("SELECT events, bytes FROM net_usage WHERE net = ?", (net,)).fetchone()
        return (0, 0) if row is None else (int(row[0]), int(row[1]))

    def _count(self, net: bytes, events: int, size: int) -> None:
        self.execute(
            "INSERT INTO net_usage (net, events, bytes) VALUES (?, ?, ?) ON CONFLICT (net) "
            "DO UPDATE SET events = net_usage.events + excluded.events, "
            "bytes = net_usage.bytes + excluded.bytes",
            (net, events, size),
        )

    def recount(self) -> None:
        """Every network's counters from what is stored (a store from before them)."""
        with self.transaction():
            self.execute("DELETE FROM net_usage")
            for net in self.networks():
                self._count(net, *self.measured_usage(net))

    def measured_usage(self, net: bytes) -> tuple[int, int]:
        """(events, bytes) of ``net`` counted row by row (what :meth:`usage` keeps)."""
        row = self.execute(
            "SELECT count(*), coalesce(sum(length(raw)), 0) FROM events WHERE net = ?", (net,)
        ).fetchone()
        extra = self.execute(
            "SELECT (SELECT coalesce(sum(length(sealed)), 0) FROM welcomes WHERE net = :net) + "
            "(SELECT coalesce(sum(length(data)), 0) FROM blob_chunks WHERE net = :net)",
            {"net": net},
        ).fetchone()
        return int(row[0]), int(row[1]) + int(extra[0])

    def event_id_at(self, net: bytes, author: bytes, seq: int) -> bytes | None:
        row = self.execute(
            "SELECT id FROM events WHERE net = ? AND author = ? AND seq = ?", (net, author, seq)
        ).fetchone()
        return None if row is None else bytes(row[0])

    # -- writing -----------------------------------------------------------------------
    def store(self, net: bytes, batch: list[tuple[Event, bool]], new_network: bool) -> int:
        """Store events in one durable transaction; returns the newest ``seqno``."""
        received = now_ms()
        with self.transaction():
            self.lock_network(net)
            if new_network:
                self.execute(
                    "INSERT INTO networks (id, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    (net, received),
                )
            last = 0
            for event, is_membership in batch:
                cursor = self.execute(
                    "INSERT INTO events (net, id, author, seq, membership, raw, received_at, "
                    "tag) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING seqno",
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
                last = int(cursor.fetchone()[0])
            self._count(net, len(batch), sum(len(event.raw) for event, _ in batch))
        return last

    def put_welcome(self, net: bytes, key: bytes, sealed: bytes) -> int:
        """Store (or replace) an invite's sealed welcome package; returns the growth in
        bytes (negative when it shrank)."""
        with self.transaction():
            old = self.execute(
                "SELECT length(sealed) FROM welcomes WHERE net = ? AND key = ?", (net, key)
            ).fetchone()
            self.execute(
                "INSERT INTO welcomes (net, key, sealed, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (net, key) DO UPDATE SET sealed = excluded.sealed, "
                "updated_at = excluded.updated_at",
                (net, key, sealed, now_ms()),
            )
            growth = len(sealed) - (int(old[0]) if old else 0)
            self._count(net, 0, growth)
        return growth

    def welcome(self, net: bytes, key: bytes) -> bytes | None:
        row = self.execute(
            "SELECT sealed FROM welcomes WHERE net = ? AND key = ?", (net, key)
        ).fetchone()
        return None if row is None else bytes(row[0])

    def drop_welcomes(self, net: bytes, keys: list[bytes]) -> None:
        with self.transaction():
            for key in keys:
                row = self.execute(
                    "DELETE FROM welcomes WHERE net = ? AND key = ? RETURNING length(sealed)",
                    (net, key),
                ).fetchone()
                if row is not None:
                    self._count(net, 0, -int(row[0]))

    # -- recovery boxes (one per member, sealed: ``core/model/recovery.py``) ---------------
    def put_box(self, ident: bytes, net: bytes, sealed: bytes) -> None:
        self.execute(
            "INSERT INTO recovery_boxes (id, net, sealed, updated_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET net = excluded.net, sealed = excluded.sealed, "
            "updated_at = excluded.updated_at",
            (ident, net, sealed, now_ms()),
        )

    def box(self, ident: bytes) -> bytes | None:
        row = self.execute("SELECT sealed FROM recovery_boxes WHERE id = ?", (ident,)).fetchone()
        return None if row is None else bytes(row[0])

    # -- attachments (sealed chunks under opaque ids) -----------------------------------
    def blobs_missing(self, net: bytes, ids: list[bytes]) -> list[bytes]:
        """The ids of which the relay does not hold every chunk."""
        missing = []
        for ident in ids:
            if self.blob_purged(net, ident):
                continue  # withdrawn: the relay does not want it back
            row = self.execute(
                "SELECT count(*), max(total) FROM blob_chunks WHERE net = ? AND blob = ?",
                (net, ident),
            ).fetchone()
            if not row[0] or row[0] != row[1]:
                missing.append(ident)
        return missing

    def put_chunk(self, net: bytes, ident: bytes, idx: int, total: int, data: bytes) -> bool:
        """Store a chunk durably; False when it was there already."""
        with self.transaction():
            cursor = self.execute(
                "INSERT INTO blob_chunks (net, blob, idx, total, data) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                (net, ident, idx, total, data),
            )
            stored = cursor.rowcount == 1
            if stored:
                self._count(net, 0, len(data))
        return stored

    def chunk(self, net: bytes, ident: bytes, idx: int) -> tuple[int, bytes] | None:
        row = self.execute(
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
        rows = self.execute(
            f"SELECT raw FROM events WHERE net = ? AND id IN ({places}) ORDER BY seqno",  # noqa: S608
            (net, *ids),
        ).fetchall()
        return [bytes(r[0]) for r in rows]

    def event_at(self, net: bytes, event_id: bytes) -> tuple[int, bytes] | None:
        """Where an event arrived (its ``seqno``) and its raw form."""
        row = self.execute(
            "SELECT seqno, raw FROM events WHERE net = ? AND id = ?", (net, event_id)
        ).fetchone()
        return None if row is None else (int(row[0]), bytes(row[1]))

    def put_withdrawal(
        self, net: bytes, clear: purge.Withdrawal, author: bytes, seq: int, applied: bool
    ) -> None:
        """Remember a withdrawal (by the ``seq``-th event of chain ``author``)."""
        self.execute(
            "INSERT INTO withdrawals (net, case_id, key, author, seq, blobs, applied) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (net, case_id, author, seq) "
            "DO UPDATE SET key = excluded.key, blobs = excluded.blobs, applied = excluded.applied",
            (net, clear.case, clear.key, author, seq, b"".join(clear.blobs), int(applied)),
        )

    def withdrawn_keys(self, net: bytes) -> list[tuple[bytes, bytes]]:
        """(case, purge key) of each withdrawal of ``net`` applied here."""
        rows = self.execute(
            "SELECT DISTINCT case_id, key FROM withdrawals WHERE net = ? AND applied = 1", (net,)
        ).fetchall()
        return [(bytes(case), bytes(key)) for case, key in rows]

    def waiting_withdrawals(
        self, net: bytes, case: bytes
    ) -> list[tuple[purge.Withdrawal, bytes, int]]:
        """(withdrawal, its author, its seq) of those that wait for ``case`` to arrive."""
        rows = self.execute(
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
        with self.transaction():
            self.lock_network(net)
            rows = self.execute(
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
                    self.execute("UPDATE events SET raw = ? WHERE seqno = ?", (bare, seqno))
                    self._count(net, 0, len(bare) - len(raw))
                stripped.add(bytes(ident))
        return stripped

    def drop_blob(self, net: bytes, ident: bytes) -> None:
        """Delete an attachment's chunks for good: they may not be uploaded again."""
        with self.transaction():
            rows = self.execute(
                "DELETE FROM blob_chunks WHERE net = ? AND blob = ? RETURNING length(data)",
                (net, ident),
            ).fetchall()
            self._count(net, 0, -sum(int(r[0]) for r in rows))
            self.execute(
                "INSERT INTO purged_blobs (net, blob) VALUES (?, ?) ON CONFLICT DO NOTHING",
                (net, ident),
            )

    def blob_purged(self, net: bytes, ident: bytes) -> bool:
        row = self.execute(
            "SELECT 1 FROM purged_blobs WHERE net = ? AND blob = ?", (net, ident)
        ).fetchone()
        return row is not None

    # -- reading -----------------------------------------------------------------------
    def max_seqno(self, net: bytes) -> int:
        row = self.execute("SELECT max(seqno) FROM events WHERE net = ?", (net,)).fetchone()
        return int(row[0] or 0)

    def first_missing(self, net: bytes, behind: dict[bytes, int]) -> int:
        """Where a catch-up starts: just before the earliest-arrived event the peer lacks,
        given the last ``seq`` it has of each chain it is behind on (the next event of
        each chain, found by its (net, author, seq) key, a few hundred chains a statement,
        so a peer missing the last few events is not sent the network's history to
        filter, and one with thousands of chains costs a few round trips)."""
        lacking = [(author, seq + 1) for author, seq in behind.items()]
        starts = []
        for first in range(0, len(lacking), FIRST_MISSING_CHUNK):
            part = lacking[first : first + FIRST_MISSING_CHUNK]
            values = ", ".join(["(?, ?)"] * len(part))
            row = self.execute(
                f"WITH lacking(author, seq) AS (VALUES {values}) "  # noqa: S608
                "SELECT min(e.seqno) FROM lacking JOIN events e "
                "ON e.net = ? AND e.author = lacking.author AND e.seq = lacking.seq",
                (*(v for pair in part for v in pair), net),
            ).fetchone()
            if row is not None and row[0] is not None:
                starts.append(int(row[0]))
        return min(starts, default=1) - 1

    def stream(
        self, net: bytes, upto: int, after: int = 0, chunk: int = 256
    ) -> Iterator[list[tuple[int, bytes, int, bytes]]]:
        """Chunks of ``(seqno, author, seq, raw)`` in arrival order, ``after < seqno <=
        upto``. Arrival order keeps every author's chain in order."""
        while True:
            rows = self.execute(
                "SELECT seqno, author, seq, raw FROM events "
                "WHERE net = ? AND seqno > ? AND seqno <= ? ORDER BY seqno LIMIT ?",
                (net, after, upto, chunk),
            ).fetchall()
            if not rows:
                return
            yield [(int(s), bytes(a), int(q), bytes(r)) for s, a, q, r in rows]
            after = int(rows[-1][0])
