"""Apply verified, decrypted events to the derived tables the app reads.

Applying does not depend on arrival order: edits and status changes are ordered by
``(lamport, event id)``, content is re-folded from its revisions, an event whose target
has not arrived yet waits in ``waiting``; one that breaks a rule is recorded in
``rejected`` with the reason and changes nothing else.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from casebook.core.ledger import kept_text
from casebook.core.ledger.moderation_apply import Moderation
from casebook.core.ledger.poll_apply import Polls
from casebook.core.ledger.projector_base import as_json, ordering
from casebook.core.ledger.reminder_apply import Reminders
from casebook.core.ledger.search_index import (
    index_case,
    index_comment,
    unindex_case,
    unindex_comment,
)
from casebook.core.ledger.withdraw_apply import Withdrawals
from casebook.core.model import payload_types as pt
from casebook.core.model import purge
from casebook.core.model.events import STRIPPABLE, Event
from casebook.core.model.kinds import MEMBERSHIP_KINDS, EventKind, Role
from casebook.store.packed_text import pack


class Projector(Moderation, Withdrawals, Polls, Reminders):
    """Applies events to one database (networks, membership names, cases, discussion;
    moderation in :class:`Moderation`, withdrawals in :class:`Withdrawals`); ``load``
    fetches a stored event by id."""

    def apply(self, event: Event, payload: dict[str, Any] | pt.Payload) -> None:
        """Apply a validated payload (a dict or its typed value) through :data:`HANDLERS`."""
        if isinstance(payload, dict):
            payload = pt.typed(event.kind, payload)
        if event.kind not in MEMBERSHIP_KINDS:
            problem = purge.pub_problem(event.kind, event.header.pub)
            if problem is not None:
                self.reject(event, problem)
                return
            if event.kind in STRIPPABLE and self.purged_on_arrival(event):
                return
        HANDLERS[event.kind](self, event, payload)

    # -- networks and membership (what the membership fold accepted) -----------
    def _network_create(self, event: Event, payload: pt.NetworkCreate) -> None:
        self.db.execute(
            "INSERT OR IGNORE INTO networks (id, name, founder, created_at, relays) "
            "VALUES (?, ?, ?, ?, ?)",
            (event.net, payload.name, event.author, event.header.ts, as_json(payload.relays)),
        )
        self.db.execute(
            "INSERT OR REPLACE INTO authors (net, key, name) VALUES (?, ?, ?)",
            (event.net, event.author, payload.founder_name),
        )

    def _network_update(self, event: Event, payload: pt.NetworkUpdate) -> None:
        if self.role_at(event.net, event.author, event.seq) != Role.ADMIN:
            self.reject(event, "only admins may rename a network or change its relays")
            return
        if payload.name is not None:
            self.db.execute("UPDATE networks SET name = ? WHERE id = ?", (payload.name, event.net))
        if payload.relays is not None:
            self.db.execute(
                "UPDATE networks SET relays = ? WHERE id = ?", (as_json(payload.relays), event.net)
            )

    def _member_join(self, event: Event, payload: pt.MemberJoin) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO authors (net, key, name) VALUES (?, ?, ?)",
            (event.net, event.author, payload.name),
        )

    def _nothing(self, event: Event, payload: pt.Payload) -> None:
        """Kinds whose whole effect is in the membership fold (and the event log's keys)."""

    # -- moderation -----------------------------------------------------------------
    # -- cases --------------------------------------------------------------------
    def _untagged(self, event: Event, key: bytes | None, case: bytes | None) -> bool:
        """Reject an event of a case with a purge key whose tag does not bind it to the
        case (a withdrawal could not purge it at the relay). Cases written before purge
        keys have none, and their events no tag."""
        if key is None or purge.tagged(bytes(key), case, event.author, event.seq, event.header.pub):
            return False
        self.reject(event, "its purge tag does not bind it to its case")
        return True

    def _case_create(self, event: Event, payload: pt.CaseCreate) -> None:
        if self._untagged(event, payload.purge_key, None):
            return
        order = ordering(event)
        content = payload.content()
        cur = self.db.execute(
            "INSERT INTO cases (id, net, author, created_at, updated_at, activity_at, "
            "edit_order, title, specialty, tags, attachments, status, "
            "status_order, consent, purge_key) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?, ?, ?)",
            (
                event.id,
                event.net,
                self.who(event),
                event.header.ts,
                event.header.ts,
                event.header.ts,
                order,
                payload.title,
                payload.specialty,
                as_json(content["tags"]),
                as_json(content["attachments"]),
                order,
                None if payload.consent is None else as_json(payload.consent),
                payload.purge_key,
            ),
        )
        rid = cur.lastrowid
        if kept_text.keeps_row(event):  # else its open form holds the text
            self.db.execute(
                "INSERT INTO case_text (rid, fields, body) VALUES (?, ?, ?)",
                (rid, pack(as_json(payload.fields)), pack(payload.body)),
            )
        if payload.tags:
            self.db.executemany(
                "INSERT INTO case_tags (tag, case_rid) VALUES (?, ?)",
                [(t, rid) for t in payload.tags],
            )
        index_case(self.db, rid, content)
        self._mention(event, rid, payload.mentions)
        self._release(event.id)

    def _mention(self, event: Event, rid: int | None, members: tuple[bytes, ...]) -> None:
        """Whom a case or comment names (its author signed the list): the answer queue."""
        if members:
            self.db.executemany(
                "INSERT OR IGNORE INTO mentions (member, event_id, case_rid, at) "
                "VALUES (?, ?, ?, ?)",
                [(m, event.id, rid, event.header.ts) for m in members],
            )

    def _case_ref(self, event: Event, case_id: bytes) -> Any:
        """The case a comment or poll refers to (id, rid, net, author, purge key: never
        change once the case exists), remembered for the rest of the write transaction
        (a withdrawal forgets them); otherwise as _case_row."""
        key = ("case", case_id)
        row = self.db.memo.get(key)
        if row is None:
            row = self._case_row(event, case_id)
            if row is not None and self.db.in_transaction:
                self.db.memo[key] = row
        elif row["net"] != event.net:
            self.reject(event, "refers to a case of another network")
            return None
        return row

    def _case_row(self, event: Event, case_id: bytes) -> Any:
        row = self.db.one(
            "SELECT id, rid, net, author, hidden, purge_key, withdrawn FROM cases WHERE id = ?",
            (case_id,),
        )
        if row is None:
            self.wait(event, case_id)
        elif row["net"] != event.net:
            self.reject(event, "refers to a case of another network")
            return None
        elif row["withdrawn"] is not None:  # (a case without a purge key: found by its id)
            self.strip_arrival(event)
            return None
        return row

    def _keep_original(self, target: bytes) -> None:
        """History starts with the original, copied in only when a first edit arrives."""
        if self.db.scalar("SELECT 1 FROM revisions WHERE target = ? LIMIT 1", (target,)):
            return
        original, payload = self.load(target) or (None, None)
        if original is None or payload is None:  # pragma: no cover - the target was applied
            raise RuntimeError("edited item has no stored, readable event")
        first = pt.typed(original.kind, payload)
        if not isinstance(first, pt.CaseCreate | pt.CommentCreate):  # pragma: no cover - checked
            raise RuntimeError("edited item is not a case or a comment")
        self._add_revision(target, original, first.content())

    def _add_revision(self, target: bytes, event: Event, content: dict[str, Any]) -> None:
        """``content``: the revision's fields in JSON form (see payload_types)."""
        self.db.execute(
            "INSERT OR IGNORE INTO revisions (target, event_id, author, at, ordering, content) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (target, event.id, self.who(event), event.header.ts, ordering(event), as_json(content)),
        )

    def _case_edit(self, event: Event, payload: pt.CaseEdit) -> None:
        case = self._case_row(event, payload.case)
        if case is None:
            return
        if case["author"] != self.who(event):
            self.reject(event, "only the author may edit a case")
            return
        if self._untagged(event, case["purge_key"], case["id"]):
            return
        self._keep_original(case["id"])
        self._add_revision(case["id"], event, payload.content())
        state: dict[str, Any] = {}
        last = b""
        for rev in self.db.all(
            "SELECT content, ordering, at FROM revisions WHERE target = ? ORDER BY ordering",
            (case["id"],),
        ):
            state.update(json.loads(rev["content"]))
            last, updated = rev["ordering"], rev["at"]
        count = self.db.scalar("SELECT count(*) FROM revisions WHERE target = ?", (case["id"],))
        self.db.execute(
            "UPDATE cases SET title = ?, specialty = ?, tags = ?, "
            "attachments = ?, edit_order = ?, updated_at = ?, revisions = ?, "
            "activity_at = max(activity_at, ?), consent = ? WHERE rid = ?",
            (
                state["title"],
                state["specialty"],
                as_json(state["tags"]),
                as_json(state["attachments"]),
                last,
                updated,
                count,
                event.header.ts,
                None if state.get("consent") is None else as_json(state["consent"]),
                case["rid"],
            ),
        )
        self.db.execute("DELETE FROM case_tags WHERE case_rid = ?", (case["rid"],))
        self.db.executemany(
            "INSERT INTO case_tags (tag, case_rid) VALUES (?, ?)",
            [(t, case["rid"]) for t in state["tags"]],
        )
        self.db.execute(
            "INSERT INTO case_text (rid, fields, body) VALUES (?, ?, ?) "
            "ON CONFLICT (rid) DO UPDATE SET fields = excluded.fields, body = excluded.body",
            (case["rid"], pack(as_json(state["fields"])), pack(state["body"])),
        )
        unindex_case(self.db, case["rid"])
        if not case["hidden"]:
            index_case(self.db, case["rid"], state)

    def _case_status(self, event: Event, payload: pt.CaseStatus) -> None:
        case = self._case_row(event, payload.case)
        if case is None:
            return
        if case["author"] != self.who(event):
            self.reject(event, "only the author may change a case's status")
            return
        if self._untagged(event, case["purge_key"], case["id"]):
            return
        self.db.execute(
            "UPDATE cases SET status = ?, status_order = ?, activity_at = max(activity_at, ?) "
            "WHERE rid = ? AND status_order < ?",
            (payload.status, ordering(event), event.header.ts, case["rid"], ordering(event)),
        )

    def _case_request(self, event: Event, payload: pt.CaseRequest) -> None:
        case = self._case_row(event, payload.case)
        if case is None:
            return
        if case["author"] != self.who(event):
            self.reject(event, "only the author may ask for a second opinion")
            return
        if self._untagged(event, case["purge_key"], case["id"]):
            return
        self.db.execute(
            "UPDATE cases SET opinion = ?, opinion_order = ?, activity_at = max(activity_at, ?) "
            "WHERE rid = ? AND opinion_order < ?",
            (payload.opinion, ordering(event), event.header.ts, case["rid"], ordering(event)),
        )

    # -- discussion ---------------------------------------------------------------
    def _comment_create(
        self, event: Event, payload: pt.CommentCreate, kind: str = "comment"
    ) -> None:
        case = self._case_ref(event, payload.case)
        if case is None or self._untagged(event, case["purge_key"], case["id"]):
            return
        parent = payload.parent
        if parent is not None:
            row = self.db.one("SELECT case_id FROM comments WHERE id = ?", (parent,))
            if row is None:
                if not self.purged_item(event, parent):
                    self.wait(event, parent)
                return
            if row["case_id"] != case["id"]:
                self.reject(event, "a reply must be in the same case as its parent")
                return
        if kind == "outcome" and case["author"] != self.who(event):
            self.reject(event, "only the case's author may add its outcome")
            return
        cur = self.db.execute(
            "INSERT INTO comments (id, case_id, case_rid, parent_id, net, author, kind, "
            "created_at, updated_at, created_order, edit_order, body) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event.id,
                case["id"],
                case["rid"],
                parent,
                event.net,
                self.who(event),
                kind,
                event.header.ts,
                event.header.ts,
                ordering(event),
                ordering(event),
                kept_text.stored_body(event, payload.body),
            ),
        )
        self.db.execute(
            "UPDATE cases SET comment_count = comment_count + 1, "
            "activity_at = max(activity_at, ?) WHERE rid = ?",
            (event.header.ts, case["rid"]),
        )
        index_comment(self.db, cur.lastrowid, payload.body)
        self._mention(event, case["rid"], payload.mentions)
        self._release(event.id)

    def _case_outcome(self, event: Event, payload: pt.CommentCreate) -> None:
        self._comment_create(event, payload, kind="outcome")

    def _comment_row(self, event: Event, comment_id: bytes) -> Any:
        row = self.db.one(
            "SELECT c.*, k.purge_key FROM comments c JOIN cases k ON k.rid = c.case_rid "
            "WHERE c.id = ?",
            (comment_id,),
        )
        if row is None:
            if not self.purged_item(event, comment_id):
                self.wait(event, comment_id)
        elif row["net"] != event.net:
            self.reject(event, "refers to a comment of another network")
            return None
        elif self._untagged(event, row["purge_key"], row["case_id"]):
            return None
        return row

    def _comment_edit(self, event: Event, payload: pt.CommentEdit) -> None:
        comment = self._comment_row(event, payload.comment)
        if comment is None:
            return
        if comment["author"] != self.who(event):
            self.reject(event, "only the author may edit a comment")
            return
        self._keep_original(comment["id"])
        self._add_revision(comment["id"], event, payload.content())
        latest = self.db.row(
            "SELECT content, ordering, at, (SELECT count(*) FROM revisions WHERE target = ?) "
            "AS n FROM revisions WHERE target = ? ORDER BY ordering DESC LIMIT 1",
            (comment["id"], comment["id"]),
        )
        body = json.loads(latest["content"])["body"]
        self.db.execute(
            "UPDATE comments SET body = ?, edit_order = ?, updated_at = ?, revisions = ? "
            "WHERE rid = ?",
            (pack(body), latest["ordering"], latest["at"], latest["n"], comment["rid"]),
        )
        unindex_comment(self.db, comment["rid"])
        if not comment["hidden"]:
            index_comment(self.db, comment["rid"], body)

    def _comment_endorse(self, event: Event, payload: pt.CommentEndorse) -> None:
        comment = self._comment_row(event, payload.comment)
        if comment is None:
            return
        if comment["author"] == self.who(event):
            self.reject(event, "members cannot endorse their own comments")
            return
        cur = self.db.execute(
            "INSERT OR IGNORE INTO endorsements (comment_id, author, event_id, at) "
            "VALUES (?, ?, ?, ?)",
            (comment["id"], self.who(event), event.id, event.header.ts),
        )
        if cur.rowcount:
            self.db.execute(
                "UPDATE comments SET endorsements = endorsements + 1 WHERE rid = ?",
                (comment["rid"],),
            )


# What applying each kind does: one handler for every :class:`EventKind`, taking the
# payload type payload_types.TYPES gives that kind (mypy checks each takes its type).
HANDLERS: dict[str, Callable[[Projector, Event, pt.Payload], None]] = {
    EventKind.NETWORK_CREATE: pt.Handler(pt.NetworkCreate, Projector._network_create),
    EventKind.NETWORK_POLICY: pt.Handler(pt.ClearOnly, Projector._nothing),
    EventKind.INVITE_CREATE: pt.Handler(pt.InviteCreate, Projector._nothing),
    EventKind.INVITE_REVOKE: pt.Handler(pt.ClearOnly, Projector._nothing),
    EventKind.MEMBER_JOIN: pt.Handler(pt.MemberJoin, Projector._member_join),
    EventKind.MEMBER_ROLE: pt.Handler(pt.ClearOnly, Projector._nothing),
    EventKind.MEMBER_REMOVE: pt.Handler(pt.ClearOnly, Projector._nothing),
    EventKind.EPOCH_ROTATE: pt.Handler(pt.EpochRotate, Projector._nothing),
    EventKind.DEVICE_ADD: pt.Handler(pt.ClearOnly, Projector._nothing),
    EventKind.DEVICE_REVOKE: pt.Handler(pt.ClearOnly, Projector._nothing),
    EventKind.NETWORK_UPDATE: pt.Handler(pt.NetworkUpdate, Projector._network_update),
    EventKind.CONTENT_HIDE: pt.Handler(pt.ContentHide, Projector._content_hide),
    EventKind.CONTENT_UNHIDE: pt.Handler(pt.ContentTarget, Projector._content_unhide),
    EventKind.CONTENT_PIN: pt.Handler(pt.ContentTarget, Projector._content_pin),
    EventKind.CONTENT_UNPIN: pt.Handler(pt.ContentTarget, Projector._content_unpin),
    EventKind.CONTENT_HOLD: pt.Handler(pt.ContentTarget, Projector._content_hold),
    EventKind.CONTENT_RELEASE: pt.Handler(pt.ContentTarget, Projector._content_release),
    EventKind.MODERATION_POLICY: pt.Handler(pt.ModerationPolicy, Projector._moderation_policy),
    EventKind.CASE_CREATE: pt.Handler(pt.CaseCreate, Projector._case_create),
    EventKind.CASE_EDIT: pt.Handler(pt.CaseEdit, Projector._case_edit),
    EventKind.CASE_STATUS: pt.Handler(pt.CaseStatus, Projector._case_status),
    EventKind.CASE_OUTCOME: pt.Handler(pt.CommentCreate, Projector._case_outcome),
    EventKind.COMMENT_CREATE: pt.Handler(pt.CommentCreate, Projector._comment_create),
    EventKind.COMMENT_EDIT: pt.Handler(pt.CommentEdit, Projector._comment_edit),
    EventKind.COMMENT_ENDORSE: pt.Handler(pt.CommentEndorse, Projector._comment_endorse),
    EventKind.CASE_WITHDRAW: pt.Handler(pt.CaseWithdraw, Projector._case_withdraw),
    EventKind.CASE_PURGED: pt.Handler(pt.CasePurged, Projector._case_purged),
    EventKind.POLL_CREATE: pt.Handler(pt.PollCreate, Projector._poll_create),
    EventKind.POLL_ANSWER: pt.Handler(pt.PollAnswer, Projector._poll_answer),
    EventKind.POLL_FINAL: pt.Handler(pt.PollFinal, Projector._poll_final),
    EventKind.FLAG_CREATE: pt.Handler(pt.Sealed, Projector._flag_create),
    EventKind.CASE_REQUEST: pt.Handler(pt.CaseRequest, Projector._case_request),
    EventKind.REMINDER_SET: pt.Handler(pt.Sealed, Projector._reminder_set),
}
