"""The names the model gives things: members' roles and the kinds of events.

Both are string enums: a member *is* its string (``Role.ADMIN == "admin"``, same hash,
and the same bytes in CBOR, JSON and SQLite), so a value read from the wire or the
database compares equal to it and nothing stored or sent changes.
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """A member's role, listed lowest first. Compare ranks through ``RANK``, never with
    ``<`` (a StrEnum compares as text: "admin" < "member")."""

    MEMBER = "member"
    MODERATOR = "moderator"
    ADMIN = "admin"


# The roles that may hide and pin content (only admins restore what was hidden).
MODERATORS = (Role.MODERATOR, Role.ADMIN)


class EventKind(StrEnum):
    """Every kind of event this version writes and applies."""

    # The membership log: clear rules in the signed header, folded by ``membership``.
    NETWORK_CREATE = "network.create"
    NETWORK_POLICY = "network.policy"
    INVITE_CREATE = "invite.create"
    INVITE_REVOKE = "invite.revoke"
    MEMBER_JOIN = "member.join"
    MEMBER_ROLE = "member.role"
    MEMBER_REMOVE = "member.remove"
    EPOCH_ROTATE = "epoch.rotate"
    # A member's computers (devices): certified by the member key or another device.
    DEVICE_ADD = "device.add"
    DEVICE_REVOKE = "device.revoke"
    # The network's name and relays (admins; judged by the projection).
    NETWORK_UPDATE = "network.update"
    # Moderation.
    CONTENT_HIDE = "content.hide"
    CONTENT_UNHIDE = "content.unhide"
    CONTENT_PIN = "content.pin"
    CONTENT_UNPIN = "content.unpin"
    # Held for a moderator's look (a moderator's computer, when enough members flagged
    # it under the network's policy) and released (looked at): docs/protocol.md, "Flags".
    CONTENT_HOLD = "content.hold"
    CONTENT_RELEASE = "content.release"
    # The network's moderation policy (admins): hold an item after N members flagged it.
    MODERATION_POLICY = "moderation.policy"
    # Cases and their discussion.
    CASE_CREATE = "case.create"
    CASE_EDIT = "case.edit"
    CASE_STATUS = "case.status"
    CASE_OUTCOME = "case.outcome"
    # Its author asks the network for a second opinion (optionally urgent), or no more.
    CASE_REQUEST = "case.request"
    COMMENT_CREATE = "comment.create"
    COMMENT_EDIT = "comment.edit"
    COMMENT_ENDORSE = "comment.endorse"
    # Withdrawing a case (its author or an admin), and each computer's confirmation.
    CASE_WITHDRAW = "case.withdraw"
    CASE_PURGED = "case.purged"
    # Polls on a case: its author asks, members answer (blinded), the author marks the
    # final answer (docs/protocol.md, "Polls").
    POLL_CREATE = "poll.create"
    POLL_ANSWER = "poll.answer"
    POLL_FINAL = "poll.final"
    # A member's flag of a case or comment, sealed to moderators and admins
    # (docs/protocol.md, "Flags").
    FLAG_CREATE = "flag.create"
    # A case author's follow-up reminder, sealed to their own computers
    # (docs/protocol.md, "Follow-up reminders").
    REMINDER_SET = "reminder.set"


# The kinds the membership fold judges (see :mod:`casebook.core.model.membership`).
MEMBERSHIP_KINDS = frozenset(
    {
        EventKind.NETWORK_CREATE,
        EventKind.NETWORK_POLICY,
        EventKind.INVITE_CREATE,
        EventKind.INVITE_REVOKE,
        EventKind.MEMBER_JOIN,
        EventKind.MEMBER_ROLE,
        EventKind.MEMBER_REMOVE,
        EventKind.EPOCH_ROTATE,
        EventKind.DEVICE_ADD,
        EventKind.DEVICE_REVOKE,
    }
)
