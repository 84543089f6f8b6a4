"""Benchmark of relays that share one PostgreSQL store, beside one relay on SQLite.

    .venv/bin/python bench/relay_cluster_bench.py                   # 2,000 over 4, 500 on 1
    .venv/bin/python bench/relay_cluster_bench.py --members 400 --baseline 200 --events 2000
    .venv/bin/python bench/relay_cluster_bench.py --sweep 500,1000,2000,3000

Every relay is ``casebook-relay serve`` in its own process; the PostgreSQL server is a
throwaway cluster of this run (``initdb`` in a temporary folder, 127.0.0.1, fsync on as
in production: ``tests/pgkit.py``). The same network (a founder, M members, N events) is
pushed to a SQLite relay and to P relay processes on one PostgreSQL database. It prints:

1. Fan-out: M members connected, spread in turn over the P processes; each round one of
   them pushes a new case through its process and every other member times its arrival
   (p50 / p95 / max over the rounds), so most arrivals cross processes (NOTIFY, a read,
   a send). Beside it, in the same run, one SQLite process with ``--baseline`` members.
2. Catch-up: a member's link with an empty vector receives the N events (the relay's
   side: read, frame, send; the client only counts), from PostgreSQL and from SQLite.
3. With ``--sweep``: the fan-out p95 of one PostgreSQL process and of P for each member
   count, to see where p95 passes 250 ms.

All processes (relays, PostgreSQL, and the members' links here, on one event loop) share
this machine's cores: on a small machine the members' side is part of what is measured.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from casebook.core.model.relayaddr import RelayAddress
from casebook.core.profile import Profile
from casebook.protocol import tls
from casebook.sync.engine import SyncEngine
from casebook.sync.link import RelayLink

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).parent.parent / "tests"))
import sync_bench
from network_bench import add_members
from pgkit import Cluster
from sync_bench import PASSPHRASE, fan_out, free_port, start_relay, write_content


class Relays:
    """``count`` relay processes with one key and certificate (one URL, one pin)."""

    def __init__(self, root: Path, count: int, database: str | None) -> None:
        first = root / "relay-0"
        _, _, fingerprint = tls.ensure_certificate(first)
        self.addresses: list[RelayAddress] = []
        self.processes = []
        for i in range(count):
            data = root / f"relay-{i}"
            if i:
                data.mkdir(mode=0o700)
                for name in (tls.KEY_FILE, tls.CERT_FILE):
                    shutil.copy2(first / name, data / name)
            port = free_port()
            self.processes.append(start_relay(data, port, False, database))
            self.addresses.append(RelayAddress("127.0.0.1", port, fingerprint))

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
            process.wait(20)


async def catch_up(address: RelayAddress, net: bytes, reader: object) -> tuple[int, float]:
    """Events a member's link receives from an empty vector, and the seconds it took."""
    from casebook.core.model.identity import Identity

    assert isinstance(reader, Identity)
    link = await RelayLink.open(address, timeout=60)
    t = time.perf_counter()
    await link.login(reader, net, {})
    count = 0
    while True:
        message = await link.recv(timeout=120)
        if message["t"] == "caught_up":
            break
        if message["t"] == "events":
            count += len(message["events"])
    seconds = time.perf_counter() - t
    await link.close()
    return count, seconds


def percentiles(latencies: list[float]) -> str:
    latencies = sorted(latencies)
    p50 = statistics.median(latencies)
    p95 = latencies[max(0, int(len(latencies) * 0.95) - 1)]
    return f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms"


def p95(latencies: list[float]) -> float:
    return sorted(latencies)[max(0, int(len(latencies) * 0.95) - 1)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=2000)
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--baseline", type=int, default=500, help="members on the SQLite relay")
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--sweep", help="member counts, comma-separated (e.g. 500,1000,2000)")
    args = parser.parse_args()
    os.environ.setdefault("CASEBOOK_KDF_TARGET_MS", "50")
    sweep = [int(n) for n in args.sweep.split(",")] if args.sweep else []
    members = max([args.members, args.baseline, *sweep])
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        cluster = Cluster(durable=True)
        try:
            run(root, cluster, args, members, sweep)
        finally:
            cluster.remove()


def run(
    root: Path, cluster: Cluster, args: argparse.Namespace, members: int, sweep: list[int]
) -> None:
    founder = Profile.create(root / "founder", "Dr. Bench Founder", PASSPHRASE)
    net = founder.library.create_network("Bench Circle", founder.name, relays=[])
    t = time.perf_counter()
    people = []
    while len(people) < members:  # an invite takes at most 1,000 joins
        people += add_members(founder, net, min(1000, members - len(people)))
    for p in people:
        sync_bench._join_ids[p.public_key] = bytes(
            founder.db.scalar("SELECT id FROM events WHERE author = ? AND seq = 1", (p.public_key,))
        )
    write_content(founder, net, args.events)
    print(
        f"setup: {members:,} members and {args.events:,} events written in "
        f"{time.perf_counter() - t:.1f} s"
    )
    engine = SyncEngine(founder)
    epoch = founder.log.current_epoch(net)
    seed = founder.log.seed(net, epoch)
    have = engine.vector(net)
    reader = people[-1]  # a member with an empty vector stands for a new computer

    stores = {
        "SQLite, 1 process": (root / "sqlite", 1, None),
        f"PostgreSQL, {args.processes} processes": (
            root / "pg",
            args.processes,
            cluster.database(),
        ),
    }
    results: dict[str, Relays] = {}
    try:
        for label, (folder, count, database) in stores.items():
            folder.mkdir()
            relays = results[label] = Relays(folder, count, database)
            t = time.perf_counter()
            pushed = asyncio.run(engine.sync(net, relays.addresses[0]))
            print(f"{label}: pushed {pushed.sent:,} events in {time.perf_counter() - t:.1f} s")
        for label, relays in results.items():
            got, seconds = asyncio.run(catch_up(relays.addresses[0], net, reader))
            print(
                f"catch-up from {label}: {got:,} events in {seconds:.2f} s = "
                f"{got / seconds:,.0f} events/s"
            )
        sqlite, pg = results.values()
        rounds = args.rounds
        senders = iter(range(0, members, rounds))  # each member pushes once per store

        def spread(relays: Relays, count: int, processes: int = 0) -> list[float]:
            addresses = relays.addresses[: processes or None]
            return asyncio.run(
                fan_out(addresses, net, people[:count], have, seed, epoch, rounds, next(senders))
            )

        baseline = spread(sqlite, args.baseline)
        print(
            f"fan-out, SQLite, 1 process, one event to {args.baseline - 1:,} members: "
            f"{percentiles(baseline)}"
        )
        latencies = spread(pg, args.members)
        print(
            f"fan-out, PostgreSQL, {args.processes} processes, one event to "
            f"{args.members - 1:,} members: {percentiles(latencies)}"
        )
        for count in sweep:
            one, many = spread(pg, count, 1), spread(pg, count)
            print(
                f"sweep {count:,} members: PostgreSQL 1 process p95 {p95(one):.0f} ms, "
                f"{args.processes} processes p95 {p95(many):.0f} ms"
            )
    finally:
        engine.close()
        founder.close()
        for relays in results.values():
            relays.stop()


if __name__ == "__main__":
    main()
