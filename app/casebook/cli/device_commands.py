"""``casebook device``: this member's computers (list, revoke)."""

from __future__ import annotations

from casebook.cli.context import Context, Output
from casebook.core.library.queries import iso


def device(ctx: Context) -> Output:
    a, p = ctx.args, ctx.profile
    if a.action == "list":
        rows = p.devices.mine()
        text = "\n".join(
            f"{r['name']}  [{r['id']}]"
            + ("  (this computer)" if r["current"] else "")
            + ("  REVOKED" if r["revoked"] else "")
            + (f"\n  added {iso(r['added'])[:10]}" if r["added"] else "\n  added —")
            + (f"  last seen {iso(r['last_seen'])[:16]}" if r["last_seen"] else "")
            for r in rows
        )
        return {"results": rows}, text
    result = p.devices.revoke(a.device)
    rekeyed = all(n["rekeyed"] for n in result["networks"])
    text = (
        f"Revoked in {len(result['networks'])} network(s): its later events are refused "
        "everywhere."
        + (
            " A new key epoch started: it cannot read anything written from now on."
            if rekeyed
            else " An admin's app starts a new key epoch when it sees this; until then "
            "keep the computer offline if you can."
        )
    )
    return result, text
