"""Attacks on the real relay (in-process on 127.0.0.1:0, real TLS, real storage).

Non-members, impersonated relays, replayed logins, oversized and malformed frames,
connection floods and slow-loris clients, invite holders overstepping their one join,
single-use invites redeemed twice (also back-dated, also in a race), removed members, and
members pushing events that must not be stored. Each test also checks that the relay
keeps serving honest members.

Raw protocol tests speak the wire format through :class:`Raw`, a tiny TLS client that
reads the relay's hello and can send frames or arbitrary bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
import select
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import relaykit
from casebook.core.ledger.eventlog import Outcome
from casebook.core.model.relayaddr import RelayAddress
from casebook.core.profile import Profile
from casebook.errors import PermissionDenied
from casebook.protocol import wire
from casebook.relay.server import RelayConfig
from casebook.sync.engine import SyncEngine
from casebook.sync.link import SyncError
from netkit import deliver, key
from rawkit import (
    HOST,
    PROMPT,
    Raw,
    found,
    head,
    invite_status,
    join_event,
    local_traces,
    make_event,
    relay_member,
    run,
    stored,
    stored_authors,
    stored_ids,
    sync_async,
)
from relaykit import RunningRelay, collect_garbage, join, sync, unraisable_as_text

pytestmark = pytest.mark.both_stores  # the relay suite: SQLite and PostgreSQL


# -- fixtures and helpers ----------------------------------------------------------------
class _RelayAtPort(RunningRelay):
    """A :class:`RunningRelay` bound to a given port (to stand where another one stood)."""

    def __init__(self, data: Path, port: int) -> None:
        self.config = RelayConfig(
            data=data, host=HOST, port=port, database=relaykit.database_for(data)
        )
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        try:
            self.relay = self.call(self._start())
        except BaseException:
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
            self.loop.close()
            raise


def test_non_member_is_denied_and_members_are_still_served(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    alice = make_profile("Dr. Alice Moreau")
    mallory = make_profile("Dr. Mallory Stone")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    creation = bytes(
        alice.db.scalar("SELECT raw FROM events WHERE net = ? AND kind = 'network.create'", (net,))
    )

    async def hijack() -> str:
        # Mallory knows the network id and even holds Alice's creation event, but cannot
        # create the network at the relay with her own login.
        raw = await Raw.open(relay)
        raw.send(raw.auth(mallory, net, create=creation))
        return await raw.refused()

    assert run(hijack()) == "denied"
    assert stored(relay) == []

    assert sync(alice, net, relay).error is None  # Alice creates it for real
    with pytest.raises(SyncError) as refused:
        sync(mallory, net, relay)  # a profile that never joined
    assert refused.value.code == "denied"
    assert key(mallory) not in stored_authors(relay, net)

    alice.library.post_case(net, title="Still served", body="after the refusal")
    report = sync(alice, net, relay)
    assert report.error is None and report.sent == 1


def test_refused_logins_leave_no_network_behind(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """Anyone can send an ``auth`` with ``create``; a refused one must not make the relay
    keep state for a network that does not exist (memory an attacker could fill)."""
    relay = relays()
    alice, net = found(make_profile, relay)
    mallory = make_profile("Dr. Mallory Stone")

    async def attempts() -> list[str]:
        codes = []
        for _ in range(5):
            raw = await Raw.open(relay)
            raw.send(raw.auth(mallory, os.urandom(16), create=b"not an event"))
            codes.append(await raw.refused())
        return codes

    assert run(attempts()) == ["denied"] * 5
    hosted = relay.on_loop(lambda: sorted(relay.relay.networks))
    assert hosted == [net]
    assert sync(alice, net, relay).error is None


# -- 2. relay impersonation --------------------------------------------------------------
def test_wrong_fingerprint_is_impersonation_and_nothing_is_sent(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="casebook.relay")
    relay = relays()
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    alice.library.post_case(net, title="Private", body="not for impostors")
    forged = RelayAddress(HOST, relay.relay.port, hashlib.sha256(b"another cert").digest())

    with pytest.raises(SyncError) as refused:
        sync(alice, net, forged)
    assert refused.value.code == "impersonation"
    assert "Nothing was sent" in str(refused.value)
    # The relay got a TLS handshake and nothing else: no login, no network, no event.
    assert stored(relay) == []
    assert relay.on_loop(lambda: [n for n, h in relay.relay.networks.items() if h.exists]) == []
    assert not [r for r in caplog.records if "connected" in r.getMessage()]

    report = sync(alice, net, relay)  # the right pin: everything goes
    assert report.error is None and report.sent == 1  # the post; the creation came along
    assert len(stored(relay)) == 2
    assert [r for r in caplog.records if "connected" in r.getMessage()]


def test_another_relay_at_the_pinned_address_is_refused(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay], tmp_path: Path
) -> None:
    first = relays("first-relay")
    alice, net = found(make_profile, first)
    code = alice.invitations.create(net).code
    assert sync(alice, net, first).error is None  # the welcome package is at the relay
    alice.library.post_case(net, title="Secret case", body="only for the pinned relay")
    port = first.relay.port
    first.stop()

    impostor = _RelayAtPort(tmp_path / "impostor-data", port)
    try:
        assert impostor.relay.fingerprint != first.relay.fingerprint
        engine = SyncEngine(alice)
        pinned = engine.relays(net)[0]
        engine.close()
        assert (pinned.host, pinned.port) == (HOST, port)
        with pytest.raises(SyncError) as refused:
            sync(alice, net, pinned)
        assert refused.value.code == "impersonation"

        bob = make_profile("Dr. Bob Lee")
        with pytest.raises(SyncError) as joining:
            join(bob, code)  # the invite code pins the first relay too
        assert joining.value.code == "impersonation"
        assert local_traces(bob, net) == {}

        assert stored(impostor) == []
        assert impostor.on_loop(lambda: dict(impostor.relay.networks)) == {}
    finally:
        impostor.stop()


# -- 3. login replay ---------------------------------------------------------------------
def test_login_signature_is_bound_to_nonce_certificate_and_member(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays(handshake_timeout=2.0)
    alice, net = found(make_profile, relay)
    bob = make_profile("Dr. Bob Lee")

    async def attacks() -> dict[str, str]:
        codes = {}
        honest = await Raw.open(relay)
        captured = honest.auth(alice, net)
        honest.send(captured)
        assert (await honest.recv())["t"] == "ready"
        await honest.caught_up()

        replay = await Raw.open(relay)
        assert replay.nonce != honest.nonce
        replay.send(captured)  # the same signature on a new connection (new nonce)
        codes["replay"] = await replay.refused()

        other_cert = await Raw.open(relay)
        other_cert.send(other_cert.auth(alice, net, fingerprint=hashlib.sha256(b"x").digest()))
        codes["other certificate"] = await other_cert.refused()

        as_bob = await Raw.open(relay)  # Alice's signature claiming Bob's key
        as_bob.send(as_bob.auth(alice, net, member=key(bob)))
        codes["other member"] = await as_bob.refused()

        bad_key = await Raw.open(relay)  # not a usable public key at all
        bad_key.send(bad_key.auth(alice, net, member=b"\xff" * 32))
        codes["bad key"] = await bad_key.refused()

        other_net = await Raw.open(relay)  # signed for another network id
        message = other_net.auth(alice, net)
        message["net"] = os.urandom(16)
        other_net.send(message)
        codes["other network"] = await other_net.refused()

        honest.send({"t": "ping"})  # the honest connection is unharmed
        assert (await honest.recv())["t"] == "pong"
        await honest.close()
        return codes

    codes = run(attacks())
    assert codes == {
        "replay": "denied",
        "other certificate": "denied",
        "other member": "denied",
        "bad key": "denied",
        "other network": "denied",
    }
    assert sync(alice, net, relay).error is None


# -- 4. oversized frames -----------------------------------------------------------------
def test_oversized_frame_is_refused_without_reading_the_body(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    # Long timeouts: a relay that waited for the body would not answer in time.
    relay = relays(handshake_timeout=30.0, frame_timeout=30.0)
    alice, net = found(make_profile, relay)

    async def attack(size: int, member: bool) -> tuple[str, float]:
        raw = await Raw.open(relay)
        if member:
            await raw.login(alice, net)
        started = time.monotonic()
        raw.send_raw(size.to_bytes(4, "big"))  # the header only: no body follows
        code = await raw.refused(timeout=5.0)
        return code, time.monotonic() - started

    async def scenario() -> list[tuple[str, float]]:
        results = []
        for size, member in [
            (wire.MAX_FRAME + 1, False),
            (2**32 - 1, False),
            (0, False),
            (wire.MAX_FRAME + 1, True),
        ]:
            results.append(await attack(size, member))
        # A member syncs while an oversized frame is being refused.
        alice.library.post_case(net, title="Meanwhile", body="served")
        both = await asyncio.gather(
            attack(wire.MAX_FRAME + 1, False), sync_async(alice, net, relay.address)
        )
        results.append(both[0])
        assert both[1].error is None and both[1].sent == 1
        return results

    for code, elapsed in run(scenario()):
        assert code == "too-large"
        assert elapsed < 5.0


# -- 5. malformed frames -----------------------------------------------------------------
def _frame_of(body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + body


def test_malformed_frames_are_refused_and_others_served(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    from casebook.core.model.encoding import encode

    relay = relays(handshake_timeout=5.0, frame_timeout=5.0)
    alice, net = found(make_profile, relay)
    mallory = make_profile("Dr. Mallory Stone")
    signed = {"member": key(mallory), "sig": b"\x00" * 64, "have": []}
    before_auth = {
        "not CBOR": (_frame_of(b"\xff\xfe\xfd not cbor"), "malformed"),
        "trailing bytes": (_frame_of(encode({"t": "ping"}) + b"\x00"), "malformed"),
        "not canonical": (_frame_of(b"\xa1\x61t\x78\x04ping"), "malformed"),
        "a list": (_frame_of(encode(["t", "auth"])), "malformed"),
        "no type": (_frame_of(encode({"net": net})), "malformed"),
        "type not text": (_frame_of(encode({"t": 7})), "malformed"),
        "unknown type": (_frame_of(encode({"t": "dance"})), "unexpected"),
        "push before login": (
            _frame_of(encode({"t": "push", "id": 1, "events": [b"x"]})),
            "unexpected",
        ),
        "auth net is text": (
            _frame_of(encode({"t": "auth", "net": "cardiology", **signed})),
            "malformed",
        ),
        "auth net too short": (
            _frame_of(encode({"t": "auth", "net": net[:8], **signed})),
            "malformed",
        ),
        "auth sig short": (
            _frame_of(encode({"t": "auth", "net": net, **signed, "sig": b"\x00" * 63})),
            "malformed",
        ),
        "auth of many items": (
            _frame_of(encode({"t": "auth", "net": net, **signed, "x": [{}] * 100})),
            "malformed",
        ),
        "redeem invite is text": (
            _frame_of(encode({"t": "redeem", "net": net, "invite": "x", "sig": b"\x00" * 64})),
            "malformed",
        ),
    }
    after_auth = {
        "member: not CBOR": (_frame_of(b"\xff\xff"), "malformed"),
        "member: unknown type": (_frame_of(encode({"t": "dance"})), "unexpected"),
        "member: events not a list": (
            _frame_of(encode({"t": "push", "id": 1, "events": "x"})),
            "malformed",
        ),
        "member: no events": (_frame_of(encode({"t": "push", "id": 1, "events": []})), "malformed"),
        "member: event not bytes": (
            _frame_of(encode({"t": "push", "id": 1, "events": [1]})),
            "malformed",
        ),
        "member: id negative": (
            _frame_of(encode({"t": "push", "id": -1, "events": [b"x"]})),
            "malformed",
        ),
        "member: welcome item": (
            _frame_of(encode({"t": "welcomes", "id": 1, "items": [[1, 2]]})),
            "malformed",
        ),
    }

    after_login = {
        "have not a vector": (_frame_of(encode({"t": "have", "have": [[b"a", 1]]})), "malformed"),
        "have cut short": (_frame_of(encode({"t": "have", "have": b"a" * 39})), "malformed"),
        "have unsorted": (
            _frame_of(
                encode({"t": "have", "have": (b"b" * 32 + bytes(8)) + (b"a" * 32 + bytes(8))})
            ),
            "malformed",
        ),
        "have seq too large": (
            _frame_of(encode({"t": "have", "have": b"a" * 32 + b"\xff" * 8})),
            "malformed",
        ),
        "no vector": (_frame_of(encode({"t": "ping"})), "unexpected"),
    }

    async def scenario() -> dict[str, str]:
        bystander = await Raw.open(relay)  # a member connected throughout
        await bystander.login(alice, net)
        codes = {}
        for name, (data, _) in before_auth.items():
            raw = await Raw.open(relay)
            raw.send_raw(data)
            codes[name] = await raw.refused()
        for name, (data, _) in after_auth.items():
            raw = await Raw.open(relay)
            await raw.login(alice, net)
            raw.send_raw(data)
            codes[name] = await raw.refused()
        for name, (data, _) in after_login.items():  # the vector that follows a login
            raw = await Raw.open(relay)
            raw.send_raw(wire.frame(raw.auth(alice, net)) + data)
            codes[name] = await raw.refused()
        bystander.send({"t": "ping"})
        assert (await bystander.recv())["t"] == "pong"
        await bystander.close()
        return codes

    codes = run(scenario())
    expected = {**before_auth, **after_auth, **after_login}
    assert codes == {name: code for name, (_, code) in expected.items()}
    assert relay.on_loop(lambda: len(relay.relay.pending)) == 0
    alice.library.post_case(net, title="Still here", body="served")
    assert sync(alice, net, relay).sent == 1


# -- 6. floods and slow clients ----------------------------------------------------------
@contextlib.contextmanager
def asyncio_errors() -> Iterator[list[str]]:
    """The errors asyncio logs meanwhile (the relay's unhandled exceptions), as text.

    They are kept out of pytest's log capture (a captured record would keep the dropped
    connections' objects alive until a later test), and so are the errors of finalizers
    (see :func:`collect_garbage`, which runs at the end)."""
    seen: list[str] = []

    def keep(record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        error = record.exc_info[1] if record.exc_info else None
        seen.append(f"{record.getMessage().splitlines()[0]}: {error!r}")
        return False

    logger = logging.getLogger("asyncio")
    logger.addFilter(keep)
    try:
        with unraisable_as_text(seen):
            yield seen
            collect_garbage(seen)
    finally:
        logger.removeFilter(keep)


def flooder(index: int) -> tuple[str, int]:
    """The source address of a flood's ``index``-th socket: a botnet of loopback addresses
    (127.0.1.1–127.0.1.25), ten sockets each, so no one address runs out of the
    handshakes the relay grants a stranger (tested apart, in test_review_attacks)."""
    return (f"127.0.1.{1 + index // 10 % 25}", 0)


def open_flood(relay: RunningRelay, count: int) -> list[socket.socket]:
    """``count`` TCP connections that never start TLS."""
    return [
        socket.create_connection((HOST, relay.relay.port), timeout=5, source_address=flooder(i))
        for i in range(count)
    ]


def open_flood_one_by_one(relay: RunningRelay, count: int) -> list[socket.socket]:
    """Like :func:`open_flood`, but each connection is pending at the relay (waiting for
    its TLS handshake) before the next one comes."""
    flood: list[socket.socket] = []
    for i in range(count):
        sock = socket.create_connection(
            (HOST, relay.relay.port), timeout=5, source_address=flooder(i)
        )
        flood.append(sock)
        port = sock.getsockname()[1]

        def pending(port: int = port) -> bool:
            return any(s.writer.get_extra_info("peername")[1] == port for s in relay.relay.pending)

        deadline = time.monotonic() + PROMPT
        while not relay.on_loop(pending) and time.monotonic() < deadline:
            time.sleep(0.01)
        relay.on_loop(lambda: None)  # one more turn of its loop: the handshake is awaited
    return flood


def wait_connections(relay: RunningRelay, at_most: int) -> int:
    """Poll (bounded) until the relay holds at most ``at_most`` connections; then let its
    loop run a few more turns, so what the closed ones leave behind (error reports) is
    done."""
    deadline = time.monotonic() + PROMPT
    while True:
        count = relay.on_loop(lambda: relay.relay.connections)
        if count <= at_most or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    for _ in range(3):
        relay.on_loop(lambda: None)
    return count


def closed_by_peer(sockets: list[socket.socket], at_least: int) -> int:
    """Poll (bounded) until ``at_least`` of ``sockets`` were closed by the relay."""
    closed: set[socket.socket] = set()
    deadline = time.monotonic() + PROMPT
    while len(closed) < at_least and time.monotonic() < deadline:
        waiting = [s for s in sockets if s not in closed]
        readable, _, _ = select.select(waiting, [], [], 0.5)
        for sock in readable:
            with contextlib.suppress(OSError):
                if sock.recv(1) != b"":
                    continue  # the relay never sends before TLS; not expected
            closed.add(sock)
    return len(closed)


def test_connection_flood_does_not_lock_out_members(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    # Idle sockets would hold their place for 30 s: only evicting them lets members in.
    relay = relays(max_pending=32, max_connections=64, handshake_timeout=30.0)
    alice, net = found(make_profile, relay)
    with asyncio_errors():
        flood = open_flood(relay, 200)
        try:
            alice.library.post_case(net, title="Through the flood", body="served")
            started = time.monotonic()
            report = sync(alice, net, relay)
            assert report.error is None and report.sent == 1
            assert time.monotonic() - started < 10
            # The relay dropped the oldest idle sockets to keep its pending pool bounded.
            assert closed_by_peer(flood, 200 - 32 - 1) >= 200 - 32 - 1
            assert relay.on_loop(lambda: len(relay.relay.pending)) <= 32
        finally:
            for sock in flood:
                sock.close()
        assert wait_connections(relay, 0) == 0
    report = sync(alice, net, relay)
    assert report.error is None


def test_evicted_connections_are_closed_cleanly(relays: Callable[..., RunningRelay]) -> None:
    relay = relays(max_pending=8, handshake_timeout=5.0)
    with asyncio_errors() as errors:
        flood = open_flood_one_by_one(relay, 40)
        try:
            assert wait_connections(relay, 8) <= 8  # all but the newest 8 are dropped
            assert closed_by_peer(flood, 32) >= 32
        finally:
            for sock in flood:
                sock.close()
        assert wait_connections(relay, 0) == 0
    assert errors == []


def test_slow_loris_is_cut_off_after_frame_timeout(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays(frame_timeout=1.0, handshake_timeout=20.0, idle_timeout=20.0)
    alice, net = found(make_profile, relay)

    async def loris(member: bool) -> tuple[str, float, int]:
        """Announce a 1000-byte frame, then send it a byte at a time."""
        raw = await Raw.open(relay)
        if member:
            await raw.login(alice, net)
        raw.send_raw((1000).to_bytes(4, "big"))
        started = time.monotonic()
        sent = 0

        async def trickle() -> None:
            nonlocal sent
            for _ in range(40):  # at most 20 s; the relay should cut it after ~1 s
                with contextlib.suppress(Exception):
                    raw.send_raw(b"\x00")
                    await raw.writer.drain()
                    sent += 1
                await asyncio.sleep(0.5)

        pacing = asyncio.create_task(trickle())
        try:
            code = await raw.refused(timeout=15.0, live=member)
        finally:
            pacing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await pacing
        return code, time.monotonic() - started, sent

    async def scenario() -> list[tuple[str, float, int]]:
        alice.library.post_case(net, title="Meanwhile", body="served")
        *cut, report = await asyncio.gather(
            loris(member=False), loris(member=True), sync_async(alice, net, relay.address)
        )
        assert report.error is None and report.sent == 1
        return cut

    for code, elapsed, sent in run(scenario()):
        assert code == "timeout"
        assert 0.9 <= elapsed < 5.0  # the frame timeout, not the handshake/idle ones
        assert sent < 12


# -- 7. invite holders -------------------------------------------------------------------
def test_invite_holder_may_only_push_its_own_join(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    alice, net = found(make_profile, relay)
    made_a = alice.invitations.create(net)
    made_b = alice.invitations.create(net)
    code_a = alice.invitations.read_code(made_a.code)
    code_b = alice.invitations.read_code(made_b.code)
    assert sync(alice, net, relay).error is None
    before = stored_ids(relay)
    newcomers = iter(make_profile(f"Dr. New Comer{i}", folder=f"new{i}") for i in range(4))

    async def holder_pushes(build: Callable[[Raw, int], list[bytes]]) -> dict[str, Any]:
        raw = await Raw.open(relay)
        answer = await raw.redeem(code_a)
        ack = await raw.push(build(raw, answer["lamport"]))
        await raw.assert_closed()  # a refused join ends the session, with nothing sent
        return ack

    def content_event(raw: Raw, lamport: int) -> list[bytes]:
        return [make_event(next(newcomers), net, 1, None).raw]

    def alices_next_event(raw: Raw, lamport: int) -> list[bytes]:
        last = head(alice, net)
        return [make_event(alice, net, last.seq + 1, last.id).raw]

    def join_of_other_invite(raw: Raw, lamport: int) -> list[bytes]:
        return [join_event(next(newcomers), code_b, raw.nonce, lamport)]

    def join_with_other_nonce(raw: Raw, lamport: int) -> list[bytes]:
        return [join_event(next(newcomers), code_a, os.urandom(16), lamport)]

    async def scenario() -> dict[str, dict[str, Any]]:
        return {
            "content": await holder_pushes(content_event),
            "alice's event": await holder_pushes(alices_next_event),
            "other invite": await holder_pushes(join_of_other_invite),
            "other nonce": await holder_pushes(join_with_other_nonce),
        }

    acks = run(scenario())
    for name, ack in acks.items():
        assert ack["stored"] == 0, name
        assert len(ack["refused"]) == 1, name
    assert "only send the join" in acks["content"]["refused"][0][1]
    assert "only send the join" in acks["alice's event"]["refused"][0][1]
    assert "only send the join" in acks["other invite"]["refused"][0][1]
    assert "nonce" in acks["other nonce"]["refused"][0][1]
    assert stored_ids(relay) == before

    # None of it used either invite up: a real newcomer still joins with each.
    assert invite_status(relay, net, code_a.key) == "open"
    assert invite_status(relay, net, code_b.key) == "open"
    carol = make_profile("Dr. Carol Ng")
    join(carol, made_a.code)
    assert relay_member(relay, net, key(carol))


def test_redeem_session_takes_one_join_only(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    alice, net = found(make_profile, relay)
    made = alice.invitations.create(net, uses=3)
    code = alice.invitations.read_code(made.code)
    assert sync(alice, net, relay).error is None
    first, second = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")

    async def scenario() -> dict[str, Any]:
        raw = await Raw.open(relay)
        answer = await raw.redeem(code)
        joins = [join_event(p, code, raw.nonce, answer["lamport"]) for p in (first, second)]
        raw.send({"t": "push", "id": 1, "events": joins})
        return await raw.recv()

    answer = run(scenario())
    assert answer["t"] == "error" and answer["code"] == "unexpected", answer
    assert not stored_authors(relay, net) & {key(first), key(second)}


def test_silent_invite_holder_is_timed_out(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays(handshake_timeout=1.0, frame_timeout=1.0, idle_timeout=1.0)
    alice, net = found(make_profile, relay)
    made = alice.invitations.create(net)
    assert sync(alice, net, relay).error is None

    async def scenario() -> str:
        raw = await Raw.open(relay)
        await raw.redeem(alice.invitations.read_code(made.code))
        try:  # say nothing; the relay must close within a few of its timeouts
            message = await raw.recv(timeout=4.0)
        except wire.ProtocolError as exc:
            return exc.code
        except TimeoutError:
            return "still open"
        finally:
            await raw.close()
        return str(message.get("code"))

    assert run(scenario()) in {"timeout", "closed"}


# -- 8. single-use invites ---------------------------------------------------------------
def test_single_use_invite_second_newcomer_is_refused(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    alice, net = found(make_profile, relay)
    code = alice.invitations.create(net).code
    assert sync(alice, net, relay).error is None
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")

    join(bob, code)
    assert relay_member(relay, net, key(bob))
    with pytest.raises(SyncError) as refused:
        join(carol, code)
    assert refused.value.code == "invite-used"
    assert "used" in str(refused.value)
    assert local_traces(carol, net) == {}
    assert carol.log.members.state(net).role_now(key(carol)) is None
    assert not relay_member(relay, net, key(carol))
    assert key(carol) not in stored_authors(relay, net)


def test_single_use_invite_race_loser_keeps_nothing(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Both redeem while the invite is open; Bob's join lands first, so the relay refuses
    Carol's and Carol's profile rolls back the network it had taken in."""
    relay = relays()
    alice, net = found(make_profile, relay)
    code = alice.invitations.create(net).code
    assert sync(alice, net, relay).error is None
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")
    real_join = carol.invitations.make_join
    raced: list[bytes] = []

    def bob_first(*args: Any, **kwargs: Any) -> bytes:
        # Carol has proved the invite (the relay said it is open); Bob joins now.
        thread = threading.Thread(target=lambda: raced.append(join(bob, code)), daemon=True)
        thread.start()
        thread.join(30)
        assert not thread.is_alive() and raced
        return real_join(*args, **kwargs)

    monkeypatch.setattr(carol.invitations, "make_join", bob_first)
    with pytest.raises((SyncError, PermissionDenied)) as refused:
        join(carol, code)
    assert "used" in str(refused.value)
    assert raced and relay_member(relay, net, key(bob))
    assert not relay_member(relay, net, key(carol))
    assert key(carol) not in stored_authors(relay, net)
    assert local_traces(carol, net) == {}
    assert carol.log.members.state(net).role_now(key(carol)) is None


def test_back_dated_join_is_not_stored(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """Carol redeems the code offline (no relay), before Bob; her join sorts before Bob's.
    Bob then joins through the relay; when Carol's join reaches the relay through Alice's
    sync, the relay must not let it push Bob's accepted join out."""
    relay = relays()
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    made = alice.invitations.create(net)
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")
    carol_join = carol.invitations.join(
        carol.invitations.read_code(made.code),
        made.welcome,
        carol.name,
        before_join=lambda: deliver(alice, carol, net),
    )
    carol_raw = bytes(carol.db.scalar("SELECT raw FROM events WHERE id = ?", (carol_join,)))

    alice.library.post_case(net, title="After the invite", body="moves the clock on")
    assert sync(alice, net, relay).error is None
    bob_join = join(bob, made.code)
    bob_lamport = bob.db.scalar("SELECT lamport FROM events WHERE id = ?", (bob_join,))
    carol_lamport = carol.db.scalar("SELECT lamport FROM events WHERE id = ?", (carol_join,))
    assert carol_lamport < bob_lamport  # Carol's join is the back-dated one

    assert alice.log.ingest(carol_raw) == Outcome.APPLIED  # Alice has not seen Bob's yet
    report = sync(alice, net, relay)
    assert any("used" in reason for reason in report.not_taken), report.not_taken
    assert carol_join not in stored_ids(relay)
    assert key(carol) not in stored_authors(relay, net)
    assert relay_member(relay, net, key(bob))
    assert not relay_member(relay, net, key(carol))
    with pytest.raises(SyncError) as refused:
        sync(carol, net, relay)
    assert refused.value.code == "denied"


# -- 9. removed members ------------------------------------------------------------------
def test_removed_member_is_cut_off_and_denied_later(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    alice, net = found(make_profile, relay)
    code = alice.invitations.create(net).code
    assert sync(alice, net, relay).error is None
    bob = make_profile("Dr. Bob Lee")
    join(bob, code)
    assert sync(alice, net, relay).error is None

    async def connected_then_removed() -> str:
        raw = await Raw.open(relay)
        await raw.login(bob, net)  # Bob stays connected
        alice.governance.remove(net, "Bob")
        report = await sync_async(alice, net, relay.address)
        assert report.error is None
        return await raw.refused(live=True)  # live events may come before the verdict

    assert run(connected_then_removed()) == "removed"
    assert not relay_member(relay, net, key(bob))

    async def probe() -> str:
        raw = await Raw.open(relay)
        raw.send(raw.auth(bob, net, probe=True))
        return await raw.refused()

    assert run(probe()) == "denied"
    with pytest.raises(SyncError) as refused:
        sync(bob, net, relay)
    assert refused.value.code == "denied"
    bob.library.post_case(net, title="Written after removal", body="x")
    with pytest.raises(SyncError):
        sync(bob, net, relay)
    assert {row[2] for row in stored(relay)} <= {key(alice), key(bob)}
    assert len([r for r in stored(relay) if r[2] == key(bob)]) == 1  # his join only


# -- 10. members pushing bad events ------------------------------------------------------
def test_member_pushing_bad_events_gets_them_refused(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    alice, net = found(make_profile, relay)
    last = head(alice, net)
    good = make_event(alice, net, last.seq + 1, last.id)
    broken_sig = bytearray(make_event(alice, net, last.seq + 1, last.id).raw)
    broken_sig[-1] ^= 0x01  # the signature is the raw event's last bytes
    broken_body = make_event(alice, net, last.seq + 1, last.id)
    bad_batch = {
        "another network": make_event(alice, os.urandom(16), last.seq + 1, last.id).raw,
        "broken signature": bytes(broken_sig),
        "body swapped": _swap_body(broken_body.raw),
        "gap": make_event(alice, net, last.seq + 2, os.urandom(32)).raw,
        "fork at a taken seq": make_event(alice, net, last.seq, last.header.prev).raw,
        "fork by prev": make_event(alice, net, last.seq + 1, os.urandom(32)).raw,
        "not an event": b"\x83\x41a\x41b\x41c",
    }
    expect = {
        "another network": "another network",
        "broken signature": "signature",
        "body swapped": "hash",
        "gap": "gap",
        "fork at a taken seq": "fork",
        "fork by prev": "fork",
        "not an event": "event",
    }
    before = stored(relay)

    async def scenario() -> tuple[dict[str, Any], list[bytes]]:
        watcher = await Raw.open(relay)  # another of Alice's connections, live
        await watcher.login(alice, net)
        pusher = await Raw.open(relay)
        await pusher.login(alice, net)
        ack = await pusher.push([*bad_batch.values(), good.raw])
        forwarded = await watcher.recv()
        assert forwarded["t"] == "events"
        await watcher.close()
        await pusher.close()
        return ack, wire.need_events(forwarded)

    ack, forwarded = run(scenario())
    refused = {index: reason for index, reason in ack["refused"]}
    assert sorted(refused) == list(range(len(bad_batch)))
    for index, name in enumerate(bad_batch):
        assert expect[name] in refused[index], (name, refused[index])
    assert ack["stored"] == 1
    assert forwarded == [good.raw]  # only the good event reaches other connections
    assert stored(relay) == [*before, (net, good.id, key(alice), last.seq + 1)]


def _swap_body(raw: bytes) -> bytes:
    """The same signed header with another body (its hash no longer matches)."""
    from casebook.core.model.encoding import decode, encode

    header, body, signature = decode(raw)
    return encode([header, bytes(len(body)), signature])


def test_member_relaying_a_malformed_membership_event_gets_a_refusal(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """Members relay others' events; a signed join by an outsider whose clear fields are
    nonsense (an invite key that is a list) must be refused, not crash the session."""
    relay = relays()
    alice, net = found(make_profile, relay)
    mallory = make_profile("Dr. Mallory Stone")
    bogus = make_event(
        mallory,
        net,
        1,
        None,
        kind="member.join",
        pub={"invite": [1, 2], "xkey": b"\x00" * 32, "nonce": b"\x00" * 16, "proof": b""},
    )
    last = head(alice, net)
    good = make_event(alice, net, last.seq + 1, last.id)

    async def scenario() -> dict[str, Any]:
        raw = await Raw.open(relay)
        await raw.login(alice, net)
        try:
            ack = await raw.push([bogus.raw, good.raw])
            raw.send({"t": "ping"})
            assert (await raw.recv())["t"] == "pong"
        finally:
            await raw.close()
        return ack

    ack = run(scenario())
    assert [index for index, _ in ack["refused"]] == [0]
    assert ack["stored"] == 1
    assert key(mallory) not in stored_authors(relay, net)

    # A member whose own log holds such an event (it came in a bundle, say) keeps syncing.
    net2 = alice.library.create_network("Second Circle", alice.name, relays=[relay.url])
    assert sync(alice, net2, relay).error is None
    odd = make_event(
        mallory,
        net2,
        1,
        None,
        kind="member.join",
        pub={"invite": [1, 2], "xkey": b"\x00" * 32, "nonce": b"\x00" * 16, "proof": b""},
    )
    alice.log.ingest(odd.raw)
    alice.library.post_case(net2, title="Held back?", body="must reach the relay")
    report = sync(alice, net2, relay)
    assert report.error is None and report.sent >= 1
