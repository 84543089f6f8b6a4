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
import logging
import random
from collections import deque
from collections.abc import Awaitable, Callable

from casebook.core.ledger.eventlog import now_ms
from casebook.core.ledger.wire_form import DamagedEvent
from casebook.core.model.events import MAX_CLOCK_AHEAD, MAX_INT
from casebook.core.model.invite_codes import InviteCode
from casebook.core.model.relayaddr import RelayAddress
from casebook.core.profile import Profile
from casebook.errors import PermissionDenied, UsageError, say
from casebook.protocol import wire
from casebook.protocol.refusals import Refusal
from casebook.sync import blobs
from casebook.sync.exchange import Exchange, Progress
from casebook.sync.ingest import SyncReport, Verified
from casebook.sync.link import (
    LinkFailure,
    RelayLink,
    SyncError,
    answers_checked,
    first_reachable,
)
from casebook.sync.status import LinkStatus, LinkTracker
from casebook.sync.store import SyncStore
from casebook.sync.verifiers import Verifiers
from casebook.sync.window import consume

log = logging.getLogger("casebook.sync")
# Refusals that retrying cannot fix: watch mode stops for them and says why.
PERMANENT = frozenset(
    {
        Refusal.REMOVED,
        Refusal.DENIED,
        Refusal.UNKNOWN_NETWORK,
        LinkFailure.IMPERSONATION,
        LinkFailure.PROTOCOL,
        LinkFailure.DAMAGED,
    }
)


# Workers that verify and open received events: threads, or processes for a long
# catch-up (sync/verifiers.py); a newcomer's join has this many batches verifying ahead
# of the one it stores.
WORKERS = 2
VERIFY_AHEAD = 8


class SyncEngine:
    def __init__(self, profile: Profile, workers: int = WORKERS) -> None:
        self.store = SyncStore(profile)  # every database call sync makes goes through it
        self.verifiers = Verifiers(workers)
        self.nudges: set[asyncio.Event] = set()  # one per live link

    def nudge(self) -> None:
        """Something was written locally: live links push it now, not at the next poll."""
        for event in self.nudges:
            event.set()

    def close(self) -> None:
        self.verifiers.close()

    # -- what the profile has ----------------------------------------------------------
    def networks(self) -> list[bytes]:
        return self.store.networks()

    def relays(self, net: bytes) -> list[RelayAddress]:
        return self.store.relays(net)

    def vector(self, net: bytes) -> dict[bytes, int]:
        return self.store.vector(net)

    def last_status(self, net: bytes, address: RelayAddress) -> tuple[int | None, str | None]:
        """``(last_success, last_error)`` of the link to ``address`` for ``net``: when a
        sync with it last went through (ms since the epoch) and why the latest attempt
        failed (None if it did not); both None when it was never tried."""
        return self.store.last_status(net, str(address))

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
        report: SyncReport | None = None,
        opener: Callable[[], Awaitable[RelayLink]] | None = None,
    ) -> SyncReport:
        """Catch up both ways with one relay; with ``watch``, stay until ``stop``.
        ``on_caught_up`` is called once the catch-up is through (the link is live).
        ``opener`` opens the link another way (a colleague's computer on the LAN: then
        nothing is recorded, the address being only for this while)."""
        report = report or SyncReport(net, str(address))
        started = now_ms()
        record = opener is None
        try:
            link = await (opener() if opener is not None else RelayLink.open(address))
            try:
                with answers_checked(address):
                    run = Exchange(
                        self.store,
                        link,
                        net,
                        report,
                        progress,
                        verifiers=self.verifiers,
                        nudges=self.nudges,
                    )
                    run.on_caught_up = on_caught_up
                    await run.go(watch, stop or asyncio.Event())
            except DamagedEvent as exc:  # this network's sync stops; the others go on
                raise SyncError(LinkFailure.DAMAGED, exc.message) from None
            finally:
                await link.close()
        except SyncError as exc:
            report.error = exc.message
            if record:
                self._record(net, address, started, report)
            raise
        if record:
            self._record(net, address, started, report)
        return report

    def _record(self, net: bytes, address: RelayAddress, started: int, r: SyncReport) -> None:
        self.store.record(net, str(address), started, r)

    async def probe(
        self,
        net: bytes,
        address: RelayAddress,
        opener: Callable[[], Awaitable[RelayLink]] | None = None,
    ) -> dict[str, int]:
        """How far apart the profile and the relay are, without moving any event."""
        link = await (opener() if opener is not None else RelayLink.open(address))
        try:
            mine = self.store.vector(net)
            with answers_checked(address):
                ready = await link.login(self.store.identity, net, mine, probe=True)
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
        on_status: Callable[[LinkStatus], None] | None = None,
    ) -> None:
        """Stay connected to every relay of every network until ``stop``; reconnect
        with exponential backoff (1 s doubling to 60 s, with jitter). ``on_status`` hears
        every change of a link's state; ``on_report`` gets each connection's report."""

        async def keep(net: bytes, address: RelayAddress) -> None:
            link = LinkTracker(net, str(address), on_status)
            delay = 1.0
            while not stop.is_set():
                report = link.connecting()
                try:
                    await self.sync(
                        net,
                        address,
                        watch=True,
                        stop=stop,
                        progress=link.progress,
                        on_caught_up=link.caught_up,
                        report=report,
                    )
                except SyncError as exc:
                    report.error = exc.message
                    if exc.code in PERMANENT:
                        link.tell(state="stopped", error=exc.message)
                        if on_report:
                            on_report(report)
                        return
                link.ended()
                if link.live:  # a link that was up starts over quickly
                    delay = 1.0
                if on_report:
                    on_report(report)
                if stop.is_set():
                    link.tell(state="stopped", error=None)
                    return
                wait = delay * (0.5 + random.random())
                link.tell(state="offline", error=report.error, retry_in=wait)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), wait)
                delay = min(delay * 2, 60.0)

        pairs = [(n, a) for n in (nets or self.networks()) for a in self.relays(n)]
        if not pairs:
            raise UsageError("No network of this profile names a relay; nothing to sync with.")
        await asyncio.gather(*(keep(n, a) for n, a in pairs))

    # -- attachments ---------------------------------------------------------------------
    async def fetch_attachment(
        self,
        digest: bytes,
        nearby: blobs.Nearby | None = None,
        progress: blobs.Progress | None = None,
    ) -> None:
        """Download an attachment a case names from a relay (or from a colleague's
        computer ``nearby`` names), check its hash, store it; ``progress`` hears of each
        chunk received."""
        await blobs.fetch(self.store, digest, nearby, progress)

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

        async def at(address: RelayAddress) -> bytes:
            with answers_checked(address):
                return await self._join_at(code, name, address)

        return await first_reachable(code.relays, at)

    async def _join_at(self, code: InviteCode, name: str, address: RelayAddress) -> bytes:
        link = await RelayLink.open(address)
        try:
            answer = await link.redeem(code)
            lamport = wire.need_int(answer, "lamport", MAX_INT - MAX_CLOCK_AHEAD)
            report = SyncReport(code.net, str(address))
            # One transaction: the join, then (once the relay took it) the welcome
            # package's seeds and the network's events, ingested batch by batch as they
            # arrive. A refusal undoes all of it.
            with self.store.transaction():
                join_id = self.store.make_join(code, name, link.nonce, lamport)
                link.send({"t": "push", "id": 1, "events": [self.store.raw(join_id)]})
                try:
                    ack = await link.recv()
                    refused = ack.get("refused") if ack["t"] == "ack" else [[0, "no answer"]]
                    if refused:
                        reason = refused[0][1] if isinstance(refused[0], list) else "refused"
                        raise PermissionDenied(say("The relay refused the join: {0}.", reason))
                    await self._welcomed(link, code, report)
                except SyncError:
                    # The answer, the package or the stream was lost. Keep the join if
                    # the relay took it (a member may log in and ask for the package
                    # again); otherwise undo everything and report the failure.
                    if not await self._recover_join(address, code):
                        raise
            self._record(code.net, address, now_ms(), report)
            return join_id
        finally:
            await link.close()

    async def _welcomed(self, link: RelayLink, code: InviteCode, report: SyncReport) -> None:
        """After the relay took our join: its welcome package, then the network."""
        welcome = await link.recv()
        if welcome["t"] != "welcome":
            raise SyncError(LinkFailure.PROTOCOL, "The relay answered out of turn.")
        self.store.take_seeds(code, wire.need_bytes(welcome, "sealed"))
        ready = await link.recv()
        if ready["t"] != "ready":
            raise SyncError(LinkFailure.PROTOCOL, "The relay answered out of turn.")
        await self._take_network(link, wire.need_int(ready, "sending"), report)

    async def _recover_join(self, address: RelayAddress, code: InviteCode) -> bool:
        """On a fresh link: if the relay took our join, fetch the welcome package again
        and keep the join (the next sync brings the network's events). False when the
        relay does not know us as a member, so the caller undoes the join."""
        if self.store.holds_keys(code.net):
            return await self._is_member_at(address, code.net)
        try:
            link = await RelayLink.open(address)
        except SyncError:
            return False
        try:
            await link.login(self.store.identity, code.net, {}, probe=True)
            link.send({"t": "welcome_get", "id": 1})
            answer = await link.recv()
            if answer["t"] != "ack" or answer.get("missing"):
                return False
            self.store.take_seeds(code, wire.need_bytes(answer, "sealed"))
            return True
        except SyncError:
            return False
        finally:
            await link.close()

    async def _take_network(self, link: RelayLink, announced: int, report: SyncReport) -> None:
        """Ingest the events a relay streams to a newcomer, up to ``caught_up``; a relay
        that sends more than it announced, or anything else, is cut off. Batches are
        verified while the ones before them are stored (a newcomer's whole network comes
        this way), and stored in the order they came."""
        others = arrived = 0
        # The welcome package's seeds: the workers open (and pack) what they can, as a
        # sync does; an epoch whose seed comes later in the stream is opened by the log.
        seeds = self.store.seeds(report.net)
        verifying: deque[asyncio.Future[list[Verified | str]]] = deque()
        try:
            while True:
                message = await link.recv()
                if message["t"] == "caught_up":
                    break
                if message["t"] != "events":
                    others += 1
                    if others > 64:
                        raise SyncError(LinkFailure.PROTOCOL, "The relay sent unexpected messages.")
                    continue
                raws = wire.need_events(message)
                arrived += len(raws)
                if arrived > announced + wire.MAX_BATCH_EVENTS:
                    raise SyncError(
                        LinkFailure.PROTOCOL, "The relay sent more events than it announced."
                    )
                verifying.append(self.verifiers.verify(raws, seeds, announced=announced))
                while verifying and (verifying[0].done() or len(verifying) > VERIFY_AHEAD):
                    self.store.ingest([await verifying.popleft()], report, {})
            while verifying:
                self.store.ingest([await verifying.popleft()], report, {})
        finally:
            for job in verifying:  # the join failed: what was still verifying is dropped
                consume(job)

    async def _is_member_at(self, address: RelayAddress, net: bytes) -> bool:
        try:
            link = await RelayLink.open(address)
        except SyncError:
            return False
        try:
            await link.login(self.store.identity, net, {}, probe=True)
            return True
        except SyncError:
            return False
        finally:
            await link.close()
