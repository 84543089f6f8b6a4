"""The relay's side of devices, fed real signed events straight into a hosted network
(``HostedNetwork.admit``, the path every push takes): a certificate is judged before it
costs a fold, a revoked computer certifies nobody, and a member's computers are capped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import foldkit
import pytest
from foldkit import Person, Story

from casebook.core.model import events, membership
from casebook.core.model.membership import Entry
from casebook.core.model.membership_state import MAX_DEVICES
from casebook.relay import recovery as relay_recovery
from casebook.relay.hosted import HostedNetwork
from casebook.relay.store import RelayStore


class SignedStory(Story):
    """A foldkit story that also keeps each entry's signed event (what a relay gets)."""

    def __init__(self, founder: Person) -> None:
        self.raws: list[events.Event] = []
        super().__init__(founder)

    def write(
        self,
        author: Person,
        kind: str,
        pub: dict[str, Any],
        *,
        lamport: int | None = None,
        ts: int = foldkit.T0,
        epoch: int = 0,
    ) -> Entry:
        author.seq += 1
        lamport = self.clock + 1 if lamport is None else lamport
        self.clock = max(self.clock, lamport)
        event = events.create(
            author.identity,
            net=self.net,
            seq=author.seq,
            prev=author.prev,
            lamport=lamport,
            ts=ts,
            kind=kind,
            epoch=epoch,
            seed=foldkit.SEED,
            payload={},
            pub=pub,
        )
        author.prev = event.id
        entry = Entry.of(event)
        self.entries.append(entry)
        self.raws.append(event)
        return entry


def hosted_with(story: SignedStory, tmp_path: Path, by: bytes) -> HostedNetwork:
    store = RelayStore(tmp_path / "relay")
    hosted = HostedNetwork(story.net, store, 1024**3)
    for index, event in enumerate(story.raws):
        admission = hosted.admit([event], 0, None, by)
        assert not admission.refused, admission.refused
        store.store(story.net, [(e, True) for e in admission.accepted], new_network=index == 0)
        hosted.commit(admission)
    return hosted


@pytest.fixture
def folds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the relay's whole-log folds from here on."""
    counted: list[int] = []
    real = membership.fold

    def counting(net: bytes, entries: Any) -> membership.MembershipState:
        counted.append(1)
        return real(net, entries)

    monkeypatch.setattr(membership, "fold", counting)
    return counted


def test_certificates_that_do_not_verify_are_refused_without_a_fold(
    tmp_path: Path, folds: list[int]
) -> None:
    alice, bob = Person("alice"), Person("bob")
    story = SignedStory(alice)
    story.join(bob, story.invite(alice))
    hosted = hosted_with(story, tmp_path, bob.key)
    start = len(story.raws)
    for n in range(50):
        fake = Person(f"fake-{n}")
        pub = {
            "member": bob.key,
            "xkey": fake.xkey,
            "name": "x",
            "created": 1,
            "by": bob.key,
            "sig": bytes(64),
        }
        story.write(fake, "device.add", pub)
    folds.clear()
    admission = hosted.admit(story.raws[start:], 0, None, bob.key)

    assert not admission.accepted
    assert {reason for _, reason in admission.refused} == {"the device certificate does not verify"}
    assert folds == []


def test_a_revoked_computer_certifies_nobody_at_login(tmp_path: Path) -> None:
    alice, bob = Person("alice"), Person("bob")
    story = SignedStory(alice)
    story.join(bob, story.invite(alice))
    stolen = Person("stolen")
    story.add_device(stolen, bob)
    story.revoke_device(bob, stolen)
    hosted = hosted_with(story, tmp_path, bob.key)
    assert hosted.state.role_now(stolen.key) is None

    fresh = Person("fresh")
    entry = story.add_device(fresh, bob, signer=stolen, lamport=2)  # back-dated, too
    carried = relay_recovery.device_add(story.raws[-1].raw, hosted, fresh.key)
    assert entry.author == fresh.key and carried == []
    honest = Person("honest")
    story.add_device(honest, bob)
    assert relay_recovery.device_add(story.raws[-1].raw, hosted, honest.key) != []


def test_a_member_gets_at_most_sixteen_current_computers_at_the_relay(tmp_path: Path) -> None:
    alice, bob = Person("alice"), Person("bob")
    story = SignedStory(alice)
    story.join(bob, story.invite(alice))
    hosted = hosted_with(story, tmp_path, bob.key)
    start = len(story.raws)
    for n in range(MAX_DEVICES + 3):
        story.add_device(Person(f"gadget-{n}"), bob)
    admission = hosted.admit(story.raws[start:], 0, None, bob.key)

    assert len(admission.accepted) == MAX_DEVICES - 1  # and device zero: sixteen
    assert all(r.startswith("a member has at most") for _, r in admission.refused)
