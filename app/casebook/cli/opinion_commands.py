"""``casebook opinion CASE --ask|--urgent|--none`` (and ``post … --second-opinion
[--urgent]``): its author asks the network for a second opinion on a case, optionally
urgent, or no more; ``list --opinion`` lists the cases that ask."""

from __future__ import annotations

import argparse
from typing import Any

from casebook.cli.context import Context, Output

SAID = {
    "requested": "Second opinion requested: colleagues see it in their queue.",
    "urgent": "Urgent second opinion requested: colleagues see it first in their queue.",
    "none": "No second opinion requested any more.",
}


def add_post_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--second-opinion", action="store_true", help="ask colleagues for a second opinion"
    )
    parser.add_argument("--urgent", action="store_true", help="an urgent second opinion")


def wanted(args: argparse.Namespace) -> str | None:
    """What ``post``'s options ask for (None: nothing)."""
    if getattr(args, "urgent", False):
        return "urgent"
    return "requested" if getattr(args, "second_opinion", False) else None


def add_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "opinion",
        parents=[common],
        help="ask for a second opinion on your case (optionally urgent), or no more",
        description="ask the network for a second opinion on your case, optionally urgent",
    )
    p.add_argument("case", metavar="CASE_ID")
    how = p.add_mutually_exclusive_group(required=True)
    how.add_argument("--ask", action="store_const", const="requested", dest="opinion")
    how.add_argument("--urgent", action="store_const", const="urgent", dest="opinion")
    how.add_argument("--none", action="store_const", const="none", dest="opinion")


def opinion(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    case = p.library.case(a.case)
    p.library.request_opinion(case, a.opinion)
    data: dict[str, Any] = {"case": case.hex(), "opinion": a.opinion}
    return data, SAID[a.opinion]
