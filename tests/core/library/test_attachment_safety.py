"""Attachments keep only what is known to be safe: allow-listed PNG chunks and JPEG segments,
sanitised ICC profiles, DICOM refused (also without its preamble), and a warning for files
whose own metadata is not checked."""

from __future__ import annotations

import io
import struct
import zlib
from typing import Any

import pytest

from casebook.core.library import attachments
from casebook.core.library.media.imagemeta import ImageMetadataError, Sniffed, sniff, strip_metadata
from casebook.errors import AttachmentError

PATIENT = b"Jane Roe"
GPS_TEXT = b"GPSLatitude 48 51 29.93 N GPSLongitude 2 17 40.20 E"


def _tiff_gps() -> bytes:
    """An EXIF/TIFF block whose GPS IFD holds a latitude, plus readable GPS text."""
    out = b"II*\x00" + struct.pack("<I", 8)
    out += struct.pack("<H", 1) + struct.pack("<HHII", 0x8825, 4, 1, 26) + struct.pack("<I", 0)
    out += struct.pack("<H", 1) + struct.pack("<HHI", 0x0001, 2, 2) + b"N\x00\x00\x00"
    return out + struct.pack("<I", 0) + GPS_TEXT + b" " + PATIENT


GPS = b"Exif\x00\x00" + _tiff_gps()


@pytest.fixture
def pil() -> Any:
    return pytest.importorskip("PIL.Image")


def _picture(pil: Any, mode: str = "RGB") -> Any:
    img = pil.new("RGB", (32, 24))
    img.putdata([((x * 8) % 256, (y * 10) % 256, 90) for y in range(24) for x in range(32)])
    return img.convert(mode)


def _pixels(pil: Any, data: bytes) -> bytes:
    with pil.open(io.BytesIO(data)) as img:
        img.load()
        return img.tobytes()


# --- ICC profiles --------------------------------------------------------------------------


def _tag_text(text: bytes) -> bytes:
    return b"text\x00\x00\x00\x00" + text + b"\x00"


def _tag_desc(text: bytes) -> bytes:
    body = struct.pack(">I", len(text) + 1) + text + b"\x00"
    return b"desc\x00\x00\x00\x00" + body + b"\x00" * 8 + b"\x00\x00\x00" + b"\x00" * 67


def _xyz(x: float, y: float, z: float) -> bytes:
    return b"XYZ \x00\x00\x00\x00" + struct.pack(">3i", *(round(v * 65536) for v in (x, y, z)))


def make_icc(extra: list[tuple[bytes, bytes]] | None = None) -> bytes:
    """A v2 RGB display profile with identifying text in its header and tags."""
    gamma = b"curv\x00\x00\x00\x00" + struct.pack(">IH", 1, 0x0233) + b"\x00\x00"  # 2.2
    tags = [
        (b"desc", _tag_desc(b"Calibrated for " + PATIENT)),
        (b"cprt", _tag_text(b"Copyright " + PATIENT)),
        (b"wtpt", _xyz(0.9642, 1.0, 0.8249)),
        (b"rXYZ", _xyz(0.4361, 0.2225, 0.0139)),
        (b"gXYZ", _xyz(0.3851, 0.7169, 0.0971)),
        (b"bXYZ", _xyz(0.1431, 0.0606, 0.7141)),
        (b"rTRC", gamma),
        (b"gTRC", gamma),
        (b"bTRC", gamma),
        (b"dmnd", _tag_desc(PATIENT + b" Imaging Ltd")),
        (b"ZZZZ", b"ZZZZ\x00\x00\x00\x00" + GPS),  # a private tag
        *(extra or []),
    ]
    table, blob, at, shared = b"", b"", 128 + 4 + 12 * len(tags), {}
    for sig, body in tags:
        if body not in shared:
            shared[body] = at + len(blob)
            blob += body + b"\x00" * (-len(body) % 4)
        table += sig + struct.pack(">II", shared[body], len(body))
    size = 128 + 4 + len(table) + len(blob)
    header = struct.pack(">I", size) + b"lcms" + b"\x02\x10\x00\x00" + b"mntrRGB XYZ "
    header += struct.pack(">6H", 2024, 5, 6, 7, 8, 9) + b"acspAPPL" + b"\x00\x01\x00\x07"
    header += b"JANE" + b"ROE1" + b"\x00" * 8 + struct.pack(">I", 0)
    header += struct.pack(">3i", 63190, 65536, 54061) + b"ROE!" + b"\x42" * 16 + b"\x00" * 28
    assert len(header) == 128
    return header + struct.pack(">I", len(tags)) + table + blob


def icc_tags(profile: bytes) -> dict[bytes, bytes]:
    """Tag signature -> tag data, checking the layout independently of the module."""
    (size,) = struct.unpack(">I", profile[:4])
    assert size == len(profile) and profile[36:40] == b"acsp"
    (count,) = struct.unpack(">I", profile[128:132])
    tags = {}
    for i in range(count):
        sig, at, length = struct.unpack(">4sII", profile[132 + 12 * i : 144 + 12 * i])
        assert at % 4 == 0 and at + length <= size
        tags[sig] = profile[at : at + length]
    return tags


def test_icc_profile_is_rebuilt_from_colour_tags_only() -> None:
    from casebook.core.library.media.iccprofile import sanitise

    original = make_icc()
    clean = sanitise(original)
    assert clean is not None
    tags = icc_tags(clean)
    assert set(tags) == {b"desc", b"cprt", b"wtpt", b"rXYZ", b"gXYZ", b"bXYZ"} | {
        b"rTRC",
        b"gTRC",
        b"bTRC",
    }
    assert PATIENT not in clean and b"GPS" not in clean
    assert b"JANE" not in clean and b"ROE" not in clean
    assert clean[24:36] == b"\x00" * 12  # creation date
    assert clean[84:100] == b"\x00" * 16  # profile id
    assert clean[8:24] == original[8:24] and clean[64:80] == original[64:80]
    for sig in (b"wtpt", b"rXYZ", b"rTRC"):
        assert tags[sig] == icc_tags(original)[sig]
    assert sanitise(clean) == clean  # a second pass changes nothing


def test_icc_profile_still_converts_colours_the_same(pil: Any) -> None:
    cms = pytest.importorskip("PIL.ImageCms")
    from casebook.core.library.media.iccprofile import sanitise

    srgb = cms.createProfile("sRGB")
    picture = _picture(pil)

    def convert(profile: bytes) -> bytes:
        source = cms.ImageCmsProfile(io.BytesIO(profile))
        return cms.profileToProfile(picture, source, srgb).tobytes()

    real = cms.ImageCmsProfile(srgb).tobytes()  # v4, text in 'mluc' tags
    for profile in (make_icc(), real):
        clean = sanitise(profile)
        assert clean is not None and clean != profile
        assert convert(clean) == convert(profile)


@pytest.mark.parametrize(
    "broken",
    [
        b"fake icc " * 20,
        make_icc()[:-4],  # shorter than its header says
        make_icc()[:36] + b"xxxx" + make_icc()[40:],  # no 'acsp'
        make_icc()[:128] + b"\xff\xff\xff\xff" + make_icc()[132:],  # absurd tag count
    ],
)
def test_icc_profile_that_does_not_parse_is_dropped(broken: bytes) -> None:
    from casebook.core.library.media.iccprofile import sanitise

    assert sanitise(broken) is None


# --- PNG -----------------------------------------------------------------------------------


def _chunk(ctype: bytes, payload: bytes) -> bytes:
    crc = zlib.crc32(ctype + payload)
    return struct.pack(">I", len(payload)) + ctype + payload + struct.pack(">I", crc)


def png_chunks(data: bytes) -> list[bytes]:
    pos, types = 8, []
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        types.append(data[pos + 4 : pos + 8])
        pos += 12 + length
    return types


def test_png_keeps_only_allow_listed_chunks(pil: Any) -> None:
    buf = io.BytesIO()
    _picture(pil).save(buf, "PNG")
    plain = buf.getvalue()
    at = plain.index(b"IDAT") - 4
    hidden = (
        _chunk(b"exIf", _tiff_gps())  # not eXIf: a private chunk with EXIF inside
        + _chunk(b"prVt", b"patient " + PATIENT + b" " + GPS_TEXT)
        + _chunk(b"sPLT", PATIENT + b"\x00\x08" + b"\x00" * 6)
        + _chunk(b"gAMA", struct.pack(">I", 45455))
        + _chunk(b"pHYs", struct.pack(">IIB", 2835, 2835, 1))
    )
    data = plain[:at] + hidden + plain[at:]
    result = strip_metadata(data, "scan.png")
    assert PATIENT not in result.data and b"GPS" not in result.data
    assert _tiff_gps() not in result.data
    assert png_chunks(result.data) == [b"IHDR", b"gAMA", b"pHYs", b"IDAT", b"IEND"]
    assert "private or unknown chunks (exIf, prVt, sPLT)" in result.removed
    assert _pixels(pil, result.data) == _pixels(pil, plain)
    again = strip_metadata(result.data)
    assert again.data == result.data and again.removed == []


def test_png_iccp_is_sanitised_or_dropped() -> None:
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    idat = _chunk(b"IDAT", zlib.compress(b"\x00\x80\x80\x80"))
    end = _chunk(b"IEND", b"")
    iccp = _chunk(b"iCCP", PATIENT + b"\x00\x00" + zlib.compress(make_icc()))
    result = strip_metadata(b"\x89PNG\r\n\x1a\n" + ihdr + iccp + idat + end)
    assert PATIENT not in result.data and b"GPS" not in result.data
    assert png_chunks(result.data) == [b"IHDR", b"iCCP", b"IDAT", b"IEND"]
    assert result.removed == ["colour profile details"]
    fake = _chunk(b"iCCP", b"ICC\x00\x00" + zlib.compress(b"fake " + PATIENT))
    result = strip_metadata(b"\x89PNG\r\n\x1a\n" + ihdr + fake + idat + end)
    assert png_chunks(result.data) == [b"IHDR", b"IDAT", b"IEND"]
    assert result.removed == ["colour profile"]


def test_png_unknown_critical_chunk_is_refused() -> None:
    ihdr = _chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    data = b"\x89PNG\r\n\x1a\n" + ihdr + _chunk(b"PRVT", PATIENT) + _chunk(b"IEND", b"")
    with pytest.raises(ImageMetadataError, match="unknown critical chunk"):
        strip_metadata(data, "scan.png")


# --- JPEG ----------------------------------------------------------------------------------


def _seg(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def _jpeg(pil: Any, mode: str = "RGB", **options: Any) -> bytes:
    buf = io.BytesIO()
    _picture(pil, mode).save(buf, "JPEG", quality=92, **options)
    return buf.getvalue()


def test_jpeg_gps_hidden_in_kept_segment_types_is_removed(pil: Any) -> None:
    plain = _jpeg(pil)
    hidden = (
        _seg(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01" + GPS)  # Adobe, with EXIF appended
        + _seg(0xE2, b"ICC_PROFILE\x00\x01\x01" + GPS)  # "ICC profile" that is EXIF
        + _seg(0xF0, GPS)  # JPG extension segment
        + _seg(0xFD, b"Patient " + PATIENT)
        + _seg(0x02, b"reserved " + PATIENT)  # reserved marker
    )
    data = plain[:2] + hidden + plain[2:]
    result = strip_metadata(data, "photo.jpg")
    out = result.data
    assert _tiff_gps() not in out and b"GPS" not in out and PATIENT not in out
    assert b"Exif" not in out
    assert out.count(b"\xff\xee") == 1  # Adobe kept: exactly its 12 standard bytes
    assert _seg(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01") in out
    assert b"ICC_PROFILE" not in out
    assert _pixels(pil, out) == _pixels(pil, plain)
    again = strip_metadata(out)
    assert again.data == out and again.removed == []


def test_jpeg_cmyk_keeps_its_colour_transform(pil: Any) -> None:
    plain = _jpeg(pil, "CMYK")
    assert b"\xff\xee\x00\x0eAdobe" in plain  # libjpeg marks CMYK with APP14 Adobe
    result = strip_metadata(plain, "scan.jpg")
    assert _pixels(pil, result.data) == _pixels(pil, plain)
    with pil.open(io.BytesIO(result.data)) as img:
        assert img.mode == "CMYK"


def test_jpeg_real_icc_profile_survives_sanitised(pil: Any) -> None:
    cms = pytest.importorskip("PIL.ImageCms")
    profile = make_icc()
    data = _jpeg(pil, icc_profile=profile)
    result = strip_metadata(data, "photo.jpg")
    assert PATIENT not in result.data and b"GPS" not in result.data
    assert "colour profile details" in result.removed
    with pil.open(io.BytesIO(result.data)) as img:
        kept = img.info["icc_profile"]
    assert set(icc_tags(kept)) >= {b"rXYZ", b"rTRC", b"wtpt"}
    cms.ImageCmsProfile(io.BytesIO(kept))  # lcms accepts it
    assert _pixels(pil, result.data) == _pixels(pil, data)


def test_jpeg_icc_profile_over_several_segments_is_reassembled(pil: Any) -> None:
    pad = [(b"A2B0", b"mft2\x00\x00\x00\x00" + b"\x00" * 70_000)]  # a large (dummy) table
    profile = make_icc(pad)
    data = _jpeg(pil, icc_profile=profile)
    assert data.count(b"ICC_PROFILE\x00") == 2
    result = strip_metadata(data)
    assert result.data.count(b"ICC_PROFILE\x00") == 2
    with pil.open(io.BytesIO(result.data)) as img:
        kept = img.info["icc_profile"]
    assert icc_tags(kept)[b"A2B0"] == icc_tags(profile)[b"A2B0"]


# --- DICOM ---------------------------------------------------------------------------------


def _implicit(group: int, element: int, value: bytes) -> bytes:
    value += b"\x00" * (len(value) % 2)
    return struct.pack("<HHI", group, element, len(value)) + value


def _explicit(group: int, element: int, vr: bytes, value: bytes) -> bytes:
    value += b" " * (len(value) % 2)
    if vr in (b"OB", b"OW", b"SQ", b"UN", b"UT"):
        return (
            struct.pack("<HH", group, element)
            + vr
            + b"\x00\x00"
            + struct.pack("<I", len(value))
            + value
        )
    return struct.pack("<HH", group, element) + vr + struct.pack("<H", len(value)) + value


RAW_DICOM = (
    _implicit(0x0008, 0x0005, b"ISO_IR 100")
    + _implicit(0x0008, 0x0016, b"1.2.840.10008.5.1.4.1.1.1")
    + _implicit(0x0008, 0x0060, b"CR")
    + _implicit(0x0010, 0x0010, b"Roe^Jane")
    + _implicit(0x0010, 0x0020, b"MRN0012345")
    + _implicit(0x0028, 0x0010, struct.pack("<H", 2))
    + _implicit(0x7FE0, 0x0010, b"\x00\x01" * 4)
)
ACR_NEMA = _implicit(0x0008, 0x0000, struct.pack("<I", 18)) + RAW_DICOM
EXPLICIT_META = (
    _explicit(0x0002, 0x0000, b"UL", struct.pack("<I", 30))
    + _explicit(0x0002, 0x0001, b"OB", b"\x00\x01")
    + _explicit(0x0002, 0x0010, b"UI", b"1.2.840.10008.1.2.1")
    + _explicit(0x0010, 0x0010, b"PN", b"Roe^Jane")
)
DICOM_FILES = {
    "implicit-0008": RAW_DICOM,
    "acr-nema-group-length": ACR_NEMA,
    "explicit-0002-meta": EXPLICIT_META,
    "dicm-without-preamble": b"DICM" + EXPLICIT_META,
    "with-preamble": b"\x00" * 128 + b"DICM" + EXPLICIT_META,
}


@pytest.mark.parametrize("case", sorted(DICOM_FILES))
def test_dicom_without_preamble_is_refused_with_advice(case: str) -> None:
    data = DICOM_FILES[case]
    assert sniff(data) == Sniffed("application/dicom", True)
    with pytest.raises(AttachmentError) as info:
        attachments.prepare_bytes("export.bin", data)
    message = str(info.value)
    assert message.startswith("export.bin: metadata cannot be removed safely from DICOM")
    assert "patient" in message and "export the image as JPEG or PNG" in message


@pytest.mark.parametrize(
    "data",
    [
        b"\x08\x00\x05\x00" + b"\xff" * 60,  # a plausible first tag, then nonsense
        b"\x08\x00\x05\x00\x0a\x00\x00\x00ISO_IR 100" + b"\x01\x00\x00\x00" * 8,  # tags go back
        b"\x02\x00\x00\x00UL\x04\x00" + b"\x00" * 3,  # cut off
        bytes(range(256)),
        b"\x08\x00" + b"\x00" * 200,
    ],
)
def test_binary_that_only_starts_like_dicom_is_not_dicom(data: bytes) -> None:
    assert sniff(data).mime == "application/octet-stream"


# --- files whose own metadata is not checked -----------------------------------------------


def test_pdf_and_office_files_carry_a_warning_images_and_text_do_not(pil: Any) -> None:
    pdf = attachments.prepare_bytes("report.pdf", b"%PDF-1.7\n/Author (" + PATIENT + b")")
    docx = attachments.prepare_bytes("letter.docx", b"PK\x03\x04" + b"\x00" * 30)
    assert not pdf.metadata_checked and not docx.metadata_checked
    assert pdf.warning == attachments.unchecked_warning("report.pdf")
    assert "report.pdf" in pdf.warning and "not checked" in pdf.warning
    image = attachments.prepare_bytes("photo.jpg", _jpeg(pil))
    text = attachments.prepare_bytes("notes.txt", b"12-lead ECG")
    assert image.metadata_checked and image.warning is None
    assert text.metadata_checked and text.warning is None
    assert attachments.warnings([pdf, image, docx, text]) == [pdf.warning, docx.warning]


def test_jpeg_structural_segment_with_extra_bytes_is_refused(pil: Any) -> None:
    plain = _jpeg(pil)
    at = plain.index(b"\xff\xdb")  # the first quantisation table
    (length,) = struct.unpack(">H", plain[at + 2 : at + 4])
    body = plain[at + 4 : at + 2 + length] + PATIENT  # a table, then text after it
    data = plain[:at] + _seg(0xDB, body) + plain[at + 2 + length :]
    with pytest.raises(ImageMetadataError, match="quantisation table segment is malformed"):
        strip_metadata(data, "photo.jpg")


# --- WebP and GIF --------------------------------------------------------------------------


def _riff_chunk(fourcc: bytes, payload: bytes) -> bytes:
    pad = b"\x00" if len(payload) % 2 else b""
    return fourcc + struct.pack("<I", len(payload)) + payload + pad


def test_webp_keeps_only_image_chunks_also_inside_animation_frames() -> None:
    vp8 = _riff_chunk(b"VP8L", b"\x2f\x00\x00\x00\x00 fake lossless frame")
    frame_head = b"\x00" * 12 + b"\x64\x00\x00" + b"\xfc"  # reserved flag bits set
    frame = _riff_chunk(b"ANMF", frame_head + vp8 + _riff_chunk(b"prvt", GPS))
    vp8x = _riff_chunk(b"VP8X", b"\x3e\xff\xff\xff" + b"\x1f\x00\x00\x1f\x00\x00" + PATIENT)
    anim = _riff_chunk(b"ANIM", b"\xff\xff\xff\xff\x00\x00")
    body = vp8x + anim + frame + _riff_chunk(b"gps0", GPS) + _riff_chunk(b"EXIF", GPS)
    data = b"RIFF" + struct.pack("<I", len(body) + 4) + b"WEBP" + body
    result = strip_metadata(data, "clip.webp")
    assert PATIENT not in result.data and b"GPS" not in result.data
    clean_vp8x = _riff_chunk(b"VP8X", b"\x12\x00\x00\x00" + b"\x1f\x00\x00\x1f\x00\x00")
    clean_frame = _riff_chunk(b"ANMF", b"\x00" * 12 + b"\x64\x00\x00\x00" + vp8)
    assert result.data[12:] == clean_vp8x + anim + clean_frame
    assert result.removed == [
        "EXIF (incl. GPS)",
        "private or unknown chunks (VP8X extra, prvt, gps0)",
    ]
    again = strip_metadata(result.data)
    assert again.data == result.data and again.removed == []


def test_gif_keeps_only_image_blocks_and_the_loop_count(pil: Any) -> None:
    buf = io.BytesIO()
    frames = [_picture(pil).convert("P"), _picture(pil).rotate(90).convert("P")]
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], loop=0)
    plain = buf.getvalue()
    private = b"\x21\xff\x0bACMEPRIV1.0" + bytes((len(GPS) // 2,)) + GPS[: len(GPS) // 2]
    private += b"\x00"
    text = b"\x21\x01\x0c" + b"\x00" * 12 + bytes((len(PATIENT),)) + PATIENT + b"\x00"
    at = plain.index(b"\x21\xf9")  # before the first graphic control extension
    data = plain[:at] + private + text + plain[at:]
    result = strip_metadata(data, "clip.gif")
    assert result.data == plain
    assert result.removed == ["plain-text extension", "other extensions (ACMEPRIV)"]
    assert _pixels(pil, result.data) == _pixels(pil, plain)
