"""The stored events' per-author chains: storing an event, finding its chain's head,
holding one that came before its turn.

Every event this library stores goes through :meth:`Chains.store`, so within one write
transaction the head of each chain stored to (and the network's highest Lamport time)
is known without a lookup (``Database.memo``): the next event of a chain then costs no
query to place, in a sync's batch as in a run of appends (docs/benchmarks.md, "Fewer
statements an event"). A chain not met yet in the transaction is read from the database.
"""

from __future__ import annotations

import time
from typing import Any, NamedTuple

from casebook.core.model import purge
from casebook.core.model.events import Event
from casebook.store.database import Database


def now_ms() -> int:
    return int(time.time() * 1000)


class Head(NamedTuple):
    seq: int  # 0: nothing of this chain stored
    id: bytes | None
    epoch: int | None
    dup: bool = False  # the event asked about is stored already


def _head_of(row: Any) -> Head:
    """A chain's head from a row of (seq, id, epoch); no row, or NULLs: nothing stored."""
    if row is None or row["seq"] is None:
        return Head(0, None, None)
    return Head(row["seq"], bytes(row["id"]), row["epoch"])


class Chains:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- heads -----------------------------------------------------------------------
    def head(self, event: Event) -> Head:
        """Where a received ``event`` stands in its chain. The event next to a head
        known in this transaction cannot be stored already (a stored event with its id
        has its seq)."""
        known: Head | None = self.db.memo.get(("head", event.net, event.author))
        if known is not None and event.seq == known.seq + 1:
            return known
        row = self.db.one(
            "SELECT seq, id, epoch, EXISTS (SELECT 1 FROM events WHERE id = :id) AS dup "
            "FROM events WHERE net = :net AND author = :author ORDER BY seq DESC LIMIT 1",
            {"id": event.id, "net": event.net, "author": event.author},
        )
        head = self._known(event.net, event.author, _head_of(row))
        return head if row is None else head._replace(dup=bool(row["dup"]))

    def own(self, net: bytes, author: bytes) -> tuple[Head, int]:
        """The head of the chain we write next to, and the network's highest Lamport time
        (0: none), for an event of ours; one query unless known in this transaction."""
        head: Head | None = self.db.memo.get(("head", net, author))
        lamport: int | None = self.db.memo.get(("lamport", net))
        if head is not None and lamport is not None:
            return head, lamport
        row = self.db.one(
            "SELECT (SELECT max(lamport) FROM events WHERE net = :net) AS lamport, h.* "
            "FROM (SELECT 1) LEFT JOIN (SELECT seq, id, epoch FROM events "
            "WHERE net = :net AND author = :me ORDER BY seq DESC LIMIT 1) h",
            {"net": net, "me": author},
        )
        assert row is not None
        lamport = row["lamport"] or 0
        if self.db.in_transaction:
            self.db.memo[("lamport", net)] = lamport
        return self._known(net, author, _head_of(row)), lamport

    def _known(self, net: bytes, author: bytes, head: Head) -> Head:
        if self.db.in_transaction:
            self.db.memo[("head", net, author)] = head
        return head

    def store(self, event: Event) -> None:
        """Store ``event`` at the head of its chain (the caller checked it belongs there)."""
        self.db.execute(
            "INSERT INTO events (id, net, author, seq, lamport, kind, raw, received_at, epoch, "
            "tag) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event.id,
                event.net,
                event.author,
                event.seq,
                event.header.lamport,
                event.kind,
                event.stored or event.raw,
                now_ms(),
                event.header.epoch,
                purge.stored_tag(event),
            ),
        )
        memo = self.db.memo
        memo[("head", event.net, event.author)] = Head(event.seq, event.id, event.header.epoch)
        lamport = memo.get(("lamport", event.net))
        if lamport is not None and event.header.lamport > lamport:
            memo[("lamport", event.net)] = event.header.lamport

    # -- held events -----------------------------------------------------------------
    def hold(self, event: Event, raw: bytes) -> None:
        """Keep an event that came before its chain's turn (``raw``: maybe bodiless);
        a full copy takes the place of a bodiless one held before it."""
        self.db.filled("held_events")
        self.db.execute(
            "INSERT INTO held_events (id, net, author, seq, raw, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET raw = excluded.raw "
            "WHERE length(excluded.raw) > length(held_events.raw)",
            (event.id, event.net, event.author, event.seq, raw, now_ms()),
        )

    def take_next_held(self, event: Event) -> bytes | None:
        """The held event that follows ``event`` in its chain (no longer held), if any."""
        if self.db.known_empty("held_events"):
            return None
        row = self.db.one(
            "SELECT id, raw FROM held_events WHERE net = ? AND author = ? AND seq = ?",
            (event.net, event.author, event.seq + 1),
        )
        if row is None:
            return None
        self.db.execute("DELETE FROM held_events WHERE id = ?", (row["id"],))
        return bytes(row["raw"])
