"""The membership fold's rules for a member's devices (a part of
:class:`casebook.core.model.membership.MembershipState`, kept apart to keep modules small).

A member is their member key; each of their computers is a device with its own chain.
The member key's own chain is device zero. Another device joins with ``device.add``
(the first event of its chain) carrying a certificate signed by the member key or by a
device of the member; from then on its events count as the member's.

``device.revoke`` cuts a device's chain after ``upto``. It counts only when it carries
the member key's signature (``msig``, over the network, the device, ``upto`` and
``keeps``: any device of the member, cut at exactly the signed ``upto``, whatever
became of the device writing it) or when a device revokes itself (cut at that event):
a device never revokes another on its own, so no revocation can answer another. The
devices the revoked one certified stay only if the member key's revocations name them
in ``keeps`` (a device revoking itself keeps nothing). Revocations of one device add
up: the lowest cut, and only the devices every revocation by the member key keeps.

What depends only on the device events (cuts, which certificates count, the cap of
:data:`MAX_DEVICES`) is settled before the fold (``device_settle``) and applied from
each device's first event; the rules here judge what depends on order and keep the
state right when an entry is applied on its own (the relay's incremental fold). A
device's ``holds`` (not signed) is capped at the epoch current when it is revoked or its
member removed, and at the epoch current where it is added.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

from casebook.core.model.device_settle import (
    CAPPED,
    NOT_KEPT,
    REVOKE_KEYS,
    Settled,
    cert_shape,
    cert_verifies,
    revocation_counts,
)
from casebook.core.model.kinds import Role
from casebook.core.model.membership_state import (
    MAX_DEVICES,
    MAX_WRAPS,
    Device,
    Entry,
    Epoch,
    Member,
    _is_bytes,
    _is_int,
    _keys,
    usable_xkey,
)


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
    settled: Settled | None

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
            cut=None if self.settled is None else self.settled.cuts.get(member.key),
            kept=None if self.settled is None else self.settled.kept.get(member.key),
        )

    def certificate_reason(self, e: Entry) -> str | None:
        """Why ``e`` (a ``device.add``) may not add a device now, or None. Changes
        nothing; the relay asks it before a pushed one costs a fold."""
        if not cert_shape(e):
            return "malformed device certificate"
        p = e.pub
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
        if self.settled is not None and e.id in self.settled.judged:
            return self.settled.refused.get(e.id)  # its signature held, and the rest
        if not cert_verifies(e):
            return "the device certificate does not verify"
        by_member_key = p["by"] == member.key  # certifies whatever became of device zero
        if (
            not by_member_key
            and signer.cut is not None
            and e.author not in (signer.kept or frozenset())
        ):
            return "the certificate is signed by a revoked device"
        depth = 1 if by_member_key else self.depth_of(signer) + 1
        nearer = [d for d in self.current_devices(member) if self.depth_of(d) <= depth]
        if len(nearer) >= MAX_DEVICES:
            return CAPPED
        return None

    def signers(self, device: Device) -> Iterator[bytes]:
        """Who signed ``device``'s certificate, who signed that one's, … up to the
        member key (nothing for device zero)."""
        seen: set[bytes] = set()
        while device.by != device.key and device.key not in seen:
            seen.add(device.key)
            yield device.by
            parent = self.devices.get(device.by)
            if parent is None:
                return
            device = parent

    def depth_of(self, device: Device) -> int:
        """Certificates from ``device`` up to its member key (device zero: 0)."""
        return sum(1 for _ in self.signers(device))

    def _device_add(self, e: Entry) -> str | None:
        reason = self.certificate_reason(e)
        if reason is not None:
            return reason
        p = e.pub
        member = self.members[p["member"]]
        member.devices.append(e.author)
        settled = self.settled
        self.devices[e.author] = Device(
            key=e.author,
            member=member.key,
            xkey=p["xkey"],
            name=p["name"],
            added=e.ts,
            add_event=e.id,
            by=p["by"],
            # Not signed: no more than the epochs that exist where it is added.
            holds=min(p.get("holds", -1), len(self.epochs) - 1),
            cut=None if settled is None else settled.cuts.get(e.author),
            kept=None if settled is None else settled.kept.get(e.author),
        )
        return None

    def revocation_signed(self, e: Entry) -> bool:
        """Whether a ``device.revoke`` carries a valid signature of the member key of
        the device that wrote it."""
        member = self.member_of(e.author)
        if member is None or "msig" not in e.pub:
            return False
        if self.settled is not None and e.id in self.settled.counted:
            return True  # its signature was checked when the devices were settled
        return revocation_counts(e, member.key) is not None

    def certified_below(self, device: Device, ancestor: bytes) -> bool:
        """Whether ``ancestor`` certified ``device``, directly or through others."""
        return ancestor in self.signers(device)

    def cap_holds(self, device: Device) -> None:
        """A revoked or removed device was handed no seed of an epoch made after."""
        device.holds = min(device.holds, len(self.epochs) - 1)

    def _device_revoke(self, e: Entry, signed: bool) -> str | None:
        """``e`` is read as its member's (``as_member``); ``signed``: ``msig`` verified."""
        p = e.pub
        if set(p) != (REVOKE_KEYS | ({"msig"} if signed else set())):
            return "malformed device revocation"
        keeps = _keys(p["keeps"], MAX_WRAPS)
        if not _is_bytes(p["device"], 32) or not _is_int(p["upto"]) or keeps is None:
            return "malformed device revocation"
        member = self.members[e.author]
        if not member.active:
            return "the author is not a member"
        device = self.devices.get(p["device"])
        if device is None and self.settled is not None and e.id in self.settled.counted:
            return None  # of a device added later in fold order: settled, cut from its start
        if device is None or device.member != member.key:
            return "no such device of this member"
        itself = device.key == e.writer
        by_member_key = signed or (e.writer == member.key and not itself)  # device zero
        if not by_member_key and not itself:
            return (
                "a computer is revoked with the member key's signature (the recovery key), "
                "or by itself"
            )
        if self.settled is not None and e.id not in self.settled.counted:
            return "written after the revoking computer was itself revoked"
        cut = p["upto"] if by_member_key else e.seq
        if device.revoke_event is None:
            device.revoked_by, device.revoke_event, device.revoked_at = e.writer, e.id, e.ts
        if self.settled is None:  # on its own (a test's state): as settling would
            device.cut = cut if device.cut is None else min(device.cut, cut)
            if by_member_key:
                device.kept = keeps if device.kept is None else device.kept & keeps
            elif device.kept is None:
                device.kept = frozenset()
        device.overruled = device.overruled or signed
        self.cap_holds(device)
        return None

    def late_devices(self) -> dict[bytes, str]:
        """Accepted certificates a revocation applied later says do not count (signed
        by a device it revoked without keeping them), and any beyond the cap: what an
        entry applied on its own may change (a whole fold settles them first)."""
        late: dict[bytes, str] = {}
        for device in self.devices.values():
            signer = self.devices.get(device.by)
            if (
                device.by != device.member
                and signer is not None
                and signer.kept is not None
                and device.key not in signer.kept
            ):
                late[device.add_event] = NOT_KEPT
        for member in self.members.values():
            if len(member.devices) <= MAX_DEVICES:
                continue  # its current devices are fewer still
            current = self.current_devices(member)
            if len(current) > MAX_DEVICES:
                ranked = sorted(current, key=lambda d: (self.depth_of(d), self._order(d)))
                for device in ranked[MAX_DEVICES:]:
                    late[device.add_event] = CAPPED
        return late

    def _order(self, device: Device) -> tuple[int, bytes]:
        entry = self.accepted.get(device.add_event)
        return entry[0].order if entry is not None else (0, device.add_event)
