"""WebP and GIF: only what is needed to show the image (and its animation) is kept.

* WebP keeps VP8 / VP8L / ALPH bitstreams, ANIM (6 bytes) and ANMF frames (their own
  sub-chunks filtered the same way), VP8X rewritten to its 10 standard bytes with only the
  flags that are still true, and ICCP rebuilt by
  :mod:`~casebook.core.library.media.iccprofile`. EXIF, XMP and every other chunk are dropped.
* GIF keeps the header, colour tables, image descriptors with their LZW data, graphic
  control extensions of the standard size and the NETSCAPE2.0 / ANIMEXTS1.0 loop count
  (rewritten to its standard form). Comments, plain-text extensions and every other
  application extension (XMP, IPTC, ICC, unknown) are dropped.
"""

from __future__ import annotations

from casebook.core.library.media.iccprofile import sanitise
from casebook.core.library.media.imagemeta_base import Cleaner

__all__ = ["GifCleaner", "WebpCleaner"]

_VP8X_ICC, _VP8X_ALPHA, _VP8X_ANIM = 0x20, 0x10, 0x02
_FRAME_CHUNKS = frozenset({b"VP8 ", b"VP8L", b"ALPH"})
_WEBP_NAMED = {b"EXIF": "EXIF (incl. GPS)", b"XMP ": "XMP"}


def _riff_chunk(fourcc: bytes, payload: bytes | memoryview) -> bytes:
    pad = b"\x00" if len(payload) % 2 else b""
    return fourcc + len(payload).to_bytes(4, "little") + bytes(payload) + pad


class WebpCleaner(Cleaner):
    fmt = "WebP"

    def __init__(self, data: bytes, name: str) -> None:
        super().__init__(data, name)
        self.vp8x_at: int | None = None
        self.has_icc = False

    def run(self) -> tuple[bytes, list[str]]:
        data, n = self.data, len(self.data)
        riff_size = int.from_bytes(data[4:8], "little")
        riff_end = 8 + riff_size
        if riff_size < 4 or riff_end > n:
            raise self.damaged("it is shorter than its header says")
        if riff_end == 12:
            raise self.damaged("it has no image data")
        for fourcc, start, end in self._chunks(12, riff_end):
            self._chunk(fourcc, start, end)
        if riff_end < n:
            self.drop(self.TRAILING)
        if self.vp8x_at is not None:  # the ICC flag says whether a profile is still there
            vp8x = bytearray(self.out[self.vp8x_at])
            vp8x[8] = (vp8x[8] & ~_VP8X_ICC) | (_VP8X_ICC if self.has_icc else 0)
            self.out[self.vp8x_at] = bytes(vp8x)
        body = b"".join(self.out)
        head = b"RIFF" + (len(body) + 4).to_bytes(4, "little") + b"WEBP"
        return head + body, self.removed_names()

    def _chunks(self, pos: int, stop: int) -> list[tuple[bytes, int, int]]:
        """(fourcc, payload start, payload end) of the chunks in [pos, stop)."""
        data, found = self.data, []
        while pos < stop:
            if pos + 8 > stop:
                raise self.damaged("a chunk header is cut off")
            size = int.from_bytes(data[pos + 4 : pos + 8], "little")
            end = pos + 8 + size + (size & 1)  # chunks are padded to an even size
            if end > stop:
                raise self.damaged("chunk runs past the end")
            found.append((data[pos : pos + 4], pos + 8, pos + 8 + size))
            pos = end
        return found

    def _chunk(self, fourcc: bytes, start: int, end: int) -> None:
        data = self.data
        if fourcc == b"VP8X":
            if end - start < 10:
                raise self.damaged("the VP8X chunk is too short")
            if end - start > 10:
                self.unknown(b"VP8X extra")
            flags = data[start] & (_VP8X_ALPHA | _VP8X_ANIM)
            self.vp8x_at = len(self.out)
            self.out.append(
                _riff_chunk(b"VP8X", bytes((flags, 0, 0, 0)) + data[start + 4 : start + 10])
            )
        elif fourcc == b"ICCP":
            profile = data[start:end]
            clean = None if self.has_icc else sanitise(profile)  # only one is allowed
            if clean is None:
                self.drop("colour profile")
                return
            if clean != profile:
                self.drop("colour profile details")
            self.has_icc = True
            self.out.append(_riff_chunk(b"ICCP", clean))
        elif fourcc == b"ANIM":
            if end - start != 6:
                raise self.damaged("the ANIM chunk has the wrong size")
            self.out.append(_riff_chunk(b"ANIM", self.view[start:end]))
        elif fourcc == b"ANMF":
            self._frame(start, end)
        elif fourcc in _FRAME_CHUNKS:
            self.out.append(_riff_chunk(fourcc, self.view[start:end]))
        elif fourcc in _WEBP_NAMED:
            self.drop(_WEBP_NAMED[fourcc])
        else:
            self.unknown(fourcc)

    def _frame(self, start: int, end: int) -> None:
        """An animation frame: its 16-byte header, then only its image sub-chunks."""
        if end - start < 16:
            raise self.damaged("an animation frame is cut off")
        header = bytearray(self.data[start : start + 16])
        header[15] &= 0x03  # blending and disposal; the reserved bits are zero
        parts = [bytes(header)]
        for fourcc, sub_start, sub_end in self._chunks(start + 16, end):
            if fourcc in _FRAME_CHUNKS:
                parts.append(_riff_chunk(fourcc, self.view[sub_start:sub_end]))
            elif fourcc in _WEBP_NAMED:
                self.drop(_WEBP_NAMED[fourcc])
            else:
                self.unknown(fourcc)
        self.out.append(_riff_chunk(b"ANMF", b"".join(parts)))


_GIF_APP_NAMED = {
    b"XMP DataXMP": "XMP",
    b"MGK8BIM0000": "IPTC/Photoshop",
    b"MGKIPTC0000": "IPTC/Photoshop",
    b"ICCRGBG1012": "colour profile",
}
_GIF_LOOP_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")


class GifCleaner(Cleaner):
    fmt = "GIF"
    unknown_label = "other extensions"

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
                    self.drop(self.TRAILING)
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
                end = self._sub_blocks(pos + 2)
                self._extension(data[pos + 1], pos, end)
            else:
                raise self.damaged("an unknown block was found")
            pos = end

    def _extension(self, label: int, pos: int, end: int) -> None:
        data = self.data
        if label == 0xF9 and end - pos == 8 and data[pos + 2] == 4:  # graphic control
            self.out.append(b"\x21\xf9\x04" + bytes((data[pos + 3] & 0x1F,)) + data[pos + 4 : end])
        elif label == 0xFE:
            self.drop("comment")
        elif label == 0x01:
            self.drop("plain-text extension")
        elif label == 0xFF and data[pos + 2] == 11:
            app = data[pos + 3 : pos + 14]
            loop = data[pos + 14 : pos + 18]
            if app in _GIF_LOOP_APPS and len(loop) == 4 and loop[:2] == b"\x03\x01":
                self.out.append(b"\x21\xff\x0bNETSCAPE2.0\x03\x01" + loop[2:] + b"\x00")
                if end - pos != 19 or app != b"NETSCAPE2.0":
                    self.unknown(b"loop extras")
            elif app in _GIF_APP_NAMED:
                self.drop(_GIF_APP_NAMED[app])
            else:
                self.unknown(app[:8])
        else:
            self.unknown(b"%02X" % label)

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
