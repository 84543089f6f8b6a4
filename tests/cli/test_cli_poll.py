"""`casebook poll create|answer|show|list|final` through a real relay: the results stay
hidden until one answers or skips, then come pooled; refusals are one calm line."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from clikit import ok
from relaykit import RunningRelay


def test_a_differential_through_the_relay(
    cli: Callable[..., Any], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    ok(cli("init", "--name", "Dr. Alice Moreau", profile="a"))
    net = ok(
        cli("network", "create", "Cardiology", "--relay", relay.url, "--json", profile="a")
    ).json["id"]
    case = ok(
        cli("post", "--network", "Cardiology", "--title", "Chest pain after flu", "--json",
            profile="a")
    ).json["id"]  # fmt: skip
    poll = ok(
        cli("poll", "create", case, "--kind", "differential", "--question",
            "What is your differential?", "--json", profile="a")
    ).json["id"]  # fmt: skip
    code = ok(cli("invite", "create", "-n", net, "--json", profile="a")).json["code"]
    ok(cli("sync", profile="a"))
    for name, folder in (("Dr. Bob Lee", "b"), ("Dr. Carol Ng", "c")):
        ok(cli("init", "--name", name, profile=folder))
        ok(cli("join", code, profile=folder))
        if folder == "b":  # a new code for Carol
            code = ok(cli("invite", "create", "-n", net, "--json", profile="a")).json["code"]
            ok(cli("sync", profile="a"))
    before = ok(cli("poll", "show", poll[:10], "--json", profile="b")).json
    assert before["answered"] is False and before["results"] is None
    ok(cli("poll", "answer", poll, "--rank", "Viral pericarditis", "Myocarditis", profile="b"))
    ok(cli("sync", profile="b"))
    ok(cli("sync", profile="c"))
    text = ok(cli("poll", "show", poll, profile="c")).out
    assert "Answer or skip" in text and "pericarditis" not in text  # blinded
    ok(cli("poll", "answer", poll, "--rank", "myocarditis", "--json", profile="c"))
    after = ok(cli("poll", "show", poll, "--json", profile="c")).json
    assert after["answered"] is True
    assert [(r["answer"], r["weight"]) for r in after["results"]] == [
        ("Myocarditis", 1.5),
        ("Viral pericarditis", 1.0),
    ]
    again = cli("poll", "answer", poll, "--rank", "Pericarditis", profile="c")
    assert again.code != 0 and "already" in again.err and "Traceback" not in again.err
    ok(cli("sync", profile="c"))
    ok(cli("sync", profile="a"))
    assert ok(cli("poll", "show", poll, "--json", profile="a")).json["results"] is None
    skipped = ok(cli("poll", "answer", poll, "--skip", "--json", profile="a")).json
    assert skipped["answered"] is True and len(skipped["results"]) == 2
    final = ok(cli("poll", "final", poll, "Myocarditis", profile="a"))
    assert "Final answer: Myocarditis" in final.out
    ok(cli("sync", profile="a"))
    ok(cli("sync", profile="b"))
    mine = ok(cli("poll", "show", poll, profile="b")).out
    assert "you ranked it 2; the group ranked it 1" in mine
    listed = ok(cli("poll", "list", case, "--json", profile="b")).json["results"]
    assert [p["id"] for p in listed] == [poll]


def test_poll_refusals_are_one_line(cli: Callable[..., Any]) -> None:
    ok(cli("init", "--name", "Dr. Alice Moreau"))
    ok(cli("network", "create", "Dermatology"))
    case = ok(cli("post", "--network", "Dermatology", "--title", "Rash", "--json")).json["id"]
    one = cli("poll", "create", case, "--kind", "choice", "--option", "Biopsy")
    assert one.code != 0 and "at least two options" in one.err
    poll = ok(
        cli("poll", "create", case, "--kind", "choice", "--option", "Biopsy", "--option",
            "Topical steroid", "--json")
    ).json["id"]  # fmt: skip
    wrong = cli("poll", "answer", poll, "--choice", "3")
    assert wrong.code != 0 and "from 1 to 2" in wrong.err
    ranked = cli("poll", "answer", poll, "--rank", "Eczema")
    assert ranked.code != 0 and "choose one of its options" in ranked.err
    named = cli("poll", "create", case, "--kind", "differential", "--question",
                "Mrs Jane Roe, phone 020 7946 0958?")  # fmt: skip
    assert named.code == 2 and "nothing was saved" in named.err
    missing = cli("poll", "show", "abcd1234")
    assert missing.code != 0 and "No poll" in missing.err
    ok(cli("poll", "answer", poll, "--choice", "2"))
    shown = ok(cli("poll", "show", poll, "--json")).json
    assert [(r["answer"], r["weight"]) for r in shown["results"]] == [
        ("Biopsy", 0.0),
        ("Topical steroid", 1.0),
    ]
    for result in (one, wrong, ranked, missing):
        assert "Traceback" not in result.err and len(result.err.strip().splitlines()) == 1
