"""Follow-up reminders as this member's computers hold them (docs/protocol.md,
"Follow-up reminders"): the cases whose reminder is due and still lack an outcome, and
the ones to come. The reminders themselves are sealed to the member's own computers;
:meth:`Library.remind` sets or clears one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casebook.store.database import Database

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class FollowUp:
    case: bytes
    title: str
    due: int  # ms since the epoch

    def to_json(self) -> dict[str, Any]:
        return {"case": self.case.hex(), "title": self.title, "due": self.due}


# Set, not cleared, on a case still here (not withdrawn) that has no outcome yet.
_PENDING = (
    "SELECT r.case_id, c.title, r.due FROM reminders r JOIN cases c ON c.id = r.case_id "
    "WHERE r.due > 0 AND c.withdrawn IS NULL AND NOT EXISTS (SELECT 1 FROM comments o "
    "WHERE o.case_rid = c.rid AND o.kind = 'outcome')"
)


class FollowUps:
    def __init__(self, db: Database) -> None:
        self.db = db

    def _list(self, where: str, now: int) -> list[FollowUp]:
        rows = self.db.all(f"{_PENDING} AND {where} ORDER BY r.due, r.case_id", (now,))
        return [FollowUp(bytes(r["case_id"]), r["title"], r["due"]) for r in rows]

    def due(self, now: int) -> list[FollowUp]:
        """Reminders due by ``now`` whose case still has no outcome, the oldest first."""
        return self._list("r.due <= ?", now)

    def upcoming(self, now: int) -> list[FollowUp]:
        return self._list("r.due > ?", now)

    def of_case(self, case_id: bytes) -> int | None:
        """When this member is reminded about ``case_id`` (None: not at all)."""
        due = self.db.scalar("SELECT due FROM reminders WHERE case_id = ? AND due > 0", (case_id,))
        return None if due is None else int(due)
