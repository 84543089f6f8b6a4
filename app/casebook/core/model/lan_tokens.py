"""LAN discovery tokens and the LAN certificate authority's secret (docs/protocol.md,
*LAN discovery and direct links*).

A computer advertises, for each network it serves, an 8-byte token that only holders of
the network's epoch seed can compute: HMAC-SHA256 under a key derived from the seed
(HKDF, bound to the network id and the epoch number) over the hour and a random salt the
advertisement carries. The salt is new with every advertisement, so two members of one
network advertise different tokens: without the seed, tokens are unlinkable across
hours, networks and computers. The advertisement pads its tokens with random fillers to
a multiple of ``SLOTS``.

The same seed gives each network's LAN certificate authority (an Ed25519 key every
member can derive), which lets a TLS handshake refuse anyone who holds no recent seed.
"""

from __future__ import annotations

import hmac
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.hmac import HMAC
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

TOKEN_LEN = 8
SALT_LEN = 8
WINDOW_SECONDS = 3600
SLOTS = 4
MAX_SLOTS = 28  # 224 bytes: a TXT string holds at most 255
_KEY_INFO = b"casebook/lan/v1\0"
_CA_INFO = b"casebook/lan-ca/v1\0"
_NAME_INFO = b"casebook/lan-ca-name/v1\0"
_NAME_CONTEXT = b"casebook/lan-authority/v1\0"
_TOKEN_CONTEXT = b"casebook/lan-token/v1\0"


def window(unix_seconds: float) -> int:
    """The hour a token belongs to."""
    return int(unix_seconds // WINDOW_SECONDS)


def _derive(seed: bytes, net: bytes, info: bytes, epoch: int) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=net, info=info + epoch.to_bytes(8, "big")
    ).derive(seed)


@dataclass(frozen=True)
class Key:
    """One network's seed at one epoch, as a profile holds it."""

    net: bytes
    epoch: int
    seed: bytes

    def token_key(self) -> bytes:
        return _derive(self.seed, self.net, _KEY_INFO, self.epoch)

    def ca_secret(self) -> bytes:
        """The 32-byte private key of the network's LAN authority at this epoch."""
        return _derive(self.seed, self.net, _CA_INFO, self.epoch)

    def authority_name(self, salt: bytes) -> str:
        """The name the authority goes by on the links to one advertisement (``salt``):
        distinct per epoch, so the previous epoch's authority can be trusted beside the
        newest, and unlinkable across networks, computers and hours without the seed."""
        mac = HMAC(_derive(self.seed, self.net, _NAME_INFO, self.epoch), hashes.SHA256())
        mac.update(_NAME_CONTEXT + salt)
        return "casebook-lan-" + mac.finalize()[:8].hex()


def _token(token_key: bytes, window_number: int, salt: bytes) -> bytes:
    mac = HMAC(token_key, hashes.SHA256())
    mac.update(_TOKEN_CONTEXT + window_number.to_bytes(8, "big") + salt)
    return mac.finalize()[:TOKEN_LEN]


def token(key: Key, window_number: int, salt: bytes) -> bytes:
    return _token(key.token_key(), window_number, salt)


def new_salt() -> bytes:
    return os.urandom(SALT_LEN)


def advertised(tokens: Sequence[bytes]) -> bytes:
    """The TXT value: the tokens, then random fillers up to a multiple of SLOTS."""
    if any(len(t) != TOKEN_LEN for t in tokens):
        raise ValueError("a LAN token is 8 bytes")
    if len(tokens) > MAX_SLOTS:
        raise ValueError(f"at most {MAX_SLOTS} networks are advertised")
    slots = max(SLOTS, -(-len(tokens) // SLOTS) * SLOTS)
    return b"".join(tokens) + os.urandom((slots - len(tokens)) * TOKEN_LEN)


def recognise(value: bytes, salt: bytes, keys: Iterable[Key], now: float) -> dict[bytes, bytes]:
    """The networks an advertisement (its TXT tokens and salt) names, each with the
    token that named it, by tokens of the windows around now (clock skew of up to an
    hour either way) under the given keys."""
    if len(value) % TOKEN_LEN or len(value) > MAX_SLOTS * TOKEN_LEN or len(salt) != SALT_LEN:
        return {}  # not a Casebook advertisement, or one too large to look at
    slots = [value[i : i + TOKEN_LEN] for i in range(0, len(value), TOKEN_LEN)]
    here = window(now)
    found: dict[bytes, bytes] = {}
    for key in keys:
        if key.net in found:
            continue
        token_key = key.token_key()  # once per key, not per window
        for w in (here - 1, here, here + 1):
            expected = _token(token_key, w, salt)
            match = next((s for s in slots if hmac.compare_digest(expected, s)), None)
            if match is not None:
                found[key.net] = match
                break
    return found
