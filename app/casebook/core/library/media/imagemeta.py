"""Lossless removal of identifying metadata from attached images (standard library only).

Only what is known to be needed to show the image is kept (an allow-list); everything
else is dropped, named or not. Images are parsed strictly: every length is bounds-checked
before it is used, a damaged file raises :class:`ImageMetadataError`, and each parser makes
one forward pass (linear time). Pixel data is never decoded or re-encoded.

* JPEG keeps SOI, the frame, Huffman, arithmetic-coding, quantisation and restart-interval
  segments (each checked against its fixed layout), the scans with their entropy-coded
  data, RSTn and EOI; the JFIF header without its thumbnail; APP14 ``Adobe`` rewritten to
  its 12 standard bytes (its colour transform is needed to decode CMYK/YCCK); and an APP2
  ICC profile after :mod:`casebook.core.library.media.iccprofile` rebuilt it. Everything else goes:
  EXIF, XMP, IPTC, comments, other APPn, JPG extensions (FF F0..FD), reserved markers.
* PNG keeps IHDR, PLTE, IDAT, IEND, tRNS, gAMA, cHRM, sRGB, cICP, mDCV, cLLI, bKGD, pHYs,
  sBIT, the APNG chunks acTL/fcTL/fdAT (fixed-size chunks only at their size) and iCCP
  rebuilt (named "ICC profile"). Every CRC is checked; an unknown critical chunk is refused.
* WebP and GIF: see :mod:`casebook.core.library.media.imagemeta_anim`.

Bytes after the end of the image are dropped too. The EXIF orientation tag goes with the
EXIF block, so a photo that relied on it may display rotated; that is accepted. TIFF,
HEIC/HEIF, AVIF, JPEG XL, JPEG-LS and DICOM (with or without its preamble) are refused:
their metadata cannot be removed safely here, so the user is asked to export the image as
JPEG or PNG first.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass

from casebook.core.library.media.iccprofile import MAX_PROFILE, sanitise
from casebook.core.library.media.imagemeta_anim import GifCleaner, WebpCleaner
from casebook.core.library.media.imagemeta_base import Cleaner, ImageMetadataError
from casebook.core.library.media.imagesniff import Sniffed, sniff

__all__ = ["ImageMetadataError", "Sniffed", "Stripped", "sniff", "strip_metadata"]


@dataclass(frozen=True)
class Stripped:
    data: bytes
    mime: str
    removed: list[str]


_REFUSED = {
    "image/tiff": "TIFF",
    "image/heic": "HEIC",
    "image/heif": "HEIF",
    "image/avif": "AVIF",
    "image/jxl": "JPEG XL",
}
_DICOM = (
    "metadata cannot be removed safely from DICOM files (their header holds the patient's "
    "name, ID and dates); export the image as JPEG or PNG first from your DICOM viewer, "
    "with its anonymise option if it has one, and attach that"
)


def strip_metadata(data: bytes, name: str = "file") -> Stripped:
    """Keep only what is needed to show an image; its pixels are not touched.

    Non-images are returned unchanged with ``removed == []``. Raises
    :class:`ImageMetadataError` for a damaged image or a format that cannot be cleaned.
    Stripping drops the EXIF orientation tag along with the rest of EXIF.
    """
    data = bytes(data)
    kind = sniff(data)
    if kind.mime == "application/dicom":
        raise ImageMetadataError(f"{name}: {_DICOM}")
    if kind.mime in _REFUSED:
        raise ImageMetadataError(
            f"{name}: metadata cannot be removed safely from {_REFUSED[kind.mime]} images; "
            "export the image as JPEG or PNG first"
        )
    parsers: dict[str, type[Cleaner]] = {
        "image/jpeg": _JpegCleaner,
        "image/png": _PngCleaner,
        "image/webp": WebpCleaner,
        "image/gif": GifCleaner,
    }
    parser = parsers.get(kind.mime)
    if parser is None:
        return Stripped(data, kind.mime, [])
    cleaned, removed = parser(data, name).run()
    return Stripped(cleaned, kind.mime, removed)


# --- JPEG ----------------------------------------------------------------------------------

_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_DHT, _DAC, _DQT, _DRI, _DNL, _DHP, _EXP, _SOS = 0xC4, 0xCC, 0xDB, 0xDD, 0xDC, 0xDE, 0xDF, 0xDA
_SEGMENT_NAMES = {
    _DHT: "Huffman table",
    _DAC: "arithmetic coding",
    _DQT: "quantisation table",
    _DRI: "restart interval",
    _DNL: "line count",
    _SOS: "scan header",
}
_ICC_ID = b"ICC_PROFILE\x00"
_ICC_CHUNK = 65535 - 2 - len(_ICC_ID) - 2
_ADOBE = b"Adobe\x00\x64\x00\x00\x00\x00"  # version 100, no flags; the transform byte follows
_XMP_IDS = (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")


def _frame_ok(p: bytes) -> bool:  # SOFn and DHP: P, Y, X, Nf, then Nf x (C, HV, Tq)
    return len(p) >= 9 and p[5] >= 1 and len(p) == 6 + 3 * p[5]


def _tables_ok(code: int, p: bytes) -> bool:
    """DHT, DQT and DAC payloads: whole tables, nothing after them."""
    pos, n = 0, len(p)
    if code == _DAC:
        return n >= 2 and n % 2 == 0
    while pos < n:
        if code == _DQT:
            if p[pos] >> 4 > 1:
                return False
            pos += 65 if p[pos] >> 4 == 0 else 129
        else:
            if pos + 17 > n:
                return False
            pos += 17 + sum(p[pos + 1 : pos + 17])
    return n > 0 and pos == n


def _structural_ok(code: int, p: bytes) -> bool:
    if code in _SOF or code == _DHP:
        return _frame_ok(p)
    if code in (_DHT, _DQT, _DAC):
        return _tables_ok(code, p)
    if code in (_DRI, _DNL):
        return len(p) == 2
    if code == _EXP:
        return len(p) == 1
    return len(p) >= 4 and 1 <= p[0] <= 4 and len(p) == 4 + 2 * p[0]  # SOS


class _JpegCleaner(Cleaner):
    fmt = "JPEG"

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data, name)
        self.framed = False
        self.jfif = self.adobe = False
        self.icc_at: int | None = None
        self.icc_parts: list[tuple[int, int, memoryview]] = []

    def run(self) -> tuple[bytes, list[str]]:
        data, n = self.data, len(self.data)
        self.out.append(b"\xff\xd8")
        pos = 2
        seen_scan = False
        while True:
            if pos >= n or data[pos] != 0xFF:
                raise self.damaged("a marker is missing")
            while pos < n and data[pos] == 0xFF:  # fill bytes before a marker
                pos += 1
            if pos >= n:
                raise self.damaged("it ends in the middle of a marker")
            code = data[pos]
            pos += 1
            if code == 0xD9:  # EOI
                if not seen_scan:
                    raise self.damaged("it has no image data")
                self.out.append(b"\xff\xd9")
                if pos < n:
                    self.drop(self.TRAILING)
                self._place_icc()
                return self.result()
            if code in (0x00, 0xD8):
                raise self.damaged("an unexpected marker was found")
            if code == 0xF7:
                raise ImageMetadataError(
                    f"{self.name}: JPEG-LS images cannot be cleaned here; "
                    "export the image as ordinary JPEG or PNG first"
                )
            if code == 0x01:  # TEM: no length, carries nothing; not needed
                continue
            if 0xD0 <= code <= 0xD7:  # RSTn: no length
                self.out.append(bytes((0xFF, code)))
                continue
            if pos + 2 > n:
                raise self.damaged("segment runs past the end")
            length = int.from_bytes(data[pos : pos + 2], "big")
            end = pos + length
            if length < 2:
                raise self.damaged("a segment has an invalid length")
            if end > n:
                raise self.damaged("segment runs past the end")
            self._segment(code, pos + 2, end)
            pos = end
            if code == _SOS:  # entropy-coded data follows, copied verbatim
                if not self.framed:
                    raise self.damaged("the frame header is missing")
                seen_scan = True
                pos = self._scan(pos)

    def _segment(self, code: int, start: int, end: int) -> None:
        """Keep, rewrite or drop the segment with marker ``code`` and payload [start, end)."""
        if code in _SOF or code in (_DHT, _DAC, _DQT, _DRI, _DNL, _DHP, _EXP, _SOS):
            if not _structural_ok(code, self.data[start:end]):
                what = _SEGMENT_NAMES.get(code, "frame header")
                raise self.damaged(f"a {what} segment is malformed")
            self.framed = self.framed or code in _SOF
            self.out.append(self.view[start - 4 : end])
        elif code == 0xE0:
            self._app0(start, end)
        elif code == 0xE1:
            head = self.data[start : start + 40]
            self.drop(
                "EXIF (incl. GPS)"
                if head.startswith(b"Exif\x00")
                else "XMP"
                if head.startswith(_XMP_IDS)
                else "APP1 data"
            )
        elif code == 0xE2 and self.data[start : start + len(_ICC_ID)] == _ICC_ID:
            if self.icc_at is None:
                self.icc_at = len(self.out)
                self.out.append(b"")  # the rebuilt profile goes here
            body = self.view[start + len(_ICC_ID) : end]
            if len(body) < 2:
                self.icc_parts.append((0, 0, body))
            else:
                self.icc_parts.append((body[0], body[1], body[2:]))
        elif code == 0xE2:
            mpf = self.data[start : start + 4] == b"MPF\x00"
            self.drop("multi-picture index" if mpf else "APP2 data")
        elif code == 0xED:
            self.drop("IPTC/Photoshop")
        elif code == 0xEE:
            self._adobe(self.data[start:end])
        elif 0xE3 <= code <= 0xEF:
            self.drop(f"APP{code - 0xE0} data")
        elif code == 0xFE:
            self.drop("comment")
        elif 0xF0 <= code <= 0xFD:
            self.drop("JPEG extension data")
        else:  # reserved markers (02..BF, C8)
            self.drop("reserved segments")

    def _app0(self, start: int, end: int) -> None:
        """Keep the first JFIF header, without its thumbnail; drop any other APP0."""
        data = self.data
        if data[start : start + 5] == b"JFIF\x00" and end - start >= 14 and not self.jfif:
            self.jfif = True
            self.out.append(b"\xff\xe0\x00\x10")
            self.out.append(self.view[start : start + 12])
            self.out.append(b"\x00\x00")
            if end - start != 14 or data[start + 12] or data[start + 13]:
                self.drop("JFIF thumbnail")
            return
        self.drop("JFIF thumbnail" if data[start : start + 5] == b"JFXX\x00" else "APP0 data")

    def _adobe(self, payload: bytes) -> None:
        """The first APP14 ``Adobe`` as its 12 standard bytes; anything more is dropped."""
        if self.adobe or not payload.startswith(b"Adobe") or len(payload) < 12 or payload[11] > 2:
            self.drop("APP14 data")
            return
        self.adobe = True
        canonical = _ADOBE + payload[11:12]
        self.out.append(b"\xff\xee\x00\x0e" + canonical)
        if payload != canonical:
            self.drop("APP14 data")

    def _place_icc(self) -> None:
        """Put the rebuilt ICC profile where the first of its segments was."""
        if self.icc_at is None:
            return
        parts = sorted(self.icc_parts, key=lambda part: part[0])
        total = len(parts)
        whole = [seq for seq, _, _ in parts] == list(range(1, total + 1)) and all(
            count == total for _, count, _ in parts
        )
        profile = b"".join(bytes(body) for _, _, body in parts) if whole else b""
        clean = sanitise(profile) if whole else None
        if clean is None:
            self.drop("colour profile")
            return
        if clean != profile:
            self.drop("colour profile details")
        chunks = [clean[i : i + _ICC_CHUNK] for i in range(0, len(clean), _ICC_CHUNK)]
        self.out[self.icc_at] = b"".join(
            b"\xff\xe2"
            + (len(chunk) + 2 + len(_ICC_ID) + 2).to_bytes(2, "big")
            + _ICC_ID
            + bytes((index, len(chunks)))
            + chunk
            for index, chunk in enumerate(chunks, 1)
        )

    def _scan(self, pos: int) -> int:
        """Copy entropy-coded data verbatim; return the position of the next marker."""
        data, n, start = self.data, len(self.data), pos
        while True:
            ff = data.find(b"\xff", pos)
            if ff < 0:
                raise self.damaged("image data ends without an end-of-image marker")
            last = ff
            while last + 1 < n and data[last + 1] == 0xFF:
                last += 1
            if last + 1 >= n:
                raise self.damaged("image data ends without an end-of-image marker")
            code = data[last + 1]
            if code == 0x00 or 0xD0 <= code <= 0xD7:  # stuffed 0xFF or restart marker
                pos = last + 2
                continue
            self.out.append(self.view[start:last])
            return last


# --- PNG -----------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_ANY = range(0, 0x80000000)
_PNG_KEEP: dict[bytes, range | frozenset[int]] = {  # chunk type -> allowed payload sizes
    b"IHDR": frozenset({13}),
    b"PLTE": frozenset(range(3, 769, 3)),
    b"IDAT": _ANY,
    b"IEND": frozenset({0}),
    b"tRNS": range(0, 257),
    b"gAMA": frozenset({4}),
    b"cHRM": frozenset({32}),
    b"sRGB": frozenset({1}),
    b"cICP": frozenset({4}),
    b"mDCV": frozenset({24}),
    b"cLLI": frozenset({8}),
    b"bKGD": frozenset({1, 2, 6}),
    b"pHYs": frozenset({9}),
    b"sBIT": frozenset({1, 2, 3, 4}),
    b"acTL": frozenset({8}),
    b"fcTL": frozenset({26}),
    b"fdAT": range(4, 0x80000000),
}
_PNG_NAMED = {b"eXIf": "EXIF (incl. GPS)", b"tEXt": "text", b"zTXt": "text", b"iTXt": "text"}
_PNG_NAMED[b"tIME"] = "timestamp"
_ICC_NAME = b"ICC profile"


class _PngCleaner(Cleaner):
    fmt = "PNG"

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data, name)
        self.icc_seen = False

    def run(self) -> tuple[bytes, list[str]]:
        data, n = self.data, len(self.data)
        self.out.append(_PNG_SIGNATURE)
        pos = len(_PNG_SIGNATURE)
        first = True
        while True:
            if pos + 8 > n:
                raise self.damaged("it ends before the IEND chunk")
            length = int.from_bytes(data[pos : pos + 4], "big")
            ctype = data[pos + 4 : pos + 8]
            if length > 0x7FFFFFFF:
                raise self.damaged("a chunk has an invalid length")
            if not all(65 <= c <= 90 or 97 <= c <= 122 for c in ctype):
                raise self.damaged("a chunk has an invalid type")
            end = pos + 12 + length
            if end > n:
                raise self.damaged("chunk runs past the end")
            if zlib.crc32(self.view[pos + 4 : end - 4]) != int.from_bytes(
                data[end - 4 : end], "big"
            ):
                raise self.damaged("a chunk checksum does not match")
            if first and ctype != b"IHDR":
                raise self.damaged("the IHDR chunk is missing")
            first = False
            self._chunk(ctype, pos, end)
            pos = end
            if ctype == b"IEND":
                if pos < n:
                    self.drop(self.TRAILING)
                return self.result()

    def _chunk(self, ctype: bytes, pos: int, end: int) -> None:
        length = end - pos - 12
        sizes = _PNG_KEEP.get(ctype)
        critical = 65 <= ctype[0] <= 90
        if sizes is not None and length in sizes:
            self.out.append(self.view[pos:end])
        elif critical:
            name = ctype.decode("ascii")
            raise self.damaged(
                "it has an unknown critical chunk" if sizes is None else f"a malformed {name} chunk"
            )
        elif ctype == b"iCCP":
            self._iccp(pos, end)
        elif ctype == b"iTXt" and self.data[pos + 8 : pos + 26] == b"XML:com.adobe.xmp\x00":
            self.drop("XMP")
        elif ctype in _PNG_NAMED:
            self.drop(_PNG_NAMED[ctype])
        else:
            self.unknown(ctype)

    def _iccp(self, pos: int, end: int) -> None:
        """Keep the first profile rebuilt, named "ICC profile"; drop it if it does not parse."""
        if self.icc_seen:  # only one is allowed; a second is not even inflated
            self.drop("colour profile")
            return
        self.icc_seen = True
        payload = self.data[pos + 8 : end - 4]
        nul = payload.find(b"\x00", 0, 80)
        profile, extra = None, True
        if nul >= 1 and payload[nul + 1 : nul + 2] == b"\x00":
            inflate = zlib.decompressobj()
            try:
                raw = inflate.decompress(payload[nul + 2 :], MAX_PROFILE + 1)
            except zlib.error:
                raw = b""
            if inflate.eof and len(raw) <= MAX_PROFILE:
                profile, extra = raw, bool(inflate.unused_data) or payload[:nul] != _ICC_NAME
        clean = sanitise(profile) if profile is not None else None
        if clean is None:
            self.drop("colour profile")
            return
        if clean == profile and not extra:
            self.out.append(self.view[pos:end])
            return
        self.drop("colour profile details")
        body = b"iCCP" + _ICC_NAME + b"\x00\x00" + zlib.compress(clean, 9)
        crc = zlib.crc32(body).to_bytes(4, "big")
        self.out.append((len(body) - 4).to_bytes(4, "big") + body + crc)
