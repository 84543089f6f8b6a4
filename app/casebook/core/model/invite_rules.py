"""The membership fold's rules for invites and joins (a part of
:class:`casebook.core.model.membership.MembershipState`, kept apart to keep modules small): an
invite made, revoked or closed, and a join judged by what its inviter may grant when it
is applied."""

from __future__ import annotations

from collections.abc import Callable

from casebook.core.model.identity import verify_again
from casebook.core.model.kinds import Role
from casebook.core.model.membership_state import (
    MAX_USES,
    RANK,
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
    redeem_message,
    usable_xkey,
)


class InviteRules:
    """Methods of the membership state for ``invite.*`` and ``member.join`` entries."""

    invite_policy: str
    members: dict[bytes, Member]
    devices: dict[bytes, Device]
    invites: dict[bytes, Invite]
    add_device_zero: Callable[[Member, Entry], None]  # DeviceRules
    epochs: list[Epoch]

    def _invite(self, e: Entry, role: Role) -> str | None:
        if role != Role.ADMIN and self.invite_policy != "members":
            return "only admins may invite in this network"
        p = e.pub
        fields = {"key", "role", "expires", "uses"}
        # Version 2: ``join`` (joins are sealed under the invite's join key) and
        # ``proof`` (the invite key's signature: only the secret's holder makes it).
        sealed = set(p) == fields | {"join", "proof"}
        if not (sealed or set(p) == fields) or not _is_bytes(p["key"], 32):
            return "malformed invite"
        if sealed and (p["join"] != 1 or not _is_bytes(p["proof"], 64)):
            return "malformed invite"
        if p["role"] not in ROLES or not _is_int(p["expires"]) or not _is_int(p["uses"]):
            return "malformed invite"
        if not 1 <= p["uses"] <= MAX_USES:
            return f"an invite allows 1 to {MAX_USES} uses"
        if RANK[p["role"]] > RANK[role]:
            return "an invite cannot offer a higher role than the inviter's"
        if sealed and not verify_again(
            p["key"],
            p["proof"],
            creation_message(e.net, e.writer, p["role"], p["expires"], p["uses"]),
        ):
            return "the invite's key did not sign it"
        if p["key"] in self.members or p["key"] in self.devices:
            return "invite key already used"
        if p["key"] in self.invites:
            # Someone copied a key into a second invite: whichever sorts first, the key
            # admits nobody from here on (a copy cannot take an invite over).
            self._close(self.invites[p["key"]], e, None)
            return "invite key already used (the invite is closed)"
        self.invites[p["key"]] = Invite(
            key=p["key"],
            inviter=e.author,
            role=Role(p["role"]),
            expires=p["expires"],
            uses=p["uses"],
            epoch=e.epoch,
            created_at=e.ts,
            event=e.id,
            sealed_join=sealed,
        )
        return None

    def _revoke(self, e: Entry, role: Role) -> str | None:
        if set(e.pub) != {"invite", "joins"}:
            return "malformed revocation"
        joins = _keys(e.pub["joins"], MAX_USES)
        if joins is None:
            return "malformed revocation"
        invite = self.invites.get(e.pub["invite"]) if _is_bytes(e.pub["invite"], 32) else None
        if invite is None:
            return "no such invite"
        if role != Role.ADMIN and invite.inviter != e.author:
            return "only the inviter or an admin may revoke an invite"
        if invite.revoked_by is not None:
            return "the invite is already revoked"
        self._close(invite, e, joins)
        return None

    def _join(self, e: Entry) -> str | None:
        p = e.pub
        if set(p) != {"invite", "xkey", "nonce", "proof"}:
            return "malformed join"
        if not (
            _is_bytes(p["invite"], 32)
            and _is_bytes(p["xkey"], 32)
            and _is_bytes(p["nonce"], 16)
            and _is_bytes(p["proof"], 64)
        ):
            return "malformed join"
        if not usable_xkey(p["xkey"]):
            return "unusable key-agreement key"
        if e.author in self.members or e.author in self.devices:
            return "already a member (or removed), or a member's device"
        if e.seq != 1:
            return "a join must be the first event of the newcomer"
        invite = self.invites.get(p["invite"])
        if invite is None:
            return "no such invite"
        if not verify_again(
            invite.key, p["proof"], redeem_message(e.net, e.author, p["xkey"], p["nonce"])
        ):
            return "the invite proof does not verify"
        if invite.revoked_by is not None:
            return "the invite was revoked"
        if len(invite.used_by) >= invite.uses:
            return "the invite has been used up"
        if e.ts > invite.expires:
            return "the invite had expired"
        # Judged now, not when the invite was made: a removed inviter's role is None.
        inviter = self.members.get(invite.inviter)
        cannot = cannot_grant(
            self.invite_policy, None if inviter is None else inviter.role, invite.role
        )
        if cannot is not None:
            return cannot
        invite.used_by.append(e.author)
        self.members[e.author] = member = Member(
            key=e.author,
            xkey=p["xkey"],
            since=e.ts,
            join_event=e.id,
            invite=invite.key,
            invited_by=invite.inviter,
            invite_epoch=invite.epoch,
            roles=[(0, invite.role)],
            admin_since=e.order if invite.role == Role.ADMIN else None,
        )
        self.add_device_zero(member, e)
        return None

    def _close(self, invite: Invite, e: Entry, seen: frozenset[bytes] | None) -> None:
        """Close ``invite``: no join counts but those in ``seen`` (the ones the closing
        author had seen); ``seen`` None (an event of an older format that names none)
        keeps the joins that sort before the closing event. Closing an invite closed
        already keeps only the joins both name (so every closing event names the joins
        of every invite it closes, closed before or not)."""
        if invite.revoked_by is None:
            invite.revoked_by, invite.closed_event = e.author, e.id
            invite.closed_epoch = len(self.epochs) - 1
        invite.close(frozenset(invite.used_by) if seen is None else seen)


def cannot_grant(policy: str, inviter_role: Role | None, offered: Role) -> str | None:
    """Why an inviter with ``inviter_role`` may not (any more) admit someone as
    ``offered`` under the invite ``policy``; None when they may."""
    if inviter_role is None:
        return "the inviter is no longer a member"
    if inviter_role != Role.ADMIN and policy != "members":
        return "the inviter may no longer invite (only admins may)"
    if RANK[offered] > RANK[inviter_role]:
        return f"the inviter can no longer grant the role {offered}"
    return None


def demotion_closes(policy: str, member: Member, new_role: Role, invite: Invite) -> bool:
    """Whether giving ``member`` the role ``new_role`` closes ``invite``: one they made
    and can no longer grant, or the one they joined with if it offers more than
    ``new_role`` (so they cannot come back through it with the role taken away)."""
    if invite.inviter == member.key and cannot_grant(policy, new_role, invite.role):
        return True
    return invite.key == member.invite and RANK[invite.role] > RANK[new_role]
