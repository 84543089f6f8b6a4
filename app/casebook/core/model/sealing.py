"""A 32-byte key sealed to several X25519 keys (members' devices), one wrap each.

One ephemeral X25519 key per sealing. For each recipient the key is sealed with
ChaCha20-Poly1305 under HKDF-SHA256(X25519(ephemeral, recipient), salt,
info = domain ‖ context ‖ recipient's signing key ‖ ephemeral public ‖ recipient's X25519
public). That key is unique per sealing and recipient, so the nonce is fixed. A wrap is
48 bytes. The domain keeps each use apart (epoch seeds, flags to moderators, reminders).
A *box* carries content sealed so: the content under a fresh key, the key so wrapped.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

_NONCE = bytes(12)
WRAP_BYTES = 48  # a 32-byte key and its tag


@dataclass(frozen=True)
class Domain:
    info: bytes  # the HKDF info prefix
    ad: bytes  # the associated data of each wrap


class Unsealable(Exception):
    """No wrap for this recipient opens (or the ephemeral key is unusable)."""


def _aead(
    domain: Domain, shared: bytes, salt: bytes, context: bytes, recipient: bytes, eph: bytes,
    xpub: bytes,
) -> ChaCha20Poly1305:  # fmt: skip
    info = domain.info + context + recipient + eph + xpub
    return ChaCha20Poly1305(
        HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(shared)
    )


def wrap(
    key: bytes,
    domain: Domain,
    salt: bytes,
    context: bytes,
    recipients: Iterable[tuple[bytes, bytes]],
) -> tuple[bytes, list[list[bytes]]]:
    """``(ephemeral public key, [[recipient key, wrap], ...])`` sorted by recipient;
    ``recipients`` are ``(signing key, X25519 public key)`` pairs."""
    ephemeral = X25519PrivateKey.generate()
    eph = ephemeral.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    wraps = []
    for recipient, xpub in sorted(set(recipients)):
        try:
            shared = ephemeral.exchange(X25519PublicKey.from_public_bytes(xpub))
        except ValueError:  # a low-order public key: nobody can be wrapped to it
            continue
        aead = _aead(domain, shared, salt, context, recipient, eph, xpub)
        wraps.append([recipient, aead.encrypt(_NONCE, key, domain.ad)])
    return eph, wraps


def unwrap(
    exchange_key: X25519PrivateKey,
    recipient: bytes,
    domain: Domain,
    salt: bytes,
    context: bytes,
    eph: bytes,
    sealed: bytes,
) -> bytes:
    xpub = exchange_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    try:
        shared = exchange_key.exchange(X25519PublicKey.from_public_bytes(eph))
        aead = _aead(domain, shared, salt, context, recipient, eph, xpub)
        return aead.decrypt(_NONCE, sealed, domain.ad)
    except (ValueError, InvalidTag):
        raise Unsealable("not sealed for this recipient") from None


# -- a box sealed to devices: a fresh key wraps to each, the content under it -----------
def seal_box(
    plain: bytes,
    domain: Domain,
    salt: bytes,
    context: bytes,
    recipients: Iterable[tuple[bytes, bytes]],
) -> dict[str, Any]:
    """``{"eph", "wraps", "box"}``: ``plain`` under a fresh random key (so the nonce is
    fixed), with associated data ``domain.ad ‖ context``; the key wrapped to each of
    ``recipients``. Raises :class:`Unsealable` when there is nobody to seal to."""
    key = ChaCha20Poly1305.generate_key()
    eph, wraps = wrap(key, domain, salt, context, recipients)
    if not wraps:
        raise Unsealable("nobody to seal to")
    box = ChaCha20Poly1305(key).encrypt(_NONCE, plain, domain.ad + b"\x00" + context)
    return {"eph": eph, "wraps": wraps, "box": box}


def open_box(
    exchange_key: X25519PrivateKey,
    recipient: bytes,
    domain: Domain,
    salt: bytes,
    context: bytes,
    sealed: dict[str, Any],
) -> bytes | None:
    """The content of a box checked by :func:`check_box`, if it is sealed to
    ``recipient`` and opens; None otherwise."""
    mine = next((bytes(w[1]) for w in sealed["wraps"] if bytes(w[0]) == recipient), None)
    if mine is None:
        return None
    try:
        key = unwrap(exchange_key, recipient, domain, salt, context, bytes(sealed["eph"]), mine)
        return ChaCha20Poly1305(key).decrypt(
            _NONCE, bytes(sealed["box"]), domain.ad + b"\x00" + context
        )
    except (Unsealable, InvalidTag):
        return None


def check_box(payload: dict[str, Any], max_box: int, max_wraps: int = 10_000) -> str | None:
    """What is wrong with a box's shape (None: nothing), bounded before anything opens:
    ``eph`` 32 bytes, 1 to ``max_wraps`` wraps of a 32-byte key and 48 bytes (each key
    once), ``box`` more than a tag and at most ``max_box`` bytes."""
    if set(payload) != {"eph", "wraps", "box"}:
        return "payload has missing or unknown fields"
    eph, wraps, box = payload["eph"], payload["wraps"], payload["box"]
    if not isinstance(eph, bytes) or len(eph) != 32:
        return "the ephemeral key is 32 bytes"
    if not isinstance(box, bytes) or not 16 < len(box) <= max_box:
        return "the sealed box has an impossible size"
    if not isinstance(wraps, list) or not 1 <= len(wraps) <= max_wraps:
        return f"a box is sealed to 1 to {max_wraps:,} devices"
    for item in wraps:
        if not (
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], bytes)
            and len(item[0]) == 32
            and isinstance(item[1], bytes)
            and len(item[1]) == WRAP_BYTES
        ):
            return "a wrap is a device key and 48 bytes"
    if len({bytes(item[0]) for item in wraps}) != len(wraps):
        return "a box wraps to each device once"
    return None
