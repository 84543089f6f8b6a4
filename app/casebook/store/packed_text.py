"""Derived text kept compressed: the case texts and comment bodies the projection stores
beside the events they come from (issue 18: the 100,000-case library kept its text twice,
once in the encrypted events and once here, about 280 MB of rows here).

A stored value is either TEXT, as libraries stored it before this format (and a text too
short to gain, under :data:`MIN_PACK` bytes or not smaller packed), or a BLOB: the UTF-8
text as raw DEFLATE (RFC 1951, stdlib ``zlib``). (An empty BLOB in ``comments.body`` is
no text: the comment's open creation holds it, ``core/ledger/kept_text.py``.) The
column's type says which, so a library holds both forms side by side and needs no
migration; a rebuild packs every row.
With one zlib build the same text always packs to the same bytes (fixed level and
window), so a rebuild reproduces the derived tables exactly (another build, zlib-ng for
one, may pack differently; it unpacks the same, and no derived row is compared across
computers).

The rows are the library's own, inside SQLCipher's authenticated pages; reading one is
still bounded (:data:`MAX_TEXT`), and a damaged one is a :class:`PackedTextError`, never
a partial text; ``casebook doctor`` finds every damaged one (:func:`damaged`).
"""

from __future__ import annotations

import logging
import zlib

from casebook.errors import CasebookError
from casebook.store.database import Database

log = logging.getLogger(__name__)

MIN_PACK = 96  # bytes; a shorter text is kept as text
# Bytes unpacked: above any stored text. The largest is a case's fields as JSON: 30
# fields of 50,000 characters each (``core/model/payloads.py``, counted after NFC, as
# stored), a character at most 4 bytes in UTF-8 or 2 escaped: about 6 MB; a body is at
# most 200,000 characters (800 KB).
MAX_TEXT = 16 << 20
_LEVEL, _WINDOW, _MEMORY = 6, 12, 6  # a 4 KiB window: the texts are a few KiB at most


class PackedTextError(CasebookError):
    """A stored packed text does not unpack: the library's derived rows are damaged. They
    are rebuilt from the events (``casebook doctor --rebuild``)."""

    exit_code = 3

    def __init__(self) -> None:
        super().__init__(
            "A stored text of this library is damaged; run 'casebook doctor --rebuild' to "
            "rebuild it from the events."
        )


def pack(text: str) -> str | bytes:
    """``text`` as it is stored: packed when that makes it smaller."""
    data = text.encode()
    if len(data) < MIN_PACK:
        return text
    packer = zlib.compressobj(_LEVEL, zlib.DEFLATED, -_WINDOW, _MEMORY)
    packed = packer.compress(data) + packer.flush()
    return packed if len(packed) < len(data) else text


def unpack(value: str | bytes | memoryview | None) -> str:
    """The text of a stored value (TEXT as it is; a BLOB unpacked; NULL is empty)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    reader = zlib.decompressobj(-zlib.MAX_WBITS)
    try:
        data = reader.decompress(bytes(value), MAX_TEXT)
    except zlib.error as exc:
        log.warning("a stored text does not unpack: %s", exc)
        raise PackedTextError from exc
    if not reader.eof or reader.unconsumed_tail or reader.unused_data:
        log.warning("a stored text is cut short, too long or followed by other bytes")
        raise PackedTextError
    try:
        return data.decode()
    except UnicodeDecodeError as exc:
        log.warning("a stored text is not UTF-8")
        raise PackedTextError from exc


# The columns that hold packed text, by table.
_COLUMNS = (("case_text", ("fields", "body")), ("comments", ("body",)))


def damaged(db: Database) -> int:
    """How many stored texts do not unpack (each packed row read once, a row at a time:
    a large library's text is never held whole)."""
    count = 0
    for table, columns in _COLUMNS:
        for column in columns:
            sql = f"SELECT {column} FROM {table} WHERE typeof({column}) = 'blob'"  # noqa: S608
            if table == "comments":  # (an empty body is in the event: kept_text.IN_EVENT)
                sql += f" AND length({column}) > 0"
            for row in db.execute(sql):
                try:
                    unpack(row[0])
                except PackedTextError:
                    count += 1
    return count
