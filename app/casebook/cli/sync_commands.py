"""``casebook sync``, ``sync status``, ``join`` through a relay and ``relay host``."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from pathlib import Path
from typing import Any

from casebook.cli.context import Context, Output
from casebook.core.model.invite_codes import InviteCode
from casebook.core.model.relayaddr import RelayAddress, listen_address
from casebook.core.network.invitations import date_text
from casebook.core.profile import Profile
from casebook.errors import UsageError
from casebook.sync.engine import SyncEngine, SyncReport
from casebook.sync.link import SyncError


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
    a, p = ctx.args, ctx.profile
    nets = [p.library.network(a.network)] if a.network else None
    engine = SyncEngine(p)
    try:
        if a.action == "status":
            return _status(engine, nets)
        if a.watch:
            return _watch(engine, nets)
        reports = asyncio.run(engine.sync_all(nets, progress=_progress))
    finally:
        engine.close()
    if not reports:
        raise UsageError(
            "No network of this profile names a relay. Give one when creating a network "
            "(casebook network create --relay URL) or move events with bundle files."
        )
    by_net: dict[bytes, list[SyncReport]] = {}
    for report in reports:
        by_net.setdefault(report.net, []).append(report)
    text = "\n".join(_line(r) for r in reports)
    data = {"results": [r.to_json() for r in reports]}
    if all(r.error for r in reports):
        raise SyncError("unreachable", text)
    return data, text


def _watch(engine: SyncEngine, nets: list[bytes] | None) -> Output:
    def show(report: SyncReport) -> None:
        print(_line(report), file=sys.stderr, flush=True)

    async def run() -> None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
        await engine.watch_all(stop, nets, on_report=show)

    asyncio.run(run())
    return {"stopped": True}, "Stopped watching."


def _status(engine: SyncEngine, nets: list[bytes] | None) -> Output:
    rows: list[dict[str, Any]] = []

    async def probe_all() -> None:
        for net in nets or engine.networks():
            for address in engine.relays(net):
                row = engine.db.one(
                    "SELECT last_success, last_error FROM sync_status WHERE net = ? AND relay = ?",
                    (net, str(address)),
                )
                entry: dict[str, Any] = {
                    "network": net.hex(),
                    "relay": str(address),
                    "last_sync": row["last_success"] if row else None,
                    "last_error": row["last_error"] if row else None,
                }
                try:
                    entry.update(reachable=True, **await engine.probe(net, address))
                except SyncError as exc:
                    entry.update(reachable=False, error=exc.message)
                rows.append(entry)

    asyncio.run(probe_all())
    lines = []
    for r in rows:
        when = date_text(r["last_sync"]) if r["last_sync"] else "never"
        state = (
            f"reachable, {r['to_receive']} to receive, {r['to_send']} to send"
            if r["reachable"]
            else f"unreachable: {r['error']}"
        )
        lines.append(f"{r['network'][:8]} @ {r['relay']}\n  {state}; last sync {when}")
    return {"relays": rows}, "\n".join(lines) or "No network of this profile names a relay."


def join_through_relay(ctx: Context, code: InviteCode) -> tuple[bytes, dict[str, Any]]:
    p = ctx.profile
    engine = SyncEngine(p)
    try:
        join_id = asyncio.run(engine.join(code, ctx.args.name or p.name))
    finally:
        engine.close()
    return join_id, {"via": "relay"}


def fetch_attachment(profile: Profile, digest: bytes) -> None:
    engine = SyncEngine(profile)
    try:
        asyncio.run(engine.fetch_attachment(digest))
    finally:
        engine.close()


def relay(ctx: Context) -> Output:
    from casebook.relay.server import Relay, RelayConfig

    a, p = ctx.args, ctx.profile
    data_dir = Path(a.data).expanduser() if a.data else p.directory / "relay"
    host, port = listen_address(a.listen)
    if a.action == "url":
        from casebook.protocol import tls

        _, _, fp = tls.ensure_certificate(data_dir)
        url = str(RelayAddress(a.public_host or host, port, fp))
        return {"url": url}, url
    net = p.library.network(a.network)
    config = RelayConfig(data=data_dir, host=host, port=port, allow_networks=frozenset({net}))
    engine = SyncEngine(p)

    async def run() -> None:
        stop = asyncio.Event()
        _stop_on_signals(stop)
        server = Relay(config)
        await server.start()
        url = server.url(a.public_host or host)
        print(f"Hosting the relay for this network at {url}", file=sys.stderr, flush=True)
        if url not in [str(r) for r in engine.relays(net)]:
            print(
                "This address is not among the network's relays yet; members reach it once "
                "an admin adds it to the network.",
                file=sys.stderr,
                flush=True,
            )
        local = RelayAddress("127.0.0.1", server.port, server.fingerprint)
        syncing = asyncio.create_task(_keep_local(engine, net, local, stop))
        await stop.wait()
        syncing.cancel()
        with contextlib.suppress(asyncio.CancelledError, SyncError):
            await syncing
        await server.close()

    try:
        asyncio.run(run())
    finally:
        engine.close()
    return {"stopped": True}, "The relay stopped."


async def _keep_local(engine: SyncEngine, net: bytes, local: RelayAddress, stop: Any) -> None:
    """The hosting profile stays in step with its own relay."""
    while not stop.is_set():
        with contextlib.suppress(SyncError):
            await engine.sync(net, local, watch=True, stop=stop)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 2)
