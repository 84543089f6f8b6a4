"""Consent records (issue 17): the model's rules, the library refusing before anything is
stored, and every computer rejecting an event that breaks them (a member's own client can
be changed, so the projection checks again)."""

from __future__ import annotations

import struct
import zlib
from typing import Any

import pytest

from casebook.core.library import attachments
from casebook.core.library.search import Filters
from casebook.core.model import consent, events
from casebook.core.model.events import EventError
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from casebook.errors import UsageError
from netkit import deliver, join
from rawkit import forge, rejected


def png(width: int = 3) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + b"\x80\x10\x10" * width for _ in range(2))
    header = struct.pack(">IIBBBBB", width, 2, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def written(scope: tuple[str, ...] = ("network",), form: bytes | None = None) -> dict[str, Any]:
    return consent.record(
        "written", scope, recorded_by="Dr. Alice Moreau", date="2026-11-30", form=form
    )


def face() -> attachments.Prepared:
    item = attachments.prepare_bytes("face.png", png())
    return attachments.Prepared(**{**item.__dict__, "identifiable": True})


def blobs(profile: Profile) -> int:
    return int(profile.db.scalar("SELECT count(*) FROM blobs"))


# -- the model -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("change", "why"),
    [
        ({"kind": "implied"}, "kind"),
        ({"scope": []}, "scope"),
        ({"scope": ["teaching", "network"]}, "scope"),  # not in canonical order
        ({"scope": ["network", "network"]}, "scope"),
        ({"scope": ["marketing"]}, "scope"),
        ({"date": "2026-02-30"}, "not a date"),
        ({"date": "30/11/2026"}, "YYYY-MM-DD"),
        ({"recorded_by": ""}, "recorded"),
        ({"recorded_by": "Dr A\nB"}, "recorded"),
        ({"form": b"short"}, "form"),
        ({"kind": "verbal", "form": b"\x01" * 32}, "only written"),
    ],
)
def test_a_malformed_record_is_refused(change: dict[str, Any], why: str) -> None:
    good = written()
    with pytest.raises(EventError, match=why):
        consent.validate({**good, **change})
    with pytest.raises(EventError):
        consent.validate({**good, "extra": 1})


def test_a_typed_record_is_normalised() -> None:
    made = consent.record(" Written ", ["publication", "network", ""], recorded_by=" Dr  Ada ")
    assert made["kind"] == "written" and made["scope"] == ["network", "publication"]
    assert made["recorded_by"] == "Dr Ada" and len(made["date"]) == 10


def test_the_rules_between_a_record_and_the_attachments() -> None:
    item = {"hash": b"\x01" * 32, "name": "face.png", "identifiable": True}
    with pytest.raises(EventError, match="needs written consent"):
        consent.check_case(None, [item])
    verbal = consent.record("verbal", ["network"], recorded_by="Dr A")
    with pytest.raises(EventError, match="needs written consent"):
        consent.check_case(verbal, [item])
    consent.check_case(written(), [item])  # the case's written record covers it
    consent.check_case(verbal, [{**item, "consent": written()}])  # or its own
    with pytest.raises(EventError, match="one of the case's attachments"):
        consent.check_case(written(form=b"\x02" * 32), [item])
    form = {"hash": b"\x02" * 32, "name": "form.pdf", "role": consent.FORM_ROLE}
    consent.check_case(written(form=b"\x02" * 32), [item, form])


# -- the library ---------------------------------------------------------------------
def test_an_identifiable_image_without_written_consent_is_refused_and_nothing_stored(
    alice: Profile, network: bytes
) -> None:
    before = blobs(alice), alice.db.scalar("SELECT count(*) FROM events")
    with pytest.raises(UsageError, match="needs written consent"):
        alice.library.post_case(network, title="Rash", files=[face()])
    verbal = consent.record("verbal", ["network"], recorded_by="Dr A")
    with pytest.raises(UsageError, match="needs written consent"):
        alice.library.post_case(network, title="Rash", files=[face()], consent=verbal)
    assert (blobs(alice), alice.db.scalar("SELECT count(*) FROM events")) == before

    case = alice.library.post_case(network, title="Rash", files=[face()], consent=written())
    shown = alice.queries.case(case)
    assert shown.consent == {**written(), "form": None}
    assert shown.attachments[0]["identifiable"] is True
    assert shown.to_json()["consent"]["scope"] == ["network"]


def test_an_edit_cannot_weaken_the_record_below_an_identifiable_image(
    alice: Profile, network: bytes
) -> None:
    case = alice.library.post_case(network, title="Rash", files=[face()], consent=written())
    verbal = consent.record("verbal", ["network"], recorded_by="Dr A")
    with pytest.raises(UsageError, match="needs written consent"):
        alice.library.edit_case(case, consent=verbal)
    # A case without a record gets an identifiable image only with written consent.
    other = alice.library.post_case(network, title="Plain")
    with pytest.raises(UsageError, match="needs written consent"):
        alice.library.edit_case(other, files=[face()])
    alice.library.edit_case(other, files=[face()], consent=written(("network", "teaching")))
    assert alice.queries.case(other).consent["scope"] == ["network", "teaching"]


def test_every_computer_rejects_an_event_that_breaks_the_rules(
    alice: Profile, network: bytes, make_profile
) -> None:
    bob = make_profile("Dr. Bob Okafor")
    join(bob, alice, network)
    case = alice.library.post_case(network, title="Rash", files=[face()], consent=written())
    deliver(alice, bob, network)
    item = face()
    hostile_case = forge(
        alice,
        network,
        EventKind.CASE_CREATE,
        {
            "title": "No consent",
            "specialty": "",
            "fields": {},
            "body": "",
            "tags": [],
            "attachments": [item.entry()],
        },
    )
    outcome = bob.log.ingest(hostile_case)
    assert outcome is not None
    alice.log.ingest(hostile_case)  # her own computer rejects it too; her chain goes on
    assert any("written consent" in why for why in rejected(bob).values())
    assert [c.title for c in bob.queries.list_cases(Filters(), limit=10)] == ["Rash"]

    # An edit of the record carries the attachments too, so the rules are judged on one
    # payload whatever order edits arrive in: a record alone is refused, and one that
    # weakens consent under the image is rejected by every computer.
    verbal = consent.record("verbal", ["network"], recorded_by="Dr A")
    with pytest.raises(EventError, match="carries the attachments too"):
        alice.log.append(network, EventKind.CASE_EDIT, {"case": case, "consent": verbal})
    image = {**item.entry(), "hash": face().hash}
    weaken = forge(
        alice,
        network,
        EventKind.CASE_EDIT,
        {"case": case, "consent": verbal, "attachments": [image]},
    )
    bob.log.ingest(weaken)
    assert "written consent" in rejected(bob)[events.parse(weaken).id]
    assert bob.queries.case(case).consent["kind"] == "written"


def test_the_record_travels_and_survives_a_rebuild(
    alice: Profile, network: bytes, make_profile
) -> None:
    bob = make_profile("Dr. Bob Okafor")
    join(bob, alice, network)
    form = attachments.Prepared(
        **{
            **attachments.prepare_bytes("consent.txt", b"signed").__dict__,
            "role": consent.FORM_ROLE,
        }
    )
    record = written(("network", "teaching"), form=form.hash)
    case = alice.library.post_case(network, title="Rash", files=[face(), form], consent=record)
    deliver(alice, bob, network)
    seen = bob.queries.case(case)
    assert seen.consent == consent.to_json(record)
    assert {a.get("role") for a in seen.attachments} == {None, consent.FORM_ROLE}
    bob.log.rebuild()
    assert bob.queries.case(case).consent == consent.to_json(record)


def test_the_recorders_name_goes_through_the_de_identification_check(
    alice: Profile, network: bytes
) -> None:
    from casebook.errors import IdentifiersFound

    careless = consent.record("verbal", ["network"], recorded_by="Jane Doe, MRN 4471923")
    with pytest.raises(IdentifiersFound, match="MRN 4471923"):
        alice.library.post_case(network, title="Rash", consent=careless)
    own = attachments.Prepared(**{**face().__dict__, "consent": careless})
    with pytest.raises(IdentifiersFound, match="MRN 4471923"):
        alice.library.post_case(network, title="Rash", files=[own], consent=written())
    assert not alice.db.scalar("SELECT count(*) FROM cases")
    fine = consent.record("verbal", ["network"], recorded_by="Dr. Alice Moreau")
    alice.library.post_case(network, title="Rash", consent=fine)  # the clinician's name
