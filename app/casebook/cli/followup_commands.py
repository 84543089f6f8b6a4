"""``casebook remind CASE --in 14d`` (and ``post … --follow-up 14d``): be reminded, on
each of your computers, to add your case's outcome; ``casebook reminders`` lists them
(core/library/followups.py). Reminders are sealed to your own computers."""

from __future__ import annotations

import argparse
import re
from typing import Any

from casebook.cli.context import Context, Output, parse_date
from casebook.core.ledger.eventlog import now_ms
from casebook.core.library.followups import DAY_MS
from casebook.core.library.queries import iso
from casebook.errors import UsageError

_AFTER = re.compile(r"\s*(\d{1,4})\s*([dw]?)\s*", re.IGNORECASE)
MAX_DAYS = 3660


def after(text: str, option: str = "--in") -> int:
    """``14d``, ``2w`` or ``14`` (days) as milliseconds."""
    found = _AFTER.fullmatch(text)
    if found is None:
        raise UsageError(f"{option} takes a number of days or weeks, such as 14d or 2w.")
    days = int(found.group(1)) * (7 if found.group(2).lower() == "w" else 1)
    if not 1 <= days <= MAX_DAYS:
        raise UsageError(f"{option}: between 1 day and 10 years.")
    return days * DAY_MS


def add_follow_up(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--follow-up",
        metavar="DAYS",
        help="remind me to add the outcome after this long (14d, 2w), on my computers only",
    )


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "remind",
        parents=[common],
        help="be reminded to add your case's outcome (only your computers know)",
        description="be reminded to add your case's outcome; the reminder is sealed to "
        "your own computers",
    )
    p.add_argument("case", metavar="CASE_ID")
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--in", dest="after", metavar="DAYS", help="after this long: 14d, 2w")
    when.add_argument("--on", metavar="YYYY-MM-DD", help="on this day")
    when.add_argument("--clear", action="store_true", help="no reminder for this case")
    sub.add_parser(
        "reminders",
        parents=[common],
        help="your follow-up reminders: due now, and to come",
        description="your follow-up reminders: due now (add the outcome), and to come",
    )


def remind(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    case = p.library.case(a.case)
    if a.clear:
        due = 0
    elif a.on:
        due = parse_date(a.on, "--on") or 0
    else:
        due = now_ms() + after(a.after)
    p.library.remind(case, due)
    said = "Reminder cleared." if due == 0 else f"You will be reminded on {iso(due)[:10]}."
    return {"case": case.hex(), "due": due or None}, said


def reminders(ctx: Context) -> Output:
    p, now = ctx.profile, now_ms()
    due, coming = p.follow_ups.due(now), p.follow_ups.upcoming(now)
    lines = [f"Due: add the outcome ({len(due)})"]
    lines += [f"  {f.case.hex()[:12]}  since {iso(f.due)[:10]}  {f.title}" for f in due]
    lines.append(f"To come ({len(coming)})")
    lines += [f"  {f.case.hex()[:12]}  on {iso(f.due)[:10]}  {f.title}" for f in coming]
    data = {"due": [f.to_json() for f in due], "upcoming": [f.to_json() for f in coming]}
    return data, "\n".join(lines)
