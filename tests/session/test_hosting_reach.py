"""Issue 16, item 14: a relay hosted from the app listens where members reach it at the
address given, and the app says in plain words who that is."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

from casebook.core.profile import Profile
from casebook.session import hosting
from casebook.session.session import Session
from clikit import PASSPHRASE


def test_where_it_listens_follows_the_address_given() -> None:
    for host in ("127.0.0.1", "localhost"):
        assert hosting.listen_for(host) == "127.0.0.1" and hosting.reach(host) == "this"
    # A name, or an address this computer does not hold (a router forwards to it).
    for host in ("relay.example.org", "203.0.113.5"):
        assert hosting.listen_for(host) == "0.0.0.0" and hosting.reach(host) == "anyone"


def test_hosting_for_loopback_listens_on_loopback_only(tmp_path: Path) -> None:
    with Profile.create(tmp_path / "p", "Dr. Alice Moreau", PASSPHRASE):
        pass
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    async def story() -> tuple[str, dict[str, object]]:
        session = Session()
        session.unlock(tmp_path / "p", PASSPHRASE)
        try:
            relay = await session.host(port, "127.0.0.1")
            return relay.config.host, session.p.settings.get("host_relay")
        finally:
            await session.close()

    listen, kept = asyncio.run(asyncio.wait_for(story(), 60))
    assert listen == "127.0.0.1" and kept == {"port": port, "host": "127.0.0.1"}
