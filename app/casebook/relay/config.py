"""A relay's settings (``casebook-relay serve`` fills them from its options)."""

from __future__ import annotations

import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


class LanAccess(Protocol):
    """What a relay serving a member's computer on the LAN needs from that member
    (``session/lan_host.py``): TLS with the networks' LAN authorities, the network and
    own certificate each connection chose, and the member's signature for its proofs."""

    member: bytes

    def context(self) -> ssl.SSLContext: ...
    def connection(self, ssl_object: object) -> tuple[bytes, bytes] | None: ...
    def sign(self, message: bytes) -> bytes: ...


@dataclass
class RelayConfig:
    data: Path
    # A postgresql:// URL: the store is that database (several processes may share it);
    # None: the SQLite file under ``data``.
    database: str | None = None
    host: str = "127.0.0.1"
    port: int = 7447
    allow_networks: frozenset[bytes] | None = None  # None: any network, up to max_networks
    max_networks: int = 10
    max_connections: int = 2000
    max_pending: int = 128  # connections not yet authenticated
    max_per_member: int = 8
    # TLS handshakes one address may cost without logging in: a bucket refilled at this
    # rate, up to the burst (a login gives its handshake back); 0 turns it off.
    strangers_per_second: float = 2.0
    stranger_burst: int = 20
    handshake_timeout: float = 10.0
    idle_timeout: float = 300.0
    frame_timeout: float = 30.0
    quota_bytes: int = 2 * 1024**3  # per network
    frames_per_second: float = 200.0
    frame_burst: int = 400
    send_buffer_limit: int = 16 * 1024 * 1024  # a client this far behind is dropped
    status_interval: float = 15.0
    # Several processes on one store: how often each looks at every network it holds,
    # whatever the notices said (a notice can be lost).
    follow_interval: float = 5.0
    # Set: the relay is a member's computer accepting LAN links (``lan_auth`` only).
    lan: LanAccess | None = None
