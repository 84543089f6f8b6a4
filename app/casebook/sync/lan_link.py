"""A direct link to a colleague's computer on the LAN (docs/protocol.md, *Link and
login*): TLS 1.3 where both sides show a certificate of the network's LAN authority,
then ``lan_auth`` (our proof, bound to both certificates and both nonces) and the
colleague's ``lan_proof``, which must verify and name a current member by our own fold.
From there the link is a relay link: the same exchange runs over it."""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from casebook.core.model.identity import Identity, verify
from casebook.core.model.relayaddr import RelayAddress
from casebook.protocol import lan, tls, wire
from casebook.protocol.refusals import Refusal
from casebook.protocol.wire import ProtocolError
from casebook.sync.link import CONNECT_TIMEOUT, LinkFailure, RelayLink, SyncError, unreachable
from casebook.sync.status import LAN_SCHEME


@dataclass(frozen=True)
class LanPeer(RelayAddress):
    """A colleague's computer as its advertisement names it: the address, and the token
    it advertised for the network (hex), which the link sends as the TLS server name."""

    name: str = ""

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{LAN_SCHEME}{host}:{self.port}"


@dataclass(frozen=True)
class Credentials:
    """What this computer shows a colleague for one network: a TLS context that
    presents our certificate and trusts only the network's LAN authorities, and that
    certificate (DER) for the proofs."""

    context: ssl.SSLContext
    own: bytes


# Whether a key is a current member of a network, by this profile's fold.
Judge = Callable[[bytes, bytes], bool]


class LanLink(RelayLink):
    peer_cert: bytes = b""
    own_cert: bytes = b""
    judge: Judge | None = None
    colleague: bytes | None = None  # their member key, once proved
    genesis: bytes | None = None  # set on the link to our own relay: the network.create

    @classmethod
    async def open_peer(
        cls, peer: LanPeer, credentials: Credentials, judge: Judge, timeout: float = CONNECT_TIMEOUT
    ) -> LanLink:
        where = f"{peer.host}:{peer.port}"
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(
                    peer.host,
                    peer.port,
                    ssl=credentials.context,
                    server_hostname=peer.name,
                    limit=2**16,
                ),
                timeout,
            )
        except ssl.SSLError:
            raise SyncError(
                LinkFailure.IMPERSONATION,
                f"The computer at {where} showed no certificate of this network. Nothing was sent.",
            ) from None
        except (TimeoutError, OSError) as exc:
            raise unreachable("colleague's computer", where, exc) from None
        link = cls(peer, reader, writer, b"")
        ssl_object = writer.get_extra_info("ssl_object")
        der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        if der is None:
            writer.close()
            raise SyncError(
                LinkFailure.IMPERSONATION, f"The computer at {where} showed no certificate."
            )
        link.peer_cert, link.own_cert, link.judge = der, credentials.own, judge
        link.fingerprint = tls.cert_fingerprint(der)
        await link.greeted(timeout, lan=True)
        return link

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
        """``lan_auth``, then the colleague's ``lan_proof`` checked, then the vectors.
        (``add`` is for relays: a colleague's computer admits a device it already knows.)"""
        mine = tls.random_nonce(wire.NONCE_BYTES)
        me = identity.public_key
        signed = lan.auth_message(self.nonce, mine, self.peer_cert, self.own_cert, net, me)
        message: dict[str, Any] = {
            "t": "lan_auth",
            "net": net,
            "member": me,
            "nonce": mine,
            "sig": identity.sign(signed),
            "probe": probe,
        }
        if self.genesis is not None:
            message["create"] = self.genesis  # our own computer takes the network from us
        self.send(message)
        answer = await self.recv()
        try:
            if answer["t"] != "lan_proof":
                raise ProtocolError(Refusal.UNEXPECTED, "expected lan_proof")
            them = wire.need_bytes(answer, "member", 32)
            signature = wire.need_bytes(answer, "sig", 64)
        except ProtocolError:
            raise self.fail(
                SyncError(
                    LinkFailure.PROTOCOL, f"The computer at {self.where} answered out of turn."
                )
            ) from None
        proof = lan.proof_message(self.nonce, mine, self.peer_cert, self.own_cert, net, them, me)
        assert self.judge is not None
        if not verify(them, signature, proof) or not self.judge(net, them):
            raise self.fail(
                SyncError(
                    LinkFailure.IMPERSONATION,
                    f"The computer at {self.where} did not prove it belongs to a current "
                    "member of this network; nothing was sent.",
                )
            )
        self.colleague = them
        return await self.ready(have, want)
