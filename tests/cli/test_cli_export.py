"""`casebook export CASE --format pdf --out FILE`: a teaching PDF when the case's consent
covers teaching; otherwise one line saying why, exit 2 or 4, and no file."""

from __future__ import annotations

import pypdfium2 as pdfium


def post(cli, *consent: str) -> str:
    made = cli(
        "post", "--network", "Dermatology", "--title", "Livedo after amantadine",
        "--body", "Lace-like rash on both thighs.", *consent, "--json",
    )  # fmt: skip
    assert made.code == 0, made.err
    return made.json["id"]


def test_export_writes_a_teaching_pdf_or_says_why_not(cli, tmp_path) -> None:
    assert cli("init", "--name", "Dr. Alice Moreau").code == 0
    cli("network", "create", "Dermatology Circle")
    taught = post(cli, "--consent", "verbal", "--consent-scope", "network,teaching")
    out = tmp_path / "teaching.pdf"
    done = cli("export", taught, "--out", str(out), "--authors", "initials", "--json")
    assert done.code == 0, done.err
    assert done.json["bytes"] == out.stat().st_size
    text = "".join(p.get_textpage().get_text_range() for p in pdfium.PdfDocument(str(out)))
    assert "Livedo after amantadine" in text and "A.M." in text and "Moreau" not in text

    network_only = post(cli, "--consent", "verbal")
    refused = cli("export", network_only, "--out", str(tmp_path / "no.pdf"))
    assert refused.code != 0 and "not teaching" in refused.err
    assert len(refused.err.strip().splitlines()) == 1 and "Traceback" not in refused.err
    assert not (tmp_path / "no.pdf").exists()

    again = cli("export", taught, "--out", str(out))
    assert again.code != 0 and "already exists" in again.err

    cli("withdraw", taught, "--reason", "Consent withdrawn")
    withdrawn = cli("export", taught, "--out", str(tmp_path / "w.pdf"))
    assert withdrawn.code != 0 and "withdrawn" in withdrawn.err
