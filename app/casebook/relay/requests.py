"""What a logged-in member asks of the relay besides events: placing and fetching
welcome packages, and attachment chunks under opaque ids. Each function checks the
request, does it, and returns the ``ack`` to send."""

from __future__ import annotations

from typing import Any

from casebook.protocol import wire
from casebook.protocol.refusals import Refusal
from casebook.protocol.wire import ProtocolError
from casebook.relay.hosted import HostedNetwork
from casebook.relay.store import RelayStore, now_ms

MAX_WELCOME = 64 * 1024  # a welcome package holds seeds: ~100 bytes per epoch
MAX_WELCOMES = 256


def welcomes(
    hosted: HostedNetwork, store: RelayStore, member: bytes, message: dict[str, Any]
) -> dict[str, Any]:
    """An inviter places the sealed welcome packages of its open invites."""
    ref = wire.need_int(message, "id")
    items = message.get("items")
    if not isinstance(items, list) or len(items) > MAX_WELCOMES:
        raise ProtocolError(Refusal.MALFORMED, "bad welcomes")
    now = now_ms()
    stored = 0
    for item in items:
        if not (
            isinstance(item, list)
            and len(item) == 2
            and isinstance(item[0], bytes)
            and isinstance(item[1], bytes)
            and len(item[1]) <= MAX_WELCOME
        ):
            raise ProtocolError(Refusal.MALFORMED, "bad welcome item")
        invite = hosted.state.invites.get(item[0])
        if invite is None or invite.inviter != member:
            continue  # only the inviter may place an invite's welcome package
        if hosted.open_invite(item[0], now) != "open":
            continue
        with store.transaction():  # the quota, judged and used under the network's lock
            store.lock_network(hosted.net)
            if len(item[1]) > hosted.room():
                continue  # the network's storage is full
            hosted.size += store.put_welcome(hosted.net, item[0], item[1])
        stored += 1
    return {"t": "ack", "id": ref, "stored": stored, "duplicate": 0, "refused": []}


def welcome_get(
    hosted: HostedNetwork, store: RelayStore, member: bytes, message: dict[str, Any]
) -> dict[str, Any]:
    """A newcomer whose join was taken but whose answer was lost asks again for the
    welcome package of the invite it joined with (and of no other)."""
    ref = wire.need_int(message, "id")
    found = hosted.state.members.get(member)
    joined = found.invite if found is not None and found.active else None
    sealed = store.welcome(hosted.net, joined) if joined else None
    reply: dict[str, Any] = {"t": "ack", "id": ref}
    if sealed is None or not hosted.package_kept(joined or b"", now_ms()):
        reply["missing"] = True
    else:
        reply["sealed"] = sealed
    return reply


def blob(
    kind: str, hosted: HostedNetwork, store: RelayStore, message: dict[str, Any]
) -> dict[str, Any]:
    """Sealed attachment chunks under opaque ids (see ``core/model/blobcrypt.py``)."""
    ref = wire.need_int(message, "id")
    net = hosted.net
    if kind == "blob_have":
        ids = message.get("ids")
        if (
            not isinstance(ids, list)
            or len(ids) > wire.MAX_BATCH_EVENTS
            or not all(isinstance(i, bytes) and len(i) == 32 for i in ids)
        ):
            raise ProtocolError(Refusal.MALFORMED, "bad blob ids")
        return {"t": "ack", "id": ref, "missing": store.blobs_missing(net, ids)}
    ident = wire.need_bytes(message, "blob", 32)
    idx = wire.need_int(message, "idx", wire.MAX_CHUNKS - 1)
    if kind == "blob_get":
        found = store.chunk(net, ident, idx)
        reply: dict[str, Any] = {"t": "ack", "id": ref}
        if found is None:
            reply["missing"] = True
        else:
            reply["total"], reply["data"] = found
        return reply
    total = wire.need_int(message, "total", wire.MAX_CHUNKS)
    data = wire.need_bytes(message, "data")
    if not idx < total or len(data) > wire.MAX_CHUNK_SEALED:
        raise ProtocolError(Refusal.MALFORMED, "bad attachment chunk")
    with store.transaction():  # after any withdrawal in hand elsewhere; the quota too
        store.lock_network(net)
        if store.blob_purged(net, ident):
            return {"t": "ack", "id": ref, "refused": [[0, "this attachment was withdrawn"]]}
        if len(data) > hosted.room():
            return {"t": "ack", "id": ref, "refused": [[0, "the network's storage is full"]]}
        if store.put_chunk(net, ident, idx, total, data):
            hosted.size += len(data)
    return {"t": "ack", "id": ref, "refused": []}
