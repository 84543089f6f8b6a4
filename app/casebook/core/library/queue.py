"""The answer queue (issue 20; docs/protocol.md, "Mentions"): what waits for this member.

Three lists of open cases, derived from the events on this computer, each by the same
filter the case list and the app's sidebar use (``search.Filters``):

- *awaiting my reply* (``Filters.awaiting``): I wrote or discussed the case and the newest
  comment is someone else's; or it mentions me (its author named me, signed) and I have
  commented nothing since; or it has a poll someone else asked that I have neither
  answered nor skipped;
- *unanswered* (``Filters.unanswered_by``): cases older than a day on which nobody but
  their author has commented;
- *my open cases*: the cases I wrote that are still open.

Hidden and withdrawn cases are in none of them; the newest activity comes first.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from casebook.core.library.search import Filters
from casebook.store.database import Database

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class Queue:
    awaiting_me: list[bytes]
    unanswered: list[bytes]
    my_open: list[bytes]

    def to_json(self) -> dict[str, list[str]]:
        return {
            "awaiting_me": [c.hex() for c in self.awaiting_me],
            "unanswered": [c.hex() for c in self.unanswered],
            "my_open": [c.hex() for c in self.my_open],
        }


class AnswerQueue:
    def __init__(self, db: Database, me: bytes) -> None:
        self.db = db
        self.me = me

    def lists(self, now_ms: int, net: bytes | None = None, limit: int = 200) -> Queue:
        base = Filters(net=net, status="open")
        return Queue(
            self._ids(replace(base, awaiting=self.me), limit),
            self._ids(replace(base, unanswered_by=now_ms - DAY_MS), limit),
            self._ids(replace(base, author=self.me), limit),
        )

    def _ids(self, filters: Filters, limit: int) -> list[bytes]:
        where, params = filters.sql()
        rows = self.db.all(
            f"SELECT c.id FROM cases c WHERE {where} AND c.withdrawn IS NULL "  # noqa: S608
            "ORDER BY c.activity_at DESC, c.id LIMIT ?",
            [*params, limit],
        )
        return [bytes(r["id"]) for r in rows]
