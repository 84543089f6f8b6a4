"""A member's computers: the list, revoking one, and the device package of a link.

The rules are the membership fold's (``core/model/device_rules.py``); the entries are
made by ``core/model/devices.py``. Linking hands the new computer a sealed package (its
certificate in every network, each network's first event and all its epoch seeds); the
new computer answers with its ``device.add`` events, which this computer takes in and
sends on with its next sync (the relay admits the new device once it holds them).
"""

from __future__ import annotations

import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from casebook.core.ledger.eventlog import EventLog
from casebook.core.model import devices, events, recovery, relayaddr
from casebook.core.model.events import EventError
from casebook.core.model.ids import NetId
from casebook.core.model.kinds import EventKind, Role
from casebook.core.model.membership import MembershipState
from casebook.core.model.relayaddr import RelayAddress
from casebook.core.network.governance import Governance
from casebook.errors import (
    Ambiguous,
    NotFound,
    PermissionDenied,
    RecoveryKeyNeeded,
    UsageError,
    say,
)
from casebook.store.database import Database

PACKAGE_VERSION = 1


@dataclass(frozen=True)
class MemberSecrets:
    """What a computer holds of its member key: the signer (device zero, or after a
    recovery) and the public key the member's recovery box is sealed to (every computer
    of theirs keeps the box up to date; only the recovery key opens it)."""

    signer: recovery.MemberSigner | None
    box_public: bytes | None

    @classmethod
    def of_seed(cls, seed: bytes) -> MemberSecrets:
        return cls(recovery.MemberSigner(seed), recovery.box_public(seed))


class Devices:
    def __init__(
        self,
        db: Database,
        log: EventLog,
        governance: Governance,
        secrets: Callable[[], MemberSecrets],
    ) -> None:
        self.db = db
        self.log = log
        self.governance = governance
        self.secrets = secrets

    def _my_networks(self) -> list[tuple[bytes, MembershipState]]:
        out = []
        for row in self.db.all("SELECT id FROM networks ORDER BY name"):
            net = bytes(row["id"])
            state = self.log.members.state(net)
            member = state.members.get(self.log.member)
            if member is not None and member.active:
                out.append((net, state))
        return out

    # -- the list -------------------------------------------------------------------
    def mine(self) -> list[dict[str, Any]]:
        """Every computer of this member that any of their networks knows."""
        found: dict[bytes, dict[str, Any]] = {}
        if not self._my_networks():  # no network yet: only this computer
            found[self.log.chain] = self._row(self.log.chain, "", 0, False)
        for _net, state in self._my_networks():
            for key in state.members[self.log.member].devices:
                device = state.devices[key]
                row = found.setdefault(
                    key, self._row(key, device.name, device.added, not device.current)
                )
                row["added"] = min(row["added"], device.added) if row["added"] else device.added
                row["revoked"] = row["revoked"] or not device.current
                if not row["name"] and device.name:
                    row["name"] = device.name
        for key, row in found.items():
            # when it last wrote (its own clock), as far as this computer has heard
            newest = self.db.scalar(
                "SELECT raw FROM events WHERE author = ? ORDER BY seqno DESC LIMIT 1", (key,)
            )
            if newest is not None:
                row["last_seen"] = events.stored_header(bytes(newest)).ts
            row["named"] = bool(row["name"])  # else a plain word the window says its own way
            if not row["name"]:
                row["name"] = "first computer" if key == self.log.member else "computer"
            if not row["added"] and key == self.log.chain:  # no network knows it yet
                row["added"] = int(self.db.scalar("SELECT created_at FROM identity"))
        return sorted(found.values(), key=lambda r: (r["added"], r["id"]))

    def _row(self, key: bytes, name: str, added: int, revoked: bool) -> dict[str, Any]:
        return {
            "id": key.hex()[:16],
            "key": key.hex(),
            "name": name,
            "added": added,
            "last_seen": None,
            "current": key == self.log.chain,
            "revoked": revoked,
        }

    def find(self, ref: str) -> bytes:
        text = ref.strip().lower()
        rows = self.mine()
        hits = [r for r in rows if text and r["key"].startswith(text)]
        if not hits:
            hits = [r for r in rows if r["name"].lower() == text]
        if len(hits) > 1:
            raise Ambiguous(
                say("{0!r} could be several of your computers; give more of its id.", ref)
            )
        if not hits:
            raise NotFound(say("None of your computers is {0!r} (see: casebook device list).", ref))
        return bytes.fromhex(hits[0]["key"])

    # -- revoking -------------------------------------------------------------------
    def revoke(self, ref: str, recovery_key: str | None = None) -> dict[str, Any]:
        """Revoke one of this member's computers in every network: its later events
        are refused everywhere, and (when this computer is an admin's) each network
        starts a new epoch at once, so it reads nothing new; otherwise an admin's app
        does so at its next sync. The computers it linked go with it (they may be a
        thief's), except the ones this computer descends from.

        A revocation carries the member key's signature: held here (device zero, or a
        recovered computer) or given as the typed ``recovery_key``; without either,
        :class:`RecoveryKeyNeeded` before anything is written."""
        target = self.find(ref)
        if target == self.log.chain:
            raise UsageError(
                "This is the computer you are using; revoke it from another of your computers."
            )
        signer = self.secrets().signer
        if recovery_key is not None:
            signer = recovery.MemberSigner(recovery.typed_key(recovery_key))
            if signer.public_key != self.log.member:
                raise UsageError("That recovery key is another member's, not yours.")
        if signer is None:
            raise RecoveryKeyNeeded(
                say(
                    (
                        "This computer was linked and does not hold your recovery key, so "
                        "revoking another computer takes it: casebook device revoke {0} "
                        "--recovery-key (or revoke it from your first computer)."
                    ),
                    target.hex()[:16],
                )
            )
        done: list[dict[str, Any]] = []
        also: dict[bytes, str] = {}
        for net, state in self._my_networks():
            device = state.devices.get(target)
            if device is None or not device.current:
                continue
            keeps = self._keeps(state, target)
            for key, other in state.devices.items():
                if other.current and key not in keeps and state.certified_below(other, target):
                    also[key] = other.name or key.hex()[:16]
            upto = int(
                self.db.scalar(
                    "SELECT coalesce(max(seq), 0) FROM events WHERE net = ? AND author = ?",
                    (net, target),
                )
            )
            pub = devices.revocation(NetId(net), target, upto, keeps, signer)
            with self.db.transaction():
                try:
                    event = self.log.append(net, EventKind.DEVICE_REVOKE, {}, pub=pub)
                except EventError as exc:
                    raise PermissionDenied(say("Refused: {0}.", exc)) from None
                rotated = None
                if self.log.members.state(net).role_now(self.log.chain) == Role.ADMIN:
                    rotated = self.governance.rotate(net)
            done.append(
                {"network": net.hex(), "event": event.id.hex(), "rekeyed": rotated is not None}
            )
        if not done:
            raise UsageError("That computer is revoked already (or no network knows it).")
        return {
            "device": target.hex()[:16],
            "networks": done,
            "also": sorted(also.values()),
            "signed": signer is not None,
        }

    def _keeps(self, state: MembershipState, target: bytes) -> list[bytes]:
        """The computers ``target`` certified that stay: only the one this computer
        descends from (or is); any other it linked may be a thief's."""
        mine = state.devices.get(self.log.chain)
        return [
            key
            for key, d in state.devices.items()
            if d.by == target
            and d.current
            and mine is not None
            and (key == mine.key or state.certified_below(mine, key))
        ]

    # -- linking: the package and the answer ------------------------------------------
    def link_places(self) -> dict[RelayAddress, list[bytes]]:
        """Each relay of this member's networks, with the networks that name it."""
        places: dict[RelayAddress, list[bytes]] = {}
        for net, _ in self._my_networks():
            text = self.db.scalar("SELECT relays FROM networks WHERE id = ?", (net,))
            for url in json.loads(text or "[]"):
                with contextlib.suppress(UsageError):
                    places.setdefault(relayaddr.parse(url), []).append(net)
        return places

    def package(
        self, secret: bytes, device: bytes, xkey: bytes, name: str, member_name: str
    ) -> bytes:
        """The sealed package for a new computer with keys ``device``/``xkey``: every
        network of ours, with its first event, all its seeds, and the new device's
        certificate signed by this computer."""
        created = int(time.time() * 1000)
        nets = self.held()
        for item in nets:
            item["cert"] = devices.certificate(
                self.log.identity,
                NetId(item["net"]),
                self.log.member,
                device,
                xkey,
                name,
                created,
                holds=self.log.members.state(item["net"]).current_epoch,
            )
        package = {
            "v": PACKAGE_VERSION,
            "member": self.log.member,
            "name": member_name,
            "device": device,
            "networks": nets,
            "box": self.secrets().box_public,
        }
        return devices.seal_package(package, xkey, secret)

    def held(self) -> list[dict[str, Any]]:
        """Every network of ours with its first event and all its seeds: what a device
        package and the recovery box carry."""
        out = []
        for net, _ in self._my_networks():
            create = self.db.scalar(
                "SELECT raw FROM events WHERE net = ? AND kind = 'network.create'", (net,)
            )
            if create is None:
                continue
            # The new device's certificate must sort after the membership it knows of
            # (its member's join, its signer's certificate): its Lamport clock starts here.
            lamport = self.db.scalar(
                "SELECT coalesce(max(lamport), 0) FROM membership_log WHERE net = ?", (net,)
            )
            out.append(
                {
                    "net": net,
                    "create": bytes(create),
                    "seeds": self.log.keys.export(net),
                    "lamport": int(lamport),
                }
            )
        return out

    def take_network(self, item: dict[str, Any], cert: dict[str, Any]) -> bytes:
        """On a new computer: one network's seeds and first event, then this device's
        ``device.add`` with ``cert`` (judged once the network's log arrives). Returns it."""
        net = bytes(item["net"])
        for epoch, source, seed in item["seeds"]:
            self.log.add_seed(net, int(epoch), bytes(seed), bytes(source))
        create = events.parse(bytes(item["create"]))
        if create.net != net or create.kind != EventKind.NETWORK_CREATE:
            raise UsageError("The network's first event is not what it should be.")
        self.log.ingest_event(create)
        lamport = item.get("lamport")
        event = self.log.append(
            net,
            EventKind.DEVICE_ADD,
            {},
            pub=cert,
            join_seed=devices.body_seed(cert),
            pending_ok=True,
            min_lamport=lamport if isinstance(lamport, int) and 0 <= lamport < 2**53 else 0,
        )
        return event.raw

    def adopt(self, package: dict[str, Any]) -> list[bytes]:
        """On the new computer (its profile made for the package's member): take every
        network's seeds and first event, and write this device's ``device.add`` there.
        Returns those events, for the linking computer to send on."""
        if package.get("v") != PACKAGE_VERSION or package.get("device") != self.log.chain:
            raise UsageError("This device package is not for this computer.")
        with self.db.transaction():
            return [self.take_network(item, dict(item["cert"])) for item in package["networks"]]

    def take_adds(self, raws: list[bytes]) -> int:
        """On the linking computer: the new device's ``device.add`` events."""
        taken = 0
        with self.log.batch():
            for raw in raws:
                event = events.parse(raw)
                if (
                    event.kind != EventKind.DEVICE_ADD
                    or event.header.pub.get("member") != self.log.member
                ):
                    raise UsageError("The new computer sent something other than its certificate.")
                self.log.ingest_event(event)
                taken += 1
        return taken
