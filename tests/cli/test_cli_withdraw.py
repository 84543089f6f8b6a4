"""`casebook withdraw CASE --reason TEXT`: the case becomes a tombstone in `show`, `list`
and `--json`; a second withdrawal, a missing reason or an identifier in the reason is
refused in one line and changes nothing."""

from __future__ import annotations

import pytest


@pytest.fixture
def case(cli) -> str:
    assert cli("init", "--name", "Dr. Alice Moreau").code == 0
    cli("network", "create", "Dermatology Circle")
    made = cli(
        "post", "--network", "Dermatology", "--title", "Zebra-striped rash",
        "--body", "Itchy for three days.", "--json",
    )  # fmt: skip
    assert made.code == 0, made.err
    case = made.json["id"]
    assert cli("comment", case, "--body", "Patch test?").code == 0
    return case


def test_withdraw_leaves_a_tombstone(cli, case) -> None:
    done = cli("withdraw", case, "--reason", "Consent withdrawn by the patient")
    assert done.code == 0, done.err
    assert "Withdrew the case" in done.out and "casebook sync" in done.out
    shown = cli("show", case)
    assert shown.code == 0
    assert "Withdrawn by Dr. Alice Moreau on " in shown.out
    assert "Consent withdrawn by the patient" in shown.out
    assert "Zebra" not in shown.out and "Patch test" not in shown.out
    assert "Deletion confirmed so far by 1 computer(s) of 1 member(s)" in shown.out
    as_json = cli("show", case, "--json").json
    assert as_json["withdrawn"]["reason"] == "Consent withdrawn by the patient"
    assert as_json["withdrawn"]["admin"] is False
    assert as_json["title"] == "" and as_json["body"] == "" and as_json["discussion"] == []
    listed = cli("list")
    assert "[Withdrawn by Dr. Alice Moreau" in listed.out and "Zebra" not in listed.out
    assert cli("search", "zebra", "--json").json["results"] == []


def test_withdraw_refusals_are_one_line_and_change_nothing(cli, case) -> None:
    with pytest.raises(SystemExit) as missing:  # argparse: the usage line and exit 2
        cli("withdraw", case)
    assert missing.value.code == 2
    blank = cli("withdraw", case, "--reason", "   ")
    assert blank.code != 0 and "Say why" in blank.err
    named = cli("withdraw", case, "--reason", "Jane Roe asked, phone 020 7946 0958")
    assert named.code == 2 and "reason: a name" in named.err and "nothing was saved" in named.err
    assert "Zebra-striped rash" in cli("show", case).out  # unchanged
    assert cli("withdraw", case, "--reason", "Consent withdrawn").code == 0
    again = cli("withdraw", case, "--reason", "Twice")
    assert again.code != 0 and "withdrawn already" in again.err
    assert "Traceback" not in again.err
