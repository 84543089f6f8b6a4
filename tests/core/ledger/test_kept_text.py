"""A case's text and a comment's body are kept once: an item whose creation the library
keeps in its open form has no ``case_text`` row (a case) or an empty BLOB as its
``body`` (a comment) until it is edited, and every reader (the case and its discussion,
the list's preview line, a search's snippet, a moderator's unhide, the flag inbox)
takes the text from the event (core/ledger/kept_text.py). These attack that: the row's
presence against the form kept, a rebuild, a hostile author's unnormalised text, a
damaged open form, a withdrawal, and a library written by the version before."""

from __future__ import annotations

import pytest
from test_rebuild import dump

from casebook.core.ledger import kept_text
from casebook.core.ledger.wire_form import DamagedEvent
from casebook.core.library.search import Filters
from casebook.core.model import events
from casebook.core.model.encoding import decode, encode
from casebook.core.profile import Profile
from casebook.store.packed_text import pack
from clikit import PASSPHRASE
from netkit import downgrade, join, kept_form, raw_events, through_workers
from rawkit import forge

FIELDS = {"presentation": "Exertional collapse at kilometre 40. " * 6, "question": "Cooling?"}
BODY = "Core temperature 40.8 degrees; pale, confused, then seizing. " * 8


def _text_row(profile: Profile, case: bytes) -> bool:
    return bool(
        profile.db.scalar(
            "SELECT count(*) FROM case_text t JOIN cases c ON c.rid = t.rid WHERE c.id = ?",
            (case,),
        )
    )


def _body_kept(profile: Profile, comment: bytes) -> object:
    return profile.db.scalar("SELECT body FROM comments WHERE id = ?", (comment,))


def _seen(profile: Profile, net: bytes, case: bytes) -> tuple[object, ...]:
    detail = profile.queries.case(case)
    assert detail is not None
    listed = {c.id: c.preview for c in profile.queries.list_cases(Filters(net=net))}
    found = profile.queries.search("seizing", Filters(net=net))
    return detail.fields, detail.body, listed[case], [r.snippet for r in found]


def test_a_case_never_edited_reads_its_text_from_its_open_creation(alice, network):
    case = alice.library.post_case(
        network, title="Heat stroke", fields=FIELDS, body=BODY, specialty="Sports medicine"
    )
    assert events.is_open_form(kept_form(alice, case)) and not _text_row(alice, case)
    fields, body, preview, snippets = _seen(alice, network, case)
    assert fields == FIELDS and body == BODY
    assert list(fields) == sorted(FIELDS)  # in key order, as a row gives them (not CBOR's)
    assert preview and FIELDS["presentation"].startswith(preview.rstrip("…"))
    assert snippets and "seizing" in snippets[0].lower()
    # A moderator's hide and unhide index it again from the event's text.
    alice.governance.moderate(case.hex(), "hide", "Check the dates")
    assert alice.queries.search("seizing", Filters(net=network)) == []
    alice.governance.moderate(case.hex(), "unhide")
    assert [r.case.id for r in alice.queries.search("seizing", Filters(net=network))] == [case]
    # An edit gives it a row, with the text the revisions make; a rebuild writes the same.
    alice.library.edit_case(case, body=BODY + "Recovered fully.")
    assert _text_row(alice, case)
    assert alice.queries.case(case).body == BODY + "Recovered fully."
    before = dump(alice)
    alice.log.rebuild()
    assert dump(alice) == before


def test_the_row_follows_the_form_each_library_keeps(alice, network, make_profile):
    before = alice.library.post_case(network, title="Heat stroke", fields=FIELDS, body=BODY)
    # Bob receives that creation whole (as a join's catch-up or a bundle gives it): its
    # wire form is kept, and with it the row.
    bob = make_profile("Dr. Bob Tanaka")
    join(bob, alice, network)
    assert not events.is_open_form(kept_form(bob, before)) and _text_row(bob, before)
    # What comes after reaches him through sync's workers: kept open, no row.
    after = alice.library.post_case(network, title="Hyponatraemia", fields=FIELDS, body=BODY)
    assert through_workers(bob, raw_events(alice, network), network) == []
    assert events.is_open_form(kept_form(bob, after)) and not _text_row(bob, after)
    for case in (before, after):
        assert _seen(bob, network, case)[:3] == _seen(alice, network, case)[:3]
    rows = dump(bob)
    bob.log.rebuild()
    assert dump(bob) == rows


HOSTILE_CASE = {
    "title": "Heat stroke",
    "specialty": "",
    "fields": {"presentation": "Cafe\u0301 au lait\u0007 spots"},
    "body": "seizing\u202e\u0000 twice",
    "tags": [],
    "attachments": [],
}


def test_a_hostile_authors_text_is_shown_as_it_was_applied(alice, network):
    """A changed client signs text that is not NFC and holds control characters: the
    library applies it normalised, and reading it from the open form normalises it
    the same way (never the raw bytes)."""
    raw = forge(alice, network, "case.create", HOSTILE_CASE)
    assert through_workers(alice, [raw], network) == []
    case = events.parse(raw).id
    assert events.is_open_form(kept_form(alice, case)) and not _text_row(alice, case)
    detail = alice.queries.case(case)
    assert detail.fields == {"presentation": "Caf\u00e9 au lait spots"}
    assert "\u0000" not in detail.body and "\u0007" not in str(detail.fields)
    assert detail.body.startswith("seizing")


def test_a_damaged_open_creation_is_a_calm_error_and_the_list_still_shows(alice, network):
    case = alice.library.post_case(network, title="Heat stroke", fields=FIELDS, body=BODY)
    other = alice.library.post_case(network, title="Hyponatraemia", body="Sodium 121.")
    header, nonce, packed, signature = decode(kept_form(alice, case))
    with alice.db.transaction():  # (cut short: a changed byte may still unpack, to other
        alice.db.execute(  # text; SQLCipher's page checks are what keep the bytes whole)
            "UPDATE events SET raw = ? WHERE id = ?",
            (encode([header, nonce, packed[:-3], signature]), case),
        )
    with pytest.raises(DamagedEvent, match="its text cannot be shown; run 'casebook doctor'"):
        alice.queries.case(case)
    listed = {c.id: c.preview for c in alice.queries.list_cases(Filters(net=network))}
    assert listed[case] == "" and listed[other] == "Sodium 121."
    assert alice.queries.case(other).body == "Sodium 121."
    found = alice.queries.search("seizing", Filters(net=network))  # (its index row stays)
    assert [r.case.id for r in found] == [case] and "<mark>" not in found[0].snippet
    assert case.hex()[:12] in alice.log.verify_all()[0]  # (and the link after it)


def test_any_changed_byte_of_an_open_creation_is_refused_on_reading(alice, network):
    """The text is read from the open form without sealing it again: the packed
    payload's checksum is what finds a changed byte (without it, most one-bit changes
    unpacked to other text). A change is refused, or (a bit the format ignores) gives
    the same text back: never other text."""
    case = alice.library.post_case(network, title="Heat stroke", fields=FIELDS, body=BODY)
    header, nonce, packed, signature = decode(kept_form(alice, case))
    row = alice.db.one(
        f"SELECT {kept_text.COLUMNS} FROM cases c {kept_text.JOIN} WHERE c.id = ?",
        (case,),
    )
    assert kept_text.case_text(row) == (FIELDS, BODY)
    refused = 0
    for at in range(len(packed)):
        for bit in (0x01, 0x80):
            changed = bytearray(packed)
            changed[at] ^= bit
            kept = encode([header, nonce, bytes(changed), signature])
            try:
                read = kept_text.case_text({**row, "kept": kept})
            except DamagedEvent:
                refused += 1
            else:
                assert read == (FIELDS, BODY), (at, bit)
    assert refused >= 2 * len(packed) - 4  # (one such bit in this frame when written)


def test_a_damaged_open_creation_is_one_line_in_the_cli(cli, tmp_path):
    assert cli("init", "--name", "Dr. Alice Moreau").code == 0
    cli("network", "create", "Cardiology Circle")
    made = cli("post", "--network", "Cardiology", "--title", "Syncope", "--body", BODY, "--json")
    assert made.code == 0, made.err
    case = bytes.fromhex(made.json["id"])
    profile = Profile.unlock(tmp_path / "cli-profile", PASSPHRASE)
    try:
        kept = bytes(profile.db.scalar("SELECT raw FROM events WHERE id = ?", (case,)))
        header, nonce, packed, signature = decode(kept)
        with profile.db.transaction():
            profile.db.execute(
                "UPDATE events SET raw = ? WHERE id = ?",
                (encode([header, nonce, packed[:-3], signature]), case),
            )
    finally:
        profile.close()
    shown = cli("show", made.json["id"])
    assert shown.code == 3 and "Traceback" not in shown.err
    assert len(shown.err.strip().splitlines()) == 1
    assert "its text cannot be shown; run 'casebook doctor'" in shown.err
    assert cli("list").code == 0
    found = cli("doctor")
    assert found.code == 3 and made.json["id"][:12] in found.err


def test_a_damaged_comment_leaves_its_case_and_the_rest_of_its_discussion_readable(cli, tmp_path):
    """One damaged comment says so where it stands (and doctor names it); its case, the
    other comments and the list read; a teaching export refuses rather than leave it out."""
    assert cli("init", "--name", "Dr. Alice Moreau").code == 0
    cli("network", "create", "Cardiology Circle")
    made = cli(
        "post", "--network", "Cardiology", "--title", "Syncope", "--body", BODY,
        "--consent", "verbal", "--consent-scope", "network,teaching", "--json",
    )  # fmt: skip
    assert made.code == 0, made.err
    said = [
        cli("comment", made.json["id"], "--body", f"{text} " * 12, "--json").json["id"]
        for text in ("Tilt table first.", "Then a loop recorder.")
    ]
    profile = Profile.unlock(tmp_path / "cli-profile", PASSPHRASE)
    try:
        first = bytes.fromhex(said[0])
        kept = bytes(profile.db.scalar("SELECT raw FROM events WHERE id = ?", (first,)))
        assert events.is_open_form(kept)
        header, nonce, packed, signature = decode(kept)
        with profile.db.transaction():
            profile.db.execute(
                "UPDATE events SET raw = ? WHERE id = ?",
                (encode([header, nonce, packed[:-3], signature]), first),
            )
        detail = profile.queries.case(bytes.fromhex(made.json["id"]))
        assert detail is not None and detail.body == BODY
        damaged, whole = detail.discussion
        assert damaged.body == "" and "its text cannot be shown" in (damaged.damaged or "")
        assert whole.damaged is None and whole.body.startswith("Then a loop recorder.")
    finally:
        profile.close()
    shown = cli("show", made.json["id"])
    assert shown.code == 0 and "Traceback" not in shown.err, shown.err
    assert "Then a loop recorder." in shown.out and "Tilt table" not in shown.out
    assert "its text cannot be shown; run 'casebook doctor'" in shown.out
    as_json = cli("show", made.json["id"], "--json").json["discussion"]
    assert [bool(c["damaged"]) for c in as_json] == [True, False]
    refused = cli("export", made.json["id"], "--out", str(tmp_path / "taught.pdf"))
    assert refused.code == 3 and len(refused.err.strip().splitlines()) == 1
    assert "casebook doctor" in refused.err and not (tmp_path / "taught.pdf").exists()
    found = cli("doctor")
    assert found.code == 3 and said[0][:12] in found.err


def test_an_admin_unhides_a_damaged_comment_and_a_damaged_case(alice, network):
    """Unhiding indexes the text again; a text that cannot be read stays out of the
    index, and the unhide (here, or in a sync batch) does not fail on it."""
    case = alice.library.post_case(network, title="Heat stroke", fields=FIELDS, body=BODY)
    comment = alice.library.comment(case, "Cold water immersion first. " * 6)
    for target in (comment, case):
        alice.governance.moderate(target.hex(), "hide", "Checking a detail")
        header, nonce, packed, signature = decode(kept_form(alice, target))
        with alice.db.transaction():
            alice.db.execute(
                "UPDATE events SET raw = ? WHERE id = ?",
                (encode([header, nonce, packed[:-3], signature]), target),
            )
        alice.governance.moderate(target.hex(), "unhide")
    with pytest.raises(DamagedEvent):  # (the case's own text is what is damaged)
        alice.queries.case(case)
    assert alice.queries.search("immersion", Filters(net=network)) == []
    assert [c.title for c in alice.queries.list_cases(Filters(net=network))] == ["Heat stroke"]


def test_a_withdrawn_case_reads_no_text_from_anywhere(alice, network):
    case = alice.library.post_case(network, title="Heat stroke", fields=FIELDS, body=BODY)
    alice.library.withdraw(case, "Consent withdrawn")
    detail = alice.queries.case(case, include_hidden=True)
    assert detail is None or (detail.body == "" and detail.fields == {})
    assert not events.is_open_form(kept_form(alice, case))
    assert alice.queries.search("seizing", Filters(net=network)) == []


def test_v20_drops_the_rows_open_creations_hold_and_keeps_edited_ones(alice, network):
    plain = alice.library.post_case(network, title="Heat stroke", fields=FIELDS, body=BODY)
    edited = alice.library.post_case(network, title="Hyponatraemia", body="Sodium 121.")
    alice.library.edit_case(edited, body="Sodium 119.")
    said = alice.library.comment(plain, REPLY)
    changed = alice.library.comment(plain, "Agree.")
    alice.library.edit_comment(changed, "Agree, and check the sodium.")
    seen = (_seen(alice, network, plain), alice.queries.case(edited).body)
    folder = alice.directory
    with alice.db.transaction():  # the library as version 19 wrote it: a row for each
        downgrade(alice, 19)
        alice.db.execute(
            "INSERT INTO case_text (rid, fields, body) SELECT rid, ?, ? FROM cases WHERE id = ?",
            (pack('{"presentation":"old"}'), pack("old"), plain),
        )
        alice.db.execute("UPDATE comments SET body = ? WHERE id = ?", (pack(REPLY), said))
    assert _body_kept(alice, said) == pack(REPLY)
    alice.close()
    with Profile.unlock(folder, PASSPHRASE) as again:
        assert not _text_row(again, plain) and _text_row(again, edited)
        assert _body_kept(again, said) == b"" and _body_kept(again, changed) != b""
        assert [c.body for c in again.queries.case(plain).discussion] == [
            REPLY,
            "Agree, and check the sodium.",
        ]
        assert (_seen(again, network, plain), again.queries.case(edited).body) == seen
        before = dump(again)
        again.log.rebuild()
        assert dump(again) == before


REPLY = "Cold-water immersion first; then check the sodium before any fluids. " * 3
OUTCOME = "Discharged on day three; no sequelae at the six-week review. " * 3


def test_a_comment_never_edited_reads_its_body_from_its_open_creation(alice, network):
    case = alice.library.post_case(network, title="Heat stroke", fields=FIELDS, body=BODY)
    first = alice.library.comment(case, REPLY)
    reply = alice.library.reply(first, "Agree.")
    outcome = alice.library.add_outcome(case, OUTCOME)
    for item in (first, outcome):
        assert events.is_open_form(kept_form(alice, item)) and _body_kept(alice, item) == b""
    # (a short reply gains nothing from the open form: its wire form, and the row's text)
    assert not events.is_open_form(kept_form(alice, reply)) and _body_kept(alice, reply) == "Agree."
    shown = [c.body for c in alice.queries.case(case).discussion]
    assert sorted(shown) == sorted([REPLY, "Agree.", OUTCOME])
    found = alice.queries.search("sodium", Filters(net=network))
    assert [r.comment_id for r in found] == [first] and "<mark>sodium</mark>" in found[0].snippet
    assert alice.derived_problems() == []  # (doctor: an empty body is no damaged text)
    # Hidden and shown again: indexed again from the event's text.
    alice.governance.moderate(first.hex(), "hide", "Check the dose")
    assert alice.queries.search("sodium", Filters(net=network)) == []
    alice.governance.moderate(first.hex(), "unhide")
    assert [r.comment_id for r in alice.queries.search("sodium", Filters(net=network))] == [first]
    # An edit keeps the new body in the row; a rebuild writes the same rows.
    alice.library.edit_comment(first, "Immersion, then sodium.")
    assert _body_kept(alice, first) != b""
    assert "Immersion, then sodium." in [c.body for c in alice.queries.case(case).discussion]
    before = dump(alice)
    alice.log.rebuild()
    assert dump(alice) == before


def test_a_hostile_comment_is_shown_as_it_was_applied(alice, network):
    made = forge(alice, network, "case.create", {**HOSTILE_CASE, "body": BODY})
    assert through_workers(alice, [made], network) == []
    case = events.parse(made).id
    raw = forge(
        alice,
        network,
        "comment.create",
        {"case": case, "parent": None, "body": "Cafe\u0301\u0007! " * 20},
    )
    assert through_workers(alice, [raw], network) == []
    comment = events.parse(raw).id
    assert _body_kept(alice, comment) == b""
    assert [c.body for c in alice.queries.case(case).discussion] == ["Caf\u00e9! " * 20]


def test_a_flagged_comment_s_excerpt_is_read_from_its_open_creation(alice, network, make_profile):
    bob = make_profile("Dr. Bob Tanaka")
    join(bob, alice, network)
    case = alice.library.post_case(network, title="Heat stroke", fields=FIELDS, body=BODY)
    assert through_workers(bob, raw_events(alice, network), network) == []
    comment = bob.library.comment(case, REPLY)
    assert through_workers(alice, raw_events(bob, network), network) == []
    assert _body_kept(alice, comment) == b""
    bob.library.flag(comment.hex(), "Names the runner's club")
    assert through_workers(alice, raw_events(bob, network), network) == []
    items = alice.flag_inbox.inbox(network)
    assert [i.excerpt[:40] for i in items] == [REPLY[:40]]
    header, nonce, packed, signature = decode(kept_form(alice, comment))
    with alice.db.transaction():  # damaged: still listed, without its excerpt
        alice.db.execute(
            "UPDATE events SET raw = ? WHERE id = ?",
            (encode([header, nonce, packed[:-3], signature]), comment),
        )
    assert [(i.item, i.excerpt) for i in alice.flag_inbox.inbox(network)] == [(comment, "")]
