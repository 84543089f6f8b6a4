"""``casebook flag`` and ``casebook moderation inbox``: members flag a case or a comment
for the moderators; moderators and admins read the flags and the log of what was done
(core/model/flags.py, core/network/flag_inbox.py)."""

from __future__ import annotations

import argparse
from typing import Any

from casebook.cli.context import Context, Output
from casebook.core.ledger.eventlog import now_ms
from casebook.core.library.queries import iso
from casebook.core.model.flags import SUGGESTED
from casebook.errors import UsageError


def add_parser(sub: Any, common: argparse.ArgumentParser, allow: Any) -> None:
    p = sub.add_parser(
        "flag",
        parents=[common],
        help="flag a case or comment for the moderators (only they read why)",
        description="flag a case or comment for the moderators; the reason is sealed to "
        "the network's moderators and admins",
    )
    p.add_argument("item", metavar="ITEM", help="a case or comment id (or its start)")
    p.add_argument(
        "--reason", required=True, metavar="TEXT", help="why, e.g. " + "; ".join(SUGGESTED)
    )
    allow(p)
    p = sub.add_parser(
        "moderation",
        parents=[common],
        help="the moderators' inbox of flagged items and the log of what was done",
        description="the moderators' inbox of flagged items and the log of what was done",
    )
    p.add_argument(
        "action",
        choices=("inbox", "log", "outcomes", "policy"),
        help="inbox: flagged items; log: what moderators did; outcomes: open cases "
        "awaiting an outcome; policy: show or (admins, --hold-after) set when a flagged "
        "item is held for a moderator's look",
    )
    p.add_argument(
        "--hold-after",
        type=int,
        metavar="N",
        help="policy: hold an item once N members flagged it, until a moderator looks (0: never)",
    )
    p.add_argument("--network", "-n", metavar="NET", help="the network (if you have several)")
    p.add_argument(
        "--days", type=int, default=14, help="outcomes: cases older than this (default 14)"
    )


def flag(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    made = p.library.flag(a.item, a.reason, allow_identifiers=a.allow_identifiers)
    return {"id": made.hex()}, (
        "Flagged for the network's moderators; only they (and your computers) can read why."
    )


def moderation(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    net = p.library.network(a.network or "")
    if a.action == "outcomes":
        if not 0 <= a.days <= 3660:
            raise UsageError("--days must be between 0 and 3660.")
        waiting = p.flag_inbox.awaiting_outcome(net, now_ms(), a.days)
        lines = [
            f"{r['case'][:12]}  {r['days']} days  {r['name'] or r['author']}  {r['title']}"
            for r in waiting
        ]
        return {"results": waiting}, "\n".join(lines) or "No open case awaits an outcome."
    if a.action == "policy":
        if a.hold_after is not None:
            p.governance.set_moderation_policy(net, a.hold_after)
        n = p.flag_inbox.hold_after(net)
        said = (
            f"An item is held for a moderator's look once {n} members flagged it."
            if n
            else "Flagged items stay up until a moderator acts (no automatic hold)."
        )
        return {"hold_after": n}, said
    if a.action == "log":
        done = p.flag_inbox.log_of(net)
        lines = [
            f"{iso(r['at'])[:16]}  {r['name'] or r['by']}  {r['action']}  {r['item'][:12]}"
            + (f"  ({r['reason']})" if r["reason"] else "")
            for r in done
        ]
        return {"results": done}, "\n".join(lines) or "Nothing done yet."
    found = p.flag_inbox.inbox(net)
    lines = []
    for f in found:
        state = "reviewed" if f.reviewed else "awaiting a look"
        state = ("held, " if f.held else "hidden, " if f.hidden else "") + state
        lines.append(f"{f.item.hex()[:12]}  {f.what}  {len(f.flags)} flag(s)  [{state}]  {f.title}")
        lines += [f"    {r['name'] or r['by']}: {r['reason']}" for r in f.flags]
    return {"results": [f.to_json() for f in found]}, "\n".join(lines) or "No flags."
