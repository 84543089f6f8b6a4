"""What a file is, by its first bytes alone (never by its name). Standard library only.

DICOM is recognised with its 128-byte preamble and ``DICM`` marker, and without them: a
file that starts with ``DICM`` and a group 0002 element, or a raw data set (implicit or
explicit VR, little or big endian, as ACR-NEMA and some exporters write them) whose first
element is in group 0002 or 0008 and whose first elements parse as DICOM elements in
ascending tag order, each inside the file.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Literal

__all__ = ["Sniffed", "sniff"]


@dataclass(frozen=True)
class Sniffed:
    mime: str
    is_image: bool


_TEXT_PROBE = 4096
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1", b"mif2"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_FTYP_IMAGES = (
    (_AVIF_BRANDS, "image/avif"),
    (_HEIC_BRANDS, "image/heic"),
    (_HEIF_BRANDS, "image/heif"),
)
# DICOM value representations; those in _LONG_VRS have a 4-byte length after 2 reserved bytes.
_VRS = frozenset(
    b"AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL "
    b"UN UR US UT UV".split()
)
_LONG_VRS = frozenset(b"OB OD OF OL OV OW SQ UC UN UR UT SV UV".split())
_DICOM_PROBE = 6  # elements checked
_UNDEFINED = 0xFFFFFFFF


def _ftyp_mime(data: bytes) -> str | None:
    """Image type of an ISO base media file from its ``ftyp`` brands, if it is an image."""
    if len(data) < 16 or data[4:8] != b"ftyp":
        return None
    box_end = min(int.from_bytes(data[0:4], "big"), len(data), 1024)
    brands = [data[8:12]]
    brands += [data[i : i + 4] for i in range(16, box_end - 3, 4)]
    for candidates in (brands[:1], brands):  # the major brand decides first
        for group, mime in _FTYP_IMAGES:
            if any(b in group for b in candidates):
                return mime
    return None


def _is_text(data: bytes) -> bool:
    head = data[:_TEXT_PROBE]
    if not head or b"\x00" in head:
        return False
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=len(data) <= _TEXT_PROBE)
    except UnicodeDecodeError:
        return False
    return True


def _elements_parse(data: bytes, order: Literal["little", "big"], explicit: bool) -> bool:
    """Whether ``data`` starts with DICOM data elements in this encoding."""
    n, pos, last, count = len(data), 0, -1, 0
    while count < _DICOM_PROBE and pos < n:
        if pos + 8 > n:
            return False
        group = int.from_bytes(data[pos : pos + 2], order)
        element = int.from_bytes(data[pos + 2 : pos + 4], order)
        tag = group << 16 | element
        if tag <= last or (count == 0 and group not in (0x0002, 0x0008)):
            return False
        last = tag
        if explicit:
            vr = data[pos + 4 : pos + 6]
            if vr not in _VRS:
                return False
            if vr in _LONG_VRS:
                if pos + 12 > n or data[pos + 6 : pos + 8] != b"\x00\x00":
                    return False
                length = int.from_bytes(data[pos + 8 : pos + 12], order)
                pos += 12
            else:
                length = int.from_bytes(data[pos + 6 : pos + 8], order)
                pos += 8
        else:
            length = int.from_bytes(data[pos + 4 : pos + 8], order)
            pos += 8
        count += 1
        if length == _UNDEFINED:  # a sequence or encapsulated pixel data: stop checking here
            return count >= 3
        if length % 2 or pos + length > n:
            return False
        pos += length
    return count >= 3


def _is_dicom(data: bytes) -> bool:
    if len(data) >= 132 and data[128:132] == b"DICM":
        return True
    if data.startswith((b"DICM\x02\x00", b"DICM\x00\x02")):
        return True
    orders: tuple[Literal["little", "big"], ...] = ("little", "big")
    return any(_elements_parse(data, o, explicit) for o in orders for explicit in (False, True))


def sniff(data: bytes) -> Sniffed:
    """Type of ``data`` by its magic bytes alone (never by file name).

    Empty data is ``application/octet-stream``.
    """
    if _is_dicom(data):
        return Sniffed("application/dicom", True)
    if data.startswith(b"\xff\xd8\xff"):
        return Sniffed("image/jpeg", True)
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Sniffed("image/png", True)
    if data.startswith((b"GIF87a", b"GIF89a")):
        return Sniffed("image/gif", True)
    if len(data) >= 12 and data[0:4] == b"RIFF" and data[8:12] == b"WEBP":
        return Sniffed("image/webp", True)
    if data.startswith((b"II*\x00", b"MM\x00*", b"II+\x00", b"MM\x00+")):
        return Sniffed("image/tiff", True)
    if data.startswith((b"\xff\x0a", b"\x00\x00\x00\x0cJXL \r\n\x87\n")):
        return Sniffed("image/jxl", True)
    ftyp = _ftyp_mime(data)
    if ftyp is not None:
        return Sniffed(ftyp, True)
    if data.startswith(b"%PDF-"):
        return Sniffed("application/pdf", False)
    if data.startswith((b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")):
        return Sniffed("application/zip", False)
    if _is_text(data):
        return Sniffed("text/plain", False)
    return Sniffed("application/octet-stream", False)
