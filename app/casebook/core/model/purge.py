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
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.hmac import HMAC

from casebook.core.model.encoding import EncodingError, decode, encode
from casebook.core.model.events import STRIPPABLE, EventError

KEY_BYTES = 32
TAG_BYTES = 16
_EVENT_DOMAIN = b"casebook/purge-tag/v1\x00"
_BLOB_DOMAIN = b"casebook/purge-blob/v1\x00"
# The kinds that belong to a case and may travel stripped once it is withdrawn.
CASE_KINDS = STRIPPABLE


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
