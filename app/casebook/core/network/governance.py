"""Running a network: members and roles, removal with re-keying, moderation, overview.

Each action is one signed event, checked here for a clear message first and checked
again by the membership fold (:mod:`membership`) or the projection on every computer.
"""

from __future__ import annotations

import json
import re
from typing import Any

from casebook.core.ledger.eventlog import EventLog, now_ms
from casebook.core.library import refs
from casebook.core.model import content, epochs
from casebook.core.model.events import EventError
from casebook.core.model.fingerprint import fingerprint
from casebook.core.model.ids import EventId
from casebook.core.model.invite_rules import demotion_closes
from casebook.core.model.kinds import EventKind, Role
from casebook.core.model.membership import ROLES, Member, MembershipState
from casebook.core.model.payloads import MAX_HOLD_AFTER
from casebook.core.network.flag_inbox import FlagInbox
from casebook.core.network.invitations import Invitations
from casebook.errors import Ambiguous, NotFound, PermissionDenied, UsageError, say
from casebook.store.database import Database

_MODERATION = {
    "hide": EventKind.CONTENT_HIDE,
    "unhide": EventKind.CONTENT_UNHIDE,
    "pin": EventKind.CONTENT_PIN,
    "unpin": EventKind.CONTENT_UNPIN,
    "hold": EventKind.CONTENT_HOLD,
    "release": EventKind.CONTENT_RELEASE,
}


class Governance:
    def __init__(self, db: Database, log: EventLog) -> None:
        self.db = db
        self.log = log
        self.me = log.member

    def _state(self, net: bytes) -> MembershipState:
        return self.log.members.state(net)

    def _my_role(self, state: MembershipState) -> Role | None:
        return state.role_now(self.log.chain)  # this device's: none once it is revoked

    def _require(self, state: MembershipState, *roles: Role) -> None:
        role = self._my_role(state)
        if role is None:
            raise PermissionDenied("You are not a member of this network.")
        if role not in roles:
            raise PermissionDenied(
                say("This needs the role {0}; you are a {1} here.", " or ".join(roles), role)
            )

    def _append(self, net: bytes, kind: EventKind, payload: dict[str, Any], **kw: Any) -> EventId:
        try:
            return self.log.append(net, kind, payload, **kw).id
        except EventError as exc:
            raise PermissionDenied(say("Refused: {0}.", exc)) from None

    def _names(self, net: bytes) -> dict[bytes, str]:
        return refs.names(self.db, net)

    # -- members --------------------------------------------------------------------
    def members(self, net: bytes, include_removed: bool = False) -> list[dict[str, Any]]:
        state = self._state(net)
        names = self._names(net)
        out = []
        for m in sorted(state.members.values(), key=lambda m: (m.since, m.key)):
            if not m.active and not include_removed:
                continue
            out.append(
                {
                    "name": names.get(m.key, ""),
                    "fingerprint": fingerprint(m.key),
                    "role": m.role or "removed",
                    "since": m.since,
                    "invited_by": fingerprint(m.invited_by) if m.invited_by else None,
                    "invited_by_name": names.get(m.invited_by, "") if m.invited_by else None,
                    "founder": m.key == state.founder,
                    "you": m.key == self.me,
                }
            )
        return out

    def member(self, net: bytes, ref: str, include_removed: bool = False) -> Member:
        """A member by fingerprint, or an unambiguous prefix of a fingerprint or a name."""
        state = self._state(net)
        names = self._names(net)
        pool = [m for m in state.members.values() if m.active or include_removed]
        text = ref.strip()
        compact = re.sub(r"[\s\-]", "", text).upper()
        by_fp = [
            m for m in pool if compact and fingerprint(m.key).replace("-", "").startswith(compact)
        ]
        folded = text.casefold()

        def named(m: Member) -> bool:  # the start of the name, or of any word in it
            name = names.get(m.key, "").casefold()
            return name.startswith(folded) or any(w.startswith(folded) for w in name.split())

        by_name = [m for m in pool if folded and named(m)]
        exact = [m for m in pool if names.get(m.key, "").casefold() == text.casefold()]
        for found in (by_fp if len(compact) >= 4 else [], exact, by_name):
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                who = ", ".join(
                    f"{names.get(m.key, '?')} ({fingerprint(m.key)[:7]})" for m in found
                )
                raise Ambiguous(
                    say("{0!r} could be any of: {1}. Type more of the fingerprint.", ref, who)
                )
        raise NotFound(say("No member {0!r} in this network.", ref))

    def _head(self, net: bytes, key: bytes) -> int:
        seq = self.db.scalar("SELECT max(seq) FROM events WHERE net = ? AND author = ?", (net, key))
        return max(int(seq or 0), 1)

    def _device_cuts(self, net: bytes, state: MembershipState, member: Any) -> dict[str, Any]:
        """``devices`` for a removal or role change: each other device of the member we
        know, cut at its head as stored here (absent when they have none)."""
        others = [k for k in member.devices if k != member.key]
        if not others:
            return {}
        return {"devices": [[k, self._head(net, k)] for k in sorted(others)]}

    def set_role(self, net: bytes, ref: str, role: str) -> EventId:
        if role not in ROLES:
            raise UsageError(say("Role must be one of: {0}.", ", ".join(ROLES)))
        new = Role(role)
        state = self._state(net)
        self._require(state, Role.ADMIN)
        member = self.member(net, ref)
        if member.role == new:
            raise UsageError(say("That member is already a {0}.", new))
        if new != Role.ADMIN and member.role == Role.ADMIN and len(state.admins()) == 1:
            raise PermissionDenied(
                "A network keeps at least one admin; make someone else admin first."
            )
        closing = [
            i
            for i in state.invites.values()
            if demotion_closes(state.invite_policy, member, new, i)
        ]
        pub = {
            "member": member.key,
            "role": new,
            "upto": self._head(net, member.key),
            # joins of the invites this closes (closed before or not) that we have seen; no
            # others will count
            "joins": sorted({k for i in closing for k in i.used_by}),
            **self._device_cuts(net, state, member),
        }
        return self._append(net, EventKind.MEMBER_ROLE, {}, pub=pub)

    def closed_by(self, net: bytes, event_id: bytes) -> list[dict[str, Any]]:
        """The invites a removal or role change closed, for the admin to hear about."""
        state = self._state(net)
        names = self._names(net)
        out, now = [], now_ms()
        for invite in state.invites.values():
            # Only those that could still have admitted someone: the admin may want to
            # give those people a new code.
            if invite.closed_event != event_id or len(invite.used_by) >= invite.uses:
                continue
            if invite.expires < now:
                continue
            out.append(
                {
                    "id": invite.key.hex(),
                    "role": invite.role,
                    "inviter": fingerprint(invite.inviter),
                    "inviter_name": names.get(invite.inviter, ""),
                    "used": len(invite.used_by),
                    "uses": invite.uses,
                }
            )
        return out

    def remove(self, net: bytes, ref: str) -> dict[str, Any]:
        """Remove a member (or leave, when it is oneself); admins then start a new epoch
        so the removed member cannot read anything written afterwards."""
        state = self._state(net)
        member = self.member(net, ref)
        if member.key != self.me:
            self._require(state, Role.ADMIN)
        if member.role == Role.ADMIN and len(state.admins()) == 1:
            raise PermissionDenied(
                "A network keeps at least one admin; make someone else admin first."
            )
        # The invite they joined with closes too, so its code admits nobody after them.
        joined = state.invites.get(member.invite) if member.invite else None
        closes = [joined.key] if joined is not None and joined.inviter != member.key else []
        closing = [i for i in state.invites.values() if i.inviter == member.key]
        closing += [state.invites[k] for k in closes]
        with self.db.transaction():
            removal = self._append(
                net,
                EventKind.MEMBER_REMOVE,
                {},
                pub={
                    "member": member.key,
                    "upto": self._head(net, member.key),
                    # joins through the invites this closes that we have seen; no others
                    # will count
                    "joins": sorted({k for i in closing for k in i.used_by}),
                    "closes": closes,
                    **self._device_cuts(net, state, member),
                },
            )
            admin = self._my_role(self._state(net)) == Role.ADMIN
            rotation = self.rotate(net) if admin else None
        return {
            "removed": fingerprint(member.key),
            "event": removal,
            "rotation": rotation,
            "closed_invites": self.closed_by(net, removal),
        }

    # -- epochs ---------------------------------------------------------------------
    def rotate(self, net: bytes) -> EventId:
        """Start a new epoch: a fresh seed wrapped to every current device of every
        current member, with every older seed inside (so history stays readable)."""
        state = self._state(net)
        self._require(state, Role.ADMIN)
        number = state.current_epoch + 1
        seed = content.new_seed()
        recipients = [
            (d.key, d.xkey) for m in state.active_members() for d in state.current_devices(m)
        ]
        eph, wraps = epochs.wrap(seed, net, number, recipients)
        with self.db.transaction():
            rotation = self._append(
                net,
                EventKind.EPOCH_ROTATE,
                {"seeds": self.log.keys.export(net)},
                pub={"eph": eph, "wraps": wraps},
                new_epoch=(number, seed),
            )
            Invitations(self.db, self.log).reseal(net)
        return rotation

    def maintain(self, net: bytes) -> EventId | None:
        """After receiving events: if the latest epoch key is missing for a current
        member or may be held by a removed one, and this profile is an admin, start a
        new epoch. Concurrent rotations by several admins converge (see membership)."""
        state = self._state(net)
        if self._my_role(state) != Role.ADMIN or not state.needs_rotation():
            return None
        return self.rotate(net)

    # -- moderation -------------------------------------------------------------------
    def moderate(self, ref: str, action: str, reason: str = "") -> tuple[str, bytes]:
        what, target, net = refs.moderatable(self.db, ref)
        state = self._state(net)
        if action == "unhide":
            self._require(state, Role.ADMIN)
        else:
            self._require(state, Role.MODERATOR, Role.ADMIN)
        if action in ("pin", "unpin") and what != "case":
            raise UsageError("Only cases can be pinned.")
        if action == "hide" and not reason.strip():
            raise UsageError("Say why it is hidden (--reason); members see the reason.")
        payload: dict[str, Any] = {"target": target}
        if action == "hide":
            payload["reason"] = reason
        kind = _MODERATION.get(action)
        if kind is None:  # as the event log refuses a kind it does not know
            raise PermissionDenied(say("Refused: unknown event kind {0!r}.", "content." + action))
        self._append(net, kind, payload)
        return what, target

    def hold_flagged(self, net: bytes) -> list[bytes]:
        """A moderator's or admin's computer, after receiving events: hold each item the
        network's policy says to (enough members flagged it since a moderator last
        looked), so members stop seeing it until a moderator releases or hides it. Other
        computers cannot count the flags (they are sealed) and hold nothing."""
        due = FlagInbox(self.db, self.log).due(net)
        with self.db.transaction():
            for target in due:
                self._append(net, EventKind.CONTENT_HOLD, {"target": target})
        return due

    def set_moderation_policy(self, net: bytes, hold_after: int) -> EventId:
        """Admins: hold an item for a moderator's look once ``hold_after`` members
        flagged it (0: never)."""
        self._require(self._state(net), Role.ADMIN)
        if not 0 <= hold_after <= MAX_HOLD_AFTER:
            raise UsageError(say("Say a number of flags from 0 (never) to {0}.", MAX_HOLD_AFTER))
        return self._append(net, EventKind.MODERATION_POLICY, {"hold_after": hold_after})

    # -- overview ---------------------------------------------------------------------
    def show(self, net: bytes) -> dict[str, Any]:
        row = self.db.one("SELECT * FROM networks WHERE id = ?", (net,))
        if row is None:
            raise NotFound("No such network.")
        state = self._state(net)
        now = now_ms()
        roles: dict[str, int] = {}
        for m in state.active_members():
            roles[m.role or ""] = roles.get(m.role or "", 0) + 1
        return {
            "id": net.hex(),
            "name": row["name"],
            "founder": fingerprint(bytes(row["founder"])),
            "created_at": row["created_at"],
            "policy": {
                "invite": state.invite_policy,
                "default_role": state.default_role,
                "hold_after_flags": FlagInbox(self.db, self.log).hold_after(net),
            },
            "epoch": state.current_epoch,
            "relays": json.loads(row["relays"]),
            "members": len(state.active_members()),
            "roles": roles,
            "open_invites": sum(1 for i in state.invites.values() if i.status(now) == "open"),
            "your_role": self._my_role(state),
            "needs_rotation": state.needs_rotation(),
        }

    def set_policy(self, net: bytes, invite: str | None, role: str | None) -> EventId:
        if invite is None and role is None:
            raise UsageError("Say what to change: --who-invites and/or --default-role.")
        state = self._state(net)
        self._require(state, Role.ADMIN)
        policy = {"invite": invite or state.invite_policy, "role": role or state.default_role}
        return self._append(net, EventKind.NETWORK_POLICY, {}, pub={"policy": policy})
