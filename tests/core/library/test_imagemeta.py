"""Tests for core.library.media.imagemeta: metadata stripping from hand-built image files."""

from __future__ import annotations

import contextlib
import io
import struct
import zlib
from typing import Any

import pytest

from casebook.core.library.media.iccprofile import sanitise
from casebook.core.library.media.imagemeta import ImageMetadataError, Sniffed, sniff, strip_metadata

try:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st
except ImportError:  # pragma: no cover - hypothesis is a dev dependency
    given = None

PATIENT = b"Jane Roe"


# --- JPEG fixtures -------------------------------------------------------------------------


def _seg(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def _tiff_with_gps() -> bytes:
    """A big-endian TIFF/EXIF block: IFD0 (ImageDescription, GPS pointer) and a GPS IFD."""
    desc = b"Patient " + PATIENT + b"\x00"
    ifd0_at = 8
    ifd0_len = 2 + 2 * 12 + 4
    desc_at = ifd0_at + ifd0_len
    gps_at = desc_at + len(desc)
    gps_len = 2 + 2 * 12 + 4
    lat_at = gps_at + gps_len
    out = b"MM\x00\x2a" + struct.pack(">I", ifd0_at)
    out += struct.pack(">H", 2)
    out += struct.pack(">HHII", 0x010E, 2, len(desc), desc_at)  # ImageDescription
    out += struct.pack(">HHII", 0x8825, 4, 1, gps_at)  # GPSInfo IFD pointer
    out += struct.pack(">I", 0)
    out += desc
    out += struct.pack(">H", 2)
    out += struct.pack(">HH I", 0x0001, 2, 2) + b"N\x00\x00\x00"  # GPSLatitudeRef
    out += struct.pack(">HHII", 0x0002, 5, 3, lat_at)  # GPSLatitude
    out += struct.pack(">I", 0)
    out += struct.pack(">6I", 48, 1, 51, 1, 2993, 100)
    return out


JFIF_THUMB = _seg(0xE0, b"JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x01\x01" + b"\x10\x20\x30")
JFIF_PLAIN = _seg(0xE0, b"JFIF\x00\x01\x02\x00\x00\x01\x00\x01\x00\x00")
EXIF = _seg(0xE1, b"Exif\x00\x00" + _tiff_with_gps())
XMP_JPEG = _seg(
    0xE1,
    b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><dc:creator>" + PATIENT + b"</dc:creator>",
)
ICC = _seg(0xE2, b"ICC_PROFILE\x00\x01\x01" + b"fake colour profile " * 4)
MPF = _seg(0xE2, b"MPF\x00" + b"\x00" * 16)
IPTC = _seg(0xED, b"Photoshop 3.0\x008BIM\x04\x04\x00\x00\x00\x00\x00\x0c\x1c\x02\x50" + PATIENT)
ADOBE = _seg(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01")
COMMENT = _seg(0xFE, b"Patient: " + PATIENT + b", DOB 1970-01-01")
DQT = _seg(0xDB, b"\x00" + bytes(range(1, 65)))
SOF0 = _seg(0xC0, b"\x08\x00\x10\x00\x10\x01\x01\x11\x00")
DHT = _seg(0xC4, b"\x00" + b"\x01" + b"\x00" * 15 + b"\x00")
SOS = _seg(0xDA, b"\x01\x01\x00\x00\x3f\x00")
# Entropy-coded data with stuffed 0xFF, restart markers and fill bytes before a marker.
ENTROPY = b"\x12\x34\xff\x00\x56\xff\xd0\x78\x9a\xff\xff\xd1\xbc\xde\xff\x00\xff"
EOI = b"\xff\xd9"
SCAN = SOS + ENTROPY + EOI


def make_jpeg() -> bytes:
    return (
        b"\xff\xd8"
        + JFIF_THUMB
        + EXIF
        + XMP_JPEG
        + ICC
        + MPF
        + IPTC
        + ADOBE
        + COMMENT
        + DQT
        + SOF0
        + DHT
        + SCAN
    )


# --- PNG fixtures --------------------------------------------------------------------------


def _chunk(ctype: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(ctype + payload)
    return struct.pack(">I", len(payload)) + ctype + payload + struct.pack(">I", crc)


PNG_SIG = b"\x89PNG\r\n\x1a\n"
IHDR = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
GAMA = _chunk(b"gAMA", struct.pack(">I", 45455))
IDAT = _chunk(b"IDAT", zlib.compress(b"\x00\x80"))
IEND = _chunk(b"IEND", b"")


def make_png() -> bytes:
    return (
        PNG_SIG
        + IHDR
        + GAMA
        + _chunk(b"tEXt", b"Comment\x00Patient: John Doe")
        + _chunk(b"eXIf", _tiff_with_gps())
        + _chunk(b"tIME", struct.pack(">HBBBBB", 2024, 5, 6, 7, 8, 9))
        + _chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x00\x00\x00\x00<x:xmpmeta>" + PATIENT)
        + IDAT
        + _chunk(b"zTXt", b"Author\x00\x00" + zlib.compress(PATIENT))
        + IEND
    )


def png_chunks(data: bytes) -> list[bytes]:
    """Chunk types of a PNG, checking every length and CRC independently of the module."""
    assert data[:8] == PNG_SIG
    pos, types = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        ctype = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        assert end <= len(data)
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        assert zlib.crc32(data[pos + 4 : end - 4]) == crc
        types.append(ctype)
        pos = end
    assert types[-1] == b"IEND"
    return types


# --- WebP fixtures -------------------------------------------------------------------------


def _riff_chunk(fourcc: bytes, payload: bytes) -> bytes:
    pad = b"\x00" if len(payload) % 2 else b""
    return fourcc + struct.pack("<I", len(payload)) + payload + pad


def _riff(chunks: bytes) -> bytes:
    return b"RIFF" + struct.pack("<I", len(chunks) + 4) + b"WEBP" + chunks


VP8X_FLAGS = 0x20 | 0x10 | 0x08 | 0x04  # ICC, alpha, EXIF, XMP
ICCP = _riff_chunk(b"ICCP", b"fake colour profile!!")  # odd size: padded
ALPH = _riff_chunk(b"ALPH", b"\x00alpha")
VP8 = _riff_chunk(b"VP8 ", b"\x9d\x01\x2a fake frame data")  # odd size: padded


def _vp8x(flags: int) -> bytes:
    return _riff_chunk(b"VP8X", bytes((flags, 0, 0, 0)) + b"\x0f\x00\x00\x0f\x00\x00")


def make_webp() -> bytes:
    return _riff(
        _vp8x(VP8X_FLAGS)
        + ICCP
        + ALPH
        + VP8
        + _riff_chunk(b"EXIF", b"Exif\x00\x00" + _tiff_with_gps() + b"!")
        + _riff_chunk(b"XMP ", b"<x:xmpmeta>" + PATIENT + b"</x:xmpmeta>")
    )


def riff_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    """(fourcc, payload) pairs of a WebP file, checking sizes and padding."""
    assert data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    assert struct.unpack("<I", data[4:8])[0] == len(data) - 8
    pos, out = 12, []
    while pos < len(data):
        fourcc = data[pos : pos + 4]
        (size,) = struct.unpack("<I", data[pos + 4 : pos + 8])
        out.append((fourcc, data[pos + 8 : pos + 8 + size]))
        pos += 8 + size + (size & 1)
    assert pos == len(data)
    return out


# --- GIF fixtures --------------------------------------------------------------------------

GIF_HEAD = b"GIF89a\x01\x00\x01\x00\x80\x00\x00" + b"\xff\xff\xff\x00\x00\x00"
NETSCAPE = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"
GCE = b"\x21\xf9\x04\x01\x00\x00\x00\x00"
GIF_IMAGE = b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02\x44\x01\x00"
GIF_COMMENT = b"\x21\xfe\x11Patient: Jane Roe\x05 (MR)\x00"
# XMP is stored raw and followed by the "magic trailer" so sub-block walking still works.
GIF_XMP = (
    b"\x21\xff\x0bXMP DataXMP"
    + b"<x:xmpmeta><dc:creator>"
    + PATIENT
    + b"</dc:creator></x:xmpmeta>"
    + b"\x01"
    + bytes(range(255, -1, -1))
    + b"\x00"
)


def make_gif() -> bytes:
    return GIF_HEAD + NETSCAPE + GIF_COMMENT + GCE + GIF_IMAGE + GIF_XMP + b";"


VALID = {
    "jpeg": make_jpeg(),
    "png": make_png(),
    "webp": make_webp(),
    "gif": make_gif(),
}
MAGIC_LEN = {"jpeg": 3, "png": 8, "webp": 12, "gif": 6}


# --- JPEG ----------------------------------------------------------------------------------


def test_jpeg_strips_exif_gps_comment_and_keeps_scan_verbatim() -> None:
    original = make_jpeg()
    result = strip_metadata(original, "photo.jpg")
    out = result.data
    assert result.mime == "image/jpeg"
    assert PATIENT not in out
    assert b"Exif" not in out
    assert b"ns.adobe.com" not in out
    assert b"Photoshop" not in out
    assert b"MPF" not in out
    assert result.removed == [
        "JFIF thumbnail",
        "EXIF (incl. GPS)",
        "XMP",
        "multi-picture index",
        "IPTC/Photoshop",
        "comment",
        "colour profile",  # not a real ICC profile: dropped
    ]
    # SOS .. EOI copied byte for byte, and the colour transform kept.
    assert original.endswith(SCAN) and out.endswith(SCAN)
    assert ICC not in out and ADOBE in out
    assert out == b"\xff\xd8" + JFIF_PLAIN + ADOBE + DQT + SOF0 + DHT + SCAN


def test_jpeg_strip_is_idempotent() -> None:
    once = strip_metadata(make_jpeg()).data
    again = strip_metadata(once)
    assert again.data == once and again.removed == []


def test_jpeg_plain_jfif_kept_and_other_appn_dropped() -> None:
    app5 = _seg(0xE5, b"maker notes " + PATIENT)
    other_app1 = _seg(0xE1, b"SomethingElse\x00" + PATIENT)
    other_app14 = _seg(0xEE, b"NotAdobe")
    data = b"\xff\xd8" + JFIF_PLAIN + app5 + other_app1 + other_app14 + SOF0 + SCAN
    result = strip_metadata(data)
    assert result.data == b"\xff\xd8" + JFIF_PLAIN + SOF0 + SCAN
    assert result.removed == ["APP5 data", "APP1 data", "APP14 data"]


def test_jpeg_progressive_metadata_between_scans_dropped() -> None:
    scan2 = SOS + b"\x01\x02\x03"
    data = b"\xff\xd8" + SOF0 + DHT + SOS + b"\xaa\xbb" + DHT + COMMENT + EXIF + scan2 + EOI
    result = strip_metadata(data)
    assert result.data == b"\xff\xd8" + SOF0 + DHT + SOS + b"\xaa\xbb" + DHT + scan2 + EOI
    assert result.removed == ["comment", "EXIF (incl. GPS)"]


def test_jpeg_fill_bytes_and_standalone_markers() -> None:
    data = b"\xff\xd8\xff\xff\xff" + SOF0 + b"\xff\x01" + COMMENT + DHT + SCAN
    result = strip_metadata(data)
    assert result.data == b"\xff\xd8" + SOF0 + DHT + SCAN  # TEM carries nothing: dropped
    assert result.removed == ["comment"]


def test_jpeg_trailing_data_dropped() -> None:
    appended = b"\x00\x00\x00\x18ftypmp42 video of " + PATIENT
    result = strip_metadata(make_jpeg() + appended)
    assert result.data.endswith(SCAN)
    assert PATIENT not in result.data
    assert "data after the end of the image" in result.removed


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xd8\xff\xe1\x00", "segment runs past the end"),
        (b"\xff\xd8" + _seg(0xE1, b"Exif\x00\x00")[:-2], "segment runs past the end"),
        (b"\xff\xd8\xff\xe1\x00\x01abc", "invalid length"),
        (b"\xff\xd8" + SOF0 + EOI, "no image data"),
        (b"\xff\xd8" + SOF0 + b"\x00" + SCAN, "marker is missing"),
        (b"\xff\xd8" + SOF0 + b"\xff\x00" + SCAN, "unexpected marker"),
        (b"\xff\xd8" + SOF0 + b"\xff\xd8" + SCAN, "unexpected marker"),
        (b"\xff\xd8" + SOF0 + SOS + b"\x01\x02\x03", "without an end-of-image marker"),
        (b"\xff\xd8" + SOF0 + SOS + b"\x01\x02\xff", "without an end-of-image marker"),
        (b"\xff\xd8" + b"\xff" * 100, "ends in the middle of a marker"),
    ],
)
def test_jpeg_malformed(data: bytes, reason: str) -> None:
    with pytest.raises(ImageMetadataError) as info:
        strip_metadata(data, "photo.jpg")
    message = str(info.value)
    assert message.startswith("photo.jpg: the JPEG file is damaged (")
    assert reason in message


# --- PNG -----------------------------------------------------------------------------------


def test_png_strips_text_exif_time_and_stays_valid() -> None:
    original = make_png()
    result = strip_metadata(original, "scan.png")
    assert result.mime == "image/png"
    assert b"John Doe" not in result.data and PATIENT not in result.data
    assert png_chunks(result.data) == [b"IHDR", b"gAMA", b"IDAT", b"IEND"]
    assert result.data == PNG_SIG + IHDR + GAMA + IDAT + IEND
    assert result.removed == ["text", "EXIF (incl. GPS)", "timestamp", "XMP"]
    again = strip_metadata(result.data)
    assert again.data == result.data and again.removed == []


def test_png_trailing_data_dropped() -> None:
    result = strip_metadata(make_png() + b"Patient: John Doe")
    assert result.data.endswith(IEND)
    assert result.removed[-1] == "data after the end of the image"


def _corrupt_crc(chunk: bytes) -> bytes:
    return chunk[:-1] + bytes((chunk[-1] ^ 1,))


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (PNG_SIG + _corrupt_crc(IHDR) + IDAT + IEND, "checksum"),
        (PNG_SIG + IHDR + IDAT, "before the IEND chunk"),
        (PNG_SIG + IHDR + b"\xff\xff\xff\xf0IDAT", "invalid length"),
        (PNG_SIG + IHDR + b"\x00\x10\x00\x00IDAT" + b"\x00" * 20, "runs past the end"),
        (PNG_SIG + IHDR + _chunk(b"ID4T", b"") + IEND, "invalid type"),
        (PNG_SIG + GAMA + IHDR + IDAT + IEND, "IHDR chunk is missing"),
        (PNG_SIG, "before the IEND chunk"),
    ],
)
def test_png_malformed(data: bytes, reason: str) -> None:
    with pytest.raises(ImageMetadataError, match=reason) as info:
        strip_metadata(data, "scan.png")
    assert str(info.value).startswith("scan.png: the PNG file is damaged (")


# --- WebP ----------------------------------------------------------------------------------


def test_webp_strips_exif_xmp_and_clears_flags() -> None:
    result = strip_metadata(make_webp(), "wound.webp")
    assert result.mime == "image/webp"
    assert PATIENT not in result.data and b"Exif" not in result.data
    chunks = riff_chunks(result.data)  # also checks the RIFF size and padding
    assert [c for c, _ in chunks] == [b"VP8X", b"ALPH", b"VP8 "]  # the fake ICCP dropped
    assert chunks[0][1][0] == 0x10  # EXIF, XMP and ICC flags cleared, alpha kept
    assert chunks[0][1][1:] == _vp8x(0)[9:]
    assert result.data[12:] == _vp8x(0x10) + ALPH + VP8
    assert result.removed == ["colour profile", "EXIF (incl. GPS)", "XMP"]
    again = strip_metadata(result.data)
    assert again.data == result.data and again.removed == []


def test_webp_simple_format_unchanged_and_trailing_dropped() -> None:
    simple = _riff(VP8)
    assert strip_metadata(simple).data == simple
    result = strip_metadata(simple + b"junk" + PATIENT)
    assert result.data == simple
    assert result.removed == ["data after the end of the image"]


def test_webp_flags_cleared_even_without_metadata_chunks() -> None:
    data = _riff(_vp8x(0x0C) + VP8)
    assert strip_metadata(data).data == _riff(_vp8x(0) + VP8)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (_riff(VP8)[:-1], "shorter than its header says"),
        (b"RIFF\x02\x00\x00\x00WEBP", "shorter than its header says"),
        (b"RIFF\x04\x00\x00\x00WEBP", "no image data"),
        (_riff(b"VP8 \xff\xff\x00\x00abcd"), "runs past the end"),
        (_riff(b"VP8 \x03\x00\x00\x00abc"), "runs past the end"),  # missing pad byte
        (_riff(VP8 + b"EXI"), "header is cut off"),
        (_riff(_riff_chunk(b"VP8X", b"\x00\x00\x00\x00") + VP8), "VP8X chunk is too short"),
    ],
)
def test_webp_malformed(data: bytes, reason: str) -> None:
    with pytest.raises(ImageMetadataError, match=reason) as info:
        strip_metadata(data, "wound.webp")
    assert str(info.value).startswith("wound.webp: the WebP file is damaged (")


# --- GIF -----------------------------------------------------------------------------------


def test_gif_strips_comment_and_xmp_keeps_looping() -> None:
    result = strip_metadata(make_gif(), "lesion.gif")
    assert result.mime == "image/gif"
    assert PATIENT not in result.data and b"XMP" not in result.data
    assert result.data == GIF_HEAD + NETSCAPE + GCE + GIF_IMAGE + b";"
    assert result.removed == ["comment", "XMP"]
    again = strip_metadata(result.data)
    assert again.data == result.data and again.removed == []


def test_gif_local_colour_table_and_87a() -> None:
    head = b"GIF87a\x01\x00\x01\x00\x00\x00\x00"  # no global colour table
    image = b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x80" + b"\x00\x00\x00\xff\xff\xff"
    image += b"\x02\x02\x44\x01\x00"
    iptc = b"\x21\xff\x0bMGK8BIM0000\x05" + PATIENT[:5] + b"\x00"
    result = strip_metadata(head + iptc + image + b";" + b"trailer junk")
    assert result.data == head + image + b";"
    assert result.removed == ["IPTC/Photoshop", "data after the end of the image"]


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"GIF89a\x01\x00\x01\x00\x80\x00", "header is cut off"),
        (b"GIF89a\x01\x00\x01\x00\x87\x00\x00" + b"\x00" * 30, "colour table is cut off"),
        (GIF_HEAD + GIF_IMAGE, "before the trailer"),
        (GIF_HEAD + b"\x00" + b";", "unknown block"),
        (GIF_HEAD + b"\x21\xfe\x20short\x00;", "sub-blocks run past the end"),
        (GIF_HEAD + b"\x2c\x00\x00\x00\x00\x01\x00", "image descriptor is cut off"),
        (GIF_HEAD + b"\x21", "extension is cut off"),
    ],
)
def test_gif_malformed(data: bytes, reason: str) -> None:
    with pytest.raises(ImageMetadataError, match=reason) as info:
        strip_metadata(data, "lesion.gif")
    assert str(info.value).startswith("lesion.gif: the GIF file is damaged (")


# --- all parsers ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(VALID))
def test_every_truncation_raises(kind: str) -> None:
    data = VALID[kind]
    for cut in range(MAGIC_LEN[kind], len(data)):
        with pytest.raises(ImageMetadataError):
            strip_metadata(data[:cut])


def test_pathological_inputs_are_linear() -> None:
    with pytest.raises(ImageMetadataError):
        strip_metadata(b"\xff\xd8" + b"\xff" * 2_000_000)
    stuffed = b"\xff\xd8" + SOF0 + SOS + b"\xff\x00" * 1_000_000 + EOI
    assert strip_metadata(stuffed).data == stuffed
    restarts = b"\xff\xd8" + SOF0 + SOS + b"\xff\xff\xd0" * 500_000 + EOI
    assert strip_metadata(restarts).data == restarts
    comment = b"\x21\xfe" + b"\x01x" * 1_000_000 + b"\x00"
    gif = GIF_HEAD + comment + GIF_IMAGE + b";"
    assert strip_metadata(gif).data == GIF_HEAD + GIF_IMAGE + b";"
    many = b"\xff\xd8" + COMMENT * 100_000 + SOF0 + SCAN
    assert strip_metadata(many).removed == ["comment"]


if given is not None:

    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(kind=st.sampled_from(sorted(VALID)), data=st.data())
    def test_mutated_files_never_crash(kind: str, data: Any) -> None:
        original = bytearray(VALID[kind])
        edits = data.draw(
            st.lists(
                st.tuples(st.integers(MAGIC_LEN[kind], len(original) - 1), st.integers(0, 255)),
                min_size=1,
                max_size=4,
            )
        )
        for where, value in edits:
            original[where] = value
        try:
            result = strip_metadata(bytes(original))
        except ImageMetadataError:
            return
        assert len(result.data) <= len(original)
        assert strip_metadata(result.data).removed == []

    @settings(max_examples=300, deadline=None)
    @given(kind=st.sampled_from(sorted(VALID)), tail=st.binary(max_size=400))
    def test_random_bodies_never_crash(kind: str, tail: bytes) -> None:
        with contextlib.suppress(ImageMetadataError):
            strip_metadata(VALID[kind][: MAGIC_LEN[kind]] + tail)


# --- refused formats and non-images --------------------------------------------------------

HEIC = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 32
REFUSED = {
    "tiff-le": (b"II*\x00\x08\x00\x00\x00" + b"\x00" * 16, "image/tiff", "TIFF"),
    "tiff-be": (b"MM\x00*\x00\x00\x00\x08" + b"\x00" * 16, "image/tiff", "TIFF"),
    "heic": (HEIC, "image/heic", "HEIC"),
    "heif": (b"\x00\x00\x00\x10ftypmif1\x00\x00\x00\x00" + b"\x00" * 8, "image/heif", "HEIF"),
    "heic-compat": (
        b"\x00\x00\x00\x18ftypiso8\x00\x00\x00\x00mif1heic" + b"\x00" * 8,
        "image/heic",
        "HEIC",
    ),
    "avif": (b"\x00\x00\x00\x1cftypavif\x00\x00\x00\x00avifmif1miaf", "image/avif", "AVIF"),
    "dicom": (b"\x00" * 128 + b"DICM" + b"\x02\x00\x00\x00", "application/dicom", "DICOM"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_unsafe_formats_refused(case: str) -> None:
    data, mime, label = REFUSED[case]
    assert sniff(data) == Sniffed(mime, True)
    with pytest.raises(ImageMetadataError) as info:
        strip_metadata(data, "xray.jpg")
    message = str(info.value)
    assert message.startswith("xray.jpg: metadata cannot be removed safely from " + label)
    assert "export the image as JPEG or PNG first" in message


@pytest.mark.parametrize(
    ("data", "mime"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/pdf"),
        (b"PK\x03\x04\x14\x00\x00\x00", "application/zip"),
        (b"PK\x05\x06" + b"\x00" * 18, "application/zip"),
        ("Patient notes: Jane Roe, ½ dose".encode(), "text/plain"),
        (b"\x00\x01\x02\x03 binary", "application/octet-stream"),
        (b"caf\xe9 latin-1", "application/octet-stream"),
        (b"", "application/octet-stream"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00isommp42", "application/octet-stream"),
    ],
)
def test_non_images_returned_unchanged(data: bytes, mime: str) -> None:
    assert sniff(data) == Sniffed(mime, False)
    result = strip_metadata(data, "photo.jpg")
    assert result.data == data and result.mime == mime and result.removed == []


def test_text_sniff_handles_multibyte_split_at_probe_boundary() -> None:
    text = b"a" * 4095 + "é".encode() + b" more"
    assert sniff(text).mime == "text/plain"
    assert sniff(b"a" * 4095 + b"\xc3").mime == "application/octet-stream"  # truncated char
    assert sniff(b"a" * 5000 + b"\x00").mime == "text/plain"  # only the first 4 KB is probed


@pytest.mark.parametrize(
    ("kind", "mime"),
    [("jpeg", "image/jpeg"), ("png", "image/png"), ("webp", "image/webp"), ("gif", "image/gif")],
)
def test_sniff_by_magic_not_name(kind: str, mime: str) -> None:
    assert sniff(VALID[kind]) == Sniffed(mime, True)
    for name in ("photo.jpg", "notes.txt", "scan.png", "file"):
        assert strip_metadata(VALID[kind], name).mime == mime
    assert strip_metadata(b"just text", "photo.jpg").mime == "text/plain"


def test_accepts_bytes_like_input() -> None:
    result = strip_metadata(bytearray(make_png()))  # type: ignore[arg-type]
    assert isinstance(result.data, bytes)
    assert result.data == PNG_SIG + IHDR + GAMA + IDAT + IEND


# --- round trips through a real decoder (only when Pillow is installed) --------------------


@pytest.fixture
def pil() -> Any:
    return pytest.importorskip("PIL.Image")


def _sample(image_module: Any, mode: str = "RGB") -> Any:
    img = image_module.new(mode, (24, 16))
    img.putdata([((x * 10) % 256, (y * 15) % 256, 128) for y in range(16) for x in range(24)])
    return img


def _srgb_profile() -> bytes:
    cms = pytest.importorskip("PIL.ImageCms")
    return cms.ImageCmsProfile(cms.createProfile("sRGB")).tobytes()


def _exif_with_gps(image_module: Any) -> Any:
    exif = image_module.Exif()
    exif[0x010E] = "Patient Jane Roe"
    exif[0x8825] = {1: "N", 2: (48.0, 51.0, 29.93)}
    return exif


@pytest.mark.parametrize("progressive", [False, True])
def test_pillow_jpeg_round_trip(pil: Any, progressive: bool) -> None:
    buf = io.BytesIO()
    img = _sample(pil)
    img.save(
        buf,
        "JPEG",
        exif=_exif_with_gps(pil),
        icc_profile=_srgb_profile(),
        comment=b"Patient: Jane Roe",
        progressive=progressive,
        quality=90,
    )
    original = buf.getvalue()
    result = strip_metadata(original, "photo.jpg")
    assert PATIENT not in result.data and b"Exif" not in result.data
    assert "EXIF (incl. GPS)" in result.removed and "comment" in result.removed
    sos = original.index(b"\xff\xda")
    assert result.data.endswith(original[sos:])
    with pil.open(io.BytesIO(original)) as before, pil.open(io.BytesIO(result.data)) as after:
        assert after.tobytes() == before.tobytes()
        assert after.info.get("icc_profile") == sanitise(_srgb_profile())
        assert "exif" not in after.info and "comment" not in after.info
        assert len(after.getexif()) == 0


def test_pillow_png_round_trip(pil: Any) -> None:
    png_plugin = pytest.importorskip("PIL.PngImagePlugin")
    info = png_plugin.PngInfo()
    info.add_text("Comment", "Patient: John Doe")
    info.add_itxt("Author", "Jane Roe")
    buf = io.BytesIO()
    _sample(pil).save(buf, "PNG", pnginfo=info, exif=_exif_with_gps(pil))
    result = strip_metadata(buf.getvalue(), "scan.png")
    assert b"John Doe" not in result.data and PATIENT not in result.data
    png_chunks(result.data)
    with pil.open(buf) as before, pil.open(io.BytesIO(result.data)) as after:
        assert after.tobytes() == before.tobytes()
        assert not after.text and len(after.getexif()) == 0


def test_pillow_webp_round_trip(pil: Any) -> None:
    features = pytest.importorskip("PIL.features")
    if not features.check("webp"):
        pytest.skip("Pillow has no WebP support")
    buf = io.BytesIO()
    _sample(pil, "RGB").convert("RGBA").save(
        buf,
        "WEBP",
        lossless=True,
        exif=_exif_with_gps(pil),
        xmp=b"<x:xmpmeta>Jane Roe</x:xmpmeta>",
        icc_profile=_srgb_profile(),
    )
    result = strip_metadata(buf.getvalue(), "wound.webp")
    assert PATIENT not in result.data
    riff_chunks(result.data)
    with pil.open(buf) as before, pil.open(io.BytesIO(result.data)) as after:
        assert after.tobytes() == before.tobytes()
        assert "exif" not in after.info and "xmp" not in after.info
        assert after.info.get("icc_profile") == sanitise(_srgb_profile())


def test_pillow_gif_round_trip(pil: Any) -> None:
    frames = [_sample(pil).convert("P"), _sample(pil).rotate(180).convert("P")]
    buf = io.BytesIO()
    frames[0].save(
        buf, "GIF", save_all=True, append_images=frames[1:], loop=0, comment=b"Patient: Jane Roe"
    )
    result = strip_metadata(buf.getvalue(), "lesion.gif")
    assert PATIENT not in result.data and result.removed == ["comment"]
    with pil.open(buf) as before, pil.open(io.BytesIO(result.data)) as after:
        assert after.info.get("loop") == 0 and "comment" not in after.info
        assert after.n_frames == before.n_frames == 2
        for index in range(2):
            before.seek(index)
            after.seek(index)
            assert after.convert("RGB").tobytes() == before.convert("RGB").tobytes()
