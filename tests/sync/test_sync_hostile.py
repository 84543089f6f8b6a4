"""A broken link or a damaged database never shows a traceback.

``casebook sync`` runs as its own process (``.venv/bin/casebook``, as a person runs it:
"Future exception was never retrieved" is printed by asyncio when an unawaited future
is collected, which only a real process shows faithfully) against the real relay on
127.0.0.1, with a hostile proxy (:mod:`proxykit`) between them:

- the link cut, reset, or garbled mid-attachment-upload, with a window of chunks in
  flight; a link that stalls mid-upload and is given up on in bounded time;
- the relay stopped, or crashed, while a window of pushed batches is in flight.

Each ends with exactly one calm line on stderr and exit code 5, the library intact, and a
later sync finishing the job. The engine the desktop app's worker runs (``watch_all``)
leaves no unretrieved exception either. A damaged library prints the one "damaged" line;
SQLCipher's own complaints go to the log file, not the terminal.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import json
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from casebook.core.library import attachments
from casebook.core.model.relayaddr import RelayAddress
from casebook.core.profile import Profile
from casebook.sync.engine import SyncEngine
from casebook.sync.status import LinkStatus
from proxykit import Proxy
from relaykit import RunningRelay

pytestmark = pytest.mark.both_stores  # the relay suite: SQLite and PostgreSQL

PASSPHRASE = "correct horse battery staple"  # tests/conftest.py's (make_profile uses it)
CASEBOOK = Path(sys.executable).with_name("casebook")
ATTACHMENT = 4 * 1024 * 1024  # 16 chunks: a window of 8 in flight when the link breaks
MID_UPLOAD = 1_500_000  # client → relay bytes: the events are through, chunks are not
MID_PUSH = 1_200_000  # two or three 512 KiB batches through, a window still in flight
WORDS = "syncope ventricular echo troponin murmur dyspnea angina stent valve rhythm".split()


# -- helpers ---------------------------------------------------------------------------
@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RunningRelay]:
    running = RunningRelay(tmp_path / "relay")
    yield running
    with contextlib.suppress(Exception):
        running.stop()


@pytest.fixture
def proxies() -> Iterator[list[Proxy]]:
    made: list[Proxy] = []
    yield made
    for proxy in made:
        proxy.close()


def network_behind(
    make_profile: Callable[..., Profile], relay: RunningRelay, proxy: Proxy
) -> tuple[Profile, bytes]:
    """Alice's network, whose one relay is reached through ``proxy``."""
    alice = make_profile("Dr. Alice Moreau")
    url = str(RelayAddress("127.0.0.1", proxy.port, relay.relay.fingerprint))
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[url])
    return alice, net


def with_attachment(alice: Profile, net: bytes) -> bytes:
    data = b"%PDF-1.4\n" + random.Random(4).randbytes(ATTACHMENT)
    item = attachments.prepare_bytes("holter.pdf", data)
    alice.library.post_case(net, title="Holter", body="see the recording", files=[item])
    return item.hash


def with_bulk(alice: Profile, net: bytes, cases: int = 30) -> None:
    """~4.5 MB of events: nine push batches, more than a window."""
    rng = random.Random(9)
    for i in range(cases):
        body = " ".join(rng.choice(WORDS) + str(rng.randrange(10**6)) for _ in range(10_000))
        alice.library.post_case(net, title=f"bulk {i}", body=body[:150_000])


def casebook(folder: Path, *argv: str, timeout: float = 60, **env: str) -> Any:
    """``casebook --profile folder ARGV`` as its own process."""
    full = {**os.environ, "CASEBOOK_PASSPHRASE": PASSPHRASE, "CASEBOOK_KDF_TARGET_MS": "10"}
    full.update(env)
    return subprocess.run(
        [str(CASEBOOK), "--profile", str(folder), *argv],
        env=full,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def assert_one_calm_line(result: Any, *words: str) -> str:
    """Exit code 5 (a sync failure) and exactly one line on stderr, in words."""
    err = result.stderr
    assert "Traceback" not in err and "never retrieved" not in err, err
    assert "Exception" not in err and "Error" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("casebook: ") and " again" in lines[0], err
    assert any(word in lines[0] for word in words), err
    assert result.returncode == 5, err
    return str(lines[0])


def relay_blobs(relay: RunningRelay) -> tuple[int, int]:
    """(attachments, chunks) the relay holds."""

    def count() -> tuple[int, int]:
        sql = "SELECT count(DISTINCT blob), count(*) FROM blob_chunks"
        blobs, chunks = relay.relay.store.execute(sql).fetchone()
        return int(blobs), int(chunks)

    return relay.on_loop(count)  # type: ignore[no-any-return]


def relay_events(relay: RunningRelay, net: bytes) -> int:
    def count() -> int:
        rows = relay.relay.store.execute("SELECT count(*) FROM events WHERE net = ?", (net,))
        return int(rows.fetchone()[0])

    return relay.on_loop(count)  # type: ignore[no-any-return]


# -- the link breaks mid-attachment-upload ---------------------------------------------
@pytest.mark.parametrize("mode", ["cut", "reset", "drop"])
def test_a_link_broken_mid_upload_says_one_line_and_the_next_sync_finishes(
    make_profile: Callable[..., Profile], relay: RunningRelay, proxies: list[Proxy], mode: str
) -> None:
    proxy = Proxy(relay.relay.port, mode, after=MID_UPLOAD)
    proxies.append(proxy)
    alice, net = network_behind(make_profile, relay, proxy)
    with_attachment(alice, net)
    folder, events = alice.directory, alice.db.scalar("SELECT count(*) FROM events")
    alice.close()

    result = casebook(folder, "sync")
    assert proxy.tripped.is_set()
    assert_one_calm_line(result, "broke", "stopped answering")
    assert result.stdout == ""

    proxy.mode = None  # the network heals: the next sync sends the attachment
    again = casebook(folder, "--json", "sync")
    assert again.returncode == 0 and again.stderr == "", again.stderr
    (done,) = json.loads(again.stdout)["results"]
    assert done["error"] is None and done["attachments_sent"] == 1
    assert relay_blobs(relay) == (1, -(-(ATTACHMENT + 9) // attachments.CHUNK))
    assert relay_events(relay, net) == events


def test_a_link_stalled_mid_upload_is_given_up_on_in_bounded_time(
    make_profile: Callable[..., Profile], relay: RunningRelay, proxies: list[Proxy]
) -> None:
    proxy = Proxy(relay.relay.port, "stall", after=MID_UPLOAD)
    proxies.append(proxy)
    alice, net = network_behind(make_profile, relay, proxy)
    with_attachment(alice, net)
    folder = alice.directory
    alice.close()

    started = time.monotonic()
    result = casebook(folder, "sync", timeout=45, CASEBOOK_SYNC_TIMEOUT="3")
    took = time.monotonic() - started
    assert proxy.tripped.is_set()
    assert_one_calm_line(result, "stopped answering")
    assert took < 30, f"a stalled link took {took:.1f} s to give up on"


# -- the relay dies mid-push -----------------------------------------------------------
def crash(relay: RunningRelay) -> None:
    """The relay process dies: every connection drops at once, nothing is said."""

    async def die() -> None:
        server = relay.relay
        server.closing = True
        if server._server is not None:
            server._server.close()
        for session in [*server.pending, *(s for g in server.members.values() for s in g)]:
            session.abort()

    relay.call(die())


@pytest.mark.parametrize("how", ["stopped", "crashed"])
def test_a_relay_killed_mid_push_says_one_line_and_a_restarted_relay_catches_up(
    make_profile: Callable[..., Profile],
    relay: RunningRelay,
    proxies: list[Proxy],
    tmp_path: Path,
    how: str,
) -> None:
    kill = relay.stop if how == "stopped" else lambda: crash(relay)
    proxy = Proxy(relay.relay.port, "trip", after=MID_PUSH, on_trip=kill)
    proxies.append(proxy)
    alice, net = network_behind(make_profile, relay, proxy)
    with_bulk(alice, net)
    folder, events = alice.directory, alice.db.scalar("SELECT count(*) FROM events")
    alice.close()

    result = casebook(folder, "sync")
    assert proxy.tripped.is_set()
    line = assert_one_calm_line(result, "broke", "restarting", "stopped answering")
    assert f"127.0.0.1:{proxy.port}" in line
    proxy.settle()
    relay.stop()

    back = RunningRelay(tmp_path / "relay")  # the same data, a new port
    try:
        proxy.upstream, proxy.mode = back.relay.port, None
        again = casebook(folder, "--json", "sync")
        assert again.returncode == 0 and again.stderr == "", again.stderr
        assert relay_events(back, net) == events  # nothing acknowledged was lost
    finally:
        back.stop()


# -- the engine the desktop app runs ----------------------------------------------------
def test_the_watching_engine_the_app_runs_leaves_no_exception_unretrieved(
    make_profile: Callable[..., Profile], relay: RunningRelay, proxies: list[Proxy]
) -> None:
    """``watch_all`` (what the GUI worker runs) through a link cut mid-upload: the link
    goes offline with the reason, and nothing is left for asyncio to complain about."""
    proxy = Proxy(relay.relay.port, "cut", after=MID_UPLOAD)
    proxies.append(proxy)
    alice, net = network_behind(make_profile, relay, proxy)
    with_attachment(alice, net)
    engine = SyncEngine(alice)
    complaints: list[dict[str, Any]] = []
    seen: list[LinkStatus] = []

    async def watch() -> None:
        asyncio.get_running_loop().set_exception_handler(lambda _l, c: complaints.append(c))
        stop = asyncio.Event()

        def on_status(status: LinkStatus) -> None:
            seen.append(status)
            if status.state == "offline":
                stop.set()

        await asyncio.wait_for(engine.watch_all(stop, [net], on_status=on_status), 60)
        gc.collect()  # unretrieved exceptions are reported as their futures are collected
        await asyncio.sleep(0)

    try:
        asyncio.run(watch())
    finally:
        engine.close()
    gc.collect()
    assert proxy.tripped.is_set()
    offline = [s for s in seen if s.state == "offline"]
    assert offline and "broke" in (offline[0].error or "")
    assert [c.get("message") for c in complaints] == []


# -- a damaged library ------------------------------------------------------------------
def test_a_damaged_library_says_one_line_and_sqlcipher_logs_to_the_file(
    make_profile: Callable[..., Profile], tmp_path: Path
) -> None:
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name)
    for i in range(5):
        alice.library.post_case(net, title=f"case {i}", body="lorem ipsum " * 50)
    folder = alice.directory
    alice.close()
    (db,) = folder.glob("library-*.db")
    data = bytearray(db.read_bytes())
    data[5000:5100] = bytes(100)  # page 2 no longer authenticates
    db.write_bytes(bytes(data))

    result = casebook(folder, "list")
    err = result.stderr
    assert result.returncode == 3, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("casebook: ") and "damaged" in lines[0], err
    assert "ERROR" not in err and "sqlcipher" not in err.lower(), err
    log = (Path(os.environ["CASEBOOK_LOG_DIR"]) / "casebook-cli.log").read_text()
    assert "hmac check failed" in log  # SQLCipher's own account, where support can read it
    assert db.read_bytes() == bytes(data)  # and the library was left alone
