"""`casebook post --follow-up`, `remind`, `reminders` and `moderation outcomes`: a
reminder set when posting is listed to come, moved, cleared, refused in words for
someone else's case or a nonsense duration; the admin lists open cases awaiting an
outcome."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from casebook.core.ledger.eventlog import now_ms
from casebook.core.library.followups import DAY_MS
from clikit import ok


def test_reminders_from_posting_to_clearing(cli: Callable[..., Any]) -> None:
    ok(cli("init", "--name", "Dr. Alice Moreau"))
    ok(cli("network", "create", "Cardiology", "--json"))
    posted = ok(
        cli("post", "--network", "Cardiology", "--title", "Myocarditis", "--follow-up", "2w",
            "--json")
    ).json  # fmt: skip
    case = posted["id"]
    assert abs(posted["follow_up"] - (now_ms() + 14 * DAY_MS)) < 60_000
    listed = ok(cli("reminders", "--json")).json
    assert listed["due"] == [] and [r["case"] for r in listed["upcoming"]] == [case]
    moved = ok(cli("remind", case[:10], "--on", "2020-01-02", "--json")).json
    assert moved == {"case": case, "due": 1577923200000}
    listed = ok(cli("reminders", "--json")).json
    assert [(r["case"], r["title"]) for r in listed["due"]] == [(case, "Myocarditis")]
    assert "Myocarditis" in ok(cli("reminders")).out
    ok(cli("remind", case[:10], "--clear"))
    assert ok(cli("reminders", "--json")).json == {"due": [], "upcoming": []}

    for bad in ("0d", "soon", "99999d"):
        refused = cli("remind", case[:10], "--in", bad)
        assert refused.code != 0 and "Traceback" not in refused.err and "--in" in refused.err
    refused = cli("post", "--network", "Cardiology", "--title", "X", "--follow-up", "later")
    assert refused.code != 0 and "--follow-up" in refused.err
    assert ok(cli("list", "--json")).json["total"] == 1  # nothing posted by the refusal

    waiting = ok(cli("moderation", "outcomes", "--days", "0", "--json")).json["results"]
    assert [(r["case"], r["name"]) for r in waiting] == [(case, "Dr. Alice Moreau")]
    ok(cli("outcome", case[:10], "--body", "Recovered."))
    assert ok(cli("moderation", "outcomes", "--days", "0", "--json")).json["results"] == []


def test_a_second_opinion_asked_when_posting_and_withdrawn(cli: Callable[..., Any]) -> None:
    ok(cli("init", "--name", "Dr. Alice Moreau"))
    ok(cli("network", "create", "Cardiology", "--json"))
    posted = ok(
        cli("post", "--network", "Cardiology", "--title", "Wide QRS", "--second-opinion",
            "--urgent", "--json")
    ).json  # fmt: skip
    assert posted["opinion"] == "urgent"
    listed = ok(cli("list", "--opinion", "--json")).json["results"]
    assert [(c["id"], c["opinion"]) for c in listed] == [(posted["id"], "urgent")]
    assert ok(cli("show", posted["id"][:10], "--json")).json["opinion"] == "urgent"
    said = ok(cli("opinion", posted["id"][:10], "--none", "--json")).json
    assert said == {"case": posted["id"], "opinion": "none"}
    assert ok(cli("list", "--opinion", "--json")).json["results"] == []
    other = ok(cli("post", "--network", "Cardiology", "--title", "Mine too", "--json")).json
    assert "opinion" not in other  # none asked
