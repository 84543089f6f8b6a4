"""A member's catch-up: the events they asked for by id, then what they lack.

Events are sent as stored here: bodiless where a withdrawal stripped them.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from typing import Any, Protocol

from casebook.protocol import wire
from casebook.protocol.refusals import Refusal
from casebook.relay.config import RelayConfig
from casebook.relay.hosted import HostedNetwork
from casebook.relay.store import RelayStore, StoreUnavailable

log = logging.getLogger("casebook.relay")


class Peer(Protocol):
    """What a catch-up sees of its session (``relay/session.py``)."""

    config: RelayConfig
    closed: bool
    writer: asyncio.StreamWriter
    catching_up: bool

    @property
    def store(self) -> RelayStore: ...
    def send(self, message: dict[str, Any]) -> None: ...
    def abort(self) -> None: ...
    def flush(self) -> None: ...


def _lacking(chunk: list[tuple[int, bytes, int, bytes]], have: dict[bytes, int]) -> list[bytes]:
    return [raw for _, author, seq, raw in chunk if seq > have.get(author, 0)]


def ready(hosted: HostedNetwork, have: dict[bytes, int], wanted: int = 0) -> dict[str, Any]:
    """The relay's vector and how many events are coming (``wanted`` by id among them)."""
    vector = hosted.vector()
    sending = wanted + sum(max(0, seq - have.get(author, 0)) for author, seq in vector.items())
    return {"t": "ready", "have": wire.vector_wire(vector), "sending": sending}


async def run(peer: Peer, hosted: HostedNetwork, have: dict[bytes, int], want: list[bytes]) -> None:
    """Send the events the peer asked for by id (``have.want``: those it holds without
    their bodies), then what it lacks, in arrival order, then ``caught_up``. Events
    stored meanwhile are held back and sent right after (``flush``), so each chain stays
    in order."""
    store = peer.store
    peer.catching_up = True
    try:
        upto = store.max_seqno(hosted.net)
        wanted = store.raws(hosted.net, want)
        peer.send(ready(hosted, have, len(wanted)))
        behind = {a: have.get(a, 0) for a, (seq, _) in hosted.heads.items() if seq > have.get(a, 0)}
        after = store.first_missing(hosted.net, behind)
        chunks = store.stream(hosted.net, upto, after) if behind else iter(())
        for raws in itertools.chain([wanted], (_lacking(chunk, have) for chunk in chunks)):
            for batch in wire.batches(raws):  # frames of about BATCH_BYTES, one event at least
                if peer.closed:
                    return
                peer.send({"t": "events", "events": batch})
                # A peer that stops reading is dropped, not waited for: it resumes from
                # its vector next time.
                await asyncio.wait_for(peer.writer.drain(), peer.config.idle_timeout)
            await asyncio.sleep(0)  # other members' pushes run between chunks
        peer.send({"t": "caught_up"})
    except (ConnectionError, OSError, TimeoutError):
        peer.abort()
    except StoreUnavailable as exc:  # PostgreSQL away: this catch-up, not the relay
        log.warning("catch-up of %s stopped: %s", hosted.net.hex()[:8], exc)
        message = "the relay's storage is unavailable; try later"
        peer.send({"t": "error", "code": Refusal.STORAGE, "message": message})
        peer.abort()
    finally:
        peer.flush()
