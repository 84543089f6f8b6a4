"""Offline bundles: a network's events in one file, for removable media or e-mail.

A bundle holds exactly what a relay would hold: signed events with encrypted bodies,
and the sealed welcome packages of open invites this profile made (each opens only with
its invite code). Format: ``CASEBOOK-BUNDLE\\0`` followed by canonical CBOR
``{"v": 1, "net": bstr16, "events": [raw, ...], "welcomes": [[invite key, sealed], ...]}``.
Importing verifies every event like any received event; a bundle cannot smuggle anything
in that sync would refuse.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casebook.core.ledger.eventlog import EventLog, Outcome
from casebook.core.ledger.wire_form import wire_forms
from casebook.core.model.encoding import EncodingError, decode, encode
from casebook.core.model.events import EventError
from casebook.errors import CasebookError, UsageError, say
from casebook.store.database import Database
from casebook.store.files import atomic_write

MAGIC = b"CASEBOOK-BUNDLE\x00"
MAX_BUNDLE = 1 << 30
PROGRESS_EVERY = 200


@dataclass
class Bundle:
    net: bytes
    events: list[bytes]
    welcomes: dict[bytes, bytes] = field(default_factory=dict)

    def to_bytes(self) -> bytes:
        return MAGIC + encode(
            {
                "v": 1,
                "net": self.net,
                "events": self.events,
                "welcomes": [[k, v] for k, v in sorted(self.welcomes.items())],
            }
        )

    @classmethod
    def read(cls, path: Path) -> Bundle:
        try:
            if path.stat().st_size > MAX_BUNDLE:
                raise UsageError(say("{0} is larger than a bundle can be (1 GiB).", path))
            data = path.read_bytes()
        except OSError as exc:
            raise UsageError(say("Cannot read {0}: {1}.", path, exc.strerror)) from None
        bad = UsageError(say("{0} is not a Casebook bundle (or it is damaged).", path))
        if not data.startswith(MAGIC):
            raise bad
        try:
            value = decode(data[len(MAGIC) :], max_items=None)  # a file the member chose
        except EncodingError:
            raise bad from None
        if not (
            isinstance(value, dict)
            and value.get("v") == 1
            and isinstance(value.get("net"), bytes)
            and len(value["net"]) == 16
            and isinstance(value.get("events"), list)
            and all(isinstance(e, bytes) for e in value["events"])
            and isinstance(value.get("welcomes"), list)
        ):
            raise bad
        welcomes: dict[bytes, bytes] = {}
        for item in value["welcomes"]:
            if not (
                isinstance(item, list)
                and len(item) == 2
                and all(isinstance(x, bytes) for x in item)
            ):
                raise bad
            welcomes[item[0]] = item[1]
        return cls(value["net"], value["events"], welcomes)


@dataclass
class ImportReport:
    applied: int = 0
    duplicate: int = 0
    held: int = 0
    forks: int = 0
    refused: list[str] = field(default_factory=list)

    def note(self, outcome: Outcome) -> None:
        count(self, outcome)

    def to_json(self) -> dict[str, object]:
        return {
            "applied": self.applied,
            "duplicate": self.duplicate,
            "held": self.held,
            "forks": self.forks,
            "refused": len(self.refused),
            "first_refusal": self.refused[0] if self.refused else None,
        }


def export(db: Database, net: bytes, path: Path, welcomes: dict[bytes, bytes]) -> Bundle:
    """Write ``net``'s events and the given welcome packages (open invites) to ``path``."""
    rows = db.all("SELECT raw FROM events WHERE net = ? ORDER BY seqno", (net,))
    bundle = Bundle(net, wire_forms(db).all(bytes(r["raw"]) for r in rows), welcomes)
    try:
        atomic_write(path, bundle.to_bytes(), mode=0o600)
    except OSError as exc:
        raise CasebookError(say("Cannot write {0}: {1}.", path, exc.strerror)) from None
    return bundle


def ingest(
    log: EventLog,
    bundle: Bundle,
    progress: Callable[[int, int], None] | None = None,
    on_outcome: Callable[[bytes, Outcome], None] | None = None,
) -> ImportReport:
    """Verify and store every event (one transaction); ``progress`` hears
    ``(done, total)`` every few hundred events."""
    if not log.keys.holds(bundle.net):
        raise UsageError(
            "This bundle is for a network this profile is not in. To join it, use the "
            "invite code: casebook join CODE --bundle FILE."
        )
    report = ImportReport()
    total = len(bundle.events)
    with log.batch():
        for done, raw in enumerate(bundle.events, 1):
            try:
                outcome = log.ingest(raw)
            except EventError as exc:
                report.refused.append(str(exc))
            else:
                report.note(outcome)
                if on_outcome is not None:
                    on_outcome(raw, outcome)
            if progress is not None and (done % PROGRESS_EVERY == 0 or done == total):
                progress(done, total)
    return report


def count(report: Any, outcome: Outcome) -> None:
    """Add one ingest outcome to a report with ``applied``, ``duplicate``, ``held`` and
    ``forks`` counters (a bundle import's, a sync's)."""
    name = _COUNTERS[outcome]
    setattr(report, name, getattr(report, name) + 1)


_COUNTERS = {
    Outcome.APPLIED: "applied",
    Outcome.DUPLICATE: "duplicate",
    Outcome.HELD: "held",
    Outcome.FORK: "forks",
}
