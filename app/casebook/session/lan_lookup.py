"""One-off looks at the LAN, outside a watch: which colleagues' computers are there and
how far apart we are (``casebook sync status``), and which of them could hand over an
attachment no relay has (opening it in the app or the terminal)."""

from __future__ import annotations

import asyncio
import functools
from typing import Any

from casebook.core.model.relayaddr import RelayAddress
from casebook.session.lan import LanService, where
from casebook.session.lan_discovery import Discovery, Sighting
from casebook.sync.blobs import Opener
from casebook.sync.engine import PERMANENT
from casebook.sync.lan_link import LanLink, LanPeer
from casebook.sync.link import SyncError

NEARBY_WAIT = 3.0  # an attachment no relay has: how long to look for colleagues

Found = list[tuple[Sighting, bytes, str]]


async def _browse(
    service: LanService, nets: list[bytes] | None, wait: float, net: bytes | None
) -> Found:
    """What is recognised within ``wait`` seconds (sooner, once ``net`` is seen)."""
    host = service.current(nets)
    if not host.trust:
        return []
    discovery = Discovery(accept=service.recognises)
    found: Found = []
    try:
        await discovery.start()
        waited = 0.0
        while waited < wait:
            await asyncio.sleep(0.25)
            waited += 0.25
            found = service.candidates(host, discovery)
            if net is not None and any(n == net for _, n, _ in found):
                break
    finally:
        await discovery.close()
    return found


async def nearby(service: LanService, net: bytes) -> list[tuple[RelayAddress, Opener]]:
    """The colleagues' computers seen serving ``net``, each with how to link to it:
    those seen now while watching, else those found within ``NEARBY_WAIT``."""
    host = service.current(None)
    if net not in host.trust:
        return []
    seen = service.discovery
    if seen is not None:
        found = service.candidates(host, seen)
    else:
        found = await _browse(service, None, NEARBY_WAIT, net)
    return [
        (
            LanPeer(s.addresses[0], s.port, b"", name),
            functools.partial(service.open_link, net, s.addresses, s.port, name, s.salt),
        )
        for s, n, name in found
        if n == net
    ]


async def probe(
    service: LanService, wait: float, nets: list[bytes] | None = None
) -> list[dict[str, Any]]:
    """Browse for ``wait`` seconds, then log in to each colleague found (a probe:
    vectors only) and say how far apart we are."""
    found = await _browse(service, nets, wait, None)
    return [await _probe(service, sighting, net, name) for sighting, net, name in found]


async def _probe(service: LanService, sighting: Sighting, net: bytes, name: str) -> dict[str, Any]:
    row: dict[str, Any] = {
        "peer": where(sighting.addresses[0], sighting.port),
        "network": net.hex(),
    }
    opened: list[LanLink] = []

    async def opener() -> LanLink:
        link = await service.open_link(net, sighting.addresses, sighting.port, name, sighting.salt)
        opened.append(link)
        return link

    peer = LanPeer(sighting.addresses[0], sighting.port, b"", name)
    try:
        row.update(await service.engine.probe(net, peer, opener))
        colleague = opened[-1].colleague
        row.update(state="reachable", member=colleague.hex() if colleague else None)
    except SyncError as exc:
        state = "refused" if exc.code in PERMANENT else "unreachable"
        row.update(state=state, error=exc.message)
    return row
