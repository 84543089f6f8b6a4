"""The `casebook` command as a user drives it, including every way it should refuse."""

import subprocess
import sys

import pytest


@pytest.fixture
def profile(cli):
    result = cli("init", "--name", "Dr. Alice Moreau", "--json")
    assert result.code == 0, result.err
    return result.json


def make_case(cli, *extra):
    net = cli("network", "create", "Cardiology Circle", "--json").json["id"]
    result = cli(
        "post",
        "--network",
        "Cardiology",
        "--title",
        "Syncope in a 34-year-old runner",
        "--field",
        "presentation=Collapsed at mile 20",
        "--field",
        "question=HCM?",
        "--tag",
        "cardiology",
        "--json",
        *extra,
    )
    assert result.code == 0, result.err
    return net, result.json["id"]


def test_the_user_story(cli, profile, tmp_path):
    assert len(profile["fingerprint"]) == 63
    assert cli("whoami", "--json").json["fingerprint"] == profile["fingerprint"]
    image = tmp_path / "ecg.txt"
    image.write_text("12-lead ECG: LVH by voltage criteria")
    net, case = make_case(cli, "--attach", str(image))
    comment = cli("comment", case, "--body", "Consider HCM; get an echo.", "--json").json["id"]
    reply = cli("comment", comment[:10], "--body", "Agree.", "--json").json["id"]
    assert cli("outcome", case[:8], "--body", "Septum 19 mm.", "--resolve").code == 0
    listed = cli("list", "--network", net, "--tag", "cardiology", "--json").json
    assert [r["id"] for r in listed["results"]] == [case]
    assert {"id", "title"} <= set(listed["results"][0])
    shown = cli("show", case, "--json").json
    assert [c["id"] for c in shown["discussion"]][:2] == [comment, reply]
    assert shown["status"] == "resolved"
    found = cli("search", "syncope runner", "--json").json["results"]
    assert found[0]["id"] == case and found[0]["title"]
    att = shown["attachments"][0]
    out = tmp_path / "saved.txt"
    assert cli("attachment", "save", att["hash"][:12], "--out", str(out)).code == 0
    assert out.read_text() == "12-lead ECG: LVH by voltage criteria"
    assert cli("edit", case[:8], "--title", "Exertional syncope", "--json").code == 0
    assert cli("show", case, "--json").json["title"] == "Exertional syncope"
    text = cli("show", case).out
    assert "Exertional syncope" in text and "Consider HCM" in text


def test_every_command_speaks_json(cli, profile):
    net, _case = make_case(cli)
    for argv in (
        ["network", "list"],
        ["network", "show", net],
        ["list"],
        ["search", "x"],
        ["doctor"],
        ["whoami"],
    ):
        result = cli(*argv, "--json")
        assert result.code == 0, (argv, result.err)
        assert isinstance(result.json, dict)


def test_wrong_passphrase_is_one_clear_line(cli, profile):
    result = cli("list", env={"CASEBOOK_PASSPHRASE": "not the passphrase"})
    assert result.code == 2
    assert result.out == ""
    assert result.err.count("\n") == 1 and "Wrong passphrase" in result.err
    assert "Traceback" not in result.err


def test_missing_profile_and_missing_passphrase(cli, monkeypatch):
    result = cli("list", profile="nowhere")
    assert result.code == 2 and "casebook init" in result.err
    monkeypatch.delenv("CASEBOOK_PASSPHRASE")
    cli_result = cli("whoami", profile="nowhere")
    assert cli_result.code == 2


def test_no_passphrase_outside_a_terminal(cli, profile, monkeypatch):
    monkeypatch.delenv("CASEBOOK_PASSPHRASE")
    result = cli("whoami")
    assert result.code == 2 and "CASEBOOK_PASSPHRASE" in result.err


def test_passphrase_file(cli, profile, tmp_path, monkeypatch):
    monkeypatch.delenv("CASEBOOK_PASSPHRASE")
    secret = tmp_path / "pass"
    secret.write_text("correct horse battery staple\n")
    assert cli("whoami", "--passphrase-file", str(secret)).code == 0


def test_init_twice_is_refused(cli, profile):
    result = cli("init", "--name", "Someone Else")
    assert result.code == 2 and "already exists" in result.err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["show", "zz"], "not a case id"),
        (["show", "abcdef12"], "No case"),
        (["comment", "abcd", "--body", "x"], "No case or comment"),
        (["post", "--network", "nope", "--title", "t"], "No network"),
        (["post", "--network", "Cardiology", "--title", "t", "--field", "novalue"], "NAME=TEXT"),
        (["post", "--network", "Cardiology", "--title", "t", "--attach", "/nonexistent"], "cannot"),
        (["list", "--since", "yesterday"], "2026-03-31"),
        (["list", "--limit", "0"], "--limit"),
        (["search", "x", "--author", "ZZZZ"], "No member"),
    ],
)
def test_bad_input_gets_a_clear_error(cli, profile, argv, message):
    make_case(cli)
    result = cli(*argv)
    assert result.code != 0
    assert message.lower() in result.err.lower(), result.err
    assert "Traceback" not in result.err


def test_fts_syntax_from_the_command_line(cli, profile):
    make_case(cli)
    for query in ['"', "NEAR(", "title:x", "*", "-", 'a" OR "b']:
        result = cli("search", query, "--json")
        assert result.code == 0, result.err


def test_passphrase_change(cli, profile):
    make_case(cli)
    result = cli("passphrase", "change", env={"CASEBOOK_NEW_PASSPHRASE": "another long secret"})
    assert result.code == 0, result.err
    assert cli("list").code == 2  # the old passphrase no longer opens it
    listed = cli("list", "--json", env={"CASEBOOK_PASSPHRASE": "another long secret"})
    assert len(listed.json["results"]) == 1
    short = cli(
        "passphrase",
        "change",
        env={"CASEBOOK_PASSPHRASE": "another long secret", "CASEBOOK_NEW_PASSPHRASE": "short"},
    )
    assert short.code == 2 and "at least" in short.err


def test_corrupted_database_is_reported_not_overwritten(cli, profile, tmp_path):
    make_case(cli)
    db = next((tmp_path / "cli-profile").glob("library-*.db"))
    data = bytearray(db.read_bytes())
    data[5000:5100] = b"\x00" * 100
    db.write_bytes(bytes(data))
    for f in (tmp_path / "cli-profile").glob("library-*.db-*"):
        f.unlink()
    result = cli("list")
    assert result.code == 3
    assert "damaged" in result.err.lower() and "Traceback" not in result.err
    assert db.read_bytes() == bytes(data)


def test_doctor_rebuild_round_trip(cli, profile):
    _net, case = make_case(cli)
    cli("comment", case, "--body", "First thought.")
    before = cli("show", case, "--json").json
    result = cli("doctor", "--rebuild", "--json")
    assert result.code == 0 and result.json["rebuilt"] == result.json["events"]
    assert cli("show", case, "--json").json == before


HEADLESS_CHECK = """
import importlib, pkgutil, sys
import casebook
for info in pkgutil.walk_packages(casebook.__path__, "casebook."):
    if ".gui" not in info.name and not info.name.endswith("__main__"):
        importlib.import_module(info.name)
assert "PySide6" not in sys.modules, "the core imported Qt"
print("headless ok")
"""


def test_core_never_imports_qt():
    result = subprocess.run(
        [sys.executable, "-c", HEADLESS_CHECK], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert "headless ok" in result.stdout
    version = subprocess.run(
        [sys.executable, "-m", "casebook", "--version"], capture_output=True, text=True, check=False
    )
    assert version.returncode == 0 and "casebook" in version.stdout


def test_tag_filter_normalises_like_posting(cli, profile):
    cli("network", "create", "Cardiology Circle")
    cli("post", "--network", "Cardio", "--title", "HF case", "--tag", "Heart Failure")
    result = cli("list", "--tag", "Heart Failure", "--json")
    assert len(result.json["results"]) == 1


def test_odd_numbers_and_files_get_clear_errors(cli, profile, tmp_path, monkeypatch):
    result = cli("list", "--offset", "99999999999999999999")
    assert result.code == 2 and "--offset" in result.err
    bad = tmp_path / "bad-pass"
    bad.write_bytes(b"\xff\xfe")
    monkeypatch.delenv("CASEBOOK_PASSPHRASE")
    result = cli("whoami", "--passphrase-file", str(bad))
    assert result.code == 2 and "UTF-8" in result.err


def test_post_runs_the_deidentification_check(cli, profile):
    make_case(cli)
    argv = ["post", "--network", "Cardiology", "--title", "Chest pain", "--body"]
    refused = cli(*argv, "Mrs Jane Smith, DOB 03/04/1961, called 555-201-3344.")
    assert refused.code != 0 and "Traceback" not in refused.err
    assert "may identify the patient" in refused.err and "--allow-identifiers" in refused.err
    assert len(cli("list", "--json").json["results"]) == 1  # nothing was posted
    posted = cli(*argv, "Mrs Jane Smith (consented)", "--allow-identifiers", "--json")
    assert posted.code == 0 and len(cli("list", "--json").json["results"]) == 2
