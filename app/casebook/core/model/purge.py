"""Withdrawal's building blocks (docs/protocol.md, "Withdrawal"): a case's purge key, the
tags that bind its events and attachments to it without telling anyone who lacks the
key, and the stripped form of an event (its header and signature, no body).

Pure: the relay and every computer run the same checks. HMAC-SHA256 from pyca/cryptography;
tags are compared in constant time.
"""

from __future__ import annotations

import hmac as stdlib_hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.hmac import HMAC

from casebook.core.model.encoding import EncodingError, decode, encode
from casebook.core.model.events import STRIPPABLE, EventError
from casebook.core.model.kinds import EventKind

KEY_BYTES = 32
TAG_BYTES = 16
_EVENT_DOMAIN = b"casebook/purge-tag/v1\x00"
_BLOB_DOMAIN = b"casebook/purge-blob/v1\x00"
# The kinds that belong to a case and may travel stripped once it is withdrawn.
CASE_KINDS = STRIPPABLE
# Attachments one event may add (payloads.MAX_ATTACHMENTS), and relay blob ids one
# withdrawal may name (a case's attachments over all its revisions).
MAX_EVENT_BLOBS = 20
MAX_WITHDRAWN_BLOBS = 1000


def new_key() -> bytes:
    return os.urandom(KEY_BYTES)


def _mac(key: bytes, data: bytes) -> bytes:
    if len(key) != KEY_BYTES:
        raise EventError("a purge key is 32 bytes")
    mac = HMAC(key, hashes.SHA256())
    mac.update(data)
    return mac.finalize()[:TAG_BYTES]


# The case an event belongs to, in its tag; a case's own ``case.create`` (whose id is not
# known before it is signed) uses this instead.
CREATION = bytes(32)


def event_tag(key: bytes, case: bytes | None, author: bytes, seq: int) -> bytes:
    """The tag an event carries in ``pub["w"]``: bound to its case (None: the case's own
    creation), its author and position, so a key copied into another case binds nothing
    of this one."""
    return _mac(key, _EVENT_DOMAIN + (case or CREATION) + author + seq.to_bytes(8, "big"))


def blob_tag(key: bytes, blob_id: bytes) -> bytes:
    """The tag of an attachment's relay id, listed in ``pub["b"]`` by the event adding it."""
    return _mac(key, _BLOB_DOMAIN + blob_id)


def tagged(key: bytes, case: bytes | None, author: bytes, seq: int, pub: Mapping[str, Any]) -> bool:
    """Whether an event's clear ``pub`` carries the right tag for ``key`` and ``case``."""
    tag = pub.get("w")
    expected = event_tag(key, case, author, seq)
    return isinstance(tag, bytes) and stdlib_hmac.compare_digest(tag, expected)


def strip(raw: bytes) -> bytes:
    """The event without its body: ``[header, h'', signature]``."""
    try:
        header, _body, signature = decode(raw)
    except (EncodingError, ValueError, TypeError):
        raise EventError("stored event does not decode") from None
    return encode([header, b"", signature])


def blob_tags(key: bytes, blob_ids: list[bytes]) -> list[bytes]:
    """``pub["b"]`` of an event adding attachments: one tag per relay blob id."""
    return [blob_tag(key, ident) for ident in blob_ids]


def _is_tag(value: Any) -> bool:
    return isinstance(value, bytes) and len(value) == TAG_BYTES


@dataclass(frozen=True)
class Withdrawal:
    """The clear part of a ``case.withdraw``: the case, its purge key (None for a case
    written before purge keys) and the relay ids of its attachments."""

    case: bytes
    key: bytes | None
    blobs: tuple[bytes, ...]

    def to_pub(self) -> dict[str, Any]:
        return {"case": self.case, "key": self.key, "blobs": list(self.blobs)}


def withdrawal(pub: Mapping[str, Any]) -> Withdrawal:
    """Read (and bound) a withdrawal's ``pub``; :class:`EventError` when malformed."""
    if set(pub) != {"case", "key", "blobs"}:
        raise EventError("a withdrawal's clear fields are its case, key and blobs")
    case, key, blobs = pub["case"], pub["key"], pub["blobs"]
    if not isinstance(case, bytes) or len(case) != 32:
        raise EventError("a withdrawal names its case by id")
    if key is not None and (not isinstance(key, bytes) or len(key) != KEY_BYTES):
        raise EventError("a purge key is 32 bytes")
    if not isinstance(blobs, list) or len(blobs) > MAX_WITHDRAWN_BLOBS:
        raise EventError(f"a withdrawal names at most {MAX_WITHDRAWN_BLOBS} attachments")
    if not all(isinstance(b, bytes) and len(b) == 32 for b in blobs):
        raise EventError("an attachment's relay id is 32 bytes")
    if key is None and blobs:
        raise EventError("a case without a purge key has no provable attachments")
    return Withdrawal(case, key, tuple(blobs))


def pub_problem(kind: str, pub: Mapping[str, Any]) -> str | None:
    """What is wrong with a content event's clear fields (None: nothing). A case's
    events carry their purge tag ``w`` and, when they add attachments, ``b``; a
    withdrawal carries :class:`Withdrawal`; every other content event carries none."""
    if kind in CASE_KINDS:
        if not set(pub) <= {"w", "b"}:
            return "a case's event carries no clear fields but its purge tags"
        if "w" in pub and not _is_tag(pub["w"]):
            return "a purge tag is 16 bytes"
        blobs = pub.get("b", [])
        if "b" in pub and "w" not in pub:
            return "attachment tags come with the event's purge tag"
        if not isinstance(blobs, list) or len(blobs) > MAX_EVENT_BLOBS:
            return f"at most {MAX_EVENT_BLOBS} attachment tags"
        if not all(_is_tag(b) for b in blobs):
            return "an attachment tag is 16 bytes"
        return None
    if kind == EventKind.CASE_WITHDRAW:
        try:
            withdrawal(pub)
        except EventError as exc:
            return str(exc)
        return None
    return "a content event carries no clear fields" if pub else None


def names_blob(key: bytes, blob_id: bytes, pub: Mapping[str, Any]) -> bool:
    """Whether a case event's ``pub["b"]`` proves ``blob_id`` belongs to the case of ``key``."""
    tags = pub.get("b")
    if not isinstance(tags, list):
        return False
    expected = blob_tag(key, blob_id)
    return any(isinstance(t, bytes) and stdlib_hmac.compare_digest(t, expected) for t in tags)
