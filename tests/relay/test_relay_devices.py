"""The relay's side of devices, fed real signed events straight into a hosted network
(``HostedNetwork.admit``, the path every push takes): a certificate is judged before it
costs a fold, a revoked computer certifies nobody, and a member's computers are capped."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from foldkit import Person, Story

from casebook.core.model import membership
from casebook.core.model.membership_state import MAX_DEVICES
from casebook.relay import recovery as relay_recovery
from casebook.relay.hosted import HostedNetwork
from casebook.relay.sqlite_store import SqliteStore


def hosted_with(story: Story, tmp_path: Path, by: bytes) -> HostedNetwork:
    store = SqliteStore(tmp_path / "relay")
    hosted = HostedNetwork(story.net, store, 1024**3)
    for index, event in enumerate(story.raws):
        admission = hosted.admit([event], 0, None, by)
        assert not admission.refused, admission.refused
        last = store.store(
            story.net, [(e, True) for e in admission.accepted], new_network=index == 0
        )
        hosted.commit(admission, last)
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
    story = Story(alice)
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
    story = Story(alice)
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
    story = Story(alice)
    story.join(bob, story.invite(alice))
    hosted = hosted_with(story, tmp_path, bob.key)
    start = len(story.raws)
    for n in range(MAX_DEVICES + 3):
        story.add_device(Person(f"gadget-{n}"), bob)
    admission = hosted.admit(story.raws[start:], 0, None, bob.key)

    assert len(admission.accepted) == MAX_DEVICES - 1  # and device zero: sixteen
    assert all(r.startswith("a member has at most") for _, r in admission.refused)


def test_a_thief_filling_the_slots_never_keeps_out_the_recovery_key(tmp_path: Path) -> None:
    """The stolen laptop certifies computers up to the cap; Alice's computer set up with
    the recovery key (certified by the member key) is still taken, and so is its signed
    revocation of the laptop, which takes the thief's computers with it."""
    alice, bob = Person("alice"), Person("bob")
    story = Story(alice)
    story.join(bob, story.invite(alice))
    laptop = Person("laptop")
    story.add_device(laptop, alice)
    hosted = hosted_with(story, tmp_path, alice.key)
    start = len(story.raws)
    thieves = [Person(f"thief-{n}") for n in range(MAX_DEVICES - 2)]
    for thief in thieves:
        story.add_device(thief, alice, signer=laptop)
    admission = hosted.admit(story.raws[start:], 0, None, laptop.key)
    hosted.store.store(story.net, [(e, True) for e in admission.accepted], new_network=False)
    hosted.commit(admission, 0)
    assert len(admission.accepted) == MAX_DEVICES - 2

    recovered = Person("recovered")
    start = len(story.raws)
    story.add_device(recovered, alice, holds=None)
    story.revoke_device(recovered, laptop, signed_by=alice, upto=1)
    admission = hosted.admit(story.raws[start:], 0, None, recovered.key)
    assert admission.refused == [] and len(admission.accepted) == 2
    hosted.commit(admission, 0)
    assert hosted.state.role_now(recovered.key) == "admin"
    assert hosted.state.role_now(laptop.key) is None
    assert all(hosted.state.role_now(t.key) is None for t in thieves)


def test_a_refused_join_costs_no_fold_when_it_came_last(tmp_path: Path, folds: list[int]) -> None:
    """A join with a wrong proof for an invite the relay knows passes the cheap checks
    and is refused by the fold: applied on its own and undone, it costs no whole fold,
    even with the pusher's budget spent."""
    alice, bob = Person("alice"), Person("bob")
    story = Story(alice)
    story.join(bob, story.invite(alice))
    code = story.invite(alice)
    hosted = hosted_with(story, tmp_path, bob.key)
    while hosted.refolds.take(bob.key.hex()):
        pass
    before = (hosted.state.last, hosted.state.count, dict(hosted.state.rejected))
    folds.clear()
    for n in range(10):
        stranger = Person(f"stranger-{n}")
        joined = story.join(stranger, code)
        story.entries.pop()
        story.raws.pop()
        stranger.seq, stranger.prev = 0, None
        story.write(stranger, "member.join", dict(joined.pub, proof=bytes(64)))
        admission = hosted.admit([story.raws[-1]], 0, None, bob.key)
        assert admission.accepted == [] and len(admission.refused) == 1
        assert (
            admission.state is None
            or (
                admission.state.last,
                admission.state.count,
                admission.state.rejected,
            )
            == before
        )
        story.entries.pop()
        story.raws.pop()
    assert folds == []


def test_a_second_recovery_after_the_first_computer_was_revoked(tmp_path: Path) -> None:
    """The member key certifies whatever became of device zero: after a recovered
    computer revoked the lost first one, a second recovery is still taken."""
    alice, bob = Person("alice"), Person("bob")
    story = Story(alice)
    story.join(bob, story.invite(alice))
    first = Person("recovered-1")
    story.add_device(first, bob, holds=None)
    story.revoke_device(first, bob, upto=bob.seq, keeps=[first], signed_by=bob)
    hosted = hosted_with(story, tmp_path, first.key)
    assert hosted.state.role_now(bob.key) is None

    second = Person("recovered-2")
    story.add_device(second, bob, holds=None)
    assert relay_recovery.device_add(story.raws[-1].raw, hosted, second.key) != []
    admission = hosted.admit([story.raws[-1]], 0, None, second.key)
    assert admission.refused == []
    hosted.commit(admission, 0)
    assert hosted.state.role_now(second.key) == "member"


@pytest.mark.parametrize("signed", [True, False])
def test_a_revocation_that_came_before_its_certificate_holds_at_the_relay(
    tmp_path: Path, signed: bool
) -> None:
    """Bob revokes a linked computer whose certificate never reached the relay; the
    thief then pushes the certificate and writes on: the relay, like every client,
    counts the computer revoked from its first event."""
    alice, bob = Person("alice"), Person("bob")
    story = Story(alice)
    story.join(bob, story.invite(alice))
    hosted = hosted_with(story, tmp_path, bob.key)
    stolen = Person("stolen")
    story.revoke_device(bob, stolen, upto=0, signed_by=bob if signed else None)
    story.add_device(stolen, bob)
    policy = {"policy": {"invite": "admins", "role": "member"}}
    story.write(stolen, "network.policy", policy)
    start = len(story.raws) - 3
    for event in story.raws[start:]:
        admission = hosted.admit([event], 0, None, bob.key)
        hosted.store.store(story.net, [(e, True) for e in admission.accepted], new_network=False)
        hosted.commit(admission, 0)
    assert hosted.state.role_now(stolen.key) is None
    assert hosted.state.write_check(stolen.key, 2) == "removed"
    assert membership.fold(story.net, story.entries).role_now(stolen.key) is None
    again = HostedNetwork(story.net, hosted.store, 1024**3)
    assert again.state.role_now(stolen.key) is None


def test_a_spent_budget_buys_no_whole_fold_per_push(tmp_path: Path, folds: list[int]) -> None:
    """A device event makes the relay settle devices again, which is a whole fold: it
    is paid from the pusher's budget before it costs anything, so with the budget spent
    a member's pushes of revocations wait and cost no fold."""
    alice, bob = Person("alice"), Person("bob")
    story = Story(alice)
    story.join(bob, story.invite(alice, "admin"))
    device = Person("device")
    story.add_device(device, bob)
    policy = {"policy": {"invite": "admins", "role": "member"}}
    for _ in range(40):
        story.write(device, "network.policy", policy)
    hosted = hosted_with(story, tmp_path, bob.key)
    while hosted.refolds.take(bob.key.hex()):
        pass
    folds.clear()
    refused = []
    for upto in range(40, 10, -1):
        story.revoke_device(bob, device, upto=upto)
        admission = hosted.admit([story.raws[-1]], 0, None, bob.key)
        assert admission.accepted == []
        refused += [reason for _, reason in admission.refused]
    assert folds == []
    assert refused[0].startswith("too many costly membership changes")
