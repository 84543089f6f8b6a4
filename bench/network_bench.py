"""Benchmark of private-network operations: re-keying a 300-member network, invites.

    .venv/bin/python bench/network_bench.py               # 300 members
    .venv/bin/python bench/network_bench.py --members 1000

Builds a real network in a real profile: the founder makes one invite with enough uses,
and N-1 newcomers (identities in memory) redeem it with signed ``member.join`` events
that the founder ingests like any received event. Then it times what removal costs:

- the admin's side of a rotation: a fresh seed wrapped to every member (X25519 +
  HKDF + ChaCha20-Poly1305 each), signed, stored, folded into the membership;
- a member's side: verifying the rotation and unwrapping its seed;
- folding the whole membership log from scratch (what a relay or a fresh client does);
- the baseline in the same run: N bare X25519 exchanges, the floor under any wrap;
- a newcomer's catch-up of the whole history in a relay's order (their own join stored
  first, so each membership event sorts before it and the fold starts again), beside
  the same events taken in before the join (a bundle's order: every fold in place).

It also prints the invite code's size and the smallest QR code version that holds it.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from casebook.core.ledger.eventlog import now_ms
from casebook.core.model import epochs, events, identity, invite_codes, membership
from casebook.core.model.identity import Identity
from casebook.core.model.membership_state import MAX_USES
from casebook.core.profile import Profile

PASSPHRASE = "benchmark passphrase, not secret"


def build(profile: Profile, members: int) -> tuple[bytes, list[Identity]]:
    relay = "casebook-relay://relay.cardiology-circle.org:7447/" + "A" * 52
    net = profile.library.create_network("Bench Circle", profile.name, relays=[relay])
    return net, add_members(profile, net, max(members - 1, 1))


def add_members(profile: Profile, net: bytes, count: int) -> list[Identity]:
    """``count`` newcomers (identities in memory) redeem invites of ``profile`` (one per
    1,000, an invite's most uses) with signed ``member.join`` events, which the profile
    ingests like received events."""
    people: list[Identity] = []
    for start in range(0, count, MAX_USES):
        people += _redeem(profile, net, min(MAX_USES, count - start), start)
    return people


def _redeem(profile: Profile, net: bytes, count: int, first: int) -> list[Identity]:
    made = profile.invitations.create(net, uses=count)
    secret = bytes(
        profile.db.scalar("SELECT secret FROM invite_secrets WHERE key = ?", (made.key,))
    )
    epoch = profile.log.current_epoch(net)
    seed = profile.log.seed(net, epoch)
    lamport = int(profile.db.scalar("SELECT max(lamport) FROM events"))
    people = [Identity.generate() for _ in range(count)]
    with profile.log.batch():  # as a bundle import or a sync would
        for i, ident in enumerate(people):
            nonce = os.urandom(16)
            xkey = ident.exchange_public_key
            event = events.create(
                ident,
                net=net,
                seq=1,
                prev=None,
                lamport=lamport + 1 + i,
                ts=now_ms(),
                kind="member.join",
                epoch=epoch,
                seed=seed,
                payload={"name": f"Dr. Member {first + i:04d}"},
                pub={
                    "invite": made.key,
                    "xkey": xkey,
                    "nonce": nonce,
                    "proof": invite_codes.prove(secret, net, ident.public_key, xkey, nonce),
                },
            )
            profile.log.ingest(event.raw)
    return people


def newcomer_catch_up(profile: Profile, net: bytes, tmp: Path) -> tuple[float, float]:
    """Seconds a newcomer takes to store the network's history after their join (as
    through a relay) and before it (as from a bundle)."""

    def take_in(newcomer: Profile) -> float:
        history = profile.db.all(
            "SELECT raw FROM events WHERE net = ? ORDER BY lamport, id", (net,)
        )
        started = time.perf_counter()
        with newcomer.log.batch():
            for (raw,) in history:
                newcomer.log.ingest(profile.log.wire.of(bytes(raw)))
        return time.perf_counter() - started

    seconds: list[float] = []
    for name, first in (("relay", True), ("bundle", False)):
        made = profile.invitations.create(net)
        newcomer = Profile.create(tmp / name, f"Dr. Newcomer ({name})", PASSPHRASE)
        code = newcomer.invitations.read_code(made.code)
        if first:
            newcomer.invitations.join(code, made.welcome, newcomer.name)
            seconds.append(take_in(newcomer))
        else:
            newcomer.invitations.join(
                code,
                made.welcome,
                newcomer.name,
                before_join=lambda n=newcomer: seconds.append(take_in(n)),
            )
        newcomer.close()
    return seconds[0], seconds[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    os.environ.setdefault("CASEBOOK_KDF_TARGET_MS", "50")
    with tempfile.TemporaryDirectory() as tmp:
        profile = Profile.create(Path(tmp) / "admin", "Dr. Bench Admin", PASSPHRASE)
        started = time.perf_counter()
        net, newcomers = build(profile, args.members)
        build_s = time.perf_counter() - started
        state = profile.log.members.state(net)
        print(f"members: {len(state.active_members())} (joins ingested in {build_s:.2f} s)")

        rotate_ms, event_bytes = [], 0
        for _ in range(args.rounds):
            t = time.perf_counter()
            rotation = profile.governance.rotate(net)
            rotate_ms.append((time.perf_counter() - t) * 1000)
            raw = profile.db.scalar("SELECT raw FROM events WHERE id = ?", (rotation,))
            event_bytes = len(raw)
        print(
            f"rotation, admin side (wrap to {args.members}, sign, store, fold): "
            f"median {statistics.median(rotate_ms):.1f} ms, max {max(rotate_ms):.1f} ms "
            f"over {args.rounds}; event size {event_bytes / 1024:.1f} KiB"
        )

        # A member's side: verify the rotation and find and open their own wrap.
        member = newcomers[len(newcomers) // 2]
        t = time.perf_counter()
        for _ in range(args.rounds):
            parsed = events.parse(bytes(raw))
            sealed = next(s for k, s in parsed.header.pub["wraps"] if k == member.public_key)
            pub = parsed.header.pub
            epochs.unwrap(
                member.exchange_key, member.public_key, net, parsed.header.epoch, pub["eph"], sealed
            )
        member_ms = (time.perf_counter() - t) * 1000 / args.rounds
        print(f"rotation, member side (verify + unwrap): {member_ms:.2f} ms")

        entries = [
            membership.Entry.of(events.parse(bytes(r[0])))
            for r in profile.db.all(
                "SELECT e.raw FROM membership_log m JOIN events e ON e.id = m.id WHERE m.net = ?",
                (net,),
            )
        ]
        identity._verify_remembered.cache_clear()  # as a fresh client: every signature checked
        t = time.perf_counter()
        membership.fold(net, entries)
        fold_ms = (time.perf_counter() - t) * 1000
        print(f"fold of the whole membership log ({len(entries)} events): {fold_ms:.1f} ms")

        eph = X25519PrivateKey.generate()
        peers = [X25519PrivateKey.generate().public_key() for _ in range(args.members)]
        t = time.perf_counter()
        for peer in peers:
            eph.exchange(peer)
        base_ms = (time.perf_counter() - t) * 1000
        print(
            f"baseline: {args.members} bare X25519 exchanges {base_ms:.1f} ms "
            f"(rotation / baseline = {statistics.median(rotate_ms) / base_ms:.1f}x)"
        )

        relay_s, bundle_s = newcomer_catch_up(profile, net, Path(tmp))
        print(
            f"a newcomer's catch-up of {args.members} members, join first (relay): "
            f"{relay_s:.2f} s; history first (bundle): {bundle_s:.2f} s "
            f"(relay / bundle = {relay_s / bundle_s:.1f}x)"
        )

        code = profile.invitations.create(net).code
        chars = len(code) - len(invite_codes.PREFIX)
        print(f"invite code (one relay): {len(code)} characters, {chars} after the prefix")
        try:
            import segno

            qr = segno.make(code, error="m", micro=False)
            print(f"QR code: version {qr.version} ({qr.mode} mode, error correction M)")
        except ImportError:  # pragma: no cover
            pass
        profile.close()


if __name__ == "__main__":
    sys.exit(main())
