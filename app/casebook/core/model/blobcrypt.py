"""Attachments in transit: chunks sealed under a key only the network's members hold.

An attachment is stored locally in clear chunks inside the encrypted database. To travel
through a relay, each 256 KiB chunk is sealed with ChaCha20-Poly1305 under

    key = HKDF-SHA256(epoch seed, salt = net, info = "casebook/blob-key/v1\\0" ‖ epoch ‖ hash)

where ``hash`` is the attachment's SHA-256 (which only the encrypted case names). The
relay stores and serves the chunks under ``blob id = SHA-256("casebook/blob-id/v1\\0" ‖
key)``: it learns neither the hash nor the content, only sizes. The uploader uses the
network's current epoch; a member fetching tries the epochs it holds, newest first, so a
removed member (who holds no newer seed) cannot even name a new attachment. The nonce is
the chunk index (the key is unique per attachment and epoch); the AD binds the blob id,
the index and the chunk count, so chunks cannot be swapped, dropped or cut short.
Whatever arrives is checked against ``hash`` before it is stored.
"""

from __future__ import annotations

import hashlib

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casebook.errors import ModelError

_KEY_INFO = b"casebook/blob-key/v1\x00"
_ID_DOMAIN = b"casebook/blob-id/v1\x00"
_AD_DOMAIN = b"casebook/blob-chunk/v1\x00"
MAX_CHUNKS = 1024


class BlobError(ModelError):
    """A chunk that does not open, or an attachment whose bytes do not match its hash."""


def blob_key(seed: bytes, net: bytes, epoch: int, digest: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=net,
        info=_KEY_INFO + epoch.to_bytes(8, "big") + digest,
    ).derive(seed)


def blob_id(key: bytes) -> bytes:
    return hashlib.sha256(_ID_DOMAIN + key).digest()


_KEYED_DOMAIN = b"casebook/blob-id/v2\x00"


def case_blob_id(case: bytes, inner: bytes) -> bytes:
    """The relay id of an attachment of a case written with a purge key: its inner id
    (:func:`blob_id`) bound to the case, so each case's copy has an id of its own, and a
    withdrawal of a case (which lists inner ids) can make the relay drop only its own."""
    return hashlib.sha256(_KEYED_DOMAIN + case + inner).digest()


def relay_id(key: bytes, case: bytes | None) -> bytes:
    """Where an attachment sealed under ``key`` is kept at a relay: :func:`case_blob_id`
    for a case with a purge key (``case``: its id), :func:`blob_id` for one written
    before purge keys (``case`` None)."""
    inner = blob_id(key)
    return inner if case is None else case_blob_id(case, inner)


def _ad(ident: bytes, index: int, total: int) -> bytes:
    return _AD_DOMAIN + ident + index.to_bytes(4, "big") + total.to_bytes(4, "big")


def seal_chunk(key: bytes, index: int, total: int, data: bytes) -> bytes:
    nonce = index.to_bytes(12, "big")
    return ChaCha20Poly1305(key).encrypt(nonce, data, _ad(blob_id(key), index, total))


def open_chunk(key: bytes, index: int, total: int, sealed: bytes) -> bytes:
    nonce = index.to_bytes(12, "big")
    try:
        return ChaCha20Poly1305(key).decrypt(nonce, sealed, _ad(blob_id(key), index, total))
    except InvalidTag:
        raise BlobError("an attachment chunk does not open (damaged or not ours)") from None
