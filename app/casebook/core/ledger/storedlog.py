"""Whole-log reads of the stored events: in arrival order, and verified again."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator

from casebook.core.ledger.wire_form import DamagedEvent, wire_forms
from casebook.core.model import events
from casebook.core.model.events import EventError
from casebook.store.database import Database


def stored(db: Database) -> Iterator[tuple[int, bytes, bytes]]:
    """(position, id, stored form) of every stored event in arrival order (its wire form
    through ``wire_form``)."""
    last = 0
    while True:
        rows = db.all(
            "SELECT seqno, id, raw FROM events WHERE seqno > ? ORDER BY seqno LIMIT 500",
            (last,),
        )
        if not rows:
            return
        for row in rows:
            yield row["seqno"], bytes(row["id"]), bytes(row["raw"])
        last = rows[-1]["seqno"]


def verify_all(db: Database) -> list[str]:
    """Re-verify every stored event and every chain link; returns the problems found."""
    problems: list[str] = []
    heads: dict[tuple[bytes, bytes], tuple[int, bytes | None]] = {}
    wire = wire_forms(db)
    for position, event_id, kept in stored(db):
        try:
            event = events.parse(wire.of(kept), stripped_ok=True)
            if event.id != event_id:
                raise EventError("stored under the wrong id")
        except EventError as exc:
            problems.append(f"event #{position} ({event_id.hex()[:12]}): {exc}")
            continue
        except DamagedEvent as exc:
            problems.append(f"event #{position} ({event_id.hex()[:12]}): {exc.reason}")
            continue
        key = (event.net, event.author)
        prev_seq, prev_id = heads.get(key, (0, None))
        if event.seq != prev_seq + 1 or event.header.prev != prev_id:
            problems.append(f"event #{position} ({event_id.hex()[:12]}): breaks its chain")
        heads[key] = (event.seq, event.id)
    return problems


def record_fork(db: Database, event: events.Event) -> None:
    """``event`` takes a place in its author's chain that another event holds: kept aside
    (its id, beside the one kept) for the user to see."""
    kept = db.scalar(
        "SELECT id FROM events WHERE net = ? AND author = ? AND seq = ?",
        (event.net, event.author, event.seq),
    )
    db.execute(
        "INSERT OR IGNORE INTO forks (net, author, seq, kept, other, detected_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        (event.net, event.author, event.seq, kept or b"", event.id, int(time.time() * 1000)),
    )


def tallies(db: Database) -> dict[str, int]:
    """How many events are stored, and how many are forks, held back or rejected."""
    return {
        "events": int(db.scalar("SELECT count(*) FROM events")),
        "forks": int(db.scalar("SELECT count(*) FROM forks")),
        "held": int(db.scalar("SELECT count(*) FROM held_events")),
        "rejected": int(db.scalar("SELECT count(*) FROM rejected")),
    }


UNKNOWN_KIND = "unreadable payload: unknown event kind"


def relearned(db: Database, known: Iterable[str]) -> bool:
    """Whether some stored event was rejected for a kind this version knows (written by
    a newer colleague before this profile's upgrade): a rebuild applies it now. The
    rejected events drive the join (CROSS JOIN): the planner otherwise read every stored
    event, seconds at every unlock of a large library."""
    rows = db.all(
        "SELECT DISTINCT e.kind FROM rejected r CROSS JOIN events e ON e.id = r.event_id "
        "WHERE r.reason LIKE ? || '%'",
        (UNKNOWN_KIND,),
    )
    return bool({r["kind"] for r in rows} & set(known))
