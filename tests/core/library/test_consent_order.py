"""The consent rules do not depend on arrival order (review of issue 17): an edit of the
record or the attachments carries both, so the case's folded pair always comes from one
validated event. A hostile client back-dating an edit, and an honest author whose two
computers' edits arrive in either order, leave every computer agreeing."""

from __future__ import annotations

from typing import Any

from test_consent import face, written

from casebook.core.library import attachments
from casebook.core.model import consent, events
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from netkit import deliver, join, link_computer, sync
from rawkit import forge, rejected


def verbal() -> dict[str, Any]:
    return consent.record("verbal", ["network"], recorded_by="Dr. Alice Moreau", date="2026-11-30")


def chain(profile: Profile, net: bytes) -> list[bytes]:
    rows = profile.db.all(
        "SELECT raw FROM events WHERE net = ? AND author = ? ORDER BY seq",
        (net, profile.identity.public_key),
    )
    return profile.log.wire.all(bytes(r[0]) for r in rows)


def test_two_computers_edits_arriving_in_either_order_agree(
    alice: Profile, network: bytes, make_profile, tmp_path
) -> None:
    carol, dan = make_profile("Dr. Carol Ng"), make_profile("Dr. Dan Roe")
    join(carol, alice, network)
    join(dan, alice, network)
    laptop = link_computer(alice, tmp_path / "laptop")
    sync(alice, laptop, carol, dan, net=network)
    case = alice.library.post_case(network, title="Rash", files=[face()], consent=written())
    sync(alice, laptop, carol, dan, net=network)
    own = attachments.Prepared(**{**face().__dict__, "consent": written()})
    alice.library.edit_case(case, files=[own])  # desktop: the image gets its own record
    deliver(alice, laptop, network)
    weaken = laptop.library.edit_case(case, consent=verbal())  # laptop, having seen it
    deliver(laptop, alice, network)
    for first, second in ((laptop, alice), (alice, laptop)):
        reader = carol if first is laptop else dan
        for raw in chain(first, network) + chain(second, network):
            reader.log.ingest(raw)
    for profile in (alice, laptop, carol, dan):
        assert weaken not in rejected(profile)
        shown = profile.queries.case(case)
        assert shown.consent["kind"] == "verbal"
        assert shown.attachments[0]["consent"]["kind"] == "written"
    carol.log.rebuild()
    assert carol.queries.case(case).consent["kind"] == "verbal"


def test_a_back_dated_edit_cannot_leave_an_image_under_verbal_consent(
    alice: Profile, network: bytes, make_profile
) -> None:
    bob = make_profile("Dr. Bob Okafor")  # hostile: his client signs what it likes
    join(bob, alice, network)
    made = forge(  # a case without a purge key, so the forged edits need no tag
        alice,
        network,
        EventKind.CASE_CREATE,
        {
            "title": "Rash",
            "specialty": "",
            "fields": {},
            "body": "",
            "tags": [],
            "attachments": [],
            "consent": written(),
        },
    )
    alice.log.ingest(made)
    case = events.parse(made).id
    image = face().entry()
    late = forge(
        alice,
        network,
        EventKind.CASE_EDIT,
        {"case": case, "consent": written(), "attachments": [image]},
    )
    alice.log.ingest(late)
    weaken = forge(alice, network, EventKind.CASE_EDIT, {"case": case, "consent": verbal()})
    alice.log.ingest(weaken)
    deliver(alice, bob, network)
    for profile in (alice, bob):
        assert "attachments too" in rejected(profile)[events.parse(weaken).id]
        shown = profile.queries.case(case)
        assert shown.consent["kind"] == "written" and shown.attachments[0]["identifiable"]
