"""The relay's TLS layer (``relay/tls_layer.py``: small reads into one shared receive
buffer, plaintext encrypted a slice at a time and not while the socket is full) is chosen
for the relay's own connections, not patched into asyncio for the whole process: client
links (the app's, also when the app hosts a relay) keep asyncio's. See "Relay resources"
in ``docs/protocol.md``."""

from __future__ import annotations

import array
import asyncio
import contextlib
import hashlib
import os
import socket
import subprocess
import sys
import threading
import time
from asyncio import sslproto
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from casebook.protocol import tls, wire
from casebook.relay.tls_layer import SLICE, RelayTLS
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


def _layer(writer: Any) -> Any:
    """The asyncio TLS protocol under a connection's stream."""
    return writer.transport._ssl_protocol


def test_relay_connections_use_the_relay_layer_and_client_links_asyncio_s(
    relays: Callable[..., RunningRelay],
) -> None:
    relay = relays()

    async def connect() -> tuple[list[Any], Any]:
        links = [
            await tls.connect(HOST, relay.relay.port, relay.relay.fingerprint, PROMPT)
            for _ in range(2)
        ]
        try:
            for reader, _ in links:
                hello = await wire.read_frame(reader, PROMPT)  # the relay's side is TLS now
                assert hello["t"] == "hello"
            relay_side = await asyncio.wrap_future(
                asyncio.run_coroutine_threadsafe(_relay_layers(relay), relay.loop)
            )
            return relay_side, _layer(links[0][1])
        finally:
            for _, writer in links:
                writer.close()
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(writer.wait_closed(), 2)

    relay_side, client_side = run(connect())
    assert [type(p) for p in relay_side] == [RelayTLS, RelayTLS]
    assert [p.max_size for p in relay_side] == [SLICE, SLICE]
    # One receive buffer for the loop's connections, not one each.
    assert relay_side[0]._ssl_buffer_view is relay_side[1]._ssl_buffer_view
    assert len(relay_side[0]._ssl_buffer_view) == SLICE
    stock = sslproto.SSLProtocol.max_size
    assert stock > SLICE
    assert type(client_side) is sslproto.SSLProtocol
    assert (client_side.max_size, len(client_side._ssl_buffer)) == (stock, stock)


async def _relay_layers(relay: RunningRelay) -> list[Any]:
    return [_layer(session.writer) for session in relay.relay.pending]


BIG = 4 * 1024 * 1024


async def _relay_tls_server(
    tmp: Path, on_tls: Callable[[asyncio.StreamWriter], Awaitable[None]]
) -> tuple[asyncio.Server, int]:
    """A TLS server on loopback running the relay's layer, with a small kernel send
    buffer; ``on_tls`` gets each connection's stream once TLS is up. The server, its port."""
    key_path, cert_path, _ = tls.ensure_certificate(tmp)
    context = tls.server_context(key_path, cert_path)

    async def handle(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.get_extra_info("socket").setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8192)
        await tls.start_tls(writer, context, RelayTLS)
        await on_tls(writer)

    server = await asyncio.start_server(handle, HOST, 0)
    return server, server.sockets[0].getsockname()[1]


async def _slow_reader_pair(
    server_side: Callable[[asyncio.StreamWriter], None], tmp: Path
) -> bytes:
    """A relay-layer TLS server (``_relay_tls_server``) and a client with a small kernel
    receive buffer; ``server_side`` gets the server's stream once TLS is up (and may close
    it). The client reads only once ``server_side`` has returned, then everything until
    the end (the server closes after a drain); what it read."""
    done = asyncio.Event()

    async def serve(writer: asyncio.StreamWriter) -> None:
        try:
            server_side(writer)
        finally:
            done.set()
        if not writer.is_closing():
            await writer.drain()  # returns once the reader has taken enough
            writer.close()

    server, port = await _relay_tls_server(tmp, serve)
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8192)
    sock.setblocking(False)
    await asyncio.get_running_loop().sock_connect(sock, (HOST, port))
    reader, writer = await asyncio.open_connection(
        sock=sock, ssl=tls.client_context(), server_hostname=""
    )
    await asyncio.wait_for(done.wait(), PROMPT)
    got = await asyncio.wait_for(reader.read(), 60)
    writer.close()
    server.close()
    return got


def test_a_slow_reader_s_backlog_waits_as_plaintext_not_in_openssl(tmp_path: Path) -> None:
    """While the socket is full, the relay's layer encrypts nothing more: the outgoing
    memory BIO (which never shrinks) holds at most one slice; the reader still gets every
    byte, in order. asyncio's own layer would have put all 4 MiB into the BIO."""
    payload = os.urandom(BIG)
    seen: dict[str, int] = {}

    def send(writer: asyncio.StreamWriter) -> None:
        writer.write(payload)
        layer = _layer(writer)
        seen["paused"] = layer._ssl_writing_paused
        seen["in_bio"] = layer._outgoing.pending
        seen["waiting"] = layer._write_buffer_size

    got = run(_slow_reader_pair(send, tmp_path))
    assert seen["paused"]
    assert seen["in_bio"] <= SLICE + 256  # one slice's record, at most
    assert seen["waiting"] > BIG // 2
    assert hashlib.sha256(got).digest() == hashlib.sha256(payload).digest()


def test_what_waits_for_a_full_socket_is_still_sent_when_the_relay_closes(
    tmp_path: Path,
) -> None:
    """Closing at once after a large write (say, an error frame after a batch): the
    plaintext still waiting is encrypted and sent before the TLS close, none dropped."""
    payload = os.urandom(BIG)

    def send_and_close(writer: asyncio.StreamWriter) -> None:
        writer.write(payload)
        assert _layer(writer)._write_buffer_size > 0  # still waiting as plaintext
        writer.close()

    got = run(_slow_reader_pair(send_and_close, tmp_path))
    assert len(got) == len(payload)
    assert got == payload


def test_what_waits_is_sent_as_it_was_written(tmp_path: Path) -> None:
    """Plaintext waits while the socket is full: a buffer its writer changes afterwards
    is still sent as written, and a view of wider items counts bytes, not items."""
    payload = os.urandom(BIG)
    changed = bytearray(b"A" * 5000)
    wide = array.array("i", range(10_000))

    def send(writer: asyncio.StreamWriter) -> None:
        writer.write(payload)  # the socket fills: what follows waits
        writer.write(changed)
        changed[:] = b"B" * 5000
        writer.write(memoryview(wide))

    got = run(_slow_reader_pair(send, tmp_path))
    assert got == payload + b"A" * 5000 + wide.tobytes()


def test_an_aborted_connection_has_nothing_left_waiting(tmp_path: Path) -> None:
    seen: dict[str, int] = {}

    async def scenario() -> None:
        done = asyncio.Event()

        async def aborted(writer: asyncio.StreamWriter) -> None:
            writer.write(os.urandom(BIG))
            seen["waiting"] = writer.transport.get_write_buffer_size()
            writer.transport.abort()
            await asyncio.sleep(0.1)  # connection_lost runs
            seen["after"] = writer.transport.get_write_buffer_size()
            done.set()

        server, port = await _relay_tls_server(tmp_path, aborted)
        _, writer = await asyncio.open_connection(
            HOST, port, ssl=tls.client_context(), server_hostname=""
        )
        await asyncio.wait_for(done.wait(), PROMPT)
        writer.close()
        server.close()

    run(scenario())
    assert seen["waiting"] > BIG // 2
    assert seen["after"] == 0


def test_closing_a_connection_whose_peer_broke_it_does_not_raise(tmp_path: Path) -> None:
    """A member that stops reading (plaintext waits) and then sends a forged record: the
    read fails the connection, and a close() decided meanwhile (a kick, a removal) must
    return, not raise the TLS error out of the relay's loop over sessions."""
    outcome: dict[str, str] = {}

    async def scenario() -> None:
        done = threading.Event()

        async def broken(writer: asyncio.StreamWriter) -> None:
            writer.write(os.urandom(2 * 1024 * 1024))
            plain = _layer(writer)._transport
            deadline = time.monotonic() + PROMPT
            while not plain._conn_lost and time.monotonic() < deadline:
                await asyncio.sleep(0)  # every loop iteration, until the read failed it
            try:
                writer.close()
                outcome["close"] = "returned"
            except Exception as exc:  # what the test is about
                outcome["close"] = repr(exc)
            done.set()

        server, port = await _relay_tls_server(tmp_path, broken)

        def member() -> None:
            with socket.create_connection((HOST, port)) as raw:
                secure = tls.client_context().wrap_socket(raw, server_hostname=None)
                time.sleep(0.3)  # the relay's writes fill the socket; nothing is read
                forged = b"\x17\x03\x03\x00\x20" + os.urandom(32)  # an application record
                with socket.socket(fileno=os.dup(secure.fileno())) as same:
                    same.sendall(forged)
                done.wait(PROMPT)

        client = threading.Thread(target=member)
        client.start()
        while client.is_alive():
            await asyncio.sleep(0.05)
        server.close()

    run(scenario())
    assert outcome == {"close": "returned"}
