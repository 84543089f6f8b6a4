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

MAX_DEPTH = 16
_INT_MIN = -(2**63)
_INT_MAX = 2**64 - 1


class EncodingError(ValueError):
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


def decode(data: bytes) -> Any:
    """Decode bytes that must be the canonical encoding of an allowed value."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise EncodingError("expected bytes")
    data = bytes(data)
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
