"""Hosting a relay on this computer, beside the library (a part of the session).

The relay keeps its own storage (ciphertext only) in its own folder and never touches
the library: locking the library leaves it forwarding.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from casebook.errors import UsageError, say

if TYPE_CHECKING:
    from casebook.relay.server import Relay

# A relay hosted from the app for a name or an address this computer does not hold
# itself (a public name behind a router) listens on every address: members must reach it.
HOSTED_LISTEN = "0.0.0.0"  # noqa: S104
LOOPBACK = "127.0.0.1"
Reach = Literal["this", "lan", "anyone"]


def _own(address: str) -> bool:
    """Whether ``address`` is one of this computer's own (it can listen there)."""
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((address, 0))
        return True
    except OSError:
        return False


def listen_for(host: str) -> str:
    """Where a relay members reach at ``host`` listens: only on loopback for this
    computer's own name, only on that address for one of this computer's addresses,
    and on every address for any other name (a router forwards to this computer)."""
    if host.strip().lower() == "localhost":
        return LOOPBACK
    try:
        ip = ipaddress.ip_address(host.strip())
    except ValueError:
        return HOSTED_LISTEN
    if ip.is_loopback:
        return LOOPBACK if ip.version == 4 else "::1"
    return str(ip) if _own(str(ip)) else HOSTED_LISTEN


def reach(host: str) -> Reach:
    """Who can reach a relay hosted for ``host``, in the terms a person chooses by."""
    listen = listen_for(host)
    if listen in (LOOPBACK, "::1"):
        return "this"
    if listen != HOSTED_LISTEN and ipaddress.ip_address(listen).is_private:
        return "lan"
    return "anyone"


class Hosting:
    """The relay this session runs, if any."""

    def __init__(self) -> None:
        self.relay: Relay | None = None

    async def start_relay(
        self, port: int, *, listen: str, data: Path, networks: frozenset[bytes]
    ) -> Relay:
        """Start a relay for ``networks`` (stopping one this session ran before); a port
        that is taken is a clear error."""
        from casebook.relay.server import Relay, RelayConfig

        await self.stop_relay()
        config = RelayConfig(data=data, host=listen, port=port, allow_networks=networks)
        # Its store's opening (and a first certificate) reads the disk: off the event loop.
        relay = await asyncio.to_thread(Relay, config)
        try:
            await relay.start()
        except OSError as exc:
            relay.store.close()
            where = f"port {port}" if listen == HOSTED_LISTEN else f"{listen}:{port}"
            raise UsageError(
                say(
                    (
                        "Casebook cannot host the relay on {0} ({1}). Another program may be "
                        "using that port, or this computer has no such address: choose another."
                    ),
                    where,
                    exc.strerror or exc,
                )
            ) from None
        self.relay = relay
        return relay

    def serve_networks(self, networks: list[bytes]) -> None:
        """The hosted relay (if any) now serves exactly these networks."""
        if self.relay is not None:
            self.relay.config.allow_networks = frozenset(networks)

    async def stop_relay(self) -> None:
        relay, self.relay = self.relay, None
        if relay is not None:
            await relay.close()
