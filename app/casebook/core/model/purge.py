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
from casebook.core.model.events import CASE_EVENTS, STRIPPABLE, EventError
from casebook.core.model.kinds import EventKind

KEY_BYTES = 32
TAG_BYTES = 16
_EVENT_DOMAIN = b"casebook/purge-tag/v1\x00"
# The kinds that belong to a case, tagged with its purge key.
CASE_KINDS = CASE_EVENTS
# Moderators' acts on a case or one of its comments: tagged too (by this version: acts
# written before carry no tag), so a relay can tell a withdrawn case's acts apart.
MODERATION_KINDS = STRIPPABLE - CASE_EVENTS
TAGGED_KINDS = STRIPPABLE
# The attachments one withdrawal may name (a case's, over all its revisions).
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


def tagged(key: bytes, case: bytes | None, author: bytes, seq: int, pub: Mapping[str, Any]) -> bool:
    """Whether an event's clear ``pub`` carries the right tag for ``key`` and ``case``."""
    tag = pub.get("w")
    expected = event_tag(key, case, author, seq)
    return isinstance(tag, bytes) and stdlib_hmac.compare_digest(tag, expected)


def strip(raw: bytes) -> bytes:
    """The event without its body: ``[header, h'', signature]`` (from its wire form or
    from the open form a library keeps, ``events.open_form``)."""
    try:
        parts = decode(raw)
    except EncodingError:
        raise EventError("stored event does not decode") from None
    if not isinstance(parts, list) or len(parts) not in (3, 4):
        raise EventError("stored event does not decode")
    return encode([parts[0], b"", parts[-1]])


def _is_tag(value: Any) -> bool:
    return isinstance(value, bytes) and len(value) == TAG_BYTES


@dataclass(frozen=True)
class Withdrawal:
    """The clear part of a ``case.withdraw``: the case, its purge key (None for a case
    written before purge keys) and the inner ids of its attachments
    (blobcrypt.blob_id; the relay keeps the case's copies under ids bound to the case)."""

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
        raise EventError("an attachment's id is 32 bytes")
    if key is None and blobs:
        raise EventError("a case without a purge key has no provable attachments")
    return Withdrawal(case, key, tuple(blobs))


def pub_problem(kind: str, pub: Mapping[str, Any]) -> str | None:
    """What is wrong with a content event's clear fields (None: nothing). A case's
    events and the moderators' acts on it carry their purge tag ``w``; a withdrawal
    carries :class:`Withdrawal`; every other content event carries none."""
    if kind in TAGGED_KINDS:
        if not set(pub) <= {"w"}:
            return "a case's event carries no clear fields but its purge tag"
        if "w" in pub and not _is_tag(pub["w"]):
            return "a purge tag is 16 bytes"
        return None
    if kind == EventKind.CASE_WITHDRAW:
        try:
            withdrawal(pub)
        except EventError as exc:
            return str(exc)
        return None
    return "a content event carries no clear fields" if pub else None


def stored_tag(event: Any) -> bytes:
    """What a store keeps beside an event: its purge tag (a case's event, or an act on
    it), else empty."""
    tag = event.header.pub.get("w") if event.kind in TAGGED_KINDS else None
    return tag if isinstance(tag, bytes) and len(tag) == TAG_BYTES else b""
