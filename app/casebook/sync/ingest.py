"""Received events: verified (and opened) on worker threads, ingested in batches.

Verification is the costly part that parallelises: Ed25519 releases the GIL, so the
sync engine runs :func:`parse_all` on a thread pool while the event loop's thread
ingests what has been verified, the batches that arrived together in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from casebook.core.ledger.bundle import count
from casebook.core.ledger.eventlog import EventLog, Outcome
from casebook.core.ledger.wire_form import DamagedEvent
from casebook.core.model import events, membership, payloads
from casebook.core.model.events import Event, EventError
from casebook.core.model.kinds import EventKind

Verified = tuple[Event, dict[str, Any] | None]
MAX_TRANSACTION = 4000
# Kinds after which this computer may have something to do (re-key, confirm a
# withdrawal, hold a flagged item under the moderation policy); events ingested in one
# transaction when they arrive together.
_TOUCHING = membership.KINDS | {
    EventKind.CASE_WITHDRAW,
    EventKind.FLAG_CREATE,
    EventKind.MODERATION_POLICY,
}


def parse_all(
    raws: list[bytes], seeds: dict[int, list[bytes]] | None = None
) -> list[Verified | str]:
    """Verify events (and open their bodies with ``seeds``, epoch → candidate seeds in
    the order the event log tries them); runs on worker threads. A refusal is a str."""
    out: list[Verified | str] = []
    for raw in raws:
        try:
            event = events.parse(raw, stripped_ok=True)  # a withdrawn case's, without body
        except EventError as exc:
            out.append(str(exc))
            continue
        out.append(open_body(event, (seeds or {}).get(event.header.epoch, [])))
    return out


def open_body(event: Event, candidates: list[bytes]) -> Verified:
    """The event with its payload, when a seed opens it and it is valid; the event then
    carries the form the library keeps it in (``events.open_form``), packed here on the
    worker thread rather than by the ingest."""
    for seed in candidates:
        try:
            plain = event.open(seed)
            payload = payloads.validate(event.kind, events.payload_of(plain))
        except events.WrongKey:
            continue
        except EventError:
            return event, None  # the event log rejects it with the reason, on its own path
        return replace(event, stored=events.open_form(event, plain)), payload
    return event, None


@dataclass
class SyncReport:
    net: bytes
    relay: str
    announced: int = 0
    received: int = 0
    applied: int = 0
    duplicate: int = 0
    held: int = 0
    forks: int = 0
    refused: list[str] = field(default_factory=list)
    sent: int = 0
    not_taken: list[str] = field(default_factory=list)
    attachments_sent: int = 0
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "network": self.net.hex(),
            "relay": self.relay,
            "received": self.received,
            "applied": self.applied,
            "duplicate": self.duplicate,
            "held": self.held,
            "forks": self.forks,
            "refused": len(self.refused),
            "sent": self.sent,
            "not_taken_by_relay": len(self.not_taken),
            "attachments_sent": self.attachments_sent,
            "error": self.error,
        }


def ingest(
    log: EventLog, batches: list[list[Verified | str]], report: SyncReport, relay_have: dict
) -> bool:
    """Ingest verified batches in one transaction; True if the membership changed (or a
    withdrawal was applied: this computer then confirms it)."""
    touched = False
    with log.batch():
        for batch in batches:
            for item in batch:
                report.received += 1
                if isinstance(item, str):
                    report.refused.append(item)
                    continue
                event, payload = item
                if relay_have.get(event.author, 0) < event.seq:
                    relay_have[event.author] = event.seq
                try:
                    outcome = log.ingest_event(event, payload)
                except DamagedEvent:
                    raise  # a stored event re-read half-way: the batch is undone
                except EventError as exc:
                    report.refused.append(str(exc))
                    continue
                count(report, outcome)
                if outcome == Outcome.APPLIED and event.kind in _TOUCHING:
                    touched = True
    return touched
