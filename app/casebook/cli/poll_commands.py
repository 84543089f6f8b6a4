"""``casebook poll``: ask, answer, show and close polls on a case (core/library/polls.py)."""

from __future__ import annotations

import argparse
import re
from typing import Any

from casebook.cli.context import Context, Output
from casebook.core.library.polls import PollView
from casebook.errors import UsageError


def add_parser(sub: Any, common: argparse.ArgumentParser, allow: Any) -> None:
    p = sub.add_parser(
        "poll",
        parents=[common],
        help="blinded polls on a case: what would you do, or your differential",
        description="blinded polls on a case: what would you do, or your differential",
    )
    psub = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    c = psub.add_parser("create", parents=[common], help="ask a poll on your case")
    c.add_argument("case", metavar="CASE_ID")
    c.add_argument("--kind", choices=("differential", "choice"), required=True)
    c.add_argument("--question", default="", help="the question (one line)")
    c.add_argument(
        "--option", action="append", default=[], metavar="TEXT", help="a choice (repeat)"
    )
    allow(c)
    c = psub.add_parser("answer", parents=[common], help="answer a poll, or skip it (once)")
    c.add_argument("poll", metavar="POLL_ID")
    how = c.add_mutually_exclusive_group(required=True)
    how.add_argument(
        "--rank",
        nargs="+",
        action="extend",
        metavar="TEXT",
        help="up to five diagnoses, the most likely first",
    )
    how.add_argument("--choice", type=int, metavar="N", help="the option's number, from 1")
    how.add_argument("--skip", action="store_true", help="skip, and see the answers")
    allow(c)
    c = psub.add_parser("show", parents=[common], help="a poll (its answers once you answered)")
    c.add_argument("poll", metavar="POLL_ID")
    c = psub.add_parser(
        "answers",
        parents=[common],
        help="each member's answer, to hide one (moderators and admins, once they answered)",
    )
    c.add_argument("poll", metavar="POLL_ID")
    c = psub.add_parser("list", parents=[common], help="the polls of a case")
    c.add_argument("case", metavar="CASE_ID")
    c = psub.add_parser("final", parents=[common], help="mark the final answer (the author)")
    c.add_argument("poll", metavar="POLL_ID")
    c.add_argument("answer", help="the final diagnosis, or the option's number")
    allow(c)


def poll(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    if a.action == "create":
        case = p.library.case(a.case)
        made = p.polls.create(
            case, a.kind, a.question, a.option, allow_identifiers=a.allow_identifiers
        )
        return {"id": made.hex()}, (
            f"Asked poll {made.hex()[:12]}. Members see the others' answers only once they "
            "have answered or skipped; `casebook sync` sends it."
        )
    if a.action == "list":
        views = p.polls.of_case(p.library.case(a.case))
        data = {"results": [v.to_json() for v in views]}
        return data, "\n".join(_summary(v) for v in views) or "No poll on this case."
    poll_id = p.polls.ref(a.poll)
    if a.action == "answer":
        p.polls.answer(
            poll_id,
            choice=a.choice,
            ranks=a.rank,
            skip=a.skip,
            allow_identifiers=a.allow_identifiers,
        )
        view = p.polls.show(poll_id)
        return view.to_json(), "Skipped.\n" + _text(view) if a.skip else _text(view)
    if a.action == "final":
        number = re.fullmatch(r"[0-9]{1,3}", a.answer.strip())  # an option's number
        answer: str | int = int(number.group()) if number else a.answer
        p.polls.final(poll_id, answer, allow_identifiers=a.allow_identifiers)
        view = p.polls.show(poll_id)
        return view.to_json(), _text(view)
    if a.action == "show":
        view = p.polls.show(poll_id)
        return view.to_json(), _text(view)
    if a.action == "answers":
        given = p.polls.answers_of(poll_id)
        lines = [
            f"{r['id'][:12]}  {r['name'] or r['by']}: "
            + (", ".join(r["answer"]) if isinstance(r["answer"], list) else r["answer"])
            + ("  [hidden]" if r["hidden"] else "")
            for r in given
        ]
        text = "\n".join(lines) or "No answers yet."
        return {"results": given}, text + (
            "\nHide one: casebook moderate hide ANSWER_ID --reason TEXT." if given else ""
        )
    raise UsageError(f"Unknown poll action {a.action!r}.")  # pragma: no cover - argparse


def _summary(view: PollView) -> str:
    state = "answered" if view.answered else "not answered yet"
    return f"{view.id.hex()[:12]}  {view.kind:<12} {view.question or '—'}  ({state})"


def _text(view: PollView) -> str:
    lines = [f"{view.question or 'Poll'} ({view.kind}, {view.answers} answer(s))"]
    if view.kind == "choice":
        lines += [f"  {i}. {o}" for i, o in enumerate(view.options, start=1)]
    if view.results is None:
        lines.append("Answer or skip to see the others' answers (casebook poll answer).")
    else:
        lines.append("Pooled:" if view.kind == "differential" else "Answers:")
        for r in view.results:
            lines.append(f"  {r.weight:>6g}  {r.answer}  ({r.votes})")
        if view.withheld:
            lines.append(f"({view.withheld} answer(s) hidden by a moderator, not counted)")
    if view.final is not None:
        final = view.options[view.final - 1] if isinstance(view.final, int) else view.final
        lines.append(f"Final answer: {final}")
        if view.kind == "differential" and view.answered and not view.skipped:
            mine = f"you ranked it {view.my_rank}" if view.my_rank else "it was not in your list"
            lines.append(f"  {mine}; the group ranked it {view.final_rank or '—'}")
    return "\n".join(lines)
