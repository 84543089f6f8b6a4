"""The recovery key and the recovery box.

**The recovery key** is the member key's 32-byte Ed25519 seed, written for people: 52
base32 characters in 13 groups of 4, then a 14th group of 4 check characters (20 bits
of SHA-256 over ``"casebook/recovery-check/v1\\0"`` ‖ seed). A mistyped or missing
character is reported as a typo; the chance that one passes the check is one in a
million.

**The recovery box** is what relays keep for the member so a fresh computer with only
the recovery key finds the member's networks again: canonical CBOR ``{v: 1, name,
networks: [{net, create: raw network.create, seeds: [[epoch, source, seed]]}]}``,
sealed to the member's *box key*: an X25519 key pair whose private half is
HKDF-SHA256(seed, info ``"casebook/recovery-box/v2"``). Sealing is ``eph(32) ‖
nonce(12) ‖ ChaCha20-Poly1305`` under HKDF-SHA256(X25519(eph, box public), info
``"casebook/recovery-box-seal/v2"`` ‖ eph ‖ box public), the member key as associated
data. Linked computers are handed only the box's *public* key: they keep the box up to
date but cannot open it, so a revoked laptop (with a relay's copy of a later box) reads
no seed made after its revocation. Each relay files the box under ``box_id`` =
SHA-256(``"casebook/recovery-id/v1\\0"`` ‖ member key), takes it only from a logged-in,
current device of that member, and hands it only to whoever signs its nonce with the
member key (``get_message``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from casebook.core.model.encoding import EncodingError, decode, encode
from casebook.core.model.fingerprint import fingerprint
from casebook.errors import ModelError, UsageError

_CHECK_DOMAIN = b"casebook/recovery-check/v1\x00"
_BOX_INFO = b"casebook/recovery-box/v2"
_SEAL_INFO = b"casebook/recovery-box-seal/v2"
_BOX_AD = b"casebook/recovery-box/v1\x00"
_ID_DOMAIN = b"casebook/recovery-id/v1\x00"
_GET_DOMAIN = b"casebook/recovery-get/v1\x00"
MAX_BOX = 1024 * 1024
BOX_VERSION = 1


class RecoveryKeyError(ModelError):
    """A recovery key that cannot be read: ``kind`` "typo" or "malformed"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True, repr=False)
class MemberSigner:
    """The member key's private half, from the recovery key (it signs, nothing else)."""

    seed: bytes

    @property
    def _key(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    @property
    def public_key(self) -> bytes:
        return self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def __repr__(self) -> str:  # never print key material
        return f"MemberSigner({fingerprint(self.public_key)})"


def _check(seed: bytes) -> str:
    digest = hashlib.sha256(_CHECK_DOMAIN + seed).digest()
    return base64.b32encode(digest[:5]).decode()[:4]


def key_text(seed: bytes) -> str:
    """``ABCD-EFGH-…`` (14 groups of 4: 13 of the seed, 1 check group)."""
    body = base64.b32encode(seed).decode().rstrip("=") + _check(seed)
    return "-".join(body[i : i + 4] for i in range(0, len(body), 4))


def read_key(text: str) -> bytes:
    """The seed a recovery key spells; a typo is reported as one."""
    value = re.sub(r"[\s\-]", "", text or "").upper().replace("0", "O").replace("1", "I")
    if not value:
        raise RecoveryKeyError("malformed", "No recovery key was given.")
    if len(value) != 56 or not re.fullmatch(r"[A-Z2-7]+", value):
        raise RecoveryKeyError(
            "typo",
            f"A recovery key has 56 letters and digits in 14 groups of 4; this one has "
            f"{len(value)}. Check it against the paper and type it again.",
        )
    try:
        seed = base64.b32decode(value[:52] + "====")
    except (binascii.Error, ValueError):
        raise RecoveryKeyError("typo", "The recovery key has a typo; type it again.") from None
    if len(seed) != 32 or _check(seed) != value[52:]:
        raise RecoveryKeyError(
            "typo",
            "The recovery key has a typo (its last group, the check, does not match); check "
            "each group against the paper and type it again.",
        )
    return seed


def typed_key(text: str) -> bytes:
    """The seed of a recovery key a person typed; what is wrong with it is said in
    words (:class:`UsageError`: a typo is a typo), as the CLI and the app show it."""
    try:
        return read_key(text)
    except RecoveryKeyError as exc:
        raise UsageError(str(exc)) from None


def _box_private(seed: bytes) -> X25519PrivateKey:
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_BOX_INFO).derive(seed)
    return X25519PrivateKey.from_private_bytes(raw)


def box_public(seed: bytes) -> bytes:
    """The public half of the member's box key (what linked computers seal to)."""
    return _box_private(seed).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def _seal_key(shared: bytes, eph: bytes, public: bytes) -> ChaCha20Poly1305:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=_SEAL_INFO + eph + public
    ).derive(shared)
    return ChaCha20Poly1305(key)


def box_id(member: bytes) -> bytes:
    return hashlib.sha256(_ID_DOMAIN + member).digest()


def get_message(nonce: bytes, relay_fp: bytes, member: bytes) -> bytes:
    """What the member key signs to fetch its box from a relay (this connection only)."""
    return _GET_DOMAIN + nonce + relay_fp + member


def seal_box(public: bytes, member: bytes, box: dict[str, Any]) -> bytes:
    """``box`` sealed to the box key's public half ``public`` (see the module doc)."""
    eph = X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    shared = eph.exchange(X25519PublicKey.from_public_bytes(public))
    nonce = os.urandom(12)
    sealed = _seal_key(shared, eph_pub, public).encrypt(nonce, encode(box), _BOX_AD + member)
    return eph_pub + nonce + sealed


def open_box(seed: bytes, member: bytes, sealed: bytes) -> dict[str, Any]:
    """The box a relay kept, opened with the member key's seed (the recovery key)."""
    if not 60 <= len(sealed) <= MAX_BOX:
        raise RecoveryKeyError("malformed", "The relay's recovery box has an impossible size.")
    private = _box_private(seed)
    public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    eph, nonce, body = sealed[:32], sealed[32:44], sealed[44:]
    try:
        shared = private.exchange(X25519PublicKey.from_public_bytes(eph))
        plain = _seal_key(shared, eph, public).decrypt(nonce, body, _BOX_AD + member)
        box = decode(plain)
    except (InvalidTag, EncodingError, ValueError) as exc:
        raise RecoveryKeyError(
            "malformed", "The relay's recovery box does not open with this recovery key."
        ) from exc
    if not isinstance(box, dict) or box.get("v") != BOX_VERSION:
        raise RecoveryKeyError("malformed", "The relay's recovery box is malformed.")
    return box
