"""Epoch seeds wrapped to members' X25519 keys.

A rotation makes a fresh 32-byte seed and seals it to each recipient with
:mod:`sealing` (salt = network id, context = the epoch number as 8 bytes, domain
``casebook/epoch-wrap/v1``). A wrap is 48 bytes (seed + tag); a rotation for 300
members carries about 24 KiB of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from casebook.core.model import sealing
from casebook.errors import ModelError

_DOMAIN = sealing.Domain(info=b"casebook/epoch-wrap/v1\x00", ad=b"casebook/epoch-wrap/v1")


class UnwrapError(ModelError):
    pass


def wrap(
    seed: bytes, net: bytes, epoch: int, recipients: Iterable[tuple[bytes, bytes]]
) -> tuple[bytes, list[list[bytes]]]:
    """``(ephemeral public key, [[recipient key, sealed seed], ...])`` sorted by key."""
    return sealing.wrap(seed, _DOMAIN, net, epoch.to_bytes(8, "big"), recipients)


def unwrap(
    exchange_key: X25519PrivateKey,
    recipient: bytes,
    net: bytes,
    epoch: int,
    eph: bytes,
    sealed: bytes,
) -> bytes:
    try:
        return sealing.unwrap(
            exchange_key, recipient, _DOMAIN, net, epoch.to_bytes(8, "big"), eph, sealed
        )
    except sealing.Unsealable:
        raise UnwrapError("the epoch key was not sealed for this member") from None


def is_seed_list(value: object, limit: int = 100_000) -> bool:
    """``[[epoch, source, seed], ...]`` as carried by rotations and welcome packages."""
    return (
        isinstance(value, list)
        and len(value) <= limit
        and all(
            isinstance(item, list)
            and len(item) == 3
            and type(item[0]) is int
            and 0 <= item[0] < 2**53
            and isinstance(item[1], bytes)
            and len(item[1]) in (0, 32)
            and isinstance(item[2], bytes)
            and len(item[2]) == 32
            for item in value
        )
    )
