"""Invite codes, the keys derived from an invite's secret, and welcome packages.

An invite code is one token, ``CASEBOOK-INVITE-`` followed by base32 (upper case, so a
QR code can use its compact alphanumeric mode) of::

    canonical CBOR [1, net, secret, relays, role, expires, inviter, signature] ‖ check

- ``secret``: 16 random bytes (128 bits). From it and the network id, HKDF derives the
  invite's Ed25519 key (its public half is what the membership log stores, and what
  signs a redemption) and the key that seals the welcome package. The secret itself is
  never written to the log or sent to the relay.
- ``relays``: ``[[host, port, certificate SHA-256], ...]``.
- ``signature``: the inviter's Ed25519 signature over the network, the invite's public
  key, relays, role and expiry, so a code whose relay or role was changed is a forgery.
- ``check``: 4 bytes of SHA-256 over the rest. A mistyped or missing character breaks
  it, and is reported as a typo; only a code with a good check and a bad signature is
  reported as forged.
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
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from casebook.core.model.encoding import EncodingError, decode, encode
from casebook.core.model.identity import Identity, verify
from casebook.core.model.ids import MemberKey, NetId
from casebook.core.model.kinds import Role
from casebook.core.model.membership import ROLES, creation_message, redeem_message
from casebook.core.model.relayaddr import RelayAddress
from casebook.errors import ModelError

PREFIX = "CASEBOOK-INVITE-"
SECRET_LEN = 16
_CHECK_LEN = 4
_CHECK_DOMAIN = b"casebook/invite-code-check/v1\x00"
_SIG_DOMAIN = b"casebook/invite-code/v1\x00"
_KEY_INFO = b"casebook/invite-key/v1"
_WELCOME_INFO = b"casebook/invite-welcome/v1"
_JOIN_INFO = b"casebook/invite-join/v1"
_WELCOME_AD = b"casebook/invite-welcome/v1\x00"
MAX_CODE_CHARS = 4000


class InviteCodeError(ModelError):
    """What is wrong with a code; ``kind`` is "malformed", "typo" or "forged"."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def _hkdf(secret: bytes, net: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=net, info=info).derive(secret)


def signing_key(secret: bytes, net: bytes) -> Ed25519PrivateKey:
    return Ed25519PrivateKey.from_private_bytes(_hkdf(secret, net, _KEY_INFO))


def invite_key(secret: bytes, net: bytes) -> bytes:
    """The invite's public key: what the log stores to verify redemptions."""
    return signing_key(secret, net).public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def join_seed(secret: bytes, net: bytes) -> bytes:
    """The key a newcomer seals their ``member.join`` body under (used as an epoch seed
    is): derived from the invite's secret, and carried to members in the body of the
    ``invite.create``, so a join can be written before any epoch seed is handed over."""
    return _hkdf(secret, net, _JOIN_INFO)


def sign_creation(
    secret: bytes, net: NetId, inviter: bytes, role: Role, expires: int, uses: int
) -> bytes:
    """The invite key's signature on its own ``invite.create`` (see the fold)."""
    message = creation_message(net, inviter, role, expires, uses)
    return signing_key(secret, net).sign(message)


def prove(secret: bytes, net: NetId, member: MemberKey, xkey: bytes, nonce: bytes) -> bytes:
    """The redemption proof: the invite key's signature over the newcomer's keys and a
    fresh nonce (a relay's challenge, or the newcomer's own when joining offline)."""
    return signing_key(secret, net).sign(redeem_message(net, member, xkey, nonce))


@dataclass(frozen=True)
class InviteCode:
    net: NetId
    secret: bytes
    relays: tuple[RelayAddress, ...]
    role: Role
    expires: int
    inviter: MemberKey
    signature: bytes

    @property
    def key(self) -> bytes:
        return invite_key(self.secret, self.net)

    @staticmethod
    def _signed(
        net: bytes, key: bytes, relays: tuple[RelayAddress, ...], role: str, expires: int
    ) -> bytes:
        return _SIG_DOMAIN + encode([net, key, [r.to_wire() for r in relays], role, expires])

    @classmethod
    def make(
        cls,
        inviter: Identity,
        net: NetId,
        relays: tuple[RelayAddress, ...],
        role: Role,
        expires: int,
        secret: bytes | None = None,
    ) -> InviteCode:
        secret = secret or os.urandom(SECRET_LEN)
        signed = cls._signed(net, invite_key(secret, net), relays, role, expires)
        return cls(net, secret, relays, role, expires, inviter.public_key, inviter.sign(signed))

    def encode(self) -> str:
        payload = encode(
            [
                1,
                self.net,
                self.secret,
                [r.to_wire() for r in self.relays],
                self.role,
                self.expires,
                self.inviter,
                self.signature,
            ]
        )
        check = hashlib.sha256(_CHECK_DOMAIN + payload).digest()[:_CHECK_LEN]
        return PREFIX + base64.b32encode(payload + check).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> InviteCode:
        value = re.sub(r"[\s\-]", "", text or "").upper()
        prefix = PREFIX.replace("-", "")
        if not value.startswith(prefix):
            raise InviteCodeError(
                "malformed", f"This is not a Casebook invite code (they start with {PREFIX})."
            )
        body = value[len(prefix) :]
        if len(body) > MAX_CODE_CHARS or not re.fullmatch(r"[A-Z2-7]+", body):
            raise InviteCodeError(
                "typo",
                "The invite code has characters that cannot be in a code (only letters and "
                "the digits 2-7); check it or copy it again.",
            )
        try:
            data = base64.b32decode(body + "=" * (-len(body) % 8))
        except (binascii.Error, ValueError):
            raise InviteCodeError(
                "typo", "The invite code is incomplete or has a typo; copy it again."
            ) from None
        payload, check = data[:-_CHECK_LEN], data[-_CHECK_LEN:]
        if len(data) <= _CHECK_LEN or (
            hashlib.sha256(_CHECK_DOMAIN + payload).digest()[:_CHECK_LEN] != check
        ):
            raise InviteCodeError(
                "typo",
                "The invite code has a typo (its check characters do not match); "
                "check it character by character or copy it again.",
            )
        code = cls._from_payload(payload)
        if not verify(
            code.inviter,
            code.signature,
            cls._signed(code.net, code.key, code.relays, code.role, code.expires),
        ):
            raise InviteCodeError(
                "forged",
                "The invite code's signature does not verify: it was altered after the "
                "inviter made it. Do not use it; ask the inviter for a new one.",
            )
        return code

    @classmethod
    def _from_payload(cls, payload: bytes) -> InviteCode:
        forged = InviteCodeError(
            "forged",
            "The invite code is well-formed text but not a valid invite; ask for a new one.",
        )
        try:
            items = decode(payload)
        except EncodingError:
            raise forged from None
        if not (isinstance(items, list) and len(items) == 8 and items[0] == 1):
            raise forged
        _, net, secret, relays, role, expires, inviter, signature = items
        if not (
            isinstance(net, bytes)
            and len(net) == 16
            and isinstance(secret, bytes)
            and len(secret) == SECRET_LEN
            and isinstance(relays, list)
            and len(relays) <= 8
            and role in ROLES
            and type(expires) is int
            and isinstance(inviter, bytes)
            and len(inviter) == 32
            and isinstance(signature, bytes)
            and len(signature) == 64
        ):
            raise forged
        try:
            addresses = tuple(RelayAddress.from_wire(r) for r in relays)
        except ValueError:
            raise forged from None
        return cls(
            NetId(net), secret, addresses, Role(role), expires, MemberKey(inviter), signature
        )


# -- welcome packages -----------------------------------------------------------------


def _welcome_aead(secret: bytes, net: bytes) -> ChaCha20Poly1305:
    return ChaCha20Poly1305(_hkdf(secret, net, _WELCOME_INFO))


def seal_welcome(secret: bytes, net: bytes, welcome: dict[str, Any]) -> bytes:
    """Seal the epoch seeds (and what a newcomer needs to show the network) for the
    holder of the invite's secret; the relay keeps it until the invite is redeemed."""
    nonce = os.urandom(12)
    ad = _WELCOME_AD + net + invite_key(secret, net)
    return nonce + _welcome_aead(secret, net).encrypt(nonce, encode(welcome), ad)


def open_welcome(secret: bytes, net: bytes, sealed: bytes) -> dict[str, Any]:
    ad = _WELCOME_AD + net + invite_key(secret, net)
    try:
        welcome = decode(_welcome_aead(secret, net).decrypt(sealed[:12], sealed[12:], ad))
    except (InvalidTag, EncodingError, ValueError):
        raise InviteCodeError(
            "forged", "The welcome package for this invite does not open with its code."
        ) from None
    if not isinstance(welcome, dict):
        raise InviteCodeError("forged", "The welcome package is malformed.")
    return welcome
