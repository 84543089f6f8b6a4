"""`casebook flag` and `casebook moderation inbox|log` through a real relay: the flag
reaches the network's admin and moderators, another member's inbox is refused in words,
and nothing the relay stores holds the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clikit import ok
from relaykit import RunningRelay

REASON = "Possible patient identifier: a hospital label in the photo"


def test_a_flag_reaches_the_moderators_only(
    cli: Callable[..., Any], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    ok(cli("init", "--name", "Dr. Alice Moreau", profile="a"))
    net = ok(
        cli("network", "create", "Cardiology", "--relay", relay.url, "--json", profile="a")
    ).json["id"]
    for name, folder, role in (
        ("Dr. Bob Okafor", "b", "member"),
        ("Dr. Carol Lind", "c", "member"),
        ("Dr. Dave Ng", "d", "moderator"),
    ):
        code = ok(cli("invite", "create", "-n", net, "--role", role, "--json", profile="a")).json[
            "code"
        ]
        ok(cli("sync", profile="a"))
        ok(cli("init", "--name", name, profile=folder))
        ok(cli("join", code, profile=folder))
    ok(cli("sync", profile="a"))
    case = ok(
        cli("post", "--network", "Cardiology", "--title", "Rash after a new drug", "--json",
            profile="a")
    ).json["id"]  # fmt: skip
    ok(cli("sync", profile="a"))
    for folder in "bcd":
        ok(cli("sync", profile=folder))

    refused = cli("flag", case[:10], "--reason", "Seen by John Smith, MRN 12345678", profile="b")
    assert refused.code != 0 and "Traceback" not in refused.err
    flagged = ok(cli("flag", case[:10], "--reason", REASON, "--json", profile="b"))
    assert set(flagged.json) == {"id"}
    ok(cli("sync", profile="b"))

    for folder in "ad":
        ok(cli("sync", profile=folder))
        inbox = ok(cli("moderation", "inbox", "--network", net, "--json", profile=folder)).json
        (item,) = inbox["results"]
        assert (item["item"], item["reason"], item["flags"]) == (case, REASON, 1)
    text = ok(cli("moderation", "inbox", profile="a")).out
    assert "Rash after a new drug" in text and REASON in text

    ok(cli("sync", profile="c"))
    denied = cli("moderation", "inbox", "--network", net, "--json", profile="c")
    assert denied.code != 0 and "Traceback" not in denied.err
    assert "Only moderators and admins" in denied.err

    ok(cli("moderate", "hide", case[:10], "--reason", "Label visible", profile="d"))
    ok(cli("sync", profile="d"))
    ok(cli("sync", profile="a"))
    log = ok(cli("moderation", "log", "--json", profile="a")).json["results"]
    assert [(r["action"], r["name"]) for r in log] == [("hide", "Dr. Dave Ng")]

    stored = b"".join(p.read_bytes() for p in relay.config.data.rglob("*") if p.is_file())
    assert stored and REASON.encode() not in stored
