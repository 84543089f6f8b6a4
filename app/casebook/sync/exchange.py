"""One connected link's work: catch-up both ways, then (in watch mode) live traffic.

See "Catch-up and live push" in ``docs/protocol.md``. The database is used only from the
thread running the event loop; verification runs on the engine's workers (threads, or
processes for a long catch-up: ``sync/verifiers.py``).
"""

from __future__ import annotations

import asyncio
import logging
from asyncio import FIRST_EXCEPTION
from collections.abc import Callable
from typing import Any

from casebook.core.model import events
from casebook.core.model.events import EventError
from casebook.protocol import wire
from casebook.sync import blobs
from casebook.sync.ingest import MAX_TRANSACTION, SyncReport
from casebook.sync.link import LinkFailure, RelayLink, SyncError, patience
from casebook.sync.status import is_lan
from casebook.sync.store import SyncStore
from casebook.sync.verifiers import Verifiers
from casebook.sync.window import Window, consume

log = logging.getLogger("casebook.sync")
Progress = Callable[[int, int], None]
PUSH_WINDOW = 4
POLL_SECONDS = 2.0
PING_SECONDS = 60.0
WELCOMES_PER_MESSAGE = 32  # 32 × 64 KiB at most: well inside a frame
READ_IDLE = 150.0  # a relay that says nothing for this long (not even pong) is gone
ACK_TIMEOUT = 120.0
_CAUGHT_UP = object()


class Exchange:
    """One connected link's work: catch-up both ways, then (watch) live traffic.

    ``store`` is the profile as sync sees it; ``verifiers`` verify received batches;
    ``nudges`` is the engine's set of live links to wake when something is written here
    (a live exchange adds its own event while it runs)."""

    def __init__(
        self,
        store: SyncStore,
        link: RelayLink,
        net: bytes,
        report: SyncReport,
        progress: Progress | None,
        *,
        verifiers: Verifiers,
        nudges: set[asyncio.Event],
    ) -> None:
        self.store = store
        self.verifiers = verifiers
        self.nudges = nudges
        self.link = link
        self.net = net
        self.report = report
        self.progress = progress
        self.inbox: asyncio.Queue[Any] = asyncio.Queue()
        self.acks: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.next_id = 1
        self.relay_have: dict[bytes, int] = {}
        self.skip: set[bytes] = set()
        self.on_caught_up: Callable[[SyncReport], None] | None = None
        self._carry: Any = None  # an inbox item taken early, handled next
        self._seed_cache: dict[int, list[bytes]] | None = None
        self._seed_mark = -1

    async def go(self, watch: bool, stop: asyncio.Event) -> None:
        store, link = self.store, self.link
        ready = await link.login(
            store.identity,
            self.net,
            store.vector(self.net),
            store.creation(self.net),
            add=store.device_add(self.net),
            want=store.bodiless(self.net),
        )
        self.relay_have = wire.need_vector(ready)
        store.note_delivered(self.net, self.relay_have)
        self.report.announced = wire.need_int(ready, "sending")
        reader = asyncio.create_task(self._reader())
        pinger = asyncio.create_task(self._pinger())
        pushing = asyncio.create_task(self.push())
        catching_up = asyncio.create_task(self._ingest_until(lambda item: item is _CAUGHT_UP))
        try:
            # Both directions at once; the first failure (a refusal, a broken link, an
            # unanswered push) ends the exchange.
            done, _ = await asyncio.wait({pushing, catching_up}, return_when=FIRST_EXCEPTION)
            for task in done:
                task.result()
            await pushing
            await catching_up
            await self._after_change()
            await self.push_welcomes()
            await self.keep_box()
            self.report.attachments_sent += await blobs.upload(self.store, self, self.net)
            if self.on_caught_up is not None:
                self.on_caught_up(self.report)
            if watch:
                await self._live(stop)
        finally:
            await _settle(reader, pinger, pushing, catching_up)
            self._release()

    def _release(self) -> None:
        """The exchange is over: every answer still awaited and every batch still being
        verified is consumed, so none is left for asyncio to report at exit."""
        for future in self.acks.values():
            consume(future)
        self.acks.clear()
        items = [self._carry] if self._carry is not None else []
        self._carry = None
        while not self.inbox.empty():
            items.append(self.inbox.get_nowait())
        for item in items:
            if isinstance(item, asyncio.Future):
                consume(item)

    async def _reader(self) -> None:
        try:
            while True:
                # A relay that says nothing this long (not even pong) is gone; the link
                # is then dropped (RelayLink.fail), which also frees a send stuck on it.
                message = await self.link.recv(timeout=patience(READ_IDLE))
                kind = message["t"]
                if kind == "events":
                    raws = wire.need_events(message)
                    announced = self.report.announced
                    job = self.verifiers.verify(raws, self._seeds(), announced=announced)
                    await self.inbox.put(job)
                elif kind == "caught_up":
                    await self.inbox.put(_CAUGHT_UP)
                elif kind == "ack":
                    future = self.acks.pop(wire.need_int(message, "id"), None)
                    if future is not None and not future.done():
                        future.set_result(message)
        except (SyncError, wire.ProtocolError) as exc:
            error = (
                exc if isinstance(exc, SyncError) else SyncError(LinkFailure.PROTOCOL, exc.message)
            )
            error = self.link.fail(error)
            for future in self.acks.values():
                if not future.done():
                    future.set_exception(error)
            await self.inbox.put(error)

    async def _pinger(self) -> None:
        """A ping a minute, so neither side's idle timeout cuts a long catch-up or a
        quiet live link, and a dead link is noticed (the reader hears nothing)."""
        while True:
            await asyncio.sleep(min(PING_SECONDS, patience(READ_IDLE) / 2))
            self.link.send({"t": "ping"})

    def _seeds(self) -> dict[int, list[bytes]]:
        """The seeds held now, for the workers to open bodies with (a seed arriving later
        in the stream is found by the event log itself)."""
        if self._seed_mark != self.store.rollbacks or self._seed_cache is None:
            self._seed_cache = self.store.seeds(self.net)
            self._seed_mark = self.store.rollbacks
        return self._seed_cache

    async def _ingest_until(self, done: Callable[[Any], bool]) -> None:
        while True:
            item = self._carry if self._carry is not None else await self.inbox.get()
            self._carry = None
            if done(item):
                return
            await self._take(item)

    async def _take(self, item: Any) -> None:
        if isinstance(item, SyncError):
            raise item
        if item is _CAUGHT_UP:
            return
        batches = [await item]
        size = len(batches[0])
        # Whatever else has arrived and been verified goes into the same transaction.
        while size < MAX_TRANSACTION and not self.inbox.empty():
            nxt = self.inbox.get_nowait()
            if not isinstance(nxt, asyncio.Future):
                self._carry = nxt
                break
            batches.append(await nxt)
            size += len(batches[-1])
        changed = self.store.ingest(batches, self.report, self.relay_have)
        if changed:
            self._seed_cache = None
        if self.progress:
            self.progress(self.report.received, max(self.report.announced, self.report.received))
        if changed:
            await self._after_change()

    async def _after_change(self) -> None:
        """An admin's profile re-keys when the membership calls for it; every computer
        confirms the withdrawals it has applied; a moderator's holds what the moderation
        policy says to."""
        try:
            made = self.store.maintain(self.net)
        except EventError as exc:
            log.info("epoch repair not possible yet: %s", exc)
            made = None
        held = self.store.hold_flagged(self.net)
        if self.store.confirm_purges(self.net) or made is not None or held:
            await self.push()

    async def push(self) -> None:
        """Send every event of ours the relay lacks; wait until it has answered."""
        raws = self.store.missing(self.net, self.relay_have, self.skip)
        body: dict[str, Any] = {}
        announced = self.store.announced(self.net, self.relay_have) if raws else []
        if announced:  # withdrawals first: they explain the events they stripped here
            body["withdrawals"] = announced
        async with Window[list[bytes]](self, PUSH_WINDOW) as window:
            for batch in wire.batches(raws):
                answered = await window.send("push", {**body, "events": batch}, batch)
                if answered is not None:
                    self._acked(*answered)
            while window:
                self._acked(*await window.next())

    def start(self, kind: str, body: dict[str, Any]) -> asyncio.Future[dict[str, Any]]:
        """Send a request; the future gets the relay's ``ack`` for it. Await it with
        :meth:`finish` (or leave it to a :class:`Window`), which always consumes it."""
        ref = self.next_id
        self.next_id += 1
        self.link.send({"t": kind, "id": ref, **body})  # a finished link raises here
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.acks[ref] = future
        return future

    async def finish(self, future: asyncio.Future[dict[str, Any]]) -> dict[str, Any]:
        """The relay's answer to a request; whatever happens, ``future`` is consumed."""
        try:
            await self.link.drain()
            async with asyncio.timeout(patience(ACK_TIMEOUT)):  # not wait_for: see recv
                return await future
        except TimeoutError:
            raise self.link.fail(
                SyncError(
                    LinkFailure.TIMEOUT,
                    f"The relay {self.link.where} stopped answering; sync again to resume "
                    "where it stopped.",
                )
            ) from None
        finally:
            self.forget(future)

    def forget(self, future: asyncio.Future[dict[str, Any]]) -> None:
        """No longer wait for ``future``'s answer; it is consumed (see window.consume)."""
        for ref in [ref for ref, known in self.acks.items() if known is future]:
            del self.acks[ref]
        consume(future)

    async def request(self, kind: str, body: dict[str, Any]) -> dict[str, Any]:
        return await self.finish(self.start(kind, body))

    def _acked(self, ack: dict[str, Any], batch: list[bytes]) -> None:
        refused = {
            item[0]: item[1]
            for item in ack.get("refused", [])
            if isinstance(item, list) and len(item) == 2 and type(item[0]) is int
        }
        for index, raw in enumerate(batch):
            event = events.parse_trusted(raw)
            if index in refused:
                self.skip.add(event.id)
                self.report.not_taken.append(str(refused[index]))
                continue
            self.report.sent += 1
            if self.relay_have.get(event.author, 0) < event.seq:
                self.relay_have[event.author] = event.seq
        self.store.note_delivered(self.net, self.relay_have)
        if self.progress:  # the window hears that what it wrote went out
            self.progress(self.report.received, max(self.report.announced, self.report.received))

    async def push_welcomes(self) -> None:
        items = self.store.open_welcomes(self.net)
        pairs = [[k, v] for k, v in items.items()]
        for start in range(0, len(pairs), WELCOMES_PER_MESSAGE):
            await self.request("welcomes", {"items": pairs[start : start + WELCOMES_PER_MESSAGE]})

    async def keep_box(self) -> None:
        """Bring the member's recovery box to this relay when it lacks the latest one
        (``core/network/recovery.py``); a colleague's computer on the LAN keeps none."""
        if is_lan(self.report.relay):
            return
        box = self.store.recovery_box(self.report.relay)
        if box is not None:
            answer = await self.request("recovery_put", {"sealed": box[0]})
            if "refused" not in answer:
                self.store.recovery_box_sent(self.report.relay, box[1])

    async def _live(self, stop: asyncio.Event) -> None:
        seen = self._local_mark()
        nudged = asyncio.Event()  # set by SyncEngine.nudge: something was written here
        self.nudges.add(nudged)
        try:
            while not stop.is_set():
                seen = await self._live_step(stop, nudged, seen)
        finally:
            self.nudges.discard(nudged)

    async def _live_step(
        self, stop: asyncio.Event, nudged: asyncio.Event, seen: tuple[int, int]
    ) -> tuple[int, int]:
        if self._carry is not None:
            item, self._carry = self._carry, None
            await self._take(item)
            return seen
        getter = asyncio.ensure_future(self.inbox.get())
        waiters = {asyncio.ensure_future(stop.wait()), asyncio.ensure_future(nudged.wait())}
        done: set[asyncio.Future[Any]] = set()
        try:
            done, _ = await asyncio.wait(
                {getter, *waiters}, timeout=POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
        finally:  # cancelled too: no helper task outlives this step, no item is lost
            for waiter in waiters:
                waiter.cancel()
            if not getter.done():
                getter.cancel()
            elif getter not in done and not getter.cancelled():
                self._carry = getter.result()
        nudged.clear()
        if getter in done:
            await self._take(getter.result())
        mark = self._local_mark()
        if mark != seen:  # something was written here (this process or another)
            await self.push()
            await self.push_welcomes()
            await self.keep_box()
            self.report.attachments_sent += await blobs.upload(self.store, self, self.net)
        return mark

    def _local_mark(self) -> tuple[int, int]:
        return self.store.local_mark(self.net)


async def _settle(*tasks: asyncio.Task[Any]) -> None:
    """Cancel helper tasks and wait until they are gone, without swallowing a
    cancellation of the caller and without leaving exceptions unretrieved."""
    for task in tasks:
        task.cancel()
    await asyncio.wait(tasks)
    for task in tasks:
        if not task.cancelled():
            task.exception()
