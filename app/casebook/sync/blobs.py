"""Attachments through the relay: uploaded after each sync, fetched when first opened.

Events carry only an attachment's hash, name, type and size; its bytes travel apart, as
chunks sealed by :mod:`casebook.core.blobcrypt`, so a sync stays small and a member
downloads an image only when they open it. Every fetched attachment is checked against
its hash before it is stored.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from typing import TYPE_CHECKING, Any

from casebook.core import attachments, blobcrypt
from casebook.core.attachments import CHUNK, Prepared
from casebook.errors import NotFound
from casebook.store.database import Database
from casebook.sync import wire
from casebook.sync.link import RelayLink, SyncError

if TYPE_CHECKING:
    from casebook.sync.engine import SyncEngine
    from casebook.sync.exchange import Exchange

WINDOW = 8  # chunks in flight


def referenced(db: Database, net: bytes) -> dict[bytes, str]:
    """hash → type of every attachment the network's cases name."""
    out: dict[bytes, str] = {}
    for row in db.all(
        "SELECT attachments FROM cases WHERE net = ? AND attachments != '[]'", (net,)
    ):
        for item in json.loads(row["attachments"]):
            out[bytes.fromhex(item["hash"])] = str(item["mime"])
    return out


def _locate(db: Database, digest: bytes) -> tuple[bytes, str]:
    """The network and type of an attachment some case names."""
    rows = db.all(
        "SELECT net, attachments FROM cases WHERE attachments LIKE ?", (f"%{digest.hex()}%",)
    )
    for row in rows:
        for item in json.loads(row["attachments"]):
            if item["hash"] == digest.hex():
                return bytes(row["net"]), str(item["mime"])
    raise NotFound("No case in this library has that attachment.")


async def upload(run: Exchange) -> int:
    """Send the relay every attachment of the network it lacks; returns how many."""
    log, db, net = run.engine.log, run.engine.db, run.net
    local = [d for d in referenced(db, net) if attachments.has(db, d)]
    if not local:
        return 0
    epoch = log.current_epoch(net)
    seed = log.seed(net, epoch)
    keys = {}
    for digest in local:
        key = blobcrypt.blob_key(seed, net, epoch, digest)
        keys[blobcrypt.blob_id(key)] = (digest, key)
    missing: list[bytes] = []
    ids = list(keys)
    for start in range(0, len(ids), wire.MAX_BATCH_EVENTS):
        part = ids[start : start + wire.MAX_BATCH_EVENTS]
        ack = await run.request("blob_have", {"ids": part})
        got = ack.get("missing")
        if isinstance(got, list):
            missing += [i for i in got if isinstance(i, bytes) and i in keys]
    for ident in missing:
        digest, key = keys[ident]
        data = attachments.read(db, digest)
        chunks = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""]
        pending: list[asyncio.Future[dict[str, Any]]] = []
        for index, chunk in enumerate(chunks):
            sealed = blobcrypt.seal_chunk(key, index, len(chunks), chunk)
            body = {"blob": ident, "idx": index, "total": len(chunks), "data": sealed}
            pending.append(run.start("blob_put", body))
            if len(pending) >= WINDOW:
                await run.finish(pending.pop(0))
        for future in pending:
            await run.finish(future)
    return len(missing)


async def fetch(engine: SyncEngine, digest: bytes) -> None:
    """Download an attachment from a relay of its network, check it, store it."""
    db, log = engine.db, engine.log
    if attachments.has(db, digest):
        return
    net, mime = _locate(db, digest)
    held = [(int(e), bytes(s)) for e, _, s in log.keys.export(net)]  # type: ignore[call-overload, arg-type]
    seeds = sorted(held, key=lambda item: -item[0])  # newest epoch first
    relays = engine.relays(net)
    if not relays:
        raise SyncError(
            "unreachable", "This attachment is not on this computer and the network has no relay."
        )
    failure: SyncError | None = None
    for address in relays:
        try:
            data = await _fetch_at(engine, address, net, digest, seeds)
        except SyncError as exc:
            failure = exc
            continue
        if data is not None:
            name = digest.hex()[:12]
            attachments.store(db, Prepared(name, mime, data, digest))
            return
    if failure is not None:
        raise failure
    raise SyncError(
        "missing",
        "The relay does not have this attachment yet: its author's app has not uploaded it. "
        "Try again after they have synced.",
    )


async def _fetch_at(
    engine: SyncEngine,
    address: Any,
    net: bytes,
    digest: bytes,
    seeds: list[tuple[int, bytes]],
) -> bytes | None:
    link = await RelayLink.open(address)
    try:
        await link.login(engine.log.identity, net, {}, probe=True)
        for epoch, seed in seeds:
            key = blobcrypt.blob_key(seed, net, epoch, digest)
            ident = blobcrypt.blob_id(key)
            first = await _get(link, ident, 0)
            if first is None:
                continue
            total, sealed = first
            parts = [blobcrypt.open_chunk(key, 0, total, sealed)]
            for index in range(1, total):
                got = await _get(link, ident, index)
                if got is None or got[0] != total:
                    raise SyncError("missing", "The relay holds only part of this attachment.")
                parts.append(blobcrypt.open_chunk(key, index, total, got[1]))
            data = b"".join(parts)
            if hashlib.sha256(data).digest() != digest:
                raise SyncError(
                    "tampered", "The attachment from the relay does not match its hash."
                )
            return data
        return None
    except blobcrypt.BlobError as exc:
        raise SyncError("tampered", f"The attachment from the relay is damaged ({exc}).") from None
    finally:
        await link.close()


async def _get(link: RelayLink, ident: bytes, index: int) -> tuple[int, bytes] | None:
    link.send({"t": "blob_get", "id": index + 1, "blob": ident, "idx": index})
    while True:
        reply = await link.recv()
        if reply["t"] == "ack" and reply.get("id") == index + 1:
            break
    if reply.get("missing"):
        return None
    total = wire.need_int(reply, "total", wire.MAX_CHUNKS)
    data = wire.need_bytes(reply, "data")
    if not 0 < total <= wire.MAX_CHUNKS or index >= total:
        raise SyncError("protocol", "The relay sent a malformed attachment chunk.")
    return total, data
