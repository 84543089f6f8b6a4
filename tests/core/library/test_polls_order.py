"""Polls whatever the order (a hostile review's attempts, which held): random interleavings
of honest and forged poll events and a rebuild give the same tables; an answer naming a
case of another network is refused; the upgrade rebuild runs once."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest

from casebook.core.model import events, purge
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from netkit import count_rebuilds, deliver, join, raw_events, reopen
from rawkit import forge, head, rejected

TABLES = ("polls", "poll_answers", "rejected", "waiting", "purged_items")


def dump(profile: Profile) -> dict[str, list[tuple]]:
    return {t: sorted(tuple(r) for r in profile.db.all(f"SELECT * FROM {t}")) for t in TABLES}


def tag(alice: Profile, who: Profile, net: bytes, case: bytes) -> dict:
    key = bytes(alice.db.scalar("SELECT purge_key FROM cases WHERE id = ?", (case,)))
    return {"w": purge.event_tag(key, case, who.identity.public_key, head(who, net).seq + 1)}


def test_any_order_and_a_rebuild_give_the_same_tables(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")
    for p in (bob, carol):
        join(p, alice, network)
    for p in (bob, carol):
        deliver(alice, p, network)
    base = {bytes(r[0]) for r in alice.db.all("SELECT id FROM events")}
    for p in (bob, carol):
        base |= {bytes(r[0]) for r in p.db.all("SELECT id FROM events")}
    x = alice.library.post_case(network, title="Case X")
    y = alice.library.post_case(network, title="Case Y")
    px = alice.polls.create(x, "choice", "X?", ["a", "b", "c"])
    py = alice.polls.create(y, "differential")
    deliver(alice, bob, network)
    deliver(alice, carol, network)
    bob.polls.answer(px, choice=2)
    bob.log.ingest(
        forge(
            bob,
            network,
            EventKind.POLL_ANSWER,  # second answer
            {"poll": px, "case": x, "choice": 0, "ranks": [], "skip": False},
            tag(alice, bob, network, x),
        )
    )
    bob.log.ingest(
        forge(
            bob,
            network,
            EventKind.POLL_ANSWER,  # poll of another case
            {"poll": px, "case": y, "choice": 0, "ranks": [], "skip": False},
            tag(alice, bob, network, y),
        )
    )
    bob.log.ingest(
        forge(
            bob,
            network,
            EventKind.POLL_CREATE,  # not the author
            {"case": x, "kind": "differential", "question": "", "options": []},
            tag(alice, bob, network, x),
        )
    )
    bob.log.ingest(
        forge(
            bob,
            network,
            EventKind.POLL_FINAL,  # not the author
            {"poll": px, "case": x, "answer": 0},
            tag(alice, bob, network, x),
        )
    )
    carol.log.ingest(
        forge(
            carol,
            network,
            EventKind.POLL_ANSWER,  # out of range, first
            {"poll": px, "case": x, "choice": 7, "ranks": [], "skip": False},
            tag(alice, carol, network, x),
        )
    )
    carol.polls.answer(px, skip=True)
    carol.polls.answer(py, ranks=["Lupus"])
    alice.polls.final(px, 3)
    alice.log.ingest(
        forge(
            alice,
            network,
            EventKind.POLL_FINAL,  # wrong kind
            {"poll": py, "case": y, "answer": 1},
            tag(alice, alice, network, y),
        )
    )
    alice.polls.final(py, "Sarcoidosis")
    chains = {}
    for p in (alice, bob, carol):
        chains[p.name] = [
            r for r in raw_events(p, network) if events.parse_trusted(r).id not in base
        ]
    results = []
    for round_ in range(4):
        rng = random.Random(round_)
        fresh = make_profile("Dr. Eve Ro", folder=f"eve{round_}")
        join(fresh, alice, network)
        deliver(bob, fresh, network)
        deliver(carol, fresh, network)
        queues = {k: list(v) for k, v in chains.items()}
        queues = {k: v for k, v in queues.items() if v}
        while queues:
            name = rng.choice(sorted(queues))
            raw = queues[name].pop(0)
            if events.parse_trusted(raw).id not in {
                bytes(r[0]) for r in fresh.db.all("SELECT id FROM events")
            }:
                fresh.log.ingest(raw)
            if not queues[name]:
                del queues[name]
        got = dump(fresh)
        fresh.log.rebuild()
        assert dump(fresh) == got  # a rebuild gives the same tables
        results.append(got)
    # the Eves' own join events differ: compare poll tables and poll-related rejections
    poll_ids = {events.parse_trusted(r).id for v in chains.values() for r in v}

    def norm(d):
        return (
            d["polls"],
            d["poll_answers"],
            sorted(r for r in d["rejected"] if bytes(r[0]) in poll_ids),
            d["purged_items"],
        )

    assert all(norm(r) == norm(results[0]) for r in results)
    assert len(results[0]["poll_answers"]) == 3


def test_an_answer_naming_a_case_of_another_network_is_refused(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    bob = make_profile("Dr. Bob Lee")
    join(bob, alice, network)
    deliver(alice, bob, network)
    other = alice.library.create_network("Other", alice.name)
    join(bob, alice, other)
    deliver(alice, bob, other)
    case = alice.library.post_case(other, title="Elsewhere")
    poll = alice.polls.create(case, "choice", "?", ["a", "b"])
    deliver(alice, bob, other)
    raw = forge(
        bob,
        network,
        EventKind.POLL_ANSWER,
        {"poll": poll, "case": case, "choice": 0, "ranks": [], "skip": False},
        tag(alice, bob, network, case),
    )
    bob.log.ingest(raw)
    deliver(bob, alice, network)
    assert alice.db.scalar("SELECT count(*) FROM poll_answers") == 0
    assert "another network" in rejected(alice)[events.parse(raw).id]


def test_the_upgrade_rebuild_runs_once(
    alice: Profile,
    network: bytes,
    make_profile: Callable[..., Profile],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from casebook.core.model import payloads

    bob = make_profile("Dr. Bob Lee")
    join(bob, alice, network)
    deliver(alice, bob, network)
    case = alice.library.post_case(network, title="Night sweats")
    poll = alice.polls.create(case, "differential")
    older = {k: v for k, v in payloads.VALIDATORS.items() if not k.startswith("poll.")}
    monkeypatch.setattr(payloads, "VALIDATORS", older)
    deliver(alice, bob, network)
    monkeypatch.undo()
    calls = count_rebuilds(monkeypatch)
    for again in reopen(bob, 3):
        assert again.polls.show(poll).kind == "differential"
    assert calls == [1]
