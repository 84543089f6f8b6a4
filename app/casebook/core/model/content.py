"""Content secrecy: epoch seeds → AEAD keys → encrypted event bodies.

Each network has epoch seeds (32 random bytes each; epoch 0 is made with the network).
The body key of an epoch is HKDF-SHA256 of its seed, bound to the network id and the
epoch number. Bodies are ChaCha20-Poly1305 ciphertexts with a random 96-bit nonce
prepended; the associated data is the canonical encoding of the event's whole header,
so a body cannot be moved to another event, author, position or epoch.
"""

from __future__ import annotations

import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casebook.errors import ModelError

SEED_LEN = 32
NONCE_LEN = 12
_INFO = b"casebook/epoch-body-key/v1"


class DecryptionError(ModelError):
    pass


def new_seed() -> bytes:
    return os.urandom(SEED_LEN)


@lru_cache(maxsize=64)
def body_key(seed: bytes, net: bytes, epoch: int) -> ChaCha20Poly1305:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=net, info=_INFO + epoch.to_bytes(8, "big")
    ).derive(seed)
    return ChaCha20Poly1305(key)


def seal(aead: ChaCha20Poly1305, plaintext: bytes, associated: bytes) -> bytes:
    nonce = os.urandom(NONCE_LEN)
    return nonce + aead.encrypt(nonce, plaintext, associated)


def open_sealed(aead: ChaCha20Poly1305, sealed: bytes, associated: bytes) -> bytes:
    if len(sealed) < NONCE_LEN + 16:
        raise DecryptionError("ciphertext too short")
    try:
        return aead.decrypt(sealed[:NONCE_LEN], sealed[NONCE_LEN:], associated)
    except InvalidTag:
        raise DecryptionError("ciphertext does not authenticate") from None
