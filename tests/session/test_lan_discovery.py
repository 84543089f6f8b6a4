"""What discovery keeps of the advertisements a LAN throws at it, with no network: the
lookups are replaced by instant answers, the bookkeeping is the real one."""

from __future__ import annotations

import asyncio
from typing import Any

from zeroconf import ServiceStateChange

from casebook.session.lan_discovery import MAX_SIGHTINGS, SERVICE_TYPE, Discovery, Sighting


def _fake(discovery: Discovery, ours: set[str]) -> None:
    async def resolve(zeroconf: Any, service_type: str, name: str) -> None:
        await asyncio.sleep(0.001)  # a lookup takes a moment: others queue meanwhile
        tokens = b"o" * 32 if name in ours else b"f" * 32
        discovery._take(Sighting(name, ("10.0.0.9",), 4000, b"s" * 8, tokens, 0.0))

    discovery._resolve = resolve  # type: ignore[method-assign]
    discovery._zc = object()  # type: ignore[assignment]  # started, for the bookkeeping


def test_a_flood_of_fakes_does_not_crowd_a_colleague_out() -> None:
    async def go() -> dict[str, Sighting]:
        discovery = Discovery(accept=lambda s: s.tokens == b"o" * 32)
        _fake(discovery, {"alice._casebook._tcp.local."})
        for i in range(MAX_SIGHTINGS + 300):  # well-formed fakes, all at once
            discovery._changed(None, SERVICE_TYPE, f"f{i}.{SERVICE_TYPE}", ServiceStateChange.Added)  # type: ignore[arg-type]
        discovery._changed(
            None, SERVICE_TYPE, "alice._casebook._tcp.local.", ServiceStateChange.Added
        )  # type: ignore[arg-type]
        for _ in range(2000):
            if not (discovery._resolving or discovery._waiting):
                break
            await asyncio.sleep(0.01)
        return discovery.sightings

    assert list(asyncio.run(go())) == ["alice._casebook._tcp.local."]


def test_the_queue_and_the_kept_are_bounded() -> None:
    async def go() -> tuple[int, int]:
        discovery = Discovery()  # accepting everything: only the bounds hold
        _fake(discovery, set())
        for i in range(5000):
            discovery._changed(None, SERVICE_TYPE, f"f{i}.{SERVICE_TYPE}", ServiceStateChange.Added)  # type: ignore[arg-type]
        most = len(discovery._waiting)
        for _ in range(3000):
            if not (discovery._resolving or discovery._waiting):
                break
            await asyncio.sleep(0.01)
        return most, len(discovery.sightings)

    queued, kept = asyncio.run(go())
    assert queued <= 1024 and kept == MAX_SIGHTINGS
