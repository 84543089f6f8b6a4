"""`casebook flag` and `casebook moderation inbox|log` through a real relay: the flag
reaches the network's admin and moderators, another member's inbox is refused in words,
and nothing the relay stores holds the reason."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clikit import ok
from relaykit import RunningRelay

REASON = "Possible patient identifier: a hospital label in the photo"


def _four(cli: Callable[..., Any], relays: Callable[..., RunningRelay]) -> tuple[str, RunningRelay]:
    """Alice (admin) makes a network on a real relay; Bob and Carol (members) and Dave
    (moderator) join it. The network's id, and the relay."""
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
    return str(net), relay


def test_a_flag_reaches_the_moderators_only(
    cli: Callable[..., Any], relays: Callable[..., RunningRelay]
) -> None:
    net, relay = _four(cli, relays)
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


def test_the_policy_holds_an_item_through_the_relay_until_a_moderator_releases_it(
    cli: Callable[..., Any], relays: Callable[..., RunningRelay]
) -> None:
    """The admin sets the policy; after two members flag a case, the moderator's next
    sync holds it (their computer counts the sealed flags), members no longer list it,
    and the moderator's release brings it back."""
    net, _relay = _four(cli, relays)
    denied = cli("moderation", "policy", "-n", net, "--hold-after", "1", profile="d")
    assert denied.code != 0 and "admin" in denied.err and "Traceback" not in denied.err
    set_to = ok(cli("moderation", "policy", "-n", net, "--hold-after", "2", "--json", profile="a"))
    assert set_to.json == {"hold_after": 2}
    case = ok(
        cli("post", "--network", "Cardiology", "--title", "Rash after a new drug", "--json",
            profile="a")
    ).json["id"]  # fmt: skip
    ok(cli("sync", profile="a"))
    for folder in "bcd":
        ok(cli("sync", profile=folder))
    assert "once 2 members" in ok(cli("moderation", "policy", "-n", net, profile="b")).out

    def listed(folder: str) -> list[str]:
        ok(cli("sync", profile=folder))
        found = ok(cli("list", "--network", "Cardiology", "--json", profile=folder)).json
        return [r["id"] for r in found["results"]]

    ok(cli("flag", case[:10], "--reason", "A label in the photo", profile="b"))
    ok(cli("sync", profile="b"))
    assert case in listed("d")  # one flag: nothing held
    ok(cli("flag", case[:10], "--reason", "The wristband shows a name", profile="c"))
    ok(cli("sync", profile="c"))
    ok(cli("sync", profile="d"))  # Dave's computer counts two and holds the case
    assert case not in listed("b") and case not in listed("c")
    inbox = ok(cli("moderation", "inbox", "-n", net, "--json", profile="d")).json
    (item,) = inbox["results"]
    assert (item["item"], item["flags"], item["held"], item["reviewed"]) == (case, 2, True, False)
    assert "held, awaiting a look" in ok(cli("moderation", "inbox", profile="d")).out

    released = ok(cli("moderate", "release", case[:10], "--json", profile="d"))
    assert released.json["action"] == "release"
    ok(cli("sync", profile="d"))
    assert case in listed("b")
    ok(cli("sync", profile="a"))
    log = ok(cli("moderation", "log", "-n", net, "--json", profile="a")).json["results"]
    assert [r["action"] for r in log] == ["release", "hold"]


def test_a_moderator_hides_one_poll_answer_through_the_relay(
    cli: Callable[..., Any], relays: Callable[..., RunningRelay]
) -> None:
    _four(cli, relays)
    ok(cli("sync", profile="a"))
    case = ok(
        cli("post", "--network", "Cardiology", "--title", "Chest pain after a flu", "--json",
            profile="a")
    ).json["id"]  # fmt: skip
    poll = ok(
        cli("poll", "create", case[:10], "--kind", "differential", "--json", profile="a")
    ).json["id"]
    ok(cli("sync", profile="a"))
    for folder, ranks in (("b", ["Myocarditis", "Faking it"]), ("c", ["Pericarditis"])):
        ok(cli("sync", profile=folder))
        ok(cli("poll", "answer", poll[:10], "--rank", *ranks, profile=folder))
        ok(cli("sync", profile=folder))
    ok(cli("sync", profile="d"))
    blinded = cli("poll", "answers", poll[:10], "--json", profile="d")
    assert blinded.code != 0 and "Answer or skip" in blinded.err
    ok(cli("poll", "answer", poll[:10], "--skip", profile="d"))
    given = ok(cli("poll", "answers", poll[:10], "--json", profile="d")).json["results"]
    bobs = next(r for r in given if r["name"] == "Dr. Bob Okafor")
    assert bobs["answer"] == ["Myocarditis", "Faking it"] and not bobs["hidden"]
    ok(cli("moderate", "hide", bobs["id"][:16], "--reason", "Not a diagnosis", profile="d"))
    ok(cli("sync", profile="d"))
    ok(cli("sync", profile="c"))
    shown = ok(cli("poll", "show", poll[:10], "--json", profile="c")).json
    assert shown["withheld"] == 1 and shown["answers"] == 3
    assert [r["answer"] for r in shown["results"]] == ["Pericarditis"]
    assert "hidden by a moderator" in ok(cli("poll", "show", poll[:10], profile="c")).out
