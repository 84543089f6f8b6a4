"""Lossless removal of identifying metadata from attached images (standard library only).

Images are parsed strictly: every length is bounds-checked before it is used, a damaged file
raises :class:`ImageMetadataError`, and each parser makes one forward pass (linear time, no
buffers larger than the input). Pixel data is never decoded or re-encoded; kept bytes are
copied verbatim.

* JPEG: drops EXIF (incl. GPS), XMP, IPTC/Photoshop, comments, the JFIF thumbnail and other
  APPn segments; keeps JFIF, ICC profiles (APP2 ``ICC_PROFILE``) and APP14 ``Adobe``.
* PNG: drops ``eXIf``, ``tEXt``, ``zTXt``, ``iTXt`` and ``tIME``; checks every CRC.
* WebP: drops ``EXIF`` and ``XMP`` chunks and clears the matching VP8X flags.
* GIF: drops comment extensions and XMP / IPTC application extensions.

Bytes after the end of the image (trailers, appended files) are dropped too. The EXIF
orientation tag goes with the EXIF block, so a photo that relied on it may display rotated;
that is accepted. TIFF, HEIC/HEIF, AVIF, JPEG XL and DICOM are refused: their metadata cannot
be removed safely here, so the user is asked to export the image as JPEG or PNG first.
"""

from __future__ import annotations

import codecs
import zlib
from dataclasses import dataclass

__all__ = ["ImageMetadataError", "Sniffed", "Stripped", "sniff", "strip_metadata"]


class ImageMetadataError(ValueError):
    """A user-facing reason why an image cannot be cleaned."""


@dataclass(frozen=True)
class Sniffed:
    mime: str
    is_image: bool


@dataclass(frozen=True)
class Stripped:
    data: bytes
    mime: str
    removed: list[str]


_TEXT_PROBE = 4096
_HEIC_BRANDS = frozenset({b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"hevm", b"hevs"})
_HEIF_BRANDS = frozenset({b"mif1", b"msf1", b"mif2"})
_AVIF_BRANDS = frozenset({b"avif", b"avis"})
_FTYP_IMAGES = (
    (_AVIF_BRANDS, "image/avif"),
    (_HEIC_BRANDS, "image/heic"),
    (_HEIF_BRANDS, "image/heif"),
)
_REFUSED = {
    "image/tiff": "TIFF",
    "image/heic": "HEIC",
    "image/heif": "HEIF",
    "image/avif": "AVIF",
    "image/jxl": "JPEG XL",
    "application/dicom": "DICOM",
}
_TRAILING = "data after the end of the image"


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


def sniff(data: bytes) -> Sniffed:
    """Type of ``data`` by its magic bytes alone (never by file name).

    Empty data is ``application/octet-stream``.
    """
    if len(data) >= 132 and data[128:132] == b"DICM":
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


def strip_metadata(data: bytes, name: str = "file") -> Stripped:
    """Remove identifying metadata from an image without touching its pixels.

    Non-images are returned unchanged with ``removed == []``. Raises
    :class:`ImageMetadataError` for a damaged image or a format that cannot be cleaned.
    Stripping drops the EXIF orientation tag along with the rest of EXIF.
    """
    data = bytes(data)
    kind = sniff(data)
    if kind.mime in _REFUSED:
        raise ImageMetadataError(
            f"{name}: metadata cannot be removed safely from {_REFUSED[kind.mime]} images; "
            "export the image as JPEG or PNG first"
        )
    parsers = {
        "image/jpeg": _JpegCleaner,
        "image/png": _PngCleaner,
        "image/webp": _WebpCleaner,
        "image/gif": _GifCleaner,
    }
    parser = parsers.get(kind.mime)
    if parser is None:
        return Stripped(data, kind.mime, [])
    cleaned, removed = parser(data, name).run()
    return Stripped(cleaned, kind.mime, removed)


class _Cleaner:
    """Shared state of one forward pass: input, output pieces, removed names."""

    fmt = ""

    def __init__(self, data: bytes, name: str) -> None:
        self.data = data
        self.view = memoryview(data)
        self.name = name
        self.out: list[bytes | memoryview] = []
        self.removed: list[str] = []

    def damaged(self, reason: str) -> ImageMetadataError:
        return ImageMetadataError(f"{self.name}: the {self.fmt} file is damaged ({reason})")

    def drop(self, what: str) -> None:
        if what not in self.removed:
            self.removed.append(what)

    def result(self) -> tuple[bytes, list[str]]:
        return b"".join(self.out), self.removed

    def run(self) -> tuple[bytes, list[str]]:
        raise NotImplementedError


class _JpegCleaner(_Cleaner):
    fmt = "JPEG"

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
                    self.drop(_TRAILING)
                return self.result()
            if code in (0x00, 0xD8):
                raise self.damaged("an unexpected marker was found")
            if code == 0x01 or 0xD0 <= code <= 0xD7:  # TEM, RSTn: no length
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
            if code == 0xDA:  # SOS: entropy-coded data follows, copied verbatim
                seen_scan = True
                pos = self._scan(pos)

    def _segment(self, code: int, start: int, end: int) -> None:
        """Keep, rewrite or drop the segment with marker ``code`` and payload [start, end)."""
        data = self.data
        payload = data[start : min(end, start + 40)]  # enough to tell identifiers apart
        keep = True
        if code == 0xE0:
            keep = self._app0(start, end)
        elif code == 0xE1:
            if payload.startswith(b"Exif\x00"):
                self.drop("EXIF (incl. GPS)")
            elif payload.startswith(
                (b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00")
            ):
                self.drop("XMP")
            else:
                self.drop("APP1 data")
            keep = False
        elif code == 0xE2:
            keep = payload.startswith(b"ICC_PROFILE\x00")
            if not keep:
                self.drop("multi-picture index" if payload.startswith(b"MPF\x00") else "APP2 data")
        elif code == 0xED:
            self.drop("IPTC/Photoshop")
            keep = False
        elif code == 0xEE:
            keep = payload.startswith(b"Adobe")
            if not keep:
                self.drop("APP14 data")
        elif 0xE3 <= code <= 0xEF:
            self.drop(f"APP{code - 0xE0} data")
            keep = False
        elif code == 0xFE:
            self.drop("comment")
            keep = False
        if keep:
            self.out.append(self.view[start - 4 : end])

    def _app0(self, start: int, end: int) -> bool:
        """Keep a JFIF header without its thumbnail; drop any other APP0."""
        data = self.data
        if data[start : start + 5] == b"JFIF\x00" and end - start >= 14:
            if end - start == 14 and data[start + 12] == 0 and data[start + 13] == 0:
                return True
            self.out.append(b"\xff\xe0\x00\x10")
            self.out.append(self.view[start : start + 12])
            self.out.append(b"\x00\x00")
            self.drop("JFIF thumbnail")
            return False
        self.drop("JFIF thumbnail" if data[start : start + 5] == b"JFXX\x00" else "APP0 data")
        return False

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


_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_DROP = {
    b"eXIf": "EXIF (incl. GPS)",
    b"tEXt": "text",
    b"zTXt": "text",
    b"iTXt": "text",
    b"tIME": "timestamp",
}


class _PngCleaner(_Cleaner):
    fmt = "PNG"

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
            if ctype in _PNG_DROP:
                what = _PNG_DROP[ctype]
                if ctype == b"iTXt" and data[pos + 8 : pos + 26] == b"XML:com.adobe.xmp\x00":
                    what = "XMP"
                self.drop(what)
            else:
                self.out.append(self.view[pos:end])
            pos = end
            if ctype == b"IEND":
                if pos < n:
                    self.drop(_TRAILING)
                return self.result()


_VP8X_EXIF = 0x08
_VP8X_XMP = 0x04


class _WebpCleaner(_Cleaner):
    fmt = "WebP"

    def run(self) -> tuple[bytes, list[str]]:
        data, n = self.data, len(self.data)
        riff_size = int.from_bytes(data[4:8], "little")
        riff_end = 8 + riff_size
        if riff_size < 4 or riff_end > n:
            raise self.damaged("it is shorter than its header says")
        pos = 12
        if pos == riff_end:
            raise self.damaged("it has no image data")
        while pos < riff_end:
            if pos + 8 > riff_end:
                raise self.damaged("a chunk header is cut off")
            fourcc = data[pos : pos + 4]
            size = int.from_bytes(data[pos + 4 : pos + 8], "little")
            end = pos + 8 + size + (size & 1)  # chunks are padded to an even size
            if end > riff_end:
                raise self.damaged("chunk runs past the end")
            if fourcc == b"EXIF":
                self.drop("EXIF (incl. GPS)")
            elif fourcc == b"XMP ":
                self.drop("XMP")
            elif fourcc == b"VP8X":
                if size < 10:
                    raise self.damaged("the VP8X chunk is too short")
                flags = data[pos + 8] & ~(_VP8X_EXIF | _VP8X_XMP)
                self.out.append(self.view[pos : pos + 8])
                self.out.append(bytes((flags,)))
                self.out.append(self.view[pos + 9 : end])
            else:
                self.out.append(self.view[pos:end])
            pos = end
        if riff_end < n:
            self.drop(_TRAILING)
        body = b"".join(self.out)
        return b"RIFF" + (len(body) + 4).to_bytes(4, "little") + b"WEBP" + body, self.removed


_GIF_APP_DROP = {
    b"XMP DataXMP": "XMP",
    b"MGK8BIM0000": "IPTC/Photoshop",
    b"MGKIPTC0000": "IPTC/Photoshop",
}


class _GifCleaner(_Cleaner):
    fmt = "GIF"

    def run(self) -> tuple[bytes, list[str]]:
        data, n = self.data, len(self.data)
        if n < 13:
            raise self.damaged("the header is cut off")
        pos = 13
        if data[10] & 0x80:  # global colour table
            pos += 3 << ((data[10] & 7) + 1)
        if pos > n:
            raise self.damaged("the colour table is cut off")
        self.out.append(self.view[:pos])
        while True:
            if pos >= n:
                raise self.damaged("it ends before the trailer")
            block = data[pos]
            if block == 0x3B:  # trailer
                self.out.append(b";")
                if pos + 1 < n:
                    self.drop(_TRAILING)
                return self.result()
            if block == 0x2C:  # image descriptor
                if pos + 10 > n:
                    raise self.damaged("an image descriptor is cut off")
                end = pos + 10
                if data[pos + 9] & 0x80:  # local colour table
                    end += 3 << ((data[pos + 9] & 7) + 1)
                end = self._sub_blocks(end + 1)  # after the LZW minimum code size
                self.out.append(self.view[pos:end])
            elif block == 0x21:  # extension
                if pos + 2 > n:
                    raise self.damaged("an extension is cut off")
                label = data[pos + 1]
                end = self._sub_blocks(pos + 2)
                what = None
                if label == 0xFE:
                    what = "comment"
                elif label == 0xFF and data[pos + 2] == 11:
                    what = _GIF_APP_DROP.get(data[pos + 3 : pos + 14])
                if what is None:
                    self.out.append(self.view[pos:end])
                else:
                    self.drop(what)
            else:
                raise self.damaged("an unknown block was found")
            pos = end

    def _sub_blocks(self, pos: int) -> int:
        """Position just after the data sub-blocks starting at ``pos`` and their terminator."""
        data, n = self.data, len(self.data)
        while True:
            if pos >= n:
                raise self.damaged("data sub-blocks run past the end")
            size = data[pos]
            pos += 1 + size
            if size == 0:
                return pos
