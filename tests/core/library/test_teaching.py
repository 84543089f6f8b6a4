"""Teaching exports (issue 17, part 4): a clean PDF of a case and its discussion, only
when its consent covers teaching, authors as roles or initials, the text checked for
identifiers again; the signed form and hidden comments never in it; refused, with the
reason, for a withdrawn case."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from casebook.core.library import attachments, teaching
from casebook.core.library.consent_input import ConsentInput, prepare
from casebook.core.profile import Profile
from casebook.errors import CasebookError, IdentifiersFound, PermissionDenied
from casebook.session import Session
from netkit import deliver, join
from scankit import noise_png


def pdf_text(path: Path) -> tuple[str, int, dict]:
    """The PDF's text, its number of pictures and its metadata, read back by PDFium."""
    doc = pdfium.PdfDocument(str(path))
    text = "\n".join(page.get_textpage().get_text_range() for page in doc)
    images = sum(
        1 for page in doc for obj in page.get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE
    )
    return text, images, doc.get_metadata_dict()


def export(profile: Profile, case: bytes, out: Path, authors: str = "roles", **kw) -> int:
    return asyncio.run(Session.over(profile).teaching_pdf(case, out, authors, **kw))


@pytest.fixture
def bob(make_profile, alice: Profile, network: bytes) -> Profile:
    bob = make_profile("Dr. Bob Okafor")
    join(bob, alice, network)
    return bob


def teaching_case(alice: Profile, bob: Profile, network: bytes, tmp_path: Path, scope=None):
    photo, form = tmp_path / "rash.png", tmp_path / "signed-form.txt"
    photo.write_bytes(noise_png(32))
    form.write_text("Signed consent of the patient")
    record, files = prepare(
        [photo],
        me=alice.name,
        case=ConsentInput("written", scope or ("network", "teaching"), form=form),
    )
    case = alice.library.post_case(
        network,
        title="Livedo after amantadine",
        fields={"presentation": "Mottled thighs for two months."},
        body="Lace-like, **non-blanching**.",
        files=files,
        consent=record,
    )
    deliver(alice, bob, network)
    comment = bob.library.comment(case, "Classic amantadine livedo; it fades on stopping.")
    deliver(bob, alice, network)
    alice.library.comment(case, "Thank you, stopping it.")
    return case, comment


def test_roles_initials_pictures_and_nothing_that_names_anyone(
    alice: Profile, bob: Profile, network: bytes, tmp_path: Path
) -> None:
    case, _ = teaching_case(alice, bob, network, tmp_path)
    out = tmp_path / "roles.pdf"
    assert export(alice, case, out) == out.stat().st_size
    text, images, meta = pdf_text(out)
    assert "Livedo after amantadine" in text and "Mottled thighs" in text
    assert "Presenting clinician" in text and "Colleague A" in text
    assert "Consent: written, covering network, teaching" in text
    assert images == 1  # the photo, not the signed form
    assert "signed-form" not in text and "Signed consent" not in text
    for name in ("Alice", "Moreau", "Bob", "Okafor"):
        assert name not in text and name not in str(meta)
    initials = tmp_path / "initials.pdf"
    export(alice, case, initials, "initials")
    text, _, _ = pdf_text(initials)
    assert "A.M." in text and "B.O." in text and "Okafor" not in text
    assert out.stat().st_mode & 0o077 == 0
    with pytest.raises(CasebookError, match="already exists"):
        export(alice, case, out)


def test_refused_without_teaching_consent_when_withdrawn_or_hidden(
    alice: Profile, bob: Profile, network: bytes, tmp_path: Path
) -> None:
    plain = alice.library.post_case(network, title="No consent recorded")
    with pytest.raises(PermissionDenied, match="no consent record"):
        export(alice, plain, tmp_path / "a.pdf")
    case, _ = teaching_case(alice, bob, network, tmp_path, scope=("network",))
    with pytest.raises(PermissionDenied, match="covers network, not teaching"):
        export(alice, case, tmp_path / "b.pdf")
    taught, _ = teaching_case(alice, bob, network, tmp_path)
    alice.governance.moderate(taught.hex(), "hide", "Under review")
    with pytest.raises(PermissionDenied, match="hidden"):
        export(alice, taught, tmp_path / "c.pdf")
    alice.governance.moderate(taught.hex(), "unhide")
    alice.library.withdraw(taught, "Consent withdrawn")
    with pytest.raises(PermissionDenied, match="withdrawn"):
        export(alice, taught, tmp_path / "d.pdf")
    assert not list(tmp_path.glob("*.pdf"))  # nothing written by a refusal


def test_an_identifier_in_the_discussion_is_caught_again(
    alice: Profile, bob: Profile, network: bytes, tmp_path: Path
) -> None:
    case, _ = teaching_case(alice, bob, network, tmp_path)
    deliver(alice, bob, network)
    bob.library.comment(case, "Mrs Jane Roe, call 020 7946 0958", allow_identifiers=True)
    deliver(bob, alice, network)
    with pytest.raises(IdentifiersFound) as found:
        export(alice, case, tmp_path / "e.pdf")
    assert "comment by Colleague A" in str(found.value)
    assert not (tmp_path / "e.pdf").exists()
    export(alice, case, tmp_path / "e.pdf", allow_identifiers=True)


def test_a_hidden_comment_is_left_out_and_a_picture_not_here_is_named(
    alice: Profile, bob: Profile, network: bytes, tmp_path: Path
) -> None:
    case, comment = teaching_case(alice, bob, network, tmp_path)
    alice.governance.moderate(comment.hex(), "hide", "Off topic")
    doc = teaching.prepare(alice.db, case, "roles")
    assert [e.body for e in doc.discussion] == ["Thank you, stopping it."]
    deliver(alice, bob, network)
    picture = doc.pictures[0]
    assert attachments.has(alice.db, picture.hash) and not attachments.has(bob.db, picture.hash)
    out = tmp_path / "bob.pdf"
    export(bob, case, out)  # no relay to fetch it from: named, not shown
    text, images, _ = pdf_text(out)
    assert images == 0 and "not on this computer" in text
