"""The membership fold fed entries directly: no profile, no database, no relay.

Each test tells a short story with :class:`foldkit.Story` (real signed events, in
memory) and asserts what :func:`casebook.core.model.membership.fold` makes of it:
members and roles, invites open or closed, epochs, and which entries it rejected and
why. The rules are those of ``docs/protocol.md`` (*Membership log*).
"""

from __future__ import annotations

import os
from collections.abc import Callable

import pytest
from foldkit import DAY, T0, Code, Person, Story, roles
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.core.model.identity import Identity
from casebook.core.model.membership import Entry, MembershipState, fold

LATE = "the invite was closed (revoked, or its inviter or someone who joined with it"
CUT = "written after the author was removed"


def people(*names: str) -> list[Person]:
    return [Person(name) for name in names]


def with_members(*names: str, invite: str = "admins") -> tuple[Story, list[Person], Code]:
    """A network founded by the first person; the others joined through one invite
    of its founder (offering "member", one use each)."""
    cast = people(*names)
    story = Story(cast[0], invite=invite)
    code = story.invite(cast[0], uses=len(cast))
    for person in cast[1:]:
        story.join(person, code)
    return story, cast, code


# -- creation ------------------------------------------------------------------------


def test_the_founder_creates_the_network_as_its_first_admin() -> None:
    (alice,) = people("alice")
    story = Story(alice, invite="members", role="moderator")
    state = story.fold()

    assert state.founder == alice.key
    assert roles(state, alice) == {"alice": "admin"}
    assert state.admins() == [alice.key]
    assert (state.invite_policy, state.default_role) == ("members", "moderator")
    assert state.current_epoch == 0
    assert (state.epochs[0].winner, state.epochs[0].author) == (story.created.id, alice.key)
    assert state.rejected == {}
    assert not state.needs_rotation()


def test_nothing_counts_before_the_creation_or_from_a_second_founder() -> None:
    alice, mallory = people("alice", "mallory")
    story = Story(alice, lamport=5)
    early = story.invite(alice, lamport=2)  # sorts before the creation
    again = story.write(alice, "network.create", dict(story.created.pub))
    pub = dict(story.created.pub, xkey=mallory.xkey)
    foreign = story.write(mallory, "network.create", pub)  # alice's net id, mallory's key
    state = story.fold()

    assert state.rejected == {
        early.entry.id: "the network's first event has not been seen",
        again.id: "the network already exists",
        foreign.id: "the network already exists",
    }
    alone = fold(story.net, [foreign])
    assert alone.rejected == {foreign.id: "network id is not bound to its founder"}
    assert alone.founder is None
    assert state.founder == alice.key
    assert state.invites == {}


# -- invites and joins ----------------------------------------------------------------


def test_an_admin_invites_and_the_newcomers_get_the_offered_role() -> None:
    alice, bob, carol = people("alice", "bob", "carol")
    story = Story(alice)
    code = story.invite(alice, "moderator", uses=2)
    story.join(bob, code)
    half = story.fold()
    assert half.invites[code.key].status(T0) == "open"
    story.join(carol, code)
    state = story.fold()

    assert roles(state, alice, bob, carol) == {
        "alice": "admin",
        "bob": "moderator",
        "carol": "moderator",
    }
    member = state.members[bob.key]
    assert (member.invite, member.invited_by, member.invite_epoch) == (code.key, alice.key, 0)
    assert state.invites[code.key].used_by == [bob.key, carol.key]
    assert state.invites[code.key].status(T0) == "used"
    assert state.rejected == {}
    assert not state.needs_rotation()


def test_a_join_through_an_expired_invite_is_rejected() -> None:
    alice, bob, carol = people("alice", "bob", "carol")
    story = Story(alice)
    code = story.invite(alice, uses=2, expires=T0 + DAY)
    on_time = story.join(bob, code, ts=T0 + DAY)  # the last millisecond still counts
    late = story.join(carol, code, ts=T0 + DAY + 1)
    state = story.fold()

    assert roles(state, bob, carol) == {"bob": "member", "carol": None}
    assert on_time.id in state.accepted
    assert state.rejected == {late.id: "the invite had expired"}


def test_a_join_through_a_revoked_invite_is_rejected() -> None:
    alice, bob, carol = people("alice", "bob", "carol")
    story = Story(alice)
    code = story.invite(alice, uses=5)
    story.join(bob, code)
    revocation = story.revoke(alice, code, joins=[bob])
    late = story.join(carol, code)
    state = story.fold()

    assert roles(state, bob, carol) == {"bob": "member", "carol": None}
    invite = state.invites[code.key]
    assert (invite.revoked_by, invite.closed_event) == (alice.key, revocation.id)
    assert invite.status(T0) == "revoked"
    assert state.rejected == {late.id: "the invite was revoked"}


def test_a_join_through_a_used_up_invite_is_rejected() -> None:
    alice, bob, carol = people("alice", "bob", "carol")
    story = Story(alice)
    code = story.invite(alice, uses=1)
    story.join(bob, code)
    second = story.join(carol, code)
    state = story.fold()

    assert roles(state, bob, carol) == {"bob": "member", "carol": None}
    assert state.rejected == {second.id: "the invite has been used up"}


def test_a_join_must_prove_the_invite_secret() -> None:
    alice, mallory = people("alice", "mallory")
    story = Story(alice)
    code = story.invite(alice)
    guess = Code(os.urandom(16), code.key, code.entry)  # the key from the log, no secret
    forged = story.join(mallory, guess)
    state = story.fold()

    assert state.rejected == {forged.id: "the invite proof does not verify"}
    assert mallory.key not in state.members
    assert state.invites[code.key].used_by == []


def test_a_join_back_dated_behind_a_revocation_that_did_not_name_it_is_refused() -> None:
    alice, bob, mallory = people("alice", "bob", "mallory")
    story = Story(alice)
    code = story.invite(alice, uses=5)
    story.join(bob, code)
    revocation = story.revoke(alice, code, joins=[bob])
    hidden = story.join(mallory, code, lamport=revocation.lamport - 1)
    state = story.fold()

    assert hidden.order < revocation.order  # sorts first: admitted on the first pass
    assert roles(state, bob, mallory) == {"bob": "member", "mallory": None}
    assert state.rejected[hidden.id].startswith(LATE)


# -- what non-admins may not do -------------------------------------------------------

Act = Callable[[Story, Person, Person, Code], Entry]
NOT_ADMIN: dict[str, tuple[Act, str]] = {
    "remove": (lambda s, me, other, code: s.remove(me, other), "only admins may remove members"),
    "promote": (
        lambda s, me, other, code: s.set_role(me, other, "moderator", joins=[]),
        "only admins may change roles",
    ),
    "self-promote": (
        lambda s, me, other, code: s.set_role(me, me, "admin", joins=[]),
        "only admins may change roles",
    ),
    "invite": (
        lambda s, me, other, code: s.invite(me).entry,
        "only admins may invite in this network",
    ),
    "policy": (
        lambda s, me, other, code: s.policy(me, "members"),
        "only admins may change the network's policy",
    ),
    "rotate": (
        lambda s, me, other, code: s.rotate(me, 1, [me, other]),
        "only admins may start a new epoch",
    ),
    "revoke": (
        lambda s, me, other, code: s.revoke(me, code, joins=[me, other]),
        "only the inviter or an admin may revoke an invite",
    ),
}


@pytest.mark.parametrize("act", sorted(NOT_ADMIN))
def test_a_member_cannot_act_as_an_admin(act: str) -> None:
    story, (alice, bob, carol), code = with_members("alice", "bob", "carol")
    do, reason = NOT_ADMIN[act]
    entry = do(story, bob, carol, code)
    state = story.fold()

    assert state.rejected == {entry.id: reason}
    assert roles(state, alice, bob, carol) == {"alice": "admin", "bob": "member", "carol": "member"}
    assert (state.invite_policy, state.current_epoch) == ("admins", 0)
    assert state.invites[code.key].revoked_by is None
    assert list(state.invites) == [code.key]


def test_members_invite_only_while_the_policy_lets_them_and_up_to_their_role() -> None:
    story, (alice, bob), _ = with_members("alice", "bob", invite="members")
    carol, dave, erin = people("carol", "dave", "erin")
    first, second = story.invite(bob), story.invite(bob)
    higher = story.invite(bob, "moderator")
    story.join(carol, first)
    story.policy(alice, "admins")
    refused = story.join(dave, second)  # made while members could invite, joined after
    too_high = story.join(erin, higher)
    state = story.fold()

    assert roles(state, carol, dave, erin) == {"carol": "member", "dave": None, "erin": None}
    assert state.rejected == {
        higher.entry.id: "an invite cannot offer a higher role than the inviter's",
        refused.id: "the inviter may no longer invite (only admins may)",
        too_high.id: "no such invite",
    }


# -- removal and demotion close invites -----------------------------------------------


@pytest.mark.parametrize("named", [True, False], ids=["closes-names-it", "older-format"])
def test_removal_closes_the_members_invites_and_the_one_they_joined_with(named: bool) -> None:
    """Named in ``closes`` or not (a removal from before ``closes`` existed), the code
    the removed member joined with admits nobody after the removal."""
    alice, bob, carol, dave, erin, frank = people("alice", "bob", "carol", "dave", "erin", "frank")
    story = Story(alice, invite="members")
    joined_with = story.invite(alice, uses=5)
    story.join(bob, joined_with)
    story.join(carol, joined_with)
    made = story.invite(bob, uses=5)
    story.join(dave, made)
    closes = [joined_with] if named else None
    removal = story.remove(alice, bob, joins=[bob, carol, dave], closes=closes)
    through_joined = story.join(erin, joined_with)
    through_made = story.join(frank, made)
    state = story.fold()

    assert roles(state, alice, bob, carol, dave, erin, frank) == {
        "alice": "admin",
        "bob": None,
        "carol": "member",  # admitted before the removal, named by it: they stay
        "dave": "member",
        "erin": None,
        "frank": None,
    }
    gone = state.members[bob.key]
    assert not gone.active and gone.cut == 2
    assert (gone.removed_by, gone.removal_event) == (alice.key, removal.id)
    for code in (joined_with, made):
        invite = state.invites[code.key]
        assert (invite.revoked_by, invite.closed_event) == (alice.key, removal.id)
    assert state.rejected == {
        through_joined.id: "the invite was revoked",
        through_made.id: "the invite was revoked",
    }


def test_a_join_back_dated_before_a_removal_that_did_not_see_it_is_refused() -> None:
    alice, bob, carol, second = people("alice", "bob", "carol", "bob-second")
    story = Story(alice)
    code = story.invite(alice, uses=5)
    story.join(bob, code)
    story.join(carol, code)
    removal = story.remove(alice, bob, joins=[bob, carol], closes=[code])
    hidden = story.join(second, code, lamport=removal.lamport - 1)
    state = story.fold()

    assert hidden.order < removal.order
    assert roles(state, bob, carol, second) == {"bob": None, "carol": "member", "bob-second": None}
    assert state.rejected[hidden.id].startswith(LATE)
    assert state.invites[code.key].allowed == frozenset({bob.key, carol.key})


def test_a_demotion_closes_the_invites_the_member_can_no_longer_grant() -> None:
    alice, bob, dave, erin, second = people("alice", "bob", "dave", "erin", "bob-second")
    story = Story(alice)  # only admins invite
    as_admin = story.invite(alice, "admin", uses=2)
    story.join(bob, as_admin)
    made = story.invite(bob, uses=3)
    story.join(dave, made)
    demotion = story.set_role(alice, bob, "member", joins=[bob, dave])
    through_made = story.join(erin, made)
    back = story.join(second, as_admin)  # bob back through his own code, as admin
    state = story.fold()

    assert roles(state, alice, bob, dave, erin, second) == {
        "alice": "admin",
        "bob": "member",
        "dave": "member",
        "erin": None,
        "bob-second": None,
    }
    assert state.members[bob.key].admin_since is None
    assert state.invites[made.key].closed_event == demotion.id
    assert state.invites[as_admin.key].closed_event == demotion.id
    assert state.rejected == {
        through_made.id: "the invite was revoked",
        back.id: "the invite was revoked",
    }


def test_a_demotion_keeps_open_the_invites_the_new_role_still_grants() -> None:
    alice, bob, carol, dave = people("alice", "bob", "carol", "dave")
    story = Story(alice, invite="members")
    as_moderator = story.invite(alice, "moderator")
    story.join(bob, as_moderator)
    plain, raised = story.invite(bob, "member"), story.invite(bob, "moderator")
    demotion = story.set_role(alice, bob, "member", joins=[bob])
    story.join(carol, plain)
    refused = story.join(dave, raised)
    state = story.fold()

    assert roles(state, bob, carol, dave) == {"bob": "member", "carol": "member", "dave": None}
    closed = {k for k, i in state.invites.items() if i.closed_event == demotion.id}
    assert closed == {as_moderator.key, raised.key}
    assert state.rejected == {refused.id: "the invite was revoked"}


def test_a_network_keeps_its_founder_and_one_admin() -> None:
    alice, bob = people("alice", "bob")
    story = Story(alice)
    code = story.invite(alice, "admin")
    story.join(bob, code)
    ousting = story.remove(bob, alice, joins=[bob])
    demoting = story.set_role(bob, alice, "member", joins=[bob])
    story.remove(alice, bob, joins=[bob], closes=[code])
    alone = story.set_role(alice, alice, "member", joins=[])
    state = story.fold()

    assert roles(state, alice, bob) == {"alice": "admin", "bob": None}
    assert state.rejected == {
        ousting.id: "an admin can remove only admins appointed after them",
        demoting.id: "an admin can demote only admins appointed after them",
        alone.id: "a network keeps at least one admin",
    }


# -- after a removal --------------------------------------------------------------------


def test_a_removed_members_later_events_are_rejected_even_back_dated() -> None:
    alice, bob = people("alice", "bob")
    story = Story(alice, invite="members")
    story.join(bob, story.invite(alice))
    before = story.invite(bob)  # seq 2: seen by the removal
    removal = story.remove(alice, bob)
    after = story.invite(bob)  # seq 3
    back_dated = story.invite(bob, lamport=before.entry.lamport)  # seq 4, sorts first
    state = story.fold()

    assert back_dated.entry.order < removal.order
    assert state.members[bob.key].cut == 2
    assert before.entry.id in state.accepted
    assert state.rejected == {after.entry.id: CUT, back_dated.entry.id: CUT}
    assert set(state.invites) == {story.entries[1].pub["key"], before.key}


def test_a_removal_is_followed_by_a_new_epoch_for_the_others() -> None:
    story, (alice, bob, carol), code = with_members("alice", "bob", "carol")
    story.remove(alice, bob, joins=[bob, carol], closes=[code])
    assert story.fold().needs_rotation()  # bob holds the seed of epoch 0
    skipped = story.rotate(alice, 2, [alice, carol])
    too_early = story.write(
        alice, "network.policy", {"policy": {"invite": "admins", "role": "member"}}, epoch=1
    )
    rotation = story.rotate(alice, 1, [alice, carol])
    by_bob = story.rotate(bob, 2, [bob])
    state = story.fold()

    assert state.current_epoch == 1
    epoch = state.epochs[1]
    assert (epoch.number, epoch.winner, epoch.author) == (1, rotation.id, alice.key)
    assert epoch.wrapped_to(carol.key) and not epoch.wrapped_to(bob.key)
    assert not state.needs_rotation()
    assert state.rejected == {
        skipped.id: "the rotation's epoch number is out of sequence",
        too_early.id: "uses an epoch that does not exist yet",
        by_bob.id: CUT,
    }


def test_a_rotation_that_still_reaches_the_removed_member_is_not_enough() -> None:
    story, (alice, bob, carol), code = with_members("alice", "bob", "carol")
    story.remove(alice, bob, joins=[bob, carol], closes=[code])
    story.rotate(alice, 1, [alice, bob, carol])
    assert story.fold().needs_rotation()
    story.rotate(alice, 2, [alice, carol])
    assert not story.fold().needs_rotation()


# -- order -------------------------------------------------------------------------------


def test_concurrent_rotations_converge_on_the_first_in_fold_order() -> None:
    story, (alice, bob), _ = with_members("alice", "bob")
    story.set_role(alice, bob, "admin", joins=[bob])
    clock = story.clock + 1
    mine = story.rotate(alice, 1, [alice, bob], lamport=clock)
    yours = story.rotate(bob, 1, [alice, bob], lamport=clock)
    first, second = sorted([mine, yours], key=lambda e: e.order)
    for entries in (story.entries, story.entries[::-1]):
        state = fold(story.net, entries)
        assert state.current_epoch == 1
        assert [c for c, _ in state.epochs[1].candidates] == [first.id, second.id]
        assert state.epochs[1].winner == first.id
        assert state.rejected == {}


def test_admins_removing_each_other_at_once_leave_the_senior_one() -> None:
    story, (alice, bob), code = with_members("alice", "bob")
    story.set_role(alice, bob, "admin", joins=[bob])
    clock = story.clock + 1
    mine = story.remove(alice, bob, joins=[bob], closes=[code], lamport=clock)
    yours = story.remove(bob, alice, joins=[bob], closes=[], lamport=clock)
    state = story.fold()

    assert roles(state, alice, bob) == {"alice": "admin", "bob": None}
    assert mine.id in state.accepted
    expected = (
        CUT if mine.order < yours.order else "an admin can remove only admins appointed after them"
    )
    assert state.rejected == {yours.id: expected}


CAST = [Identity.generate() for _ in range(4)]


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_the_fold_does_not_depend_on_delivery_order(data: st.DataObject) -> None:
    """Random concurrent acts (Lamport clocks drawn from a narrow window, so they tie
    and interleave) after a common start: every delivery order folds to one state."""
    alice, bob, carol, dave = (
        Person(n, i) for n, i in zip(("alice", "bob", "carol", "dave"), CAST)
    )
    story = Story(alice, invite="members")
    codes = [story.invite(alice, "admin", uses=3)]
    story.join(bob, codes[0])
    base = story.clock
    for _ in range(data.draw(st.integers(2, 7), label="acts")):
        act = data.draw(st.sampled_from(["invite", "join", "revoke", "role", "remove", "rotate"]))
        actor = data.draw(st.sampled_from([alice, bob]), label="actor")
        lamport = base + data.draw(st.integers(1, 3), label="lamport")
        code = data.draw(st.sampled_from(codes), label="code")
        if act == "invite":
            codes.append(story.invite(actor, uses=2, lamport=lamport))
        elif act == "join":
            newcomer = data.draw(st.sampled_from([carol, dave]), label="newcomer")
            story.join(newcomer, code, lamport=lamport)
        elif act == "revoke":
            story.revoke(actor, code, joins=[bob], lamport=lamport)
        elif act == "role":
            role = data.draw(st.sampled_from(["member", "moderator", "admin"]), label="role")
            story.set_role(actor, bob, role, joins=[bob], lamport=lamport)
        elif act == "remove":
            story.remove(actor, bob, joins=[bob], closes=[codes[0]], lamport=lamport)
        else:
            story.rotate(actor, 1, [alice, bob], lamport=lamport)

    expected = story.fold()
    assert set(expected.accepted) | set(expected.rejected) == {e.id for e in story.entries}
    assert not set(expected.accepted) & set(expected.rejected)
    delivered = data.draw(st.permutations(story.entries), label="delivery")
    assert fold(story.net, delivered) == expected
    stepwise = MembershipState(story.net)
    for entry in sorted(delivered, key=lambda e: e.order):
        stepwise.apply(entry)
    if not expected.excluded:  # nothing back-dated behind a closing: one pass suffices
        assert stepwise == expected
