"""The values the membership fold works with: entries, members, invites, epochs.

Kept apart from :mod:`membership` (the rules) so each file holds one thing; everything
here is re-exported there.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from casebook.core.model.events import Event
from casebook.core.model.ids import EventId, MemberKey, NetId
from casebook.core.model.kinds import MEMBERSHIP_KINDS, Role

KINDS = MEMBERSHIP_KINDS
# The role names as plain text (command-line choices show them as they are).
ROLES: tuple[str, ...] = tuple(role.value for role in Role)
RANK = {role: rank for rank, role in enumerate(Role)}
INVITERS = ("admins", "members")
MAX_USES = 1000
MAX_WRAPS = 10_000
MAX_DEVICE_NAME = 64
# Current computers a member may have at once (each is a recipient of every new epoch).
MAX_DEVICES = 16
REDEEM_DOMAIN = b"casebook/invite-redeem/v1\x00"
DEVICE_CERT_DOMAIN = b"casebook/device-cert/v1\x00"
DEVICE_REVOKE_DOMAIN = b"casebook/device-revoke/v1\x00"
CREATE_DOMAIN = b"casebook/invite-create/v1\x00"
_NET_ID_DOMAIN = b"casebook/network-id/v1\x00"


def network_id(founder: bytes, nonce: bytes) -> NetId:
    return NetId(hashlib.sha256(_NET_ID_DOMAIN + founder + nonce).digest()[:16])


def redeem_message(net: NetId, member: MemberKey, xkey: bytes, nonce: bytes) -> bytes:
    """What the invite key signs when a newcomer redeems it."""
    return REDEEM_DOMAIN + net + member + xkey + nonce


def creation_message(net: bytes, inviter: bytes, role: Role, expires: int, uses: int) -> bytes:
    """What the invite key signs when its inviter makes it: only whoever holds the
    secret can put the invite's key in the log (nobody can copy it into an invite of
    their own that sorts first)."""
    terms = f"{role}\0{expires}\0{uses}".encode()
    return CREATE_DOMAIN + net + inviter + terms


def device_cert_message(
    net: bytes, member: bytes, device: bytes, xkey: bytes, created: int, name: str
) -> bytes:
    """What a device certificate's signer (the member key or a current device of the
    member) signs: this network, the member, the device's two keys, when and its name."""
    return (
        DEVICE_CERT_DOMAIN
        + net
        + member
        + device
        + xkey
        + created.to_bytes(8, "big")
        + name.encode()
    )


def device_revoke_message(net: bytes, device: bytes, upto: int, keeps: list[bytes]) -> bytes:
    """What the member key signs to overrule with a revocation (``msig``)."""
    return DEVICE_REVOKE_DOMAIN + net + device + upto.to_bytes(8, "big") + b"".join(keeps)


@dataclass(frozen=True)
class Entry:
    """The clear part of one membership event."""

    id: EventId
    net: NetId
    author: MemberKey
    seq: int
    lamport: int
    ts: int
    kind: str
    epoch: int
    pub: dict[str, Any]
    # The device that wrote it when ``author`` has been read as its member (see
    # ``MembershipState.as_member``); empty when ``author`` is the chain itself.
    chain: bytes = b""

    @classmethod
    def of(cls, event: Event) -> Entry:
        h = event.header
        return cls(event.id, h.net, h.author, h.seq, h.lamport, h.ts, h.kind, h.epoch, h.pub)

    @property
    def writer(self) -> bytes:
        """The chain (device key) that wrote the entry."""
        return self.chain or self.author

    @property
    def order(self) -> tuple[int, EventId]:
        return (self.lamport, self.id)


@dataclass
class Member:
    key: MemberKey
    xkey: bytes
    since: int  # ts of the join (or of the network's creation)
    join_event: EventId
    invite: bytes | None = None  # the invite key redeemed; None for the founder
    invited_by: MemberKey | None = None
    invite_epoch: int = 0  # the newest epoch seed the invite's welcome package holds
    # (after_seq, role): the role of the member's events with seq > after_seq
    roles: list[tuple[int, Role]] = field(default_factory=list)
    removed_by: MemberKey | None = None
    removed_at: int | None = None
    removal_event: EventId | None = None
    cut: int | None = None  # events with seq > cut were written after removal
    # fold position of the event that made them admin: an admin may remove or demote
    # only admins appointed after them (the founder is the most senior)
    admin_since: tuple[int, EventId] | None = None
    # Their devices (chains), the member key itself first (device zero).
    devices: list[bytes] = field(default_factory=list)
    # For each entry of ``roles``: where it starts on each other device's chain (a
    # device it does not name starts it at seq 0: all of that chain's events).
    role_uptos: list[dict[bytes, int]] = field(default_factory=list)
    # Once removed: the last seq of each other device's chain the remover had seen.
    device_cuts: dict[bytes, int] = field(default_factory=dict)

    def chain_role_at(self, chain: bytes, seq: int) -> Role | None:
        """The role of this member's event at ``seq`` of the chain ``chain`` (the
        member key's own chain or one of their devices')."""
        if chain == self.key:
            return self.role_at(seq)
        if self.cut is not None and seq > self.device_cuts.get(chain, 0):
            return None
        role: Role | None = None
        for index, (_, value) in enumerate(self.roles):
            uptos = self.role_uptos[index] if index < len(self.role_uptos) else {}
            if seq > uptos.get(chain, 0):
                role = value
        return role

    def role_at(self, seq: int) -> Role | None:
        if self.cut is not None and seq > self.cut:
            return None
        role: Role | None = None
        for after, value in self.roles:
            if seq > after:
                role = value
        return role

    @property
    def role(self) -> Role | None:
        """The role now (for events not written yet); None once removed."""
        if self.cut is not None:
            return None
        return self.roles[-1][1] if self.roles else None

    @property
    def active(self) -> bool:
        return self.cut is None


@dataclass
class Device:
    """One computer of a member: its own chain, certified by the member key or by
    another of the member's devices (see ``device_rules``). The member key's own chain
    is the member's device zero, certified by itself."""

    key: bytes
    member: MemberKey
    xkey: bytes
    name: str
    added: int  # ts of its device.add (or of the member's join)
    add_event: EventId
    by: bytes  # who signed its certificate: the member key or a device of theirs
    # the newest epoch whose seeds it was handed when linked (-1: none, a recovery)
    holds: int = -1
    cut: int | None = None  # revoked: its events with seq > cut do not count
    revoked_by: bytes | None = None
    revoke_event: EventId | None = None
    revoked_at: int | None = None
    # once revoked: the devices it certified that stay (those the revoker had seen)
    kept: frozenset[bytes] | None = None
    overruled: bool = False  # revoked with the member key's signature

    @property
    def current(self) -> bool:
        return self.cut is None


@dataclass
class Invite:
    key: bytes
    inviter: MemberKey
    role: Role
    expires: int
    uses: int
    epoch: int  # the epoch the invite (and its welcome package) was made in
    created_at: int
    event: EventId
    used_by: list[MemberKey] = field(default_factory=list)
    revoked_by: MemberKey | None = None
    closed_event: EventId | None = None  # the revocation, removal or role change closing it
    closed_epoch: int = -1  # the newest epoch when it closed (its package had it at most)
    # Joins of it are sealed under its join key (``invites.join_seed``), so a newcomer
    # joins before any seed is handed over; older invites' joins use an epoch seed.
    sealed_join: bool = False
    # Once revoked (or its inviter removed): the only joins it may ever admit, i.e. those
    # the revoking admin had seen. A join sorting earlier but not in this set is refused.
    allowed: frozenset[bytes] | None = None

    def close(self, allowed: frozenset[bytes]) -> None:
        self.allowed = allowed if self.allowed is None else self.allowed & allowed

    def open_at(self, ts: int) -> bool:
        return self.revoked_by is None and len(self.used_by) < self.uses and ts <= self.expires

    def status(self, now: int) -> str:
        if self.revoked_by is not None:
            return "revoked"
        if len(self.used_by) >= self.uses:
            return "used"
        if now > self.expires:
            return "expired"
        return "open"


@dataclass
class Epoch:
    number: int
    winner: EventId  # rotation event id (the network.create id for epoch 0)
    author: MemberKey
    # recipients of each candidate rotation, winner first
    candidates: list[tuple[EventId, frozenset[bytes]]] = field(default_factory=list)

    def wrapped_to(self, key: bytes, winner_only: bool = False) -> bool:
        pool = self.candidates[:1] if winner_only else self.candidates
        return any(key in recipients for _, recipients in pool)


_PROBE = X25519PrivateKey.from_private_bytes(hashlib.sha256(b"casebook/xkey-probe/v1").digest())


@lru_cache(maxsize=4096)
def usable_xkey(xkey: bytes) -> bool:
    """False for X25519 public keys of low order, to which no seed can be wrapped (the
    shared secret would be all zeros); such a member would make admins re-key forever."""
    try:
        _PROBE.exchange(X25519PublicKey.from_public_bytes(xkey))
    except ValueError:
        return False
    return True


def _is_bytes(value: Any, length: int) -> bool:
    return isinstance(value, bytes) and len(value) == length


def _is_int(value: Any) -> bool:
    return type(value) is int and value >= 0


def _keys(value: Any, limit: int) -> frozenset[bytes] | None:
    """A sorted, duplicate-free list of 32-byte keys, as a set; None if malformed."""
    if not isinstance(value, list) or len(value) > limit:
        return None
    if not all(_is_bytes(k, 32) for k in value) or value != sorted(set(value)):
        return None
    return frozenset(value)
