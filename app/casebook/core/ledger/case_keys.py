"""Which case's purge key an event of ours is tagged with (docs/protocol.md, Withdrawal):
a new case brings its own; an edit, status, outcome or comment names its case;
a comment's edit or endorsement names the comment, whose case holds the key; a
moderator's act names the case or the comment. Also the tag each stored
event keeps in ``events.tag``, so a withdrawal finds its case's events."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from casebook.core.ledger.wire_form import wire_forms
from casebook.core.model import blobcrypt, purge
from casebook.core.model.kinds import EventKind
from casebook.store.database import Database

_BY_CASE = (
    EventKind.CASE_EDIT,
    EventKind.CASE_STATUS,
    EventKind.CASE_OUTCOME,
    EventKind.CASE_REQUEST,
    EventKind.COMMENT_CREATE,
    EventKind.POLL_CREATE,
    EventKind.POLL_ANSWER,
    EventKind.POLL_FINAL,
)
_BY_COMMENT = (EventKind.COMMENT_EDIT, EventKind.COMMENT_ENDORSE)
# A moderator's act names a case or a comment: tagged with that case's key.
_BY_TARGET = (
    EventKind.CONTENT_HIDE,
    EventKind.CONTENT_UNHIDE,
    EventKind.CONTENT_PIN,
    EventKind.CONTENT_UNPIN,
    EventKind.CONTENT_HOLD,
    EventKind.CONTENT_RELEASE,
)
Seed = Callable[[bytes, int], bytes]  # (net, epoch) -> the seed this profile uses


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
    elif kind in _BY_TARGET:
        row = db.one(
            "SELECT id, purge_key FROM cases WHERE id = :t UNION ALL SELECT k.id, k.purge_key "
            "FROM comments c JOIN cases k ON k.rid = c.case_rid WHERE c.id = :t",
            {"t": clean["target"]},
        )
    else:
        return None
    if row is None or row["purge_key"] is None:
        return None
    return bytes(row["purge_key"]), bytes(row["id"])


def attachment_hashes(db: Database, case_id: bytes) -> set[str]:
    """The attachments (hex SHA-256) the case names now or named in any revision."""
    row = db.scalar("SELECT attachments FROM cases WHERE id = ?", (case_id,))
    named = {a["hash"] for a in json.loads(row or "[]")}
    for rev in db.all("SELECT content FROM revisions WHERE target = ?", (case_id,)):
        named.update(a["hash"] for a in json.loads(rev["content"]).get("attachments", []))
    return named


def inner_blob_ids(
    db: Database, seed: Seed, net: bytes, case: bytes, hashes: list[bytes]
) -> list[bytes]:
    """The inner ids (blobcrypt.blob_id) of a case's attachments ``hashes``: sealed with
    the seed of the case's creation, as sync's upload does. A withdrawal lists them; the
    relay binds each to the case (blobcrypt.case_blob_id) to find its copy."""
    epoch = int(db.scalar("SELECT epoch FROM events WHERE id = ?", (case,)))
    key_seed = seed(net, epoch)
    return [blobcrypt.blob_id(blobcrypt.blob_key(key_seed, net, epoch, h)) for h in hashes]


def tags(db: Database, kind: str, clean: dict[str, Any], author: bytes, seq: int) -> dict[str, Any]:
    """The clear purge tag of an event of ours: ``{"w": tag}``, or nothing for an event
    that is not a case's, or of a case without a key."""
    bound = purge_key(db, kind, clean)
    if bound is None:
        return {}
    key, case = bound
    return {"w": purge.event_tag(key, case, author, seq)}


def backfill_tags(db: Database) -> int:
    """Tag the stored events the schema upgrade could not (see schema v12); returns how
    many it read. Nothing to do, and one index probe, once done."""
    done = 0
    while True:
        rows = db.all("SELECT seqno, raw FROM events WHERE tag IS NULL LIMIT 500")
        if not rows:
            return done
        wire = wire_forms(db)
        with db.transaction():
            for row in rows:
                tag = purge.stored_tag(wire.event(bytes(row["raw"])))
                db.execute("UPDATE events SET tag = ? WHERE seqno = ?", (tag, row["seqno"]))
        done += len(rows)
