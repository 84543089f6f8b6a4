"""A client's link to one relay: pinned TLS, hello, then login as a member or redemption
of an invite. Errors come out as :class:`SyncError` with words a person can act on."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import ssl
from collections.abc import Awaitable, Callable, Iterable, Iterator
from enum import StrEnum
from typing import Any, TypeVar

from casebook.core.model.identity import Identity
from casebook.core.model.invite_codes import InviteCode, signing_key
from casebook.core.model.relayaddr import RelayAddress
from casebook.errors import CasebookError
from casebook.protocol import tls, wire
from casebook.protocol.refusals import Refusal
from casebook.protocol.wire import ProtocolError, frame

T = TypeVar("T")
R = TypeVar("R")
CONNECT_TIMEOUT = 10.0
REPLY_TIMEOUT = 60.0
PATIENCE_ENV = "CASEBOOK_SYNC_TIMEOUT"

_REFUSALS: dict[str, str] = {
    Refusal.DENIED: "the relay does not accept this profile as a member of the network "
    "(removed, or not yet known to the relay)",
    Refusal.UNKNOWN_NETWORK: "this relay does not host that network",
    Refusal.REMOVED: "you are no longer a member of this network",
    Refusal.INVITE_USED: "this invite has already been used",
    Refusal.INVITE_REVOKED: "this invite no longer admits anyone (it was revoked, or closed when "
    "its inviter left, was removed or lost the role it offers, or when someone who joined "
    "with it was removed); ask for a new one",
    Refusal.INVITE_OLD: "this invite was made by an older version of Casebook; ask the inviter "
    "for a new one",
    Refusal.INVITE_EXPIRED: "this invite has expired",
    Refusal.INVITE_UNKNOWN: "the relay does not know this invite yet: the inviter's app has "
    "not synced since making it; ask them to open Casebook, then try again",
    Refusal.NO_WELCOME: "the inviter's app has not brought this invite to the relay yet; ask "
    "them to open Casebook (or run casebook sync), then try again",
    Refusal.LINK_UNKNOWN: "no computer waits there with this link code: it expired or was "
    "used, or the computer that made it stopped waiting; run casebook device link there again "
    "and use the new code",
    Refusal.NO_RECOVERY: "it keeps no recovery box for this recovery key: none of the "
    "member's computers has synced with it since devices came (try another relay of your "
    "networks), or the key belongs to someone else",
    Refusal.BUSY: "the relay is busy or has too many connections from you; try again soon",
    Refusal.SHUTDOWN: "the relay is restarting; try again in a moment",
    Refusal.TIMEOUT: "the link was idle or slow for too long",
    Refusal.MALFORMED: "this app sent something it could not read (a bug; please report it)",
    Refusal.UNEXPECTED: "this app sent something out of turn (a bug; please report it)",
    Refusal.TOO_LARGE: "this app sent a message larger than it accepts",
    Refusal.STORAGE: "it could not store this; try again later",
    Refusal.INTERNAL: "it hit an internal error; try again later",
}


class LinkFailure(StrEnum):
    """How a link failed on this side (a relay's own refusals are :class:`Refusal`)."""

    UNREACHABLE = "unreachable"  # no answer, refused, or the link broke
    IMPERSONATION = "impersonation"  # the relay's certificate is not the pinned one
    PROTOCOL = "protocol"  # the relay broke the protocol
    TAMPERED = "tampered"  # an attachment's bytes do not match its hash
    DAMAGED = "damaged"  # an event this library keeps does not give back its signed bytes
    MISSING = "missing"  # an attachment no relay holds
    TIMEOUT = "timeout"
    CLOSED = "closed"


class SyncError(CasebookError):
    """A link failed; ``code`` says how: a :class:`LinkFailure` of ours, or the
    :class:`Refusal` the relay sent (or a code this version does not know)."""

    exit_code = 5

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def refusal(address: RelayAddress, code: str, message: str) -> SyncError:
    """A relay's refusal in our words: a relay's own text is never shown (it could say
    anything), only what we know its code to mean."""
    words = _REFUSALS.get(code)
    if words is None:
        shown = "".join(c for c in code if c.isalnum() or c == "-")[:40] or "unknown"
        words = f"it refused the link ({shown}); try again later or ask its operator"
    return SyncError(code, f"The relay {address.host}:{address.port} says: {words}.")


def patience(seconds: float) -> float:
    """How long to wait for a silent relay: ``seconds``, or less when the environment's
    ``CASEBOOK_SYNC_TIMEOUT`` says so (for a quicker verdict on a stalled link; the
    hostile-network tests use it to stay short)."""
    try:
        cap = float(os.environ.get(PATIENCE_ENV, ""))
    except ValueError:
        return seconds
    return min(seconds, cap) if cap > 0 else seconds


@contextlib.contextmanager
def answers_checked(address: RelayAddress) -> Iterator[None]:
    """A relay answer that breaks the protocol (a field missing or out of range) ends
    the exchange with one sentence, like any other failure of the link."""
    try:
        yield
    except ProtocolError as exc:
        raise SyncError(
            LinkFailure.PROTOCOL,
            f"The relay {address.host}:{address.port} sent a malformed answer "
            f"({exc.message}); try again later or tell its operator.",
        ) from None


class RelayLink:
    def __init__(
        self,
        address: RelayAddress,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        nonce: bytes,
    ) -> None:
        self.address = address
        self.reader = reader
        self.writer = writer
        self.nonce = nonce
        # Why the link is finished, once it is: later sends and drains raise this, so
        # whoever waits on the link hears the first cause, in words, and nothing else.
        self.failure: SyncError | None = None

    @classmethod
    async def open(cls, address: RelayAddress, timeout: float = CONNECT_TIMEOUT) -> RelayLink:
        where = f"{address.host}:{address.port}"
        try:
            reader, writer = await tls.connect(
                address.host, address.port, address.fingerprint, timeout
            )
        except tls.PinMismatch:
            raise SyncError(
                LinkFailure.IMPERSONATION,
                f"The relay at {where} showed a different certificate than the one this "
                "network pins. Nothing was sent. It may be an impersonation, or the relay "
                "was reinstalled: ask the relay's operator for its new address.",
            ) from None
        except (TimeoutError, OSError) as exc:
            raise unreachable("relay", where, exc) from None
        link = cls(address, reader, writer, b"")
        await link.greeted(timeout, lan=False)
        link.fingerprint = address.fingerprint
        return link

    async def greeted(self, timeout: float, lan: bool) -> None:
        """Read the accepting side's hello (a relay's, or with ``lan`` a member
        computer's) and keep its nonce; the link is closed if it does not come right."""
        where = self.where
        try:
            hello = await self.recv(timeout, limit=wire.MAX_HELLO_FRAME)
        except BaseException:
            self.writer.close()  # no transport is left behind when the hello never comes
            raise
        if (
            hello["t"] != "hello"
            or hello.get("v") != wire.VERSION
            or (hello.get("lan") is True) != lan
        ):
            await self.close()
            raise SyncError(
                LinkFailure.PROTOCOL, f"The computer at {where} speaks another protocol version."
            )
        try:
            self.nonce = wire.need_bytes(hello, "nonce", wire.NONCE_BYTES)
        except ProtocolError:
            await self.close()
            raise SyncError(
                LinkFailure.PROTOCOL, f"The computer at {where} sent a malformed hello."
            ) from None

    fingerprint: bytes = b""

    # -- talking -----------------------------------------------------------------------
    def send(self, message: dict[str, Any]) -> None:
        """Queue ``message``; a link known to be finished raises its SyncError instead."""
        if self.failure is not None:
            raise self.failure
        if self.writer.is_closing():
            raise self.fail(self._broke("the connection was closed"))
        self.writer.write(frame(message))

    async def drain(self) -> None:
        """Wait until what was sent is on its way (a relay that reads nothing more holds
        this until :meth:`fail` aborts the link: see ``Exchange._reader``)."""
        try:
            await self.writer.drain()
        except (ConnectionError, OSError) as exc:
            raise self.fail(self._broke(_why(exc))) from None

    def fail(self, error: SyncError) -> SyncError:
        """The link is finished because of ``error`` (the first cause is kept): the
        transport is dropped at once, which wakes whatever waits on it. Returns the
        error to raise."""
        if self.failure is None:
            self.failure = error
        transport = self.writer.transport
        if transport is not None and not transport.is_closing():
            transport.abort()
        return self.failure

    def _broke(self, why: str) -> SyncError:
        return SyncError(
            LinkFailure.CLOSED,
            f"The link to the relay {self.where} broke ({why}); sync again to resume "
            "where it stopped.",
        )

    async def recv(
        self, timeout: float | None = REPLY_TIMEOUT, limit: int = wire.MAX_FRAME
    ) -> dict[str, Any]:
        """The next message; a relay ``error`` or a broken link raises SyncError (and
        a broken link is finished: see :meth:`fail`)."""
        if timeout is not None:
            timeout = patience(timeout)
        try:
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancel that
            # arrives just as a frame does (CPython gh-86296), and Ctrl-C would be lost.
            async with asyncio.timeout(timeout):
                message = await wire.read_frame(self.reader, wire_timeout(timeout), limit)
        except TimeoutError:
            raise self.fail(
                SyncError(
                    LinkFailure.TIMEOUT,
                    f"The relay {self.where} stopped answering; sync again to resume "
                    "where it stopped.",
                )
            ) from None
        except ProtocolError as exc:
            broke = self._broke(exc.message)
            if exc.code != Refusal.CLOSED:
                broke.code = "protocol"
            raise self.fail(broke) from None
        except (ConnectionError, OSError) as exc:
            raise self.fail(self._broke(_why(exc))) from None
        if message["t"] == "error":
            code = message.get("code") if isinstance(message.get("code"), str) else "error"
            text = message.get("message") if isinstance(message.get("message"), str) else ""
            raise refusal(self.address, str(code), str(text))
        return message

    @property
    def where(self) -> str:
        return f"{self.address.host}:{self.address.port}"

    async def close(self, polite: bool = True) -> None:
        with contextlib.suppress(Exception):
            if polite and not self.writer.is_closing():
                self.send({"t": "bye"})
                await asyncio.wait_for(self.writer.drain(), 2)
        self.writer.close()
        with contextlib.suppress(Exception):
            await asyncio.wait_for(self.writer.wait_closed(), 2)

    # -- opening moves -----------------------------------------------------------------
    async def login(
        self,
        identity: Identity,
        net: bytes,
        have: dict[bytes, int],
        create: bytes | None = None,
        probe: bool = False,
        add: bytes | None = None,
        want: list[bytes] | None = None,
    ) -> dict[str, Any]:
        """Log in as a member; returns the relay's ``ready`` (its vector, events coming).
        ``add``: this device's ``device.add``, which a relay that does not know the
        device yet takes first (a recovered computer's first login)."""
        message: dict[str, Any] = {
            "t": "auth",
            "net": net,
            "member": identity.public_key,
            "sig": identity.sign(
                wire.auth_message(self.nonce, self.fingerprint, net, identity.public_key)
            ),
            "probe": probe,
        }
        if create is not None:
            message["create"] = create
        if add is not None:
            message["add"] = add
        self.send(message)
        return await self.ready(have, want)

    async def ready(
        self, have: dict[bytes, int], want: list[bytes] | None = None
    ) -> dict[str, Any]:
        """After the login: our vector, in its own frame (the accepting side reads only a
        small frame from a peer that has not logged in yet), with the events we hold
        without their bodies (``want``: sent again in full where the peer has them), and
        its ``ready``."""
        message: dict[str, Any] = {"t": "have", "have": wire.vector_wire(have)}
        if want:
            message["want"] = b"".join(want[: wire.MAX_WANT])
        self.send(message)
        ready = await self.recv()
        if ready["t"] != "ready":
            raise SyncError(LinkFailure.PROTOCOL, f"The relay {self.where} answered out of turn.")
        return ready

    async def redeem(self, code: InviteCode) -> dict[str, Any]:
        """Prove the invite; returns the relay's ``redeemable`` (the nonce the join must
        carry and a Lamport clock past the invite's). The welcome package comes only
        after the relay has taken the join."""
        key = signing_key(code.secret, code.net)
        proof = wire.redeem_auth_message(self.nonce, self.fingerprint, code.net, code.key)
        self.send({"t": "redeem", "net": code.net, "invite": code.key, "sig": key.sign(proof)})
        answer = await self.recv()
        if answer["t"] != "redeemable" or answer.get("nonce") != self.nonce:
            raise SyncError(LinkFailure.PROTOCOL, f"The relay {self.where} answered out of turn.")
        return answer


async def first_reachable(places: Iterable[T], attempt: Callable[[T], Awaitable[R]]) -> R:
    """``attempt`` at each place in turn until one answers: the next is tried only when
    one cannot be reached; any other failure (a refusal, an impersonation) is final."""
    failure: SyncError | None = None
    for place in places:
        try:
            return await attempt(place)
        except SyncError as exc:
            failure = exc
            if exc.code != LinkFailure.UNREACHABLE:
                break
    if failure is None:
        raise ValueError("no place to try")
    raise failure


def unreachable(what: str, where: str, exc: OSError | TimeoutError) -> SyncError:
    """A connection that could not be made, in words (``what``: "relay", "colleague")."""
    if isinstance(exc, TimeoutError):
        return SyncError(
            LinkFailure.UNREACHABLE,
            f"The {what} at {where} did not answer in time; try again later.",
        )
    why = (
        "refused the connection"
        if exc.errno == errno.ECONNREFUSED
        else exc.strerror or str(exc) or type(exc).__name__
    )
    return SyncError(
        LinkFailure.UNREACHABLE,
        f"Cannot reach the {what} at {where} ({why or exc}); check your connection "
        "or try again later. Your library is unchanged.",
    )


def _why(exc: OSError) -> str:
    """An operating system's account of a broken connection, in words."""
    if isinstance(exc, ConnectionError):
        return "the connection was cut"
    if isinstance(exc, ssl.SSLError):
        return "the connection was garbled in transit"
    return exc.strerror or str(exc) or type(exc).__name__


def wire_timeout(timeout: float | None) -> float:
    return 30.0 if timeout is None else min(timeout, 30.0)
