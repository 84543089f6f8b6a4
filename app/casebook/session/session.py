"""The headless application session: one open profile, its sync engine and a hosted relay.

The CLI and the GUI both drive the app through a :class:`Session`: opening, locking and
re-keying the library, syncing once or watching the relays, joining through a relay,
fetching an attachment that is not here yet, and hosting a relay on this computer. A
session lives on one thread with one asyncio loop (the CLI's ``asyncio.run``, the GUI's
worker thread), which is the only thread that touches its database.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from casebook.core.library import attachments, teaching, teaching_pdf
from casebook.core.model.invite_codes import InviteCode
from casebook.core.model.link_codes import LinkCode
from casebook.core.model.relayaddr import RelayAddress
from casebook.core.profile import Profile
from casebook.errors import CasebookError, LibraryClosed, UsageError
from casebook.session import devices, hosting
from casebook.session.hosting import Hosting
from casebook.sync.engine import SyncEngine, SyncReport
from casebook.sync.link import SyncError
from casebook.sync.status import LinkStatus

if TYPE_CHECKING:
    from casebook.relay.server import Relay
    from casebook.session.lan import LanService

log = logging.getLogger("casebook.session")
LAN_ENV = "CASEBOOK_LAN"

StatusCallback = Callable[[LinkStatus], None]
T = TypeVar("T")


@dataclass(frozen=True)
class NetworkChoice:
    """What a new network needs: its name and where its members meet."""

    name: str
    relay: str | None = None  # a relay's URL
    host_port: int | None = None  # host the relay here, on this port…
    host_name: str = ""  # …reached by members at this address


class Session(Hosting):
    """Session-thread state: the open profile, and its sync engine when watching."""

    def __init__(self, on_status: StatusCallback | None = None) -> None:
        super().__init__()
        self.profile: Profile | None = None
        self.engine: SyncEngine | None = None
        self.on_status = on_status
        self.on_nearby: Callable[[int], None] | None = None  # colleagues seen on the LAN
        self.lan: LanService | None = None  # while watching
        self.gate = asyncio.Lock()  # held by jobs that must run alone (a join)
        self._stop: asyncio.Event | None = None
        self._watching: asyncio.Task[None] | None = None
        self._changes = 0

    @classmethod
    def over(cls, profile: Profile) -> Session:
        """A session on a profile that is open already (the CLI opens it first)."""
        session = cls()
        session.profile = profile
        return session

    @property
    def p(self) -> Profile:
        if self.profile is None:
            raise LibraryClosed("The library is locked; unlock it again.")
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

    # -- a member's computers (``session/devices.py``) ----------------------------------
    async def link_device(
        self,
        code: LinkCode,
        confirm: Callable[[str, str], Awaitable[bool]],
        waiting: Callable[[], None] = lambda: None,
    ) -> dict[str, Any]:
        """Wait for a new computer with ``code`` and hand it this member's library
        (``waiting``: called once the code works)."""
        return await devices.link(self.p, self.sync, code, confirm, waiting)

    async def join_device(
        self,
        directory: Path,
        passphrase: str,
        code: LinkCode,
        name: str,
        shown: Callable[[str], None],
    ) -> devices.Joined:
        """Become a new computer of the member whose computer made ``code``."""
        joined = await devices.join(directory, passphrase, code, name, shown)
        self.profile = joined.profile
        return joined

    async def restore(
        self, directory: Path, source: Path, passphrase: str, key: str | None
    ) -> devices.Joined:
        """Open a profile made from the backup ``source`` (``session/devices.py``)."""
        joined = await devices.restore(directory, source, passphrase, key)
        self.profile = joined.profile
        return joined

    async def recover(
        self, directory: Path, passphrase: str, key: str, relay: RelayAddress | None, name: str
    ) -> devices.Joined:
        """Become a new computer of the member whose recovery key ``key`` is."""
        joined = await devices.recover(directory, passphrase, key, relay, name)
        self.profile = joined.profile
        return joined

    # -- syncing ------------------------------------------------------------------------
    def after_job(self) -> None:
        """Live links push what a job wrote at once, instead of at their next poll."""
        if self.engine is None or self.profile is None:
            return
        changes = self.profile.changes()
        if changes != self._changes:
            self._changes = changes
            self.engine.nudge()

    async def sync_once(
        self, nets: list[bytes] | None = None, progress: Callable[[int, int], None] | None = None
    ) -> list[SyncReport]:
        """One exchange with every relay of ``nets`` (all networks when None)."""
        return await self.sync.sync_all(nets, progress=progress)

    async def watch(
        self,
        stop: asyncio.Event,
        nets: list[bytes] | None = None,
        on_report: Callable[[SyncReport], None] | None = None,
        lan: bool = True,
    ) -> None:
        """Stay connected to the relays until ``stop`` is set; with ``lan``, also serve
        and link to colleagues on the LAN."""
        engine = self.sync
        relays = any(engine.relays(net) for net in (nets or engine.networks()))
        if not relays and not lan:
            raise UsageError("No network of this profile names a relay; nothing to sync with.")
        async with asyncio.TaskGroup() as group:
            if relays:
                group.create_task(
                    engine.watch_all(stop, nets, on_report=on_report, on_status=self.on_status)
                )
            if lan:
                self.lan = self.lan_service()
                group.create_task(self.lan.serve(stop, nets, on_report))

    def lan_service(self) -> LanService:
        from casebook.session.lan import LAN_DIR, LanService  # zeroconf: only when used

        return LanService(self.sync, self.p.directory / LAN_DIR, self.on_status, self.on_nearby)

    async def sync_lan(self, wait: float, nets: list[bytes] | None = None) -> list[SyncReport]:
        """Sync once with every colleague of ``nets`` found on the LAN within ``wait`` s."""
        return await self.lan_service().sync_once(wait, nets)

    async def lan_status(
        self, wait: float, nets: list[bytes] | None = None
    ) -> list[dict[str, Any]]:
        """The colleagues seen on the LAN within ``wait`` s, each probed."""
        from casebook.session import lan_lookup

        return await lan_lookup.probe(self.lan_service(), wait, nets)

    async def relay_status(self, nets: list[bytes] | None = None) -> list[dict[str, Any]]:
        """Each relay of ``nets``: reachable or not, what is to send and receive, and
        when it last synced."""
        engine, rows = self.sync, []
        for net in nets or engine.networks():
            for address in engine.relays(net):
                last_success, last_error = engine.last_status(net, address)
                entry: dict[str, Any] = {
                    "network": net.hex(),
                    "relay": str(address),
                    "last_sync": last_success,
                    "last_error": last_error,
                }
                try:
                    entry.update(reachable=True, **await engine.probe(net, address))
                except SyncError as exc:
                    entry.update(reachable=False, error=exc.message)
                rows.append(entry)
        return rows

    def start_sync(self) -> int:
        """Watch every relay of every network in the background; returns how many links
        that is (-1: already watching)."""
        if self._watching is not None and not self._watching.done():
            return -1
        engine = self.sync
        links = sum(len(engine.relays(net)) for net in engine.networks())
        lan = self.lan_enabled
        if not links and not lan:
            return 0
        self._stop = asyncio.Event()
        self._watching = asyncio.create_task(self.watch(self._stop, lan=lan), name="casebook-watch")
        self._watching.add_done_callback(_log_failure)
        return links

    @property
    def lan_enabled(self) -> bool:
        """Whether the app syncs with colleagues on the LAN: a setting, on by default,
        unless this computer's administrator turned LAN sync off (``CASEBOOK_LAN=off``)."""
        return lan_allowed() and self.profile is not None and bool(self.p.settings.get("lan_sync"))

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

    async def keep_in_step(self, net: bytes, local: RelayAddress, stop: asyncio.Event) -> None:
        """Stay in step with the relay this session hosts (at ``local``) until ``stop``."""
        while not stop.is_set():
            with contextlib.suppress(SyncError):
                await self.sync.sync(net, local, watch=True, stop=stop)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 2)

    async def attachment_data(
        self, digest: bytes, progress: Callable[[int, int], None] | None = None
    ) -> bytes:
        """An attachment's bytes, fetched from a relay of its network first when it is
        not on this computer yet (``progress`` hears of each chunk as it comes)."""
        if not attachments.has(self.p.db, digest):
            nearby = None
            if lan_allowed():  # a colleague's computer on the LAN may have it
                from casebook.session import lan_lookup

                nearby = functools.partial(lan_lookup.nearby, self.lan or self.lan_service())
            await self.sync.fetch_attachment(digest, nearby, progress)
        return attachments.read(self.p.db, digest)

    async def teaching_pdf(
        self,
        case_id: bytes,
        out: Path,
        authors: str,
        *,
        allow_identifiers: bool = False,
        replace: bool = False,
    ) -> int:
        """Export a case for teaching as PDF (core.library.teaching: refused, with the
        reason, unless its consent covers teaching); its pictures are fetched first when
        they are not on this computer yet (one that cannot be is named, not shown)."""
        doc = teaching.prepare(self.p.db, case_id, authors, allow_identifiers=allow_identifiers)
        missing = [p for p in doc.pictures if p.data is None]
        for picture in missing:
            try:
                picture.data = await self.attachment_data(picture.hash)
            except CasebookError as exc:  # no relay, offline, refused: named, not shown
                log.info("picture %s not fetched for the export: %s", picture.name, exc)
        return await asyncio.to_thread(teaching_pdf.write, doc, out, replace)

    # -- the passphrase and locking ----------------------------------------------------
    async def change_passphrase(self, current: str, new: str) -> None:
        """Re-key the library (:meth:`_writing_anew`)."""
        self.p.check_passphrase(current)
        await self._writing_anew(lambda: self.p.change_passphrase(new))

    async def compact(self) -> tuple[int, int]:
        """Write the library anew without its free pages (``Profile.compact``,
        :meth:`_writing_anew`). Bytes on disk before and after."""
        return await self._writing_anew(self.p.compact)

    async def _writing_anew(self, write: Callable[[], T]) -> T:
        """``write()``, which replaces the database file: sync pauses meanwhile, and so
        does a relay hosted here (it runs on the same loop)."""
        await self.stop_engine()
        try:
            return write()
        except LibraryClosed:  # written anew, not opened again: closed, as a lock leaves it
            self.profile = None
            raise
        finally:
            if self.profile is not None:
                self.start_sync()

    async def lock(self) -> None:
        """Close the library (SQLCipher drops its key with the connection). A relay
        hosted here keeps forwarding: it holds only ciphertext and never needed the
        library."""
        await self.stop_engine()
        if self.profile is not None:
            self.profile.close()
            self.profile = None

    async def stop_engine(self) -> None:
        """Stop watching and drop the engine (it holds the database connection)."""
        await self.stop_sync()
        self.close_engine()

    def close_engine(self) -> None:
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
        self.serve_networks(self.sync.networks())
        await self.restart_sync()
        return net

    async def join(self, text: str, name: str) -> bytes:
        """Join with an invite code's text through the relay it names."""
        code = self.p.invitations.read_code(text)
        await self.join_code(code, name)
        return code.net

    async def join_bundle(self, text: str, path: Path, name: str) -> bytes:
        """Join with an invite code's text and a bundle file a member made after the
        invite; our join reaches the others at the next sync (relay or LAN) or bundle."""
        code = self.p.invitations.read_code(text)
        await self.stop_sync()
        try:
            self.p.bundles.join(code, path, name)
        finally:
            self.start_sync()
        return code.net

    async def join_code(self, code: InviteCode, name: str, *, watch: bool = True) -> bytes:
        """Join through the relay the invite names; the join event's id. Sync pauses
        meanwhile (the join is one transaction that spans the relay's answers) and,
        with ``watch``, starts again after it."""
        await self.stop_sync()
        try:
            return await self.sync.join(code, name)
        finally:
            if watch:
                self.start_sync()

    # -- hosting the relay on this computer ----------------------------------------------
    async def host(
        self,
        port: int,
        host: str,
        *,
        listen: str | None = None,
        data: Path | None = None,
        networks: frozenset[bytes] | None = None,
        remember: bool = True,
    ) -> Relay:
        """Run a relay for this profile's networks (or ``networks``) here, on ``port``,
        listening where members reach it at ``host`` (``hosting.listen_for``) unless
        ``listen`` says; with ``remember``, again at each start."""
        relay = await self.start_relay(
            port,
            listen=hosting.listen_for(host) if listen is None else listen,
            data=data or self.p.directory / "relay",
            networks=frozenset(self.sync.networks()) if networks is None else networks,
        )
        if remember:
            self.p.settings.set("host_relay", {"port": port, "host": host})
        return relay

    async def resume_hosting(self) -> str | None:
        wanted = self.p.settings.get("host_relay")
        if not wanted or self.relay is not None:
            return None
        relay = await self.host(int(wanted["port"]), str(wanted["host"]))
        return relay.url(str(wanted["host"]))

    async def stop_hosting(self, forget: bool = False) -> None:
        await self.stop_relay()
        if forget:
            self.p.settings.set("host_relay", None)

    async def close(self) -> None:
        await self.lock()
        await self.stop_relay()


def lan_allowed() -> bool:
    """False when the environment says ``CASEBOOK_LAN=off`` (an administrator's policy,
    and the test suite's default: only the namespace tests go on the LAN)."""
    return os.environ.get(LAN_ENV, "").strip().lower() not in ("off", "0", "no", "false")


def _log_failure(task: asyncio.Task[None]) -> None:
    if not task.cancelled() and task.exception() is not None:
        log.error("sync watch ended", exc_info=task.exception())
