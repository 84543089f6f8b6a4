"""A hostile network between a client and the relay, for tests: a TCP proxy on 127.0.0.1.

:class:`Proxy` forwards bytes both ways, blindly (the TLS inside stays end to end), and
misbehaves on cue once ``after`` bytes have gone from the client to the relay on a
connection: ``cut`` closes both sides (FIN), ``reset`` aborts the client's side (RST),
``drop`` throws away the client's next bytes and goes on (the relay sees a broken TLS
record), ``stall`` stops forwarding either way and holds both sockets open, ``trip``
only calls ``on_trip`` (to kill the relay at that point) and goes on forwarding. Given
several upstream ports, it is a load balancer: each connection goes to the next in turn
that accepts it (one that refuses is skipped, as a health check would), and
:attr:`Proxy.chosen` lists where each went.
Threads only: the relay's event loop and the client (often another process) are not
touched.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from collections.abc import Callable

MODES = (None, "cut", "reset", "drop", "stall", "trip")
DROP_BYTES = 4096


class Proxy:
    def __init__(
        self,
        upstream: int | list[int],
        mode: str | None = None,
        after: int = 0,
        on_trip: Callable[[], None] | None = None,
    ) -> None:
        assert mode in MODES
        self.upstream, self.mode, self.after, self.on_trip = upstream, mode, after, on_trip
        self.tripped = threading.Event()
        self._tripping: threading.Thread | None = None  # running on_trip
        self.sent = 0  # bytes forwarded client → relay on the last connection
        self._sockets: list[socket.socket] = []
        self._turn = 0
        self.chosen: list[int] = []  # the upstream port of each connection, in order
        self._closing = False
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    def settle(self, timeout: float = 30) -> None:
        """Wait until ``on_trip`` (if it ran) has returned."""
        if self._tripping is not None:
            self._tripping.join(timeout)
            assert not self._tripping.is_alive(), "on_trip is still running"

    def close(self) -> None:
        self._closing = True
        for sock in [self._listener, *self._sockets]:
            with contextlib.suppress(OSError):
                sock.close()

    # -- plumbing ---------------------------------------------------------------------
    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            relay = self._connect()
            if relay is None:
                client.close()
                continue
            self._sockets += [client, relay]
            self.sent = 0
            threading.Thread(target=self._up, args=(client, relay), daemon=True).start()
            threading.Thread(target=self._down, args=(relay, client), daemon=True).start()

    def _connect(self) -> socket.socket | None:
        """A link to the next upstream in turn that accepts one; None: none does."""
        ports = [self.upstream] if isinstance(self.upstream, int) else self.upstream
        for _ in ports:
            port = ports[self._turn % len(ports)]
            self._turn += 1
            try:
                relay = socket.create_connection(("127.0.0.1", port), timeout=10)
            except OSError:
                continue  # down: the next one
            relay.settimeout(None)
            self.chosen.append(port)
            return relay
        return None

    def _up(self, client: socket.socket, relay: socket.socket) -> None:
        """Client → relay, counting, and the fault once ``after`` bytes are through."""
        dropped = 0
        while True:
            if self.tripped.is_set() and self.mode == "stall":
                return  # read nothing more: the client's sends back up
            try:
                data = client.recv(65536)
            except OSError:
                data = b""
            if not data:
                _close(relay)
                return
            if self.mode is not None and not self.tripped.is_set():
                room = self.after - self.sent
                if len(data) >= room:
                    self._send(relay, data[:room])
                    self.sent += room
                    self.tripped.set()
                    if self._trip(client, relay):
                        return
                    data = data[room:]
            if self.tripped.is_set() and self.mode == "drop" and dropped < DROP_BYTES:
                take = min(len(data), DROP_BYTES - dropped)
                dropped += take
                data = data[take:]
            if self.tripped.is_set() and self.mode == "stall":
                return
            self._send(relay, data)
            self.sent += len(data)

    def _trip(self, client: socket.socket, relay: socket.socket) -> bool:
        """Do the fault; True when this connection is done for."""
        if self.mode == "cut":
            _close(client)
            _close(relay)
            return True
        if self.mode == "reset":
            with contextlib.suppress(OSError):
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            _close(client)
            _close(relay)
            return True
        if self.mode == "trip" and self.on_trip is not None:
            self._tripping = threading.Thread(target=self.on_trip, daemon=True)
            self._tripping.start()
        return False

    def _down(self, relay: socket.socket, client: socket.socket) -> None:
        while True:
            try:
                data = relay.recv(65536)
            except OSError:
                data = b""
            if self.tripped.is_set() and self.mode == "stall":
                return  # nothing more reaches the client either
            if not data:
                _close(client)
                return
            self._send(client, data)

    @staticmethod
    def _send(sock: socket.socket, data: bytes) -> None:
        with contextlib.suppress(OSError):
            sock.sendall(data)


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()
