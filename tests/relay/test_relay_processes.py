"""Several relay processes serving one PostgreSQL store (``serve --database``), with the
same TLS key (so the same URL and pin), members spread over them: what one stores the
others push live, a single-use invite raced across two processes is used once, a removal
cuts the member off everywhere, the quota holds across processes, and a process killed
mid-push loses nothing it acknowledged. In-process relays (each its own event loop and
database connections) stand for processes, and one test kills a real one."""

from __future__ import annotations

import asyncio
import json
import shutil
import signal
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from casebook.core.library.search import Filters
from casebook.core.model.relayaddr import RelayAddress
from casebook.core.profile import Profile
from casebook.protocol import tls, wire
from casebook.relay.cli import main as relay_main
from casebook.sync.link import SyncError
from netkit import key, raw_events
from pgkit import Cluster
from proxykit import Proxy
from rawkit import Raw, join_event, run
from relaykit import RelayProcess, RunningRelay, join, sync

Start = Callable[..., list[RunningRelay]]


@pytest.fixture
def database(pg_cluster: Cluster) -> str:
    return pg_cluster.database()


def share_key(first: Path, data: Path) -> None:
    """What an operator does for a second process: the same key and certificate."""
    tls.ensure_certificate(first)
    if data == first:
        return
    data.mkdir(mode=0o700, exist_ok=True)
    for name in (tls.KEY_FILE, tls.CERT_FILE):
        shutil.copy2(first / name, data / name)


@pytest.fixture
def processes(tmp_path: Path, database: str) -> Iterator[Start]:
    started: list[RunningRelay] = []

    def start(count: int = 2, **options: Any) -> list[RunningRelay]:
        out = []
        for _ in range(count):
            data = tmp_path / f"relay-{len(started)}"
            share_key(tmp_path / "relay-0", data)
            running = RunningRelay(data, database=database, **options)
            started.append(running)
            out.append(running)
        return out

    yield start
    for running in started:
        running.stop()


def founded(make_profile: Callable[..., Profile], relay: RunningRelay) -> tuple[Profile, bytes]:
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    assert sync(alice, net, relay).error is None
    return alice, net


def member(
    make_profile: Callable[..., Profile], alice: Profile, net: bytes, via: RunningRelay, name: str
) -> Profile:
    profile = make_profile(name)
    code = alice.invitations.create(net).code
    assert sync(alice, net, via).error is None  # the welcome package reaches the store
    join(profile, code)
    return profile


def test_the_processes_share_one_address_and_pin(processes: Start) -> None:
    a, b = processes(2)
    assert a.relay.fingerprint == b.relay.fingerprint and a.relay.port != b.relay.port


def test_what_one_process_stores_reaches_a_member_on_another_live(
    make_profile: Callable[..., Profile], processes: Start
) -> None:
    a, b = processes(2)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")

    async def watch() -> list[bytes]:
        raw = await Raw.open(b)  # Bob is connected to the other process
        await raw.login(bob, net)
        alice.library.post_case(net, title="Pericarditis after flu", body="posted via A")
        pushed = await asyncio.get_running_loop().run_in_executor(None, sync, alice, net, a)
        assert pushed.error is None and pushed.sent == 1
        message = await raw.recv(timeout=10)
        await raw.close()
        assert message["t"] == "events", message
        return list(wire.need_events(message))

    received = run(watch())
    case = bytes(alice.db.scalar("SELECT raw FROM events WHERE kind = 'case.create'"))
    assert received == [alice.log.wire.of(case)]
    assert sync(bob, net, b).error is None
    assert [c.title for c in bob.queries.list_cases(Filters(), limit=5)] == [
        "Pericarditis after flu"
    ]


def test_a_single_use_invite_raced_across_two_processes_is_used_once(
    make_profile: Callable[..., Profile], processes: Start
) -> None:
    a, b = processes(2)
    alice, net = founded(make_profile, a)
    code = alice.invitations.read_code(alice.invitations.create(net).code)
    assert sync(alice, net, a).error is None
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")

    async def race() -> list[dict[str, Any]]:
        # Both prove the invite while it is open on both processes, then both join at once.
        on_a, on_b = await Raw.open(a), await Raw.open(b)
        first, second = await on_a.redeem(code), await on_b.redeem(code)
        joins = [
            join_event(bob, code, on_a.nonce, first["lamport"] + 1),
            join_event(carol, code, on_b.nonce, second["lamport"] + 1),
        ]
        acks = await asyncio.gather(on_a.push(joins[:1]), on_b.push(joins[1:]))
        await on_a.close()
        await on_b.close()
        return list(acks)

    acks = run(race())
    assert sorted(ack["stored"] for ack in acks) == [0, 1], acks
    refused = [ack["refused"][0][1] for ack in acks if ack["refused"]]
    assert refused == ["the invite has been used up"], acks
    # Both processes, and any member, see one newcomer.
    for relay in (a, b):
        hosted = relay.on_loop(lambda r=relay: r.relay.hosted(net, create=False))
        joined = [k for k in (key(bob), key(carol)) if relay.on_loop(hosted.is_member, k)]
        assert len(joined) == 1
    assert sync(alice, net, b).error is None
    assert len(alice.log.members.state(net).active_members()) == 2


def test_a_removal_cuts_the_member_off_on_every_process(
    make_profile: Callable[..., Profile], processes: Start
) -> None:
    a, b, c = processes(3)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")
    assert sync(alice, net, a).error is None  # Alice learns of Bob's join

    async def removed() -> list[str]:
        on_b, on_c = await Raw.open(b), await Raw.open(c)
        await on_b.login(bob, net)
        await on_c.login(bob, net)
        alice.governance.remove(net, "Bob")
        pushed = await asyncio.get_running_loop().run_in_executor(None, sync, alice, net, a)
        assert pushed.error is None
        return [await on_b.refused(10, live=True), await on_c.refused(10, live=True)]

    assert run(removed()) == ["removed", "removed"]
    for relay in (a, b, c):
        with pytest.raises(SyncError) as refused:
            sync(bob, net, relay)
        assert refused.value.code == "denied"


def test_the_quota_holds_across_processes(
    make_profile: Callable[..., Profile], processes: Start
) -> None:
    a, b = processes(2, quota_bytes=60_000)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")
    assert sync(bob, net, b).error is None  # B holds the network (and its size) now
    pad = "Echocardiography follow-up, unremarkable. " * 40
    for i in range(40):
        alice.library.post_case(net, title=f"Alice {i}", body=pad)
        bob.library.post_case(net, title=f"Bob {i}", body=pad)
    sync(alice, net, a)  # each fills the quota from its side; neither may pass it
    sync(bob, net, b)
    sync(alice, net, a)
    for relay in (a, b):
        hosted = relay.on_loop(lambda r=relay: r.relay.hosted(net, create=False))
        stored = relay.on_loop(hosted.store.usage, net)[1]
        assert stored <= 60_000
    assert stored > 50_000  # filled, from both sides
    authors = {
        bytes(r[0])
        for r in a.on_loop(
            lambda: a.relay.store.execute(
                "SELECT DISTINCT author FROM events WHERE net = ?", (net,)
            ).fetchall()
        )
    }
    assert authors >= {key(alice), key(bob)}


def test_a_process_killed_mid_push_loses_nothing_it_acknowledged(
    make_profile: Callable[..., Profile], processes: Start, database: str, tmp_path: Path
) -> None:
    (b,) = processes(1)
    alice, net = founded(make_profile, b)
    for i in range(120):
        alice.library.post_case(net, title=f"Case {i}", body="Holter monitoring " * 20)
    mine = raw_events(alice, net)[1:]  # the creation is stored already
    data = tmp_path / "killed"
    share_key(tmp_path / "relay-0", data)
    killed = RelayProcess(data, 0, tmp_path / "killed.log", "--database", database)
    process = killed.process
    try:

        async def push_until_killed() -> list[bytes]:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", killed.port, ssl=tls.client_context()
            )
            hello = await wire.read_frame(reader, 10)
            raw = Raw(reader, writer, hello["nonce"])
            await raw.login(alice, net)
            acked: list[bytes] = []
            for ref, start in enumerate(range(0, 100, 10), start=1):
                ack = await raw.push(mine[start : start + 10], ref)
                assert ack["stored"] == 10, ack
                acked += mine[start : start + 10]
            raw.send({"t": "push", "id": 99, "events": mine[100:]})  # in flight...
            process.send_signal(signal.SIGKILL)  # ...when the process dies
            await raw.close()
            return acked

        acked = run(push_until_killed())
    finally:
        process.kill()
        process.wait(10)
    assert process.returncode == -signal.SIGKILL
    stored = {
        bytes(r[0])
        for r in b.on_loop(
            lambda: b.relay.store.execute("SELECT raw FROM events WHERE net = ?", (net,)).fetchall()
        )
    }
    assert set(acked) <= stored  # everything acknowledged is there
    # Alice's app reconnects to the surviving process and sends the rest; a newcomer
    # reads the whole library from it.
    report = sync(alice, net, b)
    assert report.error is None
    bob = member(make_profile, alice, net, b, "Dr. Bob Lee")
    assert sync(bob, net, b).error is None
    assert len(bob.queries.list_cases(Filters(), limit=500)) == 120


def test_status_counts_every_process(
    make_profile: Callable[..., Profile],
    processes: Start,
    database: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    a, b = processes(2, status_interval=0.2)
    _alice, net = founded(make_profile, a)
    for relay in (a, b):  # each has written its report
        relay.call(asyncio.sleep(0.5))
    assert relay_main(["status", "--database", database, "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["running"] and report["processes"] == 2
    assert [n["network"] for n in report["networks"]] == [net.hex()]
    assert report["networks"][0]["members"] == 1


def test_the_database_going_away_costs_a_calm_refusal_and_nothing_stored(
    make_profile: Callable[..., Profile], processes: Start, pg_cluster: Cluster
) -> None:
    (a,) = processes(1)
    alice, net = founded(make_profile, a)
    alice.library.post_case(net, title="Written while the database is down", body="Kept")
    pg_cluster.stop()
    try:
        with pytest.raises(SyncError) as refused:
            sync(alice, net, a)
        assert refused.value.code == "storage"
    finally:
        pg_cluster.start(pg_cluster.port)
    report = sync(alice, net, a)  # the relay reconnects; the post goes now
    assert report.error is None and report.sent == 1
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")
    assert [c.title for c in bob.queries.list_cases(Filters(), limit=5)] == [
        "Written while the database is down"
    ]


def test_members_behind_a_balancer_go_on_through_another_process_when_one_stops(
    make_profile: Callable[..., Profile], processes: Start
) -> None:
    a, b = processes(2)
    balancer = Proxy([a.relay.port, b.relay.port])  # a TCP load balancer
    try:
        # One URL, one pin for the members: the balancer's address, the processes' key.
        address = RelayAddress("127.0.0.1", balancer.port, a.relay.fingerprint)
        alice = make_profile("Dr. Alice Moreau")
        net = alice.library.create_network("Cardiology Circle", alice.name, relays=[str(address)])
        code = alice.invitations.create(net).code
        assert sync(alice, net, address).error is None
        bob = make_profile("Dr. Bob Lee")
        join(bob, code)  # through the URL in the code: the balancer
        assert sync(alice, net, address).error is None
        assert set(balancer.chosen) == {a.relay.port, b.relay.port}  # both served
        a.stop()  # one process goes away; the members' URL stays
        alice.library.post_case(net, title="After A stopped", body="Served by B")
        assert sync(alice, net, address).error is None
        report = sync(bob, net, address)
        assert report.error is None and report.applied >= 1
        assert [c.title for c in bob.queries.list_cases(Filters(), limit=5)] == ["After A stopped"]
        assert balancer.chosen[-2:] == [b.relay.port, b.relay.port]
    finally:
        balancer.close()
