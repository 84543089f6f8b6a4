"""Link slots: where a member's logged-in computer waits for a new computer of theirs.

``casebook device link`` places a slot named by SHA-256 of the link code's secret
(``link_open``); the new computer, which is nobody to the relay yet, names the slot in
its first frame (``link_join``). The relay then forwards opaque ``link_msg`` frames
between the two and keeps nothing: what they say is sealed or authenticated with the
code's secret, which the relay never sees. A slot serves one new computer, once, and
for at most ``LINK_TTL`` seconds; a member's session holds a few at most.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any, Protocol

from casebook.protocol import wire
from casebook.protocol.refusals import Refusal
from casebook.protocol.wire import ProtocolError

LINK_TTL = 600.0  # seconds a slot waits, and a handover may last
MAX_SLOTS_PER_SESSION = 4
MAX_SLOTS = 10_000
MAX_GUEST_FRAMES = 16  # a request and the new computer's certificates


class Peer(Protocol):
    def send(self, message: dict[str, Any]) -> None: ...


@dataclass
class Slot:
    name: bytes
    owner: Peer
    expires: float
    guest: Peer | None = None


class LinkSlots:
    def __init__(self) -> None:
        self._slots: dict[bytes, Slot] = {}

    def _prune(self) -> None:
        now = time.monotonic()
        for name in [n for n, s in self._slots.items() if s.expires < now]:
            del self._slots[name]

    def open(self, owner: Peer, name: bytes) -> str | None:
        """Place a slot for ``owner``; the reason when it cannot."""
        self._prune()
        if name in self._slots:
            return "a slot of that name is open already"
        if sum(1 for s in self._slots.values() if s.owner is owner) >= MAX_SLOTS_PER_SESSION:
            return "too many link codes waiting at once"
        if len(self._slots) >= MAX_SLOTS:
            return "the relay is busy; try again later"
        self._slots[name] = Slot(name, owner, time.monotonic() + LINK_TTL)
        return None

    def take(self, name: bytes, guest: Peer) -> Slot | None:
        """The slot ``name`` for the new computer ``guest`` (once: None afterwards)."""
        self._prune()
        slot = self._slots.get(name)
        if slot is None or slot.guest is not None:
            return None
        slot.guest = guest
        return slot

    def of(self, owner: Peer, name: bytes) -> Slot | None:
        slot = self._slots.get(name)
        return slot if slot is not None and slot.owner is owner else None

    def drop(self, slot: Slot) -> None:
        if self._slots.get(slot.name) is slot:
            del self._slots[slot.name]

    def drop_owner(self, owner: Peer) -> list[Slot]:
        """Forget the slots of a session that ends; returns those a guest was using."""
        mine = [s for s in self._slots.values() if s.owner is owner]
        for slot in mine:
            del self._slots[slot.name]
        return [s for s in mine if s.guest is not None]


def owner_message(slots: LinkSlots, owner: Peer, message: dict[str, Any]) -> dict[str, Any] | None:
    """A logged-in member's ``link_open`` (answered) or ``link_msg`` (forwarded)."""
    name = wire.need_bytes(message, "slot", 32)
    if message["t"] == "link_open":
        ref = wire.need_int(message, "id")
        refused = slots.open(owner, name)
        answer: dict[str, Any] = {"t": "ack", "id": ref}
        if refused is not None:
            answer["refused"] = refused
        return answer
    slot = slots.of(owner, name)
    if slot is not None and slot.guest is not None:
        slot.guest.send({"t": "link_msg", "data": wire.need_bytes(message, "data")})
    return None


class Guest(Peer, Protocol):
    async def read(self, timeout: float) -> dict[str, Any]: ...


async def serve_guest(slots: LinkSlots, guest: Guest, message: dict[str, Any]) -> None:
    """A new computer's connection: pair it with the slot it names, then forward what
    it sends to the waiting computer until either side ends (or the time is up)."""
    name = wire.need_bytes(message, "slot", 32)
    slot = slots.take(name, guest)
    if slot is None:
        raise ProtocolError(
            Refusal.LINK_UNKNOWN,
            "no computer waits here with this code: it expired or was used, or the "
            "computer that made it is not syncing",
        )
    slot.owner.send({"t": "link_peer", "slot": name})
    guest.send({"t": "link_ready"})
    try:
        for _ in range(MAX_GUEST_FRAMES):
            left = slot.expires - time.monotonic()
            if left <= 0:
                raise ProtocolError(Refusal.TIMEOUT, "the link took too long")
            frame = await guest.read(left)
            if frame["t"] == "bye":
                return
            if frame["t"] != "link_msg":
                raise ProtocolError(Refusal.UNEXPECTED, f"expected link_msg, got {frame['t']!r}")
            slot.owner.send({"t": "link_msg", "slot": name, "data": wire.need_bytes(frame, "data")})
        raise ProtocolError(Refusal.UNEXPECTED, "too many link messages")
    finally:
        slots.drop(slot)
        slot.owner.send({"t": "link_closed", "slot": name})
