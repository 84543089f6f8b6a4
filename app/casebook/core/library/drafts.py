"""Drafts: what a person was writing and has not sent, kept in the (encrypted) profile
so it survives Esc, a lock, a crash and a restart. Never sent anywhere.

A draft is named by what it is for (``kind``: ``"case"`` for a new case in a network,
``"reply"`` for a reply under a case) and a reference (the network's or the case's id),
and holds a small JSON object of the form's texts. Saving an empty draft discards it.
"""

from __future__ import annotations

import json
import time
from typing import Any

from casebook.errors import UsageError, say
from casebook.store.database import Database

KINDS = ("case", "reply")
MAX_DRAFT = 512 * 1024  # bytes of JSON: far more than any case a person types
_PREFIX = "draft:"


def _key(kind: str, ref: bytes) -> str:
    if kind not in KINDS:
        raise UsageError(say("No such kind of draft: {0!r}.", kind))
    return f"{_PREFIX}{kind}:{ref.hex()}"


def _empty(value: Any) -> bool:
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    if isinstance(value, list):
        return all(_empty(v) for v in value)
    return not (str(value).strip() if value is not None else "")


class Drafts:
    def __init__(self, db: Database) -> None:
        self.db = db

    def save(self, kind: str, ref: bytes, content: dict[str, Any]) -> bool:
        """Keep ``content`` as the draft (replacing the last); an empty one discards it.
        Returns whether a draft is kept."""
        key = _key(kind, ref)
        if _empty(content):
            self.discard(kind, ref)
            return False
        text = json.dumps({"saved": int(time.time() * 1000), "content": content})
        if len(text.encode()) > MAX_DRAFT:
            raise UsageError("This draft is too long to keep; shorten it or send it.")
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, text),
            )
        return True

    def load(self, kind: str, ref: bytes) -> dict[str, Any] | None:
        text = self.db.scalar("SELECT value FROM settings WHERE key = ?", (_key(kind, ref),))
        if text is None:
            return None
        try:
            content = json.loads(text)["content"]
        except (ValueError, KeyError, TypeError):
            return None  # not one of ours: as if there were none
        return content if isinstance(content, dict) else None

    def discard(self, kind: str, ref: bytes) -> None:
        with self.db.transaction():
            self.db.execute("DELETE FROM settings WHERE key = ?", (_key(kind, ref),))

    def count(self) -> int:
        return int(
            self.db.scalar("SELECT count(*) FROM settings WHERE key LIKE ?", (_PREFIX + "%",))
        )
