"""The relay's small TLS receive buffer is chosen for the relay's own connections, not
patched into asyncio for the whole process: client links (the app's, also when the app
hosts a relay) keep asyncio's default. See "Relay resources" in ``docs/protocol.md``."""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from asyncio import sslproto
from collections.abc import Callable
from typing import Any

from casebook.protocol import tls, wire
from casebook.relay.server import TLS_READ_BUFFER
from rawkit import HOST, PROMPT, run
from relaykit import RunningRelay


def test_importing_the_relay_leaves_asyncio_tls_alone() -> None:
    code = (
        "import asyncio.sslproto as s\n"
        "stock = s.SSLProtocol.max_size\n"
        "import casebook.relay.server\n"
        "print(stock, s.SSLProtocol.max_size)\n"
    )
    shown = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    stock, after = shown.stdout.split()
    assert after == stock


def _buffer(writer: Any) -> tuple[int, int]:
    """The read size and the receive buffer of a TLS connection's asyncio protocol."""
    protocol = writer.transport._ssl_protocol
    return protocol.max_size, len(protocol._ssl_buffer)


def test_relay_connections_use_the_small_buffer_and_client_links_the_stock_one(
    relays: Callable[..., RunningRelay],
) -> None:
    relay = relays()

    async def connect() -> tuple[list[tuple[int, int]], tuple[int, int]]:
        reader, writer = await tls.connect(HOST, relay.relay.port, relay.relay.fingerprint, PROMPT)
        try:
            hello = await wire.read_frame(reader, PROMPT)  # the relay's side is TLS now
            assert hello["t"] == "hello"
            relay_side = await asyncio.wrap_future(
                asyncio.run_coroutine_threadsafe(_relay_buffers(relay), relay.loop)
            )
            return relay_side, _buffer(writer)
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await asyncio.wait_for(writer.wait_closed(), 2)

    relay_side, client_side = run(connect())
    assert relay_side == [(TLS_READ_BUFFER, TLS_READ_BUFFER)]
    stock = sslproto.SSLProtocol.max_size
    assert stock > TLS_READ_BUFFER
    assert client_side == (stock, stock)


async def _relay_buffers(relay: RunningRelay) -> list[tuple[int, int]]:
    return [_buffer(session.writer) for session in relay.relay.pending]
