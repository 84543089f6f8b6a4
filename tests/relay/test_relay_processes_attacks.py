"""Attacks on several relay processes serving one PostgreSQL store (``serve --database``):
a hostile member, an unlucky operator and concurrency itself against two or three
processes. Each test asserts the safe behaviour, so it fails while the hole is open.

Some races are made deterministic by holding a PostgreSQL lock from the test (a table
locked in SHARE mode stalls one statement of each process at the very point where the
race lies, as a loaded database would), by holding a process's event loop (a process
that is slow to read its notices), or by an error raised inside PostgreSQL (a failed
write). Nothing under ``app/`` is changed."""

# ruff: noqa: F811  (the processes suite's fixtures, imported, are parameters here)
from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import psycopg
import pytest

# The fixtures and helpers of the processes suite: ``processes``, ``database``.
from test_relay_processes import (  # noqa: F401
    Start,
    database,
    founded,
    member,
    processes,
)

from casebook.core.model import events
from casebook.core.profile import Profile
from casebook.protocol import wire
from casebook.sync.link import SyncError
from netkit import key
from pgkit import Cluster
from rawkit import Raw, forge, join_event, run
from relaykit import RunningRelay, sync

PROMPT = 10.0


# -- helpers -------------------------------------------------------------------------------
def pg(url: str) -> psycopg.Connection[Any]:
    return psycopg.connect(url, autocommit=True, connect_timeout=10)


def usage(url: str, net: bytes) -> int:
    with pg(url) as conn:
        row = conn.execute("SELECT bytes FROM net_usage WHERE net = %s", (net,)).fetchone()
        return 0 if row is None else int(row[0])


def measured(url: str, net: bytes) -> int:
    """What is really stored for ``net``, row by row."""
    with pg(url) as conn:
        row = conn.execute(
            "SELECT (SELECT coalesce(sum(length(raw)), 0) FROM events WHERE net = %(n)s)"
            " + (SELECT coalesce(sum(length(sealed)), 0) FROM welcomes WHERE net = %(n)s)"
            " + (SELECT coalesce(sum(length(data)), 0) FROM blob_chunks WHERE net = %(n)s)",
            {"n": net},
        ).fetchone()
        return int(row[0])


def lock_waiters(url: str) -> int:
    with pg(url) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'"
        ).fetchone()
        return int(row[0])


def wait_for(predicate: Callable[[], bool], timeout: float = PROMPT) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return predicate()


@contextlib.contextmanager
def table_held(url: str, table: str, waiters: int) -> Iterator[Callable[[], None]]:
    """``table`` locked in SHARE mode (reads go on, writes wait) until the yielded
    ``release`` is called (or the block ends): every process that reaches a write of it
    stalls there, after whatever it checked first. ``release`` first waits (bounded) for
    ``waiters`` statements to be stalled."""
    conn = pg(url)
    conn.execute("BEGIN")
    conn.execute(f"LOCK TABLE {table} IN SHARE MODE")  # type: ignore[arg-type]
    released = False

    def release() -> None:
        nonlocal released
        wait_for(lambda: lock_waiters(url) >= waiters, PROMPT)
        if not released:
            released = True
            conn.execute("COMMIT")

    try:
        yield release
    finally:
        if not released:
            with contextlib.suppress(Exception):
                conn.execute("ROLLBACK")
        conn.close()


def hold_loop(relay: RunningRelay) -> threading.Event:
    """The process's event loop stops (a process slow to read its notices) until the
    returned event is set (60 s at most)."""
    gate = threading.Event()
    relay.loop.call_soon_threadsafe(gate.wait, 60)
    return gate


def hosted_of(relay: RunningRelay, net: bytes) -> Any:
    return relay.on_loop(lambda: relay.relay.hosted(net, create=False))


def ids_of(raws: list[bytes]) -> set[bytes]:
    return {events.parse_trusted(r).id for r in raws}


async def until_closed(raw: Raw, timeout: float = PROMPT) -> tuple[list[bytes], str | None]:
    """Read a logged-in member's connection until the relay closes it (or ``timeout``
    of silence): the events it was sent and the error code it ended with."""
    got: list[bytes] = []
    while True:
        try:
            message = await raw.recv(timeout)
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, OSError):
            return got, None
        if message["t"] == "events":
            got += wire.need_events(message)
        elif message["t"] == "error":
            return got, str(message["code"])


async def ack_of(raw: Raw, timeout: float = 30) -> dict[str, Any]:
    for _ in range(1000):
        message = await raw.recv(timeout)
        if message["t"] == "ack":
            return message
    raise AssertionError("no ack")


async def in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


# -- 1. a removed member on another process ------------------------------------------------
def test_a_slow_process_sends_a_removed_member_nothing_stored_after_the_removal(
    make_profile: Callable[..., Profile], processes: Start
) -> None:
    """Bob is connected to B. Alice removes him through A, then posts a case through A.
    B reads its notices late (its loop is busy) and folds both pushes in at once: it must
    cut Bob off before sending him what was stored after his removal."""
    a, b = processes(2)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")
    assert sync(alice, net, a).error is None

    async def scenario() -> tuple[list[bytes], str | None, bytes]:
        raw = await Raw.open(b)
        await raw.login(bob, net)
        gate = hold_loop(b)
        try:
            alice.governance.remove(net, "Bob")
            assert (await in_thread(sync, alice, net, a)).error is None
            case = alice.library.post_case(net, title="After Bob left", body="not for Bob")
            assert (await in_thread(sync, alice, net, a)).error is None
        finally:
            gate.set()
        got, code = await until_closed(raw)
        await raw.close()
        return got, code, case

    got, code, case = run(scenario())
    assert code == "removed"
    assert case not in ids_of(got), "B sent the removed member a case stored after his removal"


def test_a_lost_notice_does_not_leave_a_removed_member_served_by_another_process(
    make_profile: Callable[..., Profile], processes: Start
) -> None:
    """A commits Bob's removal, then its NOTIFY fails (the link broke, or A died between
    its commit and its notice; ``Relay.announce`` logs it and goes on). B, which holds
    the network, must not go on serving Bob: his connection is cut and a new login is
    refused within a bounded time, without waiting for some later push to the network."""
    a, b = processes(2)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")
    assert sync(alice, net, a).error is None
    assert sync(bob, net, b).error is None  # B holds the network now

    def lost(net: bytes, seqno: int) -> None:
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    a.relay.store.announce = lost  # type: ignore[method-assign]

    async def scenario() -> tuple[str | None, str]:
        raw = await Raw.open(b)
        await raw.login(bob, net)
        alice.governance.remove(net, "Bob")
        assert (await in_thread(sync, alice, net, a)).error is None
        _got, code = await until_closed(raw, timeout=8)
        await raw.close()
        probe = await Raw.open(b)
        probe.send(probe.auth(bob, net, probe=True))
        answer = await probe.recv()
        await probe.close()
        return code, answer["t"] if answer["t"] != "error" else str(answer["code"])

    kicked, login = run(scenario())
    assert (kicked, login) == ("removed", "denied"), (
        f"B still serves the removed member: live connection ended with {kicked!r}, "
        f"a new login got {login!r}"
    )


# -- 2. the quota, checked outside the network's lock -------------------------------------
def _room(url: str, net: bytes, quota: int) -> int:
    return quota - usage(url, net)


async def sent_while_held(
    database: str, table: str, sends: list[tuple[Raw, dict[str, Any]]]
) -> list[dict[str, Any]]:
    """Each message sent on its link while ``table`` is held (:func:`table_held`), so
    every process checks before any of them writes; their acks, the links closed."""
    with table_held(database, table, waiters=len(sends)) as release:
        for raw, message in sends:
            raw.send(message)
        await in_thread(release)
        acks = await asyncio.gather(*(ack_of(raw) for raw, _ in sends))
    for raw, _ in sends:
        await raw.close()
    return list(acks)


def assert_within_quota(database: str, net: bytes, quota: int, acks: list[Any]) -> None:
    stored = measured(database, net)
    assert stored <= quota, f"stored {stored} bytes, quota {quota}: {acks}"


def test_attachment_chunks_raced_on_two_processes_stay_within_the_quota(
    make_profile: Callable[..., Profile], processes: Start, database: str
) -> None:
    quota = 120_000
    a, b = processes(2, quota_bytes=quota)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")
    assert sync(bob, net, b).error is None
    room = _room(database, net, quota)
    size = room // 2 + 2_000  # one fits, two do not
    assert size <= room < 2 * size

    async def scenario() -> list[dict[str, Any]]:
        on_a, on_b = await Raw.open(a), await Raw.open(b)
        await on_a.login(alice, net)
        await on_b.login(bob, net)
        puts = [
            {"t": "blob_put", "id": 7, "blob": bytes([i + 1]) * 32, "idx": 0, "total": 1}
            | {"data": os.urandom(size)}
            for i in range(2)
        ]
        return await sent_while_held(database, "blob_chunks", list(zip((on_a, on_b), puts)))

    assert_within_quota(database, net, quota, run(scenario()))


def test_welcome_packages_raced_on_two_processes_stay_within_the_quota(
    make_profile: Callable[..., Profile], processes: Start, database: str
) -> None:
    quota = 100_000
    a, b = processes(2, quota_bytes=quota)
    alice, net = founded(make_profile, a)
    codes = [alice.invitations.read_code(alice.invitations.create(net).code) for _ in range(2)]
    assert sync(alice, net, a).error is None
    assert sync(alice, net, b).error is None  # B holds the network and both invites
    invites = [c.key for c in codes]
    assert wait_for(lambda: all(i in hosted_of(b, net).state.invites for i in invites), PROMPT)
    room = _room(database, net, quota)
    size = room // 2 + 2_000
    assert size <= min(room, 64 * 1024) and 2 * size > room

    async def scenario() -> list[dict[str, Any]]:
        on_a, on_b = await Raw.open(a), await Raw.open(b)
        await on_a.login(alice, net)
        await on_b.login(alice, net)
        places = [{"t": "welcomes", "id": 3, "items": [[i, os.urandom(size)]]} for i in invites]
        return await sent_while_held(database, "welcomes", list(zip((on_a, on_b), places)))

    assert_within_quota(database, net, quota, run(scenario()))


def test_networks_created_on_two_processes_at_once_stay_within_max_networks(
    make_profile: Callable[..., Profile], processes: Start, database: str
) -> None:
    a, b = processes(2, max_networks=1)
    alice, carol = make_profile("Dr. Alice Moreau"), make_profile("Dr. Carol Ng")
    first = alice.library.create_network("Cardiology Circle", alice.name, relays=[a.url])
    second = carol.library.create_network("Renal Round", carol.name, relays=[b.url])

    async def scenario() -> list[Any]:
        with table_held(database, "networks", waiters=2) as release:
            tries = [
                asyncio.ensure_future(in_thread(_try_sync, alice, first, a)),
                asyncio.ensure_future(in_thread(_try_sync, carol, second, b)),
            ]
            await in_thread(release)
            return list(await asyncio.gather(*tries))

    outcomes = run(scenario())
    with pg(database) as conn:
        count = conn.execute("SELECT count(*) FROM networks").fetchone()[0]
    assert count <= 1, f"{count} networks hosted with max_networks=1: {outcomes}"


def _try_sync(profile: Profile, net: bytes, relay: RunningRelay) -> str:
    try:
        report = sync(profile, net, relay)
    except SyncError as exc:
        return exc.code
    return report.error or "ok"


def _lose_notices(relay: RunningRelay) -> None:
    """``relay``'s NOTIFYs fail from now on (``Relay.announce`` logs and goes on)."""

    def lost(net: bytes, seqno: int) -> None:
        raise psycopg.OperationalError("server closed the connection unexpectedly")

    relay.relay.store.announce = lost  # type: ignore[method-assign]


def test_a_removed_member_cannot_push_events_through_a_process_that_missed_the_removal(
    make_profile: Callable[..., Profile], processes: Start
) -> None:
    """B missed the notice of Bob's removal; Bob, still connected to B, pushes a case:
    B must fold the removal in first (HostedNetwork.take) and refuse it."""
    a, b = processes(2)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")
    assert sync(alice, net, a).error is None
    assert sync(bob, net, b).error is None
    _lose_notices(a)
    alice.governance.remove(net, "Bob")
    bob.library.post_case(net, title="Written after removal", body="x")
    mine = [r for r in _raws_of(bob, net)][-1:]

    async def scenario() -> dict[str, Any]:
        raw = await Raw.open(b)
        await raw.login(bob, net)
        assert (await in_thread(sync, alice, net, a)).error is None
        raw.send({"t": "push", "id": 5, "events": mine})
        answer = await raw.recv()
        while answer["t"] == "events":
            answer = await raw.recv()
        await raw.close()
        return answer

    answer = run(scenario())
    assert answer["t"] != "ack" or answer["stored"] == 0, answer
    assert events.parse_trusted(mine[0]).id not in _stored_ids(a, net)


def test_a_removed_member_cannot_upload_attachments_through_a_process_that_missed_it(
    make_profile: Callable[..., Profile], processes: Start, database: str
) -> None:
    """The same, with attachment chunks (``blob_put`` is judged on B's own view only)."""
    a, b = processes(2)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")
    assert sync(alice, net, a).error is None
    assert sync(bob, net, b).error is None
    _lose_notices(a)

    async def scenario() -> dict[str, Any]:
        raw = await Raw.open(b)
        await raw.login(bob, net)
        alice.governance.remove(net, "Bob")
        assert (await in_thread(sync, alice, net, a)).error is None
        await asyncio.sleep(3)  # B had every chance to learn of it
        raw.send(
            {
                "t": "blob_put",
                "id": 9,
                "blob": b"\x09" * 32,
                "idx": 0,
                "total": 1,
                "data": b"z" * 4096,
            }
        )
        try:
            answer = await raw.recv()
        except (TimeoutError, asyncio.IncompleteReadError, ConnectionError, OSError):
            answer = {"t": "closed"}
        await raw.close()
        return answer

    answer = run(scenario())
    with pg(database) as conn:
        chunks = conn.execute("SELECT count(*) FROM blob_chunks WHERE net = %s", (net,)).fetchone()
    assert chunks[0] == 0, f"a removed member stored an attachment chunk through B: {answer}"


def _raws_of(profile: Profile, net: bytes) -> list[bytes]:
    rows = profile.db.all(
        "SELECT raw FROM events WHERE net = ? AND author = ? ORDER BY seq", (net, key(profile))
    )
    return profile.log.wire.all(bytes(r[0]) for r in rows)


def _stored_ids(relay: RunningRelay, net: bytes) -> set[bytes]:
    return {
        bytes(r[0])
        for r in relay.on_loop(
            lambda: relay.relay.store.execute(
                "SELECT id FROM events WHERE net = ?", (net,)
            ).fetchall()
        )
    }


def _body(database: str, event_id: bytes) -> bytes:
    with pg(database) as conn:
        row = conn.execute("SELECT raw FROM events WHERE id = %s", (event_id,)).fetchone()
    assert row is not None
    return events.parse_trusted(bytes(row[0])).body


# -- 3. withdrawals across processes --------------------------------------------------------
FAIL_ONCE = """
CREATE SEQUENCE attack_fail_once;
CREATE FUNCTION attack_fail_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF nextval('attack_fail_once') = 1 THEN
        RAISE EXCEPTION 'could not extend file: No space left on device (simulated)';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER attack_fail_once BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION attack_fail_once();
"""


def test_a_failed_write_does_not_make_a_process_forget_a_withdrawal_made_elsewhere(
    make_profile: Callable[..., Profile], processes: Start, database: str
) -> None:
    """Alice withdraws her case through B. A has not read the notice yet; Bob, who wrote a
    comment on the case offline, pushes it through A. A folds the withdrawal in under the
    network's lock, then the write fails once (the disk is full, say). When Bob pushes
    again, his comment must still be stored without its body."""
    a, b = processes(2)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")
    case = alice.library.post_case(net, title="Rash", body="photos of a patient")
    assert sync(alice, net, a).error is None
    assert sync(bob, net, a).error is None
    a.on_loop(lambda: a.relay._listening.cancel())  # A reads no notice for now
    alice.library.withdraw(case, "Consent withdrawn")
    assert sync(alice, net, b).error is None
    assert _body(database, case) == b""  # B applied it
    comment = bob.library.comment(case, "Looks like contact dermatitis, written offline.")
    raw_comment = bob.log.wire.of(
        bytes(bob.db.scalar("SELECT raw FROM events WHERE id = ?", (comment,)))
    )
    with pg(database) as conn:
        conn.execute(FAIL_ONCE)

    async def push_twice() -> list[dict[str, Any]]:
        answers = []
        for ref in (1, 2):
            raw = await Raw.open(a)
            await raw.login(bob, net)
            raw.send({"t": "push", "id": ref, "events": [raw_comment]})
            answer = await raw.recv()
            while answer["t"] == "events":
                answer = await raw.recv()
            answers.append(answer)
            await raw.close()
        return answers

    answers = run(push_twice())
    assert answers[0]["t"] == "error" and answers[0]["code"] == "storage", answers
    assert answers[1]["t"] == "ack" and answers[1]["stored"] == 1, answers
    assert _body(database, comment) == b"", "A stored a body of a case withdrawn through B"


# -- 4. chains and invites across processes -------------------------------------------------
async def _answer(raw: Raw, timeout: float = 30) -> dict[str, Any]:
    """The ack (or the error) a push gets, skipping live events."""
    for _ in range(1000):
        message = await raw.recv(timeout)
        if message["t"] in ("ack", "error"):
            return message
    raise AssertionError("no answer")


def test_two_events_at_one_place_of_a_chain_pushed_to_two_processes_make_no_fork(
    make_profile: Callable[..., Profile], processes: Start, database: str
) -> None:
    a, b = processes(2)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")
    assert sync(bob, net, b).error is None
    one = forge(bob, net, "case.create", {"title": "One", "body": "first"})
    two = forge(bob, net, "case.create", {"title": "Two", "body": "second"})
    at = events.parse_trusted(one).seq
    assert events.parse_trusted(two).seq == at and one != two

    async def race() -> list[dict[str, Any]]:
        on_a, on_b = await Raw.open(a), await Raw.open(b)
        await on_a.login(bob, net)
        await on_b.login(bob, net)
        on_a.send({"t": "push", "id": 1, "events": [one]})
        on_b.send({"t": "push", "id": 1, "events": [two]})
        answers = await asyncio.gather(_answer(on_a), _answer(on_b))
        await on_a.close()
        await on_b.close()
        return list(answers)

    answers = run(race())
    assert all(x["t"] == "ack" for x in answers), answers  # a refusal, not a storage error
    assert sorted(x["stored"] for x in answers) == [0, 1], answers
    assert any("fork" in r[1] for x in answers for r in x["refused"]), answers
    with pg(database) as conn:
        count = conn.execute(
            "SELECT count(*) FROM events WHERE net = %s AND author = %s AND seq = %s",
            (net, key(bob), at),
        ).fetchone()[0]
    assert count == 1
    # Both processes agree on the head of Bob's chain.
    assert wait_for(lambda: hosted_of(a, net).heads[key(bob)] == hosted_of(b, net).heads[key(bob)])


def test_a_back_dated_join_on_another_process_cannot_push_out_an_accepted_one(
    make_profile: Callable[..., Profile], processes: Start
) -> None:
    """Both prove a single-use invite, on A and on B. Bob's join (dated well ahead) is
    stored through A; Carol's, dated before Bob's, then comes through B."""
    a, b = processes(2)
    alice, net = founded(make_profile, a)
    code = alice.invitations.read_code(alice.invitations.create(net).code)
    assert sync(alice, net, a).error is None
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")

    async def race() -> list[dict[str, Any]]:
        on_a, on_b = await Raw.open(a), await Raw.open(b)
        first, second = await on_a.redeem(code), await on_b.redeem(code)
        late = join_event(bob, code, on_a.nonce, first["lamport"] + 40)
        early = join_event(carol, code, on_b.nonce, second["lamport"] + 1)
        bob_ack = await on_a.push([late])
        carol_ack = await on_b.push([early])
        await on_a.close()
        await on_b.close()
        return [bob_ack, carol_ack]

    bob_ack, carol_ack = run(race())
    assert bob_ack["stored"] == 1, bob_ack
    assert carol_ack["stored"] == 0, carol_ack
    for relay in (a, b):
        assert wait_for(lambda r=relay: relay.on_loop(hosted_of(r, net).is_member, key(bob)))
        assert not relay.on_loop(hosted_of(relay, net).is_member, key(carol))


@pytest.mark.parametrize("where", ["same process", "another process"])
def test_a_join_racing_the_revocation_of_its_invite_is_refused(
    make_profile: Callable[..., Profile], processes: Start, where: str
) -> None:
    """Carol proves the invite on B (it is open), Alice revokes it through A (or B), and
    only then Carol sends her join, dated just after the clock B gave her."""
    a, b = processes(2)
    revoker = b if where == "same process" else a
    alice, net = founded(make_profile, a)
    code = alice.invitations.read_code(alice.invitations.create(net).code)
    assert sync(alice, net, a).error is None
    carol = make_profile("Dr. Carol Ng")

    async def race() -> dict[str, Any]:
        on_b = await Raw.open(b)
        ready = await on_b.redeem(code)
        alice.invitations.revoke(net, code.key.hex()[:12])
        assert (await in_thread(sync, alice, net, revoker)).error is None
        carol_ack = await on_b.push([join_event(carol, code, on_b.nonce, ready["lamport"] + 1)])
        await on_b.close()
        return carol_ack

    carol_ack = run(race())
    assert carol_ack["stored"] == 0, carol_ack
    assert not b.on_loop(hosted_of(b, net).is_member, key(carol))


# -- 5. notices lost, forged, or the database gone ----------------------------------------
def _listeners(url: str) -> list[int]:
    with pg(url) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
            "AND query ILIKE 'LISTEN%%' AND pid <> pg_backend_pid()"
        ).fetchall()
    return [int(r[0]) for r in rows]


async def _live_case(
    raw: Raw, alice: Profile, net: bytes, via: RunningRelay, title: str, timeout: float
) -> bool:
    """Alice posts through ``via``; whether ``raw`` (a member elsewhere) gets it live."""
    case = alice.library.post_case(net, title=title, body="live")
    assert (await in_thread(sync, alice, net, via)).error is None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            message = await raw.recv(max(0.1, deadline - time.monotonic()))
        except TimeoutError:
            return False
        if message["t"] == "events" and case in ids_of(list(wire.need_events(message))):
            return True
    return False


def test_a_process_whose_listener_was_killed_catches_up(
    make_profile: Callable[..., Profile], processes: Start, database: str
) -> None:
    """An operator (or a pooler) kills B's LISTEN connection; what A stores meanwhile must
    still reach Bob on B, and B must listen again."""
    a, b = processes(2)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")

    async def scenario() -> bool:
        raw = await Raw.open(b)
        await raw.login(bob, net)
        assert wait_for(lambda: len(_listeners(database)) == 2)
        # B's loop is held while its listener dies and A stores and notifies: the notice
        # is lost for sure (not merely late).
        gate = hold_loop(b)
        try:
            with pg(database) as conn:
                for pid in _listeners(database):
                    conn.execute("SELECT pg_terminate_backend(%s)", (pid,))
            case = alice.library.post_case(net, title="While B was deaf", body="live")
            assert (await in_thread(sync, alice, net, a)).error is None
        finally:
            gate.set()
        got = False
        deadline = time.monotonic() + 15
        while not got and time.monotonic() < deadline:
            try:
                message = await raw.recv(max(0.1, deadline - time.monotonic()))
            except TimeoutError:
                break
            got = message["t"] == "events" and case in ids_of(list(wire.need_events(message)))
        await raw.close()
        return got

    assert run(scenario())
    assert wait_for(lambda: len(_listeners(database)) == 2, 15)


def test_forged_notices_neither_crash_nor_deafen_a_process(
    make_profile: Callable[..., Profile], processes: Start, database: str
) -> None:
    """Anyone who may connect to the database may NOTIFY (a member may not: remark only).
    Junk payloads, a huge seqno, a flood: B must go on forwarding real events."""
    a, b = processes(2)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")
    errors: list[logging.LogRecord] = []
    handler = _Keep(errors)
    for name in ("asyncio", "casebook.relay"):
        logging.getLogger(name).addHandler(handler)
    try:

        async def scenario() -> bool:
            raw = await Raw.open(b)
            await raw.login(bob, net)
            junk = [
                "",
                ":",
                "zz:1",
                "00:-1",
                f"{net.hex()}:",
                f"{net.hex()}:1:2",
                f"{net.hex()}:1e3",
                f"{net.hex()}:{'9' * 400}",
                f"{net.hex()}:-99999999999999999999999",
                f"{'ab' * 16}:5",
                f"{net.hex()[:-1]}:5",
                "\u00e9\u00e9:1",
                "x" * 7000,
            ] + [f"{net.hex()}:{2**62 + i}" for i in range(300)]
            with pg(database) as conn:
                for payload in junk:
                    conn.execute("SELECT pg_notify('casebook_relay', %s)", (payload,))
            got = await _live_case(raw, alice, net, a, "After the junk", 15)
            await raw.close()
            return got

        assert run(scenario())
        gc.collect()
    finally:
        for name in ("asyncio", "casebook.relay"):
            logging.getLogger(name).removeHandler(handler)
    assert [r.getMessage() for r in errors if r.levelno >= logging.ERROR or r.exc_info] == []
    assert len(_listeners(database)) == 2


class _Keep(logging.Handler):
    def __init__(self, into: list[logging.LogRecord]) -> None:
        super().__init__(logging.DEBUG)
        self.into = into

    def emit(self, record: logging.LogRecord) -> None:
        if record.levelno >= logging.WARNING or record.exc_info:
            self.into.append(record)


def test_the_database_going_away_leaves_no_traceback_and_processes_recover(
    make_profile: Callable[..., Profile], processes: Start, database: str, pg_cluster: Cluster
) -> None:
    """PostgreSQL stops for a few seconds under two processes with a member connected to
    each: pushes are refused calmly; no traceback, no 'Task exception was never
    retrieved'; once it is back, what A stores reaches Bob on B live again."""
    a, b = processes(2, status_interval=0.3)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")
    assert sync(bob, net, b).error is None
    records: list[logging.LogRecord] = []
    handler = _Keep(records)
    for name in ("asyncio", "casebook.relay", ""):
        logging.getLogger(name).addHandler(handler)
    try:

        async def scenario() -> tuple[str, bool]:
            raw = await Raw.open(b)
            await raw.login(bob, net)
            on_a = await Raw.open(a)
            await on_a.login(alice, net)
            pg_cluster.stop()
            try:
                await asyncio.sleep(1.5)  # the listeners and the status loops notice
                alice.library.post_case(net, title="During the outage", body="kept")
                refused = await in_thread(_try_sync, alice, net, a)
                on_a.send({"t": "ping"})
                with contextlib.suppress(Exception):
                    await on_a.recv(2)
            finally:
                pg_cluster.start(pg_cluster.port)
            assert wait_for(lambda: len(_listeners(database)) == 2, 40)
            got = await _live_case(raw, alice, net, a, "After the outage", 15)
            await raw.close()
            await on_a.close()
            return refused, got

        refused, got = run_long(scenario(), 120)
        for relay in (a, b):
            relay.call(asyncio.sleep(0.2))
        gc.collect()
    finally:
        for name in ("asyncio", "casebook.relay", ""):
            logging.getLogger(name).removeHandler(handler)
    assert refused == "storage"
    assert got, "B no longer forwards what A stores after the database came back"
    bad = [
        f"{r.name}: {r.getMessage()}"
        for r in records
        if r.exc_info or "never retrieved" in r.getMessage() or "Traceback" in r.getMessage()
    ]
    assert bad == []


def run_long(coro: Any, timeout: float) -> Any:
    return asyncio.run(asyncio.wait_for(coro, timeout))


# -- 6. creation and ordering across processes ---------------------------------------------
def test_one_network_created_on_two_processes_at_once_is_created_once(
    make_profile: Callable[..., Profile], processes: Start, database: str
) -> None:
    a, b = processes(2)
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[a.url])
    creation = bytes(alice.db.scalar("SELECT raw FROM events WHERE net = ?", (net,)))

    async def race() -> list[str]:
        on_a, on_b = await Raw.open(a), await Raw.open(b)
        with table_held(database, "networks", waiters=2) as release:
            on_a.send(on_a.auth(alice, net, create=creation))
            on_b.send(on_b.auth(alice, net, create=creation))
            await in_thread(release)
            answers = await asyncio.gather(on_a.recv(30), on_b.recv(30))
        await on_a.close()
        await on_b.close()
        return [x["t"] if x["t"] != "error" else x["code"] for x in answers]

    assert run(race()) == ["ready", "ready"]
    with pg(database) as conn:
        assert conn.execute("SELECT count(*) FROM networks").fetchone()[0] == 1
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == 1
    for relay in (a, b):
        assert hosted_of(relay, net).exists
    bob = member(make_profile, alice, net, b, "Dr. Bob Lee")
    alice.library.post_case(net, title="Through A", body="x")
    assert sync(alice, net, a).error is None
    assert sync(bob, net, b).error is None
    assert [c.title for c in bob.queries.list_cases(_filters(), limit=5)] == ["Through A"]


def _filters() -> Any:
    from casebook.core.library.search import Filters

    return Filters()


def test_concurrent_pushes_on_two_processes_reach_a_third_in_chain_order(
    make_profile: Callable[..., Profile], processes: Start
) -> None:
    """Alice pushes through A and Carol through B, at once, many small batches; Bob on C
    must receive every event live, each chain without a gap, and a catch-up from C must
    then have nothing to add."""
    a, b, c = processes(3)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")
    carol = member(make_profile, alice, net, a, "Dr. Carol Ng")
    assert sync(alice, net, a).error is None
    assert sync(carol, net, b).error is None
    assert sync(bob, net, c).error is None

    def writer(profile: Profile, via: RunningRelay, name: str) -> None:
        for i in range(12):
            profile.library.post_case(net, title=f"{name} {i}", body="x" * 200)
            for _ in range(5):  # "answered out of turn": see the test after this one
                try:
                    assert sync(profile, net, via).error is None
                    break
                except SyncError as exc:
                    assert "out of turn" in str(exc), exc

    async def scenario() -> list[bytes]:
        raw = await Raw.open(c)
        await raw.login(bob, net)
        await asyncio.gather(
            in_thread(writer, alice, a, "Alice"), in_thread(writer, carol, b, "Carol")
        )
        got: list[bytes] = []
        while True:
            try:
                message = await raw.recv(3)
            except TimeoutError:
                break
            if message["t"] == "events":
                got += wire.need_events(message)
        await raw.close()
        return got

    got = run(scenario())
    chains: dict[bytes, list[int]] = {}
    for raw in got:
        event = events.parse_trusted(raw)
        chains.setdefault(event.author, []).append(event.seq)
    for author in (key(alice), key(carol)):
        seqs = chains.get(author, [])
        assert len(seqs) >= 12
        assert seqs == list(range(seqs[0], seqs[0] + len(seqs))), (author.hex()[:8], seqs)
    assert len([s for s in chains.get(key(alice), [])]) + len(chains.get(key(carol), [])) == 24


@pytest.mark.parametrize("where", ["same process", "another process"])
def test_a_member_logging_in_gets_ready_before_any_live_event(
    make_profile: Callable[..., Profile], processes: Start, where: str
) -> None:
    """Between its ``auth`` and its ``have`` a member is already among those live events
    are sent to (``Relay.admit_member``), before its catch-up holds them back: an event
    stored meanwhile (through another process: a notice, any time) reaches it before its
    ``ready``, and the app gives up ("answered out of turn"), as seen in the test above."""
    a, b = processes(2)
    alice, net = founded(make_profile, a)
    bob = member(make_profile, alice, net, a, "Dr. Bob Lee")
    via = b if where == "same process" else a

    async def scenario() -> str:
        raw = await Raw.open(b)
        raw.send_raw(wire.frame(raw.auth(bob, net)))  # the vector not sent yet
        await asyncio.sleep(0.5)
        alice.library.post_case(net, title="Meanwhile", body="x")
        assert (await in_thread(sync, alice, net, via)).error is None
        await asyncio.sleep(1)
        raw.send_raw(wire.frame({"t": "have", "have": wire.vector_wire({})}))
        first = await raw.recv()
        await raw.close()
        return str(first["t"])

    assert run(scenario()) == "ready"
