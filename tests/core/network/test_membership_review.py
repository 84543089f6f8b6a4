"""The membership rules a security review found broken, judged by every computer's fold
(no relay: codes and events travel as they would in bundles, back-dating included).

- Removing a member closes the invite they joined with: its code admits nobody after,
  also when a join is back-dated to sort before the removal.
- A demotion closes the invites the member can no longer grant; a join is judged by what
  its inviter may grant when the join is applied.
- Events of the older formats (a removal without ``closes``, a role change without
  ``joins``) keep meaning what they meant.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casebook.core.profile import Profile
from casebook.errors import PermissionDenied
from netkit import deliver, join, joins_with, key, role_in, sync


def rejected_reason(profile: Profile, event_id: bytes) -> str | None:
    value = profile.db.scalar("SELECT reason FROM rejected WHERE event_id = ?", (event_id,))
    return None if value is None else str(value)


def test_removal_closes_the_invite_the_member_joined_with(
    make_profile: Callable[..., Profile], network: bytes, alice: Profile
) -> None:
    net = network
    made = alice.invitations.create(net, uses=5)
    mallory, bob = make_profile("Dr. Mallory Stone"), make_profile("Dr. Bob Lee")
    joins_with(mallory, made, alice, net)
    joins_with(bob, made, alice, net)
    sync(alice, mallory, bob, net=net)

    # Mallory, foreseeing her removal, redeems her code again for a second profile with
    # what she has now: that join sorts before the removal.
    second = make_profile("Dr. Mallory Stone", folder="mallory-second")
    back_dated = joins_with(second, made, mallory, net)

    result = alice.governance.remove(net, "Mallory")
    deliver(second, alice, net)
    sync(alice, bob, net=net)

    for profile in (alice, bob):
        assert role_in(profile, net, mallory) is None
        assert role_in(profile, net, second) is None  # the code admitted nobody after
        assert role_in(profile, net, bob) == "member"  # seen by the removal: stays
    assert rejected_reason(alice, back_dated) is not None
    assert made.key not in alice.invitations.open_welcomes(net)  # nothing is re-sealed
    assert [c["id"] for c in result["closed_invites"]] == [made.key.hex()]

    # And a newcomer after the removal is refused outright.
    late = make_profile("Dr. Late Comer")
    with pytest.raises(PermissionDenied, match="revoked"):
        joins_with(late, made, alice, net)
    assert late.db.scalar("SELECT count(*) FROM events WHERE net = ?", (net,)) == 0


def test_removal_of_the_older_format_keeps_the_joins_it_did_not_name(
    make_profile: Callable[..., Profile], network: bytes, alice: Profile
) -> None:
    """A removal written before ``closes`` existed names no joins of the invite the
    member joined with; the others who joined with it must stay members."""
    net = network
    made = alice.invitations.create(net, uses=5)
    mallory, bob = make_profile("Dr. Mallory Stone"), make_profile("Dr. Bob Lee")
    joins_with(mallory, made, alice, net)
    joins_with(bob, made, alice, net)
    sync(alice, mallory, bob, net=net)
    upto = int(alice.db.scalar("SELECT max(seq) FROM events WHERE author = ?", (key(mallory),)))
    alice.log.append(
        net, "member.remove", {}, pub={"member": key(mallory), "upto": upto, "joins": []}
    )
    sync(alice, bob, net=net)
    for profile in (alice, bob):
        assert role_in(profile, net, mallory) is None
        assert role_in(profile, net, bob) == "member"
    assert alice.log.members.state(net).invites[made.key].status(0) == "revoked"


def test_demotion_closes_invites_the_member_can_no_longer_grant(
    make_profile: Callable[..., Profile], network: bytes, alice: Profile
) -> None:
    net = network
    dave = make_profile("Dr. Dave Quinn")
    join(dave, alice, net, role="admin")
    admin_invite = dave.invitations.create(net, role="admin")
    member_invite = dave.invitations.create(net, role="member")
    deliver(dave, alice, net)

    # Before the demotion reaches anyone, Dave redeems his admin invite for a second
    # profile with what he has: a join that sorts before the demotion.
    second = make_profile("Dr. Dave Quinn", folder="dave-second")
    back_dated = joins_with(second, admin_invite, dave, net)

    event = alice.governance.set_role(net, "Dave", "member")
    deliver(second, alice, net)
    assert role_in(alice, net, second) is None
    assert rejected_reason(alice, back_dated) is not None
    assert role_in(alice, net, dave) == "member"
    closed = alice.governance.closed_by(net, event)
    assert {c["id"] for c in closed} == {admin_invite.key.hex(), member_invite.key.hex()}

    # A third profile, after the demotion: refused as well.
    third = make_profile("Dr. Dave Quinn", folder="dave-third")
    with pytest.raises(PermissionDenied, match="revoked"):
        joins_with(third, admin_invite, alice, net)


def test_a_join_is_judged_by_what_the_inviter_may_grant_when_it_is_applied(
    make_profile: Callable[..., Profile], network: bytes, alice: Profile
) -> None:
    """Members may invite while the policy says so; once admins alone may invite, a
    member's open invite admits nobody more, on every computer, though no event closed
    it. A demotion of the older format (no ``joins``) still closes what it must."""
    net = network
    alice.governance.set_policy(net, "members", None)
    erin = make_profile("Dr. Erin Moss")
    join(erin, alice, net, role="moderator")
    as_moderator = erin.invitations.create(net, role="moderator")
    as_member = erin.invitations.create(net, role="member", uses=3)
    deliver(erin, alice, net)

    upto = int(alice.db.scalar("SELECT max(seq) FROM events WHERE author = ?", (key(erin),)))
    alice.log.append(
        net, "member.role", {}, pub={"member": key(erin), "role": "member", "upto": upto}
    )
    frank = make_profile("Dr. Frank Ode")
    with pytest.raises(PermissionDenied, match="revoked"):
        joins_with(frank, as_moderator, alice, net)

    grace = make_profile("Dr. Grace Hall")
    joins_with(grace, as_member, alice, net)
    deliver(grace, alice, net)
    assert role_in(alice, net, grace) == "member"  # a member may still invite members

    # Then only admins may invite. Bob's join with Erin's member invite sorts after that
    # change (his clock is ahead: he had nothing but the code), so every computer refuses
    # it, though no event closed the invite.
    alice.governance.set_policy(net, "admins", None)
    bob = make_profile("Dr. Bob Lee")
    code = bob.invitations.read_code(as_member.code)
    joined = bob.invitations.make_join(code, bob.name, None, lamport=10_000)
    alice.log.ingest(bytes(bob.db.scalar("SELECT raw FROM events WHERE id = ?", (joined,))))
    assert role_in(alice, net, bob) is None
    assert "only admins" in (rejected_reason(alice, joined) or "")
    assert alice.log.members.state(net).invites[as_member.key].revoked_by is None
