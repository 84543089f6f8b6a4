"""Link codes: the one-time code that links a new computer to a member's library.

``CASEBOOK-LINK-`` + base32 of ``canonical CBOR [1, secret(16), relays, expires] ‖
check(4)``. From the secret:

- ``slot``: SHA-256(``"casebook/link-slot/v1\\0"`` ‖ secret), the name the linking
  computer's waiting place has at the relay (the relay never sees the secret);
- ``request_mac``: the new computer's proof that it holds the code, an HMAC-SHA256
  under HKDF(secret, ``"casebook/link-mac/v1"``) over its keys and name;
- ``comparison``: six digits both screens show, derived the same way from the new
  computer's keys, so someone who saw the code before it was used and raced the real
  computer to the relay is caught by the person comparing;
- the device package is sealed to the new computer's key with the secret as salt
  (``core/model/devices.py``).

A code is single-use and short-lived: the linking computer forgets it after one
handover or after ``LIFETIME_MS``, and so does the relay.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac as std_hmac
import os
import re
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes, hmac
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casebook.core.model.encoding import EncodingError, decode, encode
from casebook.core.model.invite_codes import InviteCodeError
from casebook.core.model.relayaddr import RelayAddress

PREFIX = "CASEBOOK-LINK-"
SECRET_LEN = 16
LIFETIME_MS = 10 * 60 * 1000
_CHECK_LEN = 4
_CHECK_DOMAIN = b"casebook/link-code-check/v1\x00"
_SLOT_DOMAIN = b"casebook/link-slot/v1\x00"
_MAC_INFO = b"casebook/link-mac/v1"
MAX_CODE_CHARS = 1000


def _mac(secret: bytes, message: bytes) -> bytes:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_MAC_INFO).derive(secret)
    h = hmac.HMAC(key, hashes.SHA256())
    h.update(message)
    return h.finalize()


@dataclass(frozen=True)
class LinkCode:
    secret: bytes
    relays: tuple[RelayAddress, ...]
    expires: int

    @classmethod
    def make(cls, relays: tuple[RelayAddress, ...], now: int) -> LinkCode:
        return cls(os.urandom(SECRET_LEN), relays, now + LIFETIME_MS)

    @property
    def slot(self) -> bytes:
        return hashlib.sha256(_SLOT_DOMAIN + self.secret).digest()

    def request_mac(self, device: bytes, xkey: bytes, name: str) -> bytes:
        return _mac(self.secret, b"request\x00" + device + xkey + name.encode())

    def request_ok(self, device: bytes, xkey: bytes, name: str, mac: bytes) -> bool:
        return std_hmac.compare_digest(self.request_mac(device, xkey, name), mac)

    def comparison(self, device: bytes, xkey: bytes) -> str:
        """Six digits, shown on both computers (``123 456``)."""
        digest = _mac(self.secret, b"compare\x00" + device + xkey)
        number = int.from_bytes(digest[:8], "big") % 1_000_000
        return f"{number:06d}"[:3] + " " + f"{number:06d}"[3:]

    def encode(self) -> str:
        payload = encode([1, self.secret, [r.to_wire() for r in self.relays], self.expires])
        check = hashlib.sha256(_CHECK_DOMAIN + payload).digest()[:_CHECK_LEN]
        return PREFIX + base64.b32encode(payload + check).decode().rstrip("=")

    @classmethod
    def decode(cls, text: str) -> LinkCode:
        value = re.sub(r"[\s\-]", "", text or "").upper()
        prefix = PREFIX.replace("-", "")
        if not value.startswith(prefix):
            raise InviteCodeError(
                "malformed", f"This is not a Casebook link code (they start with {PREFIX})."
            )
        body = value[len(prefix) :]
        typo = InviteCodeError(
            "typo",
            "The link code has a typo (its check characters do not match); check it "
            "character by character or copy it again.",
        )
        if len(body) > MAX_CODE_CHARS or not re.fullmatch(r"[A-Z2-7]+", body):
            raise typo
        try:
            data = base64.b32decode(body + "=" * (-len(body) % 8))
        except (binascii.Error, ValueError):
            raise typo from None
        payload, check = data[:-_CHECK_LEN], data[-_CHECK_LEN:]
        if len(data) <= _CHECK_LEN or (
            hashlib.sha256(_CHECK_DOMAIN + payload).digest()[:_CHECK_LEN] != check
        ):
            raise typo
        bad = InviteCodeError("forged", "The link code is not valid; make a new one.")
        try:
            items = decode(payload)
        except EncodingError:
            raise bad from None
        if (
            not isinstance(items, list)
            or len(items) != 4
            or items[0] != 1
            or not isinstance(items[1], bytes)
            or len(items[1]) != SECRET_LEN
            or not isinstance(items[2], list)
            or len(items[2]) > 8
            or type(items[3]) is not int
        ):
            raise bad
        try:
            relays = tuple(RelayAddress.from_wire(r) for r in items[2])
        except ValueError:  # a malformed relay is a malformed code
            raise bad from None
        return cls(items[1], relays, items[3])
