"""Sync under faults, against the real relay on 127.0.0.1.

- A relay whose sending side drops, reorders and duplicates events (the real relay with
  its ``Session.send`` wrapped) cannot make a client lose or double anything: what is
  missing is simply missing (later events wait in ``held_events``), and a later honest
  sync fills it all in.
- A client killed mid-sync (its task cancelled, or ``casebook sync`` SIGKILLed) resumes
  with nothing lost or doubled, both ways.
- A network with two relays keeps flowing through one when the other is down, and a
  relay restarted on its data directory catches up from the clients.
- ``casebook-relay serve`` stops cleanly on SIGTERM with every acknowledged event kept.
- ``SyncEngine.probe`` / ``casebook sync status`` count what is to send and receive, and
  report a relay that is down.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

import casebook.relay.server as relay_server
from casebook.core.ledger import kept_text
from casebook.core.model import events
from casebook.core.model.relayaddr import RelayAddress
from casebook.core.model.relayaddr import parse as parse_relay
from casebook.core.profile import Profile
from casebook.protocol import wire
from casebook.relay.cli import main as relay_main
from casebook.relay.session import Session
from casebook.sync.engine import SyncEngine
from casebook.sync.link import SyncError
from clikit import PASSPHRASE
from netkit import raw_events
from relaykit import RelayProcess, RunningRelay, join, sync, wait_for

SMALL_BATCH = 16 * 1024  # ~28 events a batch instead of ~900: many batches, quickly


# -- helpers ---------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def event_ids(profile: Profile, net: bytes) -> set[bytes]:
    return {bytes(r[0]) for r in profile.db.all("SELECT id FROM events WHERE net = ?", (net,))}


def held_ids(profile: Profile, net: bytes) -> set[bytes]:
    rows = profile.db.all("SELECT id FROM held_events WHERE net = ?", (net,))
    return {bytes(r[0]) for r in rows}


def heads(profile: Profile, net: bytes) -> dict[bytes, int]:
    rows = profile.db.all(
        "SELECT author, max(seq) FROM events WHERE net = ? GROUP BY author", (net,)
    )
    return {bytes(r[0]): int(r[1]) for r in rows}


def wal_commits(wal: Path) -> int:
    """How many transactions the SQLite write-ahead log ``wal`` holds whole: its frame
    headers are clear even under SQLCipher. A commit frame counts once all of it is
    written, so the transaction survives a kill (not a power cut: that needs the fsync)."""
    try:
        data = wal.read_bytes()
    except FileNotFoundError:
        return 0
    if len(data) < 32:
        return 0
    page, salts = struct.unpack(">I", data[8:12])[0], data[16:24]
    commits, offset = 0, 32
    while offset + 24 + page <= len(data) and data[offset + 8 : offset + 16] == salts:
        commits += struct.unpack(">I", data[offset + 4 : offset + 8])[0] != 0
        offset += 24 + page
    return commits


def relay_ids(relay: RunningRelay, net: bytes) -> set[bytes]:
    def read() -> set[bytes]:
        rows = relay.relay.store.execute("SELECT id FROM events WHERE net = ?", (net,))
        return {bytes(r[0]) for r in rows}

    return relay.on_loop(read)  # type: ignore[no-any-return]


def content(profile: Profile, net: bytes) -> tuple[list[str], list[str]]:
    """Every case title and every comment body of ``net``, sorted (duplicates kept)."""
    titles = [r[0] for r in profile.db.all("SELECT title FROM cases WHERE net = ?", (net,))]
    sql = f"SELECT {kept_text.COMMENT_COLUMNS} FROM comments m WHERE m.net = ?"
    bodies = [kept_text.comment_body(r) for r in profile.db.all(sql, (net,))]
    return sorted(titles), sorted(bodies)


def assert_sound(profile: Profile, net: bytes) -> None:
    """Nothing doubled, nothing applied out of its chain, nothing half-applied."""
    db = profile.db
    assert profile.log.verify_all() == []
    assert not event_ids(profile, net) & held_ids(profile, net)
    titles, bodies = content(profile, net)
    assert len(titles) == len(set(titles)), "a case is doubled"
    assert len(bodies) == len(set(bodies)), "a comment is doubled"
    assert db.scalar("SELECT count(*) FROM forks") == 0
    assert db.scalar("SELECT count(*) FROM rejected") == 0
    # Every stored case or comment event is shown exactly once, or waits (for its case).
    for kind, table in (("case.create", "cases"), ("comment.create", "comments")):
        stored = {
            bytes(r[0])
            for r in db.all("SELECT id FROM events WHERE net = ? AND kind = ?", (net, kind))
        }
        shown = [bytes(r[0]) for r in db.all(f"SELECT id FROM {table} WHERE net = ?", (net,))]
        waiting = {bytes(r[0]) for r in db.all("SELECT event_id FROM waiting")} & stored
        assert len(shown) == len(set(shown))
        assert set(shown) | waiting == stored
        assert not set(shown) & waiting
    # The derived comment counters were incremented once per comment.
    wrong = db.all(
        "SELECT c.title, c.comment_count, (SELECT count(*) FROM comments m "
        "WHERE m.case_id = c.id) AS real FROM cases c WHERE c.comment_count != real"
    )
    assert [tuple(r) for r in wrong] == []


def assert_same(author: Profile, other: Profile, net: bytes) -> None:
    """``other`` holds exactly what ``author`` holds, shows the same, and waits for nothing."""
    assert_sound(other, net)
    assert event_ids(other, net) == event_ids(author, net)
    assert held_ids(other, net) == set()
    assert other.db.scalar("SELECT count(*) FROM waiting") == 0
    assert content(other, net) == content(author, net)


def post(profile: Profile, net: bytes, tag: str, cases: int = 0, comments: int = 0) -> None:
    """``cases`` new cases, then ``comments`` comments spread over the network's cases.
    Every title and body is unique, so a doubled one shows."""
    pad = "lorem ipsum dolor sit amet " * 8
    for i in range(cases):
        profile.library.post_case(net, title=f"{tag} case {i}", body=f"{tag} {i} {pad}")
    ids = [bytes(r[0]) for r in profile.db.all("SELECT id FROM cases WHERE net = ?", (net,))]
    for i in range(comments):
        profile.library.comment(ids[i % len(ids)], f"{tag} comment {i} {pad}")


# -- a relay that misbehaves on its sending side ---------------------------------------
class Faults:
    """What the relay's sending side does wrong. ``mode``: None (honest), ``garble``
    (every catch-up is collected, some events dropped, some duplicated, the rest shuffled
    and re-batched at random) or ``blackhole`` (the first ``pass_events`` events go out,
    then nothing more, not even ``caught_up``). ``pace``: a slow link, whatever the mode.
    ``ack_limit``: the relay stores every pushed batch but its acks after that many are
    lost; ``on_ack`` hears of each ack (to act at a precise point of a push)."""

    def __init__(self, seed: int) -> None:
        self.mode: str | None = None
        self.rng = random.Random(seed)
        self.drop = 0.0
        self.duplicate = 0.0
        self.pass_events = 0
        self.pace = 0.0  # seconds the link takes per catch-up batch
        self.ack_limit: int | None = None  # acks after this many are lost (events kept)
        self.on_ack: Callable[[int], None] | None = None  # called on the relay's loop
        self.acks = 0
        self.delivered: list[bytes] = []
        self.dropped: list[bytes] = []
        self.doubled = 0


@pytest.fixture
def faults(monkeypatch: pytest.MonkeyPatch) -> Faults:
    """Relays started in this test use a session whose ``send`` obeys these faults."""
    faults = Faults(seed=20240611)

    class FaultySession(Session):
        collected: list[bytes]

        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            drain = self.writer.drain

            async def slow_link() -> None:  # the catch-up drains after every batch
                await drain()
                if faults.pace:
                    await asyncio.sleep(faults.pace)

            self.writer.drain = slow_link  # type: ignore[method-assign]

        def send(self, message: dict[str, Any]) -> None:
            kind = message.get("t")
            if kind == "ack":
                faults.acks += 1
                if faults.ack_limit is None or faults.acks <= faults.ack_limit:
                    super().send(message)
                if faults.on_ack is not None:
                    faults.on_ack(faults.acks)
            elif faults.mode is None or kind not in ("events", "caught_up"):
                super().send(message)
            elif faults.mode == "blackhole":
                room = faults.pass_events - len(faults.delivered)
                if kind == "events" and room > 0:
                    batch = message["events"][:room]
                    faults.delivered += batch
                    super().send({"t": "events", "events": batch})
            elif kind == "events":
                self.__dict__.setdefault("collected", []).extend(message["events"])
            else:  # caught_up: out goes the garbled catch-up, then caught_up
                out: list[bytes] = []
                for raw in self.__dict__.pop("collected", []):
                    if faults.rng.random() < faults.drop:
                        faults.dropped.append(raw)
                        continue
                    out.append(raw)
                    if faults.rng.random() < faults.duplicate:
                        out.append(raw)
                        faults.doubled += 1
                faults.rng.shuffle(out)
                while out:
                    size = faults.rng.randint(1, 40)
                    batch, out = out[:size], out[size:]
                    faults.delivered += batch
                    super().send({"t": "events", "events": batch})
                super().send(message)

    monkeypatch.setattr(relay_server, "Session", FaultySession)
    return faults


@pytest.fixture
def relays(tmp_path: Path) -> Iterator[Callable[..., RunningRelay]]:
    started: list[RunningRelay] = []

    def start(name: str = "relay") -> RunningRelay:
        running = RunningRelay(tmp_path / name)
        started.append(running)
        return running

    yield start
    for running in started:
        with contextlib.suppress(Exception):
            running.stop()


def circle(
    make_profile: Callable[..., Profile], urls: list[str], others: int = 1
) -> tuple[Profile, list[Profile], bytes]:
    """Alice's network at ``urls``; ``others`` more members joined through the relay."""
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=urls)
    codes = [alice.invitations.create(net).code for _ in range(others)]
    engine = SyncEngine(alice)
    try:
        reports = asyncio.run(engine.sync_all([net]))
    finally:
        engine.close()
    assert [r.error for r in reports] == [None] * len(urls)
    members = []
    for name, code in zip(("Dr. Bob Lee", "Dr. Carol Ng", "Dr. Dan Roe"), codes, strict=False):
        member = make_profile(name)
        join(member, code)
        members.append(member)
    return alice, members, net


def garbled_expectation(
    before: dict[bytes, int], waiting: list[bytes], delivered: list[bytes]
) -> tuple[set[bytes], set[bytes]]:
    """What an honest client must end with after ``delivered`` arrived (in any order,
    doubled or not) on top of chains ending at ``before`` and events ``waiting`` in
    held_events: (newly applied ids, held ids). A chain grows only through consecutive
    sequence numbers; everything beyond a gap waits."""
    place: dict[tuple[bytes, int], bytes] = {}
    for raw in waiting + delivered:
        event = events.parse(raw)
        place[(event.author, event.seq)] = event.id
    applied: set[bytes] = set()
    for author in {a for a, _ in place}:
        seq = before.get(author, 0) + 1
        while (author, seq) in place:
            applied.add(place[(author, seq)])
            seq += 1
    return applied, set(place.values()) - applied


# -- 1. a relay that drops, reorders and duplicates ------------------------------------
@pytest.mark.parametrize(
    ("drop", "duplicate"), [(0.0, 0.3), (0.06, 0.3)], ids=["reorder-dup", "drop-reorder-dup"]
)
def test_a_garbling_relay_cannot_make_a_client_lose_or_double_anything(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    faults: Faults,
    drop: float,
    duplicate: float,
) -> None:
    relay = relays()
    alice, (bob, carol), net = circle(make_profile, [relay.url], others=2)
    post(alice, net, "alice", cases=30, comments=40)
    assert sync(alice, net, relay).error is None
    assert sync(bob, net, relay).error is None
    post(bob, net, "bob", comments=60)  # comments on Alice's cases: a second chain
    assert sync(bob, net, relay).error is None
    post(alice, net, "alice-late", cases=5, comments=40)
    assert sync(alice, net, relay).error is None
    assert sync(alice, net, relay).error is None  # and Bob's comments reach Alice
    assert relay_ids(relay, net) == event_ids(alice, net)

    faults.mode, faults.drop, faults.duplicate = "garble", drop, duplicate
    partial: list[tuple[int, int]] = []  # (held, missing) after each garbled round
    for _ in range(2 if drop else 1):  # with drops, a second garbled round on top
        before, before_ids = heads(carol, net), event_ids(carol, net)
        waiting = [bytes(r[0]) for r in carol.db.all("SELECT raw FROM held_events")]
        faults.delivered = []
        report = sync(carol, net, relay)
        assert report.error is None and report.forks == 0 and report.refused == []
        assert report.received == len(faults.delivered)
        applied, held = garbled_expectation(before, waiting, faults.delivered)
        assert event_ids(carol, net) == before_ids | applied
        assert held_ids(carol, net) == held
        assert_sound(carol, net)
        missing = event_ids(alice, net) - event_ids(carol, net)
        partial.append((len(held_ids(carol, net)), len(missing)))
    assert faults.doubled > 0
    if drop:
        assert faults.dropped, "the fault dropped nothing; the test proves nothing"
        held, missing = partial[0]
        assert 0 < held < missing, "a dropped event leaves the later ones waiting"
    else:
        assert_same(alice, carol, net)  # reordering and doubling lose nothing at all

    faults.mode = None  # the same relay, honest again, fills everything in
    report = sync(carol, net, relay)
    assert report.error is None and report.forks == 0
    assert_same(alice, carol, net)
    assert len(content(carol, net)[0]) == 35 and len(content(carol, net)[1]) == 140


# -- 2. a client killed mid-sync -------------------------------------------------------
@pytest.fixture
def busy_network(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    faults: Faults,
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[RunningRelay, Profile, Profile, bytes]:
    """1,500 of Alice's events at the relay, in ~55 batches; Bob joined before them."""
    monkeypatch.setattr(wire, "BATCH_BYTES", SMALL_BATCH)
    relay = relays()
    alice, (bob,), net = circle(make_profile, [relay.url])
    post(alice, net, "alice", cases=300, comments=1200)
    report = sync(alice, net, relay)
    assert report.error is None and report.sent >= 1500
    assert relay_ids(relay, net) == event_ids(alice, net)
    return relay, alice, bob, net


def test_a_cancelled_sync_resumes_with_nothing_lost_or_doubled(
    busy_network: tuple[RunningRelay, Profile, Profile, bytes], faults: Faults
) -> None:
    relay, alice, bob, net = busy_network
    before = len(event_ids(bob, net))
    total = len(event_ids(alice, net))
    # A slow link that goes silent after 800 of the 1,500 events: the sync is cancelled
    # once Bob has taken those in (mid-catch-up, with nothing more on its way to him).
    faults.mode, faults.pass_events, faults.pace = "blackhole", 800, 0.005
    engine = SyncEngine(bob)

    async def cancelled_after_some_batches() -> list[asyncio.Task[Any]]:
        task: asyncio.Task[Any] | None = None

        def progress(done: int, _total: int) -> None:
            if done >= 800 and task is not None and not task.cancelling():
                task.cancel()  # lands at the sync's next await

        task = asyncio.create_task(engine.sync(net, relay.address, progress=progress))
        with pytest.raises(asyncio.CancelledError):
            await task
        await asyncio.sleep(0)
        return [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]

    try:
        leftover = asyncio.run(cancelled_after_some_batches())
    finally:
        engine.close()
    assert leftover == []
    got = len(event_ids(bob, net))
    assert got == before + 800 < total
    assert held_ids(bob, net) == set()
    assert_sound(bob, net)

    faults.mode, faults.pace = None, 0.0
    report = sync(bob, net, relay)  # resumes from what is stored
    assert report.error is None
    assert report.received == total - got  # nothing sent twice, nothing skipped
    assert report.duplicate == 0
    assert_same(alice, bob, net)


def test_a_sync_cancelled_as_it_finishes_is_still_cancelled(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    alice, (bob,), net = circle(make_profile, [relay.url])
    post(alice, net, "alice", cases=3)
    assert sync(alice, net, relay).error is None
    engine = SyncEngine(bob)

    async def run() -> None:
        task: asyncio.Task[Any] = asyncio.create_task(
            engine.sync(net, relay.address, on_caught_up=lambda _report: task.cancel())
        )
        with pytest.raises(asyncio.CancelledError):
            await task  # e.g. Ctrl-C (asyncio.run cancels) just as the catch-up ends

    try:
        asyncio.run(run())
    finally:
        engine.close()


def test_a_sync_cancelled_as_a_frame_arrives_stops_at_once(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    faults: Faults,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    relay = relays()
    alice, (bob,), net = circle(make_profile, [relay.url])
    post(alice, net, "alice", cases=1)
    assert sync(alice, net, relay).error is None
    assert sync(bob, net, relay).error is None
    post(bob, net, "bob", comments=100)  # a few push batches
    faults.ack_limit, faults.acks = 1, 0  # after the first ack, the relay says nothing
    read_frame = wire.read_frame
    on_ack: list[Callable[[], None]] = []

    async def reading(*args: Any, **kwargs: Any) -> dict[str, Any]:
        message = await read_frame(*args, **kwargs)
        if message["t"] == "ack" and on_ack:  # the client has just read an answer
            on_ack.pop()()
        return message

    monkeypatch.setattr(wire, "read_frame", reading)
    engine = SyncEngine(bob)

    async def run() -> None:
        task = asyncio.create_task(engine.sync(net, relay.address))
        on_ack.append(task.cancel)  # e.g. Ctrl-C, as the first ack comes in
        done, _ = await asyncio.wait({task}, timeout=3)
        assert done, "the cancelled sync is still running"
        assert task.cancelled()

    try:
        asyncio.run(run())
    finally:
        engine.close()


def test_a_cancelled_push_resumes_with_nothing_lost_or_doubled(
    busy_network: tuple[RunningRelay, Profile, Profile, bytes], faults: Faults
) -> None:
    relay, alice, bob, net = busy_network
    assert sync(bob, net, relay).error is None
    post(bob, net, "bob", comments=500)  # ~18 push batches
    mine = event_ids(bob, net)
    # The relay stores every batch it gets, but no ack reaches Bob (nor anything else):
    # the push stalls with a window of batches in flight, and the cancel comes then.
    faults.mode, faults.pass_events, faults.ack_limit, faults.acks = "blackhole", 0, 0, 0
    engine = SyncEngine(bob)

    async def cancelled_mid_push() -> None:
        loop = asyncio.get_running_loop()
        task = asyncio.create_task(engine.sync(net, relay.address))
        faults.on_ack = lambda n: n == 1 and loop.call_soon_threadsafe(task.cancel) and None
        with pytest.raises(asyncio.CancelledError):
            await task

    try:
        asyncio.run(cancelled_mid_push())
    finally:
        engine.close()
    faults.mode, faults.ack_limit, faults.on_ack = None, None, None
    # Batches already on the wire are still stored; then the relay lets the link go.
    wait_for(lambda: relay.on_loop(lambda: relay.relay.connections) == 0, "the link to close")
    at_relay = relay_ids(relay, net)
    pushed = len(at_relay - event_ids(alice, net))
    assert faults.acks >= 1 and 1 <= pushed < 500
    assert at_relay < mine

    report = sync(bob, net, relay)
    assert report.error is None and report.not_taken == []
    assert report.sent == len(mine - at_relay) == 500 - pushed  # only what the relay lacked
    assert relay_ids(relay, net) == mine
    assert sync(alice, net, relay).error is None
    assert_same(bob, alice, net)


def test_a_sync_cancelled_during_catch_up_leaves_no_task_behind(
    busy_network: tuple[RunningRelay, Profile, Profile, bytes], faults: Faults
) -> None:
    relay, _alice, bob, net = busy_network
    post(bob, net, "bob", cases=300)  # to push while the catch-up is still coming
    # 100 events come, then silence: the catch-up never ends, and no push is answered.
    faults.mode, faults.pass_events, faults.ack_limit, faults.acks = "blackhole", 100, 0, 0
    engine = SyncEngine(bob)

    async def run() -> list[asyncio.Task[Any]]:
        loop = asyncio.get_running_loop()
        taken, pushed = asyncio.Event(), asyncio.Event()
        faults.on_ack = lambda _n: loop.call_soon_threadsafe(pushed.set) and None
        task = asyncio.create_task(
            engine.sync(net, relay.address, progress=lambda n, _: n >= 100 and taken.set())
        )
        await asyncio.wait_for(asyncio.gather(taken.wait(), pushed.wait()), 20)
        assert not task.done()  # both directions are under way, neither can finish
        task.cancel()
        done, _ = await asyncio.wait({task}, timeout=10)
        assert done and task.cancelled()
        await asyncio.sleep(0)
        left = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        for t in left:
            t.cancel()
        return left

    try:
        leftover = asyncio.run(run())
    finally:
        engine.close()
    assert leftover == []  # no push (or reader) task outlives the cancelled sync


def test_a_killed_sync_process_resumes_with_nothing_lost_or_doubled(
    busy_network: tuple[RunningRelay, Profile, Profile, bytes],
    faults: Faults,
    tmp_path: Path,
) -> None:
    relay, alice, bob, net = busy_network
    folder = bob.directory
    before = len(event_ids(bob, net))
    total = len(event_ids(alice, net))
    wal = Path(str(bob.db.path) + "-wal")
    bob.close()
    assert wal_commits(wal) == 0
    # A slow link (so batches are ingested one transaction each) that sends 1,100 of the
    # 1,500 events and then nothing more: the kill lands while Bob ingests, never after.
    faults.mode, faults.pass_events, faults.pace = "blackhole", 1100, 0.03
    env = {**os.environ, "CASEBOOK_PASSPHRASE": PASSPHRASE, "CASEBOOK_KDF_TARGET_MS": "10"}
    err = tmp_path / "sync.err"
    with open(err, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-m", "casebook", "--profile", str(folder), "sync"],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:

        def ingesting() -> bool:
            assert process.poll() is None, err.read_text()
            return wal_commits(wal) >= 2

        wait_for(ingesting, "the sync process to commit two batches", timeout=30)
        process.send_signal(signal.SIGKILL)
        assert process.wait(10) == -signal.SIGKILL
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
    faults.mode, faults.pace = None, 0.0

    bob = Profile.unlock(folder, PASSPHRASE)
    try:
        assert bob.db.scalar("PRAGMA integrity_check") == "ok"
        got = len(event_ids(bob, net))
        assert before < got < total
        assert got <= before + len(faults.delivered) <= before + 1100
        assert held_ids(bob, net) == set()
        assert_sound(bob, net)
        report = sync(bob, net, relay)
        assert report.error is None and report.received == total - got
        assert_same(alice, bob, net)
    finally:
        bob.close()


# -- 3. several relays per network -----------------------------------------------------
def test_a_network_keeps_flowing_through_its_second_relay(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    first, second = relays("relay-1"), relays("relay-2")
    fingerprint, data = first.relay.fingerprint, first.config.data
    alice, (bob,), net = circle(make_profile, [first.url, second.url])

    def sync_all(profile: Profile) -> dict[str, str | None]:
        engine = SyncEngine(profile)
        try:
            return {r.relay: r.error for r in asyncio.run(engine.sync_all([net]))}
        finally:
            engine.close()

    assert sync_all(alice) == {first.url: None, second.url: None}  # Bob's join to both
    assert sync_all(bob) == {first.url: None, second.url: None}
    post(alice, net, "alice", cases=3, comments=3)
    assert sync_all(alice) == {first.url: None, second.url: None}
    assert relay_ids(first, net) == relay_ids(second, net) == event_ids(alice, net)

    first.stop()
    post(alice, net, "while-down", cases=2)
    errors = sync_all(alice)
    assert errors[second.url] is None
    assert "Cannot reach the relay" in (errors[first.url] or "")
    assert sync_all(bob)[second.url] is None
    assert sorted(t for t in content(bob, net)[0] if t.startswith("while-down")) == [
        "while-down case 0",
        "while-down case 1",
    ]
    post(bob, net, "bob-while-down", comments=4)
    assert sync_all(bob)[second.url] is None
    assert sync_all(alice)[second.url] is None
    assert_same(alice, bob, net)

    # The first relay comes back on its data, on another port, with the same certificate.
    back = relays("relay-1")
    assert back.config.data == data and back.relay.fingerprint == fingerprint
    address = RelayAddress("127.0.0.1", back.relay.port, fingerprint)
    lacking = relay_ids(second, net) - relay_ids(back, net)
    assert len(lacking) == 6  # two cases of Alice's, four comments of Bob's
    report = sync(alice, net, address)  # Alice pushes Bob's events as well as hers
    assert report.error is None and report.sent == len(lacking) and report.not_taken == []
    assert relay_ids(back, net) == relay_ids(second, net) == event_ids(alice, net)
    report = sync(bob, net, address)
    assert report.error is None and report.received == 0 and report.sent == 0
    assert_same(alice, bob, net)


# -- 4. the relay process, SIGTERM and restart -----------------------------------------
def relay_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    capsys.readouterr()
    assert relay_main(list(argv)) == 0
    return capsys.readouterr().out


def test_relay_process_stops_on_sigterm_and_keeps_every_acknowledged_event(
    make_profile: Callable[..., Profile], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data, port = tmp_path / "relay-data", free_port()
    url = relay_cli(capsys, "url", "--data", str(data), "--host", "127.0.0.1", "--port", str(port))
    url = url.strip()
    assert url.startswith(f"casebook-relay://127.0.0.1:{port}/")

    def status() -> dict[str, Any]:
        return json.loads(relay_cli(capsys, "status", "--data", str(data), "--json"))

    started = [RelayProcess(data, port, tmp_path / "relay-1.log")]
    try:
        assert url.endswith("/" + started[0].fingerprint)
        alice = make_profile("Dr. Alice Moreau")
        net = alice.library.create_network("Cardiology Circle", alice.name, relays=[url])
        post(alice, net, "alice", cases=20, comments=30)
        code = alice.invitations.create(net).code
        report = sync(alice, net, parse_relay(url))
        acknowledged = event_ids(alice, net)
        assert report.error is None and report.sent == len(acknowledged) - 1  # + creation

        stopping = time.monotonic()
        assert started[0].terminate() == 0  # graceful: exit code 0, promptly
        assert time.monotonic() - stopping < 5
        assert not (data / "status.json").exists()

        started.append(RelayProcess(data, port, tmp_path / "relay-2.log"))
        assert started[1].fingerprint == started[0].fingerprint
        again = relay_cli(
            capsys, "url", "--data", str(data), "--host", "127.0.0.1", "--port", str(port)
        )
        assert again.strip() == url
        wait_for(lambda: status()["running"], "the relay to report its status")
        (hosted,) = status()["networks"]
        assert (hosted["network"], hosted["members"], hosted["events"]) == (
            net.hex(),
            1,
            len(acknowledged),
        )
        assert hosted["bytes"] > sum(len(raw) for raw in raw_events(alice, net)) > 0
        bob = make_profile("Dr. Bob Lee")
        join(bob, code)  # everything acknowledged before the restart reaches Bob
        assert acknowledged <= event_ids(bob, net)
        assert content(bob, net) == content(alice, net)
        assert_sound(bob, net)
        nets = status()["networks"]
        assert [(n["members"], n["events"]) for n in nets] == [(2, len(acknowledged) + 1)]
    finally:
        for running in started:
            if running.process.poll() is None:
                running.terminate()
    assert started[1].process.returncode == 0
    assert status()["running"] is False


# -- 5. probe and casebook sync status -------------------------------------------------
def test_probe_and_sync_status_count_what_is_to_move_and_report_a_relay_down(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    cli: Callable[..., Any],
) -> None:
    relay = relays()
    alice, (bob,), net = circle(make_profile, [relay.url])
    assert sync(alice, net, relay).error is None  # takes Bob's join
    assert sync(bob, net, relay).error is None

    def status(profile: Profile) -> dict[str, Any]:
        result = cli("sync", "status", "--json", profile=profile.directory.name)
        assert result.code == 0, result.err
        (row,) = result.json["relays"]
        assert row["network"] == net.hex() and row["relay"] == relay.url
        return row  # type: ignore[no-any-return]

    def probe(profile: Profile) -> dict[str, int]:
        engine = SyncEngine(profile)
        try:
            return asyncio.run(engine.probe(net, relay.address))
        finally:
            engine.close()

    assert probe(alice) == {"to_receive": 0, "to_send": 0}
    row = status(bob)
    assert row["reachable"] is True and row["last_sync"] is not None
    assert row["last_error"] is None
    assert (row["to_receive"], row["to_send"]) == (0, 0)

    post(alice, net, "alice", cases=4, comments=3)
    assert probe(alice) == {"to_receive": 0, "to_send": 7}
    assert sync(alice, net, relay).sent == 7
    assert probe(alice) == {"to_receive": 0, "to_send": 0}
    row = status(bob)
    assert (row["to_receive"], row["to_send"]) == (7, 0)
    result = cli("sync", "--json", profile=bob.directory.name)
    assert result.code == 0, result.err
    (done,) = result.json["results"]
    assert (done["received"], done["applied"], done["sent"], done["error"]) == (7, 7, 0, None)
    row = status(bob)
    assert (row["to_receive"], row["to_send"]) == (0, 0)

    post(bob, net, "bob", comments=2)
    post(alice, net, "alice-2", cases=1)
    at_relay = relay_ids(relay, net)
    row = status(bob)
    assert (row["to_receive"], row["to_send"]) == (0, 2)
    assert probe(alice) == {"to_receive": 0, "to_send": 1}
    assert relay_ids(relay, net) == at_relay  # a probe moves nothing, either way
    assert len(event_ids(bob, net) - at_relay) == 2

    result = cli("sync", "--json", profile=bob.directory.name)
    assert result.code == 0, result.err
    (done,) = result.json["results"]
    assert (done["received"], done["sent"], done["error"]) == (0, 2, None)
    assert probe(alice) == {"to_receive": 2, "to_send": 1}
    assert sync(alice, net, relay).error is None
    assert probe(alice) == {"to_receive": 0, "to_send": 0}
    assert (status(bob)["to_receive"], status(bob)["to_send"]) == (1, 0)

    relay.stop()
    row = status(bob)
    assert row["reachable"] is False and "to_receive" not in row
    assert f"127.0.0.1:{relay.relay.port}" in row["error"]
    assert "Cannot reach the relay" in row["error"]
    assert row["last_sync"] is not None  # the last good sync is still known
    with pytest.raises(SyncError) as down:
        probe(alice)
    assert down.value.code == "unreachable"
