"""The event log of a profile: appending our own events, ingesting others', rebuilding.

Every event is verified (canonical encoding, body hash, signature, per-author chain)
before it is stored; storing and applying happen in one transaction, so an event is
either fully in the library or not at all. Chains: ``seq`` must follow the author's last
stored event and ``prev`` must be its id. A later ``seq`` is held until the gap fills; a
different event at an existing ``seq`` is a fork, kept aside and reported.
"""

from __future__ import annotations

import contextlib
import enum
from collections.abc import Callable, Iterator
from typing import Any

from casebook.core.ledger import case_keys, marks, storedlog
from casebook.core.ledger.chains import Chains, now_ms
from casebook.core.ledger.me import Me
from casebook.core.ledger.memberbook import Memberships
from casebook.core.ledger.projection import Projector
from casebook.core.ledger.seeds import EpochKeys, unwrapped
from casebook.core.ledger.wire_form import WireForms
from casebook.core.model import devices, events, membership, payloads, purge
from casebook.core.model.events import Event, EventError
from casebook.core.model.identity import Identity
from casebook.core.model.ids import EventId, MemberKey, NetId
from casebook.core.model.kinds import EventKind
from casebook.store.database import Database, in_list
from casebook.store.schema import clear_derived


class Outcome(enum.Enum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    HELD = "held"
    FORK = "fork"


class EventLog:
    def __init__(self, db: Database, identity: Identity, member: bytes | None = None) -> None:
        self.db = db
        self.identity = identity  # this computer's device keys: what it signs with
        self.me = Me(identity, MemberKey(member or identity.public_key))
        self.member = self.me.member  # the member's key (the device's own on device zero)
        self.chain = self.me.chain
        self.clock: Callable[[], int] = now_ms  # the time our events say they were written
        self.keys = EpochKeys(db)
        self.wire = WireForms(self.keys)  # stored events as they were signed
        self.members = Memberships(db)
        self.projector = Projector(
            db,
            self._load,
            lambda net, author, seq: self.members.state(net).role_at(author, seq),
            self._member_of,
        )
        self.projector.device = identity
        self.chains = Chains(db)
        case_keys.backfill_tags(db)
        if storedlog.relearned(db, payloads.VALIDATORS):  # kinds learned by an upgrade
            self.rebuild()

    def _member_of(self, net: bytes, chain: bytes) -> bytes:
        member = self.members.state(net).member_of(chain)
        return chain if member is None else member.key

    # -- keys ---------------------------------------------------------------------
    def seed(self, net: bytes, epoch: int) -> bytes:
        return self.keys.seed(net, epoch)

    def current_epoch(self, net: bytes) -> int:
        state = self.members.state(net)
        if state.epochs and self.keys.candidates(net, state.current_epoch):
            return state.current_epoch
        newest = self.keys.newest(net)
        if newest is None:
            raise EventError("this profile holds no key for that network")
        return newest

    def _writing_key(
        self, net: bytes, kind: EventKind, head_epoch: int | None
    ) -> tuple[int, bytes]:
        """The epoch and seed to encrypt a new event under: the network's current ones.
        Writing under an older key the network has moved on from would let a removed
        member read it, so that is refused — except for a newcomer's join, which can
        only use the keys of its welcome package."""
        state = self.members.state(net)
        behind = state.epochs and not self.keys.candidates(net, state.current_epoch)
        if behind and kind != EventKind.MEMBER_JOIN:
            raise EventError(
                "the network has a newer key that has not reached this profile yet "
                "(an admin's app sends it once it has seen you); sync or import a bundle "
                "from an admin, then try again"
            )
        epoch = self.current_epoch(net)
        accepted = state.current_epoch if state.epochs else epoch
        if (
            head_epoch is not None
            and epoch < head_epoch <= accepted
            and self.keys.candidates(net, head_epoch)
        ):
            epoch = head_epoch  # never go back along our own chain (to an epoch that exists)
        prefer = state.epochs[epoch].winner if epoch < len(state.epochs) else None
        return epoch, self.keys.seed(net, epoch, prefer=prefer)

    def add_seed(self, net: bytes, epoch: int, seed: bytes, source: bytes = b"") -> None:
        if self.keys.add(net, epoch, seed, source):
            self._release(marks.key(net, epoch))

    def add_join_seed(self, net: bytes, invite: bytes, seed: bytes) -> None:
        if self.keys.add_join(net, invite, seed):
            self._release(marks.invite(net, invite))

    # -- our own events -------------------------------------------------------------
    def append(
        self,
        net: bytes,
        kind: EventKind,
        payload: dict[str, Any],
        pub: dict[str, Any] | None = None,
        *,
        min_lamport: int = 0,
        new_epoch: tuple[int, bytes] | None = None,
        pending_ok: bool = False,
        join_seed: bytes | None = None,
    ) -> Event:
        """Validate, sign, store and apply one event of ours; returns it.

        ``new_epoch`` = (number, seed) encrypts a rotation under the seed it introduces;
        ``join_seed`` seals a join under its invite's join key (header epoch 0).
        An event the membership refuses raises :class:`EventError` and is not kept,
        unless ``pending_ok`` (a join made before the network's log has arrived).
        An event of a case is tagged with the case's purge key (``pub["w"]``).
        """
        clean = payloads.validate(kind, payload)
        with self.db.transaction():
            head, lamport = self.chains.own(net, self.identity.public_key)
            if new_epoch is not None:
                epoch, seed = new_epoch
            elif join_seed is not None:
                epoch, seed = 0, join_seed
            else:
                epoch, seed = self._writing_key(net, kind, head.epoch)
            lamport = max(lamport, min_lamport)
            seq = head.seq + 1
            tag = case_keys.tags(self.db, kind, clean, self.identity.public_key, seq)
            pub = {**(pub or {}), **tag}
            event = events.create(
                self.identity,
                net=NetId(net),
                seq=seq,
                prev=None if head.id is None else EventId(head.id),
                lamport=min(lamport + 1, events.MAX_INT),
                ts=self.clock(),
                kind=kind,
                epoch=epoch,
                seed=seed,
                payload=clean,
                pub=pub,
                payload_checked=True,
            )
            self._store(event)
            if new_epoch is not None:
                self.keys.add(net, epoch, seed, source=event.id)
            self._apply(event, clean)
            # Never keep a membership event of ours that everyone else will refuse.
            if kind in membership.KINDS and not pending_ok:
                reason = self.db.scalar(
                    "SELECT reason FROM rejected WHERE event_id = ?", (event.id,)
                )
                if reason is not None:
                    raise EventError(reason)
        self.settle()
        return event

    def settle(self) -> None:
        """After a committed purge, empty the WAL: no page image from before it stays."""
        if self.projector.purged and not self.db.in_transaction:
            self.projector.purged = False
            self.db.checkpoint()

    # -- events from elsewhere ------------------------------------------------------
    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """One transaction for many ingests; the membership tables are written once at
        the end instead of after every membership event."""
        with self.db.transaction(), self.members.batch():
            yield
        self.settle()

    def ingest(self, raw: bytes) -> Outcome:
        """Verify and store an event received from another member (or a bundle).

        Raises :class:`EventError` for anything forged, tampered or of a network this
        profile is not in; nothing is stored then. A genuine event is stored and applied
        when its author's chain allows; what it does is then checked against the
        membership (an event that breaks a rule is kept in its chain but ``rejected``).
        """
        return self.ingest_event(events.parse(raw, stripped_ok=True))

    def ingest_event(self, event: Event, payload: dict[str, Any] | None = None) -> Outcome:
        """:meth:`ingest` of an event already parsed and verified by :func:`events.parse`
        (sync verifies signatures on worker threads, then ingests here). ``payload``, when
        given, is the body already opened with a seed this profile holds and validated
        by :func:`payloads.validate` (sync does that on the worker threads too)."""
        if not self.keys.holds(event.net):
            raise EventError("event of a network this profile is not in")
        with self.db.transaction():
            head = self.chains.head(event)
            if head.dup:
                if not self.projector.restore(event):  # (a bodiless copy came first)
                    return Outcome.DUPLICATE
                self._apply(event, payload)
                return Outcome.APPLIED
            if event.seq <= head.seq:
                storedlog.record_fork(self.db, event)
                return Outcome.FORK
            if event.seq > head.seq + 1:
                # Held bodiless if its case is withdrawn here; else a full copy takes the
                # place of a bodiless one held before it.
                gone = event.kind in events.STRIPPABLE and self.projector.explained(event)
                self.chains.hold(event, purge.strip(event.raw) if gone else event.raw)
                return Outcome.HELD
            if event.header.prev != head.id:
                storedlog.record_fork(self.db, event)
                return Outcome.FORK
            self._store(event)
            self._apply(event, payload)
            self._drain_held(event)
        return Outcome.APPLIED

    def _open(self, event: Event) -> dict[str, Any] | None:
        """The validated payload, or None when no seed held for its epoch opens it.

        Raises :class:`EventError` when the body opens but is not a valid payload."""
        candidates = self.keys.candidates(event.net, event.header.epoch)
        if event.kind == EventKind.MEMBER_JOIN:  # sealed under its invite's join key (or older)
            joined = self.keys.join_seed(event.net, event.header.pub["invite"])
            candidates = ([(b"", joined)] if joined else []) + candidates
        elif event.kind == EventKind.DEVICE_ADD and isinstance(event.header.pub.get("sig"), bytes):
            candidates = [(b"", devices.body_seed(event.header.pub))]
        for _, seed in candidates:
            try:
                plain = event.decrypt(seed)
            except events.WrongKey:
                continue  # another candidate seed of this epoch, or none we hold
            return payloads.validate(event.kind, plain)
        return None

    def _apply(self, event: Event, payload: dict[str, Any] | None = None) -> None:
        """Judge a stored event against the membership and apply what it does."""
        net = event.net
        if event.kind in membership.KINDS:
            change = self.members.add(event)
            if change.retroactive:
                self._rebuild_derived()
                return
            state = self.members.state(net)
            if change.newly_rejected:  # refused now: nothing of theirs waits any more
                marks, params = in_list(change.newly_rejected)
                self.db.execute(
                    f"DELETE FROM waiting WHERE event_id IN ({marks})",  # noqa: S608
                    params,
                )
            for late in change.newly_accepted:
                self._accept_late(state, late)
            for key in change.new_members:
                self._welcome_member(state, key, event)
            if event.id in state.rejected:
                return  # recorded in ``rejected`` by the membership book
            if event.kind == EventKind.EPOCH_ROTATE:
                self._unwrap(event, state)
        else:
            state = self.members.state(net)
        if events.is_stripped(event):
            self.projector.stripped(event)
            return
        if payload is None:
            payload = self._read(event)
            if payload is None:
                return
        if not self._admissible(event, state):
            return
        self._project(event, payload, state)

    def _project(
        self, event: Event, payload: dict[str, Any], state: membership.MembershipState
    ) -> None:
        """Apply a readable, admitted event to the derived tables (and take its seeds)."""
        if event.kind == EventKind.EPOCH_ROTATE:
            for epoch, source, seed in payload["seeds"]:
                self.add_seed(event.net, epoch, seed, source)
        elif event.kind == EventKind.INVITE_CREATE and "join" in payload:
            self.add_join_seed(event.net, event.header.pub["key"], payload["join"])
        self.projector.apply(event, payload)
        if event.kind == EventKind.NETWORK_CREATE:
            self.members.network_row(state)

    def _admissible(self, event: Event, state: membership.MembershipState) -> bool:
        if event.kind not in membership.KINDS:
            why = state.write_check(event.author, event.seq)
            if why == "unknown":
                self.projector.wait(event, marks.member(event.net, event.author))
                return False
            if why == "removed":
                self.projector.reject(event, "written after the author was removed")
                return False
        # Ours are never older (see _writing_key); membership kinds are judged by the fold.
        # (An event at the current epoch or later cannot be going back: skip the query.)
        if (
            event.seq > 1
            and event.header.epoch < state.current_epoch
            and event.author != self.identity.public_key
            and event.kind not in membership.KINDS
        ):
            prev_epoch = self.db.scalar(
                "SELECT epoch FROM events WHERE net = ? AND author = ? AND seq = ?",
                (event.net, event.author, event.seq - 1),
            )
            # Going back is refused, unless the previous epoch is not one the membership
            # accepted (its rotation was refused): then the author returns to a real one.
            if prev_epoch is not None and event.header.epoch < prev_epoch <= state.current_epoch:
                self.projector.reject(event, "uses an older epoch than its author's previous event")
                return False
        return True

    def _accept_late(self, state: membership.MembershipState, event_id: bytes) -> None:
        """A membership event the fold rejected on arrival and accepts now that the
        events before it have come: do what its acceptance does."""
        event = self._stored_event(event_id)
        if event is None:
            return
        if event.kind == EventKind.EPOCH_ROTATE:
            self._unwrap(event, state)
        if event.kind != EventKind.MEMBER_JOIN:  # joins are handled as new members
            self._apply_body_only(event)

    def _welcome_member(self, state: membership.MembershipState, key: bytes, by: Event) -> None:
        """A member whose join (or a device whose certificate) just became valid: show
        their name, free their events."""
        member = state.members.get(key)
        if member is not None and member.join_event != by.id:
            joined = self._stored_event(member.join_event)
            if joined is not None:
                self._apply_body_only(joined)
        self._release(marks.member(state.net, key))

    def _unwrap(self, event: Event, state: membership.MembershipState) -> None:
        seed = unwrapped(self.identity, event)  # the wrap to this device, if any
        if seed is not None:
            self.add_seed(event.net, event.header.epoch, seed, source=event.id)

    def _release(self, mark: bytes) -> None:
        for event_id in self.projector.take_waiting(mark):
            event = self._stored_event(event_id)
            if event is None:
                continue
            if event.kind in membership.KINDS:
                self._apply_body_only(event)
            else:
                self._apply(event)

    def _apply_body_only(self, event: Event) -> None:
        """A membership event already folded in, whose body has just become readable."""
        state = self.members.state(event.net)
        if event.id in state.rejected:
            return
        payload = self._read(event)
        if payload is not None:
            self._project(event, payload, state)

    def _read(self, event: Event) -> dict[str, Any] | None:
        """The payload; or None, with the event made to wait for its key or rejected."""
        try:
            payload = self._open(event)
        except EventError as exc:
            self.projector.reject(event, f"unreadable payload: {exc}")
            return None
        if payload is None:
            invite = event.header.pub["invite"] if event.kind == EventKind.MEMBER_JOIN else None
            if invite is not None and self.keys.join_seed(event.net, invite) is None:
                self.projector.wait(event, marks.invite(event.net, invite))
            else:
                self.projector.wait(event, marks.key(event.net, event.header.epoch))
        return payload

    def _drain_held(self, event: Event) -> None:
        raw = self.chains.take_next_held(event)
        while raw is not None:
            candidate = events.parse(raw, stripped_ok=True)
            if candidate.header.prev != event.id:
                storedlog.record_fork(self.db, candidate)
                return
            self._store(candidate)
            self._apply(candidate)
            event = candidate
            raw = self.chains.take_next_held(event)

    def _store(self, event: Event) -> None:
        self.chains.store(event)

    def _stored_event(self, event_id: bytes) -> Event | None:
        kept = self.db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,))
        return None if kept is None else self.wire.event(bytes(kept))

    def _load(self, event_id: bytes) -> tuple[Event, dict[str, Any] | None] | None:
        event = self._stored_event(event_id)
        return None if event is None else (event, self._open(event))

    # -- whole-log operations -------------------------------------------------------
    def verify_all(self) -> list[str]:
        """Re-verify every stored event and every chain link; returns the problems found."""
        return storedlog.verify_all(self.db)

    def rebuild(self) -> int:
        """Empty the derived tables and re-apply every event, verifying each again."""
        problems = self.verify_all()
        if problems:
            raise EventError(
                f"{len(problems)} stored event(s) failed verification; first: {problems[0]}"
            )
        with self.db.transaction():
            return self._rebuild_derived()

    def _rebuild_derived(self) -> int:
        """Derived tables from the events: the membership of every network is folded
        first, so every event is judged against the final membership."""
        clear_derived(self.db)
        self.projector.forget_cases()  # their row numbers are about to change
        self.members.reload()
        count = 0
        nets = [bytes(r[0]) for r in self.db.all("SELECT DISTINCT net FROM membership_log")]
        for net in nets:
            self.members.persist(self.members.state(net))
        for _, _, kept in storedlog.stored(self.db):
            event = self.wire.event(kept)
            if event.kind in membership.KINDS:
                self._apply_body_only(event)
            else:
                self._apply(event)
            count += 1
        for net in nets:
            self.members.network_row(self.members.state(net))
        return count
