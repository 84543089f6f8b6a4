"""What is news for a member, for the app's notifications: others' replies to their cases
and comments, and the cases and comments that mention them, stored since a mark."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casebook.core.library.queries import Queries
from casebook.store.database import Database


@dataclass(frozen=True)
class Mark:
    """Where the comments and cases stored so far end; what comes after is news."""

    comment: int
    case: int


class News:
    def __init__(self, db: Database, queries: Queries) -> None:
        self.db = db
        self.queries = queries

    def mark(self) -> Mark:
        return Mark(
            int(self.db.scalar("SELECT coalesce(max(rid), 0) FROM comments") or 0),
            int(self.db.scalar("SELECT coalesce(max(rid), 0) FROM cases") or 0),
        )

    def for_member(self, me: bytes, after: Mark, limit: int = 20) -> list[dict[str, Any]]:
        """Others' visible comments stored after ``after`` on ``me``'s cases, in answer to
        ``me``'s comments or mentioning ``me``, and others' cases stored after it that
        mention ``me``; ``to`` says which ("mention", then "comment", then "case")."""
        rows = self.db.all(
            "SELECT c.rid, c.net, c.author, c.case_id, k.title, p.author AS parent_author, "
            "EXISTS (SELECT 1 FROM mentions n WHERE n.event_id = c.id AND n.member = ?) "
            "AS named FROM comments c JOIN cases k ON k.id = c.case_id "
            "LEFT JOIN comments p ON p.id = c.parent_id "
            "WHERE c.rid > ? AND c.author != ? AND c.hidden = 0 AND (k.author = ? OR "
            "p.author = ? OR named) ORDER BY c.rid LIMIT ?",
            (me, after.comment, me, me, me, limit),
        )
        found = [self._item(r, "mention" if r["named"] else self._to(r, me)) for r in rows]
        cases = self.db.all(
            "SELECT k.net, k.author, k.id AS case_id, k.title FROM cases k "
            "JOIN mentions n ON n.event_id = k.id AND n.member = ? "
            "WHERE k.rid > ? AND k.author != ? AND k.hidden = 0 ORDER BY k.rid LIMIT ?",
            (me, after.case, me, limit),
        )
        return found + [self._item(r, "mention") for r in cases]

    @staticmethod
    def _to(row: Any, me: bytes) -> str:
        parent = row["parent_author"]
        return "comment" if parent is not None and bytes(parent) == me else "case"

    def _item(self, row: Any, to: str) -> dict[str, Any]:
        return {
            "case": bytes(row["case_id"]),
            "title": row["title"],
            "author_name": self.queries.author_name(bytes(row["net"]), bytes(row["author"])),
            "to": to,
        }
