"""Signed, hash-identified, per-author-chained events.

Wire form: canonical CBOR ``[header_bytes, body, signature]`` where ``header_bytes`` is
the canonical CBOR map::

    {"v": 1, "net": bstr16, "author": bstr32, "seq": uint>=1, "prev": bstr32 | null,
     "lamport": uint>=1, "ts": uint (ms), "kind": tstr, "epoch": uint, "pub": map,
     "body": bstr32 (SHA-256 of the body bytes)}

``body`` is the epoch-key ciphertext of the kind's payload (see :mod:`content`); the
header commits to it by hash, so a relay can verify signatures and chains of events
whose bodies it cannot read, or that it has not received yet. ``pub`` carries the few
clear fields that membership validation needs (empty for content events). The event id
is SHA-256 of ``header_bytes``; the signature is Ed25519 over a domain tag and that hash.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from casebook.core.model import content, payload_pack
from casebook.core.model.encoding import EncodingError, decode, decode_stored, encode
from casebook.core.model.identity import Identity, verify
from casebook.core.model.ids import EventId, MemberKey, NetId
from casebook.core.model.kinds import EventKind
from casebook.errors import ModelError

VERSION = 1
MAX_EVENT_BYTES = 4 * 1024 * 1024
# Integers in headers stay within what SQLite and JSON hold exactly. A Lamport clock that
# reaches the cap saturates (ties are then broken by event id) instead of overflowing.
MAX_INT = 2**53 - 1
# Latest timestamp we accept: the end of year 9999, which every date library can show.
MAX_TS = 253_402_300_799_999
_SIG_DOMAIN = b"casebook/event-signature/v1\x00"
_AD_DOMAIN = b"casebook/event-body/v1\x00"
_KIND = re.compile(r"^[a-z]+(\.[a-z]+)*$")
_HEADER_KEYS = {
    "v",
    "net",
    "author",
    "seq",
    "prev",
    "lamport",
    "ts",
    "kind",
    "epoch",
    "pub",
    "body",
}


class EventError(ModelError):
    """Why an event was refused (encoding, signature, chain, payload, permission); the
    message is safe to show. Still a ``ValueError`` for the code that catches those."""

    exit_code = 3


class WrongKey(EventError):
    """The body does not authenticate under the seed tried."""


@dataclass(frozen=True)
class Header:
    net: NetId
    author: MemberKey
    seq: int
    prev: EventId | None
    lamport: int
    ts: int
    kind: str
    epoch: int
    pub: dict[str, Any]
    body_hash: bytes

    def to_map(self) -> dict[str, Any]:
        return {
            "v": VERSION,
            "net": self.net,
            "author": self.author,
            "seq": self.seq,
            "prev": self.prev,
            "lamport": self.lamport,
            "ts": self.ts,
            "kind": self.kind,
            "epoch": self.epoch,
            "pub": self.pub,
            "body": self.body_hash,
        }


@dataclass(frozen=True)
class Event:
    header: Header
    header_bytes: bytes
    body: bytes
    signature: bytes
    id: EventId
    raw: bytes
    # What a library stores in place of ``raw``: its open form (:func:`open_form`), when
    # the event was opened before it was stored; None: ``raw`` itself.
    stored: bytes | None = field(default=None, compare=False, repr=False)

    @property
    def net(self) -> NetId:
        return self.header.net

    @property
    def author(self) -> MemberKey:
        return self.header.author

    @property
    def seq(self) -> int:
        return self.header.seq

    @property
    def kind(self) -> str:
        return self.header.kind

    def open(self, seed: bytes) -> bytes:
        """The payload's bytes, decrypted with the seed of this event's epoch."""
        aead = content.body_key(seed, self.header.net, self.header.epoch)
        try:
            return content.open_sealed(aead, self.body, _AD_DOMAIN + _pre_header_bytes(self.header))
        except content.DecryptionError as exc:
            raise WrongKey(f"body does not decrypt: {exc}") from None

    def decrypt(self, seed: bytes) -> dict[str, Any]:
        """The payload, decrypted with the seed of this event's epoch."""
        return payload_of(self.open(seed))


def payload_of(plain: bytes) -> dict[str, Any]:
    """An opened body's payload (:class:`EventError` unless a canonical map)."""
    try:
        payload = decode(plain)
    except EncodingError as exc:
        raise EventError(f"body is not a canonical payload: {exc}") from None
    if not isinstance(payload, dict):
        raise EventError("payload is not a map")
    return payload


def _uint(value: Any, name: str, minimum: int = 0, maximum: int = MAX_INT) -> int:
    if type(value) is not int or not minimum <= value <= maximum:
        raise EventError(f"{name} must be an integer from {minimum} to {maximum}")
    return value


def _bstr(value: Any, name: str, length: int) -> bytes:
    if not isinstance(value, bytes) or len(value) != length:
        raise EventError(f"{name} must be {length} bytes")
    return value


def _parse_header(data: Any) -> Header:
    if not isinstance(data, dict) or set(data) != _HEADER_KEYS:
        raise EventError("header has missing or unknown fields")
    if type(data["v"]) is not int or data["v"] != VERSION:
        raise EventError(f"unsupported event version {data['v']!r}")
    seq = _uint(data["seq"], "seq", 1)
    prev = data["prev"]
    if seq == 1:
        if prev is not None:
            raise EventError("the first event of a chain has no prev")
    else:
        prev = EventId(_bstr(prev, "prev", 32))
    kind = data["kind"]
    if not isinstance(kind, str) or len(kind) > 40 or not _KIND.fullmatch(kind):
        raise EventError("bad kind")
    if not isinstance(data["pub"], dict):
        raise EventError("pub must be a map")
    return Header(
        net=NetId(_bstr(data["net"], "net", 16)),
        author=MemberKey(_bstr(data["author"], "author", 32)),
        seq=seq,
        prev=prev,
        lamport=_uint(data["lamport"], "lamport", 1),
        ts=_uint(data["ts"], "ts", maximum=MAX_TS),
        kind=kind,
        epoch=_uint(data["epoch"], "epoch"),
        pub=data["pub"],
        body_hash=_bstr(data["body"], "body hash", 32),
    )


def create(
    identity: Identity,
    *,
    net: NetId,
    seq: int,
    prev: EventId | None,
    lamport: int,
    ts: int,
    kind: str,
    epoch: int,
    seed: bytes,
    payload: dict[str, Any],
    pub: dict[str, Any] | None = None,
    payload_checked: bool = False,
) -> Event:
    """Encrypt ``payload`` under the epoch seed, sign, and return the event.

    ``payload_checked`` says the payload came out of :func:`payloads.validate`, so its
    types need no second walk.
    """
    plain = encode(payload, checked=payload_checked)
    # The body is sealed before the header exists, so bind the AD to the header
    # fields without the body hash first, then commit to the ciphertext by hash.
    aead = content.body_key(seed, net, epoch)
    pre = Header(net, identity.public_key, seq, prev, lamport, ts, kind, epoch, pub or {}, b"")
    body = content.seal(aead, plain, _AD_DOMAIN + _pre_header_bytes(pre))
    header = Header(**{**pre.__dict__, "body_hash": hashlib.sha256(body).digest()})
    _parse_header(header.to_map())  # refuse to sign what others would refuse
    header_bytes = encode(header.to_map(), checked=True)
    event_id = EventId(hashlib.sha256(header_bytes).digest())
    signature = identity.sign(_SIG_DOMAIN + event_id)
    raw = encode([header_bytes, body, signature], checked=True)
    if len(raw) > MAX_EVENT_BYTES:
        raise EventError("event too large")
    stored = _open_form(kind, header_bytes, body, signature, plain)
    return Event(header, header_bytes, body, signature, event_id, raw, stored)


def _pre_header_bytes(header: Header) -> bytes:
    data = header.to_map()
    del data["body"]
    return encode(data, checked=True)


# How far ahead of the network's clock (as far as a relay knows) an event's Lamport
# clock may be. An honest author is ahead only by what it wrote offline; an event at the
# cap would freeze the order of everything after it (and with it removals).
MAX_CLOCK_AHEAD = 1 << 20
_OUTER_ITEMS = 4  # [header, body, signature]
# A header is a dozen fields and ``pub``; the largest ``pub`` is a rotation's wraps,
# three items for each of at most 10,000 members.
MAX_HEADER_ITEMS = 32_768


# The kinds a withdrawal may strip of their body: a case's own events and its discussion
# (``CASE_EVENTS``, tagged with the case's purge key), and moderators' acts on them (whose
# reasons may quote the case; stripped by each computer, not by the relay).
CASE_EVENTS = frozenset(
    {
        EventKind.CASE_CREATE,
        EventKind.CASE_EDIT,
        EventKind.CASE_STATUS,
        EventKind.CASE_OUTCOME,
        EventKind.CASE_REQUEST,
        EventKind.COMMENT_CREATE,
        EventKind.COMMENT_EDIT,
        EventKind.COMMENT_ENDORSE,
        EventKind.POLL_CREATE,
        EventKind.POLL_ANSWER,
        EventKind.POLL_FINAL,
    }
)
STRIPPABLE = CASE_EVENTS | {
    EventKind.CONTENT_HIDE,
    EventKind.CONTENT_UNHIDE,
    EventKind.CONTENT_PIN,
    EventKind.CONTENT_UNPIN,
    EventKind.CONTENT_HOLD,
    EventKind.CONTENT_RELEASE,
}


def is_stripped(event: Event) -> bool:
    """A withdrawn case's event travels with an empty body (its header still signed)."""
    return event.body == b"" and event.header.kind in STRIPPABLE


def parse(raw: bytes, *, stripped_ok: bool = False) -> Event:
    """Decode and verify an event's structure, body hash and signature (not its body).
    ``stripped_ok``: accept a case event whose body was dropped by a withdrawal (the
    signature still covers the header; the body hash cannot be checked)."""
    if len(raw) > MAX_EVENT_BYTES:
        raise EventError("event too large")
    try:
        outer = decode(raw, _OUTER_ITEMS)
        if not (isinstance(outer, list) and len(outer) == 3):
            raise EventError("event must be [header, body, signature]")
        header_bytes, body, signature = outer
        if not all(isinstance(x, bytes) for x in outer):
            raise EventError("event parts must be byte strings")
        header = _parse_header(decode(header_bytes, MAX_HEADER_ITEMS))
    except EncodingError as exc:
        raise EventError(f"not a canonical event: {exc}") from None
    stripped = stripped_ok and body == b"" and header.kind in STRIPPABLE
    if not stripped and hashlib.sha256(body).digest() != header.body_hash:
        raise EventError("body does not match its hash")
    event_id = EventId(hashlib.sha256(header_bytes).digest())
    if len(signature) != 64 or not verify(header.author, signature, _SIG_DOMAIN + event_id):
        raise EventError("signature does not verify")
    return Event(header, header_bytes, body, signature, event_id, bytes(raw))


def parse_trusted(raw: bytes) -> Event:
    """Decode an event this profile verified when it stored it (no signature check)."""
    try:
        header_bytes, body, signature = decode(raw)
        header = _parse_header(decode(header_bytes))
    except (EncodingError, ValueError, TypeError):
        raise EventError("stored event does not decode") from None
    event_id = EventId(hashlib.sha256(header_bytes).digest())
    return Event(header, header_bytes, body, signature, event_id, bytes(raw))


# -- the open form: how a library keeps the events it has read --------------------------
#
# A case's events and the acts on them (``STRIPPABLE``: most of a library) are kept as
# canonical CBOR ``[header_bytes, nonce, packed, signature]``, ``packed`` the payload's
# bytes as a Zstandard frame (``payload_pack``), when the event was opened before it was
# stored and this is smaller than its wire form. ChaCha20-Poly1305 is deterministic for
# one key, nonce, plaintext and associated data, so sealing the payload again under the
# nonce its body began with gives the body back byte for byte; the header's body hash
# proves it (:func:`sealed_again`). The wire form is a 3-array, the open form a
# 4-array: the first byte tells them apart. The open form never leaves the library
# (docs/security.md).
_OPEN = b"\x84"


def _open_form(
    kind: str, header_bytes: bytes, body: bytes, signature: bytes, plain: bytes
) -> bytes | None:
    if kind not in STRIPPABLE or len(body) < content.NONCE_LEN:
        return None
    packed = payload_pack.pack(plain)
    nonce = body[: content.NONCE_LEN]
    form = encode([header_bytes, nonce, packed, signature], checked=True)
    return form if len(form) < len(header_bytes) + len(body) + len(signature) else None


def open_form(event: Event, plain: bytes) -> bytes | None:
    """How a library keeps ``event``, whose body opened to ``plain``: its open form, or
    None to keep its wire form (a kind not packed, or nothing gained)."""
    return _open_form(event.kind, event.header_bytes, event.body, event.signature, plain)


def is_open_form(stored: bytes) -> bool:
    return stored[:1] == _OPEN


def stored_header(stored: bytes) -> Header:
    """The header of an event as a library keeps it, in either form."""
    return open_header(stored) if is_open_form(stored) else parse_trusted(stored).header


def open_header(stored: bytes) -> Header:
    """The header of an event kept in its open form (it says which seeds to try)."""
    try:
        return _parse_header(decode_stored(_open_parts(stored)[0]))
    except EncodingError:
        raise EventError("stored event does not decode") from None


def _open_parts(stored: bytes) -> tuple[bytes, bytes, bytes, bytes]:
    try:
        parts = decode_stored(stored)
    except EncodingError:
        raise EventError("stored event does not decode") from None
    if not (isinstance(parts, list) and len(parts) == 4):
        raise EventError("stored event does not decode")
    if not all(isinstance(x, bytes) for x in parts) or len(parts[1]) != content.NONCE_LEN:
        raise EventError("stored event does not decode")
    header_bytes, nonce, packed, signature = parts
    return header_bytes, nonce, packed, signature


def _unpack(packed: bytes) -> bytes:
    try:
        return payload_pack.unpack(packed, MAX_EVENT_BYTES)
    except payload_pack.UnpackError:
        raise EventError("stored event does not unpack") from None


def open_payload(stored: bytes) -> bytes:
    """The payload's bytes of an event kept in its open form, unpacked (not sealed again:
    nothing proves them but the encrypted database they were read from)."""
    return _unpack(_open_parts(stored)[2])


def sealed_again(stored: bytes, seeds: Callable[[Header], Sequence[bytes]]) -> bytes:
    """The wire form of an event kept in its open form: its payload sealed again under
    its epoch's seed (``seeds``: the candidates for its header) and the nonce it was
    sealed with, proved by the header's body hash. :class:`EventError` when the stored
    form is damaged or no seed gives the body back."""
    header_bytes, nonce, packed, signature = _open_parts(stored)
    try:
        header = _parse_header(decode_stored(header_bytes))
    except EncodingError:
        raise EventError("stored event does not decode") from None
    plain = _unpack(packed)
    associated = _AD_DOMAIN + _pre_header_bytes(header)
    for seed in seeds(header):
        aead = content.body_key(seed, header.net, header.epoch)
        body = nonce + aead.encrypt(nonce, plain, associated)
        if hashlib.sha256(body).digest() == header.body_hash:
            return encode([header_bytes, body, signature], checked=True)
    raise EventError("stored event does not seal again to its signed body")
