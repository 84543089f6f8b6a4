"""Linking a new computer through a relay: both ends of the handover.

``offer`` runs on the computer that has the library: logged in to a relay of one of its
networks, it places a slot named by the link code and waits. ``accept`` runs on the new
computer: it names the slot (``relay/linking.py`` pairs the two and forwards opaque
frames). Then, in ``link_msg`` frames of canonical CBOR:

1. new → old ``{t: "request", device, xkey, name, mac}``: its keys and the proof that it
   holds the code (``LinkCode.request_mac``); both screens show the comparison code;
2. old → new ``{t: "package", sealed}`` once the person confirms (or ``{t: "refused"}``);
3. new → old ``{t: "adds", events}``: its ``device.add`` in every network;
4. old → new ``{t: "done"}`` once those reached the relay (the old computer syncs).
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

from casebook.core.model import devices, recovery
from casebook.core.model.encoding import EncodingError, decode, encode
from casebook.core.model.identity import Identity
from casebook.core.model.link_codes import LinkCode
from casebook.core.model.relayaddr import RelayAddress
from casebook.errors import UsageError, say
from casebook.protocol import wire
from casebook.sync.link import LinkFailure, RelayLink, SyncError, answers_checked, first_reachable

Confirm = Callable[[str, str], Awaitable[bool]]  # (comparison code, device name)
PackageFor = Callable[[bytes, bytes, str], bytes]  # (device, xkey, name) -> sealed package
AfterAdds = Callable[[list[bytes]], Awaitable[None]]  # take the certificates in, sync them
Adopt = Callable[[dict[str, Any]], list[bytes]]  # make the profile; its device.add events
DONE_TIMEOUT = 120.0


def _say(link: RelayLink, message: dict[str, Any], slot: bytes | None = None) -> None:
    """A ``link_msg`` to the other computer (the waiting one names its slot)."""
    frame: dict[str, Any] = {"t": "link_msg", "data": encode(message)}
    if slot is not None:
        frame["slot"] = slot
    link.send(frame)


def _said(message: dict[str, Any]) -> dict[str, Any]:
    try:
        said = decode(wire.need_bytes(message, "data"))
    except (EncodingError, wire.ProtocolError):
        said = None
    if not isinstance(said, dict) or not isinstance(said.get("t"), str):
        raise SyncError(LinkFailure.PROTOCOL, "The other computer sent something unreadable.")
    return said


async def _next(link: RelayLink, kinds: tuple[str, ...], timeout: float) -> dict[str, Any]:
    """The next message of ``kinds`` (a logged-in link also hears live events: skipped)."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise SyncError(
                LinkFailure.TIMEOUT, "The other computer did not answer in time; try again."
            )
        message = await link.recv(left, limit=wire.MAX_FRAME)
        if message["t"] in kinds:
            return message
        if message["t"] == "link_closed":
            raise SyncError(LinkFailure.CLOSED, "The other computer left before the end.")


# -- the computer that has the library ----------------------------------------------------
async def offer(
    code: LinkCode,
    login: Callable[[RelayAddress], Awaitable[RelayLink]],
    package_for: PackageFor,
    confirm: Confirm,
    after_adds: AfterAdds,
    waiting: Callable[[], None] = lambda: None,
) -> str:
    """Wait for the new computer at the first reachable relay the code names, hand it
    the package, take its certificates; returns the new computer's name. ``waiting``
    is called once the relay holds the slot: the code works from then on."""
    link = await first_reachable(code.relays, login)
    try:
        slot = code.slot
        link.send({"t": "link_open", "id": 1, "slot": slot})
        ack = await _next(link, ("ack",), 30)
        if "refused" in ack:
            raise SyncError(LinkFailure.PROTOCOL, f"The relay refused the link: {ack['refused']}.")
        waiting()
        left = max(1.0, (code.expires - time.time() * 1000) / 1000)
        await _next(link, ("link_peer",), left)
        request = _said(await _next(link, ("link_msg",), 60))
        device, xkey, name = request.get("device"), request.get("xkey"), request.get("name")
        if not (
            request["t"] == "request"
            and isinstance(device, bytes)
            and len(device) == 32
            and isinstance(xkey, bytes)
            and len(xkey) == 32
            and isinstance(name, str)
            and isinstance(request.get("mac"), bytes)
            and code.request_ok(device, xkey, name, request["mac"])
        ):
            _say(link, {"t": "refused"}, slot)
            raise UsageError(
                "The computer that answered does not hold this link code; nothing was "
                "handed over. Make a new code."
            )
        name = devices.clean_name(name)
        if not await confirm(code.comparison(device, xkey), name):
            _say(link, {"t": "refused"}, slot)
            raise UsageError("Linking was cancelled; nothing was handed over.")
        _say(link, {"t": "package", "sealed": package_for(device, xkey, name)}, slot)
        answer = _said(await _next(link, ("link_msg",), 120))
        adds = answer.get("events")
        if answer["t"] != "adds" or not isinstance(adds, list) or len(adds) > 1000:
            raise SyncError(LinkFailure.PROTOCOL, "The new computer answered out of turn.")
        if not all(isinstance(raw, bytes) for raw in adds):
            raise SyncError(LinkFailure.PROTOCOL, "The new computer answered out of turn.")
        await after_adds(adds)
        _say(link, {"t": "done"}, slot)
        await link.drain()
        return name
    finally:
        await link.close()


# -- the new computer ---------------------------------------------------------------------
async def accept(
    code: LinkCode,
    device: Identity,
    name: str,
    shown: Callable[[str], None],
    adopt: Adopt,
) -> None:
    """Meet the computer that made ``code`` at its relay and take the package."""
    if not code.relays:
        raise UsageError("This link code names no relay; link on the LAN instead.")

    async def at(address: RelayAddress) -> None:
        with answers_checked(address):
            link = await RelayLink.open(address)
            try:
                await _accept_on(link, code, device, name, shown, adopt)
            finally:
                await link.close()

    await first_reachable(code.relays, at)


async def _accept_on(
    link: RelayLink,
    code: LinkCode,
    device: Identity,
    name: str,
    shown: Callable[[str], None],
    adopt: Adopt,
) -> None:
    link.send({"t": "link_join", "slot": code.slot})
    await _next(link, ("link_ready",), 30)
    name = devices.clean_name(name)
    key, xkey = device.public_key, device.exchange_public_key
    mac = code.request_mac(key, xkey, name)
    _say(link, {"t": "request", "device": key, "xkey": xkey, "name": name, "mac": mac})
    shown(code.comparison(key, xkey))
    left = max(1.0, (code.expires - time.time() * 1000) / 1000) + 60
    answer = _said(await _next(link, ("link_msg",), left))
    if answer["t"] == "refused" or not isinstance(answer.get("sealed"), bytes):
        raise UsageError(
            "The other computer declined (the comparison code did not match, or it was "
            "cancelled); nothing was set up."
        )
    try:
        package = devices.open_package(answer["sealed"], device, code.secret)
    except devices.PackageError as exc:
        raise UsageError(say("The link failed: {0}; nothing was set up.", exc)) from None
    adds = adopt(package)
    _say(link, {"t": "adds", "events": adds})
    done = _said(await _next(link, ("link_msg",), DONE_TIMEOUT))
    if done["t"] != "done":
        raise SyncError(LinkFailure.PROTOCOL, "The other computer answered out of turn.")


# -- a recovered computer -----------------------------------------------------------------
async def fetch_box(address: RelayAddress, member: devices.Signer) -> bytes:
    """The member's sealed recovery box from the relay at ``address``: the relay hands it
    to whoever signs this connection's nonce with the member key."""
    with answers_checked(address):
        link = await RelayLink.open(address)
        try:
            key = member.public_key
            proof = recovery.get_message(link.nonce, link.fingerprint, key)
            link.send({"t": "recovery_get", "member": key, "sig": member.sign(proof)})
            answer = await link.recv()
        finally:
            await link.close()
    sealed = answer.get("sealed")
    if answer["t"] != "recovery" or not isinstance(sealed, bytes):
        raise SyncError(LinkFailure.PROTOCOL, f"The relay {link.where} answered out of turn.")
    return sealed
