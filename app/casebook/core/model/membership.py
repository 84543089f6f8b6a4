"""Who is in a network, with which role, and which epoch keys exist: one pure fold.

The membership log is the events of kinds in :data:`KINDS`. Everything this module
needs is in their signed headers (``author``, ``seq``, ``lamport``, ``epoch`` and the
clear ``pub`` map), never in their encrypted bodies, so the relay runs exactly this
code to decide who may connect and which events it accepts, while every client runs it
to decide what to apply.

:func:`fold` sorts the entries by ``(lamport, id)`` and applies them one by one; each
entry is checked against the state made by the entries before it, so the same set of
events gives the same state on every computer, whatever order they arrived in.

Rules (the permission an author has at an event is their role *at that event's seq*):

- ``network.create``: the first entry; its author is the founder and first admin; the
  network id is bound to the founder's key and a nonce.
- ``network.policy``: admins only; who may invite and the role newcomers get by default.
- ``invite.create``: admins, or any member when the policy allows; the role offered is
  at most the inviter's own; the log holds the invite's *public* key, never its secret.
- ``invite.revoke``: the inviter or an admin.
- ``member.join``: the first event of the newcomer's chain; proves possession of the
  invite secret by a signature over the network, the newcomer's keys and a nonce;
  the invite must be open (not revoked, uses left, not expired at the join's time) and
  its inviter must still be allowed to grant its role *when the join is applied*.
- ``member.role``: admins only; takes effect for the member's events after ``upto``
  (the member's last event the admin had seen); at least one admin always remains; the
  member's invites that their new role can no longer grant are closed.
- ``member.remove``: admins, or a member removing themselves (leaving); the member's
  events after ``upto`` are invalid everywhere; invites they made, and the invite they
  joined with, are closed.
- ``epoch.rotate``: admins only; header ``epoch`` is the new epoch number (one more than
  the latest), or the latest again for a concurrent rotation, which is kept as a
  candidate seed of that epoch; the first in fold order is the epoch's winner.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from casebook.core.model.device_rules import DeviceRules, device_uptos
from casebook.core.model.device_settle import Settled, settle
from casebook.core.model.ids import MemberKey
from casebook.core.model.invite_rules import InviteRules, demotion_closes
from casebook.core.model.kinds import EventKind, Role
from casebook.core.model.membership_state import (
    INVITERS,
    KINDS,
    MAX_USES,
    MAX_WRAPS,
    RANK,
    REDEEM_DOMAIN,
    ROLES,
    Device,
    Entry,
    Epoch,
    Invite,
    Member,
    _is_bytes,
    _is_int,
    _keys,
    creation_message,
    device_cert_message,
    device_revoke_message,
    network_id,
    redeem_message,
    usable_xkey,
)

__all__ = [
    "INVITERS",
    "KINDS",
    "MAX_USES",
    "MAX_WRAPS",
    "RANK",
    "REDEEM_DOMAIN",
    "ROLES",
    "RULES",
    "Device",
    "Entry",
    "Epoch",
    "Invite",
    "Member",
    "MembershipState",
    "applies_in_place",
    "creation_message",
    "device_cert_message",
    "device_revoke_message",
    "fold",
    "network_id",
    "redeem_message",
    "usable_xkey",
]


@dataclass
class MembershipState(InviteRules, DeviceRules):
    net: bytes
    founder: MemberKey | None = None
    invite_policy: str = "admins"
    default_role: Role = Role.MEMBER
    members: dict[bytes, Member] = field(default_factory=dict)
    devices: dict[bytes, Device] = field(default_factory=dict)  # every chain, by key
    invites: dict[bytes, Invite] = field(default_factory=dict)
    epochs: list[Epoch] = field(default_factory=list)
    rejected: dict[bytes, str] = field(default_factory=dict)
    last: tuple[int, bytes] = (0, b"")
    count: int = 0
    excluded: dict[bytes, str] = field(default_factory=dict)  # closed out (see fold)
    # Newest epoch whose seeds someone holds whose join was refused after they proved
    # the invite (a welcome package reached them): a re-key must follow.
    outsider_epoch: int = -1
    voided_invites: dict[bytes, int] = field(default_factory=dict)  # refused invite → epoch
    outsider_invites: set[bytes] = field(default_factory=set)  # with a refused join
    accepted: dict[bytes, tuple[Entry, Role | None]] = field(default_factory=dict)
    # The devices settled before the fold (``device_settle``); None: an empty log.
    settled: Settled | None = field(default=None, compare=False)

    # -- questions the rest of the code asks -------------------------------------
    @property
    def current_epoch(self) -> int:
        return len(self.epochs) - 1

    def active_members(self) -> list[Member]:
        return [m for m in self.members.values() if m.active]

    def admins(self) -> list[bytes]:
        return [m.key for m in self.members.values() if m.role == Role.ADMIN]

    def write_check(self, author: bytes, seq: int) -> str | None:
        """Why the chain ``author`` may not write an event at ``seq``: ``"unknown"``
        (not (yet) a member's device: the join may still arrive), ``"removed"``
        (removed or revoked), or None when allowed."""
        if author not in self.devices:
            return "unknown"
        if self.role_at(author, seq) is None:
            return "removed"
        return None

    def holds_epoch(self, member: Member, number: int) -> bool:
        """Whether any device of ``member`` was given the seed of epoch ``number``."""
        return any(self.device_holds(self.devices[k], number) for k in member.devices)

    def needs_rotation(self) -> bool:
        """True when the latest epoch's key is missing for a current member or may be
        held by a removed one; any admin then starts a new epoch (see module doc)."""
        if not self.epochs:
            return False
        latest = self.epochs[-1]
        if latest.number <= self.outsider_epoch:
            return True
        for key in self.outsider_invites:  # a closed invite's package: re-sealed until then
            if latest.number <= self.invites[key].closed_epoch:
                return True
        for device in self.devices.values():
            current = device.current and self.members[device.member].active
            if current and not self.device_holds(device, latest.number, winner_only=True):
                return True  # a current device lacks the key
            if not current and self.device_holds(device, latest.number):
                return True  # a removed member's or a revoked device may hold it
        return False

    def overruled(self) -> dict[bytes, str]:
        """Accepted entries whose author, by the final state, had no longer the role
        they were accepted with at that seq (removed or demoted with a cut below it):
        written behind the back of the removal, e.g. with a back-dated Lamport clock."""
        out: dict[bytes, str] = {}
        for event_id, (entry, role) in self.accepted.items():
            if role is None:
                continue
            now = self.role_at(entry.author, entry.seq)
            if now is None:
                out[event_id] = "written after the author was removed"
            elif RANK[now] < RANK[role]:
                out[event_id] = "written after the author lost the role it needs"
        return out

    def late_joins(self) -> dict[bytes, str]:
        """Accepted joins that a later revocation or removal says were never seen (and
        device entries a later revocation says do not count: ``late_devices``)."""
        reason = (
            "the invite was closed (revoked, or its inviter or someone who joined with it "
            "removed or demoted) before this join was seen"
        )
        late: dict[bytes, str] = {}
        for member in self.members.values():
            invite = self.invites.get(member.invite) if member.invite else None
            if (
                invite is not None
                and invite.allowed is not None
                and (member.key not in invite.allowed)
            ):
                late[member.join_event] = reason
        return {**late, **self.late_devices()}

    # -- the fold -------------------------------------------------------------------
    def apply(self, entry: Entry) -> str | None:
        """Check ``entry`` against the state so far and apply it; returns the reason it
        was rejected, or None. Entries must come in ``(lamport, id)`` order."""
        self.last = max(self.last, entry.order)
        self.count += 1
        role = (
            None
            if entry.kind in (EventKind.NETWORK_CREATE, EventKind.MEMBER_JOIN)
            or entry.kind == EventKind.DEVICE_ADD
            or (entry.kind == EventKind.DEVICE_REVOKE and "msig" in entry.pub)
            else self.role_at(entry.author, entry.seq)
        )
        reason = self.excluded.get(entry.id) or self._check_and_apply(entry)
        if reason is not None:
            self._note_outsider(entry)
        if reason is not None:
            self.rejected[entry.id] = reason
        else:
            self.accepted[entry.id] = (entry, role)
        return reason

    def _note_outsider(self, e: Entry) -> None:
        """Refused invites and joins: whoever holds such an invite's code may have opened
        its welcome package, so the epochs it held must be left behind by a re-key."""
        key = e.pub.get("invite") if e.kind == EventKind.MEMBER_JOIN else e.pub.get("key")
        if not isinstance(key, bytes):
            return
        if e.kind == EventKind.INVITE_CREATE:
            self.voided_invites.setdefault(key, e.epoch)
        elif e.kind == EventKind.MEMBER_JOIN and e.author not in self.members:
            invite = self.invites.get(key)
            epoch = invite.epoch if invite is not None else self.voided_invites.get(key)
            if epoch is not None:
                self.outsider_epoch = max(self.outsider_epoch, epoch)
            if invite is not None:  # its package may have been re-sealed until it closed
                self.outsider_invites.add(key)

    def _check_and_apply(self, e: Entry) -> str | None:
        if e.net != self.net:
            return "belongs to another network"
        if e.kind == EventKind.NETWORK_CREATE:
            return self._create(e)
        if self.founder is None:
            return "the network's first event has not been seen"
        if e.epoch > self.current_epoch and e.kind != EventKind.EPOCH_ROTATE:
            return "uses an epoch that does not exist yet"
        role = self.role_at(e.author, e.seq)
        if e.kind == EventKind.MEMBER_JOIN:
            return self._join(e)
        if e.kind == EventKind.DEVICE_ADD:
            return self._device_add(e)
        if e.kind == EventKind.DEVICE_REVOKE and "msig" in e.pub:
            # The member key's signature counts whatever became of the writing device.
            if not self.revocation_signed(e):
                return "the member key's signature does not verify"
            return self._device_revoke(self.as_member(e), signed=True)
        if role is None:
            return (
                "the author is not a member"
                if e.author not in self.devices
                else ("written after the author was removed")
            )
        if e.kind == EventKind.DEVICE_REVOKE:
            return self._device_revoke(self.as_member(e), signed=False)
        return RULES[e.kind](self, self.as_member(e), role)

    def _create(self, e: Entry) -> str | None:
        if self.founder is not None:
            return "the network already exists"
        p = e.pub
        if set(p) != {"nonce", "xkey", "policy"} or e.seq != 1 or e.epoch != 0:
            return "malformed network creation"
        if not _is_bytes(p["nonce"], 16) or not _is_bytes(p["xkey"], 32):
            return "malformed network creation"
        if not usable_xkey(p["xkey"]):
            return "unusable key-agreement key"
        if network_id(e.author, p["nonce"]) != e.net:
            return "network id is not bound to its founder"
        reason = self._set_policy(p["policy"])
        if reason:
            return reason
        self.founder = e.author
        self.members[e.author] = founder = Member(
            key=e.author,
            xkey=p["xkey"],
            since=e.ts,
            join_event=e.id,
            roles=[(0, Role.ADMIN)],
            admin_since=e.order,
        )
        self.add_device_zero(founder, e)
        self.epochs.append(Epoch(0, e.id, e.author, [(e.id, frozenset({e.author}))]))
        return None

    def _set_policy(self, policy: Any) -> str | None:
        if (
            not isinstance(policy, dict)
            or set(policy) != {"invite", "role"}
            or policy["invite"] not in INVITERS
            or policy["role"] not in ROLES
        ):
            return "malformed policy"
        self.invite_policy, self.default_role = policy["invite"], Role(policy["role"])
        return None

    def _policy(self, e: Entry, role: Role) -> str | None:
        if role != Role.ADMIN:
            return "only admins may change the network's policy"
        if set(e.pub) != {"policy"}:
            return "malformed policy change"
        return self._set_policy(e.pub["policy"])

    def _target(self, e: Entry, keys: set[str]) -> tuple[Member | None, str | None]:
        p = e.pub
        keys = keys | ({"devices"} if "devices" in p else set())
        if set(p) != keys or not _is_bytes(p["member"], 32) or not _is_int(p["upto"]):
            return None, "malformed member change"
        if "joins" in keys and _keys(p["joins"], MAX_WRAPS) is None:
            return None, "malformed member change"
        if "devices" in keys and device_uptos(p["devices"]) is None:
            return None, "malformed member change"
        member = self.members.get(p["member"])
        if member is None or not member.active:
            return None, "no such member"
        if p["upto"] < 1:
            return None, "malformed member change"
        return member, None

    def _last_admin(self, member: Member) -> bool:
        return member.role == Role.ADMIN and len(self.admins()) == 1

    def _outranks(self, author: bytes, target: Member) -> bool:
        """An admin acts on another admin only if appointed before them."""
        if target.role != Role.ADMIN or target.key == author:
            return True
        mine = self.members[author].admin_since
        return mine is not None and target.admin_since is not None and mine < target.admin_since

    def _role(self, e: Entry, role: Role) -> str | None:
        if role != Role.ADMIN:
            return "only admins may change roles"
        keys = {"member", "role", "upto"} | ({"joins"} if "joins" in e.pub else set())
        member, reason = self._target(e, keys)
        if member is None:
            return reason
        if e.pub["role"] not in ROLES:
            return "no such role"
        new = Role(e.pub["role"])
        if new != Role.ADMIN and self._last_admin(member):
            return "a network keeps at least one admin"
        if not self._outranks(e.author, member):
            return "an admin can demote only admins appointed after them"
        if new == Role.ADMIN and member.role != Role.ADMIN:
            member.admin_since = e.order
        elif new != Role.ADMIN:
            member.admin_since = None
        member.roles.append((e.pub["upto"], new))
        member.role_uptos.append(device_uptos(e.pub.get("devices", [])) or {})
        # A demotion closes the invites the member can no longer grant, and the one they
        # joined with if it offers more than the role they keep.
        seen = _keys(e.pub["joins"], MAX_WRAPS) if "joins" in e.pub else None
        for invite in self.invites.values():
            if demotion_closes(self.invite_policy, member, new, invite):
                self._close(invite, e, seen)
        return None

    def _remove(self, e: Entry, role: Role) -> str | None:
        keys = {"member", "upto", "joins"} | ({"closes"} if "closes" in e.pub else set())
        member, reason = self._target(e, keys)
        if member is None:
            return reason
        closes = _keys(e.pub["closes"], MAX_WRAPS) if "closes" in e.pub else frozenset()
        if closes is None or any(k not in self.invites for k in closes):
            return "malformed member change"
        if role != Role.ADMIN and member.key != e.author:
            return "only admins may remove members"
        if self._last_admin(member):
            return "a network keeps at least one admin"
        if not self._outranks(e.author, member):
            return "an admin can remove only admins appointed after them"
        leaving = member.key == e.author
        member.cut = e.seq if leaving and e.writer == member.key else e.pub["upto"]
        member.device_cuts = device_uptos(e.pub.get("devices", [])) or {}
        if leaving and e.writer != member.key:
            member.device_cuts[e.writer] = e.seq
        member.removed_by, member.removed_at, member.removal_event = e.author, e.ts, e.id
        for key in member.devices:
            self.cap_holds(self.devices[key])
        seen = _keys(e.pub["joins"], MAX_WRAPS) or frozenset()
        for invite in self.invites.values():  # invites they made close with them
            if invite.inviter == member.key or invite.key in closes:
                self._close(invite, e, seen)
        # So does the invite they joined with: its code admits nobody after the removal
        # (a removal of the older format, without ``closes``, names no joins of it).
        joined = self.invites.get(member.invite) if member.invite else None
        if joined is not None and joined.inviter != member.key and joined.key not in closes:
            self._close(joined, e, None if "closes" not in e.pub else seen)
        return None

    def _rotate(self, e: Entry, role: Role) -> str | None:
        if role != Role.ADMIN:
            return "only admins may start a new epoch"
        p = e.pub
        if set(p) != {"eph", "wraps"} or not _is_bytes(p["eph"], 32):
            return "malformed rotation"
        wraps = p["wraps"]
        if not isinstance(wraps, list) or not 1 <= len(wraps) <= MAX_WRAPS:
            return "malformed rotation"
        recipients: list[bytes] = []
        for item in wraps:
            if (
                not isinstance(item, list)
                or len(item) != 2
                or not _is_bytes(item[0], 32)
                or not _is_bytes(item[1], 48)
            ):
                return "malformed rotation"
            recipients.append(item[0])
        if recipients != sorted(set(recipients)):
            return "malformed rotation"
        keys = frozenset(recipients)
        if e.epoch == len(self.epochs):
            self.epochs.append(Epoch(e.epoch, e.id, e.author, [(e.id, keys)]))
            return None
        if e.epoch == self.current_epoch and e.epoch >= 1:
            self.epochs[-1].candidates.append((e.id, keys))  # concurrent: a candidate
            return None
        return "the rotation's epoch number is out of sequence"


# The rules of the kinds judged with their author's role (joins and creation apart).
RULES: dict[str, Callable[[MembershipState, Entry, Role], str | None]] = {
    EventKind.NETWORK_POLICY: MembershipState._policy,
    EventKind.INVITE_CREATE: MembershipState._invite,
    EventKind.INVITE_REVOKE: MembershipState._revoke,
    EventKind.MEMBER_ROLE: MembershipState._role,
    EventKind.MEMBER_REMOVE: MembershipState._remove,
    EventKind.EPOCH_ROTATE: MembershipState._rotate,
}
# (``device.add`` and ``device.revoke``: ``device_rules``, called from _check_and_apply.)


def applies_in_place(state: MembershipState, entry: Entry) -> bool:
    """Whether ``entry`` may be applied to ``state`` on its own (then checked with
    ``late_joins``/``overruled``): it sorts after everything folded, and it is no device
    event, whose effect is settled from all device events together (``device_settle``)."""
    return (
        state.founder is not None
        and entry.order > state.last
        and entry.kind not in (EventKind.DEVICE_ADD, EventKind.DEVICE_REVOKE)
    )


def fold(net: bytes, entries: Iterable[Entry]) -> MembershipState:
    """The membership state of ``net`` after all ``entries`` (any order).

    A revocation (or the removal of an inviter) names the joins its author had seen; a
    join that sorts before it but is not named was made behind its back (an offline or
    back-dated redemption) and is refused. The fold is repeated with such joins
    excluded until none is left (each round only excludes more, so it ends).
    """
    ordered = sorted(entries, key=lambda x: x.order)
    settled = settle(ordered)
    excluded: dict[bytes, str] = {}
    for _ in range(len(ordered) + 1):
        state = MembershipState(net, excluded=dict(excluded), settled=settled)
        for entry in ordered:
            state.apply(entry)
        late = {**state.late_joins(), **state.overruled()}
        late = {k: v for k, v in late.items() if k not in excluded}
        if not late:
            return state
        excluded.update(late)
    return state
