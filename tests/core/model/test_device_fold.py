"""A member's devices in the membership fold, fed entries directly (no database).

The rules are those of ``docs/protocol.md`` (*Devices, linking and recovery*): a device
joins with a certificate signed by its member key or by a current device of theirs; its
events count as the member's; a revocation cuts its chain, and one signed with the
member key overrules whatever the revoked device did; removing a member removes every
device of theirs.
"""

from __future__ import annotations

import random

from foldkit import Person, Story

from casebook.core.model.membership import fold
from casebook.core.model.membership_state import MAX_DEVICES


def alice_with_laptop(holds: int | None = 0) -> tuple[Story, Person, Person, Person]:
    """Alice founds a network with Bob in it; her laptop is certified by her key."""
    alice, bob, laptop = Person("alice"), Person("bob"), Person("laptop")
    story = Story(alice)
    story.join(bob, story.invite(alice))
    story.add_device(laptop, alice, holds=holds)
    return story, alice, bob, laptop


def test_a_device_certified_by_the_member_key_acts_as_the_member() -> None:
    story, alice, _bob, laptop = alice_with_laptop()
    code = story.invite(laptop)  # an admin's act, from the laptop
    state = story.fold()

    assert state.rejected == {}
    assert state.member_of(laptop.key).key == alice.key  # type: ignore[union-attr]
    assert state.role_now(laptop.key) == "admin"
    assert state.write_check(laptop.key, 5) is None
    assert state.invites[code.key].inviter == alice.key  # the member, not the device
    assert [d for d in state.members[alice.key].devices] == [alice.key, laptop.key]
    assert state.devices[laptop.key].name == "laptop"
    assert not state.needs_rotation()  # linked: it was handed epoch 0's seed


def test_a_device_certified_by_another_device_counts_but_one_by_a_stranger_does_not() -> None:
    story, alice, bob, laptop = alice_with_laptop()
    tablet, forged, orphan = Person("tablet"), Person("forged"), Person("orphan")
    story.add_device(tablet, alice, signer=laptop)
    bad_signer = story.add_device(forged, alice, signer=bob)  # Bob certifies for Alice
    no_member = story.add_device(orphan, Person("nobody"))
    state = story.fold()

    assert state.role_now(tablet.key) == "admin"
    assert state.rejected == {
        bad_signer.id: "the certificate is not signed by the member or one of their devices",
        no_member.id: "the device's member is not a member",
    }
    assert state.write_check(forged.key, 2) == "unknown"


def test_a_certificate_must_verify_and_be_the_devices_first_event() -> None:
    story, alice, _bob, laptop = alice_with_laptop()
    mallory = Person("mallory")
    entry = story.add_device(mallory, alice)
    tampered = dict(entry.pub, name="renamed")  # the signature covers the name
    story.entries.remove(entry)
    mallory.seq, mallory.prev = 0, None
    forged = story.write(mallory, "device.add", tampered)
    again = story.add_device(laptop, alice)  # seq 2 of an added device
    state = story.fold()

    assert state.rejected[forged.id] == "the device certificate does not verify"
    assert state.rejected[again.id] == "a device is added by the first event of its chain"
    member_as_device = Person("x")
    story2 = Story(member_as_device)
    twice = story2.add_device(member_as_device, member_as_device)
    assert fold(story2.net, story2.entries).rejected[twice.id] == (
        "a device is added by the first event of its chain"
    )


def test_a_revoked_devices_later_events_are_rejected_even_back_dated() -> None:
    story, alice, bob, laptop = alice_with_laptop()
    early = story.invite(laptop)  # seq 2: seen by the revocation
    revoke_at = story.clock
    story.revoke_device(alice, laptop)  # upto = 2
    back_dated = story.invite(laptop, lamport=revoke_at)  # seq 3, sorts before it
    state = story.fold()

    assert early.entry.id not in state.rejected
    assert state.rejected[back_dated.entry.id] == "written after the author was removed"
    assert state.role_now(laptop.key) is None
    assert state.write_check(laptop.key, 3) == "removed"
    assert state.write_check(laptop.key, 2) is None
    assert state.needs_rotation()  # the laptop holds the latest seed
    story.rotate(alice, 1, [alice, laptop])
    assert story.fold().needs_rotation()  # a rotation that still reaches it is not enough
    story.rotate(alice, 1, [alice, bob])
    story2 = story.fold()
    assert story2.epochs[1].candidates[0][1] == frozenset({alice.key, laptop.key})
    assert story2.needs_rotation()  # the winner still reaches the laptop


def test_a_revocation_then_a_new_epoch_for_the_current_devices_only() -> None:
    story, alice, bob, laptop = alice_with_laptop()
    story.revoke_device(alice, laptop)
    story.rotate(alice, 1, [alice, bob])
    assert not story.fold().needs_rotation()


def test_devices_a_revoked_device_certified_behind_the_revocation_do_not_count() -> None:
    story, alice, _bob, laptop = alice_with_laptop()
    kept, sneaky = Person("kept"), Person("sneaky")
    story.add_device(kept, alice, signer=laptop)
    when = story.clock
    story.revoke_device(alice, laptop, keeps=[kept])
    # The stolen laptop certifies one more device, back-dated before its revocation.
    story.add_device(sneaky, alice, signer=laptop, lamport=when)
    state = story.fold()

    assert state.role_now(kept.key) == "admin"
    assert state.role_now(sneaky.key) is None
    assert any(r.startswith("certified by a device") for r in state.rejected.values())


def test_the_member_keys_revocation_overrules_a_stolen_devices() -> None:
    story, alice, bob, laptop = alice_with_laptop()
    desktop = Person("desktop")
    story.add_device(desktop, alice, signer=laptop)  # linked from the laptop
    # The thief with the laptop tries to revoke the desktop: without the member key a
    # computer revokes nothing but itself.
    answer = story.revoke_device(laptop, desktop)
    assert story.fold().rejected[answer.id].startswith("a computer is revoked with the member")
    # The desktop revokes the laptop with the member key's signature, keeping itself
    # (the laptop certified it).
    story.revoke_device(desktop, laptop, signed_by=alice, upto=1, keeps=[desktop])
    state = story.fold()

    assert state.role_now(desktop.key) == "admin"
    assert state.role_now(laptop.key) is None
    assert state.devices[laptop.key].overruled
    # A signature by another key counts for nothing.
    forged = story.revoke_device(laptop, desktop, signed_by=bob)
    state = story.fold()
    assert state.role_now(desktop.key) == "admin" and forged.id in state.rejected


def test_a_computer_revokes_no_other_without_the_member_key() -> None:
    story, alice, _bob, laptop = alice_with_laptop()
    tablet, phone = Person("tablet"), Person("phone")
    story.add_device(tablet, alice)
    story.add_device(phone, alice, signer=laptop)
    sibling = story.revoke_device(laptop, tablet)
    parent = story.revoke_device(laptop, alice)
    child = story.revoke_device(laptop, phone)
    state = story.fold()

    for entry in (sibling, parent, child):
        assert state.rejected[entry.id].startswith("a computer is revoked with the member key")
    assert state.role_now(tablet.key) == state.role_now(alice.key) == "admin"
    assert state.role_now(phone.key) == "admin"


def test_the_member_keys_revocation_leaves_older_revocations_standing() -> None:
    """The phone was revoked long ago; later the laptop that linked the tablet that
    linked the phone is revoked with the member key, keeping the tablet: the phone
    stays revoked (a signed revocation voids nothing)."""
    story, alice, _bob, laptop = alice_with_laptop()
    tablet, phone = Person("tablet"), Person("phone")
    story.add_device(tablet, alice, signer=laptop)
    story.add_device(phone, alice, signer=tablet)
    story.invite(phone)
    story.revoke_device(laptop, phone, signed_by=alice, upto=1)
    story.revoke_device(tablet, laptop, signed_by=alice, keeps=[tablet])
    state = story.fold()

    assert state.role_now(phone.key) is None and state.write_check(phone.key, 2) == "removed"
    assert state.role_now(tablet.key) == "admin" and state.role_now(laptop.key) is None


def test_a_thiefs_back_dated_computers_never_push_out_the_member_keys() -> None:
    """The thief on Alice's laptop certifies fourteen computers first; Alice
    then sets up a computer with her recovery key (certified by the member key): it
    counts, one of the thief's does not, and its signed revocation of the laptop takes
    every computer the laptop certified with it."""
    story, alice, _bob, laptop = alice_with_laptop()
    thieves = [Person(f"thief-{n}") for n in range(MAX_DEVICES - 2)]
    for thief in thieves:
        story.add_device(thief, alice, signer=laptop)
    assert all(story.fold().role_now(t.key) == "admin" for t in thieves)
    recovered = Person("recovered")
    story.add_device(recovered, alice, holds=None)
    state = story.fold()
    assert state.role_now(recovered.key) == "admin"
    assert sum(state.role_now(t.key) is not None for t in thieves) == MAX_DEVICES - 3
    story.revoke_device(recovered, laptop, signed_by=alice)
    state = story.fold()
    assert state.role_now(laptop.key) is None
    assert all(state.role_now(t.key) is None for t in thieves)
    assert state.role_now(recovered.key) == "admin"


def test_a_thief_copying_the_member_keys_revocation_moves_no_cut() -> None:
    """The stolen laptop writes, back-dated before its signed revocation, an admin act
    and a copy of that revocation in its own chain: the cut stays where it was signed."""
    story, alice, bob, laptop = alice_with_laptop()
    story.invite(laptop)  # seq 2, seen by Alice
    before = story.clock
    real = story.revoke_device(alice, laptop, signed_by=alice)  # upto = 2
    removal = story.remove(laptop, bob, lamport=before)  # seq 3
    copy = story.write(laptop, "device.revoke", dict(real.pub), lamport=before)
    state = story.fold()

    assert state.devices[laptop.key].cut == 2
    assert real.id not in state.rejected and copy.id not in state.rejected
    assert removal.id in state.rejected or removal.id in state.excluded
    assert state.role_now(bob.key) == "member"


def test_a_back_dated_self_revocation_does_not_void_the_real_one() -> None:
    """Alice's tablet (no member key) revokes the laptop; the thief answers with a
    self-revocation and a counter-revocation, both back-dated: the real cut holds and
    the tablet stays."""
    story, alice, bob, laptop = alice_with_laptop()
    tablet = Person("tablet")
    story.add_device(tablet, alice)
    sneaky = Person("sneaky")
    story.add_device(sneaky, alice, signer=laptop)
    before = story.clock
    real = story.revoke_device(alice, laptop)  # device zero: unsigned is allowed
    removal = story.remove(laptop, bob, lamport=before)
    story.write(
        laptop, "device.revoke", {"device": laptop.key, "upto": 99, "keeps": []}, lamport=before
    )
    counter = story.revoke_device(laptop, tablet, upto=1, lamport=before)
    state = story.fold()

    assert real.id not in state.rejected
    assert state.devices[laptop.key].cut == 1  # its device.add, as Alice saw it
    assert removal.id in state.rejected or removal.id in state.excluded
    assert state.role_now(bob.key) == "member"
    assert counter.id in state.rejected and state.role_now(tablet.key) == "admin"
    assert state.role_now(sneaky.key) is None  # not kept: the thief's devices go too


def test_a_made_up_holds_does_not_ask_for_new_epochs_for_ever() -> None:
    """``holds`` is not signed: a member claiming a huge one for a device they then
    revoke (or an admin then removes) costs one new epoch, not one per sync."""
    story, alice, bob, laptop = alice_with_laptop()
    gadget, other = Person("gadget"), Person("other")
    story.add_device(gadget, bob, holds=2**53)
    story.revoke_device(bob, gadget)
    assert story.fold().needs_rotation()
    story.rotate(alice, 1, [alice, bob, laptop])
    assert not story.fold().needs_rotation()
    story.add_device(other, bob, holds=2**60)
    story.remove(alice, bob, devices=[other])
    assert story.fold().needs_rotation()
    story.rotate(alice, 2, [alice, laptop])
    assert not story.fold().needs_rotation()


def test_a_member_has_at_most_sixteen_current_computers() -> None:
    story, _alice, bob, _laptop = alice_with_laptop()
    gadgets = [Person(f"gadget-{i}") for i in range(MAX_DEVICES)]
    entries = [story.add_device(g, bob) for g in gadgets]
    state = story.fold()
    assert [e.id in state.rejected for e in entries] == [False] * (MAX_DEVICES - 1) + [True]
    assert state.rejected[entries[-1].id].startswith("a member has at most")
    # Revoking one makes room: for the one refused before (fold order), then no more.
    story.revoke_device(bob, gadgets[0])
    state = story.fold()
    assert entries[-1].id not in state.rejected
    again = story.add_device(Person("again"), bob)
    assert story.fold().rejected[again.id].startswith("a member has at most")


def test_removing_a_member_removes_every_device_of_theirs() -> None:
    story, alice, bob, _laptop = alice_with_laptop()
    bob_laptop = Person("bob-laptop")
    story.add_device(bob_laptop, bob)
    story.invite(bob_laptop)  # seq 2 (refused: members may not invite here)
    story.remove(alice, bob, devices=[bob_laptop])
    state = story.fold()

    assert state.role_now(bob.key) is None
    assert state.role_now(bob_laptop.key) is None
    assert state.write_check(bob_laptop.key, 2) is None  # seen by the removal
    assert state.write_check(bob_laptop.key, 3) == "removed"
    late = Person("late")
    entry = story.add_device(late, bob)
    assert story.fold().rejected[entry.id] == "the device's member is not a member"


def test_a_device_the_removal_did_not_name_is_cut_from_its_first_event() -> None:
    story, alice, bob, _laptop = alice_with_laptop()
    bob_laptop = Person("bob-laptop")
    story.add_device(bob_laptop, bob)
    story.remove(alice, bob, devices=[])
    assert story.fold().write_check(bob_laptop.key, 1) == "removed"


def test_a_demotion_reaches_each_device_from_where_the_admin_saw_it() -> None:
    story, alice, bob, _laptop = alice_with_laptop()
    story.set_role(alice, bob, "admin")
    bob_laptop = Person("bob-laptop")
    story.add_device(bob_laptop, bob)
    before = story.invite(bob_laptop)  # seq 2, as an admin
    story.set_role(alice, bob, "member", devices=[bob_laptop])
    after = story.invite(bob_laptop)  # seq 3, as a member
    state = story.fold()

    assert before.entry.id not in state.rejected
    assert state.rejected[after.entry.id] == "only admins may invite in this network"
    assert state.role_at(bob_laptop.key, 2) == "admin"
    assert state.role_at(bob_laptop.key, 3) == "member"


def test_a_member_leaves_from_a_device() -> None:
    story, _alice, bob, _laptop = alice_with_laptop()
    bob_laptop = Person("bob-laptop")
    story.add_device(bob_laptop, bob)
    story.remove(bob_laptop, bob, devices=[])
    state = story.fold()

    assert state.role_now(bob.key) is None
    assert state.members[bob.key].removed_by == bob.key
    assert state.write_check(bob_laptop.key, 2) is None  # the leaving itself
    assert state.write_check(bob_laptop.key, 3) == "removed"


def test_a_recovered_device_without_seeds_asks_for_a_new_epoch() -> None:
    story, alice, bob, laptop = alice_with_laptop(holds=None)
    assert story.fold().needs_rotation()
    story.rotate(alice, 1, [alice, bob, laptop])
    assert not story.fold().needs_rotation()


def test_devices_fold_the_same_in_any_order() -> None:
    story, alice, _bob, laptop = alice_with_laptop()
    tablet, sneaky = Person("tablet"), Person("sneaky")
    story.add_device(tablet, alice, signer=laptop)
    when = story.clock
    story.revoke_device(alice, laptop, keeps=[tablet])
    story.add_device(sneaky, alice, signer=laptop, lamport=when)
    story.revoke_device(laptop, tablet, lamport=when)
    story.revoke_device(tablet, laptop, signed_by=alice)
    expected = story.fold()
    rng = random.Random(7)
    for _ in range(20):
        entries = list(story.entries)
        rng.shuffle(entries)
        state = fold(story.net, entries)
        assert state.rejected == expected.rejected
        assert state.excluded == expected.excluded
        assert {k: d.cut for k, d in state.devices.items()} == {
            k: d.cut for k, d in expected.devices.items()
        }


def test_a_computer_revoking_itself_keeps_nothing_it_could_sign_later() -> None:
    """A thief self-revokes the stolen laptop naming keys it made in ``keeps``: the
    certificates it signs for them afterwards count for nothing."""
    story, _alice, bob, _laptop = alice_with_laptop()
    laptop = Person("bob-laptop")
    story.add_device(laptop, bob)
    later = [Person(f"later-{n}") for n in range(3)]
    story.revoke_device(laptop, laptop, keeps=later)
    adds = [story.add_device(k, bob, signer=laptop) for k in later]
    state = story.fold()
    assert all(
        state.rejected[a.id] == "certified by a device that was revoked before" for a in adds
    )


def test_the_member_key_keeps_what_a_thiefs_self_revocation_dropped() -> None:
    story, _alice, bob, _laptop = alice_with_laptop()
    laptop, phone = Person("bob-laptop"), Person("bob-phone")
    story.add_device(laptop, bob)
    story.add_device(phone, bob, signer=laptop)
    story.revoke_device(laptop, laptop, keeps=[])  # the thief
    story.revoke_device(bob, laptop, upto=1, keeps=[phone], signed_by=bob)  # Bob
    state = story.fold()
    assert state.role_now(laptop.key) is None and state.role_now(phone.key) == "member"


def test_holds_is_capped_even_when_the_revocation_comes_first() -> None:
    """Device zero revokes a key before its certificate exists; the certificate then
    claims every epoch: it is held to the epochs that exist where it is added."""
    story, alice, bob, laptop = alice_with_laptop()
    story.rotate(alice, 1, [alice, bob, laptop])
    ghost = Person("ghost")
    story.revoke_device(bob, ghost, upto=0)
    story.add_device(ghost, bob, holds=2**62)
    state = story.fold()
    assert state.devices[ghost.key].cut == 0 and state.devices[ghost.key].holds == 1
    assert state.needs_rotation()
    story.rotate(alice, 2, [alice, bob, laptop])
    assert not story.fold().needs_rotation()
