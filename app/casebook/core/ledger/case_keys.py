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


def purge_key(db: Database, kind: str, clean: dict[str, Any]) -> bytes | None:
    """The key (None: not a case's event, or a case written before purge keys)."""
    if kind == EventKind.CASE_CREATE:
        key = clean.get("purge_key")
    elif kind in _BY_CASE:
        key = db.scalar("SELECT purge_key FROM cases WHERE id = ?", (clean["case"],))
    elif kind in _BY_COMMENT:
        key = db.scalar(
            "SELECT k.purge_key FROM comments c JOIN cases k ON k.rid = c.case_rid WHERE c.id = ?",
            (clean["comment"],),
        )
    else:
        return None
    return None if key is None else bytes(key)
