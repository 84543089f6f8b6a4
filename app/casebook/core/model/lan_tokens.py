"""LAN discovery tokens (docs/protocol.md, *LAN discovery and direct links*).

A computer advertises, for each network it serves, an 8-byte token that only holders of
the network's epoch seed can compute, new every hour: HMAC-SHA256 under a key derived
from the newest seed (HKDF, bound to the network id and the epoch number) over the
window number. Tokens are unlinkable across windows and networks without the seed. The
advertisement pads its tokens with random fillers to a multiple of ``SLOTS``.
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
WINDOW_SECONDS = 3600
SLOTS = 4
_KEY_INFO = b"casebook/lan/v1\0"
_TOKEN_CONTEXT = b"casebook/lan-token/v1\0"


def window(unix_seconds: float) -> int:
    """The hour a token belongs to."""
    return int(unix_seconds // WINDOW_SECONDS)


def _lan_key(seed: bytes, net: bytes, epoch: int) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=net,
        info=_KEY_INFO + epoch.to_bytes(8, "big"),
    ).derive(seed)


def _token(lan_key: bytes, window_number: int) -> bytes:
    mac = HMAC(lan_key, hashes.SHA256())
    mac.update(_TOKEN_CONTEXT + window_number.to_bytes(8, "big"))
    return mac.finalize()[:TOKEN_LEN]


def token(seed: bytes, net: bytes, epoch: int, window_number: int) -> bytes:
    return _token(_lan_key(seed, net, epoch), window_number)


def advertised(tokens: Sequence[bytes]) -> bytes:
    """The TXT value: the tokens, then random fillers up to a multiple of SLOTS."""
    if any(len(t) != TOKEN_LEN for t in tokens):
        raise ValueError("a LAN token is 8 bytes")
    slots = max(SLOTS, -(-len(tokens) // SLOTS) * SLOTS)
    return b"".join(tokens) + os.urandom((slots - len(tokens)) * TOKEN_LEN)


@dataclass(frozen=True)
class Key:
    """One network's seed at one epoch, as the browsing profile holds it."""

    net: bytes
    epoch: int
    seed: bytes


def recognise(value: bytes, keys: Iterable[Key], now: float) -> set[bytes]:
    """The networks (ids) an advertisement's TXT value names, by tokens of the windows
    around now (clock skew of up to an hour either way) under the given keys."""
    if len(value) % TOKEN_LEN or len(value) > 64 * TOKEN_LEN:
        return set()  # not a Casebook advertisement, or one too large to look at
    slots = [value[i : i + TOKEN_LEN] for i in range(0, len(value), TOKEN_LEN)]
    here = window(now)
    found: set[bytes] = set()
    for key in keys:
        lan_key = _lan_key(key.seed, key.net, key.epoch)  # once per key, not per window
        for w in (here - 1, here, here + 1):
            expected = _token(lan_key, w)
            if any(hmac.compare_digest(expected, slot) for slot in slots):
                found.add(key.net)
                break
    return found
