"""Which case's purge key an event of ours is tagged with (docs/protocol.md, Withdrawal):
a new case brings its own; an edit, status, outcome or comment names its case; a comment's
edit or endorsement names the comment, whose case holds the key."""

from __future__ import annotations

from typing import Any

from casebook.core.model.kinds import EventKind
from casebook.store.database import Database

_BY_CASE = (
    EventKind.CASE_EDIT,
    EventKind.CASE_STATUS,
    EventKind.CASE_OUTCOME,
    EventKind.COMMENT_CREATE,
)
_BY_COMMENT = (EventKind.COMMENT_EDIT, EventKind.COMMENT_ENDORSE)


def purge_key(db: Database, kind: str, clean: dict[str, Any]) -> tuple[bytes, bytes | None] | None:
    """The key and the case (None for the case's own creation); None when the event is
    not a case's, or its case was written before purge keys."""
    if kind == EventKind.CASE_CREATE:
        key = clean.get("purge_key")
        return None if key is None else (key, None)
    if kind in _BY_CASE:
        row = db.one("SELECT id, purge_key FROM cases WHERE id = ?", (clean["case"],))
    elif kind in _BY_COMMENT:
        row = db.one(
            "SELECT k.id, k.purge_key FROM comments c JOIN cases k ON k.rid = c.case_rid "
            "WHERE c.id = ?",
            (clean["comment"],),
        )
    else:
        return None
    if row is None or row["purge_key"] is None:
        return None
    return bytes(row["purge_key"]), bytes(row["id"])
