"""Holding a flagged item for a moderator's look (docs/protocol.md, "Flags"), attacked:
the network's policy (admins only) says after how many members' flags; only a
moderator's or admin's computer can count them (they are sealed) and holds the item; a
held item is hidden from members until a moderator releases it (a look, which also
dismisses its flags) or hides it; a hold and a release are moderators' acts that a
member, a demoted moderator or a changed client cannot make count, and neither undoes
a hide."""

from __future__ import annotations

import pytest

from casebook.core.library.queries import HELD
from casebook.core.model.kinds import EventKind
from casebook.errors import PermissionDenied, UsageError
from netkit import shown, sync
from rawkit import rejected


def test_enough_flags_hold_an_item_until_a_moderator_releases_it(four, network) -> None:
    alice, bob, carol, dave = four
    alice.governance.set_moderation_policy(network, 2)
    case = alice.library.post_case(network, title="Rash after a new drug", body="Photos.")
    sync(alice, bob, carol, dave)
    assert dave.flag_inbox.hold_after(network) == 2 == bob.flag_inbox.hold_after(network)
    bob.library.flag(case.hex(), "Possible identifier in a photo")
    bob.library.flag(case.hex(), "Possible identifier: the second photo")  # counts once
    sync(alice, bob, carol, dave)
    assert dave.flag_inbox.due(network) == []  # one member so far
    carol.library.flag(case.hex(), "A name on the wristband")
    sync(alice, bob, carol, dave)
    # Only a moderator's or admin's computer can count sealed flags.
    assert bob.flag_inbox.due(network) == [] == carol.flag_inbox.due(network)
    assert dave.flag_inbox.due(network) == [case] == alice.flag_inbox.due(network)
    assert dave.governance.hold_flagged(network) == [case]
    assert dave.flag_inbox.due(network) == []  # held now: not held twice
    sync(alice, bob, carol, dave)
    assert alice.flag_inbox.due(network) == []  # Dave's hold reached her
    for member in (alice, bob, carol, dave):
        assert not shown(member, case)
        assert member.queries.case(case) is None
        assert member.queries.moderation(case) == HELD
    (item,) = [f.to_json() for f in dave.flag_inbox.inbox(network)]
    assert item["held"] and item["hidden"] and not item["reviewed"]  # a hold is no look
    assert [a["action"] for a in dave.flag_inbox.log_of(network)] == ["hold"]

    dave.governance.moderate(case.hex(), "release")
    sync(alice, bob, carol, dave)
    for member in (alice, bob, carol, dave):
        assert shown(member, case) and member.queries.moderation(case) is None
    (item,) = [f.to_json() for f in alice.flag_inbox.inbox(network)]
    assert item["reviewed"] and not item["held"] and not item["hidden"]
    # The flags before the look are dismissed: one more does not hold it again, two do.
    bob.library.flag(case.hex(), "Still think the photo shows a label")
    sync(alice, bob, carol, dave)
    assert dave.flag_inbox.due(network) == []
    carol.library.flag(case.hex(), "Agree: a label")
    sync(alice, bob, carol, dave)
    assert dave.flag_inbox.due(network) == [case]


def test_a_release_dismisses_flags_on_an_item_that_was_never_held(four, network) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Syncope", body="Holter normal.")
    sync(alice, carol)
    comment = carol.library.comment(case, "Long QT? Check the drugs.")
    sync(alice, bob, carol, dave)
    bob.library.flag(comment.hex(), "Clinically wrong")
    sync(alice, bob, carol, dave)
    assert dave.flag_inbox.due(network) == []  # no policy: nothing is ever held
    dave.governance.moderate(comment.hex(), "release")
    sync(alice, bob, carol, dave)
    (item,) = [f.to_json() for f in dave.flag_inbox.inbox(network)]
    assert item["reviewed"] and not item["hidden"] and shown(bob, comment)


def test_only_admins_set_the_policy_and_only_moderators_hold(four, network) -> None:
    alice, bob, carol, dave = four
    with pytest.raises(PermissionDenied):
        dave.governance.set_moderation_policy(network, 1)
    with pytest.raises(UsageError):
        alice.governance.set_moderation_policy(network, 51)
    alice.governance.set_moderation_policy(network, 3)
    case = alice.library.post_case(network, title="Headache", body="CT normal.")
    sync(alice, bob, carol, dave)
    with pytest.raises(PermissionDenied):
        bob.governance.moderate(case.hex(), "hold")
    # Changed clients sign what the app refuses to write; every computer rejects it.
    policy = dave.log.append(network, EventKind.MODERATION_POLICY, {"hold_after": 1}).id
    hold = bob.log.append(network, EventKind.CONTENT_HOLD, {"target": case}).id
    sync(alice, bob, carol, dave)
    for computer in (alice, carol):
        assert rejected(computer).get(policy) == "only admins may set the moderation policy"
        assert rejected(computer).get(hold) == "only moderators and admins may do this"
        assert computer.flag_inbox.hold_after(network) == 3
        assert shown(computer, case)


def test_a_hold_and_a_release_never_undo_a_hide(four, network) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Chest pain", body="ECG attached.")
    sync(alice, bob, carol, dave)
    dave.governance.moderate(case.hex(), "hold")
    sync(alice, bob, carol, dave)
    alice.governance.moderate(case.hex(), "hide", "A name in the photo; ask the author")
    sync(alice, bob, carol, dave)
    dave.governance.moderate(case.hex(), "release")  # released, but still hidden
    sync(alice, bob, carol, dave)
    for member in (bob, carol):
        assert not shown(member, case)
        assert member.queries.moderation(case) == "A name in the photo; ask the author"
    alice.governance.moderate(case.hex(), "unhide")
    sync(alice, bob, carol, dave)
    assert shown(bob, case) and shown(carol, case)


def test_a_demoted_moderator_holds_nothing_and_their_late_release_is_refused(four, network) -> None:
    alice, bob, carol, dave = four
    alice.governance.set_moderation_policy(network, 1)
    case = alice.library.post_case(network, title="Fever", body="Blood cultures pending.")
    sync(alice, bob, carol, dave)
    alice.governance.moderate(case.hex(), "hold")
    alice.governance.set_role(network, "Dave", "member")
    sync(alice, bob, carol, dave)
    bob.library.flag(case.hex(), "Wrong dose")
    sync(alice, bob, carol, dave)
    assert dave.flag_inbox.due(network) == []  # no longer his to count
    # Written by a client that ignores the demotion: signed after it, refused.
    late = dave.log.append(network, EventKind.CONTENT_RELEASE, {"target": case}).id
    sync(alice, bob, carol, dave)
    assert rejected(carol).get(late) == "only moderators and admins may do this"
    assert not shown(carol, case)


def test_a_withdrawn_case_is_never_held(four, network) -> None:
    alice, bob, carol, dave = four
    alice.governance.set_moderation_policy(network, 1)
    case = alice.library.post_case(network, title="Dizziness", body="MRI normal.")
    sync(alice, bob, carol, dave)
    bob.library.flag(case.hex(), "Possible identifier")
    alice.library.withdraw(case, "consent withdrawn")
    sync(alice, bob, carol, dave)
    assert dave.flag_inbox.due(network) == [] and dave.governance.hold_flagged(network) == []
