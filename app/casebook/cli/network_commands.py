"""Commands for running a private network: invites, joining, members, moderation, bundles."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

from casebook.cli.context import Context, Output
from casebook.core.library.queries import iso
from casebook.core.library.search import Filters
from casebook.core.model.invite_codes import InviteCode
from casebook.core.network.invitations import DAY_MS, date_text
from casebook.errors import UsageError, say

_UNITS = {"m": 60_000, "h": 3_600_000, "d": DAY_MS, "w": 7 * DAY_MS}


def duration_ms(text: str) -> int:
    match = re.fullmatch(r"\s*(\d{1,6})\s*([mhdw])\s*", text or "")
    if not match:
        raise UsageError(say("{0!r} is not a duration: use e.g. 30m, 12h, 7d or 2w.", text))
    return int(match.group(1)) * _UNITS[match.group(2)]


def network_create(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    net = p.library.create_network(
        a.name,
        p.name,
        relays=a.relay or [],
        invite_policy=a.who_invites,
        default_role=a.default_role,
    )
    info = p.governance.show(net)
    return {"id": net.hex(), "name": info["name"], "relays": info["relays"]}, (
        f"Created network {info['name']!r}: {net.hex()}\n"
        "Invite colleagues with: casebook invite create --network "
        f"{net.hex()[:8]}"
    )


def network_show(ctx: Context) -> Output:
    p = ctx.profile
    net = p.library.network(ctx.args.net)
    info = p.governance.show(net)
    info["tags"] = [{"tag": t, "cases": n} for t, n in p.queries.tags(net)]
    info["cases"] = p.queries.networks(only=net)[0]["cases"]
    lines = [
        f"{info['name']}  ({info['id']})",
        f"founder: {info['founder']}",
        f"you: {info['your_role'] or 'not a member'}",
        f"members: {info['members']} ("
        + ", ".join(f"{n} {r}" for r, n in sorted(info["roles"].items()))
        + ")",
        f"who may invite: {info['policy']['invite']}; newcomers join as "
        f"{info['policy']['default_role']}",
        f"key epoch: {info['epoch']}" + (" (a re-key is due)" if info["needs_rotation"] else ""),
        f"open invites: {info['open_invites']}",
        f"cases: {info['cases']}",
        "relays: " + (", ".join(info["relays"]) or "none (bundles or LAN only)"),
    ]
    return info, "\n".join(lines)


def invite(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    net = p.library.network(a.network)
    if a.action == "create":
        made = p.invitations.create(
            net, role=a.role, uses=a.uses, expires_in_ms=duration_ms(a.expires)
        )
        text = (
            f"{made.code}\n\n"
            f"Invite {made.key.hex()[:12]}: joins as {made.role}, {made.uses} use(s), "
            f"expires {date_text(made.expires)}.\n"
            "Give the code to the colleague privately (it is a key to the library). "
            "Revoke it with: casebook invite revoke --network NET "
            f"{made.key.hex()[:12]}"
        )
        return made.to_json(), text
    if a.action == "list":
        rows = p.invitations.list(net)
        text = "\n".join(
            f"{r['id'][:12]}  {r['status']:<8} {r['role']:<9} {r['used']}/{r['uses']} used  "
            f"expires {r['expires']}  by {r['inviter_name'] or r['inviter'][:15]}"
            for r in rows
        )
        return {"results": rows}, text or "No invites yet."
    key = p.invitations.revoke(net, a.invite)
    return {"id": key.hex(), "revoked": True}, f"Revoked invite {key.hex()[:12]}."


def join(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    code = p.invitations.read_code(a.code)
    report: dict[str, object] = {}
    if a.bundle:
        _join_with_bundle(ctx, code, report)
    else:
        asyncio.run(ctx.session.join_code(code, a.name or p.name, watch=False))
        report = {"via": "relay"}
    info = p.governance.show(code.net)
    data = {
        "network": code.net.hex(),
        "name": info["name"],
        "role": info["your_role"],
        "import": report,
    }
    cases = p.queries.count_cases(Filters(net=code.net, hidden=True))
    text = f"Joined {info['name']!r} as {info['your_role'] or 'a pending member'}."
    if a.bundle:
        text += (
            f"\n{report.get('applied', 0)} events taken in.\n"
            "Send your join back to a member: casebook bundle export --network "
            f"{code.net.hex()[:8]} FILE"
        )
    else:
        text += f" {cases} cases in your library; run casebook sync to stay up to date."
    return data, text


def _join_with_bundle(ctx: Context, code: InviteCode, report: dict[str, object]) -> None:
    a, p = ctx.args, ctx.profile
    taken = p.bundles.join(code, Path(a.bundle).expanduser(), a.name or p.name)
    report.update(taken.to_json())


def member(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    net = p.library.network(a.network)
    g = p.governance
    if a.action == "list":
        rows = g.members(net, include_removed=a.all)
        text = "\n".join(
            f"{r['name'] or '(name not yet received)'}  [{r['role']}]"
            + ("  (you)" if r["you"] else "")
            + f"\n  {r['fingerprint']}  since {iso(r['since'])[:10]}"
            + (
                f"  invited by {r['invited_by_name'] or r['invited_by'][:15]}"
                if r["invited_by"]
                else "  founder"
            )
            for r in rows
        )
        return {"results": rows}, text
    target = g.member(net, a.member)
    if a.action == "role":
        event = g.set_role(net, a.member, a.role)
        closed = g.closed_by(net, event)
        text = f"Role changed to {a.role}." + closed_text(closed)
        return {"member": target.key.hex(), "role": a.role, "closed_invites": closed}, text
    leaving = target.key == p.member
    result = g.remove(net, a.member)
    text = (
        "You left the network. An admin's app re-keys it when it sees this."
        if leaving
        else "Member removed."
    )
    if result["rotation"]:
        text += " A new key epoch started: they cannot read anything written from now on."
    text += closed_text(result["closed_invites"])
    data = {
        "removed": result["removed"],
        "rekeyed": result["rotation"] is not None,
        "closed_invites": result["closed_invites"],
    }
    return data, text


def closed_text(closed: list[dict[str, Any]]) -> str:
    """Which invite codes a removal or role change closed, and what to do about it."""
    if not closed:
        return ""
    lines = [
        f"\n  invite {c['id'][:12]} ({c['role']}, made by "
        f"{c['inviter_name'] or c['inviter'][:15]}, used {c['used']} of {c['uses']} times)"
        for c in closed
    ]
    return (
        f"\nClosed {len(closed)} invite code{'s' if len(closed) != 1 else ''}; "
        "they admit nobody from now on:"
        + "".join(lines)
        + "\nMake a new invite for anyone who still needs one: casebook invite create."
    )


def moderate(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    what, target = p.governance.moderate(a.id, a.action, a.reason or "")
    past = {
        "hide": "hidden",
        "unhide": "restored",
        "pin": "pinned",
        "unpin": "unpinned",
        "hold": "held for a moderator's look",
        "release": "released (looked at); its flags count as reviewed",
    }
    return {"id": target.hex(), "kind": what, "action": a.action}, (
        f"The {what} {target.hex()[:12]} is {past[a.action]} for everyone."
    )


def bundle(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    path = Path(a.file).expanduser()
    if a.action == "export":
        made = p.bundles.export(p.library.network(a.network), path)
        return made.to_json(), made.text()
    taken = p.bundles.take_in(path)
    return taken.to_json(), taken.text()
