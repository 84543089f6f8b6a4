"""Recovery boxes at the relay (``core/model/recovery.py``): a logged-in device of a
member puts its member's box; whoever signs this connection's nonce with the member key
gets it back; and a recovered computer's first login carries its ``device.add``.

The relay cannot open a box. It files each under an id derived from the member key, so
a put replaces the member's box and a get names the member, never the box."""

from __future__ import annotations

from typing import Any

from casebook.core.model import events, recovery
from casebook.core.model.events import Event, EventError
from casebook.core.model.identity import verify
from casebook.core.model.membership import Entry
from casebook.protocol import wire
from casebook.protocol.refusals import Refusal
from casebook.protocol.wire import ProtocolError
from casebook.relay.hosted import HostedNetwork
from casebook.relay.store import RelayStore


def put(
    hosted: HostedNetwork, store: RelayStore, chain: bytes, message: dict[str, Any]
) -> dict[str, Any]:
    """``recovery_put {id, sealed}`` from a logged-in computer (``chain``)."""
    ref = wire.need_int(message, "id")
    sealed = wire.need_bytes(message, "sealed")
    member = hosted.state.member_of(chain)
    answer: dict[str, Any] = {"t": "ack", "id": ref}
    current = hosted.state.role_now(chain) is not None
    if member is None or not current or len(sealed) > recovery.MAX_BOX:
        answer["refused"] = "not a current computer of a member, or too large"
        return answer
    store.put_box(recovery.box_id(member.key), hosted.net, sealed)
    return answer


def get(
    store: RelayStore, nonce: bytes, fingerprint: bytes, message: dict[str, Any]
) -> dict[str, Any]:
    """``recovery_get {member, sig}``: the box, to whoever signs with the member key."""
    member = wire.need_bytes(message, "member", 32)
    signature = wire.need_bytes(message, "sig", 64)
    if not verify(member, signature, recovery.get_message(nonce, fingerprint, member)):
        raise ProtocolError(Refusal.DENIED, "the recovery signature does not verify")
    sealed = store.box(recovery.box_id(member))
    if sealed is None:
        raise ProtocolError(Refusal.NO_RECOVERY, "no recovery box for that member")
    return {"t": "recovery", "sealed": sealed}


def device_add(raw: Any, hosted: HostedNetwork, chain: bytes) -> list[Event]:
    """The ``device.add`` a login carries (``add``): the first event of the logging-in
    chain in this network, whose certificate the fold would take (checked here, without
    changing anything, before a fold costs anything), or nothing."""
    if not isinstance(raw, bytes) or len(raw) > wire.MAX_JOIN_FRAME:
        return []
    try:
        event = events.parse(raw)
    except EventError:
        return []
    if event.kind != "device.add" or event.net != hosted.net or event.author != chain:
        return []
    try:
        reason = hosted.state.certificate_reason(Entry.of(event))
    except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
        return []
    return [event] if reason is None else []
