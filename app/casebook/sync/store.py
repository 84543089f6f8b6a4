"""What sync reads and writes in a profile: the one door from the sync package to the store.

Every database call sync makes goes through :class:`SyncStore`: the networks and their
relays, the per-author vectors and the events a relay lacks, ingesting what a relay sent,
the epoch repair and welcome packages an admin's profile keeps up, a join's transaction,
the per-relay ``sync_status`` rows, and the attachment blobs uploaded and fetched. The
exchange and the attachment transfer receive it; neither reaches through the engine.

Like the rest of sync, it is used only from the thread running the event loop.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import Any

from casebook.core.ledger.eventlog import EventLog, now_ms
from casebook.core.ledger.withdraw_apply import BODILESS
from casebook.core.library import attachments
from casebook.core.library.attachments import CHUNK, Prepared
from casebook.core.model.identity import Identity
from casebook.core.model.invite_codes import InviteCode
from casebook.core.model.relayaddr import RelayAddress
from casebook.core.model.relayaddr import parse as parse_relay
from casebook.core.network.governance import Governance
from casebook.core.network.invitations import Invitations
from casebook.core.profile import Profile
from casebook.errors import PermissionDenied, UsageError
from casebook.protocol import wire
from casebook.store.database import Database
from casebook.sync.ingest import SyncReport, Verified, ingest

log = logging.getLogger(__name__)


class Named:
    """An attachment as the cases naming it name it: type, size, and each case's copy
    in transit: the epoch it is sealed under (that of the case's creation, so its relay
    id never changes) and the case it is bound to (None: a case from before purge keys,
    whose copies are shared; see blobcrypt.relay_id)."""

    def __init__(self, net: bytes, mime: str, size: int, epoch: int) -> None:
        self.net, self.mime, self.size, self.epoch = net, mime, size, epoch
        self.copies: list[tuple[int, bytes | None]] = []

    @property
    def chunks(self) -> int:
        return max(1, -(-self.size // CHUNK))


class SyncStore:
    """A profile as sync sees it. Holds no state of its own beyond the profile's."""

    def __init__(self, profile: Profile) -> None:
        self._profile = profile  # its services are read when used: a re-key replaces them

    @property
    def _db(self) -> Database:
        return self._profile.db

    @property
    def _log(self) -> EventLog:
        return self._profile.log

    @property
    def _governance(self) -> Governance:
        return self._profile.governance

    @property
    def _invitations(self) -> Invitations:
        return self._profile.invitations

    @property
    def identity(self) -> Identity:
        """Who this profile logs in to relays as."""
        return self._log.identity

    # -- networks and relays -----------------------------------------------------------
    def networks(self) -> list[bytes]:
        """Every network of the profile, by name."""
        return [bytes(r["id"]) for r in self._db.all("SELECT id FROM networks ORDER BY name")]

    def relays(self, net: bytes) -> list[RelayAddress]:
        """The relays ``net`` names (an address that no longer parses is skipped)."""
        text = self._db.scalar("SELECT relays FROM networks WHERE id = ?", (net,))
        out = []
        for url in json.loads(text or "[]"):
            with contextlib.suppress(UsageError):
                out.append(parse_relay(url))
        return out

    def note_delivered(self, net: bytes, have: dict[bytes, int]) -> None:
        """A relay (or colleague) holds ``have``: how far this computer's chain got."""
        seq = have.get(self._log.chain, 0)
        if seq:
            self._db.execute(
                "INSERT INTO delivered (net, seq) VALUES (?, ?) ON CONFLICT (net) "
                "DO UPDATE SET seq = max(seq, excluded.seq)",
                (net, seq),
            )

    # -- events held -------------------------------------------------------------------
    def vector(self, net: bytes) -> dict[bytes, int]:
        """Author → highest sequence number stored for ``net`` (what we "have")."""
        rows = self._db.all(
            "SELECT author, max(seq) AS seq FROM events WHERE net = ? GROUP BY author", (net,)
        )
        return {bytes(r["author"]): int(r["seq"]) for r in rows}

    def device_add(self, net: bytes) -> bytes | None:
        """This device's ``device.add`` in ``net`` (None on the member's device zero)."""
        if self._log.member == self._log.chain:
            return None
        raw = self._db.scalar(
            "SELECT raw FROM events WHERE net = ? AND author = ? AND seq = 1",
            (net, self._log.chain),
        )
        return None if raw is None else self._log.wire.of(bytes(raw))

    def recovery_box(self, address: str) -> tuple[bytes, str] | None:
        """The member's sealed recovery box and its digest, when ``address`` does not
        hold this one yet (``core/network/recovery.py``)."""
        box = self._profile.recovery.box(self._profile.name)
        if box is None or not self._profile.recovery.box_due(address, box[1]):
            return None
        return box

    def recovery_box_sent(self, address: str, digest: str) -> None:
        self._profile.recovery.box_sent(address, digest)

    def creation(self, net: bytes) -> bytes | None:
        """Our ``network.create`` of ``net``, if we founded it (a relay that does not
        host the network yet takes it from the founder's login)."""
        row = self._genesis_row(net)
        if row is None or bytes(row["author"]) != self._log.identity.public_key:
            return None
        return self._log.wire.of(bytes(row["raw"]))

    def genesis(self, net: bytes) -> bytes | None:
        """``net``'s ``network.create``, whoever founded it (for our own LAN relay)."""
        row = self._genesis_row(net)
        return None if row is None else self._log.wire.of(bytes(row["raw"]))

    def _genesis_row(self, net: bytes) -> Any:
        # The network's first event: read along the (net, lamport) index from the start,
        # not by scanning every event of the network for its kind.
        rows = self._db.all(
            "SELECT raw, author FROM events WHERE net = ? AND kind = 'network.create' "
            "ORDER BY lamport LIMIT 1",
            (net,),
        )
        return rows[0] if rows else None

    def missing(self, net: bytes, relay_have: dict[bytes, int], skip: set[bytes]) -> list[bytes]:
        """Our events the relay lacks, in the order we stored them."""
        rows: list[Any] = []
        for author, seq in self.vector(net).items():
            have = relay_have.get(author, 0)
            if seq > have:
                rows += self._db.all(
                    "SELECT seqno, id, raw FROM events WHERE net = ? AND author = ? AND seq > ?",
                    (net, author, have),
                )
        rows.sort(key=lambda r: r["seqno"])
        return self._log.wire.all(bytes(r["raw"]) for r in rows if bytes(r["id"]) not in skip)

    def bodiless(self, net: bytes) -> list[bytes]:
        """Events of ``net`` stored without their bodies that no withdrawal here explains
        (a copy someone stripped, or one whose withdrawal has not arrived): asked for in
        full at each sync, :data:`wire.MAX_WANT` at a time, each sync going on where the
        last stopped (so copies the relay holds bodiless too, such as events an author
        withheld, cannot keep the others from being asked for)."""
        mark = f"want-after:{net.hex()}"
        after = int(self._db.scalar("SELECT value FROM settings WHERE key = ?", (mark,)) or 0)
        query = (
            "SELECT e.seqno, e.id FROM rejected r JOIN events e ON e.id = r.event_id "
            "WHERE e.net = ? AND r.reason = ? AND e.seqno > ? ORDER BY e.seqno LIMIT ?"
        )
        rows = self._db.all(query, (net, BODILESS, after, wire.MAX_WANT))
        if len(rows) < wire.MAX_WANT and after:  # round again from the oldest
            rows += [
                r
                for r in self._db.all(query, (net, BODILESS, 0, wire.MAX_WANT - len(rows)))
                if r["seqno"] <= after
            ]
        last = rows[-1]["seqno"] if rows else 0
        if last != after:  # (nothing written when there is nothing to ask for)
            with self._db.transaction():
                self._db.execute(
                    "INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (mark, str(last))
                )
        return [bytes(r["id"]) for r in rows]

    def announced(self, net: bytes, relay_have: dict[bytes, int]) -> list[bytes]:
        """The withdrawals applied here that the relay lacks: a push announces them
        first, so the relay takes the events they stripped here from us (not their
        authors) bodiless (``relay/withdrawals.py``)."""
        ids = [
            bytes.fromhex(json.loads(r["withdrawn"])["event"])
            for r in self._db.all(
                "SELECT withdrawn FROM cases WHERE net = ? AND withdrawn IS NOT NULL", (net,)
            )
        ]
        out = []
        for event_id in ids:
            row = self._db.one("SELECT author, seq, raw FROM events WHERE id = ?", (event_id,))
            if row is not None and row["seq"] > relay_have.get(bytes(row["author"]), 0):
                out.append(self._log.wire.of(bytes(row["raw"])))
        return out[: wire.MAX_ANNOUNCED]

    def raw(self, event_id: bytes) -> bytes:
        """A stored event's signed bytes."""
        return self._log.wire.of(
            bytes(self._db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,)))
        )

    def local_mark(self, net: bytes) -> tuple[int, int]:
        """Changes when something of ``net`` is written here (an event, an invite), by
        this process or another: a live link then pushes."""
        row = self._db.one(
            "SELECT (SELECT max(seqno) FROM events WHERE net = :net) AS e, "
            "(SELECT count(*) FROM invite_secrets WHERE net = :net) AS i",
            {"net": net},
        )
        assert row is not None
        return (int(row["e"] or 0), int(row["i"] or 0))

    # -- epoch seeds -------------------------------------------------------------------
    @property
    def rollbacks(self) -> int:
        """How many transactions were undone so far: a cache of what was read (the
        seeds) is stale once this changes."""
        return self._db.rollbacks

    def is_member(self, net: bytes, key: bytes) -> bool:
        """Whether ``key`` is a current member of ``net`` by this profile's fold."""
        return self._log.members.state(net).role_now(key) is not None

    def lan_keys(self, net: bytes) -> list[tuple[int, bytes]]:
        """``[(epoch, seed)]`` for the LAN: the newest epoch held and the one before
        (a colleague one rotation behind), newest first, the seed the log would use."""
        newest = self._log.keys.newest(net)
        if newest is None:
            return []
        out = []
        for epoch in (newest, newest - 1):
            seed = self.seed_for(net, epoch) if epoch >= 0 else None
            if seed is not None:
                out.append((epoch, seed))
        return out

    def holds_keys(self, net: bytes) -> bool:
        """Whether the profile holds any epoch seed of ``net``."""
        return self._log.keys.holds(net)

    def held_seeds(self, net: bytes) -> list[tuple[int, bytes]]:
        """``[(epoch, seed)]`` held for ``net``, by epoch."""
        entries: Iterable[Sequence[Any]] = self._log.keys.export(net)
        return [(int(entry[0]), bytes(entry[2])) for entry in entries]

    def seeds(self, net: bytes) -> dict[int, list[bytes]]:
        """Epoch → the seeds held for it, in the order the event log tries them (for
        the workers that open received bodies)."""
        out: dict[int, list[bytes]] = {}
        for epoch, seed in self.held_seeds(net):
            out.setdefault(epoch, []).append(seed)
        return out

    def seed_for(self, net: bytes, epoch: int) -> bytes | None:
        """The seed the event log would use for ``epoch``; None when none is held."""
        if not self._log.keys.candidates(net, epoch):
            return None
        return self._log.seed(net, epoch)

    # -- writing what arrived, and what an admin keeps up ------------------------------
    def ingest(
        self, batches: list[list[Verified | str]], report: SyncReport, relay_have: dict[bytes, int]
    ) -> bool:
        """Ingest verified batches in one transaction; True if the membership changed."""
        return ingest(self._log, batches, report, relay_have)

    def maintain(self, net: bytes) -> bytes | None:
        """An admin's profile re-keys ``net`` when the membership calls for it; the new
        rotation's id, or None (see ``Governance.maintain``)."""
        return self._governance.maintain(net)

    def hold_flagged(self, net: bytes) -> int:
        """A moderator's or admin's profile holds the items the network's moderation
        policy says to (see ``Governance.hold_flagged``); how many it held."""
        try:
            return len(self._governance.hold_flagged(net))
        except PermissionDenied as exc:  # the role changed in between: next time, maybe
            log.info("holding flagged items not possible now: %s", exc)
            return 0

    def confirm_purges(self, net: bytes) -> int:
        """This computer's confirmations of the withdrawals it has applied (written as
        events to send); how many were written."""
        return self._profile.library.confirm_purges(net)

    def open_welcomes(self, net: bytes) -> dict[bytes, bytes]:
        """Invite key → sealed welcome package, for the open invites of ``net``."""
        return self._invitations.open_welcomes(net)

    # -- joining -----------------------------------------------------------------------
    def transaction(self) -> AbstractContextManager[object]:
        """One transaction: all that is written inside it is kept, or none of it."""
        return self._db.transaction()

    def make_join(self, code: InviteCode, name: str, nonce: bytes, lamport: int) -> bytes:
        """Make our ``member.join`` for ``code``; returns its id."""
        return self._invitations.make_join(code, name, nonce, lamport)

    def take_seeds(self, code: InviteCode, sealed_welcome: bytes) -> None:
        """Keep the seeds of the welcome package the relay handed over."""
        self._invitations.take_seeds(code, sealed_welcome)

    # -- sync status -------------------------------------------------------------------
    def record(self, net: bytes, relay: str, started: int, report: SyncReport) -> None:
        """Add one connection's outcome to the ``sync_status`` row of (net, relay)."""
        self._db.execute(
            "INSERT INTO sync_status (net, relay, last_attempt, last_success, last_error, "
            "received, sent) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (net, relay) DO UPDATE "
            "SET last_attempt = excluded.last_attempt, "
            "last_success = coalesce(excluded.last_success, last_success), "
            "last_error = excluded.last_error, received = received + excluded.received, "
            "sent = sent + excluded.sent",
            (
                net,
                relay,
                started,
                None if report.error else now_ms(),
                report.error,
                report.received,
                report.sent,
            ),
        )

    def last_status(self, net: bytes, relay: str) -> tuple[int | None, str | None]:
        """``(last_success, last_error)`` of (net, relay): when a sync with it last went
        through (ms), and why the latest attempt failed (None if it did not); both None
        when it was never tried."""
        row = self._db.one(
            "SELECT last_success, last_error FROM sync_status WHERE net = ? AND relay = ?",
            (net, relay),
        )
        if row is None:
            return None, None
        success, error = row["last_success"], row["last_error"]
        return (None if success is None else int(success), None if error is None else str(error))

    # -- attachments -------------------------------------------------------------------
    def named_attachments(
        self, net: bytes | None = None, digest: bytes | None = None
    ) -> dict[bytes, Named]:
        """hash → :class:`Named` for the attachments the cases of ``net`` (or the case
        naming ``digest``) name."""
        sql = (
            "SELECT c.id, c.net, c.attachments, c.purge_key, e.epoch FROM cases c "
            "JOIN events e ON e.id = c.id "
            "WHERE c.attachments != '[]' AND "
        )
        if digest is not None:
            rows = self._db.all(sql + "c.attachments LIKE ?", (f"%{digest.hex()}%",))
        else:
            rows = self._db.all(sql + "c.net = ?", (net,))
        out: dict[bytes, Named] = {}
        for row in rows:
            key = None if row["purge_key"] is None else bytes(row["id"])
            for item in json.loads(row["attachments"]):
                named = Named(
                    bytes(row["net"]), str(item["mime"]), int(item["size"]), int(row["epoch"])
                )
                named = out.setdefault(bytes.fromhex(item["hash"]), named)
                if (int(row["epoch"]), key) not in named.copies:
                    named.copies.append((int(row["epoch"]), key))
        return out

    def has_attachment(self, digest: bytes) -> bool:
        return attachments.has(self._db, digest)

    def read_attachment(self, digest: bytes) -> bytes:
        return attachments.read(self._db, digest)

    def keep_attachment(self, digest: bytes, mime: str, data: bytes) -> None:
        """Store a fetched attachment (already checked against ``digest``)."""
        attachments.store(self._db, Prepared(digest.hex()[:12], mime, data, digest))
