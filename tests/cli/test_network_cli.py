"""The network commands end to end, as a person runs them: three profiles exchanging
bundle files (the relay carries the same events once sync lands)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from casebook.core.model import events
from casebook.core.profile import Profile
from clikit import PASSPHRASE, Result, ok

# Loopback, nothing listening: joining through it fails fast and touches no network.
RELAY = "casebook-relay://127.0.0.1:9/" + "A" * 52


def failed(result: Result, *words: str) -> str:
    assert result.code != 0
    assert result.out == ""
    assert "Traceback" not in result.err and result.err.count("\n") == 1, result.err
    for word in words:
        assert word in result.err, result.err
    return result.err


@pytest.fixture
def circle(cli: Callable[..., Result], tmp_path: Path) -> dict[str, str]:
    """Alice founds a network with a case; Bob joins with a code and a bundle."""
    for who, name in (("a", "Dr. Alice Moreau"), ("b", "Dr. Bob Lee"), ("c", "Dr. Carol Ng")):
        ok(cli("init", "--name", name, profile=who))
    made = ok(
        cli("network", "create", "Cardiology Circle", "--relay", RELAY, "--json", profile="a")
    )
    assert made.json["relays"] == [RELAY]
    net = made.json["id"]
    case = ok(
        cli(
            "post",
            "-n",
            "Cardiology",
            "--title",
            "Exertional syncope",
            "--body",
            "Collapsed at practice.",
            "--json",
            profile="a",
        )
    ).json["id"]
    code = ok(cli("invite", "create", "-n", net, "--json", profile="a")).json["code"]
    a_bundle = str(tmp_path / "a.bundle")
    ok(cli("bundle", "export", "-n", net, a_bundle, profile="a"))
    joined = ok(cli("join", code, "--bundle", a_bundle, "--json", profile="b")).json
    assert joined["role"] == "member" and joined["name"] == "Cardiology Circle"
    b_bundle = str(tmp_path / "b.bundle")
    ok(cli("bundle", "export", "-n", net, b_bundle, profile="b"))
    ok(cli("bundle", "import", b_bundle, profile="a"))
    return {"net": net, "case": case, "code": code, "a_bundle": a_bundle, "b_bundle": b_bundle}


def exchange(cli: Callable[..., Result], tmp_path: Path, net: str, src: str, dst: str) -> dict:
    path = str(tmp_path / f"{src}-to-{dst}.bundle")
    ok(cli("bundle", "export", "-n", net, path, profile=src))
    return ok(cli("bundle", "import", path, "--json", profile=dst)).json


def test_join_and_members(cli: Callable[..., Result], circle: dict[str, str]):
    listed = ok(cli("list", "--json", profile="b")).json["results"]
    assert [c["title"] for c in listed] == ["Exertional syncope"]
    members = ok(cli("member", "list", "-n", circle["net"], "--json", profile="a")).json["results"]
    bob_fp = ok(cli("whoami", "--json", profile="b")).json["fingerprint"]
    alice_fp = ok(cli("whoami", "--json", profile="a")).json["fingerprint"]
    assert [(m["name"], m["role"]) for m in members] == [
        ("Dr. Alice Moreau", "admin"),
        ("Dr. Bob Lee", "member"),
    ]
    assert members[1]["fingerprint"] == bob_fp and members[1]["invited_by"] == alice_fp
    invites = ok(cli("invite", "list", "-n", circle["net"], "--json", profile="a")).json
    assert [(i["status"], i["used"]) for i in invites["results"]] == [("used", 1)]
    shown = ok(cli("network", "show", "Cardiology", "--json", profile="a")).json
    assert shown["members"] == 2 and shown["relays"] == [RELAY] and shown["epoch"] == 0
    assert shown["policy"] == {"invite": "admins", "default_role": "member", "hold_after_flags": 0}


def test_code_errors_are_clear(cli: Callable[..., Result], circle: dict[str, str]):
    code = circle["code"]
    i = len(code) // 2
    typo = code[:i] + ("B" if code[i] != "B" else "C") + code[i + 1 :]
    failed(cli("join", typo, "--bundle", circle["a_bundle"], profile="c"), "typo")
    failed(cli("join", "hello", profile="c"), "not a Casebook invite code")
    failed(cli("join", code, profile="c"), "Cannot reach the relay", "unchanged")
    # The code was used by Bob; Carol's bundle (from Alice, after the join) has no welcome.
    failed(cli("bundle", "import", circle["a_bundle"], profile="c"), "not in")


def test_roles_moderation_and_removal(cli, circle, tmp_path: Path):
    net = circle["net"]
    failed(cli("invite", "create", "-n", net, profile="b"), "admins")
    failed(cli("member", "role", "-n", net, "Dr. Alice", "member", profile="b"), "admin")
    ok(cli("member", "role", "-n", net, "bob", "moderator", profile="a"))  # any word of a name
    failed(cli("network", "policy", net, profile="a"), "--who-invites")
    exchange(cli, tmp_path, net, "a", "b")
    failed(cli("moderate", "hide", circle["case"], profile="b"), "reason")
    ok(cli("moderate", "hide", circle["case"], "--reason", "identifiable photo", profile="b"))
    assert ok(cli("list", "--json", profile="b")).json["results"] == []
    exchange(cli, tmp_path, net, "b", "a")
    assert ok(cli("list", "--json", profile="a")).json["results"] == []
    assert ok(cli("search", "syncope", "--json", profile="a")).json["results"] == []
    failed(cli("moderate", "unhide", circle["case"], profile="b"), "admin")
    ok(cli("moderate", "unhide", circle["case"], profile="a"))
    assert len(ok(cli("search", "syncope", "--json", profile="a")).json["results"]) == 1

    removed = ok(cli("member", "remove", "-n", net, "Dr. Bob", "--json", profile="a")).json
    assert removed["rekeyed"] is True
    ok(cli("post", "-n", net, "--title", "After removal", profile="a"))
    # Bob receives the removal but not the new key: the new case stays unreadable to him.
    exchange(cli, tmp_path, net, "a", "b")
    titles = [c["title"] for c in ok(cli("list", "--json", profile="b")).json["results"]]
    assert "After removal" not in titles
    # Bob's app refuses to write; a modified one would, and everyone else refuses that.
    failed(cli("post", "-n", net, "--title", "Nope", profile="b"), "no longer a member")
    with Profile.unlock(tmp_path / "b", PASSPHRASE) as bob:  # a hostile client signs
        n = bytes.fromhex(net)
        head = bob.db.one(
            "SELECT seq, id FROM events WHERE net = ? AND author = ? ORDER BY seq DESC LIMIT 1",
            (n, bob.identity.public_key),
        )
        payload = {"title": "Written after removal", "specialty": "", "fields": {}}
        payload.update(body="", tags=[], attachments=[])
        event = events.create(
            bob.identity,
            net=n,
            seq=head["seq"] + 1,
            prev=bytes(head["id"]),
            lamport=bob.db.scalar("SELECT max(lamport) FROM events") + 1,
            ts=1_700_000_000_000,
            kind="case.create",
            epoch=0,
            seed=bob.log.seed(n, 0),
            payload=payload,
        )
        bob.log.ingest(event.raw)
    exchange(cli, tmp_path, net, "b", "a")
    titles = [c["title"] for c in ok(cli("list", "--json", profile="a")).json["results"]]
    assert "Written after removal" not in titles and "After removal" in titles
    members = ok(cli("member", "list", "-n", net, "--all", "--json", profile="a")).json
    assert [m["role"] for m in members["results"]] == ["admin", "removed"]
    failed(cli("member", "remove", "-n", net, "Dr. Alice", profile="a"), "at least one admin")


def test_remove_and_demote_say_which_codes_closed(cli, circle, tmp_path: Path):
    """A removal closes the invite the member joined with and those they made; a
    demotion closes those the member can no longer grant. The admin is told which."""
    net = circle["net"]
    ok(cli("network", "policy", net, "--who-invites", "members", profile="a"))
    multi = ok(cli("invite", "create", "-n", net, "--uses", "5", "--json", profile="a")).json
    ok(cli("init", "--name", "Dr. Dan Moss", profile="d"))
    a_bundle = str(tmp_path / "a2.bundle")
    ok(cli("bundle", "export", "-n", net, a_bundle, profile="a"))
    ok(cli("join", multi["code"], "--bundle", a_bundle, profile="d"))
    exchange(cli, tmp_path, net, "d", "a")
    ok(cli("member", "role", "-n", net, "bob", "moderator", profile="a"))
    exchange(cli, tmp_path, net, "a", "b")
    bobs = ok(cli("invite", "create", "-n", net, "--role", "moderator", "--json", profile="b"))
    exchange(cli, tmp_path, net, "b", "a")

    demoted = ok(cli("member", "role", "-n", net, "bob", "member", "--json", profile="a")).json
    assert [c["id"] for c in demoted["closed_invites"]] == [bobs.json["id"]]
    text = ok(cli("member", "role", "-n", net, "bob", "moderator", profile="a")).out
    assert "Closed" not in text  # a promotion closes nothing

    removed = ok(cli("member", "remove", "-n", net, "Dan", profile="a")).out
    assert "Closed 1 invite code" in removed and multi["id"][:12] in removed
    assert "casebook invite create" in removed
    listed = ok(cli("invite", "list", "-n", net, "--json", profile="a")).json["results"]
    assert {i["id"]: i["status"] for i in listed}[multi["id"]] == "revoked"
