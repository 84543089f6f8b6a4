"""Membership entries made in memory, for tests that feed the fold without a database.

A :class:`Story` is one network told event by event: each helper signs a real event
(:func:`casebook.core.model.events.create`) with the author's next ``seq`` and a Lamport
clock one past everything written so far (or the one the test gives, to write
concurrent or back-dated events), turns it into a membership :class:`Entry` and keeps it
in ``entries``. Nothing checks the rules here: what the fold makes of the entries is
what the tests are about.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from casebook.core.model import epochs, events, invite_codes
from casebook.core.model.identity import Identity
from casebook.core.model.ids import EventId, MemberKey
from casebook.core.model.kinds import Role
from casebook.core.model.membership import (
    Entry,
    MembershipState,
    device_cert_message,
    device_revoke_message,
    fold,
    network_id,
)

T0 = 1_700_000_000_000  # ms: when every story starts
DAY = 86_400_000
SEED = bytes(range(32))  # bodies are sealed under it; the fold never opens them


@dataclass
class Person:
    """An identity and the head of its chain in one story."""

    name: str
    identity: Identity = field(default_factory=Identity.generate)
    seq: int = 0
    prev: EventId | None = None

    @property
    def key(self) -> MemberKey:
        return self.identity.public_key

    @property
    def xkey(self) -> bytes:
        return self.identity.exchange_public_key


@dataclass(frozen=True)
class Code:
    """An invite's secret (what the code carries) and the ``invite.create`` entry."""

    secret: bytes
    key: bytes
    entry: Entry


class Story:
    """One network's membership log, written in memory."""

    def __init__(
        self,
        founder: Person,
        *,
        invite: str = "admins",
        role: str = "member",
        lamport: int | None = None,
    ) -> None:
        self.nonce = os.urandom(16)
        self.net = network_id(founder.key, self.nonce)
        self.clock = 0
        self.entries: list[Entry] = []
        self.raws: list[events.Event] = []  # the signed events, as a relay gets them
        pub = {"nonce": self.nonce, "xkey": founder.xkey, "policy": _policy(invite, role)}
        self.created = self.write(founder, "network.create", pub, lamport=lamport)

    # -- writing ----------------------------------------------------------------------
    def write(
        self,
        author: Person,
        kind: str,
        pub: dict[str, Any],
        *,
        lamport: int | None = None,
        ts: int = T0,
        epoch: int = 0,
    ) -> Entry:
        """Sign ``author``'s next event and keep its entry; ``lamport`` None means one
        past every event written so far (the author has seen everything)."""
        author.seq += 1
        lamport = self.clock + 1 if lamport is None else lamport
        self.clock = max(self.clock, lamport)
        event = events.create(
            author.identity,
            net=self.net,
            seq=author.seq,
            prev=author.prev,
            lamport=lamport,
            ts=ts,
            kind=kind,
            epoch=epoch,
            seed=SEED,
            payload={},
            pub=pub,
        )
        author.prev = event.id
        entry = Entry.of(event)
        self.entries.append(entry)
        self.raws.append(event)
        return entry

    def invite(
        self,
        inviter: Person,
        role: str = "member",
        *,
        uses: int = 1,
        expires: int = T0 + DAY,
        lamport: int | None = None,
    ) -> Code:
        secret = os.urandom(invite_codes.SECRET_LEN)
        key = invite_codes.invite_key(secret, self.net)
        proof = invite_codes.sign_creation(secret, self.net, inviter.key, Role(role), expires, uses)
        pub = {"key": key, "role": role, "expires": expires, "uses": uses, "join": 1}
        entry = self.write(inviter, "invite.create", {**pub, "proof": proof}, lamport=lamport)
        return Code(secret, key, entry)

    def join(
        self, newcomer: Person, code: Code, *, ts: int = T0, lamport: int | None = None
    ) -> Entry:
        nonce = os.urandom(16)
        proof = invite_codes.prove(code.secret, self.net, newcomer.key, newcomer.xkey, nonce)
        pub = {"invite": code.key, "xkey": newcomer.xkey, "nonce": nonce, "proof": proof}
        return self.write(newcomer, "member.join", pub, ts=ts, lamport=lamport)

    def revoke(
        self,
        author: Person,
        code: Code,
        joins: Sequence[Person] = (),
        *,
        lamport: int | None = None,
    ) -> Entry:
        pub = {"invite": code.key, "joins": keys(joins)}
        return self.write(author, "invite.revoke", pub, lamport=lamport)

    def set_role(
        self,
        admin: Person,
        member: Person,
        role: str,
        *,
        joins: Sequence[Person] | None = None,
        upto: int | None = None,
        devices: Sequence[Person] | None = None,
        lamport: int | None = None,
    ) -> Entry:
        """``upto`` defaults to the member's head: the admin has seen all they wrote."""
        upto = member.seq if upto is None else upto
        pub: dict[str, Any] = {"member": member.key, "role": role, "upto": upto}
        if joins is not None:
            pub["joins"] = keys(joins)
        if devices is not None:
            pub["devices"] = uptos(devices)
        return self.write(admin, "member.role", pub, lamport=lamport)

    def remove(
        self,
        admin: Person,
        member: Person,
        *,
        joins: Sequence[Person] = (),
        closes: Sequence[Code] | None = None,
        upto: int | None = None,
        devices: Sequence[Person] | None = None,
        lamport: int | None = None,
    ) -> Entry:
        """``devices``: the member's devices the admin has seen, each cut at its head."""
        pub: dict[str, Any] = {
            "member": member.key,
            "upto": member.seq if upto is None else upto,
            "joins": keys(joins),
        }
        if closes is not None:
            pub["closes"] = sorted(c.key for c in closes)
        if devices is not None:
            pub["devices"] = uptos(devices)
        return self.write(admin, "member.remove", pub, lamport=lamport)

    def policy(self, admin: Person, invite: str, role: str = "member") -> Entry:
        return self.write(admin, "network.policy", {"policy": _policy(invite, role)})

    def rotate(
        self, admin: Person, number: int, to: Sequence[Person], *, lamport: int | None = None
    ) -> Entry:
        """Start epoch ``number`` with a fresh seed wrapped to ``to``."""
        eph, wraps = epochs.wrap(os.urandom(32), self.net, number, [(p.key, p.xkey) for p in to])
        pub = {"eph": eph, "wraps": wraps}
        return self.write(admin, "epoch.rotate", pub, epoch=number, lamport=lamport)

    # -- devices ----------------------------------------------------------------------
    def add_device(
        self,
        device: Person,
        member: Person,
        *,
        signer: Person | None = None,
        holds: int | None = 0,
        name: str = "laptop",
        lamport: int | None = None,
    ) -> Entry:
        """``device``'s first event: its certificate for ``member``, signed by ``signer``
        (the member key by default; a device of theirs, or anyone, when given)."""
        signer = member if signer is None else signer
        message = device_cert_message(self.net, member.key, device.key, device.xkey, T0, name)
        pub: dict[str, Any] = {
            "member": member.key,
            "xkey": device.xkey,
            "name": name,
            "created": T0,
            "by": signer.key,
            "sig": signer.identity.sign(message),
        }
        if holds is not None:
            pub["holds"] = holds
        return self.write(device, "device.add", pub, lamport=lamport)

    def revoke_device(
        self,
        author: Person,
        device: Person,
        *,
        keeps: Sequence[Person] = (),
        upto: int | None = None,
        signed_by: Person | None = None,
        lamport: int | None = None,
    ) -> Entry:
        """``author`` (a device of the member) revokes ``device``; ``signed_by`` (the
        member key) adds the overruling signature."""
        upto = device.seq if upto is None else upto
        pub: dict[str, Any] = {"device": device.key, "upto": upto, "keeps": keys(keeps)}
        if signed_by is not None:
            message = device_revoke_message(self.net, device.key, upto, keys(keeps))
            pub["msig"] = signed_by.identity.sign(message)
        return self.write(author, "device.revoke", pub, lamport=lamport)

    # -- reading ----------------------------------------------------------------------
    def fold(self) -> MembershipState:
        return fold(self.net, self.entries)


def keys(people: Sequence[Person]) -> list[bytes]:
    """Member keys as the log lists them: sorted, no duplicates."""
    return sorted({p.key for p in people})


def uptos(devices: Sequence[Person]) -> list[list[Any]]:
    """Devices cut at their heads, as a removal or role change lists them."""
    return [[p.key, p.seq] for p in sorted(devices, key=lambda p: p.key)]


def roles(state: MembershipState, *people: Person) -> dict[str, str | None]:
    """Each person's role now, by name (None: removed, or never admitted)."""
    return {p.name: state.role_now(p.key) for p in people}


def _policy(invite: str, role: str) -> dict[str, str]:
    return {"invite": invite, "role": role}
