"""Every CLI command that publishes text refuses what looks like a patient identifier:
one calm message listing what was found (exit 2), nothing stored, and the same command
with ``--allow-identifiers`` goes through. ``casebook check`` runs the check alone.
Before, only ``casebook post`` was checked: ``comment``, a reply, ``edit`` and
``outcome`` published "Mrs Jones, DOB 3/4/1961, MRN 00-123-456" without a word."""

from __future__ import annotations

import io

import pytest

LEAK = "Mrs Jones, DOB 3/4/1961, MRN 00-123-456"


@pytest.fixture
def case(cli):
    assert cli("init", "--name", "Dr. Alice Moreau").code == 0
    assert cli("network", "create", "Cardiology Circle").code == 0
    posted = cli(
        "post", "--network", "Cardiology", "--title", "Syncope", "--body", "Collapsed.", "--json"
    )
    assert posted.code == 0, posted.err
    return posted.json["id"]


@pytest.fixture
def comment(cli, case):
    return cli("comment", case, "--body", "Consider HCM.", "--json").json["id"]


def state(cli, case):
    """What the library holds: its event count and the case as shown."""
    events = cli("doctor", "--json").json["events"]
    return events, cli("show", case, "--json").json


WRITES = {
    "post": lambda case, comment: ["post", "--network", "Cardiology", "--title", "X", "--body"],
    "post title": lambda case, comment: ["post", "--network", "Cardiology", "--title"],
    "comment": lambda case, comment: ["comment", case, "--body"],
    "reply": lambda case, comment: ["comment", comment[:12], "--body"],
    "edit case body": lambda case, comment: ["edit", case[:12], "--body"],
    "edit case field": lambda case, comment: ["edit", case[:12], "--field"],
    "edit comment": lambda case, comment: ["edit", comment[:12], "--body"],
    "outcome": lambda case, comment: ["outcome", case[:12], "--resolve", "--body"],
}


@pytest.mark.parametrize("write", WRITES)
def test_every_write_refuses_identifiers_and_stores_nothing(cli, case, comment, write):
    argv = WRITES[write](case, comment)
    text = f"history={LEAK}" if write == "edit case field" else LEAK
    before = state(cli, case)
    refused = cli(*argv, text)
    assert refused.code == 2, refused.err
    assert "Traceback" not in refused.err and refused.out == ""
    assert refused.err.startswith("casebook: This may identify the patient; nothing was")
    assert "“Mrs Jones”" in refused.err and "DOB 3/4/1961" in refused.err
    assert "00-123-456" in refused.err and "--allow-identifiers" in refused.err
    assert state(cli, case) == before  # no event; the case and discussion unchanged

    allowed = cli(*argv, text, "--allow-identifiers", "--json")
    assert allowed.code == 0, allowed.err
    events, shown = state(cli, case)
    assert events == before[0] + 1 + (write == "outcome")  # the outcome also resolves
    if write == "outcome":
        assert shown["status"] == "resolved"
    if not write.startswith("post"):
        assert "Mrs Jones" in cli("show", case).out


def test_a_refusal_in_json_lists_the_findings(cli, case):
    refused = cli("comment", case, "--body", LEAK, "--json")
    assert refused.code == 2
    kinds = [(f["kind"], f["text"]) for f in refused.json["findings"]]
    assert ("name", "Mrs Jones") in kinds and ("birth date", "DOB 3/4/1961") in kinds
    assert all(f["field"] == "body" for f in refused.json["findings"])


def test_clean_clinical_text_goes_through_unasked(cli, case, comment):
    assert cli("comment", case, "--body", "BP 142/88; 3/7 of palpitations.").code == 0
    assert cli("comment", comment, "--body", "Dr Patel in cardiology agrees.").code == 0
    assert cli("outcome", case, "--body", "Murphy's sign negative; review in 6/12.").code == 0


def test_check_a_letter_before_pasting_it(cli, tmp_path, monkeypatch):
    letter = tmp_path / "letter.txt"
    letter.write_text(
        "Dear colleague,\nRe: John Smith, a 52 year old builder.\n"
        "Seen on 12 March; daughter on 07700 900123. BP 142/88, 3/7 of chest pain.\n",
        encoding="utf-8",
    )
    # No profile exists: checking opens none and stores nothing.
    result = cli("check", str(letter), "--json")
    assert result.code == 0, result.err
    found = [(f["kind"], f["text"]) for f in result.json["findings"]]
    assert found == [("name", "John Smith"), ("date", "12 March"), ("phone", "07700 900123")]
    assert not (tmp_path / "cli-profile").exists()

    text = cli("check", str(letter))
    assert text.code == 0 and "line 2: a name before an age — “John Smith”" in text.out

    monkeypatch.setattr("sys.stdin", io.StringIO("Widow, aged 93. Lives at 8 The Green."))
    piped = cli("check", "-", "--json")
    assert piped.code == 0
    assert [f["kind"] for f in piped.json["findings"]] == ["age", "address"]

    monkeypatch.setattr("sys.stdin", io.StringIO("GCS 14/15, power 4/5, Murphy's sign."))
    clean = cli("check", "--json")
    assert clean.code == 0 and clean.json == {"findings": []}


def test_check_of_a_missing_file_is_one_calm_line(cli, tmp_path):
    result = cli("check", str(tmp_path / "nope.txt"))
    assert result.code == 2 and "Cannot read" in result.err and "Traceback" not in result.err
