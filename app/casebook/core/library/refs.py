"""Turning what a user types (an id prefix, a name) into a row id, with clear errors."""

from __future__ import annotations

import json
import re

from casebook.core.model.fingerprint import fingerprint, normalize
from casebook.errors import Ambiguous, NotFound, UsageError, say
from casebook.store.database import Database

_HEX = re.compile(r"^[0-9a-f]+$")
MIN_PREFIX = 4


def _bounds(prefix: str, length: int) -> tuple[bytes, bytes]:
    return (
        bytes.fromhex(prefix.ljust(length * 2, "0")),
        bytes.fromhex(prefix.ljust(length * 2, "f")),
    )


def by_prefix(db: Database, table: str, ref: str, what: str, column: str = "id") -> bytes:
    """The 32-byte id in ``table`` starting with hex ``ref`` (at least four digits)."""
    length = 32
    prefix = ref.strip().lower()
    if not _HEX.match(prefix) or not MIN_PREFIX <= len(prefix) <= length * 2:
        raise UsageError(
            say("{0!r} is not a {1} id (hexadecimal, at least {2} digits).", ref, what, MIN_PREFIX)
        )
    lo, hi = _bounds(prefix, length)
    rows = db.all(f"SELECT {column} FROM {table} WHERE {column} BETWEEN ? AND ? LIMIT 2", (lo, hi))  # noqa: S608
    if not rows:
        raise NotFound(say("No {0} with id {1}.", what, ref))
    if len(rows) > 1:
        raise Ambiguous(say("{0} matches more than one {1}; type more of the id.", ref, what))
    return bytes(rows[0][0])


# Where an item's id is looked up: (table, what it is, the id's column).
_CASES = ("cases", "case", "id")
_COMMENTS = ("comments", "comment", "id")
_ANSWERS = ("poll_answers", "answer", "event_id")


def _matches(
    db: Database, ref: str, places: tuple[tuple[str, str, str], ...]
) -> list[tuple[str, bytes]]:
    """``(what, id)`` in each of ``places`` whose id starts with ``ref`` (one at most each)."""
    found: list[tuple[str, bytes]] = []
    for table, what, column in places:
        try:
            found.append((what, by_prefix(db, table, ref, what, column)))
        except NotFound:
            continue
    return found


def find_item(db: Database, ref: str) -> tuple[str, bytes]:
    """A case or a comment, by id prefix: ``("case", id)`` or ``("comment", id)``."""
    found = _matches(db, ref, (_CASES, _COMMENTS))
    if not found:
        raise NotFound(say("No case or comment with id {0}.", ref))
    if len(found) > 1:
        raise Ambiguous(say("{0} matches a case and a comment; type more of the id.", ref))
    return found[0]


def moderatable(db: Database, ref: str) -> tuple[str, bytes, bytes]:
    """What a member flags and a moderator acts on, by id prefix: a case, a comment or a
    poll answer (its event's id), as ``(what, id, network)``."""
    found = _matches(db, ref, (_CASES, _COMMENTS, _ANSWERS))
    if not found:
        raise NotFound(say("No case, comment or poll answer with id {0}.", ref))
    if len(found) > 1:
        raise Ambiguous(say("{0} matches more than one item; type more of the id.", ref))
    what, target = found[0]
    net = db.scalar(
        "SELECT net FROM cases WHERE id = ? UNION ALL SELECT net FROM comments WHERE id = ? "
        "UNION ALL SELECT p.net FROM poll_answers a JOIN polls p ON p.id = a.poll_id "
        "WHERE a.event_id = ?",
        (target, target, target),
    )
    return what, target, bytes(net)


def network(db: Database, ref: str) -> bytes:
    """A network by id prefix or by (case-insensitive, unambiguous) name or name prefix."""
    text = ref.strip()
    rows = db.all("SELECT id, name FROM networks")
    exact = [r for r in rows if r["name"].casefold() == text.casefold()]
    if len(exact) == 1:
        return bytes(exact[0]["id"])
    hexed = (
        [r for r in rows if bytes(r["id"]).hex().startswith(text.lower())]
        if _HEX.match(text.lower()) and len(text) >= MIN_PREFIX
        else []
    )
    named = [r for r in rows if r["name"].casefold().startswith(text.casefold())]
    candidates = {bytes(r["id"]): r["name"] for r in (exact or hexed or named)}
    if not candidates:
        known = ", ".join(sorted(r["name"] for r in rows)) or "none yet"
        raise NotFound(say("No network {0!r}. Networks in this profile: {1}.", ref, known))
    if len(candidates) > 1:
        names = ", ".join(sorted(candidates.values()))
        raise Ambiguous(say("{0!r} could be any of: {1}. Use the network id.", ref, names))
    return next(iter(candidates))


def names(db: Database, net: bytes) -> dict[bytes, str]:
    """Each author's display name in a network, by member key."""
    rows = db.all("SELECT key, name FROM authors WHERE net = ?", (net,))
    return {bytes(r["key"]): r["name"] for r in rows}


def author(db: Database, text: str) -> bytes:
    """A member by fingerprint (or its start) or by the start of their name."""
    rows = db.all("SELECT DISTINCT key, name FROM authors")
    wanted = normalize(text)
    keys = {
        bytes(r["key"])
        for r in rows
        if wanted and normalize(fingerprint(bytes(r["key"]))).startswith(wanted)
    }
    if not keys:
        keys = {bytes(r["key"]) for r in rows if r["name"].casefold().startswith(text.casefold())}
    if not keys:
        raise NotFound(say("No member {0!r} in this profile's networks.", text))
    if len(keys) > 1:
        raise Ambiguous(say("{0!r} matches several members; give more of the fingerprint.", text))
    return keys.pop()


def attachment(db: Database, ref: str) -> bytes:
    """The full hash of a stored attachment, or of one a case names, from a prefix."""
    try:
        return by_prefix(db, "blobs", ref, "attachment", column="hash")
    except NotFound:
        text = ref.strip().lower()
        if not text or any(c not in "0123456789abcdef" for c in text):
            raise
        rows = db.all("SELECT attachments FROM cases WHERE attachments LIKE ?", (f"%{text}%",))
        found = {
            item["hash"]
            for row in rows
            for item in json.loads(row["attachments"])
            if item["hash"].startswith(text)
        }
        if len(found) != 1:
            raise
        return bytes.fromhex(found.pop())
