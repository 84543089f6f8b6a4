"""``casebook-relay``: run and inspect a relay.

    casebook-relay serve   --data DIR --listen HOST:PORT [--allow-network ID ...]
                           [--database postgresql://USER@HOST:PORT/DB]
    casebook-relay url     --data DIR --host NAME --port PORT
    casebook-relay status  (--data DIR | --database URL) [--json]
    casebook-relay migrate --from DIR --database URL

``--database`` keeps the relay's store in PostgreSQL (several processes may serve it);
without it, in a SQLite file under ``--data``, which always holds the TLS key and
certificate. Keep the password out of the URL (other users see a command line): libpq
reads it from ``~/.pgpass`` or ``PGPASSWORD``.

Errors go to stderr in one line with a non-zero exit code.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import signal
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from casebook import __version__
from casebook.core.model import membership
from casebook.core.model.events import parse_trusted
from casebook.core.model.membership import Entry
from casebook.core.model.relayaddr import RelayAddress, listen_address
from casebook.errors import CasebookError, UsageError, say


def _network_id(text: str) -> bytes:
    try:
        value = bytes.fromhex(text)
    except ValueError:
        value = b""
    if len(value) != 16:
        raise UsageError(
            say("a network id is 32 hex characters (casebook network show), got {0!r}", text)
        )
    return value


def build() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="casebook-relay",
        description="Run a Casebook relay: it stores and forwards your network's encrypted "
        "events and never reads a case.",
    )
    parser.add_argument("--version", action="version", version=f"casebook-relay {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    p = sub.add_parser("serve", help="run the relay until stopped (SIGTERM or Ctrl-C)")
    p.add_argument("--data", required=True, metavar="DIR", help="where the relay keeps its data")
    p.add_argument("--listen", default="0.0.0.0:7447", metavar="HOST:PORT")
    p.add_argument("--database", metavar="URL", help=DATABASE_HELP)
    p.add_argument(
        "--allow-network",
        action="append",
        default=[],
        metavar="ID",
        help="host only these networks (repeatable); default: any, up to --max-networks",
    )
    p.add_argument(
        "--max-networks",
        type=int,
        default=10,
        help="without --allow-network: how many networks anyone may found here (10)",
    )
    p.add_argument("--max-connections", type=int, default=2000)
    p.add_argument("--quota-mb", type=int, default=2048, help="storage per network (2048)")
    p.add_argument("--verbose", action="store_true", help="log connections to stderr")
    p = sub.add_parser("url", help="print the relay's address for invite codes and networks")
    p.add_argument("--data", required=True, metavar="DIR")
    p.add_argument("--host", required=True, help="the name or address members reach it by")
    p.add_argument("--port", type=int, default=7447)
    p = sub.add_parser("status", help="networks, members online, storage used")
    p.add_argument("--data", metavar="DIR", help="a relay's data folder (its SQLite store)")
    p.add_argument("--database", metavar="URL", help=DATABASE_HELP)
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("migrate", help="move a stopped relay's SQLite store into PostgreSQL")
    p.add_argument("--from", dest="source", required=True, metavar="DIR", help="its --data")
    p.add_argument("--database", required=True, metavar="URL", help=DATABASE_HELP)
    return parser


DATABASE_HELP = (
    "postgresql://USER@HOST:PORT/DBNAME: keep the store in PostgreSQL (the password from "
    "~/.pgpass or PGPASSWORD); default: a SQLite file under --data"
)


def serve(args: argparse.Namespace) -> int:
    from casebook.relay.server import Relay, RelayConfig

    host, port = listen_address(args.listen, ephemeral=True)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    allow = frozenset(_network_id(n) for n in args.allow_network) or None
    config = RelayConfig(
        data=Path(args.data).expanduser(),
        database=args.database,
        host=host,
        port=port,
        allow_networks=allow,
        max_networks=args.max_networks,
        max_connections=args.max_connections,
        quota_bytes=args.quota_mb * 1024 * 1024,
    )

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            with contextlib.suppress(NotImplementedError):
                loop.add_signal_handler(sig, stop.set)
        relay = Relay(config)
        try:
            await relay.start()
        except OSError as exc:
            relay.store.close()
            raise CasebookError(
                say("cannot listen on {0}: {1}", args.listen, exc.strerror)
            ) from None
        print(f"casebook-relay listening on {host}:{relay.port}", file=sys.stderr, flush=True)
        if allow is None:
            print(
                f"open to new networks (up to {args.max_networks}); to host only yours, "
                "restart with --allow-network ID (casebook network show prints the id)",
                file=sys.stderr,
                flush=True,
            )
        print(
            f"fingerprint {relay.url().rsplit('/', 1)[-1]}; "
            "print the URL for members with: casebook-relay url --data DIR --host NAME",
            file=sys.stderr,
            flush=True,
        )
        await stop.wait()
        await relay.close()

    asyncio.run(run())
    return 0


def url(args: argparse.Namespace) -> int:
    from casebook.protocol import tls

    _, _, fp = tls.ensure_certificate(Path(args.data).expanduser())
    print(str(RelayAddress(args.host.strip("[]"), args.port, fp)))
    return 0


def status(args: argparse.Namespace) -> int:
    from casebook.relay.storage import DB_FILE, open_store

    if args.data is None and args.database is None:
        raise UsageError(say("status needs --data DIR or --database URL (as serve was given)."))
    data = Path(args.data).expanduser() if args.data is not None else None
    if args.database is None and (data is None or not (data / DB_FILE).exists()):
        raise UsageError(say("{0} holds no relay data (run casebook-relay serve first).", data))
    reports = [_local_report(data)] if data is not None else []
    store = open_store(data or Path.cwd(), args.database)
    try:
        found = [r for r in reports + store.live_reports(time.time() - STALE) if r]
        reports = list({str(r.get("process", r.get("pid"))): r for r in found}.values())
        nets: list[dict[str, Any]] = []
        for net in store.networks():
            events, size = store.usage(net)
            state = membership.fold(
                net, [Entry.of(parse_trusted(r)) for r in store.membership_raws(net)]
            )
            nets.append(
                {
                    "network": net.hex(),
                    "members": len(state.active_members()),
                    "online": sum(_online(r, net) for r in reports),
                    "events": events,
                    "bytes": size,
                }
            )
    finally:
        store.close()
    report = {
        "running": bool(reports),
        "processes": len(reports),
        "connections": sum(int(r.get("connections", 0)) for r in reports),
        "networks": nets,
    }
    if args.json:
        print(json.dumps(report))
        return 0
    if not reports:
        print("not running (or not reporting)")
    else:
        print("running" if len(reports) == 1 else f"running ({len(reports)} processes)")
    for n in nets:
        print(
            f"{n['network']}: {n['members']} members, {n['online']} online, "
            f"{n['events']:,} events, {n['bytes'] / 1e6:.1f} MB"
        )
    if not nets:
        print("no networks yet")
    return 0


STALE = 60  # seconds: a process that has not reported for this long is not running


def _local_report(data: Path) -> dict[str, Any]:
    """The status file a relay serving ``data`` keeps; empty when it is stale."""
    with contextlib.suppress(OSError, ValueError, TypeError):
        live = json.loads((data / "status.json").read_text("utf-8"))
        if isinstance(live, dict) and time.time() - float(live.get("updated", 0)) < STALE:
            return live
    return {}


def _online(report: dict[str, Any], net: bytes) -> int:
    here = report.get("networks", {})
    found = here.get(net.hex(), {}) if isinstance(here, dict) else {}
    return int(found.get("online", 0)) if isinstance(found, dict) else 0


def migrate(args: argparse.Namespace) -> int:
    from casebook.relay.migrate import migrate_sqlite

    source = Path(args.source).expanduser()
    if _local_report(source):
        raise UsageError(
            say("the relay serving {0} is running: stop it first, then migrate.", source)
        )
    moved = migrate_sqlite(source, args.database)
    print(
        f"moved {moved.networks} networks, {moved.events:,} events and "
        f"{moved.other:,} other rows into {moved.where}; checked, nothing lost"
    )
    print(f"start the relay with: casebook-relay serve --data {source} --database URL")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build().parse_args(argv)
    try:
        commands = {"serve": serve, "url": url, "status": status, "migrate": migrate}
        return commands[args.command](args)
    except CasebookError as exc:
        print(f"casebook-relay: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
