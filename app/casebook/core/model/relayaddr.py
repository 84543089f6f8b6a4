"""Relay addresses: host, port and the relay's pinned certificate fingerprint as one token.

Text form: ``casebook-relay://HOST:PORT/FINGERPRINT`` where FINGERPRINT is the SHA-256 of
the relay's DER certificate in base32 (52 characters, any case). IPv6 hosts go in
brackets. The fingerprint is what the client pins: a relay that shows another
certificate is refused, whatever its name says.
"""

from __future__ import annotations

import base64
import ipaddress
import re
from dataclasses import dataclass
from typing import Any

from casebook.errors import UsageError, say

SCHEME = "casebook-relay://"
_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)([a-z0-9]([a-z0-9\-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9\-]{0,61}[a-z0-9])?)*$"
)


@dataclass(frozen=True)
class RelayAddress:
    host: str
    port: int
    fingerprint: bytes  # SHA-256 of the relay certificate (DER)

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        fp = base64.b32encode(self.fingerprint).decode().rstrip("=")
        return f"{SCHEME}{host}:{self.port}/{fp}"

    def to_wire(self) -> list[Any]:
        return [self.host, self.port, self.fingerprint]

    @classmethod
    def from_wire(cls, value: Any) -> RelayAddress:
        if not (isinstance(value, list) and len(value) == 3):
            raise ValueError("bad relay address")
        host, port, fp = value
        if not isinstance(host, str) or not isinstance(fp, bytes) or type(port) is not int:
            raise ValueError("bad relay address")
        return cls(_check_host(host), _check_port(port), _check_fp(fp))


def _check_host(host: str) -> str:
    host = host.strip().lower()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        pass
    if not _HOSTNAME.match(host):
        raise ValueError(f"{host!r} is not a host name or IP address")
    return host


def _check_port(port: int) -> int:
    if not 1 <= port <= 65535:
        raise ValueError("the port must be 1 to 65535")
    return port


def _check_fp(fp: bytes) -> bytes:
    if len(fp) != 32:
        raise ValueError("the certificate fingerprint must be 32 bytes")
    return fp


def parse(text: str) -> RelayAddress:
    """Parse a relay URL, or raise :class:`UsageError` saying what is wrong with it."""
    value = text.strip()
    if not value.lower().startswith(SCHEME):
        raise UsageError(
            say(
                (
                    "{0!r} is not a relay URL; it starts with {1} (the relay's operator "
                    "gets it from `casebook-relay url`)."
                ),
                text,
                SCHEME,
            )
        )
    rest = value[len(SCHEME) :]
    match = re.fullmatch(r"(\[[0-9a-fA-F:.]+\]|[^:/\[\]]+):(\d{1,5})/([A-Za-z2-7]{52})", rest)
    if not match:
        raise UsageError(
            say(
                "{0!r} is not a complete relay URL: expected {1}HOST:PORT/FINGERPRINT.",
                text,
                SCHEME,
            )
        )
    host, port, fp = match.groups()
    try:
        fingerprint = base64.b32decode(fp.upper() + "====")
        return RelayAddress(_check_host(host.strip("[]")), _check_port(int(port)), fingerprint)
    except ValueError as exc:
        raise UsageError(say("Bad relay URL {0!r}: {1}.", text, exc)) from None


def listen_address(text: str, ephemeral: bool = False) -> tuple[str, int]:
    """``HOST:PORT`` for a relay to listen on (an empty host: every interface);
    ``ephemeral`` also accepts port 0 (the system picks one)."""
    host, sep, port = text.rpartition(":")
    low = 0 if ephemeral else 1
    if not sep or not port.isdigit() or not low <= int(port) < 65536:
        raise UsageError(say("--listen takes HOST:PORT, e.g. 0.0.0.0:7447, got {0!r}.", text))
    return host.strip("[]") or "0.0.0.0", int(port)  # noqa: S104 - the operator's choice
