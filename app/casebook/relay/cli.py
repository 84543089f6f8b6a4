"""``casebook-relay``: run and inspect a relay.

    casebook-relay serve  --data DIR --listen HOST:PORT [--allow-network ID ...]
    casebook-relay url    --data DIR --host NAME --port PORT
    casebook-relay status --data DIR [--json]

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
    p.add_argument("--data", required=True, metavar="DIR")
    p.add_argument("--json", action="store_true")
    return parser


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
    from casebook.relay.store import DB_FILE, RelayStore

    data = Path(args.data).expanduser()
    if not (data / DB_FILE).exists():
        raise UsageError(say("{0} holds no relay data (run casebook-relay serve first).", data))
    live: dict[str, object] = {}
    with contextlib.suppress(OSError, ValueError):
        live = json.loads((data / "status.json").read_text("utf-8"))
    running = bool(live) and time.time() - float(live.get("updated", 0)) < 60  # type: ignore[arg-type]
    online = live.get("networks", {}) if running else {}
    store = RelayStore(data)
    try:
        nets: list[dict[str, Any]] = []
        for net in store.networks():
            events, size = store.usage(net)
            state = membership.fold(
                net, [Entry.of(parse_trusted(r)) for r in store.membership_raws(net)]
            )
            here = online.get(net.hex(), {}) if isinstance(online, dict) else {}
            nets.append(
                {
                    "network": net.hex(),
                    "members": len(state.active_members()),
                    "online": here.get("online", 0) if isinstance(here, dict) else 0,
                    "events": events,
                    "bytes": size,
                }
            )
    finally:
        store.close()
    report = {
        "running": running,
        "connections": live.get("connections", 0) if running else 0,
        "networks": nets,
    }
    if args.json:
        print(json.dumps(report))
        return 0
    print("running" if running else "not running (or not reporting)")
    for n in nets:
        print(
            f"{n['network']}: {n['members']} members, {n['online']} online, "
            f"{n['events']:,} events, {n['bytes'] / 1e6:.1f} MB"
        )
    if not nets:
        print("no networks yet")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build().parse_args(argv)
    try:
        return {"serve": serve, "url": url, "status": status}[args.command](args)
    except CasebookError as exc:
        print(f"casebook-relay: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        return 130
