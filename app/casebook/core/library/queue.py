"""The answer queue (issue 20; docs/protocol.md, "Mentions"): what waits for this member.

Three lists of open cases, newest first, each derived from the events on this computer:

- *awaiting my reply*: a case or comment mentions me (its author named me, signed) and I
  have written nothing in the case since; or a poll on it that someone else asked is
  neither answered nor skipped by me;
- *unanswered*: cases older than a day on which nobody but their author has commented;
- *my open cases*: the cases I wrote that are still open.

Hidden and withdrawn cases are in none of them.
"""

from __future__ import annotations

from dataclasses import dataclass

from casebook.store.database import Database

DAY_MS = 24 * 3600 * 1000

_VISIBLE = "c.status = 'open' AND c.hidden = 0 AND c.withdrawn IS NULL AND (? IS NULL OR c.net = ?)"


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
        me = self.me
        awaiting = self.db.all(
            "SELECT c.id, max(w.at) AS at FROM cases c JOIN ("  # noqa: S608 - fixed text
            "  SELECT m.case_rid AS rid, m.at FROM mentions m WHERE m.member = ? AND NOT EXISTS"
            "  (SELECT 1 FROM comments k WHERE k.case_rid = m.case_rid AND k.author = ? "
            "   AND k.created_at >= m.at)"
            "  UNION ALL SELECT p.case_rid, p.created_at FROM polls p WHERE p.author != ? "
            "  AND NOT EXISTS (SELECT 1 FROM poll_answers a WHERE a.poll_id = p.id "
            "   AND a.member = ?)"
            f") w ON w.rid = c.rid WHERE {_VISIBLE} GROUP BY c.rid ORDER BY at DESC, c.id "
            "LIMIT ?",
            (me, me, me, me, net, net, limit),
        )
        unanswered = self.db.all(
            f"SELECT c.id FROM cases c WHERE {_VISIBLE} AND c.created_at <= ? "  # noqa: S608
            "AND NOT EXISTS (SELECT 1 FROM comments k WHERE k.case_rid = c.rid "
            "AND k.author != c.author) ORDER BY c.created_at DESC, c.id LIMIT ?",
            (net, net, now_ms - DAY_MS, limit),
        )
        mine = self.db.all(
            f"SELECT c.id FROM cases c WHERE {_VISIBLE} AND c.author = ? "  # noqa: S608
            "ORDER BY c.activity_at DESC, c.id LIMIT ?",
            (net, net, me, limit),
        )
        return Queue(
            [bytes(r["id"]) for r in awaiting],
            [bytes(r["id"]) for r in unanswered],
            [bytes(r["id"]) for r in mine],
        )
