"""The real relay in-process on 127.0.0.1:0, on its own event loop thread, for tests.

``RunningRelay`` starts :class:`casebook.relay.server.Relay` exactly as ``casebook-relay
serve`` does (same config type, same TLS, same storage), only bound to an ephemeral
loopback port. Client code in the test thread talks to it over real TLS sockets.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Iterator
from pathlib import Path
from typing import Any, TypeVar

from casebook.core.model.relayaddr import RelayAddress
from casebook.core.profile import Profile
from casebook.relay.server import Relay, RelayConfig
from casebook.sync.engine import SyncEngine, SyncReport

T = TypeVar("T")


# ``casebook-relay`` as its own process: ``[sys.executable, "-c", RELAY_MAIN, "serve", ...]``.
RELAY_MAIN = "import sys; from casebook.relay.cli import main; sys.exit(main())"


def relay_command(data: Path, listen: str, *options: str) -> list[str]:
    """The command line of ``casebook-relay serve`` on ``listen`` (HOST:PORT)."""
    return [
        sys.executable,
        "-c",
        RELAY_MAIN,
        "serve",
        "--data",
        str(data),
        "--listen",
        listen,
        *options,
    ]


# The store each relay of the running test uses, by its data folder (a restart on the same
# folder finds the same database): None, SQLite; the conftest's ``_relay_store`` sets it
# for the tests run against PostgreSQL too.
def sqlite_store(data: Path) -> str | None:
    return None


def data_folder(data: Path) -> list[Path]:
    return [data]


database_for: Callable[[Path], str | None] = sqlite_store
# Every folder whose files hold what a relay with this data folder stores (PostgreSQL: the
# cluster's too), for the tests that scan the disk for what must not be there.
store_folders: Callable[[Path], list[Path]] = data_folder


def stored_bytes(data: Path) -> bytes:
    """Every file's bytes under :data:`store_folders` of ``data``."""
    return b"".join(
        p.read_bytes() for folder in store_folders(data) for p in folder.rglob("*") if p.is_file()
    )


def wait_for(check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Bounded polling for something that cannot be awaited (another process, a file)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.01)


class RelayProcess:
    """``casebook-relay serve`` as its own process on 127.0.0.1:``port`` (0: a free one,
    :attr:`port` says which), with ``options`` after the usual ones (``--database URL``)."""

    def __init__(self, data: Path, port: int, log: Path, *options: str) -> None:
        self.log = log
        with open(log, "wb") as stderr:
            self.process = subprocess.Popen(
                relay_command(data, f"127.0.0.1:{port}", *options),
                stdout=subprocess.DEVNULL,
                stderr=stderr,
            )

        def listening() -> bool:
            assert self.process.poll() is None, log.read_text()
            return "listening on" in log.read_text()

        wait_for(listening, "the relay to listen")
        found = re.search(r"listening on 127\.0\.0\.1:(\d+)", log.read_text())
        assert found is not None, log.read_text()
        self.port = int(found.group(1))

    @property
    def fingerprint(self) -> str:
        # The line with the URL comes just after the "listening" log line: wait for it.
        wait_for(
            lambda: re.search(r"fingerprint (\S+);", self.log.read_text()) is not None,
            "the relay's fingerprint",
        )
        found = re.search(r"fingerprint (\S+);", self.log.read_text())
        assert found is not None
        return found.group(1)

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(10)
        finally:
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(10)


class RunningRelay:
    def __init__(self, data: Path, port: int = 0, **options: Any) -> None:
        options.setdefault("database", database_for(data))
        self.config = RelayConfig(data=data, host="127.0.0.1", port=port, **options)
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()
        self.relay: Relay = self.call(self._start())

    async def _start(self) -> Relay:
        relay = Relay(self.config)
        await relay.start()
        return relay

    def call(self, coro: Coroutine[Any, Any, T], timeout: float = 60) -> T:
        """Run ``coro`` on the relay's loop and wait for its result."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout)

    def on_loop(self, fn: Any, *args: Any) -> Any:
        async def run() -> Any:
            return fn(*args)

        return self.call(run())

    @property
    def address(self) -> RelayAddress:
        return RelayAddress("127.0.0.1", self.relay.port, self.relay.fingerprint)

    @property
    def url(self) -> str:
        return str(self.address)

    def stop(self) -> None:
        if self.loop.is_running():
            self.call(self.relay.close())
            self.loop.call_soon_threadsafe(self.loop.stop)
            self.thread.join(10)
        self.loop.close()


def sync(profile: Profile, net: bytes, relay: RunningRelay | RelayAddress) -> SyncReport:
    """One catch-up of ``profile`` with the relay, as ``casebook sync`` runs it."""
    address = relay.address if isinstance(relay, RunningRelay) else relay
    engine = SyncEngine(profile)
    try:
        return asyncio.run(engine.sync(net, address))
    finally:
        engine.close()


def join(newcomer: Profile, code: str) -> bytes:
    """``casebook join CODE`` through the relay the code names."""
    engine = SyncEngine(newcomer)
    try:
        return asyncio.run(engine.join(newcomer.invitations.read_code(code), newcomer.name))
    finally:
        engine.close()


def collect_garbage(errors: list[str]) -> None:
    """Free what the relay's closed connections left, now and inside this test, with the
    errors their finalizers raise kept as text in ``errors``.

    On Python 3.11 a connection the relay drops during its TLS handshake leaves a
    StreamWriter whose finalizer raises (test_evicted_connections_are_closed_cleanly).
    Left to chance, that finalizer runs in whatever test comes next, possibly in the
    middle of pytest's own parsing of a traceback, which then fails the whole run
    (INTERNALERROR); and pytest's handler of such errors keeps the objects alive."""
    with unraisable_as_text(errors):
        for _ in range(3):
            gc.collect()


@contextlib.contextmanager
def unraisable_as_text(errors: list[str]) -> Iterator[None]:
    """Errors raised in finalizers meanwhile go to ``errors`` as text (no reference to the
    objects, which can then be freed)."""

    def keep(unraisable: Any) -> None:
        errors.append(f"{unraisable.exc_type.__name__}: {unraisable.exc_value}")

    previous = sys.unraisablehook
    sys.unraisablehook = keep
    try:
        yield
    finally:
        sys.unraisablehook = previous
