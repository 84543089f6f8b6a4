"""Syncing with colleagues on the same LAN (docs/protocol.md, *LAN discovery and direct
links*).

Once (``casebook sync --lan``): browse for a while, sync with every computer whose
advertisement names one of our networks, and stop. Watching (``sync --watch``, the app):
serve our networks as a relay restricted to them, on a port of every address, kept in
step with the library over loopback; advertise it; and keep a live link to every
colleague seen, for as long as they are seen. The links are ordinary sync links (the
same exchange as with a relay); only the way they are opened and logged into differs
(:mod:`casebook.sync.lan_link`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casebook.core.model.lan_tokens import Key, recognise, window
from casebook.errors import UsageError
from casebook.protocol.refusals import Refusal
from casebook.relay.config import RelayConfig
from casebook.relay.server import Relay
from casebook.session.lan_discovery import MAX_SIGHTINGS, Discovery, Sighting
from casebook.session.lan_host import LanHost
from casebook.sync.engine import PERMANENT, SyncEngine
from casebook.sync.ingest import SyncReport
from casebook.sync.lan_link import LanLink, LanPeer
from casebook.sync.link import LinkFailure, SyncError, first_reachable
from casebook.sync.status import OWN_LINK, LinkStatus, LinkTracker

log = logging.getLogger("casebook.lan")
SETTLE = 1.5  # sync --lan: stop this long after the last colleague found has synced
LAN_TIMEOUT = 3.0  # a colleague's computer on the LAN answers at once or not at all
MAX_ADDRESSES = 2  # of one advertisement, tried in turn
MEMBERSHIP_CHECK = 2.0  # seconds between checks that a linked colleague is still in
ANY_ADDRESS = "0.0.0.0"  # noqa: S104  # colleagues reach this computer on its LAN address
LAN_DIR = "lan"  # in the profile: the LAN relay's storage (ciphertext only)
OWN = "self"  # the key of the loopback link between the library and its own LAN relay


@dataclass
class PeerRow:
    """A colleague's computer, as this service last saw it (state, who, why not)."""

    peer: str
    network: bytes
    state: str = "seen"  # seen, linking, live, synced, offline, refused
    member: bytes | None = None
    error: str | None = None


class LanService:
    def __init__(
        self,
        engine: SyncEngine,
        data: Path,
        on_status: Callable[[LinkStatus], None] | None = None,
        on_nearby: Callable[[int], None] | None = None,
    ) -> None:
        self.engine = engine
        self.data = data  # the relay's folder (ciphertext only)
        self.on_status = on_status
        self.on_nearby = on_nearby
        self.host: LanHost | None = None
        self.peers: dict[tuple[str, bytes], PeerRow] = {}
        self._changed = asyncio.Event()
        self._ready: set[bytes] = set()  # networks our own relay holds (serve)
        self.discovery: Discovery | None = None  # while serving
        self._recognised: dict[tuple[bytes, int, bytes, bytes], dict[bytes, bytes]] = {}

    # -- what this profile holds ----------------------------------------------------------
    def held(self, nets: list[bytes] | None) -> dict[bytes, list[Key]]:
        """Each network we are a current member of, with its newest and previous keys."""
        store = self.engine.store
        me = store.identity.public_key
        out: dict[bytes, list[Key]] = {}
        for net in nets or self.engine.networks():
            if store.is_member(net, me):
                keys = [Key(net, epoch, seed) for epoch, seed in store.lan_keys(net)]
                if keys:
                    out[net] = keys
        return out

    def current(self, nets: list[bytes] | None) -> LanHost:
        """The credentials of this hour for the seeds held now (made anew when either
        changed; the previous ones still answer the last advertisement's names)."""
        held, now = self.held(nets), time.time()
        host = self.host
        if host is None or host.window != window(now) or not host.same_seeds(held):
            host = LanHost(self.engine.store.identity, held, now, previous=host)
            self.host = host
        return host

    def candidates(self, host: LanHost, discovery: Discovery) -> list[tuple[Sighting, bytes, str]]:
        """The advertisements seen that name networks of ours: (sighting, network, the
        name to ask for)."""
        out = []
        for sighting in list(discovery.sightings.values()):
            for net, token in self._recognised_by(host, sighting).items():
                out.append((sighting, net, token.hex()))
        return out

    def recognises(self, sighting: Sighting) -> bool:
        """Whether an advertisement names a network of ours (discovery keeps no other)."""
        return self.host is not None and bool(self._recognised_by(self.host, sighting))

    def _recognised_by(self, host: LanHost, sighting: Sighting) -> dict[bytes, bytes]:
        """The networks (and tokens) an advertisement names under ``host``'s keys, worked
        out once per hour and host, not on every look."""
        now = time.time()
        # The host's own salt names it (an id() could be reused by the next host).
        memo = (host.salt, window(now), sighting.salt, sighting.tokens)
        found = self._recognised.get(memo)
        if found is None:
            if len(self._recognised) > 4 * MAX_SIGHTINGS:
                self._recognised.clear()
            found = recognise(sighting.tokens, sighting.salt, host.keys(), now)
            self._recognised[memo] = found
        return found

    def _nearby(self, relay: Relay) -> None:
        """How many colleagues are nearby: those proved, by a live link either way."""
        if self.on_nearby is None:
            return
        me = self.engine.store.identity.public_key
        keys = {row.member for row in self.peers.values() if row.state == "live" and row.member}
        for sessions in relay.members.values():
            keys |= {s.member for s in sessions if s.member is not None and s.member != me}
        self.on_nearby(len(keys))

    # -- opening a link ---------------------------------------------------------------------
    async def open_link(
        self,
        net: bytes,
        addresses: tuple[str, ...],
        port: int,
        name: str,
        salt: bytes,
        own: bool = False,
    ) -> LanLink:
        """A link to the first of ``addresses`` that answers, for the advertisement with
        ``salt`` (``own``: to our own relay, which then takes the network from us if it
        does not hold it yet)."""
        host = self.host
        credentials = None if host is None else host.credentials(net, salt)
        if credentials is None:
            raise SyncError(LinkFailure.CLOSED, "This profile no longer serves that network.")

        async def at(address: str) -> LanLink:
            peer = LanPeer(address, port, b"", name)
            return await LanLink.open_peer(
                peer, credentials, self.engine.store.is_member, LAN_TIMEOUT
            )

        link = await first_reachable(addresses[:MAX_ADDRESSES], at)
        if own:
            link.genesis = self.engine.store.genesis(net)
        return link

    async def _sync(
        self,
        net: bytes,
        sighting: Sighting,
        name: str,
        *,
        watch: bool = False,
        stop: asyncio.Event | None = None,
        tracker: LinkTracker | None = None,
    ) -> SyncReport:
        row = self.peers.setdefault(
            (sighting.instance, net), PeerRow(where(sighting.addresses[0], sighting.port), net)
        )
        row.state, row.error = "linking", None
        peer = LanPeer(sighting.addresses[0], sighting.port, b"", name)
        opened: list[LanLink] = []

        async def opener() -> LanLink:
            own = sighting.instance == OWN
            salt = self.host.salt if own and self.host is not None else sighting.salt
            link = await self.open_link(net, sighting.addresses, sighting.port, name, salt, own)
            opened.append(link)
            if watch and not own:
                watching.append(asyncio.create_task(self._still_member(link, net)))
            return link

        def caught_up(report: SyncReport) -> None:
            row.state, row.member = ("live" if watch else "synced"), opened[-1].colleague
            self._changed.set()  # one more colleague proved: the count is told again
            if tracker is not None:
                tracker.caught_up(report)

        watching: list[asyncio.Task[None]] = []
        report = tracker.connecting() if tracker is not None else None
        try:
            report = await self.engine.sync(
                net,
                peer,
                watch=watch,
                stop=stop,
                opener=opener,
                progress=tracker.progress if tracker else None,
                on_caught_up=caught_up,
                report=report,
            )
        except SyncError as exc:
            row.state = "refused" if exc.code in PERMANENT else "offline"
            row.error = exc.message
            raise
        finally:
            for task in watching:
                task.cancel()
        if watch:
            row.state = "offline"
        return report

    async def _still_member(self, link: LanLink, net: bytes) -> None:
        """A live link is cut the moment our fold no longer counts the colleague in (a
        removal that reached us by another way)."""
        while True:
            await asyncio.sleep(MEMBERSHIP_CHECK)
            colleague = link.colleague
            if colleague is not None and not self.engine.store.is_member(net, colleague):
                link.fail(
                    SyncError(
                        Refusal.REMOVED, "That colleague is no longer a member of this network."
                    )
                )
                return

    # -- once --------------------------------------------------------------------------------
    async def sync_once(self, wait: float, nets: list[bytes] | None = None) -> list[SyncReport]:
        """Browse for up to ``wait`` seconds and sync with every colleague found; stops
        early once every one found has synced and nobody new appeared for a moment."""
        host = self.current(nets)
        if not host.trust:
            raise UsageError("This profile holds the keys of no network yet; nothing to sync.")
        loop = asyncio.get_running_loop()
        discovery = Discovery(on_change=self._changed.set, accept=self.recognises)
        running: dict[tuple[str, bytes], asyncio.Task[SyncReport]] = {}
        started = last_new = loop.time()
        try:
            await discovery.start()
            while True:
                for sighting, net, name in self.candidates(host, discovery):
                    key = (sighting.instance, net)
                    if key not in running:
                        running[key] = asyncio.create_task(self._sync(net, sighting, name))
                        last_new = loop.time()
                now = loop.time()
                settled = running and all(t.done() for t in running.values())
                if now - started >= wait or (settled and now - last_new >= SETTLE):
                    break
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), 0.25)
            results = await asyncio.gather(*running.values(), return_exceptions=True)
        finally:
            for task in running.values():
                task.cancel()
            await discovery.close()
        if not running:
            raise SyncError(
                LinkFailure.UNREACHABLE,
                f"No colleague from your networks was found on this network within {wait:g} s. "
                "Ask them to open Casebook (or run casebook sync --watch), or sync through "
                "a relay.",
            )
        reports = []
        for (instance, net), result in zip(running, results, strict=True):
            if isinstance(result, SyncReport):
                reports.append(result)
            elif isinstance(result, SyncError):
                row = self.peers[(instance, net)]
                reports.append(SyncReport(net, row.peer, error=result.message))
            elif isinstance(result, BaseException):
                raise result
        return reports

    async def start_relay(self, listen: str, port: int = 0) -> Relay:
        """Our relay for the networks we serve now, accepting LAN links only."""
        assert self.host is not None
        config = RelayConfig(
            data=self.data,
            host=listen,
            port=port,
            allow_networks=frozenset(self.host.trust),
            lan=_Door(self),
        )
        relay = await asyncio.to_thread(Relay, config)  # opening its store reads the disk
        await relay.start()
        return relay

    def _own_live(self, status: LinkStatus) -> None:
        """Our library's link to our own relay: once live, the network is served. What
        colleagues bring arrives through it, so its owner hears of it too (the app
        refreshes its lists; the status bar does not show this link)."""
        if status.state == "live" and status.net not in self._ready:
            self._ready.add(status.net)
            self._changed.set()
        if self.on_status is not None:
            self.on_status(status)

    # -- watching ------------------------------------------------------------------------------
    async def serve(
        self,
        stop: asyncio.Event,
        nets: list[bytes] | None = None,
        on_report: Callable[[SyncReport], None] | None = None,
    ) -> None:
        """Until ``stop``: accept colleagues' links, advertise, and link to every
        colleague seen (the one of two with the smaller advertised name connects)."""
        host = self.current(nets)
        if not host.trust:
            return
        relay = await self.start_relay(ANY_ADDRESS)
        discovery = Discovery(on_change=self._changed.set, accept=self.recognises)
        self.discovery = discovery
        links: dict[tuple[str, bytes], tuple[asyncio.Task[bool], asyncio.Event]] = {}
        shunned: set[tuple[str, bytes, int]] = set()
        try:
            await discovery.start()
            # A network is advertised once our own library has brought it to our relay
            # (a colleague who came sooner would find nothing to sync).
            advertised: tuple[LanHost, frozenset[bytes]] | None = None
            while not stop.is_set():
                host = self.current(nets)
                relay.config.allow_networks = frozenset(host.trust)
                ready = frozenset(self._ready & set(host.trust))
                if (
                    ready
                    and advertised != (host, ready)
                    and await discovery.advertise(relay.port, host.txt(ready))
                ):
                    advertised = (host, ready)
                wanted: dict[tuple[str, bytes], tuple[Sighting, str]] = {}
                for net in host.trust:
                    own = Sighting(OWN, ("127.0.0.1",), relay.port, b"", b"", 0.0)
                    wanted[(OWN, net)] = (own, host.own_name(net))
                mine = discovery.own or ""
                for sighting, net, name in self.candidates(host, discovery):
                    key = (sighting.instance, net)
                    if (*key, host.window) not in shunned and mine < sighting.instance:
                        wanted[key] = (sighting, name)
                for key in list(links):
                    if key not in wanted or links[key][0].done():
                        task, quit_link = links.pop(key)
                        quit_link.set()
                        if task.done() and not task.cancelled() and task.result():
                            shunned.add((*key, host.window))  # refused: not again this hour
                for key, (sighting, name) in wanted.items():
                    if key not in links and (*key, host.window) not in shunned:
                        quit_link = asyncio.Event()
                        task = asyncio.create_task(
                            self._keep(key, sighting, name, stop, quit_link, on_report)
                        )
                        links[key] = (task, quit_link)
                # What is no longer advertised is forgotten, refusals included.
                shunned = {
                    k for k in shunned if k[0] in discovery.sightings and k[2] == host.window
                }
                for key in [k for k in self.peers if k[0] not in discovery.sightings]:
                    del self.peers[key]
                self._nearby(relay)
                self._changed.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(_first(stop, self._changed), 5.0)
        finally:
            for _task, quit_link in links.values():
                quit_link.set()
            if links:
                await asyncio.wait([t for t, _ in links.values()], timeout=10)
            self.discovery = None
            await discovery.close()
            await relay.close()

    async def _keep(
        self,
        key: tuple[str, bytes],
        sighting: Sighting,
        name: str,
        stop: asyncio.Event,
        quit_link: asyncio.Event,
        on_report: Callable[[SyncReport], None] | None,
    ) -> bool:
        """One colleague (or our own relay, over loopback): linked and live, again and
        again with backoff, until they are no longer seen. True when the link was refused
        for good (the caller shuns them for the hour)."""
        net = key[1]
        own = key[0] == OWN
        label = OWN_LINK if own else where(sighting.addresses[0], sighting.port)
        tracker = LinkTracker(net, label, self._own_live if own else self.on_status)
        either = asyncio.Event()
        delay = 1.0
        while not (stop.is_set() or quit_link.is_set()):
            if own and self.host is not None and net in self.host.trust:
                name = self.host.own_name(net)  # the loopback link follows our own names
            waiter = asyncio.create_task(_relay(stop, quit_link, either))
            try:
                report = await self._sync(
                    net, sighting, name, watch=True, stop=either, tracker=tracker
                )
            except SyncError as exc:
                report = tracker.report
                report.error = exc.message
                if exc.code in PERMANENT:
                    tracker.tell(state="stopped", error=exc.message)
                    if on_report and not own:
                        on_report(report)
                    return True
            finally:
                waiter.cancel()
                either.clear()
            tracker.ended()
            if tracker.live:
                delay = 1.0
            if on_report and not own:
                on_report(report)
            if stop.is_set() or quit_link.is_set():
                break
            wait = delay * (0.5 + random.random())
            tracker.tell(state="offline", error=report.error, retry_in=wait)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(_first(stop, quit_link), wait)
            delay = min(delay * 2, 60.0)
        tracker.tell(state="stopped", error=None)
        self.peers.pop(key, None)
        return False


class _Door:
    """What the relay sees of our LAN credentials: whichever are current."""

    def __init__(self, service: LanService) -> None:
        self.service = service
        assert service.host is not None
        self.member: bytes = bytes(service.host.member)

    def _host(self) -> LanHost:
        assert self.service.host is not None
        return self.service.host

    def context(self) -> Any:
        return self._host().context()

    def connection(self, ssl_object: object) -> tuple[bytes, bytes] | None:
        return self._host().connection(ssl_object)

    def sign(self, message: bytes) -> bytes:
        return self._host().sign(message)


def where(address: str, port: int) -> str:
    """How a colleague's computer at ``address``:``port`` is named in reports."""
    return str(LanPeer(address, port, b""))


async def _first(*events: asyncio.Event) -> None:
    waits = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in waits:
            task.cancel()


async def _relay(stop: asyncio.Event, quit_link: asyncio.Event, either: asyncio.Event) -> None:
    await _first(stop, quit_link)
    either.set()
