"""``casebook queue``: the cases awaiting this member's reply, the unanswered ones, and
this member's open cases (core/library/queue.py)."""

from __future__ import annotations

import argparse
from typing import Any

from casebook.cli.context import Context, Output
from casebook.core.ledger.eventlog import now_ms

_TITLES = (
    ("awaiting_me", "Awaiting your reply (you were mentioned, or asked in a poll)"),
    ("unanswered", "Unanswered for more than a day"),
    ("my_open", "Your open cases"),
)
_SHOWN = 20  # cases per list in the text form; --json has them all


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "queue",
        parents=[common],
        help="cases awaiting your reply, unanswered cases, your open cases",
        description="cases awaiting your reply, unanswered cases, your open cases",
    )
    p.add_argument("--network", "-n", metavar="NET", help="only this network")


def queue(ctx: Context) -> Output:
    p = ctx.profile
    net = p.library.network(ctx.args.network) if ctx.args.network else None
    found = p.answer_queue.lists(now_ms(), net)
    data = found.to_json()
    lines: list[str] = []
    for key, title in _TITLES:
        ids: list[bytes] = getattr(found, key)
        lines.append(f"{title}: {len(ids)}")
        for case_id in ids[:_SHOWN]:
            detail = p.queries.case(case_id)
            name = detail.summary.title if detail is not None else ""
            lines.append(f"  {case_id.hex()[:12]}  {name}")
        if len(ids) > _SHOWN:
            lines.append(f"  … and {len(ids) - _SHOWN} more (--json lists them all)")
    return data, "\n".join(lines)
