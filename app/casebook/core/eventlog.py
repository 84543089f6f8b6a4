"""The event log of a profile: appending our own events, ingesting others', rebuilding.

Every event is verified (canonical encoding, body hash, signature, per-author chain)
before it is stored; storing and applying happen in one transaction, so an event is
either fully in the library or not at all. Chains: ``seq`` must follow the author's last
stored event and ``prev`` must be its id. A later ``seq`` is held until the gap fills; a
different event at an existing ``seq`` is a fork, kept aside and reported.
"""

from __future__ import annotations

import enum
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from casebook.core import events, payloads
from casebook.core.events import Event, EventError
from casebook.core.identity import Identity
from casebook.core.projection import Projector
from casebook.store.database import Database
from casebook.store.schema import clear_derived


class Outcome(enum.Enum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    HELD = "held"
    FORK = "fork"


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class VerifyReport:
    events: int = 0
    problems: list[str] | None = None


class EventLog:
    def __init__(self, db: Database, identity: Identity) -> None:
        self.db = db
        self.identity = identity
        self.projector = Projector(db, self._load)
        self._seeds: dict[tuple[bytes, int], bytes] = {}

    # -- keys ---------------------------------------------------------------------
    def seed(self, net: bytes, epoch: int) -> bytes:
        cached = self._seeds.get((net, epoch))
        if cached is not None:  # seeds never change once stored
            return cached
        seed = self.db.scalar(
            "SELECT seed FROM epoch_keys WHERE net = ? AND epoch = ?", (net, epoch)
        )
        if seed is None:
            raise EventError("no key for this network epoch")
        self._seeds[(net, epoch)] = bytes(seed)
        return bytes(seed)

    def current_epoch(self, net: bytes) -> int:
        epoch = self.db.scalar("SELECT max(epoch) FROM epoch_keys WHERE net = ?", (net,))
        if epoch is None:
            raise EventError("this profile holds no key for that network")
        return int(epoch)

    def add_seed(self, net: bytes, epoch: int, seed: bytes) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO epoch_keys (net, epoch, seed) VALUES (?, ?, ?)",
            (net, epoch, seed),
        )

    # -- our own events -------------------------------------------------------------
    def append(
        self, net: bytes, kind: str, payload: dict[str, Any], pub: dict[str, Any] | None = None
    ) -> Event:
        """Validate, sign, store and apply one event of ours; returns it."""
        clean = payloads.validate(kind, payload)
        with self.db.transaction():
            # One round trip for the chain head, the network's clock and its epoch.
            state = self.db.one(
                "SELECT (SELECT seq FROM events WHERE net = :net AND author = :me "
                "ORDER BY seq DESC LIMIT 1) AS seq, "
                "(SELECT id FROM events WHERE net = :net AND author = :me "
                "ORDER BY seq DESC LIMIT 1) AS id, "
                "(SELECT max(lamport) FROM events WHERE net = :net) AS lamport, "
                "(SELECT max(epoch) FROM epoch_keys WHERE net = :net) AS epoch",
                {"net": net, "me": self.identity.public_key},
            )
            assert state is not None
            if state["epoch"] is None:
                raise EventError("this profile holds no key for that network")
            epoch, lamport = int(state["epoch"]), state["lamport"] or 0
            event = events.create(
                self.identity,
                net=net,
                seq=1 if state["seq"] is None else state["seq"] + 1,
                prev=None if state["id"] is None else bytes(state["id"]),
                lamport=min(lamport + 1, events.MAX_INT),
                ts=now_ms(),
                kind=kind,
                epoch=epoch,
                seed=self.seed(net, epoch),
                payload=clean,
                pub=pub,
                payload_checked=True,
            )
            self._store(event)
            self.projector.apply(event, clean)
        return event

    # -- events from elsewhere ------------------------------------------------------
    def ingest(self, raw: bytes) -> Outcome:
        """Verify and apply an event received from another member (or a bundle).

        Raises :class:`EventError` for anything forged, tampered or unreadable; nothing is
        stored in that case.
        """
        event = events.parse(raw)
        payload = self._open(event)
        with self.db.transaction():
            if self.db.scalar("SELECT 1 FROM events WHERE id = ?", (event.id,)):
                return Outcome.DUPLICATE
            head = self.db.one(
                "SELECT seq, id FROM events WHERE net = ? AND author = ? ORDER BY seq DESC LIMIT 1",
                (event.net, event.author),
            )
            have = 0 if head is None else head["seq"]
            if event.seq <= have:
                self._record_fork(event)
                return Outcome.FORK
            if event.seq > have + 1:
                self.db.execute(
                    "INSERT OR IGNORE INTO held_events (id, net, author, seq, raw, received_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (event.id, event.net, event.author, event.seq, event.raw, now_ms()),
                )
                return Outcome.HELD
            if event.header.prev != (None if head is None else bytes(head["id"])):
                self._record_fork(event)
                return Outcome.FORK
            self._store(event)
            self.projector.apply(event, payload)
            self._drain_held(event)
        return Outcome.APPLIED

    def _open(self, event: Event) -> dict[str, Any]:
        known = event.kind == "network.create" or self.db.scalar(
            "SELECT 1 FROM networks WHERE id = ?", (event.net,)
        )
        if not known:
            raise EventError("event of a network this profile is not in")
        return payloads.validate(
            event.kind, event.decrypt(self.seed(event.net, event.header.epoch))
        )

    def _drain_held(self, event: Event) -> None:
        nxt = self.db.one(
            "SELECT id, raw FROM held_events WHERE net = ? AND author = ? AND seq = ?",
            (event.net, event.author, event.seq + 1),
        )
        while nxt is not None:
            self.db.execute("DELETE FROM held_events WHERE id = ?", (nxt["id"],))
            candidate = events.parse(bytes(nxt["raw"]))
            if candidate.header.prev != event.id:
                self._record_fork(candidate)
                return
            self._store(candidate)
            self.projector.apply(candidate, self._open(candidate))
            event = candidate
            nxt = self.db.one(
                "SELECT id, raw FROM held_events WHERE net = ? AND author = ? AND seq = ?",
                (event.net, event.author, event.seq + 1),
            )

    def _record_fork(self, event: Event) -> None:
        kept = self.db.scalar(
            "SELECT id FROM events WHERE net = ? AND author = ? AND seq = ?",
            (event.net, event.author, event.seq),
        )
        self.db.execute(
            "INSERT OR IGNORE INTO forks (net, author, seq, kept, other, detected_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (event.net, event.author, event.seq, kept or b"", event.id, now_ms()),
        )

    def _store(self, event: Event) -> None:
        self.db.execute(
            "INSERT INTO events (id, net, author, seq, lamport, kind, raw, received_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event.id,
                event.net,
                event.author,
                event.seq,
                event.header.lamport,
                event.kind,
                event.raw,
                now_ms(),
            ),
        )

    def _load(self, event_id: bytes) -> tuple[Event, dict[str, Any]] | None:
        raw = self.db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,))
        if raw is None:
            return None
        event = events.parse(bytes(raw))
        return event, self._open(event)

    # -- whole-log operations -------------------------------------------------------
    def stored(self) -> Iterator[tuple[int, bytes, bytes]]:
        """(position, id, raw) of every stored event in arrival order."""
        last = 0
        while True:
            rows = self.db.all(
                "SELECT seqno, id, raw FROM events WHERE seqno > ? ORDER BY seqno LIMIT 500",
                (last,),
            )
            if not rows:
                return
            for row in rows:
                yield row["seqno"], bytes(row["id"]), bytes(row["raw"])
            last = rows[-1]["seqno"]

    def verify_all(self) -> list[str]:
        """Re-verify every stored event and every chain link; returns the problems found."""
        problems: list[str] = []
        heads: dict[tuple[bytes, bytes], tuple[int, bytes]] = {}
        for position, event_id, raw in self.stored():
            try:
                event = events.parse(raw)
                if event.id != event_id:
                    raise EventError("stored under the wrong id")
                self._open(event)
            except EventError as exc:
                problems.append(f"event #{position} ({event_id.hex()[:12]}): {exc}")
                continue
            key = (event.net, event.author)
            prev_seq, prev_id = heads.get(key, (0, None))  # type: ignore[arg-type]
            if event.seq != prev_seq + 1 or event.header.prev != prev_id:
                problems.append(f"event #{position} ({event_id.hex()[:12]}): breaks its chain")
            heads[key] = (event.seq, event.id)
        return problems

    def rebuild(self) -> int:
        """Empty the derived tables and re-apply every event, verifying each again."""
        problems = self.verify_all()
        if problems:
            raise EventError(
                f"{len(problems)} stored event(s) failed verification; first: {problems[0]}"
            )
        count = 0
        with self.db.transaction():
            clear_derived(self.db)
            for _, _, raw in self.stored():
                event = events.parse(raw)
                self.projector.apply(event, self._open(event))
                count += 1
        return count
