"""A case's polls rendered inside the case (HTML): the question, then either what the
reader can do (answer, skip) or, once they have, the pooled answers as bars, the final
answer and how their answer compared (core/library/polls.py decides what is shown)."""

from __future__ import annotations

import html

from casebook.core.library.polls import PollView
from casebook.gui.i18n import tr

_BAR = 24  # characters of a full bar


def render(polls: list[PollView], member: bool, moderator: bool = False) -> str:
    """The polls of a case (empty: nothing); ``member``: the reader may answer;
    ``moderator``: once answered, they may see each member's answer to hide one."""
    if not polls:
        return ""
    return "".join(_poll(p, member, moderator) for p in polls)


def _poll(p: PollView, member: bool, moderator: bool = False) -> str:
    kind = (
        tr("What is your differential?") if p.kind == "differential" else tr("What would you do?")
    )
    question = html.escape(p.question) if p.question else kind
    count = tr("{0} answer(s)").format(p.answers)
    heading = tr("Poll: {0}").format(question)
    parts = [
        f"<a name='p{p.id.hex()}'></a><h4>{heading}</h4>",
        f"<p class='meta'>{html.escape(kind) + ' · ' if p.question != kind else ''}{count}</p>",
    ]
    if p.kind == "choice" and p.results is None:
        parts.append("<ol>" + "".join(f"<li>{html.escape(o)}</li>" for o in p.options) + "</ol>")
    if p.results is None:
        parts.append(
            "<p class='meta'>" + tr("The answers show once you have answered or skipped.") + "</p>"
        )
        if member:
            answer, skip = tr("Answer…"), tr("Skip and see the answers")
            parts.append(
                f"<p class='acts'><a href='casebook:poll-answer/{p.id.hex()}'>{answer}</a>"
                f" &nbsp; <a href='casebook:poll-skip/{p.id.hex()}'>{skip}</a></p>"
            )
        return "".join(parts)
    top = max((r.weight for r in p.results), default=0.0) or 1.0
    rows = []
    for r in p.results:
        bar = "█" * max(1 if r.weight else 0, round(_BAR * r.weight / top))
        votes = tr("{0} vote(s)").format(r.votes)
        rows.append(
            f"<tr><td>{html.escape(r.answer)}</td><td class='bar'>{bar}</td>"
            f"<td class='meta'>{r.weight:g} · {votes}</td></tr>"
        )
    title = tr("Pooled differential") if p.kind == "differential" else tr("Answers")
    parts.append(f"<p><b>{title}</b></p><table cellspacing='4'>{''.join(rows)}</table>")
    if p.withheld:
        withheld = tr("{0} answer(s) hidden by a moderator, not counted.").format(p.withheld)
        parts.append(f"<p class='meta'>{withheld}</p>")
    if moderator:
        each = tr("Each member's answer…")
        parts.append(
            f"<p class='acts'><a href='casebook:poll-moderate/{p.id.hex()}'>{each}</a></p>"
        )
    if p.skipped:
        parts.append("<p class='meta'>" + tr("You skipped this poll.") + "</p>")
    elif isinstance(p.my_answer, list):
        parts.append(
            "<p class='meta'>"
            + tr("Your answer: {0}").format(html.escape(", ".join(p.my_answer)))
            + "</p>"
        )
    elif isinstance(p.my_answer, int):
        chosen = html.escape(p.options[p.my_answer - 1])
        parts.append("<p class='meta'>" + tr("Your answer: {0}").format(chosen) + "</p>")
    if p.final is not None:
        final = p.options[p.final - 1] if isinstance(p.final, int) else p.final
        parts.append("<p><b>" + tr("Final answer: {0}").format(html.escape(final)) + "</b></p>")
        if p.kind == "differential" and not p.skipped:
            if p.my_rank:
                said = tr("You ranked it {0}; the group ranked it {1}.")
                parts.append(f"<p class='meta'>{said.format(p.my_rank, p.final_rank or '—')}</p>")
            else:
                said = tr("It was not in your list; the group ranked it {0}.")
                parts.append(f"<p class='meta'>{said.format(p.final_rank or '—')}</p>")
    if p.mine:
        final_link = tr("Mark the final answer…")
        parts.append(
            f"<p class='acts'><a href='casebook:poll-final/{p.id.hex()}'>{final_link}</a></p>"
        )
    return "".join(parts)
