"""Typed ids: the same bytes at run time, told apart by the type checker.

They are made where a value is created or verified (an event parsed or signed, a
network id derived from its founder, an identity's key) and flow on as plain ``bytes``
wherever bytes are taken. Functions that look an id up from the wire, the database or
the user take ``bytes``; dictionaries are keyed by ``bytes`` for the same reason.
"""

from __future__ import annotations

from typing import NewType

# A network: 16 bytes, bound to its founder's key (``membership.network_id``).
NetId = NewType("NetId", bytes)
# A member: their Ed25519 public signing key, 32 bytes (also an event's ``author``).
MemberKey = NewType("MemberKey", bytes)
# An event: SHA-256 of its header bytes, 32 bytes.
EventId = NewType("EventId", bytes)
