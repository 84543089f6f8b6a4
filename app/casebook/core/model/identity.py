"""A member's identity: an Ed25519 signing key and an X25519 key-agreement key.

The private halves live only inside the encrypted profile database; this module never
writes them anywhere. People compare identities by the fingerprint of the signing key.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property, lru_cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from casebook.core.model.fingerprint import fingerprint
from casebook.core.model.ids import MemberKey


def _raw_private(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())


def _raw_public(key: Ed25519PrivateKey | X25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


@dataclass(frozen=True, repr=False)
class Identity:
    signing_key: Ed25519PrivateKey
    exchange_key: X25519PrivateKey

    @classmethod
    def generate(cls) -> Identity:
        return cls(Ed25519PrivateKey.generate(), X25519PrivateKey.generate())

    @classmethod
    def from_private_bytes(cls, signing: bytes, exchange: bytes) -> Identity:
        return cls(
            Ed25519PrivateKey.from_private_bytes(signing),
            X25519PrivateKey.from_private_bytes(exchange),
        )

    def private_bytes(self) -> tuple[bytes, bytes]:
        """Raw private keys, for storage inside the encrypted database only."""
        return _raw_private(self.signing_key), _raw_private(self.exchange_key)

    @cached_property
    def public_key(self) -> MemberKey:
        return MemberKey(_raw_public(self.signing_key))

    @cached_property
    def exchange_public_key(self) -> bytes:
        return _raw_public(self.exchange_key)

    @property
    def fingerprint(self) -> str:
        return fingerprint(self.public_key)

    def sign(self, message: bytes) -> bytes:
        return self.signing_key.sign(message)

    def __repr__(self) -> str:  # never print key material
        return f"Identity({self.fingerprint})"


def verify(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """True when ``signature`` is ``public_key``'s Ed25519 signature of ``message``."""
    try:
        Ed25519PublicKey.from_public_bytes(public_key).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


# Signatures inside membership events (invite proofs, device certificates, member-key
# revocations) are checked again at every fold of a network's membership log; the
# answer for the same three byte strings never changes, so it is remembered. Bounded:
# more entries than a network's membership log holds at the product's scale.
FOLD_VERIFY_CACHE = 1 << 15


# Longer messages (a revocation naming thousands of kept devices) are checked each time:
# the cache's memory stays bounded by bytes, not only by entries (32,768 × 1 KiB).
FOLD_VERIFY_MAX_MESSAGE = 1024


def verify_again(public_key: bytes, signature: bytes, message: bytes) -> bool:
    """:func:`verify`, remembered for signatures the membership fold checks again."""
    if len(message) > FOLD_VERIFY_MAX_MESSAGE:
        return verify(public_key, signature, message)
    return _verify_remembered(public_key, signature, message)


@lru_cache(maxsize=FOLD_VERIFY_CACHE)
def _verify_remembered(public_key: bytes, signature: bytes, message: bytes) -> bool:
    return verify(public_key, signature, message)
