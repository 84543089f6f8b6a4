"""The sync engine: keeps a profile's networks in step with their relays.

One link per (network, relay). On connect each side states its per-author sequence
vector; the relay streams what the profile lacks, in arrival order, while the profile
pushes what the relay lacks. Received batches are verified on worker threads (Ed25519
releases the GIL) and ingested on the loop's thread, one transaction per batch, so a sync
killed at any point resumes from what is stored with nothing lost or doubled. After the
catch-up an admin's profile repairs the epoch if needed (``Governance.maintain``) and
pushes the welcome packages of its open invites. In watch mode the link stays open:
events arrive live, and new local events are pushed as they appear.

The database is touched only from the thread running the event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import random
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from casebook.core import events, membership, payloads
from casebook.core.eventlog import Outcome, now_ms
from casebook.core.events import Event, EventError
from casebook.core.invites import InviteCode
from casebook.core.profile import Profile
from casebook.core.relayaddr import RelayAddress
from casebook.core.relayaddr import parse as parse_relay
from casebook.errors import PermissionDenied, UsageError
from casebook.sync import wire
from casebook.sync.link import RelayLink, SyncError

log = logging.getLogger("casebook.sync")
Progress = Callable[[int, int], None]
PUSH_WINDOW = 4
POLL_SECONDS = 2.0
PING_SECONDS = 60.0
_CAUGHT_UP = object()
# Refusals that retrying cannot fix: watch mode stops for them and says why.
PERMANENT = frozenset({"removed", "denied", "impersonation", "unknown-network", "protocol"})


Verified = tuple[Event, dict[str, Any] | None]
MAX_TRANSACTION = 4000  # events ingested in one transaction when they arrive together


def parse_all(
    raws: list[bytes], seeds: dict[int, list[bytes]] | None = None
) -> list[Verified | str]:
    """Verify events (and open their bodies with ``seeds``, epoch → candidate seeds in
    the order the event log tries them); runs on worker threads. A refusal is a str."""
    out: list[Verified | str] = []
    for raw in raws:
        try:
            event = events.parse(raw)
        except EventError as exc:
            out.append(str(exc))
            continue
        out.append((event, _open(event, (seeds or {}).get(event.header.epoch, []))))
    return out


def _open(event: Event, candidates: list[bytes]) -> dict[str, Any] | None:
    for seed in candidates:
        try:
            return payloads.validate(event.kind, event.decrypt(seed))
        except events.WrongKey:
            continue
        except EventError:
            return None  # the event log rejects it with the reason, on its own path
    return None


@dataclass
class SyncReport:
    net: bytes
    relay: str
    announced: int = 0
    received: int = 0
    applied: int = 0
    duplicate: int = 0
    held: int = 0
    forks: int = 0
    refused: list[str] = field(default_factory=list)
    sent: int = 0
    not_taken: list[str] = field(default_factory=list)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "network": self.net.hex(),
            "relay": self.relay,
            "received": self.received,
            "applied": self.applied,
            "duplicate": self.duplicate,
            "held": self.held,
            "forks": self.forks,
            "refused": len(self.refused),
            "sent": self.sent,
            "not_taken_by_relay": len(self.not_taken),
            "error": self.error,
        }


class SyncEngine:
    def __init__(self, profile: Profile, workers: int = 2) -> None:
        self.profile = profile
        self.db = profile.db
        self.log = profile.log
        self.pool = ThreadPoolExecutor(workers, thread_name_prefix="casebook-verify")

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)

    # -- what the profile has ----------------------------------------------------------
    def networks(self) -> list[bytes]:
        return [bytes(r["id"]) for r in self.db.all("SELECT id FROM networks ORDER BY name")]

    def relays(self, net: bytes) -> list[RelayAddress]:
        text = self.db.scalar("SELECT relays FROM networks WHERE id = ?", (net,))
        out = []
        for url in json.loads(text or "[]"):
            with contextlib.suppress(UsageError):
                out.append(parse_relay(url))
        return out

    def vector(self, net: bytes) -> dict[bytes, int]:
        rows = self.db.all(
            "SELECT author, max(seq) AS seq FROM events WHERE net = ? GROUP BY author", (net,)
        )
        return {bytes(r["author"]): int(r["seq"]) for r in rows}

    def _creation(self, net: bytes) -> bytes | None:
        raw = self.db.scalar(
            "SELECT raw FROM events WHERE net = ? AND author = ? AND kind = 'network.create'",
            (net, self.log.identity.public_key),
        )
        return None if raw is None else bytes(raw)

    def missing(self, net: bytes, relay_have: dict[bytes, int], skip: set[bytes]) -> list[bytes]:
        """Our events the relay lacks, in the order we stored them."""
        rows: list[Any] = []
        for author, seq in self.vector(net).items():
            have = relay_have.get(author, 0)
            if seq > have:
                rows += self.db.all(
                    "SELECT seqno, id, raw FROM events WHERE net = ? AND author = ? AND seq > ?",
                    (net, author, have),
                )
        rows.sort(key=lambda r: r["seqno"])
        return [bytes(r["raw"]) for r in rows if bytes(r["id"]) not in skip]

    # -- one link ----------------------------------------------------------------------
    async def sync(
        self,
        net: bytes,
        address: RelayAddress,
        *,
        watch: bool = False,
        stop: asyncio.Event | None = None,
        progress: Progress | None = None,
        on_caught_up: Callable[[SyncReport], None] | None = None,
    ) -> SyncReport:
        """Catch up both ways with one relay; with ``watch``, stay until ``stop``.
        ``on_caught_up`` is called once the catch-up is through (the link is live)."""
        report = SyncReport(net, str(address))
        started = now_ms()
        try:
            link = await RelayLink.open(address)
            try:
                run = _Run(self, link, net, report, progress)
                run.on_caught_up = on_caught_up
                await run.go(watch, stop or asyncio.Event())
            finally:
                await link.close()
        except SyncError as exc:
            report.error = exc.message
            self._record(net, address, started, report)
            raise
        self._record(net, address, started, report)
        return report

    def _record(self, net: bytes, address: RelayAddress, started: int, r: SyncReport) -> None:
        self.db.execute(
            "INSERT INTO sync_status (net, relay, last_attempt, last_success, last_error, "
            "received, sent) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (net, relay) DO UPDATE "
            "SET last_attempt = excluded.last_attempt, "
            "last_success = coalesce(excluded.last_success, last_success), "
            "last_error = excluded.last_error, received = received + excluded.received, "
            "sent = sent + excluded.sent",
            (
                net,
                str(address),
                started,
                None if r.error else now_ms(),
                r.error,
                r.received,
                r.sent,
            ),
        )

    async def probe(self, net: bytes, address: RelayAddress) -> dict[str, int]:
        """How far apart the profile and the relay are, without moving any event."""
        link = await RelayLink.open(address)
        try:
            mine = self.vector(net)
            ready = await link.login(self.log.identity, net, mine, probe=True)
            theirs = wire.need_vector(ready)
        finally:
            await link.close()
        to_send = sum(max(0, seq - theirs.get(a, 0)) for a, seq in mine.items())
        return {"to_receive": int(ready.get("sending", 0)), "to_send": to_send}

    # -- every network, every relay ----------------------------------------------------
    async def sync_all(
        self, nets: list[bytes] | None = None, progress: Progress | None = None
    ) -> list[SyncReport]:
        reports = []
        for net in nets or self.networks():
            for address in self.relays(net):
                try:
                    reports.append(await self.sync(net, address, progress=progress))
                except SyncError as exc:
                    reports.append(SyncReport(net, str(address), error=exc.message))
        return reports

    async def watch_all(
        self,
        stop: asyncio.Event,
        nets: list[bytes] | None = None,
        on_report: Callable[[SyncReport], None] | None = None,
    ) -> None:
        """Stay connected to every relay of every network until ``stop``; reconnect
        with exponential backoff (1 s doubling to 60 s, with jitter)."""

        async def keep(net: bytes, address: RelayAddress) -> None:
            delay = 1.0
            while not stop.is_set():
                try:
                    report = await self.sync(net, address, watch=True, stop=stop)
                    delay = 1.0
                except SyncError as exc:
                    report = SyncReport(net, str(address), error=exc.message)
                    if exc.code in PERMANENT:
                        if on_report:
                            on_report(report)
                        return
                if on_report:
                    on_report(report)
                if stop.is_set():
                    return
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay * (0.5 + random.random()))
                delay = min(delay * 2, 60.0)

        pairs = [(n, a) for n in (nets or self.networks()) for a in self.relays(n)]
        if not pairs:
            raise UsageError("No network of this profile names a relay; nothing to sync with.")
        await asyncio.gather(*(keep(n, a) for n, a in pairs))

    # -- joining through a relay -------------------------------------------------------
    async def join(self, code: InviteCode, name: str) -> bytes:
        """Redeem ``code`` at the relay it names: fetch the welcome package and the
        network's events, make the join, and have the relay take it. If the relay
        refuses the join, nothing of it is kept."""
        if not code.relays:
            raise UsageError(
                "This invite names no relay. Ask the inviter for a bundle file and run: "
                "casebook join CODE --bundle FILE"
            )
        failure: SyncError | None = None
        for address in code.relays:
            try:
                return await self._join_at(code, name, address)
            except SyncError as exc:
                failure = exc
                if exc.code != "unreachable":
                    break
        assert failure is not None
        raise failure

    async def _join_at(self, code: InviteCode, name: str, address: RelayAddress) -> bytes:
        link = await RelayLink.open(address)
        try:
            welcome = await link.redeem(code)
            sealed = wire.need_bytes(welcome, "sealed")
            nonce = wire.need_bytes(welcome, "nonce", wire.NONCE_BYTES)
            ready = await link.recv()
            if ready["t"] != "ready":
                raise SyncError("protocol", "The relay answered out of turn.")
            loop = asyncio.get_running_loop()
            pending = []
            while True:
                message = await link.recv()
                if message["t"] == "caught_up":
                    break
                if message["t"] == "events":
                    raws = wire.need_events(message)
                    pending.append(loop.run_in_executor(self.pool, parse_all, raws, None))
            batches = [await f for f in pending]
            report = SyncReport(code.net, str(address))

            def take_events() -> None:
                _ingest(self.log, batches, report, {})

            with self.db.transaction():
                join_id = self.profile.invitations.join(
                    code, sealed, name, nonce=nonce, before_join=take_events
                )
                raw = bytes(self.db.scalar("SELECT raw FROM events WHERE id = ?", (join_id,)))
                link.send({"t": "push", "id": 1, "events": [raw]})
                ack = await link.recv()
                refused = ack.get("refused") if ack["t"] == "ack" else [[0, "no answer"]]
                if refused:
                    reason = refused[0][1] if isinstance(refused[0], list) else "refused"
                    raise PermissionDenied(f"The relay refused the join: {reason}.")
            self._record(code.net, address, now_ms(), report)
            return join_id
        finally:
            await link.close()


def _ingest(
    log: Any, batches: list[list[Verified | str]], report: SyncReport, relay_have: dict
) -> bool:
    """Ingest verified batches in one transaction; True if the membership changed."""
    touched = False
    with log.batch():
        for batch in batches:
            for item in batch:
                report.received += 1
                if isinstance(item, str):
                    report.refused.append(item)
                    continue
                event, payload = item
                if relay_have.get(event.author, 0) < event.seq:
                    relay_have[event.author] = event.seq
                try:
                    outcome = log.ingest_event(event, payload)
                except EventError as exc:
                    report.refused.append(str(exc))
                    continue
                if outcome == Outcome.APPLIED:
                    report.applied += 1
                    touched = touched or event.kind in membership.KINDS
                elif outcome == Outcome.DUPLICATE:
                    report.duplicate += 1
                elif outcome == Outcome.HELD:
                    report.held += 1
                else:
                    report.forks += 1
    return touched


class _Run:
    """One connected link's work: catch-up both ways, then (watch) live traffic."""

    def __init__(
        self,
        engine: SyncEngine,
        link: RelayLink,
        net: bytes,
        report: SyncReport,
        progress: Progress | None,
    ) -> None:
        self.engine = engine
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
        engine, link = self.engine, self.link
        ready = await link.login(
            engine.log.identity, self.net, engine.vector(self.net), engine._creation(self.net)
        )
        self.relay_have = wire.need_vector(ready)
        self.report.announced = wire.need_int(ready, "sending")
        reader = asyncio.create_task(self._reader())
        try:
            pushing = asyncio.create_task(self.push())
            await self._ingest_until(lambda item: item is _CAUGHT_UP)
            await pushing
            await self._after_change()
            await self.push_welcomes()
            if self.on_caught_up is not None:
                self.on_caught_up(self.report)
            if watch:
                await self._live(stop)
        finally:
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, SyncError):
                await reader

    async def _reader(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while True:
                message = await self.link.recv(timeout=None)
                kind = message["t"]
                if kind == "events":
                    raws = wire.need_events(message)
                    job = loop.run_in_executor(self.engine.pool, parse_all, raws, self._seeds())
                    await self.inbox.put(job)
                elif kind == "caught_up":
                    await self.inbox.put(_CAUGHT_UP)
                elif kind == "ack":
                    future = self.acks.pop(wire.need_int(message, "id"), None)
                    if future is not None and not future.done():
                        future.set_result(message)
        except (SyncError, wire.ProtocolError) as exc:
            error = exc if isinstance(exc, SyncError) else SyncError("protocol", exc.message)
            for future in self.acks.values():
                if not future.done():
                    future.set_exception(error)
            await self.inbox.put(error)

    def _seeds(self) -> dict[int, list[bytes]]:
        """The seeds held now, for the workers to open bodies with (a seed arriving later
        in the stream is found by the event log itself)."""
        if self._seed_mark != self.engine.db.rollbacks or self._seed_cache is None:
            cache: dict[int, list[bytes]] = {}
            for epoch, _source, seed in self.engine.log.keys.export(self.net):
                cache.setdefault(int(epoch), []).append(bytes(seed))  # type: ignore[call-overload, arg-type]
            self._seed_cache, self._seed_mark = cache, self.engine.db.rollbacks
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
        changed = _ingest(self.engine.log, batches, self.report, self.relay_have)
        if changed:
            self._seed_cache = None
        if self.progress:
            self.progress(self.report.received, max(self.report.announced, self.report.received))
        if changed:
            await self._after_change()

    async def _after_change(self) -> None:
        """An admin's profile re-keys when the membership calls for it."""
        try:
            made = self.engine.profile.governance.maintain(self.net)
        except EventError as exc:
            log.info("epoch repair not possible yet: %s", exc)
            made = None
        if made is not None:
            await self.push()

    async def push(self) -> None:
        """Send every event of ours the relay lacks; wait until it has answered."""
        raws = self.engine.missing(self.net, self.relay_have, self.skip)
        window: deque[tuple[asyncio.Future[dict[str, Any]], list[bytes]]] = deque()
        for batch in wire.batches(raws):
            window.append((self._send("push", {"events": batch}), batch))
            if len(window) >= PUSH_WINDOW:
                await self._acked(*window.popleft())
        while window:
            await self._acked(*window.popleft())

    def _send(self, kind: str, body: dict[str, Any]) -> asyncio.Future[dict[str, Any]]:
        ref = self.next_id
        self.next_id += 1
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self.acks[ref] = future
        self.link.send({"t": kind, "id": ref, **body})
        return future

    async def _acked(self, future: asyncio.Future[dict[str, Any]], batch: list[bytes]) -> None:
        await self.link.drain()
        ack = await asyncio.wait_for(future, 120)
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

    async def push_welcomes(self) -> None:
        items = self.engine.profile.invitations.open_welcomes(self.net)
        if items:
            future = self._send("welcomes", {"items": [[k, v] for k, v in items.items()]})
            await self.link.drain()
            await asyncio.wait_for(future, 120)

    async def _live(self, stop: asyncio.Event) -> None:
        loop = asyncio.get_running_loop()
        last_ping = loop.time()
        seen = self._local_mark()
        while not stop.is_set():
            if self._carry is not None:
                item, self._carry = self._carry, None
                await self._take(item)
                continue
            getter = asyncio.ensure_future(self.inbox.get())
            stopper = asyncio.ensure_future(stop.wait())
            done, _ = await asyncio.wait(
                {getter, stopper}, timeout=POLL_SECONDS, return_when=asyncio.FIRST_COMPLETED
            )
            stopper.cancel()
            if getter in done:
                await self._take(getter.result())
            else:
                getter.cancel()
            mark = self._local_mark()
            if mark != seen:  # something was written here (this process or another)
                seen = mark
                await self.push()
                await self.push_welcomes()
            if loop.time() - last_ping > PING_SECONDS:
                self.link.send({"t": "ping"})
                last_ping = loop.time()

    def _local_mark(self) -> tuple[int, int]:
        row = self.engine.db.one(
            "SELECT (SELECT max(seqno) FROM events WHERE net = :net) AS e, "
            "(SELECT count(*) FROM invite_secrets WHERE net = :net) AS i",
            {"net": self.net},
        )
        assert row is not None
        return (int(row["e"] or 0), int(row["i"] or 0))
