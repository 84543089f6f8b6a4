"""What the relay knows and decides about one network it hosts.

The relay reads only clear headers. It keeps every author's chain head and the
membership log, folded with the same :func:`casebook.core.model.membership.fold` every client
runs, and admits an event only when:

- it is genuinely signed (checked before it gets here) and of this network;
- it continues its author's chain (the next ``seq`` with the right ``prev``); a gap or a
  second event at a taken ``seq`` (a fork) is refused, a resend is a duplicate;
- its author is in the membership log, or it is a join of a known invite;
- a join is accepted by the fold, the invite has not expired *by the relay's clock*, and
  it does not push out a join the relay already accepted for that invite, so a
  single-use invite is consumed exactly once however the join is back-dated;
- the network's storage quota has room.
"""

from __future__ import annotations

import copy
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from casebook.core.model import events, membership, purge
from casebook.core.model.events import (
    MAX_CLOCK_AHEAD,
    Event,
    EventError,
    is_stripped,
    parse_trusted,
)
from casebook.core.model.kinds import EventKind
from casebook.core.model.membership import Entry, MembershipState
from casebook.relay.store import RelayStore
from casebook.relay.strangers import Budget
from casebook.relay.withdrawals import Withdrawals, stripped

log = logging.getLogger("casebook.relay")


@dataclass
class Ticket:
    """An invite holder's session: the one join it may submit, bound to the nonce and
    coming after the clock the relay told it (so it cannot be back-dated)."""

    invite: bytes
    nonce: bytes
    lamport: int = 0


@dataclass
class Admission:
    accepted: list[Event] = field(default_factory=list)
    duplicates: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)
    heads: dict[bytes, tuple[int, bytes]] = field(default_factory=dict)
    entries: list[Entry] | None = None
    state: MembershipState | None = None
    size: int = 0
    clock: int = 0  # the network's Lamport clock once these are stored


class HostedNetwork:
    def __init__(self, net: bytes, store: RelayStore, quota: int) -> None:
        self.net = net
        self.store = store
        self.quota = quota
        with store.snapshot():  # one moment of a store other processes may write to
            # The newest event folded in here (:meth:`follow` goes on from it).
            self.seen = store.max_seqno(net)
            self.heads = store.heads(net)
            self.entries = [Entry.of(parse_trusted(raw)) for raw in store.membership_raws(net)]
            self.events, self.size = store.usage(net)
            head_raws = store.head_raws(net)
        self.state = membership.fold(net, self.entries)
        self.refolds = Budget(REFOLDS_PER_SECOND, REFOLD_BURST)
        # Pushers whose last whole fold found their budget empty: their next membership
        # event waits for a refill (so no push buys a free fold).
        self.owing: set[bytes] = set()
        # The network's Lamport clock as far as the relay knows (a newcomer's join must
        # come after what it is about to read).
        self.lamport = max((parse_trusted(raw).header.lamport for raw in head_raws), default=0)
        self.withdrawals = Withdrawals(net, store)

    @property
    def exists(self) -> bool:
        return self.state.founder is not None

    def is_member(self, key: bytes) -> bool:
        return self.state.role_now(key) is not None

    def vector(self) -> dict[bytes, int]:
        return {author: head[0] for author, head in self.heads.items()}

    # -- admitting events ---------------------------------------------------------------
    def admit(
        self, batch: list[Event], now: int, ticket: Ticket | None = None, by: bytes = b""
    ) -> Admission:
        """Judge a batch in order; :meth:`commit` applies it once the store has it on
        disk. The hosted state is not touched: membership events are folded into a
        working copy, made once per batch, incrementally (as every client's membership
        book does); the whole log is folded again only when an entry reaches back."""
        out = Admission(heads=dict(self.heads))
        self.withdrawals.coming = set()
        entries, state = self.entries, self.state
        working = spent = False
        size, clock = self.size, self.lamport
        for index, event in enumerate(batch):
            reason = self._chain(event, out.heads)
            if reason == "duplicate":
                out.duplicates += 1
                continue
            try:
                if reason is None and event.header.lamport > clock + MAX_CLOCK_AHEAD:
                    reason = "its Lamport clock is too far ahead of the network's"
                if reason is None and ticket is not None:
                    reason = self._ticket(event, ticket)
                if reason is None:
                    reason = self._author(event, state)
                if reason is None and event.kind not in membership.KINDS:
                    reason = self._content(event, state, by)
                if reason is None and size + len(event.raw) > self.quota:
                    reason = "the network's storage at this relay is full"
                if reason is None and event.kind == "member.join":
                    reason = self._join_open(event, state, now)
                if reason is None and event.kind in membership.KINDS:
                    if spent or not self._clear(by):
                        raise _Later()
                    if not working:
                        # Entries are immutable: share them, copy only the state around.
                        memo: dict[int, object] = {id(e): e for e in entries}
                        entries, state = list(entries), copy.deepcopy(state, memo)
                        working = True
                    entry = Entry.of(event)
                    # One that sorts before what is folded costs a fold of the whole
                    # log: a pusher gets a budget of those (``by``: the member). One that
                    # sorts last but reaches back costs one too, charged once it has.
                    last = membership.applies_in_place(state, entry)
                    if not last and not self.refolds.take(by.hex()):
                        raise _Later()
                    entries.append(entry)
                    state, undo = _fold_in(self.net, state, entries, entry)
                    if undo is None and last:
                        spent = not self._charge(by) or spent
                    reason = self._judged(event, state)
                    if reason is not None:  # not stored: taken out again
                        entries.pop()
                        if undo is not None:  # applied on its own: undone as cheaply
                            undo.restore(state, entry)
                        else:
                            state = membership.fold(self.net, entries)
                            spent = not self._charge(by) or spent
            except (TypeError, KeyError, ValueError, AttributeError):  # a header of odd types
                reason = "a malformed header"
            except _Later:
                reason = (
                    "too many costly membership changes at once (back-dated, or of "
                    "devices); send them later"
                )
            if reason is not None:
                out.refused.append((index, reason))
                continue
            if self.withdrawals.covers(event):  # kept (and forwarded) without its body
                event = stripped(event)
            out.accepted.append(event)
            out.heads[event.author] = (event.seq, event.id)
            size += len(event.raw)
            clock = max(clock, event.header.lamport)
        if working:
            out.entries, out.state = entries, state
        out.size, out.clock = size, clock
        return out

    def take(
        self,
        batch: list[Event],
        now: int,
        ticket: Ticket | None,
        by: bytes,
        follow: Callable[[], None],
    ) -> tuple[Admission, int, bool]:
        """Judge and store ``batch`` under the network's lock, in one transaction: what
        other relay processes stored first is folded in (``follow``), so a single-use
        invite, a removal or the quota is judged on the whole store; the withdrawals
        among the batch are applied in the same transaction. Returns the admission (for
        :meth:`commit` once this returns), the newest ``seqno`` stored and whether a
        withdrawal purged something."""
        store, keys, last, purged = self.store, list(self.withdrawals.keys), 0, False
        try:
            with store.transaction():
                store.lock_network(self.net)
                follow()  # what others stored is stored: kept whatever happens next
                keys = list(self.withdrawals.keys)
                admission = self.admit(batch, now, ticket, by)
                if admission.accepted:
                    rows = [(e, e.kind in membership.KINDS) for e in admission.accepted]
                    last = store.store(self.net, rows, new_network=not self.exists)
                    # A withdrawal among them: the case's bodies and attachments dropped.
                    purged = self.withdraw(admission.accepted, admission.state or self.state)
        except BaseException:
            self.withdrawals.keys = keys  # nothing of it was stored
            raise
        return admission, last, purged

    # -- withdrawals (docs/protocol.md, "Withdrawal") -----------------------------------
    def _content(self, event: Event, state: MembershipState, by: bytes) -> str | None:
        """A content event's clear fields are bounded (a case's purge tag, a withdrawal's
        case, key and attachments); one without its body is taken only from its own
        author (who may withhold what they wrote) or when a withdrawal held here explains
        it, so a member cannot censor another's event by sending a bodiless copy first."""
        problem = purge.pub_problem(event.kind, event.header.pub)
        if problem is not None or not is_stripped(event):
            return problem
        writer = state.member_of(event.author)
        if writer is not None and writer.key == by:
            return None
        if self.withdrawals.explains(event, state):
            return None
        return "an event without its body, of a case not withdrawn here"

    def announce(self, notices: list[Event]) -> None:
        """Withdrawals a pusher announces with a batch, before the events they explain
        (see :mod:`casebook.relay.withdrawals`)."""
        self.withdrawals.announce(notices, self.heads)

    def as_stored(self, batch: list[Event]) -> list[Event]:
        """``batch`` as it is stored now: bodiless where :meth:`withdraw` stripped it."""
        gone = self.withdrawals.stripped
        return [stripped(e) if e.id in gone else e for e in batch]

    def withdraw(self, stored: list[Event], state: MembershipState) -> bool:
        """In the transaction that stores ``stored``: apply the withdrawals among them
        (and those that waited for a case among them), judged by ``state`` (the
        membership with them); True when something was purged (then :meth:`recount`
        once it is committed)."""
        return self.withdrawals.apply(stored, state)

    def recount(self) -> None:
        """The network's counters as the store keeps them (what every process wrote)."""
        self.events, self.size = self.store.usage(self.net)

    def room(self) -> int:
        """Bytes the quota still allows (read from the store when others write to it)."""
        if self.store.shared:
            self.recount()
        return self.quota - self.size

    def _charge(self, by: bytes) -> bool:
        """Pay for a whole fold already made from ``by``'s budget; False (and ``by``
        owes it) when the budget was empty."""
        if self.refolds.take(by.hex()):
            return True
        self.owing.add(by)
        return False

    def _clear(self, by: bytes) -> bool:
        """False while ``by`` owes a whole fold its budget could not pay for."""
        if by not in self.owing:
            return True
        if not self.refolds.take(by.hex()):
            return False
        self.owing.discard(by)
        return True

    def commit(self, admission: Admission, seqno: int) -> bool:
        """Apply an admission the store has written (up to ``seqno``); True when the
        membership changed."""
        self.seen = max(self.seen, seqno)
        self.heads = admission.heads
        self.events += len(admission.accepted)
        self.lamport = admission.clock
        self.size = admission.size
        if admission.entries is None or admission.state is None:
            return False
        self.entries, self.state = admission.entries, admission.state
        return True

    def follow(self, rows: list[tuple[int, bytes, int, bytes]]) -> list[tuple[list[bytes], bool]]:
        """Fold in what other relay processes stored (``(seqno, author, seq, raw)`` in
        arrival order, after :attr:`seen`; judged by the process that stored them, under
        the network's lock). Returns the events new here in runs, each ending where the
        membership changed (True) or at the end (False): the caller forwards a run, then
        cuts off whoever it removed, so nobody is sent what was stored after their
        removal."""
        runs: list[tuple[list[bytes], bool]] = []
        run: list[bytes] = []
        copied = withdrawn = False
        for seqno, author, seq, raw in rows:
            self.seen = max(self.seen, seqno)
            if seq <= self.heads.get(author, (0, b""))[0]:
                continue  # in what this process read when it loaded the network
            event = parse_trusted(raw)
            self.heads[author] = (seq, event.id)
            self.lamport = max(self.lamport, event.header.lamport)
            withdrawn = withdrawn or event.kind == EventKind.CASE_WITHDRAW
            run.append(raw)
            if event.kind in membership.KINDS:
                if not copied:
                    self.entries, copied = list(self.entries), True
                self.entries.append(Entry.of(event))
                self.state, _ = _fold_in(self.net, self.state, self.entries, self.entries[-1])
                runs.append((run, True))
                run = []
        if run:
            runs.append((run, False))
        if withdrawn:  # applied by the process that stored it: its keys, its purge
            self.withdrawals.keys = self.store.withdrawn_keys(self.net)
        return runs

    def _chain(self, event: Event, heads: dict[bytes, tuple[int, bytes]]) -> str | None:
        if event.net != self.net:
            return "an event of another network"
        have, head_id = heads.get(event.author, (0, None))
        if event.seq <= have:
            stored = self.store.event_id_at(self.net, event.author, event.seq)
            if stored == event.id or (event.seq == have and head_id == event.id):
                return "duplicate"
            return "a different event is stored at this place in its author's chain (fork)"
        if event.seq > have + 1:
            return f"gap: the relay holds this author's chain up to {have}"
        if event.header.prev != head_id:
            return "does not follow its author's chain (fork)"
        return None

    def _author(self, event: Event, state: MembershipState) -> str | None:
        if event.kind == "network.create":
            return None if not self.exists else "this network exists already"
        if not self.exists:
            return "unknown network"
        if event.author in state.devices:  # a member's chain (or one of their devices')
            if state.role_at(event.author, event.seq) is None:
                return "written after the author was removed"
            return None
        invite = event.header.pub.get("invite")
        if event.kind == "member.join" and isinstance(invite, bytes) and invite in state.invites:
            return None
        if event.kind == "device.add":
            # A new device of a member: its certificate is judged here, without touching
            # the state, so a refused one costs no fold.
            return state.certificate_reason(Entry.of(event))
        return "the author is not a member of this network"

    @staticmethod
    def _ticket(event: Event, ticket: Ticket) -> str | None:
        pub = event.header.pub
        if event.kind != "member.join" or pub.get("invite") != ticket.invite:
            return "an invite holder may only send the join for that invite"
        if pub.get("nonce") != ticket.nonce:
            return "the join is not bound to this session's nonce"
        if event.header.lamport <= ticket.lamport:
            return "the join is dated before the network's clock the relay gave"
        return None

    @staticmethod
    def _join_open(event: Event, state: MembershipState, now: int) -> str | None:
        """The relay's own judgment of a join, before the fold's: its clock decides
        expiry, and an invite takes no more joins than it has uses, whatever their
        Lamport clocks say (first come, first served)."""
        invite = state.invites[event.header.pub["invite"]]
        if now > invite.expires:
            return "the invite has expired (by the relay's clock)"
        if len(invite.used_by) >= invite.uses:
            return "the invite has been used up"
        return None

    @staticmethod
    def _judged(event: Event, state: MembershipState) -> str | None:
        """Why the relay does not keep a membership event the fold has judged: a refused
        creation, join or device certificate (nobody's chain needs it). Other refused
        acts are kept: they are part of their author's chain; every client refuses them."""
        if event.kind == "network.create" and state.founder is None:
            return state.rejected.get(event.id, "not a valid network")
        if event.kind in ("member.join", "device.add"):
            return state.rejected.get(event.id) or state.excluded.get(event.id)
        return None

    # -- invites -----------------------------------------------------------------------
    def open_invite(self, key: bytes, now: int) -> str:
        invite = self.state.invites.get(key)
        if invite is None:
            return "unknown"
        if invite.allowed is not None or self.state.role_now(invite.inviter) is None:
            return "revoked"
        return invite.status(now)

    def closed_invites(self, now: int) -> list[bytes]:
        """Invites whose welcome package nobody may have any more: revoked (or closed by
        a removal or demotion) or expired. A used-up invite's package stays, for a
        newcomer whose answer was lost to ask again (``welcome_get``)."""
        return [key for key in self.state.invites if not self.package_kept(key, now)]

    def package_kept(self, key: bytes, now: int) -> bool:
        """Whether an invite's welcome package may still be handed out: open, or used up
        (for ``welcome_get``), and in either case not expired, revoked or closed."""
        invite = self.state.invites.get(key)
        if invite is None or now > invite.expires:
            return False
        return self.open_invite(key, now) in ("open", "used")


def parse_all(raws: list[bytes]) -> list[Event | str]:
    """Each pushed event parsed (a withdrawn case's may come bodiless), or why not."""
    out: list[Event | str] = []
    for raw in raws:
        try:
            out.append(events.parse(raw, stripped_ok=True))
        except EventError as exc:
            out.append(str(exc))
    return out


class _Later(Exception):
    """A pusher is out of its budget of back-dated membership events."""


# Back-dated membership events a member may push: each makes the relay fold the whole log.
REFOLDS_PER_SECOND = 1.0
REFOLD_BURST = 16


@dataclass(frozen=True)
class _Undo:
    """What applying one refused entry on its own changed (see ``MembershipState.apply``
    and ``_note_outsider``): put back when the relay does not keep it."""

    last: tuple[int, bytes]
    count: int
    outsider_epoch: int
    outsider_invites: frozenset[bytes]

    @classmethod
    def of(cls, state: MembershipState) -> _Undo:
        return cls(state.last, state.count, state.outsider_epoch, frozenset(state.outsider_invites))

    def restore(self, state: MembershipState, entry: Entry) -> None:
        state.last, state.count, state.outsider_epoch = self.last, self.count, self.outsider_epoch
        state.outsider_invites = set(self.outsider_invites)
        state.rejected.pop(entry.id, None)


def _fold_in(
    net: bytes, state: MembershipState, entries: list[Entry], entry: Entry
) -> tuple[MembershipState, _Undo | None]:
    """``state`` (a working copy) with ``entry`` (already last in ``entries``) applied:
    in place when it sorts after everything so far and reaches back to nothing (with
    what undoes it, should the relay refuse it), otherwise by folding the whole log
    again (and no undo)."""
    if membership.applies_in_place(state, entry):
        undo = _Undo.of(state)
        state.apply(entry)
        if not (state.late_joins() or state.overruled()):
            return state, undo
    return membership.fold(net, entries), None
