"""Flags to moderators (docs/protocol.md, "Flags"), attacked: sealed so only the
moderators, admins and the flagger's own computers read them; a role change, a removal
and a revoked computer each change who can read the next flag; a forged or misdirected
flag opens nowhere; duplicates count once; a withdrawn case takes its flags with it."""

from __future__ import annotations

import pytest

from casebook.core.model import flags
from casebook.core.profile import Profile
from casebook.errors import IdentifiersFound, PermissionDenied, UsageError
from netkit import link_computer, sync

REASON = "Possible patient identifier in the second photo"


def _inbox(profile: Profile, net: bytes) -> list[dict]:
    return [f.to_json() for f in profile.flag_inbox.inbox(net)]


def test_only_moderators_admins_and_the_flagger_read_a_flag(four, network) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Rash after a new drug", body="Photos.")
    sync(alice, bob, carol, dave)
    made = bob.library.flag(case.hex(), REASON)
    sync(alice, bob, carol, dave)
    for moderator in (alice, dave):
        (item,) = _inbox(moderator, network)
        assert item["item"] == case.hex() and item["reason"] == REASON and item["flags"] == 1
        assert item["reasons"][0]["name"] == "Dr. Bob Okafor" and item["what"] == "case"
    # Carol holds the event (it is the network's), but not what it says.
    assert carol.db.scalar("SELECT count(*) FROM flags") == 0
    event, payload = carol.log._load(made)
    assert payload is not None and set(payload) == {"eph", "wraps", "box"}
    assert REASON.encode() not in event.body and REASON.encode() not in payload["box"]
    assert flags.open_sealed(carol.log.identity, network, bob.member, payload) is None
    with pytest.raises(PermissionDenied, match="Only moderators and admins"):
        carol.flag_inbox.inbox(network)
    with pytest.raises(PermissionDenied):
        bob.flag_inbox.inbox(network)
    # Bob's own computer keeps what he said (his flag), but he has no inbox.
    assert bob.db.scalar("SELECT reason FROM flags") == REASON


def test_a_flag_is_checked_for_identifiers_and_needs_a_reason(four, network) -> None:
    alice, bob, _carol, _dave = four
    case = alice.library.post_case(network, title="Chest pain", body="ECG attached.")
    sync(alice, bob)
    with pytest.raises(IdentifiersFound):
        bob.library.flag(case.hex(), "Photo shows John Smith, MRN 12345678, DOB 02/03/1961")
    with pytest.raises(UsageError, match="why"):
        bob.library.flag(case.hex(), "   ")
    assert bob.db.scalar("SELECT count(*) FROM events WHERE kind = 'flag.create'") == 0


def test_a_role_change_and_a_removal_decide_who_reads_the_next_flag(four, network) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Syncope", body="Holter normal.")
    sync(alice, bob, carol, dave)
    bob.library.flag(case.hex(), "Clinically wrong: the QT is long")
    sync(alice, bob, carol, dave)
    # Carol becomes a moderator after that flag: she cannot read it (it was not sealed
    # to her), but reads the next one. Dave steps down: he reads no new flag.
    alice.governance.set_role(network, "Carol", "moderator")
    alice.governance.set_role(network, "Dave", "member")
    sync(alice, bob, carol, dave)
    assert _inbox(carol, network) == []
    with pytest.raises(PermissionDenied):
        dave.flag_inbox.inbox(network)  # the inbox is for current moderators only
    comment = carol.library.comment(case, "Repeat the ECG off the macrolide.")
    sync(alice, bob, carol, dave)
    bob.library.flag(comment.hex(), "Inappropriate tone")
    sync(alice, bob, carol, dave)
    assert [i["reason"] for i in _inbox(carol, network)] == ["Inappropriate tone"]
    assert dave.db.scalar("SELECT count(*) FROM flags WHERE target = ?", (comment,)) == 0
    # A removed member's later flag, written before he heard of it, reaches nobody: it is
    # refused as written after the removal. Once he knows, his computer says so.
    alice.governance.remove(network, "Bob")
    bob.library.flag(comment.hex(), "Written after the removal")
    sync(alice, bob, carol, dave)
    assert [i["flags"] for i in _inbox(carol, network)] == [1]
    assert [i["reason"] for i in _inbox(alice, network)] == [
        "Inappropriate tone",
        "Clinically wrong: the QT is long",
    ]
    with pytest.raises(PermissionDenied):
        bob.library.flag(case.hex(), "again")


def test_a_revoked_computer_of_a_moderator_reads_no_new_flag(four, network, tmp_path) -> None:
    alice, bob, _carol, dave = four
    laptop = link_computer(dave, tmp_path / "laptop")
    sync(alice, bob, dave, laptop)
    case = alice.library.post_case(network, title="Fever", body="Returned from travel.")
    sync(alice, bob, dave, laptop)
    bob.library.flag(case.hex(), "Wrong: malaria film first")
    sync(alice, bob, dave, laptop)
    assert [i["reason"] for i in _inbox(laptop, network)] == ["Wrong: malaria film first"]
    dave.devices.revoke(laptop.log.chain.hex()[:16])
    sync(alice, bob, dave, laptop)
    bob.library.flag(case.hex(), "And the dose is wrong")
    sync(alice, bob, dave, laptop)
    assert dave.db.scalar("SELECT reason FROM flags") == "And the dose is wrong"
    assert laptop.db.scalar("SELECT reason FROM flags") == "Wrong: malaria film first"


def test_a_member_flags_once_per_item_and_forged_flags_open_nowhere(four, network) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Back pain", body="Red flags absent.")
    sync(alice, bob, carol, dave)
    bob.library.flag(case.hex(), "Inappropriate")
    bob.library.flag(case.hex(), "Inappropriate, and wrong")
    carol.library.flag(case.hex(), "Clinically wrong")
    sync(alice, bob, carol, dave)
    (item,) = _inbox(alice, network)
    assert item["flags"] == 2  # Bob's newest flag and Carol's
    assert {r["reason"] for r in item["reasons"]} == {
        "Inappropriate, and wrong",
        "Clinically wrong",
    }
    # A box sealed for Bob's key, replayed under Carol's name, does not open: the box is
    # bound to its flagger and network.
    sealed = flags.seal(
        {"target": case, "reason": "forged"}, network, bob.member,
        [(alice.log.chain, alice.log.identity.exchange_public_key)],
    )  # fmt: skip
    assert flags.open_sealed(alice.log.identity, network, carol.member, sealed) is None
    assert flags.open_sealed(alice.log.identity, b"\0" * 32, bob.member, sealed) is None
    assert flags.open_sealed(alice.log.identity, network, bob.member, sealed) == {
        "target": case, "reason": "forged"
    }  # fmt: skip


def test_a_withdrawn_case_takes_its_flags_and_the_log_keeps_what_was_done(four, network) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Headache", body="CT normal.")
    sync(alice, bob, carol, dave)
    bob.library.flag(case.hex(), "Possible identifier")
    sync(alice, bob, carol, dave)
    dave.governance.moderate(case.hex(), "hide", "Awaiting the author's edit")
    sync(alice, bob, carol, dave)
    (item,) = _inbox(alice, network)
    assert item["hidden"] and item["reviewed"]
    (act,) = alice.flag_inbox.log_of(network)
    assert act["action"] == "hide" and act["name"] == "Dr. Dave Ng"
    alice.library.withdraw(case, "consent withdrawn")
    sync(alice, bob, carol, dave)
    for computer in (alice, bob, dave):
        assert computer.db.scalar("SELECT count(*) FROM flags") == 0
        assert computer.db.scalar("SELECT count(*) FROM moderation_log") == 0
    # A rebuild applies the flag and the hide again before the withdrawal: still gone.
    alice.log.rebuild()
    assert alice.db.scalar("SELECT count(*) FROM flags") == 0
    assert alice.db.scalar("SELECT count(*) FROM moderation_log") == 0


def test_a_rebuild_reads_the_flags_again(four, network) -> None:
    alice, bob, _carol, _dave = four
    case = alice.library.post_case(network, title="Cough", body="Three weeks.")
    sync(alice, bob)
    bob.library.flag(case.hex(), "Clinically wrong")
    sync(alice, bob)
    alice.log.rebuild()
    assert [i["reason"] for i in _inbox(alice, network)] == ["Clinically wrong"]


def test_flags_stored_before_the_upgrade_are_read_after_it(
    four, network, monkeypatch: pytest.MonkeyPatch
) -> None:
    from casebook.core.model import payloads
    from netkit import count_rebuilds, deliver, reopen

    alice, bob, _carol, _dave = four
    case = alice.library.post_case(network, title="Anaemia", body="Ferritin low.")
    deliver(alice, bob, network)
    bob.library.flag(case.hex(), "Clinically wrong")
    monkeypatch.delitem(payloads.VALIDATORS, "flag.create")  # a version without flags
    deliver(bob, alice, network)
    monkeypatch.undo()
    assert alice.db.scalar("SELECT count(*) FROM flags") == 0  # kept, rejected as unknown
    calls = count_rebuilds(monkeypatch)
    for again in reopen(alice, 2):
        assert [i.flags[0]["reason"] for i in again.flag_inbox.inbox(network)] == [
            "Clinically wrong"
        ]
    assert calls == [1]
