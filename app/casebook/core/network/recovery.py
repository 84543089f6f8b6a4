"""The recovery key and box for a member: showing the key, the box the relays keep, and
setting up a recovered computer from the box (``core/model/recovery.py``)."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from casebook.core.ledger.eventlog import EventLog
from casebook.core.model import devices, recovery
from casebook.core.model.encoding import encode
from casebook.core.model.ids import NetId
from casebook.core.network.devices import Devices
from casebook.errors import UsageError
from casebook.store.database import Database

BOX_SENT = "recovery_box_sent:"  # + relay address: the digest of the box put there last


class Recovery:
    def __init__(self, db: Database, log: EventLog, devices: Devices) -> None:
        self.db = db
        self.log = log
        self.devices = devices

    def key(self) -> str:
        """The recovery key, for a person to write down (only where it is held)."""
        signer = self.devices.secrets().signer
        if signer is None:
            raise UsageError(
                "This computer does not hold your recovery key: it was linked from another "
                "one. The key is shown on your first computer (casebook recovery-key there)."
            )
        return recovery.key_text(signer.seed)

    def box(self, name: str) -> tuple[bytes, str] | None:
        """The member's recovery box, sealed, with the digest of what it holds (None on
        a computer without the box's public key)."""
        key = self.devices.secrets().box_public
        if key is None:
            return None
        content = {"v": recovery.BOX_VERSION, "name": name, "networks": self.devices.held()}
        digest = hashlib.sha256(encode(content)).hexdigest()
        return recovery.seal_box(key, self.log.member, content), digest

    def box_due(self, address: str, digest: str) -> bool:
        sent = self.db.scalar("SELECT value FROM settings WHERE key = ?", (BOX_SENT + address,))
        return sent != digest

    def box_sent(self, address: str, digest: str) -> None:
        self.db.execute(
            "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
            (BOX_SENT + address, digest),
        )

    def adopt(self, box: dict[str, Any], signer: recovery.MemberSigner, device_name: str) -> int:
        """On a recovered computer: every network of the box, with this device certified
        by the member key; returns how many."""
        created = int(time.time() * 1000)
        me = self.log.identity
        with self.db.transaction():
            for item in box["networks"]:
                held = [int(e) for e, _, _ in item["seeds"]]
                cert = devices.certificate(
                    signer,
                    NetId(bytes(item["net"])),
                    self.log.member,
                    me.public_key,
                    me.exchange_public_key,
                    device_name,
                    created,
                    holds=max(held) if held else None,
                )
                self.devices.take_network(item, cert)
        return len(box["networks"])
