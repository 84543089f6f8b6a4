"""The codes of the relay's ``error`` frames: the one place they are defined.

A code is stable and machine-readable; the client shows it in its own words, never the
relay's message (``sync/link.py``). A :class:`~casebook.protocol.wire.ProtocolError`
carries one of these, whichever side raises it. The values are the strings on the wire
(``docs/protocol.md``, "Messages"): a :class:`Refusal` is a ``str`` and encodes as one.
"""

from __future__ import annotations

from enum import StrEnum


class Refusal(StrEnum):
    # Sent in an ``error`` frame, after which the relay closes the connection.
    DENIED = "denied"  # not a member (never joined, removed) or a bad signature
    REMOVED = "removed"  # cut off while connected
    UNKNOWN_NETWORK = "unknown-network"
    INVITE_USED = "invite-used"
    INVITE_REVOKED = "invite-revoked"  # also: closed by a removal or demotion
    INVITE_EXPIRED = "invite-expired"
    INVITE_UNKNOWN = "invite-unknown"
    INVITE_OLD = "invite-old"  # made before protocol version 2
    NO_WELCOME = "no-welcome"  # the inviter's app has not synced since making it
    LINK_UNKNOWN = "link-unknown"  # no computer waits with that link code (device link)
    NO_RECOVERY = "no-recovery"  # no recovery box for that member here
    BUSY = "busy"
    SHUTDOWN = "shutdown"
    TOO_LARGE = "too-large"
    MALFORMED = "malformed"
    UNEXPECTED = "unexpected"
    TIMEOUT = "timeout"
    STORAGE = "storage"
    INTERNAL = "internal"
    # Never sent: how a connection ended without an error to report.
    CLOSED = "closed"  # the peer closed it (or its TLS handshake failed)
    BYE = "bye"  # a polite end (``bye``, or an invite holder's redemption done)


# An invite that is not open, by its status (``HostedNetwork.open_invite``).
INVITE_REFUSALS = {
    "unknown": Refusal.INVITE_UNKNOWN,
    "revoked": Refusal.INVITE_REVOKED,
    "used": Refusal.INVITE_USED,
    "expired": Refusal.INVITE_EXPIRED,
}
