"""One connection to the relay: TLS, hello, authentication, catch-up, live traffic.

States: ``tls`` → ``hello sent`` → (``auth`` or, on a member's computer, ``lan_auth`` →
``have`` → ``member``) or (``redeem`` →
``redeemable`` → one join → (accepted) ``welcome`` → catch-up → closed). Everything a
peer sends is checked by :mod:`casebook.protocol.wire`; a protocol error is answered with an
``error`` frame and the connection is closed. Logs name networks and members by short
key prefixes, never content.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import Any, Protocol

from casebook.core.model.events import Event
from casebook.core.model.identity import verify
from casebook.protocol import tls, wire
from casebook.protocol.refusals import INVITE_REFUSALS, Refusal
from casebook.protocol.wire import ProtocolError, frame
from casebook.relay import catchup, lan_login, linking, recovery, requests
from casebook.relay.config import LanAccess, RelayConfig
from casebook.relay.hosted import Admission, HostedNetwork, Ticket, parse_all
from casebook.relay.store import RelayStore, StoreUnavailable, now_ms
from casebook.relay.strangers import Budget

log = logging.getLogger("casebook.relay")
MAX_DEFERRED = 4096  # live frames held back while a catch-up is still streaming


class Server(Protocol):
    """What a session sees of the relay that accepted it (``server.Relay``)."""

    config: RelayConfig
    fingerprint: bytes
    store: RelayStore
    strangers: Budget
    closing: bool
    links: linking.LinkSlots

    async def start_tls(self, writer: asyncio.StreamWriter) -> None: ...
    def hosted(self, net: bytes, create: bool) -> HostedNetwork | None: ...
    def register(self, hosted: HostedNetwork) -> None: ...
    def admit_member(self, session: Session) -> str | None: ...
    def forward(self, origin: Session, net: bytes, batch: list[Event]) -> None: ...
    def follow(self, hosted: HostedNetwork) -> None: ...
    def announce(self, net: bytes, seqno: int) -> None: ...
    def membership_changed(self, hosted: HostedNetwork) -> None: ...


class Session:
    def __init__(
        self,
        relay: Server,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        source: str = "",
    ) -> None:
        self.relay = relay
        self.source = source  # the address (IPv6: the /64) it came from
        self.config = relay.config
        self.reader = reader
        self.writer = writer
        self.net: bytes | None = None
        self.member: bytes | None = None
        self.hosted: HostedNetwork | None = None
        self.nonce = tls.random_nonce(wire.NONCE_BYTES)
        self.catching_up = False
        self.deferred: list[bytes] = []
        self.busy = asyncio.Lock()
        self.closed = False
        self._tokens = float(self.config.frame_burst)
        self._refilled = time.monotonic()
        self._catchup: asyncio.Task[None] | None = None

    @property
    def short(self) -> str:
        return self.member.hex()[:8] if self.member else "-"

    @property
    def store(self) -> RelayStore:
        return self.relay.store

    @property
    def net_short(self) -> str:
        return self.net.hex()[:8] if self.net else "-"

    # -- the connection's life ---------------------------------------------------------
    async def run(self) -> None:
        try:
            await self._open()
            await self._serve()
        except ProtocolError as exc:
            if exc.code not in (Refusal.CLOSED, Refusal.BYE):
                log.info("closing %s/%s: %s", self.net_short, self.short, exc.code)
                self.send({"t": "error", "code": exc.code, "message": exc.message})
        except (ConnectionError, TimeoutError, OSError, asyncio.IncompleteReadError):
            pass
        except StoreUnavailable as exc:  # PostgreSQL away: this request, not the relay
            log.warning("%s/%s: %s", self.net_short, self.short, exc)
            self.send(
                {
                    "t": "error",
                    "code": Refusal.STORAGE,
                    "message": "the relay's storage is unavailable; try later",
                }
            )
        except Exception:  # a bug must cost one connection, never the relay
            log.exception("unexpected error on %s/%s", self.net_short, self.short)
            self.send({"t": "error", "code": Refusal.INTERNAL, "message": "the relay hit an error"})
        finally:
            await self._close()

    async def _open(self) -> None:
        timeout = self.config.handshake_timeout
        deadline = asyncio.get_running_loop().time() + timeout
        try:
            await asyncio.wait_for(self.relay.start_tls(self.writer), timeout)
        except (TimeoutError, OSError, ConnectionError, ValueError):
            raise ProtocolError(Refusal.CLOSED, "TLS handshake failed") from None
        hello: dict[str, Any] = {"t": "hello", "v": wire.VERSION, "nonce": self.nonce}
        if self.config.lan is not None:
            hello["lan"] = True
        self.send(hello)
        left = max(0.1, deadline - asyncio.get_running_loop().time())
        # Before logging in, a peer is nobody: its one frame is a few KiB of a dozen
        # items, so decoding it costs next to nothing, however many strangers send one.
        message = await self._read(
            left,
            "authenticate sooner after connecting",
            limit=wire.MAX_LOGIN_FRAME,
            max_items=wire.MAX_LOGIN_ITEMS,
        )
        kind = message["t"]
        if self.config.lan is not None:  # a member's computer: members of its networks only
            if kind != "lan_auth":
                raise ProtocolError(Refusal.UNEXPECTED, f"expected lan_auth, got {kind!r}")
            await self._lan_auth(self.config.lan, message, deadline)
        elif kind == "auth":
            await self._auth(message, deadline)
        elif kind == "redeem":
            await self._redeem(message)
            raise ProtocolError(Refusal.BYE, "redeemed")
        elif kind == "link_join":  # a member's new computer (``relay/linking.py``)
            await linking.serve_guest(self.relay.links, self, message)
            raise ProtocolError(Refusal.BYE, "linked")
        elif kind == "recovery_get":  # the recovery key's holder (``relay/recovery.py``)
            self.send(recovery.get(self.relay.store, self.nonce, self.relay.fingerprint, message))
            raise ProtocolError(Refusal.BYE, "recovery box sent")
        else:
            raise ProtocolError(Refusal.UNEXPECTED, f"expected auth or redeem, got {kind!r}")

    async def _read(
        self,
        timeout: float,
        why: str = "idle for too long",
        limit: int = wire.MAX_FRAME,
        max_items: int = wire.MAX_ITEMS,
    ) -> dict[str, Any]:
        """The next message; ``timeout`` bounds the wait for it to start."""
        frame_timeout = min(timeout, self.config.frame_timeout)
        try:
            async with asyncio.timeout(timeout):
                message = await wire.read_frame(self.reader, frame_timeout, limit, max_items)
        except TimeoutError:
            raise ProtocolError(Refusal.TIMEOUT, why) from None
        await self._throttle()
        return message

    async def _throttle(self) -> None:
        """A token bucket on frames: a client sending too fast is slowed, not dropped."""
        now = time.monotonic()
        rate = self.config.frames_per_second
        self._tokens = min(self.config.frame_burst, self._tokens + (now - self._refilled) * rate)
        self._refilled = now
        if self._tokens < 1:
            await asyncio.sleep((1 - self._tokens) / rate)
            self._tokens = 1
            self._refilled = time.monotonic()
        self._tokens -= 1

    # -- authentication ----------------------------------------------------------------
    async def _auth(self, message: dict[str, Any], deadline: float) -> None:
        net = wire.need_bytes(message, "net", 16)
        member = wire.need_bytes(message, "member", 32)
        signature = wire.need_bytes(message, "sig", 64)
        proof = wire.auth_message(self.nonce, self.relay.fingerprint, net, member)
        if not verify(member, signature, proof):
            raise ProtocolError(Refusal.DENIED, "the login signature does not verify")
        create = message.get("create")
        hosted = await self._found(
            net, member, create if isinstance(create, bytes) else None, member
        )
        if hosted is None:
            raise ProtocolError(Refusal.UNKNOWN_NETWORK, "this relay does not host that network")
        if "add" in message and hosted.exists and not hosted.is_member(member):
            self._store(hosted, recovery.device_add(message["add"], hosted, member))
        await self.admitted(hosted, member, message.get("probe") is True, deadline)

    async def _found(
        self, net: bytes, member: bytes, create: bytes | None, founder: bytes | None
    ) -> HostedNetwork | None:
        """The network a login names, if this relay hosts it; a creation event the login
        carries makes it hosted here (from its ``founder``; None: from the member whose
        own computer this is, whoever founded it)."""
        hosted = self.relay.hosted(net, create=create is not None)
        if hosted is None:
            return None
        self.net, self.member, self.hosted = net, member, hosted
        if not hosted.exists and create is not None:
            await self.create_network(hosted, create, founder)
            if hosted.exists:
                self.relay.register(hosted)
        return hosted

    async def _lan_auth(self, access: LanAccess, message: dict[str, Any], deadline: float) -> None:
        """A member of a network this computer serves, on the LAN (``relay/lan_login.py``)."""
        login = lan_login.check(
            access, self.writer.get_extra_info("ssl_object"), self.nonce, message
        )
        # The computer's own library brings each network here first, over loopback.
        hosted = await self._found(login.net, login.member, login.create, None)
        if hosted is None or not hosted.exists:
            raise ProtocolError(
                Refusal.UNKNOWN_NETWORK, "this computer does not serve that network"
            )
        proof = lan_login.answer(access, login, self.nonce)
        await self.admitted(hosted, login.member, login.probe, deadline, proof, owner=login.owner)

    async def admitted(
        self,
        hosted: HostedNetwork,
        member: bytes,
        probe: bool,
        deadline: float,
        answer: dict[str, Any] | None = None,
        owner: bool = False,
    ) -> None:
        """A member whose login signature holds: admitted if the fold counts them in
        (or, ``owner``, the member whose own computer this is, bringing their library),
        then (after ``answer``, the LAN proof) their vector and the catch-up."""
        self.net, self.member, self.hosted = hosted.net, member, hosted
        self.relay.follow(hosted)  # other processes' writes first (a removal among them)
        if not owner and not hosted.is_member(member):
            raise ProtocolError(Refusal.DENIED, "not a member of this network")
        self.catching_up = True  # live events wait until after ``ready`` and the catch-up
        refused = self.relay.admit_member(self)
        if refused is not None:
            raise ProtocolError(Refusal.BUSY, refused)
        if answer is not None:
            self.send(answer)
        # A member's vector (40 bytes an author) comes in its own frame after the login.
        left = max(0.1, deadline - asyncio.get_running_loop().time())
        vector = await self._read(left, "send the vector sooner after logging in")
        if vector["t"] != "have":
            raise ProtocolError(Refusal.UNEXPECTED, f"expected have, got {vector['t']!r}")
        have = wire.need_vector(vector)
        log.info("member %s of %s connected", self.short, self.net_short)
        if probe:  # a status check: the vectors only
            self.send(catchup.ready(hosted, have))
            self.flush()
        else:
            self._start_catchup(hosted, have, wire.want_ids(vector))

    async def create_network(self, hosted: HostedNetwork, raw: bytes, member: bytes | None) -> None:
        """Take a network's creation event (from its founder; ``member`` None: from
        the member whose own computer this is, whoever founded it)."""
        parsed = parse_all([raw])[0]
        if (
            isinstance(parsed, str)
            or (member is not None and parsed.author != member)
            or parsed.kind != "network.create"
        ):
            raise ProtocolError(Refusal.DENIED, "not a valid network creation")
        self._store(hosted, [parsed])

    async def _redeem(self, message: dict[str, Any]) -> None:
        """An invite holder: its proof, then exactly one join bound to this connection's
        nonce. Only once the join is accepted and stored (a use consumed, the newcomer
        in the log for every member to see) does it get the welcome package and the
        network's events: a bare invite holder reads nothing."""
        net = wire.need_bytes(message, "net", 16)
        invite = wire.need_bytes(message, "invite", 32)
        signature = wire.need_bytes(message, "sig", 64)
        hosted = self.relay.hosted(net, create=False)
        if hosted is None or not hosted.exists:
            raise ProtocolError(Refusal.UNKNOWN_NETWORK, "this relay does not host that network")
        proof = wire.redeem_auth_message(self.nonce, self.relay.fingerprint, net, invite)
        if not verify(invite, signature, proof):
            raise ProtocolError(Refusal.DENIED, "the invite proof does not verify")
        status = hosted.open_invite(invite, now_ms())
        if status != "open":
            raise ProtocolError(INVITE_REFUSALS[status], f"the invite is {status}")
        if not hosted.state.invites[invite].sealed_join:
            raise ProtocolError(
                Refusal.INVITE_OLD, "the invite was made by an older version of Casebook"
            )
        sealed = self.relay.store.welcome(net, invite)
        if sealed is None:
            raise ProtocolError(
                Refusal.NO_WELCOME, "the inviter's app has not brought this invite to the relay yet"
            )
        self.net, self.hosted = net, hosted
        # What the join needs: the nonce it must carry and a clock past the invite's.
        clock = hosted.lamport
        self.send({"t": "redeemable", "nonce": self.nonce, "lamport": clock})
        message = await self._read(
            self.config.handshake_timeout,
            "send the join sooner",
            limit=wire.MAX_JOIN_FRAME,
            max_items=wire.MAX_LOGIN_ITEMS,
        )
        if message["t"] != "push" or len(wire.need_events(message)) != 1:
            raise ProtocolError(Refusal.UNEXPECTED, "an invite holder may only send its one join")
        async with self.busy:  # a shutdown waits for this join's answer
            admission = await self._push(message, Ticket(invite, self.nonce, clock))
        if not admission.accepted:
            return
        self.member = admission.accepted[0].author
        self.relay.strangers.give_back(self.source)
        log.info("newcomer %s joined %s", self.short, self.net_short)
        self.send({"t": "welcome", "sealed": sealed})
        await catchup.run(self, hosted, {}, [])
        with contextlib.suppress(ConnectionError, OSError):
            await self.writer.drain()

    # -- member traffic ----------------------------------------------------------------
    async def _serve(self) -> None:
        while not self.relay.closing and not self.closed:
            message = await self._read(self.config.idle_timeout)
            async with self.busy:
                kind = message["t"]
                if kind not in ("push", "ping", "bye"):  # a push folds them in itself
                    self.relay.follow(self._in())  # other processes' writes (a removal?)
                if self.closed:  # cut off (removed) while this frame was in hand
                    return
                if kind == "push":
                    await self._push(message)
                elif kind == "welcomes":
                    self.send(requests.welcomes(self._in(), self.relay.store, self._me(), message))
                elif kind in ("blob_have", "blob_put", "blob_get"):
                    self.send(requests.blob(kind, self._in(), self.relay.store, message))
                elif kind == "welcome_get":
                    self.send(
                        requests.welcome_get(self._in(), self.relay.store, self._me(), message)
                    )
                elif kind == "recovery_put":
                    self.send(recovery.put(self._in(), self.relay.store, self._me(), message))
                elif kind in ("link_open", "link_msg"):
                    answer = linking.owner_message(self.relay.links, self, message)
                    if answer is not None:
                        self.send(answer)
                elif kind == "ping":
                    self.send({"t": "pong"})
                elif kind == "bye":
                    raise ProtocolError(Refusal.BYE, "goodbye")
                else:
                    raise ProtocolError(Refusal.UNEXPECTED, f"unknown message {kind!r}")

    async def _push(self, message: dict[str, Any], ticket: Ticket | None = None) -> Admission:
        ref = wire.need_int(message, "id")
        raws = wire.need_events(message)
        notices = wire.announced(message)  # withdrawals the batch's stripped events need
        hosted = self.hosted
        assert hosted is not None
        parsed = await asyncio.get_running_loop().run_in_executor(None, parse_all, notices + raws)
        hosted.announce([e for e in parsed[: len(notices)] if isinstance(e, Event)])
        parsed = parsed[len(notices) :]
        good = [e for e in parsed if isinstance(e, Event)]
        refused = [(i, e) for i, e in enumerate(parsed) if isinstance(e, str)]
        index = [i for i, e in enumerate(parsed) if isinstance(e, Event)]
        try:
            admission = self._store(hosted, good, ticket)
        finally:
            hosted.announce([])  # announced for this batch only
        refused += [(index[i], reason) for i, reason in admission.refused]
        self.send(
            {
                "t": "ack",
                "id": ref,
                "stored": len(admission.accepted),
                "duplicate": admission.duplicates,
                "refused": [[i, reason] for i, reason in sorted(refused)],
            }
        )
        return admission

    def _store(
        self, hosted: HostedNetwork, batch: list[Event], ticket: Ticket | None = None
    ) -> Admission:
        """Judge and store a batch (``HostedNetwork.take``), then apply, announce and
        forward what was stored."""
        try:
            admission, last, purged = hosted.take(
                batch, now_ms(), ticket, self.member or b"", lambda: self.relay.follow(hosted)
            )
        except ProtocolError:
            raise
        except Exception as exc:  # disk full, I/O error, database gone: nothing acknowledged
            log.error("store failed for %s: %s", self.net_short, exc)
            raise ProtocolError(
                Refusal.STORAGE, "the relay could not store this; try later"
            ) from None
        if not admission.accepted:
            return admission
        changed = hosted.commit(admission, last)
        if purged:
            hosted.recount()
            self.relay.store.checkpoint()
        self.relay.announce(hosted.net, last)
        self.relay.forward(self, hosted.net, hosted.as_stored(admission.accepted))
        if changed:
            self.relay.membership_changed(hosted)
        return admission

    def _in(self) -> HostedNetwork:
        assert self.hosted is not None  # a logged-in member's session
        return self.hosted

    def _me(self) -> bytes:
        assert self.member is not None
        return self.member

    # -- sending -----------------------------------------------------------------------
    def _start_catchup(
        self, hosted: HostedNetwork, have: dict[bytes, int], want: list[bytes]
    ) -> None:
        self._catchup = asyncio.create_task(catchup.run(self, hosted, have, want))

    def flush(self) -> None:
        """The catch-up is over: the live frames held back meanwhile go out."""
        self.catching_up = False
        for data in self.deferred:
            self._write(data)
        self.deferred.clear()

    def send(self, message: dict[str, Any]) -> None:
        self._write(frame(message))

    def send_live(self, data: bytes) -> None:
        if not self.catching_up:
            self._write(data)
        elif len(self.deferred) < MAX_DEFERRED:
            self.deferred.append(data)
        else:  # so far behind that it is cheaper to start over: it resumes by vector
            self.abort()

    def _write(self, data: bytes) -> None:
        if self.closed or self.writer.transport is None or self.writer.is_closing():
            return
        self.writer.write(data)
        transport = self.writer.transport
        if transport.get_write_buffer_size() > self.config.send_buffer_limit:
            log.info("dropping slow client %s/%s", self.net_short, self.short)
            self.abort()

    def kick(self, code: Refusal, message: str) -> None:
        self.send({"t": "error", "code": code, "message": message})
        self.closed = True
        self.writer.close()

    def abort(self) -> None:
        self.closed = True
        with contextlib.suppress(Exception):
            self.writer.transport.abort()

    async def shut(self, code: Refusal, message: str) -> None:
        """Graceful close for a relay shutdown: after the message in hand is answered."""
        async with self.busy:
            if not self.closed:
                self.kick(code, message)

    async def read(self, timeout: float) -> dict[str, Any]:
        """A new computer's next link frame (``relay/linking.py``)."""
        return await self._read(timeout, "the link took too long", limit=wire.MAX_LOGIN_FRAME * 32)

    async def _close(self) -> None:
        self.closed = True
        for slot in self.relay.links.drop_owner(self):  # its new computer hears it
            if slot.guest is not None:
                slot.guest.send({"t": "link_closed", "slot": slot.name})
        if self._catchup is not None:
            self._catchup.cancel()
        if self.writer.transport is None:
            return
        if not self.writer.is_closing():
            self.writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.writer.wait_closed(), 2)
