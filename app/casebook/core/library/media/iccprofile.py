"""ICC colour profiles embedded in images, rebuilt from their colour data alone.

A profile is kept only when it parses strictly as a plain ICC profile (version 2 or 4, an
input, display, output or colour-space class, every tag inside the profile). It is then
rebuilt rather than copied:

* header: version, class, colour spaces, rendering intent and illuminant are kept; the
  creation date, profile id, vendor, device, creator and platform fields are zeroed;
* tags: only colourimetric tags (primaries, white and black point, tone curves, lookup
  tables, chromatic adaptation) of numeric types are kept; the description (``desc``) and
  copyright (``cprt``) are replaced by fixed neutral text; every other tag (device
  makes and models, calibration dates, names, private tags) is dropped.

Anything else returns ``None`` and the caller drops the profile: the image is then shown
as sRGB. Standard library only; every offset is bounds-checked.
"""

from __future__ import annotations

import struct

__all__ = ["MAX_PROFILE", "sanitise"]

MAX_PROFILE = 4 * 1024 * 1024  # larger embedded profiles are not kept
_HEADER = 128
_MAX_TAGS = 64
_CLASSES = frozenset({b"scnr", b"mntr", b"prtr", b"spac"})
_SPACES = frozenset(
    {b"XYZ ", b"Lab ", b"Luv ", b"YCbr", b"Yxy ", b"RGB ", b"GRAY", b"HSV ", b"HLS ", b"CMYK"}
    | {b"CMY "}
    | {f"{n:X}CLR".encode() for n in range(2, 16)}
)
_COLOUR_TAGS = frozenset(
    {b"A2B0", b"A2B1", b"A2B2", b"B2A0", b"B2A1", b"B2A2", b"gamt"}
    | {b"rXYZ", b"gXYZ", b"bXYZ", b"rTRC", b"gTRC", b"bTRC", b"kTRC"}
    | {b"wtpt", b"bkpt", b"chad", b"chrm", b"lumi", b"cicp"}
)
_NUMERIC_TYPES = frozenset(
    {b"XYZ ", b"curv", b"para", b"sf32", b"mft1", b"mft2", b"mAB ", b"mBA ", b"chrm", b"cicp"}
)
_TEXT_TAGS = {b"desc": b"Colour profile", b"cprt": b"No copyright information"}
_TEXT_TYPES = frozenset({b"desc", b"mluc", b"text"})


def sanitise(profile: bytes) -> bytes | None:
    """The profile rebuilt from its colour data, or ``None`` if it is not a plain profile."""
    parsed = _parse(profile)
    if parsed is None:
        return None
    header, tags = parsed
    kept: list[tuple[bytes, bytes]] = []
    for sig, body in tags:
        kind = body[:4]
        if sig in _COLOUR_TAGS and kind in _NUMERIC_TYPES:
            kept.append((sig, kind + b"\x00\x00\x00\x00" + body[8:]))
        elif sig in _TEXT_TAGS and kind in _TEXT_TYPES:
            kept.append((sig, _text(kind, _TEXT_TAGS[sig])))
    if not any(sig in _COLOUR_TAGS for sig, _ in kept):
        return None
    return _build(header, kept)


def _parse(profile: bytes) -> tuple[bytes, list[tuple[bytes, bytes]]] | None:
    n = len(profile)
    if n < _HEADER + 4 or n > MAX_PROFILE:
        return None
    (size,) = struct.unpack_from(">I", profile, 0)
    if size != n or profile[36:40] != b"acsp" or profile[8] not in (2, 4):
        return None
    if profile[12:16] not in _CLASSES or profile[16:20] not in _SPACES:
        return None
    if profile[20:24] not in (b"XYZ ", b"Lab "):
        return None
    (count,) = struct.unpack_from(">I", profile, _HEADER)
    table_end = _HEADER + 4 + 12 * count
    if not 1 <= count <= _MAX_TAGS or table_end > size:
        return None
    tags: list[tuple[bytes, bytes]] = []
    seen: set[bytes] = set()
    for i in range(count):
        sig, at, length = struct.unpack_from(">4sII", profile, _HEADER + 4 + 12 * i)
        if at < table_end or length < 8 or at + length > size or sig in seen:
            return None
        seen.add(sig)
        tags.append((sig, profile[at : at + length]))
    return profile[:_HEADER], tags


def _build(header: bytes, tags: list[tuple[bytes, bytes]]) -> bytes:
    """A profile from ``header``'s colour fields and ``tags`` (equal data stored once)."""
    (flags,) = struct.unpack_from(">I", header, 44)
    (intent,) = struct.unpack_from(">I", header, 64)
    head = bytearray(_HEADER)
    head[8:24] = header[8:24]  # version, class, data colour space, connection space
    head[36:40] = b"acsp"
    head[44:48] = struct.pack(">I", flags & 0x3)  # embedded / not independent
    head[64:68] = struct.pack(">I", intent if intent <= 3 else 0)
    head[68:80] = header[68:80]  # illuminant of the connection space
    table, data, where = b"", bytearray(), {}
    start = _HEADER + 4 + 12 * len(tags)
    for sig, body in tags:
        if body not in where:
            where[body] = start + len(data)
            data += body + b"\x00" * (-len(body) % 4)
        table += sig + struct.pack(">II", where[body], len(body))
    head[0:4] = struct.pack(">I", start + len(data))
    return bytes(head) + struct.pack(">I", len(tags)) + table + bytes(data)


def _text(kind: bytes, text: bytes) -> bytes:
    """``text`` (ASCII) as a tag of type ``kind``: ``desc`` (v2), ``mluc`` (v4) or ``text``."""
    if kind == b"mluc":
        utf16 = text.decode("ascii").encode("utf-16-be")
        record = b"enUS" + struct.pack(">II", len(utf16), 28)
        return b"mluc\x00\x00\x00\x00" + struct.pack(">II", 1, 12) + record + utf16
    if kind == b"desc":
        ascii_part = struct.pack(">I", len(text) + 1) + text + b"\x00"
        return b"desc\x00\x00\x00\x00" + ascii_part + b"\x00" * 8 + b"\x00" * 3 + b"\x00" * 67
    return b"text\x00\x00\x00\x00" + text + b"\x00"
