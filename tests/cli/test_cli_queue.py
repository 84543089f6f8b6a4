"""Mentions and `casebook queue` through a real relay: a mention reaches the member it
names and no one else, an ambiguous one is refused in words, a reply takes the case off
one's queue, a poll one has not answered waits there, and old cases nobody but their
author answered are listed as unanswered."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from casebook.core.library.queue import DAY_MS
from clikit import ok
from relaykit import RunningRelay


def _network(cli: Callable[..., Any], relay: RunningRelay) -> str:
    ok(cli("init", "--name", "Dr. Alice Moreau", profile="a"))
    net = ok(
        cli("network", "create", "Cardiology", "--relay", relay.url, "--json", profile="a")
    ).json["id"]
    for name, folder in (("Dr. Bob Okafor", "b"), ("Dr. Ada Okafor", "c"), ("Dr. Zoe Brandt", "d")):
        code = ok(cli("invite", "create", "-n", net, "--json", profile="a")).json["code"]
        ok(cli("sync", profile="a"))
        ok(cli("init", "--name", name, profile=folder))
        ok(cli("join", code, profile=folder))
    ok(cli("sync", profile="a"))
    return net


def queue(cli: Callable[..., Any], folder: str) -> dict[str, list[str]]:
    ok(cli("sync", profile=folder))
    return ok(cli("queue", "--json", profile=folder)).json


def test_mentions_reach_the_named_member_only(
    cli: Callable[..., Any], relays: Callable[..., RunningRelay]
) -> None:
    _network(cli, relays())
    case = ok(
        cli("post", "--network", "Cardiology", "--title", "Syncope on exertion", "--body",
            "Young runner, two episodes. @Dr. Bob Okafor, would you order an MRI?", "--json",
            profile="a")
    ).json["id"]  # fmt: skip
    ok(cli("sync", profile="a"))
    assert queue(cli, "b")["awaiting_me"] == [case]
    assert queue(cli, "c")["awaiting_me"] == []
    assert queue(cli, "d")["awaiting_me"] == []
    assert queue(cli, "a")["my_open"] == [case]
    assert queue(cli, "a")["awaiting_me"] == []

    # A comment mentions Zoe by a part of her name; Bob replies and leaves his queue.
    ok(cli("comment", case, "--body", "@Brandt, the ECG is attached.", profile="c"))
    ok(cli("sync", profile="c"))
    assert queue(cli, "d")["awaiting_me"] == [case]
    ok(cli("sync", profile="b"))  # Bob reads the discussion, then replies
    ok(cli("comment", case, "--body", "Yes, cardiac MRI first.", profile="b"))
    assert queue(cli, "b")["awaiting_me"] == []
    assert queue(cli, "d")["awaiting_me"] == [case]


def test_an_ambiguous_mention_is_refused_in_words(
    cli: Callable[..., Any], relays: Callable[..., RunningRelay]
) -> None:
    _network(cli, relays())
    refused = cli(
        "post", "--network", "Cardiology", "--title", "Palpitations", "--body",
        "@Okafor, what do you think?", profile="a",
    )  # fmt: skip
    assert refused.code != 0 and "Traceback" not in refused.err
    assert "Dr. Ada Okafor, Dr. Bob Okafor" in refused.err
    assert ok(cli("list", "--json", profile="a")).json["total"] == 0  # nothing written


def test_an_unanswered_poll_waits_and_an_old_silent_case_is_unanswered(
    cli: Callable[..., Any], relays: Callable[..., RunningRelay], monkeypatch: Any
) -> None:
    _network(cli, relays())
    case = ok(
        cli("post", "--network", "Cardiology", "--title", "Leg swelling", "--json",
            profile="a")
    ).json["id"]  # fmt: skip
    poll = ok(cli("poll", "create", case, "--kind", "differential", "--json", profile="a")).json[
        "id"
    ]
    ok(cli("sync", profile="a"))
    assert queue(cli, "b")["awaiting_me"] == [case]
    assert queue(cli, "b")["unanswered"] == []  # not a day old yet
    ok(cli("poll", "answer", poll, "--skip", profile="b"))
    assert queue(cli, "b")["awaiting_me"] == []
    assert queue(cli, "c")["awaiting_me"] == [case]

    later = __import__("casebook.cli.queue_commands", fromlist=["now_ms"])
    real = later.now_ms
    monkeypatch.setattr(later, "now_ms", lambda: real() + DAY_MS + 60_000)
    assert queue(cli, "c")["unanswered"] == [case]
    ok(cli("comment", case, "--body", "Ultrasound first.", profile="c"))
    assert queue(cli, "c")["unanswered"] == []
