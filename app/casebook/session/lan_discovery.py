"""Advertising and browsing on the LAN with python-zeroconf (mDNS / DNS-SD).

What goes out is in docs/security.md (*What a LAN observer learns*): the fixed service
type, random instance and host names that change with every advertisement, the port,
and a TXT record of a version, a random salt and opaque tokens. What comes in is
unauthenticated: at most ``MAX_RESOLVING`` services are looked up at once (the others
wait in a bounded queue), and only those the LAN service recognises as ours are kept,
at most ``MAX_SIGHTINGS`` (:mod:`casebook.session.lan` recognises the tokens).
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import ipaddress
import logging
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from zeroconf import IPVersion, ServiceStateChange, Zeroconf, get_all_addresses
from zeroconf.asyncio import AsyncServiceBrowser, AsyncServiceInfo, AsyncZeroconf

log = logging.getLogger("casebook.lan")
SERVICE_TYPE = "_casebook._tcp.local."
MAX_SIGHTINGS = 256
MAX_RESOLVING = 16
MAX_WAITING = 1024  # names queued for a lookup
RESOLVE_MS = 3000


@dataclass(frozen=True)
class Sighting:
    """One advertisement seen on the LAN (not yet anyone's: nothing is proved)."""

    instance: str
    addresses: tuple[str, ...]
    port: int
    salt: bytes
    tokens: bytes
    seen: float


def _random_label() -> str:
    return base64.b32encode(os.urandom(10)).decode().lower()


def lan_addresses() -> list[str]:
    """This computer's IPv4 addresses other than loopback (what an advertisement names)."""
    out = []
    for text in get_all_addresses():
        with contextlib.suppress(ValueError):
            if not ipaddress.ip_address(text).is_loopback:
                out.append(text)
    return out


class Discovery:
    """Advertise this computer (optionally) and keep the advertisements seen that
    ``accept`` says are ours (recognised tokens): a neighbour's flood of well-formed
    fakes cannot crowd a colleague out."""

    def __init__(
        self,
        on_change: Callable[[], None] | None = None,
        accept: Callable[[Sighting], bool] | None = None,
    ) -> None:
        self.on_change = on_change
        self.accept = accept
        self.sightings: dict[str, Sighting] = {}
        self._zc: AsyncZeroconf | None = None
        self._browser: AsyncServiceBrowser | None = None
        self._info: AsyncServiceInfo | None = None
        self._resolving: set[asyncio.Task[None]] = set()
        # Names waiting for a lookup (oldest first), while MAX_RESOLVING are under way.
        self._waiting: dict[str, str] = {}

    async def start(self, browse: bool = True) -> None:
        self._zc = AsyncZeroconf(ip_version=IPVersion.V4Only)
        if browse:
            self._browser = AsyncServiceBrowser(
                self._zc.zeroconf, [SERVICE_TYPE], handlers=[self._changed]
            )

    @property
    def own(self) -> str | None:
        return None if self._info is None else self._info.name

    async def advertise(self, port: int, txt: dict[str, bytes]) -> bool:
        """(Re)advertise under new random names; False when this computer has no LAN
        address to advertise."""
        assert self._zc is not None
        await self.withdraw()
        addresses = lan_addresses()
        if not addresses:
            return False
        label = _random_label()
        info = AsyncServiceInfo(
            SERVICE_TYPE,
            f"{label}.{SERVICE_TYPE}",
            addresses=[socket.inet_aton(a) for a in addresses],
            port=port,
            properties=dict(txt),
            server=f"{_random_label()}.local.",
        )
        self._info = info  # first: our own announcement must not look like a colleague
        await (await self._zc.async_register_service(info))
        return True

    async def withdraw(self) -> None:
        info, self._info = self._info, None
        if info is not None and self._zc is not None:
            with contextlib.suppress(Exception):
                await (await self._zc.async_unregister_service(info))

    async def close(self) -> None:
        self._waiting.clear()
        for task in list(self._resolving):
            task.cancel()
        if self._browser is not None:
            with contextlib.suppress(Exception):
                await self._browser.async_cancel()
        await self.withdraw()
        if self._zc is not None:
            with contextlib.suppress(Exception):
                await self._zc.async_close()
        self._zc = self._browser = None

    # -- browsing --------------------------------------------------------------------------
    def _changed(
        self,
        zeroconf: Zeroconf,
        service_type: str,
        name: str,
        state_change: ServiceStateChange,
    ) -> None:
        if state_change is ServiceStateChange.Removed:
            if self.sightings.pop(name, None) is not None and self.on_change:
                self.on_change()
            return
        if name == self.own:
            return
        if len(self._resolving) >= MAX_RESOLVING:
            # Queued, not dropped: a colleague behind a burst of others is looked up too.
            if name not in self._waiting and len(self._waiting) < MAX_WAITING:
                self._waiting[name] = service_type
            return
        self._lookup(zeroconf, service_type, name)

    def _lookup(self, zeroconf: Zeroconf, service_type: str, name: str) -> None:
        task = asyncio.get_running_loop().create_task(self._resolve(zeroconf, service_type, name))
        self._resolving.add(task)

        def done(finished: asyncio.Task[None]) -> None:
            self._resolving.discard(finished)
            if self._waiting and self._zc is not None:
                waiting = next(iter(self._waiting))
                self._lookup(zeroconf, self._waiting.pop(waiting), waiting)

        task.add_done_callback(done)

    async def _resolve(self, zeroconf: Zeroconf, service_type: str, name: str) -> None:
        info = AsyncServiceInfo(service_type, name)
        try:
            if not await info.async_request(zeroconf, RESOLVE_MS):
                return
        except Exception:  # a malformed answer from the LAN costs this one lookup only
            log.debug("could not resolve a LAN advertisement", exc_info=True)
            return
        props = info.properties or {}
        salt, tokens = props.get(b"s"), props.get(b"t")
        addresses = tuple(info.parsed_addresses(IPVersion.V4Only))[:8]
        if props.get(b"v") != b"1" or not salt or not tokens or not addresses or not info.port:
            return
        self._take(Sighting(name, addresses, info.port, salt, tokens, time.time()))

    def _take(self, sighting: Sighting) -> None:
        """Keep a looked-up advertisement if it is ours (and there is room)."""
        name = sighting.instance
        if name == self.own:
            return
        if self.accept is not None and not self.accept(sighting):
            self.sightings.pop(name, None)  # (an advertisement that changed to not ours)
            return
        if name not in self.sightings and len(self.sightings) >= MAX_SIGHTINGS:
            return
        self.sightings[name] = sighting
        if self.on_change:
            self.on_change()
