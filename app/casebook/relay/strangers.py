"""How often one address may make the relay do a TLS handshake for nothing.

A stranger's connection costs the relay a TLS handshake (key agreement and a signature)
before any frame is read; a few machines reconnecting in a loop would keep the relay's
one event loop busy with handshakes. Each source address gets a token bucket of
handshakes: a connection takes a token when it is accepted and gives it back when it
logs in (or joins), so an address whose connections log in never runs dry, while one
whose connections stay strangers is refused at once — the socket is closed before TLS,
which costs next to nothing — until its bucket refills. IPv6 addresses count per /64
(one subscriber's prefix).
"""

from __future__ import annotations

import ipaddress
import time
from collections import OrderedDict

MAX_ADDRESSES = 4096  # buckets kept; the least recently seen address is forgotten


def source_key(peer: object) -> str:
    """The bucket an address belongs to: IPv4 as is, IPv6 by its /64."""
    host = peer[0] if isinstance(peer, tuple) and peer else str(peer)
    try:
        address = ipaddress.ip_address(str(host).split("%")[0])
    except ValueError:
        return str(host)
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


class Budget:
    """Token buckets by key: ``take`` spends one (False when none is left), refilled at
    ``per_second`` up to ``burst``; used for strangers' handshakes per address and for
    members' back-dated membership events (see ``hosted.py``)."""

    def __init__(self, per_second: float, burst: int) -> None:
        self.per_second = per_second
        self.burst = float(burst)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()
        self.refused = 0

    def _level(self, key: str, now: float) -> float:
        tokens, then = self._buckets.get(key, (self.burst, now))
        return min(self.burst, tokens + (now - then) * self.per_second)

    def take(self, key: str) -> bool:
        """A new connection from ``key``: True when it may go on to TLS."""
        if self.per_second <= 0:
            return True
        now = time.monotonic()
        tokens = self._level(key, now)
        if tokens < 1:
            self.refused += 1
            self._buckets[key] = (tokens, now)
            self._buckets.move_to_end(key)
            return False
        self._buckets[key] = (tokens - 1, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > MAX_ADDRESSES:
            self._buckets.popitem(last=False)
        return True

    def give_back(self, key: str) -> None:
        """The connection proved itself (a member's login, an accepted join)."""
        if key in self._buckets:
            now = time.monotonic()
            self._buckets[key] = (min(self.burst, self._level(key, now) + 1), now)
