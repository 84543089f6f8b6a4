"""``casebook device`` (this member's computers: list, link, join, revoke), and the
identity's safety: ``recovery-key``, ``recover``, ``backup``, ``restore``."""

from __future__ import annotations

import asyncio
import json
import platform
import sys
from pathlib import Path

from casebook.cli import secrets_input
from casebook.cli.context import Context, Output
from casebook.core import backup as backups
from casebook.core.library.queries import iso
from casebook.core.model.fingerprint import fingerprint
from casebook.core.model.relayaddr import parse as parse_relay
from casebook.core.profile import Profile
from casebook.errors import UsageError
from casebook.session import devices
from casebook.session.session import Session


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def default_name() -> str:
    return f"{platform.system() or 'Computer'} computer"


def device(ctx: Context) -> Output:
    a = ctx.args
    if a.action == "join":
        return _join(ctx)
    if a.action == "link":
        return _link(ctx)
    p = ctx.profile
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
    key = secrets_input.recovery_key() if a.recovery_key else None
    result = p.devices.revoke(a.device, recovery_key=key)
    rekeyed = all(n["rekeyed"] for n in result["networks"])
    text = (
        f"Revoked in {len(result['networks'])} network(s): its later events are refused "
        "everywhere."
        + (
            " The computers it linked are revoked with it: "
            + ", ".join(result["also"])
            + " (link them again from this computer)."
            if result["also"]
            else ""
        )
        + (
            " A new key epoch started: it cannot read anything written from now on."
            if rekeyed
            else " An admin's app starts a new key epoch when it sees this; until then "
            "keep the computer offline if you can."
        )
    )
    return result, text


def _link(ctx: Context) -> Output:
    a, session = ctx.args, ctx.session
    code = devices.new_code(session.p)
    text = code.encode()

    def waiting() -> None:  # the relay holds the slot: the code works from now on
        if a.json:
            sys.stdout.write(json.dumps({"code": text, "expires": code.expires}) + "\n")
            sys.stdout.flush()
        else:
            print(
                "On the new computer, run:\n"
                f"  casebook --profile FOLDER device join {text}\n"
                "The code works once, for ten minutes. Keep this running until it is done.",
                flush=True,
            )

    async def confirm(comparison: str, name: str) -> bool:
        if a.confirm:
            _say(f"'{name}' asks to link; comparison code {comparison} (accepted: --confirm).")
            return True
        _say(f"'{name}' asks to link. Does it show the comparison code {comparison}? [y/N]")
        answer = await asyncio.to_thread(sys.stdin.readline)
        return answer.strip().lower() in ("y", "yes")

    result = asyncio.run(session.link_device(code, confirm, waiting))
    return result, (
        f"Linked '{result['linked']}' in {result['seconds']} s: it now holds your identity "
        "and syncs your library."
    )


def _join(ctx: Context) -> Output:
    a = ctx.args
    code = devices.read_code(a.code)
    passphrase = ctx.passphrase(confirm=True)
    session = Session()

    def shown(comparison: str) -> None:
        _say(f"Comparison code: {comparison} (the other computer shows the same).")

    joined = asyncio.run(
        session.join_device(ctx.directory, passphrase, code, a.name or default_name(), shown)
    )
    ctx.adopt(joined.profile)
    p = joined.profile
    data = {
        "fingerprint": p.fingerprint,
        "name": p.name,
        "device": p.identity.public_key.hex()[:16],
        "seconds": joined.seconds,
        "errors": joined.caught_up,
    }
    text = (
        f"This computer is now {p.name}'s ({fingerprint(p.member)}), linked in "
        f"{joined.seconds} s."
        + ("" if not joined.caught_up else "\nNot caught up yet: " + "; ".join(joined.caught_up))
    )
    return data, text


def recovery_key(ctx: Context) -> Output:
    key = ctx.profile.recovery.key()
    text = (
        f"Your recovery key:\n  {key}\n"
        "Write it down (or print it) and keep it away from this computer. With it, "
        "casebook recover sets up your library on a new computer if this one is lost."
    )
    return {"key": key}, text


def recover(ctx: Context) -> Output:
    a = ctx.args
    key = secrets_input.recovery_key()
    relay = parse_relay(a.relay) if a.relay else None
    passphrase = ctx.passphrase(confirm=True)
    session = Session()
    joined = asyncio.run(
        session.recover(ctx.directory, passphrase, key, relay, a.name or default_name())
    )
    ctx.adopt(joined.profile)
    p = joined.profile
    data = {
        "fingerprint": p.fingerprint,
        "name": p.name,
        "device": p.identity.public_key.hex()[:16],
        "seconds": joined.seconds,
        "errors": joined.caught_up,
    }
    text = (
        f"Recovered {p.name} ({p.fingerprint}) on this computer in {joined.seconds} s. "
        "Revoke the lost computer: casebook device list, then casebook device revoke ID."
        + ("" if not joined.caught_up else "\nNot caught up yet: " + "; ".join(joined.caught_up))
    )
    return data, text


def backup(ctx: Context) -> Output:
    a = ctx.args
    passphrase = ctx.passphrase()
    p = Profile.unlock(ctx.directory, passphrase)
    ctx.adopt(p)
    if a.recovery_key:
        signer = p.secrets().signer
        if signer is None:
            raise UsageError(
                "This computer does not hold your recovery key; make the backup under your "
                "passphrase (without --recovery-key), or on your first computer."
            )
        result = backups.write(p, Path(a.file), seed=signer.seed)
        how = "your recovery key"
    else:
        result = backups.write(p, Path(a.file), passphrase=passphrase)
        how = "this profile's passphrase"
    text = (
        f"Wrote {result['file']} ({result['bytes'] // 1024} KiB), encrypted under {how}. "
        "casebook restore FILE brings it back (to replace this computer; for a second "
        "computer use casebook device link)."
    )
    return result, text


def restore(ctx: Context) -> Output:
    a = ctx.args
    found = backups.read(Path(a.file))
    key = None
    if found.sealed_with == "recovery-key":
        key = secrets_input.recovery_key()
        passphrase = ctx.passphrase(confirm=True)  # this computer's new passphrase
    else:
        passphrase = ctx.passphrase()  # the backup's, which stays this profile's
    session = Session()
    joined = asyncio.run(session.restore(ctx.directory, Path(a.file), passphrase, key))
    ctx.adopt(joined.profile)
    p = joined.profile
    data = {
        "fingerprint": p.fingerprint,
        "name": p.name,
        "sealed_with": found.sealed_with,
        "unchecked": joined.caught_up,
    }
    text = f"Restored {p.name}'s library ({p.fingerprint}) from {a.file}." + (
        ""
        if not joined.caught_up
        else " Some relays could not be asked whether this computer wrote more after the "
        "backup; sync before you write anything: " + "; ".join(joined.caught_up)
    )
    return data, text
