"""``casebook sync``, ``sync status``, ``join`` through a relay and ``relay host``."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path
from typing import Any

from casebook.cli.context import Context, Output
from casebook.core.model.relayaddr import RelayAddress, listen_address
from casebook.core.network.invitations import date_text
from casebook.errors import UsageError, say
from casebook.session import Session
from casebook.session.session import LAN_ENV, lan_allowed
from casebook.sync.engine import SyncReport
from casebook.sync.link import LinkFailure, SyncError

LAN_WAIT = 5.0  # sync --lan: how long to look for colleagues
STATUS_WAIT = 2.0  # sync status: how long to look for colleagues on the LAN


def _stop_on_signals(stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, stop.set)


def _line(report: SyncReport) -> str:
    where = f"{report.net.hex()[:8]} @ {report.relay.split('//')[-1].split('/')[0]}"
    if report.error:
        return f"{where}: {report.error}"
    parts = [f"received {report.received} ({report.applied} new)", f"sent {report.sent}"]
    if report.held:
        parts.append(f"{report.held} waiting for earlier events")
    if report.forks:
        parts.append(f"{report.forks} forks (see casebook doctor)")
    if report.refused:
        parts.append(f"{len(report.refused)} refused ({report.refused[0]})")
    if report.not_taken:
        parts.append(f"{len(report.not_taken)} not taken by the relay ({report.not_taken[0]})")
    return f"{where}: " + ", ".join(parts)


def _progress(done: int, total: int) -> None:
    if sys.stderr.isatty() and total:
        sys.stderr.write(f"\r  {done:,} / {total:,} events")
        if done >= total:
            sys.stderr.write("\n")


def sync(ctx: Context) -> Output:
    a, session = ctx.args, ctx.session
    nets = [session.p.library.network(a.network)] if a.network else None
    if a.action == "status":
        return _status(session, nets, a.wait or STATUS_WAIT)
    if a.lan and a.watch:
        raise UsageError("sync --watch already syncs with colleagues on the LAN; drop --lan.")
    if a.no_lan and not a.watch:
        raise UsageError("--no-lan goes with --watch (plain sync uses relays only).")
    if a.lan and not lan_allowed():
        raise UsageError(say("LAN sync is turned off on this computer ({0}=off).", LAN_ENV))
    if a.watch:
        return _watch(session, nets, lan=not a.no_lan and lan_allowed())
    if a.lan:
        return _lan(session, nets, a.wait or LAN_WAIT)
    reports = asyncio.run(session.sync_once(nets, progress=_progress))
    if not reports:
        raise UsageError(
            "No network of this profile names a relay. Sync with colleagues nearby "
            "(casebook sync --lan), give a relay when creating a network (casebook network "
            "create --relay URL), or move events with bundle files."
        )
    return _results(reports)


def _lan(session: Session, nets: list[bytes] | None, wait: float) -> Output:
    return _results(asyncio.run(session.sync_lan(wait, nets)))


def _results(reports: list[SyncReport]) -> Output:
    """A line per link; an error (exit 5) when every link failed."""
    text = "\n".join(_line(r) for r in reports)
    if all(r.error for r in reports):
        raise SyncError(LinkFailure.UNREACHABLE, text)
    return {"results": [r.to_json() for r in reports]}, text


def _watch(session: Session, nets: list[bytes] | None, lan: bool) -> Output:
    def show(report: SyncReport) -> None:
        print(_line(report), file=sys.stderr, flush=True)

    def nearby(count: int) -> None:
        if count != seen[0]:
            seen[0] = count
            print(f"{count} colleague(s) nearby on the LAN", file=sys.stderr, flush=True)

    seen = [0]
    session.on_nearby = nearby

    async def run() -> None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
        await session.watch(stop, nets, on_report=show, lan=lan)

    asyncio.run(run())
    return {"stopped": True}, "Stopped watching."


def _status(session: Session, nets: list[bytes] | None, wait: float) -> Output:
    lan = lan_allowed()

    async def both() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        peers = await session.lan_status(wait, nets) if lan else []
        return await session.relay_status(nets), peers

    rows, peers = asyncio.run(both())
    lines = []
    for r in rows:
        when = date_text(r["last_sync"]) if r["last_sync"] else "never"
        state = (
            f"reachable, {r['to_receive']} to receive, {r['to_send']} to send"
            if r["reachable"]
            else f"unreachable: {r['error']}"
        )
        lines.append(f"{r['network'][:8]} @ {r['relay']}\n  {state}; last sync {when}")
    if not rows:
        lines.append("No network of this profile names a relay.")
    for p in peers:
        state = (
            f"a colleague ({p['member'][:8]}), {p['to_receive']} to receive, {p['to_send']} to send"
            if p["state"] == "reachable"
            else f"{p['state']}: {p['error']}"
        )
        lines.append(f"{p['network'][:8]} @ {p['peer']} (LAN)\n  {state}")
    if not lan:
        lines.append(f"LAN sync is turned off on this computer ({LAN_ENV}=off).")
    elif not peers:
        lines.append(f"No colleague seen on the LAN within {wait:g} s.")
    return {"relays": rows, "lan_peers": peers}, "\n".join(lines)


def relay(ctx: Context) -> Output:
    a = ctx.args
    data_dir = Path(a.data).expanduser() if a.data else ctx.profile.directory / "relay"
    host, port = listen_address(a.listen)
    if a.action == "url":
        from casebook.protocol import tls

        _, _, fp = tls.ensure_certificate(data_dir)
        url = str(RelayAddress(a.public_host or host, port, fp))
        return {"url": url}, url
    session = ctx.session
    net = session.p.library.network(a.network)

    async def run() -> None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
        public = a.public_host or host
        server = await session.host(
            port, public, listen=host, data=data_dir, networks=frozenset({net}), remember=False
        )
        url = server.url(public)
        print(f"Hosting the relay for this network at {url}", file=sys.stderr, flush=True)
        if url not in [str(r) for r in session.sync.relays(net)]:
            print(
                "This address is not among the network's relays yet; members reach it once "
                "an admin adds it to the network.",
                file=sys.stderr,
                flush=True,
            )
        local = RelayAddress("127.0.0.1", server.port, server.fingerprint)
        syncing = asyncio.create_task(session.keep_in_step(net, local, stop))
        try:
            await stop.wait()
        finally:
            syncing.cancel()
            with contextlib.suppress(asyncio.CancelledError, SyncError):
                await syncing
            await session.stop_hosting()

    asyncio.run(run())
    return {"stopped": True}, "The relay stopped."
