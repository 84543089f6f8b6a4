"""The sync wire format: length-prefixed frames of canonical CBOR messages.

A frame is a 4-byte big-endian length followed by that many bytes of one canonical CBOR
map with a text field ``t`` (the message type). The length is checked against the cap
*before* the body is read, so an oversized frame costs the reader nothing. Every message
is decoded strictly (:mod:`casebook.core.model.encoding`) and its fields are checked here, so
the relay and the client only ever see well-formed values. See ``docs/protocol.md``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from casebook.core.model.encoding import EncodingError, decode, encode
from casebook.core.model.events import MAX_EVENT_BYTES
from casebook.protocol.refusals import Refusal

VERSION = 2
NONCE_BYTES = 16
MAX_FRAME = MAX_EVENT_BYTES + 64 * 1024  # one event at the largest, with room to spare
# Before a peer has proved anything it may send one small frame: ``auth`` (keys, a
# signature, and the founder's ``network.create`` of ~1 KiB) or ``redeem``. The vector
# follows a login; an invite holder's join is read only after its proof checks.
MAX_LOGIN_FRAME = 8 * 1024
MAX_LOGIN_ITEMS = 64  # an auth or redeem message has about a dozen
MAX_JOIN_FRAME = 16 * 1024  # one join event: keys, a proof and a display name
MAX_HELLO_FRAME = 4096  # what a client reads before the relay has proved anything
# Items in one message: a batch of 1,024 events, 1,024 blob ids or 256 welcome packages
# is far below; a vector is one byte string.
MAX_ITEMS = 8192
BATCH_BYTES = 512 * 1024  # events are sent in batches of about this size
MAX_BATCH_EVENTS = 1024
MAX_VECTOR = 100_000  # authors in one "have" vector
MAX_WANT = 64  # events asked for by id in one "have" (full copies of bodiless ones)
MAX_ANNOUNCED = 16  # withdrawals announced in one push (``relay/withdrawals.py``)
MAX_ANNOUNCED_BYTES = 64 * 1024  # one withdrawal: 1,000 attachment ids and a reason
MAX_CHUNKS = 1024  # chunks of one attachment (256 KiB each: 256 MiB, above any attachment)
MAX_CHUNK_SEALED = 256 * 1024 + 16
AUTH_DOMAIN = b"casebook/relay-auth/v1\x00"
REDEEM_DOMAIN = b"casebook/relay-redeem/v1\x00"


class ProtocolError(Exception):
    """The peer broke the protocol, or said why it is closing. ``code`` is stable and
    machine-readable (:class:`~casebook.protocol.refusals.Refusal`); ``message`` is safe
    to show."""

    def __init__(self, code: Refusal, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def frame(message: dict[str, Any]) -> bytes:
    body = encode(message)
    if len(body) > MAX_FRAME:
        raise ProtocolError(Refusal.TOO_LARGE, "message larger than a frame may be")
    return len(body).to_bytes(4, "big") + body


async def read_frame(
    reader: asyncio.StreamReader,
    timeout: float | None,
    limit: int = MAX_FRAME,
    max_items: int = MAX_ITEMS,
) -> dict[str, Any]:
    """Read one message. ``timeout`` bounds the whole frame once its first byte is
    awaited; the caller bounds how long it waits for a frame to start."""
    try:
        head = await reader.readexactly(4)
    except asyncio.IncompleteReadError:
        raise ProtocolError(Refusal.CLOSED, "the connection was closed") from None
    size = int.from_bytes(head, "big")
    if size == 0 or size > limit:
        raise ProtocolError(Refusal.TOO_LARGE, f"frame of {size} bytes refused (limit {limit})")
    try:
        async with asyncio.timeout(timeout):  # not wait_for: see RelayLink.recv
            body = await reader.readexactly(size)
    except asyncio.IncompleteReadError:
        raise ProtocolError(Refusal.CLOSED, "the connection was closed mid-frame") from None
    except TimeoutError:
        raise ProtocolError(Refusal.TIMEOUT, "a frame took too long to arrive") from None
    try:
        message = decode(body, max_items)
    except EncodingError as exc:
        raise ProtocolError(Refusal.MALFORMED, f"frame is not canonical CBOR: {exc}") from None
    if not isinstance(message, dict) or not isinstance(message.get("t"), str):
        raise ProtocolError(Refusal.MALFORMED, "a message is a map with a type")
    return message


# -- field checks ----------------------------------------------------------------------
def _bad(what: str) -> ProtocolError:
    return ProtocolError(Refusal.MALFORMED, f"bad or missing {what}")


def need_bytes(message: dict[str, Any], name: str, length: int | None = None) -> bytes:
    value = message.get(name)
    if not isinstance(value, bytes) or (length is not None and len(value) != length):
        raise _bad(name)
    return value


def need_int(message: dict[str, Any], name: str, maximum: int = 2**53) -> int:
    value = message.get(name)
    if type(value) is not int or not 0 <= value <= maximum:
        raise _bad(name)
    return value


def need_events(message: dict[str, Any]) -> list[bytes]:
    value = message.get("events")
    if (
        not isinstance(value, list)
        or not 0 < len(value) <= MAX_BATCH_EVENTS
        or not all(isinstance(raw, bytes) for raw in value)
    ):
        raise _bad("events")
    return value


def want_ids(message: dict[str, Any]) -> list[bytes]:
    """The optional ``want`` of a ``have``: event ids (32 bytes each, one byte string) the
    peer holds without their bodies and asks for in full; at most :data:`MAX_WANT`."""
    value = message.get("want", b"")
    if not isinstance(value, bytes) or len(value) % 32 or len(value) > 32 * MAX_WANT:
        raise _bad("want")
    return [value[at : at + 32] for at in range(0, len(value), 32)]


def announced(message: dict[str, Any]) -> list[bytes]:
    """A push's optional ``withdrawals``: signed ``case.withdraw`` events announced ahead
    of their place in their chains (at most :data:`MAX_ANNOUNCED`)."""
    value = message.get("withdrawals", [])
    if (
        not isinstance(value, list)
        or len(value) > MAX_ANNOUNCED
        or not all(isinstance(raw, bytes) and len(raw) <= MAX_ANNOUNCED_BYTES for raw in value)
    ):
        raise _bad("withdrawals")
    return value


def need_vector(message: dict[str, Any], name: str = "have") -> dict[bytes, int]:
    """A per-author sequence vector, sent as one byte string of ``author (32) ‖ seq (8,
    big-endian)`` entries in ascending author order (one item to decode, however long)."""
    value = message.get(name)
    if not isinstance(value, bytes) or len(value) % 40 or len(value) > 40 * MAX_VECTOR:
        raise _bad(name)
    vector: dict[bytes, int] = {}
    last = b""
    for at in range(0, len(value), 40):
        author, seq = value[at : at + 32], int.from_bytes(value[at + 32 : at + 40], "big")
        if author <= last or seq >= 2**63:
            raise _bad(name)
        vector[author], last = seq, author
    return vector


def vector_wire(vector: dict[bytes, int]) -> bytes:
    return b"".join(author + seq.to_bytes(8, "big") for author, seq in sorted(vector.items()))


def batches(raws: list[bytes]) -> list[list[bytes]]:
    """Split events into batches of about :data:`BATCH_BYTES` (one event at least)."""
    out: list[list[bytes]] = []
    current: list[bytes] = []
    size = 0
    for raw in raws:
        if current and (size + len(raw) > BATCH_BYTES or len(current) >= MAX_BATCH_EVENTS):
            out.append(current)
            current, size = [], 0
        current.append(raw)
        size += len(raw)
    if current:
        out.append(current)
    return out


def auth_message(nonce: bytes, cert_fp: bytes, net: bytes, member: bytes) -> bytes:
    """What a member signs to log in: bound to this connection's nonce and to the
    certificate the client saw, so a signature cannot be replayed or relayed elsewhere."""
    return AUTH_DOMAIN + nonce + cert_fp + net + member


def redeem_auth_message(nonce: bytes, cert_fp: bytes, net: bytes, invite: bytes) -> bytes:
    """What an invite holder signs with the invite key to ask for its welcome package."""
    return REDEEM_DOMAIN + nonce + cert_fp + net + invite
