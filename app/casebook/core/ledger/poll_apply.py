"""Applying polls (docs/protocol.md, "Polls"): a case's author asks, each member answers
once, the author marks the final answer.

A member's answer is the first they wrote, by ``(lamport, id)``: one that arrives later
but was written earlier takes the place of the one applied, which is then rejected, so
every computer keeps the same answer whatever the order. The final answer is the
author's newest. Poll events are a case's events: tagged with its purge key, stripped
when it is withdrawn (see :mod:`withdraw_apply`).
"""

from __future__ import annotations

import json
from typing import Any

from casebook.core.ledger.projector_base import ProjectorBase, as_json, ordering
from casebook.core.model import payload_types as pt
from casebook.core.model.events import Event

ONCE = "a member answers a poll once: their first answer counts"


class Polls(ProjectorBase):
    # Provided by the Projector (the case a poll event names, and its tag check).
    def _case_ref(self, event: Event, case_id: bytes) -> Any:
        raise NotImplementedError

    def _untagged(self, event: Event, key: bytes | None, case: bytes | None) -> bool:
        raise NotImplementedError

    def _poll_case(self, event: Event, case_id: bytes) -> Any:
        case = self._case_ref(event, case_id)
        if case is None or self._untagged(event, case["purge_key"], case["id"]):
            return None
        return case

    def _poll_create(self, event: Event, payload: pt.PollCreate) -> None:
        case = self._poll_case(event, payload.case)
        if case is None:
            return
        if case["author"] != self.who(event):
            self.reject(event, "only the case's author may ask a poll on it")
            return
        if case["purge_key"] is None:
            self.reject(event, "a poll needs a case written with a purge key")
            return
        self.db.execute(
            "INSERT OR IGNORE INTO polls (id, case_id, case_rid, net, author, kind, question, "
            "options, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                event.id,
                case["id"],
                case["rid"],
                event.net,
                self.who(event),
                payload.kind,
                payload.question,
                as_json(list(payload.options)),
                event.header.ts,
            ),
        )
        self._release(event.id)

    def _poll_row(self, event: Event, poll_id: bytes, case_id: bytes) -> Any:
        row = self.db.one("SELECT id, case_id, kind, options FROM polls WHERE id = ?", (poll_id,))
        if row is None:
            if not self.purged_item(event, poll_id):
                self.wait(event, poll_id)
            return None
        if row["case_id"] != case_id:
            self.reject(event, "names a poll of another case")
            return None
        return row

    def _poll_answer(self, event: Event, payload: pt.PollAnswer) -> None:
        case = self._poll_case(event, payload.case)
        if case is None:
            return
        poll = self._poll_row(event, payload.poll, case["id"])
        if poll is None:
            return
        count = len(json.loads(poll["options"]))
        if not payload.skip and (
            (poll["kind"] == "choice" and (payload.choice is None or payload.choice >= count))
            or (poll["kind"] == "differential" and not payload.ranks)
        ):
            self.reject(event, f"not an answer to a {poll['kind']} poll")
            return
        if self._back_dated(event):
            self.reject(event, "its Lamport clock is not past its chain's")
            return
        member, order = self.who(event), ordering(event)
        held = self.db.one(
            "SELECT event_id, ordering FROM poll_answers WHERE poll_id = ? AND member = ?",
            (poll["id"], member),
        )
        if held is not None:
            if bytes(held["ordering"]) <= order:
                self.reject(event, ONCE)
                return
            self.db.execute(  # written earlier, arrived later: it is the one that counts
                "INSERT OR REPLACE INTO rejected (event_id, reason) VALUES (?, ?)",
                (held["event_id"], ONCE),
            )
        self.db.execute(
            "INSERT OR REPLACE INTO poll_answers (poll_id, member, event_id, ordering, skip, "
            "choice, ranks, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                poll["id"],
                member,
                event.id,
                order,
                int(payload.skip),
                payload.choice,
                as_json(list(payload.ranks)),
                event.header.ts,
            ),
        )
        self._release(event.id)  # a moderator's act on this answer that came first

    def _back_dated(self, event: Event) -> bool:
        """Whether ``event``'s Lamport clock is not past the one before it in its chain:
        then "written first" by ``(lamport, id)`` could put it before an answer its
        author wrote earlier, so it is refused (stored events are the same everywhere,
        so every computer judges alike)."""
        before = self.db.scalar(
            "SELECT lamport FROM events WHERE net = ? AND author = ? AND seq = ?",
            (event.net, event.author, event.seq - 1),
        )
        return before is not None and event.header.lamport <= int(before)

    def _poll_final(self, event: Event, payload: pt.PollFinal) -> None:
        case = self._poll_case(event, payload.case)
        if case is None:
            return
        if case["author"] != self.who(event):
            self.reject(event, "only the case's author may mark a poll's final answer")
            return
        poll = self._poll_row(event, payload.poll, case["id"])
        if poll is None:
            return
        choice = poll["kind"] == "choice"
        if isinstance(payload.answer, int) != choice or (
            choice and int(payload.answer) >= len(json.loads(poll["options"]))
        ):
            self.reject(event, f"not an answer to a {poll['kind']} poll")
            return
        self.db.execute(
            "UPDATE polls SET final = ?, final_order = ? WHERE id = ? "
            "AND (final_order IS NULL OR final_order < ?)",
            (as_json(payload.answer), ordering(event), poll["id"], ordering(event)),
        )
