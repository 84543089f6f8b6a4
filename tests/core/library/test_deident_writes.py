"""Every write that publishes text runs the de-identification check, in the library:
a case, an edit of a case, a comment, a reply, an edit of a comment and an outcome are
refused with :class:`IdentifiersFound` and store nothing (no event, no attachment), and go
out when the author allows it. Before this, only a new case posted from the CLI or the
app's new-case form was checked: every other path published the text below silently."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casebook.core.library import attachments
from casebook.core.profile import Profile
from casebook.errors import IdentifiersFound, UsageError

LEAK = "Mrs Jones, DOB 3/4/1961, MRN 00-123-456"


def stored(p: Profile) -> tuple[int, ...]:
    return tuple(
        p.db.scalar(f"SELECT count(*) FROM {table}")
        for table in ("events", "cases", "comments", "blobs")
    )


@pytest.fixture
def case(alice: Profile, network: bytes) -> bytes:
    return alice.library.post_case(network, title="Syncope in a runner", body="Collapsed.")


@pytest.fixture
def comment(alice: Profile, case: bytes) -> bytes:
    return alice.library.comment(case, "Consider HCM.")


def _writes(
    alice: Profile, network: bytes, case: bytes, comment: bytes
) -> dict[str, Callable[..., bytes]]:
    lib = alice.library
    picture = attachments.prepare_bytes("ecg.txt", b"12-lead ECG")
    return {
        "post": lambda **kw: lib.post_case(network, title="Syncope", body=LEAK, **kw),
        "post title": lambda **kw: lib.post_case(network, title=LEAK, **kw),
        "post field": lambda **kw: lib.post_case(
            network, title="Syncope", fields={"history": LEAK}, files=[picture], **kw
        ),
        "post tag": lambda **kw: lib.post_case(
            network, title="Syncope", tags=["Mrs Jones", "DOB 3-4-1961"], **kw
        ),
        "edit case": lambda **kw: lib.edit_case(case, body=LEAK, **kw),
        "edit case title": lambda **kw: lib.edit_case(case, title=LEAK, **kw),
        "edit case fields": lambda **kw: lib.edit_case(
            case, fields={"history": LEAK}, files=[picture], **kw
        ),
        "comment": lambda **kw: lib.comment(case, LEAK, **kw),
        "reply": lambda **kw: lib.reply(comment, LEAK, **kw),
        "edit comment": lambda **kw: lib.edit_comment(comment, LEAK, **kw),
        "outcome": lambda **kw: lib.add_outcome(case, LEAK, **kw),
    }


WRITES = [
    "post",
    "post title",
    "post field",
    "post tag",
    "edit case",
    "edit case title",
    "edit case fields",
    "comment",
    "reply",
    "edit comment",
    "outcome",
]


@pytest.mark.parametrize("write", WRITES)
def test_identifying_text_is_refused_on_every_write_and_nothing_is_stored(
    alice: Profile, network: bytes, case: bytes, comment: bytes, write: str
) -> None:
    attempt = _writes(alice, network, case, comment)[write]
    before = stored(alice)
    with pytest.raises(IdentifiersFound) as refused:
        attempt()
    assert isinstance(refused.value, UsageError) and refused.value.exit_code == 2
    assert {f.kind for f in refused.value.findings} >= {"name", "birth date"}
    message = refused.value.message
    assert "nothing was saved or sent" in message and "Mrs Jones" in message
    assert "3/4/1961" in message or "3-4-1961" in message
    assert stored(alice) == before  # no event, no row, no attachment
    assert alice.db.integrity_errors() == []


@pytest.mark.parametrize("write", WRITES)
def test_the_author_may_publish_it_anyway(
    alice: Profile, network: bytes, case: bytes, comment: bytes, write: str
) -> None:
    before = stored(alice)
    new = _writes(alice, network, case, comment)[write](allow_identifiers=True)
    assert isinstance(new, bytes)
    assert stored(alice)[0] == before[0] + 1  # one event
    texts = [alice.queries.case(case)]  # the edited case, or the new one
    if write.startswith("post"):
        texts = [alice.queries.case(new)]
    shown = texts[0]
    assert shown is not None
    everything = " ".join(
        [shown.summary.title, shown.body, *shown.fields.values(), *shown.summary.tags]
        + [c.body for c in shown.discussion]
    )
    assert "Jones" in everything.replace("jones", "Jones")


def test_clean_text_needs_no_permission(alice: Profile, case: bytes, comment: bytes) -> None:
    alice.library.comment(case, "BP 142/88, 3/7 of palpitations; Murphy's sign negative.")
    alice.library.reply(comment, "Agree — Dr Patel in cardiology suggests an MRI.")
    alice.library.add_outcome(case, "HCM on MRI; ICD implanted. Follow-up in 6/12.")
    alice.library.edit_case(case, body="Collapsed at mile 20, aged 34.")


def test_a_moderators_reason_and_a_network_name_are_not_case_text(
    alice: Profile, network: bytes, case: bytes
) -> None:
    # Names of members and networks are not patients': no check, no refusal.
    alice.library.create_network("Mrs Jones's journal club", "Dr. Alice Moreau")
    alice.governance.moderate(case.hex(), "hide", "Mentions a date of birth")


def test_the_demo_texts_pass_the_check() -> None:
    # The demo library is built through these same writes: its fictional cases must not
    # look identifying (else `--demo` would stop at the first one).
    from casebook.core.library.deident import check_payload
    from casebook.demo_data import CASES

    for _author, title, specialty, fields, tags, comments, outcome in CASES:
        case = {"title": title, "specialty": specialty, "fields": fields, "tags": tags}
        assert check_payload("case.create", case) == [], title
        for _who, text in comments:
            assert check_payload("comment.create", {"body": text}) == [], text
        if outcome:
            assert check_payload("case.outcome", {"body": outcome}) == [], outcome
