"""Benchmark: a member's catch-up over a direct LAN link, beside the same catch-up
through a relay, in one run, on a real (virtual) Ethernet segment.

    sudo .venv/bin/python bench/lan_bench.py                  # 20,000 events
    sudo .venv/bin/python bench/lan_bench.py --events 2000    # quick

Needs root: it makes network namespaces (as the LAN tests do, tests/lankit.py) joined by
a bridge: computer 0 is the founder, computer 1 the member, the bridge's own namespace
runs ``casebook-relay serve``. The founder writes N events (cases and comments) and
pushes them to the relay. Two identical copies of the member's library (joined before
the events were written) then catch up, each timed from the link opening to the last
event stored, projected and indexed:

1. through the relay (the baseline);
2. straight from the founder's computer: ``casebook sync --watch`` runs there (its own
   LAN relay filled from its library first), the member finds it by mDNS (not timed)
   and links to it directly.

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))

PASSPHRASE = "correct horse battery staple"  # the tests' (lankit runs casebook with it)


def setup(root: Path, relay_url: str, count: int) -> tuple[bytes, Path, Path, Path]:
    """The founder with ``count`` events; two copies of a member who joined before."""
    from casebook.core.profile import Profile
    from sync_bench import write_content

    founder = Profile.create(root / "founder", "Dr. Bench Founder", PASSPHRASE)
    member = Profile.create(root / "member", "Dr. Bench Member", PASSPHRASE)
    net = founder.library.create_network("Bench Circle", founder.name, relays=[relay_url])
    made = founder.invitations.create(net)

    def deliver(source: Profile, target: Profile) -> None:
        rows = source.db.all("SELECT raw FROM events WHERE net = ? ORDER BY seqno", (net,))
        with target.log.batch():
            for row in rows:
                target.log.ingest(source.log.wire.of(bytes(row["raw"])))

    code = member.invitations.read_code(made.code)
    member.invitations.join(
        code, made.welcome, member.name, before_join=lambda: deliver(founder, member)
    )
    deliver(member, founder)
    t = time.perf_counter()
    write_content(founder, net, count)
    print(f"setup: the founder wrote {count:,} events in {time.perf_counter() - t:.1f} s")
    founder.close()
    member.close()
    copies = []
    for name in ("member-relay", "member-lan"):
        shutil.copytree(root / "member", root / name)
        copies.append(root / name)
    return net, root / "founder", copies[0], copies[1]


def inside(mode: str, profile_dir: Path, net_hex: str) -> None:
    """Run in the member's namespace: one catch-up, timed; prints a JSON line."""
    asyncio.run(_inside(mode, profile_dir, bytes.fromhex(net_hex)))


async def _inside(mode: str, profile_dir: Path, net: bytes) -> None:
    from casebook.core.profile import Profile
    from casebook.session.lan import LanService
    from casebook.session.lan_discovery import Discovery
    from casebook.sync.engine import SyncEngine
    from casebook.sync.lan_link import LanPeer

    profile = Profile.unlock(profile_dir, PASSPHRASE)
    engine = SyncEngine(profile)
    found_s = 0.0
    try:
        if mode == "relay":
            address = engine.relays(net)[0]
            t = time.perf_counter()
            report = await engine.sync(net, address)
        else:
            service = LanService(engine, profile_dir / "lan")
            host = service.current(None)
            discovery = Discovery(accept=service.recognises)
            await discovery.start()
            t0 = time.perf_counter()
            try:
                candidates: list = []
                while not candidates and time.perf_counter() - t0 < 600:
                    await asyncio.sleep(0.2)
                    candidates = [c for c in service.candidates(host, discovery) if c[1] == net]
            finally:
                await discovery.close()
            if not candidates:
                raise SystemExit("no colleague found on the LAN")
            found_s = time.perf_counter() - t0
            sighting, _, name = candidates[0]
            peer = LanPeer(sighting.addresses[0], sighting.port, b"", name)
            t = time.perf_counter()
            report = await engine.sync(
                net,
                peer,
                opener=lambda: service.open_link(
                    net, sighting.addresses, sighting.port, name, sighting.salt
                ),
            )
        seconds = time.perf_counter() - t
        cases = int(profile.db.scalar("SELECT count(*) FROM cases"))
    finally:
        engine.close()
        profile.close()
    print(
        json.dumps(
            {
                "received": report.received,
                "applied": report.applied,
                "seconds": seconds,
                "cases": cases,
                "found_s": found_s,
                "error": report.error,
            }
        )
    )


def measure(lan: object, mode: str, profile: Path, net: bytes) -> dict[str, float]:
    done = lan.python(  # type: ignore[attr-defined]
        1,
        f"import sys; sys.path.insert(0, {str(HERE)!r}); import lan_bench; "
        f"lan_bench.inside({mode!r}, __import__('pathlib').Path({str(profile)!r}), {net.hex()!r})",
        timeout=1800,
        profile=profile,
    )
    if done.returncode != 0:
        raise SystemExit(f"the {mode} catch-up failed:\n{done.stderr[-3000:]}")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=20_000)
    args = parser.parse_args()
    import lankit
    from relaykit import RELAY_MAIN

    why = lankit.unavailable()
    if why is not None:
        raise SystemExit(f"lan_bench needs network namespaces: {why}")
    os.environ["CASEBOOK_KDF_TARGET_MS"] = "50"
    from casebook.core.model.relayaddr import RelayAddress
    from casebook.protocol import tls

    with tempfile.TemporaryDirectory(prefix="casebook-lan-bench-") as tmp:
        root = Path(tmp)
        _, _, fingerprint = tls.ensure_certificate(root / "relay")
        with lankit.lan(2, root / "logs") as lan:
            url = str(RelayAddress(lan.hub_address(), 7447, fingerprint))
            net, founder, by_relay, by_lan = setup(root, url, args.events)
            lan.start_in_hub(
                [sys.executable, "-c", RELAY_MAIN, "serve",
                 "--data", str(root / "relay"), "--listen", f"{lan.hub_address()}:7447"]
            )  # fmt: skip
            time.sleep(2)
            t = time.perf_counter()
            pushed = lan.run(0, founder, "sync", timeout=1800)
            if pushed.returncode != 0:
                raise SystemExit(f"the founder could not push: {pushed.stderr}")
            print(f"setup: pushed to the relay in {time.perf_counter() - t:.1f} s")

            relay = measure(lan, "relay", by_relay, net)
            t = time.perf_counter()
            lan.start(0, founder, "sync", "--watch")
            direct = measure(lan, "lan", by_lan, net)
            print(
                f"setup: the founder's computer served the network on the LAN and was "
                f"found {time.perf_counter() - t:.1f} s after it started (its own relay "
                f"is filled from its library first; the member had been browsing for "
                f"{direct['found_s']:.1f} s of that)"
            )
    for label, row in (("through the relay", relay), ("direct LAN link", direct)):
        rate = row["received"] / row["seconds"]
        print(
            f"catch-up {label:>17}: {row['received']:,.0f} events in {row['seconds']:.2f} s "
            f"= {rate:,.0f} events/s ({row['cases']:,.0f} cases in the library)"
            + (f"; error: {row['error']}" if row["error"] else "")
        )
    ratio = (direct["received"] / direct["seconds"]) / (relay["received"] / relay["seconds"])
    print(f"  direct / relay = {ratio:.2f}x")


if __name__ == "__main__":
    main()
