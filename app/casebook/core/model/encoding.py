"""Canonical, strict CBOR for everything that is signed or hashed.

Only a small data model is allowed: ``None``, ``bool``, ``int`` (64-bit), ``bytes``,
``str``, ``list`` and ``dict`` with ``str`` keys. Floats, tags, indefinite lengths and
duplicate keys are refused, and a decoded value must re-encode to exactly the bytes it
came from, so every value has one and only one encoding (RFC 8949 §4.2 deterministic
encoding, as produced by ``cbor2.dumps(canonical=True)``).
"""

from __future__ import annotations

from typing import Any

import cbor2

from casebook.errors import ModelError

MAX_DEPTH = 16
# Items (array elements, map keys and values, scalars) one decoded value may hold: far
# above any message or event (a 1,024-event batch is ~1,030; a 20,000-author vector
# ~60,000), far below what a 4 MiB frame of empty maps would cost (4 million).
MAX_ITEMS = 65_536
_WIDTH = {24: 1, 25: 2, 26: 4, 27: 8}
_INT_MIN = -(2**63)
_INT_MAX = 2**64 - 1


class EncodingError(ModelError):
    """Bytes that are not canonical Casebook CBOR."""


def _check(value: Any, depth: int) -> None:
    if depth > MAX_DEPTH:
        raise EncodingError("value nested too deeply")
    if value is None or isinstance(value, bool | bytes | str):
        return
    if isinstance(value, int):
        if not _INT_MIN <= value <= _INT_MAX:
            raise EncodingError("integer out of range")
        return
    if isinstance(value, list):
        for item in value:
            _check(item, depth + 1)
        return
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise EncodingError("map keys must be text")
            _check(item, depth + 1)
        return
    raise EncodingError(f"type {type(value).__name__} is not allowed")


def encode(value: Any, *, checked: bool = False) -> bytes:
    """Encode ``value`` canonically; raises :class:`EncodingError` on a disallowed type.

    ``checked=True`` skips the type walk for values this process just built from
    validated parts (the hot path of writing events); receivers always decode strictly.
    """
    if not checked:
        _check(value, 0)
    return cbor2.dumps(value, canonical=True)


def _no_tags(_decoder: object, tag: object) -> Any:
    raise EncodingError("CBOR tags are not allowed")


def _scan(data: bytes, max_items: int) -> None:
    """Walk the item heads of ``data`` without building anything, and refuse it once it
    holds more than ``max_items`` items or nests deeper than :data:`MAX_DEPTH`: the cost
    of refusing is bounded by the limits, not by the input. Strings are skipped whole."""
    pos, end, items = 0, len(data), 0
    pending = [1]  # items still to read at each open level
    while pending:
        if pending[-1] == 0:
            pending.pop()
            continue
        pending[-1] -= 1
        if pos >= end:
            raise EncodingError("malformed CBOR: truncated")
        head = data[pos]
        major, info = head >> 5, head & 31
        width = _WIDTH.get(info, 0) if info >= 24 else 0
        if info >= 28:
            raise EncodingError("malformed CBOR: indefinite length or reserved value")
        arg = int.from_bytes(data[pos + 1 : pos + 1 + width], "big") if width else info
        pos += 1 + width
        items += 1
        if items > max_items:
            raise EncodingError(f"more than {max_items} items in one value")
        if major in (2, 3):
            pos += arg
        elif major in (4, 5) and arg:
            if len(pending) > MAX_DEPTH:
                raise EncodingError("value nested too deeply")
            pending.append(arg if major == 4 else 2 * arg)
        elif major == 6:
            raise EncodingError("CBOR tags are not allowed")


def decode(data: bytes, max_items: int | None = MAX_ITEMS) -> Any:
    """Decode bytes that must be the canonical encoding of an allowed value, holding at
    most ``max_items`` items (None: no limit, for a local file the member chose)."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise EncodingError("expected bytes")
    data = bytes(data)
    if max_items is not None and len(data) > max_items:  # each item takes a byte at least
        _scan(data, max_items)
    try:
        value = cbor2.loads(
            data,
            tag_hook=_no_tags,
            semantic_decoders={},
            max_depth=MAX_DEPTH + 1,
            allow_indefinite=False,
            allow_duplicate_keys=False,
        )
    except EncodingError:
        raise
    except Exception as exc:  # cbor2 raises several types; all mean "malformed"
        raise EncodingError(f"malformed CBOR: {exc}") from None
    _check(value, 0)
    if cbor2.dumps(value, canonical=True) != data:
        raise EncodingError("CBOR is not in canonical form")
    return value


def decode_stored(data: bytes) -> Any:
    """Decode what this library wrote itself (inside its authenticated pages): nesting
    and tags still refused, but no canonical-form check (it was canonical when written;
    a damaged value fails the check its reader makes, such as an event's body hash)."""
    try:
        return cbor2.loads(
            data,
            tag_hook=_no_tags,
            semantic_decoders={},
            max_depth=MAX_DEPTH + 1,
            allow_indefinite=False,
        )
    except EncodingError:
        raise
    except Exception as exc:  # cbor2 raises several types; all mean "malformed"
        raise EncodingError(f"malformed CBOR: {exc}") from None
