"""Event kinds whose payload is a box sealed to some members' devices
(:mod:`sealing`): flags to moderators, a member's own follow-up reminders. The payload
is encrypted to the network like every payload; inside it, what the event says opens
only on the devices it was sealed to. Each kind has its domain, its size bound and its
validator of what it says; the box is bound to the network and the writer's member key.
What it says is padded to the kind's one size before sealing (a two-byte length, the
canonical CBOR, zeros), so the size of the event tells no one which reason was chosen or
whether a reminder was set or cleared.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from casebook.core.model import sealing
from casebook.core.model.encoding import EncodingError, decode, encode
from casebook.core.model.events import EventError
from casebook.core.model.identity import Identity


@dataclass(frozen=True)
class SealedKind:
    domain: sealing.Domain
    max_box: int  # bytes of the sealed content, tag included
    says: Callable[[Any], dict[str, Any]]  # validates what the event says (EventError)
    what: str  # "flag", "reminder": for messages

    def _pad(self, plain: bytes) -> bytes:
        room = self.max_box - 16 - 2  # the tag, the length
        if len(plain) > room:
            raise EventError(f"what the {self.what} says is too long")
        return len(plain).to_bytes(2, "big") + plain + bytes(room - len(plain))

    def validate(self, payload: dict[str, Any]) -> dict[str, Any]:
        """The payload as the network carries it; its sizes bounded before anything
        opens."""
        problem = sealing.check_box(payload, self.max_box)
        if problem is None and len(payload["box"]) != self.max_box:
            problem = f"the sealed box is padded to {self.max_box} bytes"
        if problem is not None:
            raise EventError(f"{self.what}: {problem}")
        return {"eph": payload["eph"], "wraps": payload["wraps"], "box": payload["box"]}

    def seal(
        self,
        said: dict[str, Any],
        net: bytes,
        writer: bytes,
        recipients: Iterable[tuple[bytes, bytes]],
    ) -> dict[str, Any]:
        """The payload of ``said`` by ``writer`` (member key), sealed to ``recipients``:
        ``(device key, X25519 public key)`` pairs."""
        plain = self._pad(encode(self.says(said)))
        try:
            return sealing.seal_box(plain, self.domain, net, net + writer, recipients)
        except sealing.Unsealable:
            raise EventError(f"nobody to seal the {self.what} to") from None

    def open(
        self, device: Identity, net: bytes, writer: bytes, payload: dict[str, Any]
    ) -> dict[str, Any] | None:
        """What the event says, if it is sealed to ``device``; None if not (or if it does
        not open: for this computer, an event it was not meant to read)."""
        plain = sealing.open_box(
            device.exchange_key, device.public_key, self.domain, net, net + writer, payload
        )
        if plain is None or len(plain) < 2:
            return None
        size = int.from_bytes(plain[:2], "big")
        if size > len(plain) - 2:
            return None
        try:
            return self.says(decode(plain[2 : 2 + size], max_items=16))
        except (EncodingError, EventError):
            return None
