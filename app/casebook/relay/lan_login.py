"""The accepting side of a direct LAN link: a member of one of this computer's networks
logs in with ``lan_auth`` and gets this member's ``lan_proof`` back (docs/protocol.md,
*Link and login*). Before this, TLS has already required the peer's certificate to chain
to the network's LAN authority; here the signature is checked, and the session then lets
the fold decide whether the member is still in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from casebook.core.model.identity import verify
from casebook.protocol import lan, wire
from casebook.protocol.refusals import Refusal
from casebook.protocol.wire import ProtocolError
from casebook.relay.config import LanAccess


@dataclass(frozen=True)
class LanLogin:
    """A ``lan_auth`` whose signature holds, on this connection."""

    net: bytes
    member: bytes
    theirs: bytes  # the connecting side's nonce
    own: bytes  # our certificate on this connection (DER)
    peer: bytes  # theirs
    owner: bool  # the member whose own computer this is (bringing their library)
    probe: bool
    create: bytes | None  # the network's creation event, from the owner only


def check(access: LanAccess, ssl_object: Any, nonce: bytes, message: dict[str, Any]) -> LanLogin:
    """``message`` (a ``lan_auth``) checked against this connection: the network its
    certificate was chosen for, both certificates and both nonces."""
    net = wire.need_bytes(message, "net", 16)
    member = wire.need_bytes(message, "member", 32)
    theirs = wire.need_bytes(message, "nonce", wire.NONCE_BYTES)
    signature = wire.need_bytes(message, "sig", 64)
    chosen = access.connection(ssl_object) if ssl_object is not None else None
    peer = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    if chosen is None or peer is None or chosen[0] != net:
        # The certificate was issued under another network's authority than the one
        # this login names.
        raise ProtocolError(Refusal.DENIED, "this link was not opened for that network")
    own = chosen[1]
    if not verify(member, signature, lan.auth_message(nonce, theirs, own, peer, net, member)):
        raise ProtocolError(Refusal.DENIED, "the login signature does not verify")
    owner = member == access.member
    create = message.get("create")
    return LanLogin(
        net,
        member,
        theirs,
        own,
        peer,
        owner,
        message.get("probe") is True,
        create if owner and isinstance(create, bytes) else None,
    )


def answer(access: LanAccess, login: LanLogin, nonce: bytes) -> dict[str, Any]:
    """Our ``lan_proof``, sent only once the fold has admitted the member."""
    signed = lan.proof_message(
        nonce, login.theirs, login.own, login.peer, login.net, access.member, login.member
    )
    return {"t": "lan_proof", "member": access.member, "sig": access.sign(signed)}
