"""Differential: the incremental fold every membership book and the relay run (an entry
applied on its own when ``applies_in_place``, else the whole log folded again) against a
fresh fold of the same entries, on random stories of devices: certificates (some
back-dated, some by revoked signers), revocations with and without the member key (some
of keys whose certificate comes later), keeps, rotations. A difference would mean the
relay and clients (or two clients) disagree on who may write."""

from __future__ import annotations

import random
from typing import Any

from foldkit import Person, Story

from casebook.core.model import membership
from casebook.core.model.membership import Entry, MembershipState


def incremental(net: bytes, arrivals: list[Entry]) -> MembershipState:
    state = membership.fold(net, arrivals[:1])
    seen = arrivals[:1]
    for entry in arrivals[1:]:
        seen = [*seen, entry]
        if membership.applies_in_place(state, entry):
            state.apply(entry)
            if state.late_joins() or state.overruled():
                state = membership.fold(net, seen)
        else:
            state = membership.fold(net, seen)
    return state


def summary(state: MembershipState, keys: list[bytes]) -> dict[str, Any]:
    return {
        "roles": {k: state.role_now(k) for k in keys},
        "cuts": {k: (d.cut, d.kept, d.holds) for k, d in state.devices.items()},
        "rejected": set(state.rejected),
        "needs_rotation": state.needs_rotation(),
    }


def random_story(rng: random.Random, steps: int = 25) -> tuple[Story, list[Person]]:
    alice, bob = Person("alice"), Person("bob")
    story = Story(alice)
    story.join(bob, story.invite(alice))
    pools: dict[str, list[Person]] = {"alice": [alice], "bob": [bob]}
    pending: list[tuple[Person, Person]] = []
    everyone = [alice, bob]
    for _ in range(steps):
        member = rng.choice([alice, bob])
        pool = pools[member.name]
        op = rng.random()
        lamport = None if rng.random() < 0.7 else max(1, story.clock - rng.randint(0, 6))
        if op < 0.35:
            device = Person(f"{member.name}-{len(everyone)}")
            everyone.append(device)
            story.add_device(
                device,
                member,
                signer=rng.choice(pool),
                lamport=lamport,
                holds=rng.choice([0, 1, 99]),
            )
            pool.append(device)
        elif op < 0.45:  # a key revoked before its certificate exists
            device = Person(f"{member.name}-later-{len(everyone)}")
            everyone.append(device)
            pending.append((device, member))
            signed = member if rng.random() < 0.5 else None
            story.revoke_device(member, device, upto=0, signed_by=signed, lamport=lamport)
        elif op < 0.55 and pending:
            device, owner = pending.pop(0)
            story.add_device(device, owner, lamport=lamport, holds=rng.choice([0, 2**40]))
            pools[owner.name].append(device)
        elif op < 0.8 and len(pool) > 1:
            target = rng.choice(pool)
            story.revoke_device(
                rng.choice(pool),
                target,
                keeps=[p for p in pool if rng.random() < 0.3 and p is not target],
                upto=rng.randint(0, max(0, target.seq)),
                signed_by=member if rng.random() < 0.5 else None,
                lamport=lamport,
            )
        elif op < 0.9:
            story.rotate(alice, len(story.fold().epochs), [alice, bob])
        else:
            policy = {"policy": {"invite": "admins", "role": "member"}}
            story.write(rng.choice(pool), "network.policy", policy, lamport=lamport)
    return story, everyone


def test_the_incremental_fold_agrees_with_a_fresh_one() -> None:
    for seed in range(120):
        rng = random.Random(seed)
        story, people = random_story(rng)
        keys = [p.key for p in people]
        fresh = summary(membership.fold(story.net, story.entries), keys)
        shuffled = list(story.entries)
        rng.shuffle(shuffled)
        assert summary(membership.fold(story.net, shuffled), keys) == fresh, seed
        assert summary(incremental(story.net, story.entries), keys) == fresh, seed
        assert summary(incremental(story.net, shuffled), keys) == fresh, seed
