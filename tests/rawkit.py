"""Speaking the relay's wire protocol by hand, for attack tests: :class:`Raw` (a bare TLS
client that reads the hello and sends frames or arbitrary bytes), and small probes of
what a running relay and a profile hold."""

from __future__ import annotations

import asyncio
import contextlib
import os
import ssl
from collections.abc import Callable
from typing import Any

from casebook.core.ledger.eventlog import now_ms
from casebook.core.model import events
from casebook.core.model.events import Event
from casebook.core.model.invite_codes import InviteCode, signing_key
from casebook.core.model.relayaddr import RelayAddress
from casebook.core.profile import Profile
from casebook.protocol import tls, wire
from casebook.sync.engine import SyncEngine, SyncReport
from netkit import key
from relaykit import RunningRelay, join, sync

HOST = "127.0.0.1"
PROMPT = 10.0  # a generous bound for anything that should happen at once


def found(make_profile: Callable[..., Profile], relay: RunningRelay) -> tuple[Profile, bytes]:
    """Alice founds a network that names ``relay``; her first sync creates it there."""
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    assert sync(alice, net, relay).error is None  # the creation travels with the login
    assert [row[2] for row in stored(relay) if row[0] == net] == [key(alice)]
    return alice, net


def found_with_bob(
    make_profile: Callable[..., Profile], relay: RunningRelay
) -> tuple[Profile, Profile, bytes]:
    """:func:`found`, then Bob joins with an invite of Alice's through ``relay``."""
    alice, net = found(make_profile, relay)
    bob = make_profile("Dr. Bob Lee")
    code = alice.invitations.create(net).code
    sync(alice, net, relay)
    join(bob, code)
    return alice, bob, net


def stored(relay: RunningRelay) -> list[tuple[bytes, bytes, bytes, int]]:
    """Every event in the relay's storage as ``(net, id, author, seq)``."""

    def rows() -> list[tuple[bytes, bytes, bytes, int]]:
        cursor = relay.relay.store.execute("SELECT net, id, author, seq FROM events ORDER BY seqno")
        return [(bytes(n), bytes(i), bytes(a), int(s)) for n, i, a, s in cursor]

    return relay.on_loop(rows)


def stored_raws(relay: RunningRelay) -> dict[bytes, bytes]:
    """Every event in the relay's storage, as it holds it, by id."""

    def rows() -> dict[bytes, bytes]:
        cursor = relay.relay.store.execute("SELECT id, raw FROM events")
        return {bytes(i): bytes(r) for i, r in cursor}

    return relay.on_loop(rows)


def stored_ids(relay: RunningRelay) -> set[bytes]:
    return {row[1] for row in stored(relay)}


def stored_authors(relay: RunningRelay, net: bytes) -> set[bytes]:
    return {row[2] for row in stored(relay) if row[0] == net}


def relay_member(relay: RunningRelay, net: bytes, member: bytes) -> bool:
    return relay.on_loop(lambda: relay.relay.networks[net].is_member(member))


def invite_status(relay: RunningRelay, net: bytes, invite: bytes) -> str:
    return relay.on_loop(lambda: relay.relay.networks[net].open_invite(invite, now_ms()))


def local_traces(profile: Profile, net: bytes) -> dict[str, int]:
    """Rows of ``net`` in every table of the profile that names a network."""
    out: dict[str, int] = {}
    tables = [r[0] for r in profile.db.all("SELECT name FROM sqlite_master WHERE type='table'")]
    for table in tables:
        columns = {r[1] for r in profile.db.all(f"PRAGMA table_info({table})")}
        column = "id" if table == "networks" else "net" if "net" in columns else None
        if column is not None:
            count = int(
                profile.db.scalar(f"SELECT count(*) FROM {table} WHERE {column} = ?", (net,))
            )
            if count:
                out[table] = count
    return out


async def sync_async(profile: Profile, net: bytes, address: RelayAddress) -> SyncReport:
    engine = SyncEngine(profile)
    try:
        return await engine.sync(net, address)
    finally:
        engine.close()


def head(profile: Profile, net: bytes) -> Event:
    raw = profile.db.scalar(
        "SELECT raw FROM events WHERE net = ? AND author = ? ORDER BY seq DESC LIMIT 1",
        (net, key(profile)),
    )
    return profile.log.wire.event(bytes(raw))


def rejected(profile: Profile) -> dict[bytes, str]:
    """Every event the profile stored but rejected, with the reason."""
    return {bytes(r[0]): r[1] for r in profile.db.all("SELECT event_id, reason FROM rejected")}


def forge(
    profile: Profile, net: bytes, kind: str, payload: dict[str, Any], pub: dict | None = None
) -> bytes:
    """A correctly signed event next on ``profile``'s chain, readable by the network,
    whose payload skips the library's and the validator's checks, as a changed client
    would write it (not stored)."""
    last = head(profile, net)
    top = profile.db.scalar("SELECT max(lamport) FROM events WHERE net = ?", (net,))
    return events.create(
        profile.identity,
        net=net,
        seq=last.seq + 1,
        prev=last.id,
        lamport=int(top) + 1,
        ts=1_700_000_000_000,
        kind=kind,
        epoch=last.header.epoch,
        seed=profile.log.seed(net, last.header.epoch),
        payload=payload,
        pub=pub,
    ).raw


def make_event(
    profile: Profile,
    net: bytes,
    seq: int,
    prev: bytes | None,
    kind: str = "comment.create",
    pub: dict[str, Any] | None = None,
) -> Event:
    """A genuinely signed event by ``profile`` (its body sealed under a random seed: the
    relay cannot read bodies, so it must judge by the header alone)."""
    return events.create(
        profile.identity,
        net=net,
        seq=seq,
        prev=prev,
        lamport=1000 + seq,
        ts=now_ms(),
        kind=kind,
        epoch=0,
        seed=os.urandom(32),
        payload={"text": "attack"},
        pub=pub,
    )


class Raw:
    """A bare TLS client of the relay: hello read, then frames or raw bytes."""

    def __init__(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, nonce: bytes
    ) -> None:
        self.reader = reader
        self.writer = writer
        self.nonce = nonce
        self.fingerprint = tls.peer_fingerprint(writer)

    @classmethod
    async def open(cls, relay: RunningRelay, source: str | None = None) -> Raw:
        """Connect (from the loopback address ``source``, when given) and read hello."""
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(
                HOST,
                relay.relay.port,
                ssl=tls.client_context(),
                local_addr=(source, 0) if source else None,
            ),
            PROMPT,
        )
        hello = await asyncio.wait_for(wire.read_frame(reader, PROMPT), PROMPT)
        assert hello["t"] == "hello" and hello["v"] == wire.VERSION
        return cls(reader, writer, wire.need_bytes(hello, "nonce", wire.NONCE_BYTES))

    def send(self, message: dict[str, Any]) -> None:
        self.writer.write(wire.frame(message))
        if message["t"] == "auth":  # a login is followed by the member's vector
            self.writer.write(wire.frame({"t": "have", "have": wire.vector_wire({})}))

    def send_raw(self, data: bytes) -> None:
        self.writer.write(data)

    async def recv(self, timeout: float = PROMPT) -> dict[str, Any]:
        return await asyncio.wait_for(wire.read_frame(self.reader, timeout), timeout)

    async def refused(self, timeout: float = PROMPT, live: bool = False) -> str:
        """The relay's error frame, after which the connection must be closed. With
        ``live`` (a logged-in member), events forwarded meanwhile are skipped."""
        for _ in range(1000):
            message = await self.recv(timeout)
            if not (live and message["t"] == "events"):
                break
        assert message["t"] == "error", message
        await self.assert_closed()
        return str(message["code"])

    async def assert_closed(self) -> None:
        try:
            rest = await asyncio.wait_for(self.reader.read(1), PROMPT)
        except (ConnectionError, ssl.SSLError, OSError):
            return
        assert rest == b"", "the relay kept the connection open"

    def auth(
        self,
        profile: Profile,
        net: bytes,
        *,
        nonce: bytes | None = None,
        fingerprint: bytes | None = None,
        member: bytes | None = None,
        create: bytes | None = None,
        probe: bool = False,
    ) -> dict[str, Any]:
        """An ``auth`` message signed by ``profile`` (fields overridable for attacks)."""
        member = member if member is not None else key(profile)
        proof = wire.auth_message(
            nonce if nonce is not None else self.nonce,
            fingerprint if fingerprint is not None else self.fingerprint,
            net,
            member,
        )
        message: dict[str, Any] = {
            "t": "auth",
            "net": net,
            "member": member,
            "sig": profile.identity.sign(proof),
            "probe": probe,
        }
        if create is not None:
            message["create"] = create
        return message

    async def login(self, profile: Profile, net: bytes) -> list[bytes]:
        """Log in as a member and read the catch-up; returns the events sent."""
        self.send(self.auth(profile, net))
        ready = await self.recv()
        assert ready["t"] == "ready", ready
        return await self.caught_up()

    async def caught_up(self) -> list[bytes]:
        got: list[bytes] = []
        for _ in range(10_000):
            message = await self.recv()
            if message["t"] == "caught_up":
                return got
            assert message["t"] == "events", message
            got += wire.need_events(message)
        raise AssertionError("no caught_up")

    async def redeem(self, code: InviteCode) -> dict[str, Any]:
        """Prove an invite: the relay's ``redeemable`` (nonce and Lamport clock)."""
        proof = wire.redeem_auth_message(self.nonce, self.fingerprint, code.net, code.key)
        self.send(
            {
                "t": "redeem",
                "net": code.net,
                "invite": code.key,
                "sig": signing_key(code.secret, code.net).sign(proof),
            }
        )
        answer = await self.recv()
        assert answer["t"] == "redeemable", answer
        assert answer["nonce"] == self.nonce
        return answer

    async def welcomed(self) -> tuple[bytes, list[bytes]]:
        """After an accepted join: the sealed welcome package and the network's events."""
        welcome = await self.recv()
        assert welcome["t"] == "welcome", welcome
        ready = await self.recv()
        assert ready["t"] == "ready", ready
        return welcome["sealed"], await self.caught_up()

    async def push(self, raws: list[bytes], ref: int = 1) -> dict[str, Any]:
        self.send({"t": "push", "id": ref, "events": raws})
        for _ in range(1000):
            message = await self.recv()
            if message["t"] == "ack":
                assert message["id"] == ref
                return message
        raise AssertionError("no ack")

    async def close(self) -> None:
        self.writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.writer.wait_closed(), 2)


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 60))


def join_event(newcomer: Profile, code: InviteCode, nonce: bytes, lamport: int = 0) -> bytes:
    """The newcomer's ``member.join`` for ``code`` bound to ``nonce`` (made locally, as
    before any welcome package: it needs none)."""
    join_id = newcomer.invitations.make_join(code, newcomer.name, nonce, lamport)
    return newcomer.log.wire.of(
        bytes(newcomer.db.scalar("SELECT raw FROM events WHERE id = ?", (join_id,)))
    )


# -- 1. non-members ----------------------------------------------------------------------
