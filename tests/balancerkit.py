"""A TCP load balancer for tests, on 127.0.0.1: each connection goes to the next backend
in turn that accepts it (a backend that refuses is skipped, as a balancer's health check
would), bytes forwarded blindly both ways, so the TLS inside stays end to end. Threads
only; :meth:`Balancer.close` ends everything it opened."""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading


class Balancer:
    def __init__(self, ports: list[int]) -> None:
        self.ports = ports
        self._turn = itertools.cycle(range(len(ports)))
        self._sockets: list[socket.socket] = []
        self._closing = False
        self.chosen: list[int] = []  # the backend port of each connection, in order
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = int(self._listener.getsockname()[1])
        threading.Thread(target=self._accept, daemon=True).start()

    def close(self) -> None:
        self._closing = True
        for sock in [self._listener, *self._sockets]:
            with contextlib.suppress(OSError):
                sock.close()

    def _accept(self) -> None:
        while not self._closing:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            backend = self._backend()
            if backend is None:
                client.close()
                continue
            self._sockets += [client, backend]
            for a, b in ((client, backend), (backend, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def _backend(self) -> socket.socket | None:
        for _ in range(len(self.ports)):
            port = self.ports[next(self._turn)]
            try:
                backend = socket.create_connection(("127.0.0.1", port), timeout=5)
            except OSError:
                continue  # down: the next one
            backend.settimeout(None)
            self.chosen.append(port)
            return backend
        return None

    @staticmethod
    def _pipe(source: socket.socket, target: socket.socket) -> None:
        with contextlib.suppress(OSError):
            while data := source.recv(65536):
                target.sendall(data)
        for sock in (source, target):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
