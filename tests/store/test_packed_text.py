"""Derived text is stored packed (raw DEFLATE) and read back exactly; a damaged row is one
worded error naming what mends it (and doctor finds it), never a partial text or a
traceback; schema v18 indexes comments by their case's row."""

import json
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.core.library.search import Filters
from casebook.core.model import payloads
from casebook.core.model.payloads import MAX_BODY, MAX_FIELD, MAX_FIELDS
from casebook.core.profile import Profile
from casebook.errors import CasebookError
from casebook.store.packed_text import MAX_TEXT, MIN_PACK, PackedTextError, pack, unpack
from casebook.store.schema import LATEST
from clikit import PASSPHRASE
from netkit import downgrade

LONG = (
    (
        "Collapsed at mile 20 of a marathon; brief loss of consciousness, quick recovery. "
        "ECG showed left ventricular hypertrophy by voltage criteria, deep T inversions. "
    )
    * 4
).strip()


@given(st.text(max_size=3000))
def test_every_text_comes_back_exactly(text):
    stored = pack(text)
    assert unpack(stored) == text
    assert isinstance(stored, str) or len(stored) < len(text.encode())


def test_the_largest_text_a_case_can_store_unpacks():
    """30 fields at their limit, each character 4 bytes once NFC-normalised as stored (a
    character a hostile client sends unnormalised can become two: U+1D15E), as JSON."""
    assert MAX_TEXT > MAX_FIELDS * (4 * MAX_FIELD + 48) and MAX_TEXT > 4 * MAX_BODY
    fields = {f"f{i:02d}": "\U0001d15e" * (MAX_FIELD // 2) for i in range(MAX_FIELDS)}
    cleaned = payloads.case_content(
        {
            "title": "t",
            "specialty": "",
            "fields": fields,
            "body": "",
            "tags": [],
            "attachments": [],
        },
        partial=False,
    )["fields"]
    worst = json.dumps(cleaned, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    assert len(worst.encode()) > MAX_FIELDS * 4 * MAX_FIELD
    assert unpack(pack(worst)) == worst


def test_short_and_incompressible_texts_stay_text_and_packing_is_deterministic():
    assert pack("Agree.") == "Agree."
    assert isinstance(pack("x" * MIN_PACK), bytes)
    noise = bytes(range(256)).hex()[::3] + "ÿ€😀" * 40  # little repetition: may not gain
    assert unpack(pack(noise)) == noise
    assert pack(LONG) == pack(LONG) and len(pack(LONG)) < len(LONG) // 3
    assert unpack(None) == ""


@pytest.mark.parametrize(
    "damaged",
    [
        pytest.param(lambda b: b[: len(b) // 2], id="cut-short"),
        pytest.param(lambda b: b + b"\x00", id="trailing-byte"),
        pytest.param(lambda b: b"\xff" + b[1:], id="garbage"),
        pytest.param(lambda b: zlib.compress(b"\xff\xfe" * 200)[2:-4], id="not-utf8"),
        pytest.param(
            lambda b: (lambda c: c.compress(b"a" * (MAX_TEXT + 1)) + c.flush())(
                zlib.compressobj(9, zlib.DEFLATED, -15)
            ),
            id="larger-than-any-text",
        ),
    ],
)
def test_a_damaged_row_is_an_error_not_a_partial_text(damaged):
    stored = pack(LONG)
    assert isinstance(stored, bytes)
    with pytest.raises(PackedTextError):
        unpack(damaged(stored))


def test_the_library_stores_text_packed_and_reads_old_rows_as_they_were(alice, network):
    case_id = alice.library.post_case(
        network,
        title="Syncope in a runner",
        fields={"presentation": LONG, "question": "HCM or vasovagal?"},
        body=LONG,
        tags=["cardiology"],
        specialty="Cardiology",
    )
    comment = alice.library.comment(case_id, "Agree.")
    alice.library.comment(case_id, "Agree.")
    # (an edited item's text is kept in its row; one never edited reads its open
    # creation: tests/core/ledger/test_kept_text.py)
    alice.library.edit_case(case_id, title="Syncope in a young runner")
    alice.library.edit_comment(comment, LONG)
    row = alice.db.one(
        "SELECT t.fields, t.body FROM case_text t JOIN cases c ON c.rid = t.rid WHERE c.id = ?",
        (case_id,),
    )
    assert isinstance(row["fields"], bytes) and isinstance(row["body"], bytes)
    assert len(row["body"]) < len(LONG) // 3
    kinds = [type(r[0]) for r in alice.db.all("SELECT body FROM comments ORDER BY rid")]
    assert kinds == [bytes, str]
    assert len(alice.db.scalar("SELECT body FROM comments ORDER BY rid")) < len(LONG) // 3

    def seen() -> tuple[object, ...]:
        case = alice.queries.case(case_id)
        assert case is not None
        listed = alice.queries.list_cases(Filters(net=network))
        found = alice.queries.search("ventricular hypertrophy", Filters(net=network))
        return (
            case.fields["presentation"],
            case.body,
            [c.body for c in case.discussion],
            listed[0].preview,
            [r.snippet for r in found],
        )

    packed = seen()
    assert packed[0] == LONG and packed[1] == LONG
    assert packed[2] == [LONG, "Agree."]
    assert packed[3] and LONG.startswith(packed[3].rstrip("…"))
    assert packed[4] and all("hypertrophy" in s.lower() for s in packed[4])
    # A library written before packing holds TEXT rows: they read the same.
    with alice.db.transaction():
        alice.db.execute(
            "UPDATE case_text SET fields = ?, body = ?",
            (unpack(row["fields"]), unpack(row["body"])),
        )
        alice.db.execute("UPDATE comments SET body = ? WHERE typeof(body) = 'blob'", (LONG,))
    assert seen() == packed


def test_a_damaged_packed_row_is_one_calm_line_in_the_cli(cli, tmp_path):
    assert cli("init", "--name", "Dr. Alice Moreau").code == 0
    cli("network", "create", "Cardiology Circle")
    made = cli("post", "--network", "Cardiology", "--title", "Syncope", "--body", LONG, "--json")
    assert made.code == 0, made.err
    edited = cli("edit", made.json["id"], "--title", "Syncope in a runner")  # its text row
    assert edited.code == 0, edited.err
    profile = Profile.unlock(tmp_path / "cli-profile", PASSPHRASE)
    try:
        with profile.db.transaction():
            profile.db.execute("UPDATE case_text SET body = substr(body, 1, 20)")
    finally:
        profile.close()
    result = cli("show", made.json["id"])
    assert result.code == 3
    assert result.err.startswith("casebook: A stored text of this library is damaged")
    assert "'casebook doctor --rebuild'" in result.err and "Traceback" not in result.err
    assert len(result.err.strip().splitlines()) == 1
    # doctor finds it, and says what mends it.
    found = cli("doctor", "--json")
    assert found.code == 3 and "1 stored text(s) are damaged" in found.err
    assert found.json["problems"] == [
        "1 stored text(s) are damaged; 'casebook doctor --rebuild' rebuilds them from the events"
    ]
    # The derived rows are rebuilt from the events: the text is back, exactly.
    assert cli("doctor", "--rebuild").code == 0
    assert cli("doctor").code == 0
    shown = cli("show", made.json["id"], "--json")
    assert shown.code == 0 and shown.json["body"] == LONG


def test_v18_indexes_comments_by_their_cases_row_and_older_apps_refuse_it(alice, network):
    case_id = alice.library.post_case(
        network, title="Syncope", fields={}, body=LONG, tags=[], specialty="Cardiology"
    )
    first = alice.library.comment(case_id, LONG)
    alice.library.reply(first, "Agree.")
    folder = alice.directory
    with alice.db.transaction():
        downgrade(alice, 17)
    alice.close()

    def indexes(profile: Profile) -> dict[str, str]:
        return {
            r["name"]: r["sql"]
            for r in profile.db.all(
                "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'comments' AND sql NOT NULL"
            )
            if r["name"].startswith("comments_")
        }

    again = Profile.unlock(folder, PASSPHRASE)
    try:
        assert "(case_rid, created_order)" in indexes(again)["comments_case"]
        assert "(author, case_rid)" in indexes(again)["comments_author"]
        case = again.queries.case(case_id)
        assert case is not None
        assert [(c.body, c.depth) for c in case.discussion] == [(LONG, 0), ("Agree.", 1)]
        plan = again.db.all(
            "EXPLAIN QUERY PLAN SELECT * FROM comments WHERE case_rid = "
            "(SELECT rid FROM cases WHERE id = ?) ORDER BY created_order",
            (case_id,),
        )
        assert any("comments_case" in r["detail"] for r in plan)
        assert int(again.db.scalar("PRAGMA user_version")) == LATEST >= 18
        with again.db.transaction():
            again.db.execute(f"PRAGMA user_version = {LATEST + 1}")  # a newer app's profile
    finally:
        again.close()
    with pytest.raises(CasebookError, match="newer Casebook"):
        Profile.unlock(folder, PASSPHRASE)
