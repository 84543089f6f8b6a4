"""Attachments through the relay: uploaded after each sync, fetched when first opened.

Events carry only an attachment's hash, name, type and size; its bytes travel apart, as
chunks sealed by :mod:`casebook.core.model.blobcrypt`, so a sync stays small and a member
downloads an image only when they open it. Every fetched attachment is checked against
its hash before it is stored.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from casebook.core.library.attachments import CHUNK
from casebook.core.model import blobcrypt
from casebook.core.model.relayaddr import RelayAddress
from casebook.errors import NotFound
from casebook.protocol import wire
from casebook.sync.link import LinkFailure, RelayLink, SyncError
from casebook.sync.store import Named, SyncStore
from casebook.sync.window import Answer, Requests, Window

WINDOW = 8  # chunks in flight


class Asking(Requests, Protocol):
    """What an upload talks through (an exchange): requests, one at a time or windowed."""

    async def request(self, kind: str, body: dict[str, Any]) -> Answer: ...


async def upload(store: SyncStore, run: Asking, net: bytes) -> int:
    """Send the relay every attachment of ``net`` it lacks; returns how many."""
    keys = {}
    for digest, named in store.named_attachments(net).items():
        if not store.has_attachment(digest):
            continue
        for epoch, case in named.copies:  # one copy per case naming it
            seed = store.seed_for(net, epoch)
            if seed is not None:
                key = blobcrypt.blob_key(seed, net, epoch, digest)
                keys[blobcrypt.relay_id(key, case)] = (digest, key)
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
        data = store.read_attachment(digest)
        chunks = [data[i : i + CHUNK] for i in range(0, len(data), CHUNK)] or [b""]
        async with Window[int](run, WINDOW) as window:  # consumes all it sent, however left
            for index, chunk in enumerate(chunks):
                sealed = blobcrypt.seal_chunk(key, index, len(chunks), chunk)
                body = {"blob": ident, "idx": index, "total": len(chunks), "data": sealed}
                await window.send("blob_put", body, index)
            while window:
                await window.next()
    return len(missing)


Opener = Callable[[], Awaitable[RelayLink]]
# The colleagues' computers on the LAN that serve a network, each with how to link to it.
Nearby = Callable[[bytes], Awaitable[list[tuple[RelayAddress, Opener]]]]


Progress = Callable[[int, int], None]  # (chunks received, chunks in all)


async def fetch(
    store: SyncStore,
    digest: bytes,
    nearby: Nearby | None = None,
    progress: Progress | None = None,
) -> None:
    """Download an attachment from a relay of its network (or, ``nearby``, from the
    colleagues' computers it names for the network), check it, store it; ``progress``
    hears of each chunk received."""
    if store.has_attachment(digest):
        return
    named = store.named_attachments(digest=digest).get(digest)
    if named is None:
        raise NotFound("No case in this library has that attachment.")
    net = named.net
    held = store.held_seeds(net)
    # The case's epoch first (where its author put it), then the others, newest first.
    seeds = sorted(held, key=lambda item: (item[0] != named.epoch, -item[0]))
    sources: list[tuple[RelayAddress, Opener]] = [
        (address, functools.partial(RelayLink.open, address)) for address in store.relays(net)
    ]
    failure: SyncError | None = None
    asked = 0
    for tried in range(2):
        if tried == 1:  # no relay had it: colleagues on the LAN, if any are nearby
            sources = await nearby(net) if nearby is not None else []
        for _, opener in sources:
            asked += 1
            try:
                data = await _fetch_at(store, opener, net, digest, named, seeds, progress)
            except SyncError as exc:
                failure = exc
                continue
            if data is not None:
                store.keep_attachment(digest, named.mime, data)
                return
    if failure is not None:
        raise failure
    if not asked:
        raise SyncError(
            LinkFailure.UNREACHABLE,
            "This attachment is not on this computer, and the network has no relay"
            + (" and no colleague's computer is nearby." if nearby is not None else "."),
        )
    raise SyncError(
        LinkFailure.MISSING,
        "The relay does not have this attachment yet: its author's app has not uploaded it. "
        "Try again after they have synced.",
    )


async def _fetch_at(
    store: SyncStore,
    opener: Opener,
    net: bytes,
    digest: bytes,
    named: Named,
    seeds: list[tuple[int, bytes]],
    progress: Progress | None = None,
) -> bytes | None:
    """The attachment from one relay: each candidate id in turn; a copy that is
    incomplete, damaged or not the named file is skipped for the next."""
    link = await opener()
    damaged = False
    try:
        await link.login(store.identity, net, {}, probe=True)
        cases = list(dict.fromkeys(case for _, case in named.copies))
        for epoch, seed in seeds:
            key = blobcrypt.blob_key(seed, net, epoch, digest)
            for case in cases:
                ident = blobcrypt.relay_id(key, case)
                data = await _download(link, key, ident, named.chunks, progress)
                if data is None:
                    continue
                if hashlib.sha256(data).digest() == digest:
                    return data
                damaged = True
    finally:
        await link.close()
    if damaged:
        raise SyncError(LinkFailure.TAMPERED, "The relay's copy of this attachment is damaged.")
    return None


async def _download(
    link: RelayLink, key: bytes, ident: bytes, chunks: int, progress: Progress | None = None
) -> bytes | None:
    """One copy (kept under ``ident``), opened chunk by chunk; None when absent, damaged
    or the wrong size."""
    parts = []
    for index in range(chunks):
        got = await _get(link, ident, index)
        if got is None or got[0] != chunks:
            return None
        try:
            parts.append(blobcrypt.open_chunk(key, index, chunks, got[1]))
        except blobcrypt.BlobError:
            return None
        if progress is not None:
            progress(index + 1, chunks)
    return b"".join(parts)


async def _get(link: RelayLink, ident: bytes, index: int) -> tuple[int, bytes] | None:
    link.send({"t": "blob_get", "id": index + 1, "blob": ident, "idx": index})
    for _ in range(64):  # a relay may send a pong or two; not an endless stream
        reply = await link.recv()
        if reply["t"] == "ack" and reply.get("id") == index + 1:
            break
    else:
        raise SyncError(LinkFailure.PROTOCOL, "The relay did not answer the request for a chunk.")
    if reply.get("missing"):
        return None
    total = wire.need_int(reply, "total", wire.MAX_CHUNKS)
    data = wire.need_bytes(reply, "data")
    return total, data
