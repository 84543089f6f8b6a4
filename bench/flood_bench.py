"""A member's login and sync while strangers flood the relay with pre-login frames.

    .venv/bin/python bench/flood_bench.py                  # 6 attackers, 30 rounds each way
    .venv/bin/python bench/flood_bench.py --attackers 12 --rounds 10

The relay runs as ``casebook-relay serve`` in its own process; the attackers run in a
second process (as they would on other machines), each from its own loopback address
(127.0.0.2, 127.0.0.3, …; the member is 127.0.0.1) and each a loop of: connect, finish
TLS, read the hello, send one frame, read the refusal, close. The frame is the security
review's: a 256 KiB body of ~260,000 empty CBOR maps (``--frame review``), or the
costliest frame the relay still reads before a login (``--frame largest``: as many empty
maps as fit under the pre-login cap). Every loop is bounded by a count and a time.

It prints, from the same run: the member's login (``sync status``: TLS, hello, login,
vector) and sync latency without attackers and with them, p50 and p95, and the ratio of
the medians (the goal is at most 1.5), and how many attack frames the relay refused.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import ssl
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import cbor2

from casebook.core.model.relayaddr import RelayAddress
from casebook.core.profile import Profile
from casebook.protocol import tls, wire
from casebook.sync.engine import SyncEngine

sys.path.insert(0, str(Path(__file__).parent))
from sync_bench import PASSPHRASE, free_port, start_relay


def attack_frame(kind: str) -> bytes:
    if kind == "review":
        body = cbor2.dumps([{}] * 262_000)[: 256 * 1024]
    else:
        body = cbor2.dumps([{}] * (wire.MAX_LOGIN_FRAME - 8))
    return len(body).to_bytes(4, "big") + body


async def _attacker(
    port: int, source: str, frame: bytes, until: float, stop: Any, tally: list[int]
) -> None:
    for _ in range(1_000_000):
        if time.monotonic() > until or stop.is_set():
            return
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(
                    "127.0.0.1", port, ssl=tls.client_context(), local_addr=(source, 0)
                ),
                10,
            )
            await asyncio.wait_for(wire.read_frame(reader, 10, wire.MAX_HELLO_FRAME), 10)
            writer.write(frame)
            try:
                answer = await asyncio.wait_for(wire.read_frame(reader, 10), 10)
                tally[0 if answer.get("t") == "error" else 1] += 1
            except (wire.ProtocolError, TimeoutError):
                tally[1] += 1
            writer.close()
        except (OSError, TimeoutError, ConnectionError):
            tally[1] += 1


def attackers(
    port: int, frame: bytes, count: int, seconds: float, nice: int, stop: Any, done: Any
) -> None:
    """The attacking process: ``count`` loops until ``stop`` is set, ``seconds`` at most."""
    os.nice(nice)

    async def run() -> list[int]:
        tally = [0, 0]  # refused with an error frame, anything else
        until = time.monotonic() + seconds
        await asyncio.gather(
            *(_attacker(port, f"127.0.0.{2 + i}", frame, until, stop, tally) for i in range(count))
        )
        return tally

    done.put(asyncio.run(run()))


async def measure(
    profile: Profile, net: bytes, address: RelayAddress, rounds: int
) -> dict[str, list[float]]:
    engine = SyncEngine(profile)
    out: dict[str, list[float]] = {"login": [], "sync": []}
    try:
        for _ in range(rounds):
            t = time.perf_counter()
            await engine.probe(net, address)
            out["login"].append(time.perf_counter() - t)
            t = time.perf_counter()
            report = await engine.sync(net, address)
            out["sync"].append(time.perf_counter() - t)
            assert report.error is None
    finally:
        engine.close()
    return out


def p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--attackers", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--frame", choices=["review", "largest"], default="review")
    parser.add_argument("--seconds", type=float, default=120.0, help="the flood's time bound")
    parser.add_argument(
        "--attacker-nice",
        type=int,
        default=0,
        help="run the attackers at this niceness (19: as if on other machines, mostly "
        "leaving this computer's two cores to the relay and the member)",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        port = free_port()
        relay = start_relay(root / "relay", port, stock_tls=False)
        try:
            run(root, port, args)
        finally:
            relay.terminate()
            relay.wait(10)


def run(root: Path, port: int, args: argparse.Namespace) -> None:
    os.environ.setdefault("CASEBOOK_KDF_TARGET_MS", "10")
    pem = (root / "relay" / "relay-cert.pem").read_text()
    address = RelayAddress("127.0.0.1", port, tls.cert_fingerprint(ssl.PEM_cert_to_DER_cert(pem)))
    alice = Profile.create(root / "alice", "Dr. Alice Moreau", PASSPHRASE)
    net = alice.library.create_network("Flood bench", alice.name, relays=[str(address)])
    for i in range(20):
        alice.library.post_case(net, title=f"Case {i}", body="a little history to sync")
    engine = SyncEngine(alice)
    assert asyncio.run(engine.sync(net, address)).error is None  # the network reaches it
    engine.close()
    asyncio.run(measure(alice, net, address, 2))  # warm-up

    quiet = asyncio.run(measure(alice, net, address, args.rounds))
    queue: multiprocessing.Queue[list[int]] = multiprocessing.Queue()
    stop = multiprocessing.Event()
    frame = attack_frame(args.frame)
    flood = multiprocessing.Process(
        target=attackers,
        args=(port, frame, args.attackers, args.seconds, args.attacker_nice, stop, queue),
    )
    flood.start()
    time.sleep(1.0)  # let the flood reach its pace
    loud = asyncio.run(measure(alice, net, address, args.rounds))
    stop.set()
    tally = queue.get(timeout=30)
    flood.join(10)
    alice.close()

    print(
        f"Flood: {args.attackers} attackers, each replaying a {len(frame) - 4:,}-byte "
        f"pre-login frame ({args.frame}), niceness {args.attacker_nice}; "
        f"{args.rounds} rounds each way"
    )
    for name in ("login", "sync"):
        a, b = quiet[name], loud[name]
        ratio = statistics.median(b) / statistics.median(a)
        print(
            f"  {name:5}  alone p50 {p(a, 0.5) * 1000:6.1f} ms  p95 {p(a, 0.95) * 1000:6.1f} ms"
            f"  |  flooded p50 {p(b, 0.5) * 1000:6.1f} ms  p95 {p(b, 0.95) * 1000:6.1f} ms"
            f"  |  ratio {ratio:.2f} (goal <= 1.5)"
        )
    if tally:
        print(
            f"  attack connections refused with an error frame: {tally[0]:,}; closed "
            f"before TLS (the address over its budget) or otherwise: {tally[1]:,}"
        )


if __name__ == "__main__":
    main()
