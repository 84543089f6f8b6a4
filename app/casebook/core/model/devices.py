"""Writing a member's device entries: certificates, revocations, the device package.

The rules that judge them are in :mod:`device_rules` (part of the membership fold);
this module makes what a device writes or is handed:

- ``certificate``: the clear ``pub`` of a ``device.add``, signed by the member key or
  by one of the member's current devices;
- ``revocation``: the ``pub`` of a ``device.revoke``, with the member key's overruling
  signature when this computer holds that key;
- ``body_seed``: a ``device.add`` body holds nothing (``{}``); it is sealed under a key
  derived from the certificate's signature, so a device writes it before it holds any
  epoch seed (a recovered one) and everyone opens it;
- the **device package**: what the linking computer hands the new one, sealed to the
  new device's X25519 key and bound to the one-time link secret.
"""

from __future__ import annotations

import hashlib
import os
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casebook.core.model.encoding import decode, encode
from casebook.core.model.identity import Identity
from casebook.core.model.ids import NetId
from casebook.core.model.membership_state import (
    MAX_DEVICE_NAME,
    device_cert_message,
    device_revoke_message,
)

_BODY_DOMAIN = b"casebook/device-add-body/v1\x00"
_PACKAGE_INFO = b"casebook/device-package/v1"
_PACKAGE_AD = b"casebook/device-package/v1\x00"
MAX_PACKAGE = 4 * 1024 * 1024


class PackageError(Exception):
    """A device package that does not open with this device's key and link secret."""


def clean_name(name: str) -> str:
    text = " ".join(name.split())[:MAX_DEVICE_NAME]
    return text or "Computer"


class Signer(Protocol):
    """The member key or a device key: what signs certificates and revocations."""

    @property
    def public_key(self) -> bytes: ...

    def sign(self, message: bytes) -> bytes: ...


def certificate(
    signer: Signer,
    net: NetId,
    member: bytes,
    device: bytes,
    xkey: bytes,
    name: str,
    created: int,
    holds: int | None,
) -> dict[str, Any]:
    """The ``pub`` of ``device``'s ``device.add`` in ``net`` (``holds``: the newest epoch
    whose seed it was handed; None for a recovered device that holds none)."""
    name = clean_name(name)
    message = device_cert_message(net, member, device, xkey, created, name)
    pub: dict[str, Any] = {
        "member": member,
        "xkey": xkey,
        "name": name,
        "created": created,
        "by": signer.public_key,
        "sig": signer.sign(message),
    }
    if holds is not None:
        pub["holds"] = holds
    return pub


def revocation(
    net: NetId, device: bytes, upto: int, keeps: list[bytes], member: Signer | None
) -> dict[str, Any]:
    """The ``pub`` of a ``device.revoke``; signed by the member key when given."""
    keeps = sorted(set(keeps))
    pub: dict[str, Any] = {"device": device, "upto": upto, "keeps": keeps}
    if member is not None:
        pub["msig"] = member.sign(device_revoke_message(net, device, upto, keeps))
    return pub


def body_seed(pub: dict[str, Any]) -> bytes:
    """The key a ``device.add`` body is sealed under (derived from public values)."""
    return hashlib.sha256(_BODY_DOMAIN + bytes(pub["sig"])).digest()


def _package_key(shared: bytes, secret: bytes, eph: bytes, xkey: bytes) -> ChaCha20Poly1305:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=secret, info=_PACKAGE_INFO + eph + xkey
    ).derive(shared)
    return ChaCha20Poly1305(key)


def seal_package(package: dict[str, Any], xkey: bytes, secret: bytes) -> bytes:
    """``package`` (canonical CBOR) sealed to the device's X25519 key ``xkey`` and bound
    to the link secret: ``eph(32) ‖ nonce(12) ‖ ChaCha20-Poly1305``."""
    eph = X25519PrivateKey.generate()
    eph_pub = eph.public_key().public_bytes_raw()
    shared = eph.exchange(X25519PublicKey.from_public_bytes(xkey))
    nonce = os.urandom(12)
    sealed = _package_key(shared, secret, eph_pub, xkey).encrypt(
        nonce, encode(package), _PACKAGE_AD + xkey
    )
    return eph_pub + nonce + sealed


def open_package(sealed: bytes, device: Identity, secret: bytes) -> dict[str, Any]:
    if not 44 < len(sealed) <= MAX_PACKAGE:
        raise PackageError("the device package has an impossible size")
    eph, nonce, body = sealed[:32], sealed[32:44], sealed[44:]
    xkey = device.exchange_public_key
    try:
        shared = device.exchange_key.exchange(X25519PublicKey.from_public_bytes(eph))
        plain = _package_key(shared, secret, eph, xkey).decrypt(nonce, body, _PACKAGE_AD + xkey)
        package = decode(plain)
    except Exception as exc:
        raise PackageError("the device package does not open with this link") from exc
    if not isinstance(package, dict):
        raise PackageError("the device package is malformed")
    return package
