"""The membership fold's rules for a member's devices (a part of
:class:`casebook.core.model.membership.MembershipState`, kept apart to keep modules small).

A member is their member key; each of their computers is a device with its own chain.
The member key's own chain is device zero. Another device joins with ``device.add``
(the first event of its chain) carrying a certificate signed by the member key or by a
device of the member that is current at that point of the fold; from then on its events
count as the member's. A member has at most :data:`MAX_DEVICES` current devices.

``device.revoke`` cuts a device's chain after ``upto`` and names the devices it
certified that stay (``keeps``); any other device it certified no longer counts,
whatever its Lamport clock says. Without the member key's signature a device may
revoke only itself (cut at the revocation) or a device certified below it (its
descendants in the tree of certificates rooted at device zero): two devices can never
revoke each other, so a stolen computer cannot answer its revocation with one of its
own. A revocation that carries the member key's signature (``msig``, over the network,
the device, ``upto`` and ``keeps``) may name any device, cuts exactly at the signed
``upto``, counts even when the device writing it was itself revoked, and voids every
revocation the device it names made. Revocations of one device add up: the cut is the
lowest of theirs and only the devices every one of them keeps stay. A device's
``holds`` (the seeds it was handed when linked, not signed) is capped at the epoch
current when it is revoked or its member removed.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from casebook.core.model.identity import verify
from casebook.core.model.kinds import EventKind, Role
from casebook.core.model.membership_state import (
    MAX_DEVICE_NAME,
    MAX_DEVICES,
    MAX_WRAPS,
    Device,
    Entry,
    Epoch,
    Member,
    _is_bytes,
    _is_int,
    _keys,
    device_cert_message,
    device_revoke_message,
    usable_xkey,
)

_ADD_KEYS = {"member", "xkey", "name", "created", "by", "sig"}
_REVOKE_KEYS = {"device", "upto", "keeps"}


def device_uptos(value: Any) -> dict[bytes, int] | None:
    """``[[device, seq], …]`` sorted by device without repeats, as a dict; None if
    malformed (the ``devices`` of a role change or removal)."""
    if not isinstance(value, list) or len(value) > MAX_WRAPS:
        return None
    out: dict[bytes, int] = {}
    for item in value:
        if not (
            isinstance(item, list)
            and len(item) == 2
            and _is_bytes(item[0], 32)
            and _is_int(item[1])
        ):
            return None
        out[item[0]] = item[1]
    keys = [item[0] for item in value]
    return out if keys == sorted(set(keys)) else None


class DeviceRules:
    """Methods of the membership state for devices and for reading a chain as its member."""

    members: dict[bytes, Member]
    devices: dict[bytes, Device]
    epochs: list[Epoch]
    founder: bytes | None
    accepted: dict[bytes, tuple[Entry, Role | None]]

    # -- questions ------------------------------------------------------------------
    def member_of(self, chain: bytes) -> Member | None:
        """The member whose device wrote ``chain`` (None: no such device here)."""
        device = self.devices.get(chain)
        return None if device is None else self.members.get(device.member)

    def role_at(self, chain: bytes, seq: int) -> Role | None:
        """The role of the event at ``seq`` of ``chain`` (a device, or a member key)."""
        device = self.devices.get(chain)
        if device is None:
            return None
        if device.cut is not None and seq > device.cut:
            return None
        return self.members[device.member].chain_role_at(chain, seq)

    def role_now(self, chain: bytes) -> Role | None:
        """The role ``chain`` writes with now; None for unknown, revoked or removed."""
        device = self.devices.get(chain)
        if device is None or device.cut is not None:
            return None
        return self.members[device.member].role

    def current_devices(self, member: Member) -> list[Device]:
        if not member.active:
            return []
        return [d for d in (self.devices[k] for k in member.devices) if d.current]

    def device_holds(self, device: Device, number: int, winner_only: bool = False) -> bool:
        """Whether ``device`` was given the seed of epoch ``number``."""
        member = self.members[device.member]
        if device.key == member.key:
            if number == 0 and member.key == self.founder:
                return True
            if member.invite is not None and member.invite_epoch >= number:
                return True
        elif device.holds >= number:
            return True
        return self.epochs[number].wrapped_to(device.key, winner_only)

    def chain_terms(self, chain: bytes) -> tuple[bytes, int | None, tuple[tuple[int, Role], ...]]:
        """What decides how a chain's events are judged: the event that admitted it,
        where it is cut (revoked or removed), and where each role starts on it."""
        device = self.devices[chain]
        member = self.members[device.member]
        if chain == member.key:
            cuts = [c for c in (member.cut, device.cut) if c is not None]
            return member.join_event, min(cuts) if cuts else None, tuple(member.roles)
        cuts = [] if device.cut is None else [device.cut]
        if member.cut is not None:
            cuts.append(member.device_cuts.get(chain, 0))
        uptos = member.role_uptos
        roles = tuple(
            ((uptos[i] if i < len(uptos) else {}).get(chain, 0), role)
            for i, (_, role) in enumerate(member.roles)
        )
        return device.add_event, min(cuts) if cuts else None, roles

    def as_member(self, e: Entry) -> Entry:
        """``e`` with its author read as the member whose device wrote it."""
        device = self.devices.get(e.author)
        if device is None or device.member == e.author:
            return e
        return replace(e, author=device.member, chain=e.author)

    # -- the fold's rules -----------------------------------------------------------
    def add_device_zero(self, member: Member, e: Entry) -> None:
        member.devices.append(member.key)
        member.role_uptos.append({})
        self.devices[member.key] = Device(
            key=member.key,
            member=member.key,
            xkey=member.xkey,
            name="",
            added=e.ts,
            add_event=e.id,
            by=member.key,
        )

    def certificate_reason(self, e: Entry) -> str | None:
        """Why ``e`` (a ``device.add``) may not add a device now, or None. Cheap: no
        change to the state; the relay asks it before a pushed one costs a fold."""
        p = e.pub
        if set(p) not in (_ADD_KEYS, _ADD_KEYS | {"holds"}):
            return "malformed device certificate"
        if not (
            _is_bytes(p["member"], 32)
            and _is_bytes(p["xkey"], 32)
            and _is_bytes(p["by"], 32)
            and _is_bytes(p["sig"], 64)
            and _is_int(p["created"])
            and isinstance(p["name"], str)
            and len(p["name"]) <= MAX_DEVICE_NAME
            and ("holds" not in p or _is_int(p["holds"]))
        ):
            return "malformed device certificate"
        if not usable_xkey(p["xkey"]):
            return "unusable key-agreement key"
        if e.seq != 1:
            return "a device is added by the first event of its chain"
        if e.author in self.devices or e.author in self.members:
            return "this key is a member or a device already"
        member = self.members.get(p["member"])
        if member is None or not member.active:
            return "the device's member is not a member"
        signer = self.devices.get(p["by"])
        if signer is None or signer.member != member.key:
            return "the certificate is not signed by the member or one of their devices"
        if not signer.current and p["by"] != member.key:
            return "the certificate is signed by a revoked device"
        if len(self.current_devices(member)) >= MAX_DEVICES:
            return f"a member has at most {MAX_DEVICES} computers; revoke one first"
        message = device_cert_message(
            e.net, member.key, e.author, p["xkey"], p["created"], p["name"]
        )
        if not verify(p["by"], p["sig"], message):
            return "the device certificate does not verify"
        return None

    def _device_add(self, e: Entry) -> str | None:
        reason = self.certificate_reason(e)
        if reason is not None:
            return reason
        p = e.pub
        member = self.members[p["member"]]
        member.devices.append(e.author)
        self.devices[e.author] = Device(
            key=e.author,
            member=member.key,
            xkey=p["xkey"],
            name=p["name"],
            added=e.ts,
            add_event=e.id,
            by=p["by"],
            holds=p.get("holds", -1),
        )
        return None

    def revocation_signed(self, e: Entry) -> bool:
        """Whether a ``device.revoke`` carries a valid signature of the member key of
        the device that wrote it."""
        p = e.pub
        member = self.member_of(e.author)
        keeps = _keys(p.get("keeps"), MAX_WRAPS)
        if member is None or keeps is None or not _is_bytes(p.get("msig"), 64):
            return False
        if not (_is_bytes(p.get("device"), 32) and _is_int(p.get("upto"))):
            return False
        message = device_revoke_message(e.net, p["device"], p["upto"], sorted(keeps))
        return verify(member.key, p["msig"], message)

    def certified_below(self, device: Device, ancestor: bytes) -> bool:
        """Whether ``ancestor`` certified ``device``, directly or through others."""
        seen: set[bytes] = set()
        while device.by != device.key and device.key not in seen:
            seen.add(device.key)
            if device.by == ancestor:
                return True
            parent = self.devices.get(device.by)
            if parent is None:
                return False
            device = parent
        return False

    def cap_holds(self, device: Device) -> None:
        """A revoked or removed device was handed no seed of an epoch made after."""
        device.holds = min(device.holds, len(self.epochs) - 1)

    def _device_revoke(self, e: Entry, signed: bool) -> str | None:
        """``e`` is read as its member's (``as_member``); ``signed``: ``msig`` verified."""
        p = e.pub
        if set(p) != (_REVOKE_KEYS | ({"msig"} if signed else set())):
            return "malformed device revocation"
        keeps = _keys(p["keeps"], MAX_WRAPS)
        if not _is_bytes(p["device"], 32) or not _is_int(p["upto"]) or keeps is None:
            return "malformed device revocation"
        member = self.members[e.author]
        if not member.active:
            return "the author is not a member"
        device = self.devices.get(p["device"])
        if device is None or device.member != member.key:
            return "no such device of this member"
        itself = device.key == e.writer
        if not signed and not itself and not self.certified_below(device, e.writer):
            return (
                "without the member key a computer may revoke only itself and the "
                "computers certified below it"
            )
        cut = e.seq if itself and not signed else p["upto"]
        if device.cut is None:
            device.revoked_by, device.revoke_event, device.revoked_at = e.writer, e.id, e.ts
        device.cut = cut if device.cut is None else min(device.cut, cut)
        device.kept = keeps if device.kept is None else device.kept & keeps
        device.overruled = device.overruled or signed
        self.cap_holds(device)
        return None

    def late_devices(self) -> dict[bytes, str]:
        """Accepted device entries a later revocation says do not count: devices
        certified by a revoked device that the revocation does not keep, and the
        revocations written by a device the member key's signature revoked."""
        late: dict[bytes, str] = {}
        for device in self.devices.values():
            signer = self.devices.get(device.by)
            if (
                device.by != device.member
                and signer is not None
                and signer.kept is not None
                and device.key not in signer.kept
            ):
                late[device.add_event] = "certified by a device that was revoked before"
        for event_id, (entry, _) in self.accepted.items():
            if entry.kind != EventKind.DEVICE_REVOKE or "msig" in entry.pub:
                continue
            writer = self.devices.get(entry.author)
            if writer is not None and writer.overruled:
                late[event_id] = "written by a device the member key revoked"
        return late
