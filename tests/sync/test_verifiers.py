"""Received events verified in worker processes (a long catch-up's way, sync/verifiers.py)
give the library exactly what the threads give; a worker that dies, or processes that
cannot start, leave the sync to the threads with nothing lost and one line in the log."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

import pytest

from casebook.core.library.search import Filters
from casebook.core.profile import Profile
from casebook.sync.engine import SyncEngine
from casebook.sync.ingest import Verified, parse_all
from casebook.sync.verifiers import PROCESSES_FROM, Verifiers
from netkit import raw_events
from rawkit import found_with_bob
from relaykit import RunningRelay, join, sync

BODY = "Exertional syncope in a young runner; a soft murmur at the left sternal edge."


def titles(profile: Profile, net: bytes) -> list[str]:
    return [c.title for c in profile.queries.list_cases(Filters(net=net), limit=100)]


def posts(alice: Profile, net: bytes, relay: RunningRelay, *titles: str) -> None:
    """Alice posts a case of each title and syncs them to the relay."""
    for title in titles:
        alice.library.post_case(net, title=title, body=BODY)
    assert sync(alice, net, relay).error is None


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie left for its new parent to reap does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def worker_pids(verifiers: Verifiers) -> list[int]:
    pool = verifiers._processes
    assert pool is not None
    return list(pool._processes)


def every_kind(alice: Profile, bob: Profile, carol: Profile, net: bytes) -> None:
    """Cases, comments, replies, edits, a poll and its answer, an outcome, a status, an
    endorsement, a flag, a role change and a removal (which rotates the epoch)."""
    case = alice.library.post_case(net, title="Syncope on exertion", body=BODY)
    poll = alice.polls.create(case, "choice", "Next test?", ["echo", "MRI"])
    comment = alice.library.comment(case, "Echo first, then an exercise test.")
    alice.library.reply(comment, "And a Holter monitor.")
    alice.library.edit_comment(comment, "Echo first; an exercise test only after it.")
    alice.library.edit_case(case, title="Syncope on exertion (edited)")
    alice.polls.answer(poll, choice=1)
    alice.library.add_outcome(case, "Hypertrophic cardiomyopathy on the echo.")
    alice.library.set_status(case, "resolved")
    alice.library.flag(case.hex(), "Check the consent, please.")
    alice.governance.set_role(net, bob.name, "moderator")
    alice.governance.remove(net, carol.name)
    alice.library.post_case(net, title="After the rotation", body=BODY)


def test_processes_verify_every_kind_exactly_as_the_threads_do(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    alice, bob, net = found_with_bob(make_profile, relay)
    carol = make_profile("Dr. Carol Ng")
    code = alice.invitations.create(net).code
    sync(alice, net, relay)
    join(carol, code)
    sync(alice, net, relay)
    every_kind(alice, bob, carol, net)
    raws = raw_events(alice, net)
    raws.append(raws[-1][:-1] + bytes([raws[-1][-1] ^ 1]))  # a tampered one: refused alike
    seeds = {e: [s for _, s in alice.log.keys.candidates(net, e)] for e in range(4)}
    verifiers = Verifiers(2)

    async def both() -> tuple[list[Verified | str], list[Verified | str]]:
        threads = verifiers.verify(raws, seeds, announced=0)
        processes = verifiers.verify(raws, seeds, announced=PROCESSES_FROM)
        return await threads, await processes

    try:
        on_threads, in_processes = asyncio.run(both())
    finally:
        verifiers.close()
    assert len({item[0].kind for item in on_threads if not isinstance(item, str)}) >= 14
    assert isinstance(on_threads[-1], str)  # the tampered event's reason
    assert in_processes == on_threads == parse_all(raws, seeds)


def test_a_long_catch_up_verified_in_processes_stores_what_the_threads_would(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    relay = relays()
    alice, bob, net = found_with_bob(make_profile, relay)
    for n in range(30):
        case = alice.library.post_case(net, title=f"Case {n}", body=BODY)
        alice.library.comment(case, f"Comment {n}: echo first.")
    assert sync(alice, net, relay).error is None
    monkeypatch.setenv("CASEBOOK_PROCESSES_FROM", "40")  # this catch-up is "long"
    with caplog.at_level(logging.INFO, logger="casebook.sync"):
        report = sync(bob, net, relay)
    assert report.error is None and report.received >= 60 and not report.refused
    assert "verifying in 2 processes" in caplog.text
    assert "failed" not in caplog.text
    assert set(raw_events(alice, net)) <= set(raw_events(bob, net))
    assert sorted(titles(bob, net)) == sorted(f"Case {n}" for n in range(30))
    assert bob.log.verify_all() == []


def test_a_worker_killed_mid_sync_leaves_the_sync_to_the_threads(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    relay = relays()
    alice, bob, net = found_with_bob(make_profile, relay)
    monkeypatch.setenv("CASEBOOK_PROCESSES_FROM", "1")
    engine = SyncEngine(bob)
    try:
        posts(alice, net, relay, *(f"First {n}" for n in range(5)))
        assert asyncio.run(engine.sync(net, relay.address)).error is None
        for pid in worker_pids(engine.verifiers):  # the workers die (killed, out of memory)
            os.kill(pid, signal.SIGKILL)
        posts(alice, net, relay, *(f"Second {n}" for n in range(5)))
        with caplog.at_level(logging.WARNING, logger="casebook.sync"):
            report = asyncio.run(engine.sync(net, relay.address))
    finally:
        engine.close()
    assert report.error is None and report.received == 5 and report.applied == 5
    assert "verifying in processes failed" in caplog.text
    assert engine.verifiers._threads_only
    assert len(titles(bob, net)) == 10
    assert bob.log.verify_all() == []


def test_processes_that_cannot_start_leave_the_sync_to_the_threads(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    relay = relays()
    alice, bob, net = found_with_bob(make_profile, relay)
    posts(alice, net, relay, "A case")
    monkeypatch.setenv("CASEBOOK_PROCESSES_FROM", "1")

    def no_processes(self: Verifiers) -> None:
        raise OSError(38, "Function not implemented")  # no POSIX semaphores here

    monkeypatch.setattr(Verifiers, "_pool", no_processes)
    with caplog.at_level(logging.WARNING, logger="casebook.sync"):
        report = sync(bob, net, relay)
    assert report.error is None and report.applied >= 1
    assert "Function not implemented" in caplog.text
    assert titles(bob, net) == ["A case"]


def test_the_workers_end_with_the_program_that_started_them() -> None:
    """A `casebook sync` killed mid-catch-up (SIGKILL, the out-of-memory killer) leaves
    no worker behind holding the seeds of its last job."""
    script = (
        "import asyncio, os\n"
        "from casebook.sync.verifiers import Verifiers\n"
        "v = Verifiers(2)\n"
        "async def job():\n"
        "    return await v.verify([b'not an event'], {}, announced=2000)\n"
        "asyncio.run(job())\n"
        "print(*v._processes._processes, flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60
    )
    pids = [int(pid) for pid in done.stdout.split()]
    assert done.returncode == -signal.SIGKILL and pids, done.stderr
    deadline = time.monotonic() + 20
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(pid) for pid in pids)


def test_ctrl_c_is_the_programs_to_handle_not_its_workers() -> None:
    """A terminal sends Ctrl-C to the whole process group: the workers ignore it (else an
    idle one dies with a traceback on stderr and the pool breaks)."""
    verifiers = Verifiers(2)

    async def job() -> list[Verified | str]:
        return await verifiers.verify([b"not an event"], {}, announced=PROCESSES_FROM)

    try:
        assert isinstance(asyncio.run(job())[0], str)
        pids = worker_pids(verifiers)
        for pid in pids:
            os.kill(pid, signal.SIGINT)
        time.sleep(0.5)
        assert all(alive(pid) for pid in pids)
        assert isinstance(asyncio.run(job())[0], str)
        assert not verifiers._threads_only and worker_pids(verifiers)[: len(pids)] == pids
    finally:
        verifiers.close()
