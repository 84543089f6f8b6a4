"""Polls on a case (docs/protocol.md, "Polls"): ask, answer once (or skip), see the pooled
result, mark the final answer.

Blinding is the app's: every member's computer holds every answer (they are encrypted to
the network, like the rest), and this module shows the others' answers only to a member
who has answered or skipped. A changed client could read them earlier; it cannot change
its member's answer afterwards (the first one written counts, on every computer).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from casebook.core.library import refs
from casebook.core.library.cases import Library
from casebook.core.model import polls
from casebook.core.model.fingerprint import fingerprint
from casebook.core.model.ids import EventId
from casebook.core.model.kinds import MODERATORS, EventKind
from casebook.errors import NotFound, PermissionDenied, UsageError, say
from casebook.store.database import Database


@dataclass(frozen=True)
class PollView:
    """A poll as this member may see it: ``results`` only once they answered or skipped."""

    id: bytes
    case: bytes
    kind: str
    question: str
    options: list[str]
    mine: bool  # this member asked it
    answered: bool  # answered or skipped: the results are shown
    skipped: bool
    my_answer: list[str] | int | None
    answers: int  # how many members answered or skipped
    results: list[polls.Pooled] | None
    final: str | int | None
    my_rank: int | None = None  # where this member ranked the final answer (1 first)
    final_rank: int | None = None  # where the pooled result ranks it
    withheld: int = 0  # answers a moderator hid: not in the pooled result

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id.hex(),
            "case": self.case.hex(),
            "kind": self.kind,
            "question": self.question,
            "options": self.options,
            "mine": self.mine,
            "answered": self.answered,
            "skipped": self.skipped,
            "my_answer": self.my_answer,
            "answers": self.answers,
            "withheld": self.withheld,
            "results": None
            if self.results is None
            else [{"answer": r.answer, "weight": r.weight, "votes": r.votes} for r in self.results],
            "final": self.final,
            "my_rank": self.my_rank,
            "final_rank": self.final_rank,
        }


class PollBook:
    def __init__(self, db: Database, library: Library) -> None:
        self.db = db
        self.library = library
        self.me = library.me

    # -- writing ----------------------------------------------------------------------
    def create(
        self,
        case_id: bytes,
        kind: str,
        question: str = "",
        options: list[str] | None = None,
        *,
        allow_identifiers: bool = False,
    ) -> EventId:
        """Ask a poll on one's own case."""
        row = self.library._own_case(case_id, "ask a poll on it")
        if self.db.scalar("SELECT purge_key IS NULL FROM cases WHERE id = ?", (case_id,)):
            raise UsageError(
                "This case was written by an older version of Casebook; ask the poll on a "
                "new case (its poll could not be withdrawn with it)."
            )
        payload = {"case": case_id, "kind": kind, "question": question, "options": options or []}
        return self._write(bytes(row["net"]), EventKind.POLL_CREATE, payload, allow_identifiers)

    def answer(
        self,
        poll_id: bytes,
        *,
        choice: int | None = None,
        ranks: list[str] | None = None,
        skip: bool = False,
        allow_identifiers: bool = False,
    ) -> EventId:
        """Answer (an option's number from 1, or up to five diagnoses, first most likely),
        or skip: once."""
        poll = self._poll(poll_id)
        if self._answer_row(poll_id) is not None:
            raise UsageError("You have answered this poll already; the first answer counts.")
        if choice is not None:
            if poll["kind"] != "choice":
                raise UsageError("This poll asks for your differential: rank diagnoses.")
            count = len(json.loads(poll["options"]))
            if not 1 <= choice <= count:
                raise UsageError(say("Choose an option from 1 to {0}.", count))
        if ranks and poll["kind"] != "differential":
            raise UsageError("This poll asks you to choose one of its options.")
        if not skip and choice is None and not ranks:
            raise UsageError("Give an answer, or skip the poll.")
        payload = {
            "poll": poll_id,
            "case": bytes(poll["case_id"]),
            "choice": None if choice is None else choice - 1,
            "ranks": list(ranks or []),
            "skip": skip,
        }
        return self._write(bytes(poll["net"]), EventKind.POLL_ANSWER, payload, allow_identifiers)

    def final(
        self, poll_id: bytes, answer: str | int, *, allow_identifiers: bool = False
    ) -> EventId:
        """Mark the final answer (the author): a diagnosis, or an option's number from 1."""
        poll = self._poll(poll_id)
        if bytes(poll["author"]) != self.me:
            raise PermissionDenied("Only the case's author can mark the final answer.")
        if poll["kind"] == "choice":
            count = len(json.loads(poll["options"]))
            if not isinstance(answer, int) or not 1 <= answer <= count:
                raise UsageError(say("The final answer is an option from 1 to {0}.", count))
            answer -= 1
        elif not isinstance(answer, str):
            raise UsageError("The final answer of a differential is a diagnosis.")
        payload = {"poll": poll_id, "case": bytes(poll["case_id"]), "answer": answer}
        return self._write(bytes(poll["net"]), EventKind.POLL_FINAL, payload, allow_identifiers)

    def _write(
        self, net: bytes, kind: EventKind, payload: dict[str, Any], allow_identifiers: bool
    ) -> EventId:
        """One way in (:meth:`Library._append`): the de-identification check, then the
        payload's validation (a clear error for what breaks a rule)."""
        return self.library._append(net, kind, payload, allow_identifiers=allow_identifiers)

    # -- reading ----------------------------------------------------------------------
    def ref(self, ref: str) -> bytes:
        """A poll by id prefix."""
        return refs.by_prefix(self.db, "polls", ref, "poll")

    def _poll(self, poll_id: bytes) -> Any:
        row = self.db.one(
            "SELECT p.*, c.withdrawn FROM polls p JOIN cases c ON c.rid = p.case_rid "
            "WHERE p.id = ?",
            (poll_id,),
        )
        if row is None:
            raise NotFound("No such poll.")
        return row

    def _answer_row(self, poll_id: bytes) -> Any:
        return self.db.one(
            "SELECT skip, choice, ranks FROM poll_answers WHERE poll_id = ? AND member = ?",
            (poll_id, self.me),
        )

    def answers_of(self, poll_id: bytes) -> list[dict[str, Any]]:
        """Each member's answer, for the network's moderators and admins to hide one
        (``casebook moderate hide ANSWER_ID``): only once they answered or skipped
        themselves, as the results. Skips are not listed."""
        poll = self._poll(poll_id)
        net = bytes(poll["net"])
        role = self.library.log.members.state(net).role_now(self.library.log.chain)
        if role not in MODERATORS:
            raise PermissionDenied("Only moderators and admins see each member's answer.")
        if self._answer_row(poll_id) is None:
            raise PermissionDenied(
                "Answer or skip the poll first: until then its answers stay hidden from you."
            )
        names = refs.names(self.db, net)
        options = json.loads(poll["options"])
        rows = self.db.all(
            "SELECT event_id, member, choice, ranks, hidden, at FROM poll_answers "
            "WHERE poll_id = ? AND skip = 0 ORDER BY ordering",
            (poll_id,),
        )
        return [
            {
                "id": bytes(r["event_id"]).hex(),
                "by": fingerprint(bytes(r["member"])),
                "name": names.get(bytes(r["member"]), ""),
                "answer": json.loads(r["ranks"]) if r["choice"] is None else options[r["choice"]],
                "hidden": bool(r["hidden"]),
                "at": r["at"],
            }
            for r in rows
        ]

    def of_case(self, case_id: bytes) -> list[PollView]:
        rows = self.db.all(
            "SELECT id FROM polls WHERE case_id = ? ORDER BY created_at, id", (case_id,)
        )
        return [self.show(bytes(r["id"])) for r in rows]

    def show(self, poll_id: bytes) -> PollView:
        poll = self._poll(poll_id)
        options = json.loads(poll["options"])
        mine = self._answer_row(poll_id)
        rows = self.db.all(
            "SELECT skip, choice, ranks, hidden FROM poll_answers WHERE poll_id = ?", (poll_id,)
        )
        # The final answer too is shown only once this member answered or skipped.
        final = None if poll["final"] is None or mine is None else json.loads(poll["final"])
        my_answer: list[str] | int | None = None
        if mine is not None and not mine["skip"]:
            my_answer = json.loads(mine["ranks"]) or (mine["choice"] + 1)
        results = None
        if mine is not None:  # blinded until this member answered or skipped
            # An answer a moderator hid leaves the pool; its member still answered.
            given = [r for r in rows if not r["skip"] and not r["hidden"]]
            if poll["kind"] == "choice":
                results = polls.pool_choice(options, [r["choice"] for r in given])
            else:
                results = polls.pool_differential(json.loads(r["ranks"]) for r in given)
        my_rank = final_rank = None
        if final is not None and mine is not None and poll["kind"] == "differential":
            key = polls.diagnosis_key(final)
            ranked = [polls.diagnosis_key(d) for d in json.loads(mine["ranks"])]
            my_rank = ranked.index(key) + 1 if key in ranked else None
            pooled = [polls.diagnosis_key(r.answer) for r in results or []]
            final_rank = pooled.index(key) + 1 if key in pooled else None
        return PollView(
            id=poll_id,
            case=bytes(poll["case_id"]),
            kind=poll["kind"],
            question=poll["question"],
            options=options,
            mine=bytes(poll["author"]) == self.me,
            answered=mine is not None,
            skipped=mine is not None and bool(mine["skip"]),
            my_answer=my_answer,
            answers=len(rows),
            withheld=sum(1 for r in rows if r["hidden"]),
            results=results,
            final=final + 1 if isinstance(final, int) else final,
            my_rank=my_rank,
            final_rank=final_rank,
        )
