"""The one thread that owns the profile: every disk, database and network call runs here.

The worker thread runs an asyncio event loop. The GUI calls :meth:`Core.call` with a
function of the worker's :class:`Session`; it runs on that loop (a coroutine it returns
is awaited there) and its result, or exception, comes back to the GUI thread through a
queued Qt signal, where the callback runs. The sync engine watches the relays on the
same loop, so the database is only ever touched from this one thread, as the core
requires; its link states reach the window through :attr:`Core.link_status`.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal, Slot

from casebook.core.profile import Profile
from casebook.errors import UsageError
from casebook.sync.engine import SyncEngine
from casebook.sync.status import LinkStatus

if TYPE_CHECKING:
    from casebook.gui.network_dialogs import NetworkChoice
    from casebook.relay.server import Relay

log = logging.getLogger("casebook.gui")

# A relay hosted from the app listens on every address: members must reach it.
HOSTED_LISTEN = "0.0.0.0"  # noqa: S104

Job = Callable[["Session"], Any]
Callback = Callable[[Any], None]


class Session:
    """Worker-thread state: the open profile, and its sync engine when watching."""

    def __init__(self, on_status: Callable[[LinkStatus], None]) -> None:
        self.profile: Profile | None = None
        self.engine: SyncEngine | None = None
        self.on_status = on_status
        self.gate = asyncio.Lock()  # held by jobs that must run alone (a join)
        self._stop: asyncio.Event | None = None
        self._watching: asyncio.Task[None] | None = None
        self.relay: Relay | None = None
        self._changes = 0

    @property
    def p(self) -> Profile:
        if self.profile is None:
            raise RuntimeError("no profile is open")
        return self.profile

    @property
    def sync(self) -> SyncEngine:
        if self.engine is None:
            self.engine = SyncEngine(self.p)
        return self.engine

    def create(self, directory: Path, name: str, passphrase: str) -> Profile:
        self.profile = Profile.create(directory, name, passphrase)
        return self.profile

    def unlock(self, directory: Path, passphrase: str) -> Profile:
        self.profile = Profile.unlock(directory, passphrase)
        return self.profile

    # -- sync ---------------------------------------------------------------------------
    def after_job(self) -> None:
        """Live links push what a job wrote at once, instead of at their next poll."""
        if self.engine is None or self.profile is None:
            return
        changes = self.profile.db.conn.total_changes
        if changes != self._changes:
            self._changes = changes
            self.engine.nudge()

    def start_sync(self) -> int:
        """Watch every relay of every network; returns how many links that is."""
        if self._watching is not None and not self._watching.done():
            return -1
        engine = self.sync
        links = sum(len(engine.relays(net)) for net in engine.networks())
        if not links:
            return 0
        self._stop = asyncio.Event()
        self._watching = asyncio.create_task(
            engine.watch_all(self._stop, on_status=self.on_status), name="casebook-watch"
        )
        self._watching.add_done_callback(_log_failure)
        return links

    async def stop_sync(self) -> None:
        task, self._watching = self._watching, None
        if task is None:
            return
        assert self._stop is not None
        self._stop.set()
        with contextlib.suppress(Exception, asyncio.CancelledError):
            await asyncio.wait_for(task, 10)

    async def restart_sync(self) -> int:
        await self.stop_sync()
        return self.start_sync()

    # -- the passphrase and locking ----------------------------------------------------
    async def change_passphrase(self, current: str, new: str) -> None:
        """Re-key the library; sync pauses, since the database file is replaced."""
        self.p.check_passphrase(current)
        await self._stop_engine()
        try:
            self.p.change_passphrase(new)
        finally:
            self.start_sync()

    async def lock(self) -> None:
        """Close the library (SQLCipher drops its key with the connection). A relay
        hosted here keeps forwarding: it holds only ciphertext and never needed the
        library."""
        await self._stop_engine()
        if self.profile is not None:
            self.profile.close()
            self.profile = None

    async def _stop_engine(self) -> None:
        """Stop watching and drop the engine (it holds the database connection)."""
        await self.stop_sync()
        if self.engine is not None:
            self.engine.close()
            self.engine = None

    # -- networks -------------------------------------------------------------------------
    async def create_network(self, choice: NetworkChoice) -> bytes:
        """Found a network; when hosting, start the relay here first, so a port that
        is taken is said before anything is made."""
        relays = [choice.relay] if choice.relay else []
        if choice.host_port is not None:
            relay = await self.host(choice.host_port, choice.host_name)
            relays = [relay.url(choice.host_name)]
        net = self.p.library.create_network(choice.name, self.p.name, relays=relays)
        if self.relay is not None:
            self.relay.config.allow_networks = frozenset(self.sync.networks())
        await self.restart_sync()
        return net

    async def join(self, text: str, name: str) -> bytes:
        """Join through the relay the invite names. Sync pauses meanwhile: the join is
        one transaction that spans the relay's answers."""
        code = self.p.invitations.read_code(text)
        await self.stop_sync()
        try:
            await self.sync.join(code, name)
        finally:
            self.start_sync()
        return code.net

    # -- hosting the relay on this computer ----------------------------------------------
    async def host(self, port: int, host: str) -> Relay:
        """Run a relay for this profile's networks here (every address, ``port``), and
        remember to do so at each start."""
        from casebook.relay.server import Relay, RelayConfig

        await self.stop_hosting()
        config = RelayConfig(
            data=self.p.directory / "relay",
            host=HOSTED_LISTEN,
            port=port,
            allow_networks=frozenset(self.sync.networks()),
        )
        relay = Relay(config)
        try:
            await relay.start()
        except OSError as exc:
            relay.store.close()
            raise UsageError(
                f"Casebook cannot host the relay on port {port} ({exc.strerror or exc}). "
                "Another program may be using it: choose another port."
            ) from None
        self.relay = relay
        self.p.settings.set("host_relay", {"port": port, "host": host})
        return relay

    async def resume_hosting(self) -> str | None:
        wanted = self.p.settings.get("host_relay")
        if not wanted or self.relay is not None:
            return None
        relay = await self.host(int(wanted["port"]), str(wanted["host"]))
        return relay.url(str(wanted["host"]))

    async def stop_hosting(self, forget: bool = False) -> None:
        relay, self.relay = self.relay, None
        if relay is not None:
            await relay.close()
        if forget:
            self.p.settings.set("host_relay", None)

    async def close(self) -> None:
        await self.lock()
        await self.stop_hosting()


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("sync watch ended", exc_info=task.exception())


class Core(QObject):
    """GUI-side handle on the worker thread."""

    _finished = Signal(object, object, object)  # callback, result, error
    error = Signal(object)  # unhandled errors, for the window to show
    link_status = Signal(object)  # LinkStatus, whenever a relay link changes state

    def __init__(self) -> None:
        super().__init__()
        self._finished.connect(self._deliver)
        self.pending = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="casebook-core", daemon=True)
        self._ready = threading.Event()
        self._thread.start()
        self._ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self.session = Session(self.link_status.emit)
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    def call(
        self,
        job: Job,
        on_ok: Callback | None = None,
        on_error: Callback | None = None,
        *,
        alone: bool = False,
    ) -> None:
        """Run ``job(session)`` on the worker. With ``alone``, nothing else the GUI
        asks for runs until it is done (a join, which holds a transaction across
        network waits)."""
        try:
            self._loop.call_soon_threadsafe(
                lambda: self._loop.create_task(self._perform(job, on_ok, on_error, alone))
            )
        except RuntimeError:  # the loop is closed: the app is quitting, nothing more is done
            return
        self.pending += 1

    async def _perform(
        self, job: Job, on_ok: Callback | None, on_error: Callback | None, alone: bool
    ) -> None:
        try:
            if alone:
                async with self.session.gate:
                    result = await _settled(job(self.session))
            else:
                if self.session.gate.locked():
                    async with self.session.gate:
                        pass
                result = await _settled(job(self.session))
            self.session.after_job()
        except Exception as exc:  # handed to the GUI, which shows it
            if not hasattr(exc, "message"):
                log.exception("worker job failed")
            self._finished.emit(on_error, None, exc)
            return
        self._finished.emit(on_ok, result, None)

    @Slot(object, object, object)
    def _deliver(self, callback: Callback | None, result: Any, error: Exception | None) -> None:
        self.pending -= 1
        if error is not None and callback is None:
            self.error.emit(error)
        elif callback is not None:
            callback(error if error is not None else result)

    def shutdown(self) -> None:
        if not self._thread.is_alive():
            return
        done = threading.Event()

        async def close() -> None:
            try:
                await self.session.close()
            finally:
                done.set()

        self._loop.call_soon_threadsafe(lambda: self._loop.create_task(close()))
        done.wait(15)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(15)


async def _settled(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value
