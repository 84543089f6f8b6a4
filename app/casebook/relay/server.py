"""The relay server: accepts TLS links, admits members, stores and forwards ciphertext.

One asyncio loop runs everything; storage work is short and happens on it, signature
checks of pushed batches run on worker threads. Several processes may serve one
PostgreSQL store (``--database``): each folds in what the others store when the
database notifies it (:meth:`Relay.follow`), and before judging a push, under the
network's lock. Connections are counted from the moment
they are accepted (before TLS), so a flood of idle sockets cannot crowd members out:
unauthenticated connections live in a small pool, the oldest is dropped when a new one
needs the room, and each has a few seconds to finish TLS and authenticate.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import secrets
import socket
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import cast

from casebook.core.model.events import Event
from casebook.protocol import tls, wire
from casebook.protocol.refusals import Refusal
from casebook.protocol.wire import ProtocolError, frame
from casebook.relay.config import RelayConfig
from casebook.relay.hosted import HostedNetwork
from casebook.relay.linking import LinkSlots
from casebook.relay.session import Session
from casebook.relay.storage import open_store
from casebook.relay.store import now_ms
from casebook.relay.strangers import Budget, source_key
from casebook.relay.tls_layer import RelayTLS

__all__ = ["Relay", "RelayConfig", "RelayTLS"]

log = logging.getLogger("casebook.relay")

MAX_SEQNO = 2**63 - 1


class Relay:
    def __init__(self, config: RelayConfig) -> None:
        self.config = config
        if config.lan is None:
            key_path, cert_path, self.fingerprint = tls.ensure_certificate(config.data)
            self.ssl = tls.server_context(key_path, cert_path)
        else:  # a member's computer on the LAN: certificates under the networks' authorities
            config.data.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.fingerprint = b""
        self.store = open_store(config.data, config.database)
        self.process = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.networks = {
            net: HostedNetwork(net, self.store, config.quota_bytes) for net in self.store.networks()
        }
        self._listening: asyncio.Task[None] | None = None
        self._following: asyncio.Task[None] | None = None
        self.members: dict[bytes, set[Session]] = {}
        self.pending: OrderedDict[Session, None] = OrderedDict()
        self.strangers = Budget(config.strangers_per_second, config.stranger_burst)
        self.links = LinkSlots()  # computers waiting for a new computer of their member
        self.connections = 0
        self.closing = False
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._status_task: asyncio.Task[None] | None = None
        self.port = config.port

    # -- lifecycle ---------------------------------------------------------------------
    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(
            lambda: _Paused(asyncio.StreamReader(limit=2**16), self._accept, self.strangers),
            self.config.host,
            self.config.port,
            backlog=512,
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._status_task = asyncio.create_task(self._status_loop())
        if self.store.shared:
            self._listening = asyncio.create_task(self.store.listen(self._notified))
            self._following = asyncio.create_task(self._follow_loop())
        log.info("relay listening on %s:%s", self.config.host, self.port)

    async def close(self) -> None:
        """Stop accepting, let every message in hand finish (nothing acknowledged is
        lost), say goodbye, close the store."""
        self.closing = True
        if self._server is not None:
            self._server.close()
        for task in (self._status_task, self._listening, self._following):
            if task is not None:
                task.cancel()
        sessions = list(self.pending) + [s for group in self.members.values() for s in group]
        await asyncio.gather(
            *(s.shut(Refusal.SHUTDOWN, "the relay is restarting") for s in sessions)
        )
        if self._tasks:
            await asyncio.wait(self._tasks, timeout=5)
        for task in self._tasks:
            task.cancel()
        if self._server is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._server.wait_closed(), 2)
        with contextlib.suppress(Exception):  # a database gone meanwhile: nothing to undo
            self.store.forget_process(self.process)
        self.store.close()
        with contextlib.suppress(OSError):
            (self.config.data / "status.json").unlink()
        log.info("relay stopped")

    def url(self, host: str | None = None, port: int | None = None) -> str:
        from casebook.core.model.relayaddr import RelayAddress

        return str(RelayAddress(host or self.config.host, port or self.port, self.fingerprint))

    # -- connections -------------------------------------------------------------------
    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.closing:
            writer.close()
            return
        source = source_key(writer.get_extra_info("peername"))  # its token: _Paused
        if self.connections >= self.config.max_connections and not self._evict_pending():
            writer.close()
            return
        if len(self.pending) >= self.config.max_pending:
            self._evict_pending()
        session = Session(self, reader, writer, source)
        self.connections += 1
        self.pending[session] = None
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await session.run()
        finally:
            self._tasks.discard(task)
            self.connections -= 1
            self.pending.pop(session, None)
            if session.net is not None and session.member is not None:
                group = self.members.get(session.net, set())
                group.discard(session)

    def _evict_pending(self) -> bool:
        if not self.pending:
            return False
        oldest, _ = self.pending.popitem(last=False)
        oldest.abort()
        return True

    async def start_tls(self, writer: asyncio.StreamWriter) -> None:
        """Turn an accepted connection into TLS, with the relay's certificate and buffer."""
        lan = self.config.lan
        await tls.start_tls(writer, self.ssl if lan is None else lan.context(), RelayTLS)

    def admit_member(self, session: Session) -> str | None:
        """Move an authenticated session out of the pending pool; why not, if refused."""
        assert session.net is not None
        group = self.members.setdefault(session.net, set())
        same = [s for s in group if s.member == session.member]
        if len(same) >= self.config.max_per_member:
            return "too many connections for this member"
        self.pending.pop(session, None)
        group.add(session)
        self.strangers.give_back(session.source)
        return None

    def hosted(self, net: bytes, create: bool) -> HostedNetwork | None:
        """The network, or (``create``) a new one to be registered once its creation
        event is stored; None when the relay does not host it."""
        hosted = self.networks.get(net)
        if hosted is None and self.store.shared and self.store.has_network(net):
            hosted = HostedNetwork(net, self.store, self.config.quota_bytes)  # another
            self.networks[net] = hosted  # process made it hosted
        if hosted is None and create and self.may_host(net):
            hosted = HostedNetwork(net, self.store, self.config.quota_bytes)
        return hosted

    def register(self, hosted: HostedNetwork) -> None:
        """A network whose creation event is now stored: hosted from now on."""
        self.networks[hosted.net] = hosted

    def may_host(self, net: bytes) -> bool:
        allowed = self.config.allow_networks
        if allowed is not None:
            return net in allowed
        if self.store.shared:  # other processes host networks too
            return len(self.store.networks()) < self.config.max_networks
        return len([n for n in self.networks.values() if n.exists]) < self.config.max_networks

    # -- after a push ------------------------------------------------------------------
    def forward(self, origin: Session, net: bytes, batch: list[Event]) -> None:
        """Send newly stored events to every other member connected to ``net``."""
        data = frame({"t": "events", "events": [e.raw for e in batch]})
        for session in list(self.members.get(net, ())):
            if session is not origin:
                session.send_live(data)

    def follow(self, hosted: HostedNetwork) -> None:
        """Fold in what other processes stored in ``hosted``'s network since this one
        last looked, send it to this process's members, and cut off anyone it removed
        (before sending what came after the removal)."""
        if not self.store.shared:
            return  # nobody else writes: this process has seen everything
        if not hosted.exists and not self.store.has_network(hosted.net):
            self.store.lock_creation()  # a creation: counted again, one at a time
            if not self.may_host(hosted.net):
                raise ProtocolError(Refusal.UNKNOWN_NETWORK, "this relay hosts no more networks")
        chunks = self.store.stream(hosted.net, MAX_SEQNO, hosted.seen)
        runs = hosted.follow([row for chunk in chunks for row in chunk])
        hosted.recount()  # events, welcomes and attachments stored by any process
        for raws, changed in runs:
            for batch in wire.batches(raws):  # frames of about BATCH_BYTES
                data = frame({"t": "events", "events": batch})
                for session in list(self.members.get(hosted.net, ())):
                    session.send_live(data)
            if changed:
                self.membership_changed(hosted)

    def follow_all(self) -> None:
        """Every hosted network, as after a lost notice (the listener's reconnection,
        and every ``follow_interval`` in case a notice was never sent)."""
        self._notified(None, 0)

    def announce(self, net: bytes, seqno: int) -> None:
        """Tell the other processes that events of ``net`` up to ``seqno`` are stored."""
        try:
            self.store.announce(net, seqno)
        except Exception as exc:  # they catch up at their next push or reconnection
            log.warning("could not notify the other relay processes: %s", exc)

    def _notified(self, net: bytes | None, seqno: int) -> None:
        """The database says ``net`` has events up to ``seqno`` (None: the notifications
        were lost for a while, so every network is looked at)."""
        targets = list(self.networks.values()) if net is None else [self.networks.get(net)]
        for hosted in targets:
            if hosted is None or (net is not None and seqno <= hosted.seen):
                continue
            try:
                self.follow(hosted)
            except Exception as exc:  # the database is away: the next notice retries
                log.warning("could not read %s's new events: %s", hosted.net.hex()[:8], exc)

    def membership_changed(self, hosted: HostedNetwork) -> None:
        """Cut off members who are no longer members; drop welcomes nobody can use."""
        for session in list(self.members.get(hosted.net, ())):
            if session.member is not None and not hosted.is_member(session.member):
                log.info("member %s of %s removed: closing", session.short, session.net_short)
                session.kick(Refusal.REMOVED, "you are no longer a member of this network")
        closed = hosted.closed_invites(now_ms())
        if closed:
            self.store.drop_welcomes(hosted.net, closed)

    # -- status ------------------------------------------------------------------------
    def status(self) -> dict[str, object]:
        nets = {}
        for net, hosted in self.networks.items():
            sessions = self.members.get(net, set())
            nets[net.hex()] = {
                "members": len(hosted.state.active_members()),
                "online": len({s.member for s in sessions}),
                "connections": len(sessions),
                "events": hosted.events,
                "bytes": hosted.size,
            }
        return {
            "pid": os.getpid(),
            "process": self.process,
            "updated": int(time.time()),
            "listen": f"{self.config.host}:{self.port}",
            "url": self.url(),
            "connections": self.connections,
            "unauthenticated": len(self.pending),
            "strangers_refused": self.strangers.refused,
            "networks": nets,
        }

    async def _follow_loop(self) -> None:
        """A notice may be lost (its sender died between commit and NOTIFY): every
        network is looked at now and then all the same, so a removal made elsewhere
        cuts its member off here within ``follow_interval`` at worst."""
        while True:
            await asyncio.sleep(self.config.follow_interval)
            self.follow_all()

    async def _status_loop(self) -> None:
        path = self.config.data / "status.json"
        while True:
            status = self.status()
            with contextlib.suppress(OSError):
                tmp = path.with_suffix(".tmp")
                tmp.write_text(json.dumps(status), "utf-8")
                os.replace(tmp, path)
            try:
                self.store.report(self.process, status)
            except Exception as exc:
                log.warning("could not record the relay's status: %s", exc)
            await asyncio.sleep(self.config.status_interval)


class _Paused(asyncio.StreamReaderProtocol):
    """A plain TCP connection that reads nothing until TLS is started on it, so the
    client's first TLS bytes stay in the socket for the TLS layer instead of landing
    in the plain stream's buffer. An address over its budget of handshakes for nothing
    (:mod:`strangers`) is closed here, before any task or TLS state exists for it."""

    def __init__(
        self,
        reader: asyncio.StreamReader,
        accept: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
        strangers: Budget,
    ) -> None:
        super().__init__(reader, accept)
        self._strangers = strangers

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        tcp = cast(asyncio.Transport, transport)  # create_server's: a TCP connection
        if not self._strangers.take(source_key(tcp.get_extra_info("peername"))):
            tcp.abort()
            return
        tcp.pause_reading()
        super().connection_made(tcp)
