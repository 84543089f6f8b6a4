"""What every part of applying events shares: the database, who wrote an event, how an
event is rejected or waits for its target, and releasing those that waited.

The handlers live in :mod:`projection` (networks, cases, discussion) and
:mod:`moderation_apply` (hiding and pinning); :class:`projection.Projector` is all of
them together.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from casebook.core.model import payload_types as pt
from casebook.core.model.events import Event
from casebook.core.model.identity import Identity
from casebook.core.model.kinds import Role
from casebook.store.database import Database

Loader = Callable[[bytes], tuple[Event, dict[str, Any] | None] | None]
RoleAt = Callable[[bytes, bytes, int], Role | None]  # (net, chain, seq)
MemberOf = Callable[[bytes, bytes], bytes]  # (net, chain) -> the member it belongs to
ADMINS = (Role.ADMIN,)


def ordering(event: Event) -> bytes:
    return event.header.lamport.to_bytes(8, "big") + event.id


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


class ProjectorBase:
    """Applies events to one database; ``load`` fetches a stored event by id."""

    def __init__(self, db: Database, load: Loader, role_at: RoleAt, member_of: MemberOf) -> None:
        self.db = db
        self.load = load
        self.role_at = role_at
        self.member_of = member_of
        self.device: Identity | None = None  # this computer's keys: what flags it opens

    # -- entry point ------------------------------------------------------------
    def apply(self, event: Event, payload: dict[str, Any] | pt.Payload) -> None:
        """Apply a validated payload (a dict or its typed value); see Projector."""
        raise NotImplementedError

    def who(self, event: Event) -> bytes:
        """The member who wrote ``event`` (cases, comments are theirs, not a device's)."""
        return self.member_of(event.net, event.author)

    def reject(self, event: Event, reason: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO rejected (event_id, reason) VALUES (?, ?)", (event.id, reason)
        )

    def wait(self, event: Event, needs: bytes) -> None:
        self.db.filled("waiting")
        self.db.execute(
            "INSERT OR IGNORE INTO waiting (needs, event_id) VALUES (?, ?)", (needs, event.id)
        )

    def purged_item(self, event: Event, item: bytes) -> bool:
        """Whether ``event`` is about a withdrawn item (then stripped); see Withdrawals."""
        raise NotImplementedError

    def forget_cases(self) -> None:
        """Forget the case rows remembered in this transaction (see _case_ref)."""
        self.db.forget("case")

    def none_purged(self) -> bool:
        """Whether no item is known to be withdrawn here (then no lookup is needed)."""
        return self.db.known_empty("purged_items")

    def take_waiting(self, needs: bytes) -> list[bytes]:
        """The events that waited for ``needs`` (no longer waiting once returned)."""
        if self.db.known_empty("waiting"):
            return []
        rows = self.db.all("SELECT event_id FROM waiting WHERE needs = ?", (needs,))
        if rows:
            self.db.execute("DELETE FROM waiting WHERE needs = ?", (needs,))
        return [bytes(r["event_id"]) for r in rows]

    def _release(self, arrived: bytes) -> None:
        rows = self.take_waiting(arrived)
        for event_id in rows:
            loaded = self.load(event_id)
            if loaded is None:
                continue
            event, payload = loaded
            if payload is None:  # pragma: no cover - it was readable when it started waiting
                self.wait(event, event_id)
                continue
            self.apply(event, payload)
