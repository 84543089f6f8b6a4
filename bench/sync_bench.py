"""Benchmark of sync through a real relay process on loopback.

    .venv/bin/python bench/sync_bench.py                      # 20,000 events, 500, 1,000
    .venv/bin/python bench/sync_bench.py --events 2000 --clients 50 --idle 100   # quick
    .venv/bin/python bench/sync_bench.py --clients 2 --idle 2 --profile /tmp/prof  # profile

The relay runs as ``casebook-relay serve`` in its own process (as in production); the
clients run here. It prints:

1. Catch-up: a member's profile receives N events (cases and comments by the founder)
   through the relay: verified, decrypted, stored, projected and indexed. Next to it, in
   the same run, the bare rate of verifying and decrypting the same events in one thread
   (the floor any sync must pay) and on all cores (two worker threads, and two worker
   processes: a catch-up of 2,000 events or more verifies in processes,
   ``sync/verifiers.py``), and the ratios.
2. Fan-out: M members connected (real TLS, real logins); one pushes a new event; the
   time until each of the others has it, p50 / p95 / max over several rounds.
3. Idle connections: the relay's resident memory with K authenticated idle connections,
   per connection (goal: 40 KB, so that 10,000 fit in 450 MB; ``--idle 10000`` measures
   that); with ``--stock-tls`` the relay runs its connections' TLS with asyncio's own
   layer (a 256 KiB receive buffer and memory BIOs that keep what they grew to) instead
   of the relay's (``relay/tls_layer.py``), for comparison.

With ``--profile PREFIX`` the write path (the founder writing the events), the catch-up
and the same events ingested from memory each run under cProfile: the 15 functions with
the most time of their own are printed and the whole profile is written to
``PREFIX-<part>.pstats``. cProfile sees the calling thread only (the catch-up verifies in
worker threads) and slows what it watches: the rates printed in that mode are not the
benchmark's.

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import multiprocessing
import os
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from casebook.core.ledger.eventlog import now_ms
from casebook.core.model import events, payloads
from casebook.core.model.identity import Identity
from casebook.core.model.relayaddr import RelayAddress
from casebook.core.profile import Profile
from casebook.sync.engine import WORKERS, SyncEngine
from casebook.sync.ingest import MAX_TRANSACTION
from casebook.sync.link import RelayLink
from casebook.sync.verifiers import in_processes as verified_in_processes

sys.path.insert(0, str(Path(__file__).parent))
from corpus import Corpus
from network_bench import add_members

PASSPHRASE = "benchmark passphrase, not secret"


T = TypeVar("T")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


IDLE_BEHIND = 20


PER_MEMBER = 20  # the bench relay's limit of connections per member (the default is 8)


def idle_members(idle: int) -> int:
    """Members behind ``idle`` connections: two connections each (a member's two
    computers) up to 1,000; beyond, up to PER_MEMBER each, since a network of thousands
    of members would cost the joining reader minutes (its membership fold grows with the
    square of the members)."""
    return (idle + 1) // 2 if idle <= 2000 else -(-idle // PER_MEMBER)


def start_relay(
    data: Path, port: int, stock_tls: bool, database: str | None = None
) -> subprocess.Popen[bytes]:
    code = (
        "import sys, asyncio.sslproto as s\n"
        "import casebook.relay.server as r\n"
        # Every simulated member connects from 127.0.0.1, 50 at a time: the per-address
        # budget for handshakes before a login (relay/strangers.py) would refuse most of
        # them, so it is lifted here; flood_bench.py measures it.
        "import casebook.relay.strangers as st\n"
        "st.Budget.take = lambda self, key: True\n"
        # --idle beyond 2,000 puts up to PER_MEMBER connections on one member.
        "_init = r.Relay.__init__\n"
        "def _more(self, config):\n"
        f"    config.max_per_member = {PER_MEMBER}\n"
        "    _init(self, config)\n"
        "r.Relay.__init__ = _more\n"
        + ("r.RelayTLS = s.SSLProtocol\n" if stock_tls else "")
        + "from casebook.relay.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    log_path = data.parent / f"{data.name}.log"
    log = log_path.open("wb")
    argv = ["serve", "--data", str(data), "--listen", f"127.0.0.1:{port}"]
    argv += ["--database", database] if database else []
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *argv, "--max-connections", "20000"], stderr=log
    )
    deadline = time.monotonic() + 30
    while b"listening" not in log_path.read_bytes():
        if time.monotonic() > deadline or proc.poll() is not None:
            raise SystemExit("the relay did not start; see its log")
        time.sleep(0.05)
    return proc


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def write_content(profile: Profile, net: bytes, count: int) -> None:
    corpus = Corpus()
    cases: list[bytes] = []
    for start in range(0, count, 1000):  # setup, not measured: 1,000 events a transaction
        with profile.db.transaction():
            _write_some(profile, net, corpus, cases, start, min(count, start + 1000))


def _write_some(
    profile: Profile, net: bytes, corpus: Corpus, cases: list[bytes], start: int, end: int
) -> None:
    for i in range(start, end):
        if i % 4 == 0 or not cases:
            c = corpus.case()
            cases.append(
                profile.library.post_case(
                    net,
                    title=str(c["title"]),
                    fields=dict(c["fields"]),  # type: ignore[arg-type]
                    body=str(c["body"]),
                    tags=list(c["tags"]),  # type: ignore[arg-type]
                )
            )
        else:
            profile.library.comment(cases[corpus.rng.randrange(len(cases))], corpus.comment())


def profiled(prefix: str | None, part: str, work: Callable[[], T]) -> T:
    """``work()``; under cProfile when ``prefix`` is given (its top 15 printed)."""
    if prefix is None:
        return work()
    profile = cProfile.Profile()
    result = profile.runcall(work)
    profile.dump_stats(f"{prefix}-{part}.pstats")
    out = io.StringIO()
    pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(15)
    print(f"--- profile of {part} (tottime) ---")
    print("\n".join(out.getvalue().strip().splitlines()[4:]))
    return result


def _bare(raws: list[bytes], seed: bytes) -> None:
    for raw in raws:
        events.parse(raw).decrypt(seed)


def bare_rate(raws: list[bytes], seed: bytes) -> float:
    t = time.perf_counter()
    _bare(raws, seed)
    return len(raws) / (time.perf_counter() - t)


def bare_rate_threads(raws: list[bytes], seed: bytes, workers: int) -> float:
    """Verify and decrypt on ``workers`` threads, in the batches a relay sends (what the
    sync engine's threads do, with nothing else to do)."""
    with ThreadPoolExecutor(workers) as pool:
        return _bare_on(pool, raws, seed)


def bare_rate_processes(raws: list[bytes], seed: bytes, workers: int) -> float:
    """The same on ``workers`` processes, as a long catch-up verifies (sync/verifiers.py);
    the processes are started before the clock starts."""
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        for job in [pool.submit(_bare, raws[:1], seed) for _ in range(workers * 4)]:
            job.result()
        return _bare_on(pool, raws, seed)


def _bare_on(pool: Executor, raws: list[bytes], seed: bytes) -> float:
    size = 256
    t = time.perf_counter()
    jobs = [pool.submit(_bare, raws[i : i + size], seed) for i in range(0, len(raws), size)]
    for job in jobs:
        job.result()
    return len(raws) / (time.perf_counter() - t)


async def connect_members(
    address: RelayAddress | list[RelayAddress],
    net: bytes,
    people: list[Identity],
    have: dict[bytes, int],
) -> list[RelayLink]:
    """Log ``people`` in (spread in turn over the relay processes ``address`` names)."""
    addresses = address if isinstance(address, list) else [address]
    turn = {ident.public_key: addresses[i % len(addresses)] for i, ident in enumerate(people)}

    async def one(ident: Identity) -> RelayLink:
        link = await RelayLink.open(turn[ident.public_key], timeout=60)
        await link.login(ident, net, have)
        message = await link.recv(timeout=120)
        while message["t"] == "events":  # what earlier rounds pushed, if any
            message = await link.recv(timeout=120)
        assert message["t"] == "caught_up", message["t"]
        return link

    links: list[RelayLink] = []
    for start in range(0, len(people), 50):  # 50 handshakes at a time
        links += await asyncio.gather(*(one(p) for p in people[start : start + 50]))
    return links


async def fan_out(
    address: RelayAddress | list[RelayAddress],
    net: bytes,
    people: list[Identity],
    have: dict[bytes, int],
    seed: bytes,
    epoch: int,
    rounds: int,
    first: int = 0,
) -> list[float]:
    """Each round one member pushes a new case (the members ``first``, ``first + 1``...:
    each may push once, as the second event of its chain); every other connected member
    times its arrival from the moment the push was written."""
    links = await connect_members(address, net, people, have)
    latencies: list[float] = []
    for r in range(first, first + rounds):
        sender = people[r]
        event = events.create(
            sender,
            net=net,
            seq=2,
            prev=_join_ids[sender.public_key],  # the sender's join is seq 1 of its chain
            lamport=500_000 + r,  # after everything, within MAX_CLOCK_AHEAD of the relay
            ts=now_ms(),
            kind="case.create",
            epoch=epoch,
            seed=seed,
            payload=payloads.validate(
                "case.create",
                {
                    "title": f"Fan-out {r}",
                    "specialty": "",
                    "fields": {},
                    "body": "x",
                    "tags": [],
                    "attachments": [],
                },
            ),
        )
        receivers = [link for i, link in enumerate(links) if i != r]

        async def arrival(link: RelayLink) -> float:
            while (await link.recv(timeout=60))["t"] != "events":
                pass
            return time.perf_counter()

        waiting = [asyncio.create_task(arrival(link)) for link in receivers]
        await asyncio.sleep(0.2)  # every receiver is waiting on its socket
        t0 = time.perf_counter()
        links[r].send({"t": "push", "id": 1, "events": [event.raw]})
        arrivals = await asyncio.gather(*waiting)
        ack = await links[r].recv(timeout=60)
        assert ack["t"] == "ack" and not ack["refused"], ack
        latencies += [(a - t0) * 1000 for a in arrivals]
    for link in links:
        await link.close()
    return latencies


_join_ids: dict[bytes, bytes] = {}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=500)
    parser.add_argument("--idle", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--stock-tls", action="store_true")
    parser.add_argument("--profile", metavar="PREFIX", help="profile the write and ingest paths")
    args = parser.parse_args()
    os.environ.setdefault("CASEBOOK_KDF_TARGET_MS", "50")
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        port = free_port()
        relay = start_relay(root / "relay", port, args.stock_tls)
        try:
            run(root, port, relay, args)
        finally:
            relay.terminate()
            relay.wait(10)


def run(root: Path, port: int, relay: subprocess.Popen[bytes], args: argparse.Namespace) -> None:
    from casebook.protocol import tls

    _, _, fp = tls.ensure_certificate(root / "relay")
    address = RelayAddress("127.0.0.1", port, fp)
    founder = Profile.create(root / "founder", "Dr. Bench Founder", PASSPHRASE)
    reader = Profile.create(root / "reader", "Dr. Bench Reader", PASSPHRASE)
    net = founder.library.create_network("Bench Circle", founder.name, relays=[str(address)])
    members = max(args.clients, idle_members(args.idle))
    t = time.perf_counter()
    people = add_members(founder, net, members)
    for p in people:
        _join_ids[p.public_key] = bytes(
            founder.db.scalar("SELECT id FROM events WHERE author = ? AND seq = 1", (p.public_key,))
        )
    code = founder.invitations.create(net).code
    local_code = founder.invitations.create(net).code
    engine = SyncEngine(founder)
    first = asyncio.run(engine.sync(net, address))
    print(
        f"setup: {members} members joined and pushed to the relay in "
        f"{time.perf_counter() - t:.1f} s ({first.sent} events)"
    )
    reader_engine = SyncEngine(reader)
    asyncio.run(reader_engine.join(reader.invitations.read_code(code), reader.name))
    # A second member, who takes the same events from memory with no network: the
    # ceiling the library's own write path sets (verify, decrypt, store, project, index).
    local = Profile.create(root / "local", "Dr. Bench Local", PASSPHRASE)
    local_engine = SyncEngine(local)
    asyncio.run(local_engine.join(local.invitations.read_code(local_code), local.name))

    first_new = int(founder.db.scalar("SELECT max(seqno) FROM events"))
    t = time.perf_counter()
    profiled(args.profile, "write", lambda: write_content(founder, net, args.events))
    write_s = time.perf_counter() - t
    t = time.perf_counter()
    pushed = asyncio.run(engine.sync(net, address))
    push_s = time.perf_counter() - t
    print(
        f"founder wrote {args.events:,} events in {write_s:.1f} s; pushed {pushed.sent:,} "
        f"to the relay in {push_s:.1f} s ({pushed.sent / push_s:,.0f} events/s)"
    )

    compiled = reader.db.compiled
    t = time.perf_counter()
    got = profiled(args.profile, "catch-up", lambda: asyncio.run(reader_engine.sync(net, address)))
    catch_s = time.perf_counter() - t
    compiled = reader.db.compiled - compiled
    rate = got.received / catch_s
    raws = founder.log.wire.all(  # as sent (the library keeps most events open)
        bytes(r["raw"])
        for r in founder.db.all(
            "SELECT raw FROM events WHERE net = ? AND kind IN ('case.create', 'comment.create') "
            "ORDER BY seqno",
            (net,),
        )
    )
    seed = founder.log.seed(net, founder.log.current_epoch(net))
    bare = bare_rate(raws, seed)
    bare_threads = bare_rate_threads(raws, seed, WORKERS)
    bare_processes = bare_rate_processes(raws, seed, WORKERS)
    in_processes = verified_in_processes(got.received)
    bare_all = bare_processes if in_processes else bare_threads
    cases = reader.db.scalar("SELECT count(*) FROM cases")
    print(
        f"catch-up: {got.received:,} events in {catch_s:.2f} s = {rate:,.0f} events/s "
        f"({got.applied:,} applied, {cases:,} cases in the reader's library; "
        f"{compiled:,} statements compiled)"
    )
    new_raws = founder.log.wire.all(
        bytes(r["raw"])
        for r in founder.db.all(
            "SELECT raw FROM events WHERE net = ? AND seqno > ? ORDER BY seqno",
            (net, first_new),
        )
    )

    def ingest_all() -> None:
        for start in range(0, len(new_raws), MAX_TRANSACTION):
            with local.log.batch():
                for raw in new_raws[start : start + MAX_TRANSACTION]:
                    local.log.ingest(raw)

    t = time.perf_counter()
    profiled(args.profile, "ingest", ingest_all)
    ceiling = len(new_raws) / (time.perf_counter() - t)
    print(
        f"  the same events ingested from memory, no network, one thread: {ceiling:,.0f} "
        f"events/s (the library's write path); catch-up / that = {rate / ceiling:.0%}"
    )
    print(
        f"  bare verify + decrypt of the same events, one thread: {bare:,.0f} events/s; "
        f"catch-up / bare = {rate / bare:.0%}"
    )
    print(
        f"  bare verify + decrypt on all cores: {WORKERS} worker threads {bare_threads:,.0f} "
        f"events/s, {WORKERS} worker processes {bare_processes:,.0f} events/s"
    )
    print(
        f"  catch-up / bare on all cores (the catch-up verified in "
        f"{'processes' if in_processes else 'threads'}, as the bare figure) = "
        f"{rate / bare_all:.0%}"
    )
    engine.close()
    reader_engine.close()
    epoch = founder.log.current_epoch(net)
    have = engine.vector(net)  # everything: the relay has what the founder has
    founder.close()
    reader.close()
    local_engine.close()
    local.close()

    before = rss_mb(relay.pid)

    # Each idle member comes back IDLE_BEHIND events behind (what was written while it
    # was away arrives at login), then stays connected doing nothing.
    behind = dict(have)
    behind[founder.member] -= IDLE_BEHIND

    async def idle() -> float:
        each = -(-args.idle // idle_members(args.idle))
        links = await connect_members(address, net, (people * each)[: args.idle], behind)
        await asyncio.sleep(1.0)
        after = rss_mb(relay.pid)
        for link in links:
            await link.close()
        return after

    after = asyncio.run(idle())
    layer = "asyncio's stock" if args.stock_tls else "the relay's"
    print(
        f"idle: relay RSS {before:.0f} MB with no connection, {after:.0f} MB with "
        f"{args.idle:,} idle members connected = {(after - before) * 1024 / args.idle:.0f} "
        f"KB per connection (each sent {IDLE_BEHIND} events at login; TLS layer: {layer}; "
        f"goal 40 KB)"
    )

    latencies = asyncio.run(
        fan_out(address, net, people[: args.clients], have, seed, epoch, args.rounds)
    )
    latencies.sort()
    p50 = statistics.median(latencies)
    p95 = latencies[int(len(latencies) * 0.95) - 1]
    print(
        f"fan-out: one event to {args.clients - 1} connected members, {args.rounds} rounds: "
        f"p50 {p50:.0f} ms, p95 {p95:.0f} ms, max {latencies[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
