"""Applying moderation: hiding and unhiding cases, comments and poll answers, pinning
cases, holding an item for a moderator's look and releasing it, the network's
moderation policy, and the flags sealed to this computer.

Moderators and admins hide, pin, hold and release; only admins unhide and set the
policy. A held item is hidden like a hidden one until released; a hold never undoes a
hide, nor a release a hide (two separate states). Each state keeps the newest
decision by ``(lamport, id)``, so the outcome does not depend on arrival order; a hidden
item leaves the search index and returns to it when unhidden. Every act is kept in
``moderation_log``. A flag is applied only where it opens (a moderator's or admin's
computer, or the flagger's own), and kept there only by the flagger's computers and by
those of a moderator or admin (by their role when it is applied): one row per network,
target and flagger, their newest.
"""

from __future__ import annotations

from typing import Any

from casebook.core.ledger.kept_text import DAMAGED
from casebook.core.ledger.projector_base import ADMINS, ProjectorBase, ordering
from casebook.core.ledger.search_index import (
    index_case,
    index_comment,
    stored_case,
    stored_comment,
    unindex_case,
    unindex_comment,
)
from casebook.core.model import flags
from casebook.core.model import payload_types as pt
from casebook.core.model.events import Event
from casebook.core.model.kinds import MODERATORS, EventKind, Role

# The kinds of event a moderator's act or a flag may name.
_ITEM_KINDS = frozenset(
    {EventKind.CASE_CREATE, EventKind.COMMENT_CREATE, EventKind.CASE_OUTCOME, EventKind.POLL_ANSWER}
)
LATEST = 2**53  # a position after every event of a chain: its role now


class Moderation(ProjectorBase):
    def _moderated(self, event: Event, target: bytes, allowed: tuple[Role, ...]) -> Any:
        if self.purged_item(event, target):  # a withdrawn case or comment: stripped
            return None
        if self.role_at(event.net, event.author, event.seq) not in allowed:
            who = "admins" if allowed == ADMINS else "moderators and admins"
            self.reject(event, f"only {who} may do this")
            return None
        row = self.db.one(
            "SELECT 'case' AS what, rid, net FROM cases WHERE id = ? "
            "UNION ALL SELECT 'comment', rid, net FROM comments WHERE id = ? "
            "UNION ALL SELECT 'answer', NULL, p.net FROM poll_answers a "
            "JOIN polls p ON p.id = a.poll_id WHERE a.event_id = ?",
            (target, target, target),
        )
        if row is None:
            kind = self.db.scalar("SELECT kind FROM events WHERE id = ?", (target,))
            if kind is not None and kind not in _ITEM_KINDS:  # a poll, a join, an edit…
                self.reject(event, "names no case, comment or poll answer")
                return None
            self.wait(event, target)  # not received yet (or applied later)
            return None
        if row["net"] != event.net:
            self.reject(event, "refers to an item of another network")
            return None
        self.db.execute(
            "INSERT OR IGNORE INTO moderation (target, net) VALUES (?, ?)", (target, event.net)
        )
        return row

    def _set_hidden(self, event: Event, target: bytes, hidden: bool, reason: str | None) -> None:
        row = self._moderated(event, target, MODERATORS if hidden else ADMINS)
        if row is None:
            return
        self.db.execute(
            "UPDATE moderation SET hide_order = ?, hidden = ?, reason = ?, hidden_by = ?, "
            "hidden_at = ? WHERE target = ? AND (hide_order IS NULL OR hide_order < ?)",
            (
                ordering(event),
                int(hidden),
                reason,
                self.who(event),
                event.header.ts,
                target,
                ordering(event),
            ),
        )
        self._log(event, target, "hide" if hidden else "unhide", reason)
        self._show_as_decided(row, target)

    def _set_held(self, event: Event, target: bytes, held: bool) -> None:
        row = self._moderated(event, target, MODERATORS)
        if row is None:
            return
        self.db.execute(
            "UPDATE moderation SET held = ?, hold_order = ? WHERE target = ? AND hold_order < ?",
            (int(held), ordering(event), target, ordering(event)),
        )
        self._log(event, target, "hold" if held else "release", None)
        self._show_as_decided(row, target)

    def _show_as_decided(self, row: Any, target: bytes) -> None:
        """Hidden while hidden or held (each state the newest of its own acts). A poll
        answer hidden leaves the pooled result (its member still counts as answered)."""
        shut = self.db.scalar("SELECT hidden OR held FROM moderation WHERE target = ?", (target,))
        if row["what"] == "answer":
            self.db.execute(
                "UPDATE poll_answers SET hidden = ? WHERE event_id = ?", (int(bool(shut)), target)
            )
            return
        self._hide_row(row["what"], row["rid"], bool(shut))

    def _log(self, event: Event, target: bytes, action: str, reason: str | None) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO moderation_log (event_id, net, target, action, by, reason, "
            "at, ordering) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event.id,
                event.net,
                target,
                action,
                self.who(event),
                reason,
                event.header.ts,
                ordering(event),
            ),
        )

    def _hide_row(self, what: str, rid: int, hidden: bool) -> None:
        """Set the flag; hidden items leave the search index and come back when unhidden."""
        table = "cases" if what == "case" else "comments"
        was = self.db.scalar(f"SELECT hidden FROM {table} WHERE rid = ?", (rid,))  # noqa: S608
        if bool(was) == hidden:
            return
        self.db.execute(f"UPDATE {table} SET hidden = ? WHERE rid = ?", (int(hidden), rid))  # noqa: S608
        if what == "comment":
            if hidden:
                unindex_comment(self.db, rid)
                return
            try:
                body = stored_comment(self.db, rid)
            except DAMAGED:
                return  # (its text cannot be read: it stays out of the index)
            index_comment(self.db, rid, body)
            return
        if hidden:
            unindex_case(self.db, rid)
            return
        try:
            content = stored_case(self.db, rid)
        except DAMAGED:
            return  # (as a comment's above)
        if content is None:  # a case this transaction just read: its text row must be there
            raise LookupError("a row the database must hold is missing")
        index_case(self.db, rid, content)

    def _content_hide(self, event: Event, payload: pt.ContentHide) -> None:
        self._set_hidden(event, payload.target, True, payload.reason)

    def _content_unhide(self, event: Event, payload: pt.ContentTarget) -> None:
        self._set_hidden(event, payload.target, False, None)

    def _content_hold(self, event: Event, payload: pt.ContentTarget) -> None:
        self._set_held(event, payload.target, True)

    def _content_release(self, event: Event, payload: pt.ContentTarget) -> None:
        self._set_held(event, payload.target, False)

    def _moderation_policy(self, event: Event, payload: pt.ModerationPolicy) -> None:
        if self.role_at(event.net, event.author, event.seq) not in ADMINS:
            self.reject(event, "only admins may set the moderation policy")
            return
        self.db.execute(
            "INSERT INTO moderation_policy (net, hold_after, ordering) VALUES (?, ?, ?) "
            "ON CONFLICT (net) DO UPDATE SET hold_after = excluded.hold_after, "
            "ordering = excluded.ordering WHERE excluded.ordering > moderation_policy.ordering",
            (event.net, payload.hold_after, ordering(event)),
        )

    def _set_pinned(self, event: Event, target: bytes, pinned: bool) -> None:
        row = self._moderated(event, target, MODERATORS)
        if row is None:
            return
        if row["what"] != "case":
            self.reject(event, "only cases can be pinned")
            return
        self._log(event, target, "pin" if pinned else "unpin", None)
        cur = self.db.execute(
            "UPDATE moderation SET pin_order = ?, pinned = ?, pinned_by = ? "
            "WHERE target = ? AND (pin_order IS NULL OR pin_order < ?)",
            (ordering(event), int(pinned), self.who(event), target, ordering(event)),
        )
        if cur.rowcount:
            self.db.execute("UPDATE cases SET pinned = ? WHERE rid = ?", (int(pinned), row["rid"]))

    def _content_pin(self, event: Event, payload: pt.ContentTarget) -> None:
        self._set_pinned(event, payload.target, True)

    def _content_unpin(self, event: Event, payload: pt.ContentTarget) -> None:
        self._set_pinned(event, payload.target, False)

    # -- flags ------------------------------------------------------------------------
    def _flag_create(self, event: Event, payload: pt.Sealed) -> None:
        if self.device is None:
            return
        flagger = self.who(event)
        said = flags.FLAG.open(self.device, event.net, flagger, payload.sealed)
        if said is None:  # sealed to other computers: nothing here to apply
            return
        me = self.device.public_key
        if flagger != self.member_of(event.net, me) and (
            self.role_at(event.net, me, LATEST) not in MODERATORS
        ):
            return  # sealed to a member who does not moderate (a changed client's choice)
        target = said["target"]
        if self.db.scalar("SELECT 1 FROM purged_items WHERE id = ?", (target,)):
            return  # a withdrawn case or comment: its flags went with it
        where = self.db.scalar(
            "SELECT net FROM cases WHERE id = ? UNION ALL SELECT net FROM comments WHERE id = ?",
            (target, target),
        )
        if where is not None and bytes(where) != event.net:
            return  # an item of another network: not this network's moderators' business
        self.db.execute(
            "INSERT INTO flags (net, target, flagger, event_id, reason, at, ordering) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (net, target, flagger) DO UPDATE SET "
            "event_id = excluded.event_id, reason = excluded.reason, at = excluded.at, "
            "ordering = excluded.ordering WHERE excluded.ordering > flags.ordering",
            (event.net, target, flagger, event.id, said["reason"], event.header.ts,
             ordering(event)),
        )  # fmt: skip
