"""Hosting a relay on this computer, beside the library (a part of the session).

The relay keeps its own storage (ciphertext only) in its own folder and never touches
the library: locking the library leaves it forwarding.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from casebook.errors import UsageError

if TYPE_CHECKING:
    from casebook.relay.server import Relay

# A relay hosted from the app listens on every address: members must reach it.
HOSTED_LISTEN = "0.0.0.0"  # noqa: S104


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
        relay = Relay(config)
        try:
            await relay.start()
        except OSError as exc:
            relay.store.close()
            where = f"port {port}" if listen == HOSTED_LISTEN else f"{listen}:{port}"
            raise UsageError(
                f"Casebook cannot host the relay on {where} ({exc.strerror or exc}). "
                "Another program may be using that port, or this computer has no such "
                "address: choose another."
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
