"""Epoch seeds wrapped to members' X25519 keys.

A rotation makes a fresh 32-byte seed and one ephemeral X25519 key. For each recipient
the seed is sealed with ChaCha20-Poly1305 under
HKDF-SHA256(X25519(ephemeral, recipient), salt = network id,
info = domain ‖ epoch ‖ recipient's signing key ‖ ephemeral public ‖ recipient's X25519
public). The key is unique per rotation and recipient, so the nonce is fixed. A wrap
is 48 bytes (seed + tag); a rotation for 300 members carries about 24 KiB of them.
"""

from __future__ import annotations

from collections.abc import Iterable

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from casebook.errors import ModelError

_INFO = b"casebook/epoch-wrap/v1\x00"
_AD = b"casebook/epoch-wrap/v1"
_NONCE = bytes(12)


class UnwrapError(ModelError):
    pass


def _key(
    shared: bytes, net: bytes, epoch: int, recipient: bytes, eph: bytes, xpub: bytes
) -> ChaCha20Poly1305:
    info = _INFO + epoch.to_bytes(8, "big") + recipient + eph + xpub
    return ChaCha20Poly1305(
        HKDF(algorithm=hashes.SHA256(), length=32, salt=net, info=info).derive(shared)
    )


def wrap(
    seed: bytes, net: bytes, epoch: int, recipients: Iterable[tuple[bytes, bytes]]
) -> tuple[bytes, list[list[bytes]]]:
    """``(ephemeral public key, [[recipient key, sealed seed], ...])`` sorted by key."""
    ephemeral = X25519PrivateKey.generate()
    eph = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    wraps = []
    for key, xpub in sorted(set(recipients)):
        try:
            shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(xpub))
        except ValueError:  # a low-order public key: nobody can be wrapped to it
            continue
        wraps.append([key, _key(shared, net, epoch, key, eph, xpub).encrypt(_NONCE, seed, _AD)])
    return eph, wraps


def unwrap(
    exchange_key: X25519PrivateKey,
    recipient: bytes,
    net: bytes,
    epoch: int,
    eph: bytes,
    sealed: bytes,
) -> bytes:
    xpub = exchange_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    try:
        shared = exchange_key.exchange(X25519PublicKey.from_public_bytes(eph))
        return _key(shared, net, epoch, recipient, eph, xpub).decrypt(_NONCE, sealed, _AD)
    except (ValueError, InvalidTag):
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
