"""The accepting side of a direct LAN link: a member of one of this computer's networks
logs in with ``lan_auth`` and gets this member's ``lan_proof`` back (docs/protocol.md,
*Link and login*). Before this, TLS has already required the peer's certificate to chain
to the network's LAN authority; here the fold decides who they are and whether they are
still in."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from casebook.core.model.identity import verify
from casebook.protocol import lan, wire
from casebook.protocol.refusals import Refusal
from casebook.protocol.wire import ProtocolError
from casebook.relay.config import LanAccess

if TYPE_CHECKING:
    from casebook.relay.session import Session


async def accept(
    session: Session, access: LanAccess, message: dict[str, Any], deadline: float
) -> None:
    net = wire.need_bytes(message, "net", 16)
    member = wire.need_bytes(message, "member", 32)
    theirs = wire.need_bytes(message, "nonce", wire.NONCE_BYTES)
    signature = wire.need_bytes(message, "sig", 64)
    ssl_object = session.writer.get_extra_info("ssl_object")
    chosen = access.connection(ssl_object) if ssl_object is not None else None
    peer = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
    if chosen is None or peer is None or chosen[0] != net:
        # The certificate was issued under another network's authority than the one
        # this login names.
        raise ProtocolError(Refusal.DENIED, "this link was not opened for that network")
    own = chosen[1]
    signed = lan.auth_message(session.nonce, theirs, own, peer, net, member)
    if not verify(member, signature, signed):
        raise ProtocolError(Refusal.DENIED, "the login signature does not verify")
    # The computer's own library brings each network here first, over loopback.
    create = message.get("create")
    owner = member == access.member
    founding = owner and isinstance(create, bytes)
    hosted = session.relay.hosted(net, create=founding)
    if hosted is not None and not hosted.exists and isinstance(create, bytes) and founding:
        session.net, session.member = net, member
        await session.create_network(hosted, create, None)
        if hosted.exists:
            session.relay.register(hosted)
    if hosted is None or not hosted.exists:
        raise ProtocolError(Refusal.UNKNOWN_NETWORK, "this computer does not serve that network")
    proof = lan.proof_message(session.nonce, theirs, own, peer, net, access.member, member)
    answer = {"t": "lan_proof", "member": access.member, "sig": access.sign(proof)}
    probe = message.get("probe") is True
    await session.admitted(hosted, member, probe, deadline, answer, owner=owner)
