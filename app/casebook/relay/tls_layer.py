"""The TLS layer of the relay's connections: asyncio's ``SSLProtocol``, keeping no more
memory per connection than OpenSSL itself needs.

asyncio runs TLS over two ``ssl.MemoryBIO`` buffers per connection (bytes from the
socket in, bytes for the socket out) and a receive buffer of its own. OpenSSL's memory
BIO never gives back what it grew to: a connection that once held 16 KiB in either
direction keeps about 22 KB there (4/3 of it) for its whole life, and one that was sent
a batch faster than its socket took it keeps as much as the batch was ahead. With 1,000
idle members that was 22 KB + 22 KB in the two BIOs and 16 KB of receive buffer of the
relay's 86 KB a connection (memray; ``docs/benchmarks.md``). Here:

- the socket is read ``SLICE`` bytes at a time into one receive buffer per thread, which
  every connection of that thread's event loop shares: asyncio copies what it received
  into the connection's incoming BIO before it returns to the loop, so no two
  connections ever hold the buffer at once;
- plaintext is handed to OpenSSL ``SLICE`` bytes at a time and each slice's records go
  to the socket before the next slice; while the socket's buffer is full no slice is
  encrypted (the rest waits as plaintext, freed as soon as it is sent), so the outgoing
  BIO holds one slice while the connection is open. Closing encrypts whatever still
  waits at once, before the TLS close (as asyncio does: nothing accepted is dropped).

Everything else (handshake, flow control, shutdown) is asyncio's, unchanged; the methods
overridden are the same in Python 3.11 to 3.13.
"""

from __future__ import annotations

import ssl
import threading
from asyncio import sslproto
from collections import deque
from typing import Any, cast

__all__ = ["SLICE", "RelayTLS"]

# Bytes read from the socket at once, and plaintext encrypted at once. A TLS record holds
# at most 16 KiB; 4 KiB records cost 22 bytes of framing each (0.5 %).
SLICE = 4 * 1024


class _ReceiveBuffer(threading.local):
    def __init__(self) -> None:
        self.view = memoryview(bytearray(SLICE))


_receive = _ReceiveBuffer()
_WRAPPED = sslproto.SSLProtocolState.WRAPPED
_OPEN = (sslproto.SSLProtocolState.WRAPPED, sslproto.SSLProtocolState.FLUSHING)


class RelayTLS(sslproto.SSLProtocol):
    """asyncio's TLS for the relay's connections only (client links in the same process
    keep asyncio's own); see the module's text."""

    max_size = SLICE
    # asyncio's own attributes (3.11+), which typeshed's stub of the module lacks.
    _state: sslproto.SSLProtocolState
    _ssl_writing_paused: bool
    _sslobj: ssl.SSLObject

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._ssl_buffer_view = _receive.view  # the thread's; asyncio's own is dropped
        self._ssl_buffer = self._ssl_buffer_view.obj

    def get_buffer(self, n: int) -> memoryview:
        # Called on the event loop's thread right before the socket is read into it;
        # buffer_updated copies the bytes out before anything else runs.
        self._ssl_buffer_view = _receive.view
        return self._ssl_buffer_view

    def _do_write(self) -> None:
        # While open, stop when the socket is full (resume_writing goes on); once
        # closing, write everything: nothing accepted is dropped.
        self._write_slices(until_full=self._state == _WRAPPED)

    def _write_slices(self, until_full: bool) -> None:
        try:
            backlog = cast("deque[bytes | memoryview]", self._write_backlog)
            while backlog and not (until_full and self._ssl_writing_paused):
                data = memoryview(backlog[0])
                count = self._sslobj.write(data[:SLICE])
                if count < len(data):
                    backlog[0] = data[count:]
                else:
                    del backlog[0]
                self._write_buffer_size -= count
                self._process_outgoing()  # type: ignore[attr-defined]
        except sslproto.SSLAgainErrors:
            pass
        self._process_outgoing()  # type: ignore[attr-defined]

    def resume_writing(self) -> None:
        super().resume_writing()
        if self._state in _OPEN and self._write_backlog:
            try:
                self._do_write()
            except Exception as exc:  # as asyncio's own writes: the connection fails
                self._fatal_error(exc, "Fatal error on SSL protocol")

    def _do_flush(self) -> None:
        # asyncio's flush writes the backlog only when the app is reading; closing
        # while it is not must not drop what waits either. A write that fails here (the
        # connection broke meanwhile) fails the connection, as in asyncio's own reads,
        # instead of escaping from the close() that started the flush.
        try:
            self._write_slices(until_full=False)
        except Exception as exc:
            self._fatal_error(exc, "Fatal error on SSL protocol")
            return
        super()._do_flush()  # type: ignore[misc]

    def _write_appdata(self, list_of_data: Any) -> None:
        # What waits is kept until it is encrypted: a copy, so that a caller's buffer
        # changed after write() is sent as it was (asyncio encrypted at once), and bytes,
        # so that slices count bytes.
        super()._write_appdata([bytes(data) for data in list_of_data])

    def connection_lost(self, exc: BaseException | None) -> None:
        super().connection_lost(exc)  # drops what waited
        self._write_buffer_size = 0
