"""The moderators' inbox (docs/protocol.md, "Flags"): the cases and comments members
flagged, as this computer could open the flags, the log of what moderators did, the
open cases still awaiting an outcome, and the items the network's policy says to hold
for a moderator's look (``due``).

Only a current moderator or admin of the network reads it here; the flags themselves
were sealed to their computers, so another member's computer has nothing to show.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from casebook.core.ledger import kept_text
from casebook.core.ledger.eventlog import EventLog
from casebook.core.library import refs
from casebook.core.model.fingerprint import fingerprint
from casebook.core.model.kinds import MODERATORS
from casebook.errors import PermissionDenied, say
from casebook.store.database import Database

EXCERPT = 160  # characters of a flagged comment shown
LOG_LIMIT = 200
OUTCOME_AFTER_DAYS = 14  # an open case this old without an outcome is listed
DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class Flagged:
    item: bytes
    what: str  # "case", "comment", "answer" (to a poll), or "unknown" (not received yet)
    case: bytes | None
    title: str
    excerpt: str
    hidden: bool  # hidden or held: members do not see it
    reviewed: bool  # a moderator acted on it after its newest flag (a hold is no look)
    flags: list[dict[str, Any]]  # {"reason", "by", "name", "at"}, newest first
    held: bool = False  # held for a moderator's look (a release lifts it)

    def to_json(self) -> dict[str, Any]:
        return {
            "item": self.item.hex(),
            "what": self.what,
            "case": self.case.hex() if self.case else None,
            "title": self.title,
            "excerpt": self.excerpt,
            "reason": self.flags[0]["reason"],
            "flags": len(self.flags),
            "reasons": self.flags,
            "hidden": self.hidden,
            "held": self.held,
            "reviewed": self.reviewed,
        }


class FlagInbox:
    def __init__(self, db: Database, log: EventLog) -> None:
        self.db = db
        self.log = log

    def _require(self, net: bytes) -> None:
        role = self.log.members.state(net).role_now(self.log.chain)
        if role not in MODERATORS:
            raise PermissionDenied(
                say(
                    "Only moderators and admins read the flags of this network; you are a "
                    "{0} here.",
                    role or "former member",
                )
            )

    def inbox(self, net: bytes) -> list[Flagged]:
        """Flagged items, those awaiting a look first, then the newest flags first."""
        self._require(net)
        names = refs.names(self.db, net)
        # Newest first by (lamport, id), not by the writers' clocks.
        rows = self.db.all(
            "SELECT target, flagger, reason, at, ordering FROM flags WHERE net = ? "
            "ORDER BY ordering DESC",
            (net,),
        )
        grouped: dict[bytes, list[dict[str, Any]]] = {}
        newest: dict[bytes, bytes] = {}
        for r in rows:
            who = bytes(r["flagger"])
            newest.setdefault(bytes(r["target"]), bytes(r["ordering"]))
            grouped.setdefault(bytes(r["target"]), []).append(
                {
                    "reason": r["reason"],
                    "by": fingerprint(who),
                    "name": names.get(who, ""),
                    "at": r["at"],
                }
            )
        found = [self._item(net, target, said, newest[target]) for target, said in grouped.items()]
        order = list(grouped)  # newest flag first
        found.sort(key=lambda f: (f.reviewed, order.index(f.item)))
        return found

    def _item(
        self, net: bytes, target: bytes, said: list[dict[str, Any]], newest: bytes
    ) -> Flagged:
        case = self.db.one(
            "SELECT id, title, hidden FROM cases WHERE id = ? AND net = ?", (target, net)
        )
        comment = self.db.one(
            f"SELECT m.case_id, {kept_text.COMMENT_COLUMNS}, m.hidden, k.title "  # noqa: S608
            "FROM comments m JOIN cases k ON k.rid = m.case_rid WHERE m.id = ? AND m.net = ?",
            (target, net),
        )
        # A moderator acted after the newest flag: ordered after it, whatever the clocks say.
        acted = self._looked(net, target)
        reviewed = acted is not None and acted > newest
        held = bool(
            self.db.scalar(
                "SELECT held FROM moderation WHERE target = ? AND net = ?", (target, net)
            )
        )
        if case is not None:
            return Flagged(
                target, "case", target, case["title"], "", bool(case["hidden"]), reviewed, said,
                held,
            )  # fmt: skip
        if comment is not None:
            # A damaged one has no excerpt (the inbox still lists it; its case says why).
            body = " ".join(kept_text.readable_body(comment)[0].split())
            excerpt = body if len(body) <= EXCERPT else body[: EXCERPT - 1] + "…"
            return Flagged(
                target, "comment", bytes(comment["case_id"]), comment["title"], excerpt,
                bool(comment["hidden"]), reviewed, said, held,
            )  # fmt: skip
        answer = self.db.one(
            "SELECT a.choice, a.ranks, a.hidden, p.options, k.id, k.title FROM poll_answers a "
            "JOIN polls p ON p.id = a.poll_id JOIN cases k ON k.rid = p.case_rid "
            "WHERE a.event_id = ? AND p.net = ?",
            (target, net),
        )
        if answer is not None:
            given = json.loads(answer["ranks"])
            if answer["choice"] is not None:
                given = [json.loads(answer["options"])[answer["choice"]]]
            return Flagged(
                target, "answer", bytes(answer["id"]), answer["title"], "; ".join(given),
                bool(answer["hidden"]), reviewed, said, held,
            )  # fmt: skip
        return Flagged(target, "unknown", None, "", "", False, reviewed, said, held)

    def _looked(self, net: bytes, target: bytes) -> bytes | None:
        """The position of a moderator's newest act on ``target`` that was a look (a
        hold, made by a computer under the policy, is none)."""
        acted = self.db.scalar(
            "SELECT max(ordering) FROM moderation_log WHERE target = ? AND net = ? "
            "AND action != 'hold'",
            (target, net),
        )
        return None if acted is None else bytes(acted)

    # -- the policy ---------------------------------------------------------------------
    def hold_after(self, net: bytes) -> int:
        """Members' flags that hold an item for a moderator's look (0: never)."""
        n = self.db.scalar("SELECT hold_after FROM moderation_policy WHERE net = ?", (net,))
        return int(n or 0)

    def due(self, net: bytes) -> list[bytes]:
        """The items to hold now under the policy: flagged by at least ``hold_after``
        current members (a removed member's flags no longer count) since a moderator last
        looked at them, received here, and neither hidden nor held. Empty unless this
        computer's member moderates ``net``."""
        n = self.hold_after(net)
        if n == 0:  # no policy (the common case, after every sync): nothing more to read
            return []
        state = self.log.members.state(net)
        if state.role_now(self.log.chain) not in MODERATORS:
            return []
        active = {m.key for m in state.active_members()}
        found = []
        for row in self.db.all(
            "SELECT f.target, m.hidden, m.held FROM flags f "
            "LEFT JOIN moderation m ON m.target = f.target "
            "WHERE f.net = ? GROUP BY f.target HAVING count(*) >= ?",
            (net, n),
        ):
            target = bytes(row["target"])
            if row["hidden"] or row["held"] or not self._here(net, target):
                continue
            looked = self._looked(net, target) or b""
            flaggers = self.db.all(
                "SELECT flagger FROM flags WHERE net = ? AND target = ? AND ordering > ?",
                (net, target, looked),
            )
            if sum(1 for f in flaggers if bytes(f["flagger"]) in active) >= n:
                found.append(target)
        return found

    def _here(self, net: bytes, target: bytes) -> bool:
        return bool(
            self.db.scalar(
                "SELECT 1 FROM cases WHERE id = ? AND net = ? AND withdrawn IS NULL "
                "UNION ALL SELECT 1 FROM comments WHERE id = ? AND net = ? "
                "UNION ALL SELECT 1 FROM poll_answers a JOIN polls p ON p.id = a.poll_id "
                "WHERE a.event_id = ? AND p.net = ?",
                (target, net, target, net, target, net),
            )
        )

    def log_of(self, net: bytes, limit: int = LOG_LIMIT) -> list[dict[str, Any]]:
        """What moderators did, newest first."""
        self._require(net)
        names = refs.names(self.db, net)
        rows = self.db.all(
            "SELECT target, action, by, reason, at FROM moderation_log WHERE net = ? "
            "ORDER BY ordering DESC LIMIT ?",
            (net, limit),
        )
        return [
            {
                "item": bytes(r["target"]).hex(),
                "action": r["action"],
                "by": fingerprint(bytes(r["by"])),
                "name": names.get(bytes(r["by"]), ""),
                "reason": r["reason"],
                "at": r["at"],
            }
            for r in rows
        ]

    def awaiting_outcome(
        self, net: bytes, now: int, days: int = OUTCOME_AFTER_DAYS
    ) -> list[dict[str, Any]]:
        """Open cases older than ``days`` that still have no outcome, the oldest first:
        the moderators' list to ask their authors for one (the authors' own reminders
        are sealed to them)."""
        self._require(net)
        names = refs.names(self.db, net)
        rows = self.db.all(
            "SELECT c.id, c.title, c.author, c.created_at FROM cases c WHERE c.net = ? "
            "AND c.status = 'open' AND c.withdrawn IS NULL AND c.hidden = 0 "
            "AND c.created_at <= ? AND NOT EXISTS (SELECT 1 FROM comments o "
            "WHERE o.case_rid = c.rid AND o.kind = 'outcome') "
            "ORDER BY c.created_at, c.id LIMIT ?",
            (net, now - days * DAY_MS, LOG_LIMIT),
        )
        return [
            {
                "case": bytes(r["id"]).hex(),
                "title": r["title"],
                "author": fingerprint(bytes(r["author"])),
                "name": names.get(bytes(r["author"]), ""),
                "created_at": r["created_at"],
                "days": (now - r["created_at"]) // DAY_MS,
            }
            for r in rows
        ]
