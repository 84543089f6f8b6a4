"""`casebook post/edit --attach`: what was removed, a warning for files whose own metadata
is not checked (text and JSON), and DICOM refused with advice, nothing posted."""

from __future__ import annotations

import struct
import zlib

import pytest

from casebook.core.library import attachments

PDF = b"%PDF-1.7\n1 0 obj << /Author (Jane Roe) /Creator (Ward 4 scanner) >> endobj\n"


@pytest.fixture
def net(cli):
    assert cli("init", "--name", "Dr. Alice Moreau").code == 0
    return cli("network", "create", "Cardiology Circle", "--json").json["id"]


def post(cli, path, *extra):
    return cli(
        "post", "--network", "Cardiology", "--title", "Syncope", "--attach", str(path), *extra
    )


def _png_with_private_chunk() -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        crc = zlib.crc32(kind + payload)
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", crc)

    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
        + chunk(b"prVt", b"GPS 48.8583 N, Jane Roe")
        + chunk(b"IDAT", zlib.compress(b"\x00\x80"))
        + chunk(b"IEND", b"")
    )


def test_a_pdf_is_posted_with_a_warning_in_text_and_json(cli, net, tmp_path):
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(PDF)
    text = post(cli, pdf)
    assert text.code == 0, text.err
    assert f"Warning: {attachments.unchecked_warning('report.pdf')}" in text.out
    assert "report.pdf" in text.out and "not checked" in text.out

    as_json = post(cli, pdf, "--json")
    assert as_json.code == 0, as_json.err
    data = as_json.json
    assert data["warnings"] == [attachments.unchecked_warning("report.pdf")]
    assert data["attachments"][0]["metadata_checked"] is False
    assert data["attachments"][0]["mime"] == "application/pdf"

    docx = tmp_path / "letter.docx"
    docx.write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    edited = cli("edit", data["id"][:8], "--attach", str(docx), "--json")
    assert edited.code == 0, edited.err
    assert edited.json["warnings"] == [attachments.unchecked_warning("letter.docx")]
    edited = cli("edit", data["id"][:8], "--attach", str(docx))
    assert f"Warning: {attachments.unchecked_warning('letter.docx')}" in edited.out


def test_an_image_says_what_was_removed_and_carries_no_warning(cli, net, tmp_path):
    image = tmp_path / "wound.png"
    image.write_bytes(_png_with_private_chunk())
    result = post(cli, image, "--json")
    assert result.code == 0, result.err
    entry = result.json["attachments"][0]
    assert entry["metadata_checked"] is True
    assert entry["metadata_removed"] == ["private or unknown chunks (prVt)"]
    assert result.json["warnings"] == []
    text = post(cli, image).out
    assert "Removed from wound.png: private or unknown chunks (prVt)" in text
    assert "Warning" not in text


def test_dicom_without_preamble_is_refused_with_advice(cli, net, tmp_path):
    def element(group: int, number: int, value: bytes) -> bytes:
        value += b"\x00" * (len(value) % 2)
        return struct.pack("<HHI", group, number, len(value)) + value

    scan = tmp_path / "scan"  # no extension, no preamble: an ACR-NEMA style data set
    scan.write_bytes(
        element(0x0008, 0x0000, struct.pack("<I", 26))
        + element(0x0008, 0x0060, b"CT")
        + element(0x0010, 0x0010, b"Roe^Jane")
        + element(0x0010, 0x0030, b"19700101")
        + element(0x7FE0, 0x0010, b"\x00" * 16)
    )
    result = post(cli, scan)
    assert result.code == 2
    assert result.err.startswith("casebook: scan: metadata cannot be removed safely from DICOM")
    assert "export the image as JPEG or PNG" in result.err
    assert "Traceback" not in result.err
    assert cli("list", "--json").json["results"] == []  # nothing was posted


def test_consent_options_on_post_edit_and_show(cli, net, tmp_path):
    face, form = tmp_path / "face.png", tmp_path / "form.txt"
    face.write_bytes(_png_with_private_chunk())
    form.write_text("Signed by the patient")
    refused = cli("post", "-n", "Cardiology", "--title", "Rash", "--identifiable", str(face))
    assert refused.code != 0 and "needs written consent" in refused.err
    assert "Traceback" not in refused.err
    made = cli(
        "post", "-n", "Cardiology", "--title", "Rash", "--identifiable", str(face),
        "--consent", "written", "--consent-scope", "teaching,network",
        "--consent-date", "2026-11-30", "--consent-form", str(form), "--json",
    )  # fmt: skip
    assert made.code == 0, made.err
    shown = cli("show", made.json["id"][:10], "--json").json
    assert shown["consent"]["kind"] == "written"
    assert shown["consent"]["scope"] == ["network", "teaching"]
    assert shown["consent"]["date"] == "2026-11-30"
    assert shown["consent"]["recorded_by"] == "Dr. Alice Moreau"
    roles = {a["name"]: a for a in shown["attachments"]}
    assert roles["face.png"]["identifiable"] is True
    assert roles["form.txt"]["role"] == "consent-form"
    assert shown["consent"]["form"] == roles["form.txt"]["hash"]
    text = cli("show", made.json["id"][:10]).out
    assert "Consent: written, for network and teaching, 2026-11-30" in text

    weaker = cli("edit", made.json["id"][:10], "--consent", "verbal")
    assert weaker.code != 0 and "needs written consent" in weaker.err
    wider = cli(
        "edit", made.json["id"][:10], "--consent", "written",
        "--consent-scope", "network,teaching,publication",
        "--consent-form", str(form),
    )  # fmt: skip
    assert wider.code == 0, wider.err
    shown = cli("show", made.json["id"][:10], "--json").json
    assert shown["consent"]["scope"] == ["network", "teaching", "publication"]
    assert sorted(a["name"] for a in shown["attachments"]) == ["face.png", "form.txt"]
    bad = cli("post", "-n", "Cardiology", "--title", "X", "--consent", "written",
              "--consent-scope", "marketing")  # fmt: skip
    assert bad.code == 2 and "scope" in bad.err
