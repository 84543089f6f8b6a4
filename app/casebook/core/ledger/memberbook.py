"""The membership state of each network, kept in step with the stored events.

The state itself is :func:`membership.fold` over the network's membership events; this
class caches it per network, folds new entries on incrementally when they sort last
(the usual case) and re-folds from scratch otherwise, and writes the result to the
``members``, ``invites``, ``epochs`` and ``networks`` tables the app reads.

When a late event changes how already-stored events must be judged — a removal whose
cut falls before events already applied, a join that turns out invalid, a role change
that makes a stored moderation action valid or invalid — :meth:`add` says so, and the
event log rebuilds the derived tables from the events (rare: it takes concurrent
membership changes).
"""

from __future__ import annotations

import bisect
import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from casebook.core.model import events, membership
from casebook.core.model.events import Event
from casebook.core.model.kinds import EventKind, Role
from casebook.core.model.membership import Entry, MembershipState
from casebook.store.database import Database

ROLE_SENSITIVE = (
    EventKind.CONTENT_HIDE,
    EventKind.CONTENT_UNHIDE,
    EventKind.CONTENT_PIN,
    EventKind.CONTENT_UNPIN,
    EventKind.CONTENT_HOLD,
    EventKind.CONTENT_RELEASE,
    EventKind.MODERATION_POLICY,
    EventKind.NETWORK_UPDATE,
)


@dataclass
class Change:
    new_members: list[bytes] = field(default_factory=list)  # new chains: members, devices
    # earlier events the fold had rejected and now accepts (their turn came late)
    newly_accepted: list[bytes] = field(default_factory=list)
    newly_rejected: list[bytes] = field(default_factory=list)
    retroactive: bool = False


# What decides whether a membership change reaches back: join, cut, roles over time.
Judgment = tuple[bytes, int | None, tuple[tuple[int, Role], ...]]


def _judgment(state: MembershipState) -> dict[bytes, Judgment]:
    """For every chain (a member key or a device of theirs)."""
    return {chain: state.chain_terms(chain) for chain in state.devices}


class Memberships:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._states: dict[bytes, MembershipState] = {}
        # Each network's membership log, parsed, in fold order: a fold that must start
        # from scratch (an entry sorting before others, e.g. a newcomer's own join stored
        # before the network's history) reads no event again.
        self._logs: dict[bytes, list[Entry]] = {}
        # The judgment of each network's state as add() left it (the next add's "before").
        self._judged: dict[bytes, tuple[MembershipState, int, dict[bytes, Judgment]]] = {}
        self._rollbacks = db.rollbacks
        self.deferred = False  # in a batch: write the tables once, at flush()
        self._dirty: set[bytes] = set()
        # Networks whose cached state was checked against the stored log in this batch.
        self._current: set[bytes] = set()

    def _stored_count(self, net: bytes) -> int:
        """Entries stored for ``net``; asked once in a write transaction (every writer of
        ``membership_log`` is here and forgets the answer when it writes)."""
        key = ("membership_log", net)
        known = self.db.memo.get(key)
        if known is None:
            known = int(self.db.scalar("SELECT count(*) FROM membership_log WHERE net = ?", (net,)))
            if self.db.in_transaction:
                self.db.memo[key] = known
        return known

    def _entries(self, net: bytes) -> list[Entry]:
        """The stored entries of ``net`` in fold order (kept; read again only when
        another process or a rolled-back transaction changed them; callers check for
        rollbacks first)."""
        kept = self._logs.get(net)
        if kept is not None and len(kept) == self._stored_count(net):
            return kept
        rows = self.db.all(
            "SELECT e.raw FROM membership_log m CROSS JOIN events e ON e.id = m.id "
            "WHERE m.net = ? ORDER BY m.lamport, m.id",
            (net,),
        )
        kept = [Entry.of(events.parse_trusted(bytes(r["raw"]))) for r in rows]
        self._logs[net] = kept
        return kept

    def _forget(self) -> None:
        """Drop every kept state, log and judgment: they are read and folded again."""
        self._states.clear()
        self._logs.clear()
        self._judged.clear()
        self._current.clear()

    def _check_rollbacks(self) -> None:
        if self._rollbacks != self.db.rollbacks:  # folded entries may have been undone
            self._forget()
            self._rollbacks = self.db.rollbacks

    def state(self, net: bytes) -> MembershipState:
        self._check_rollbacks()
        cached = self._states.get(net)
        # In a batch this process holds the write lock: once its state is checked against
        # the stored log (another process may have written before the batch began),
        # nobody else can add entries until the batch ends.
        if cached is None or (net not in self._current and cached.count != self._stored_count(net)):
            cached = membership.fold(net, self._entries(net))
            self._states[net] = cached
        if self.deferred:
            self._current.add(net)
        return cached

    def add(self, event: Event) -> Change:
        """Fold a newly stored membership event in; persist the result."""
        net = event.net
        before = self.state(net)
        old = self._judgment_of(before)
        old_rejected = set(before.rejected)
        entry = Entry.of(event)
        added = self.db.execute(
            "INSERT OR IGNORE INTO membership_log (net, lamport, id) VALUES (?, ?, ?)",
            (net, event.header.lamport, event.id),
        ).rowcount
        self.db.memo.pop(("membership_log", net), None)
        if added == 1 and net in self._logs:
            bisect.insort(self._logs[net], entry, key=lambda x: x.order)
        if membership.applies_in_place(before, entry):
            before.apply(entry)
            state = before
            if state.late_joins() or state.overruled():  # reaches back: fold from scratch
                state = membership.fold(net, self._entries(net))
        else:
            state = membership.fold(net, self._entries(net))
        self._states[net] = state
        if self.deferred:
            self._dirty.add(net)
        else:
            self.persist(state)
        change = Change(
            new_members=[k for k in state.devices if k not in old],
            newly_accepted=[i for i in old_rejected if i not in state.rejected],
            newly_rejected=[i for i in state.rejected if i not in old_rejected],
        )
        new = _judgment(state)
        self._judged[net] = (state, state.count, new)
        change.retroactive = self._retroactive(net, old, new)
        return change

    def _judgment_of(self, state: MembershipState) -> dict[bytes, Judgment]:
        """:func:`_judgment`, taken from the last add when ``state`` is still what that
        add left (every change of a state goes through ``apply``, which counts it)."""
        known = self._judged.get(state.net)
        if known is not None and known[0] is state and known[1] == state.count:
            return known[2]
        return _judgment(state)

    def _retroactive(
        self,
        net: bytes,
        old: dict[bytes, Judgment],
        new: dict[bytes, Judgment],
    ) -> bool:
        for key, was in old.items():
            now = new.get(key)
            if now == was:
                continue
            if now is None or now[0] != was[0]:
                boundary, kinds = 0, None  # the join itself changed: everything counts
            else:
                cuts = [c for c in (was[1], now[1]) if c is not None]
                old_roles, new_roles = set(was[2]), set(now[2])
                changed = [after for after, _ in old_roles ^ new_roles]
                boundary = min(cuts + changed) if cuts + changed else 0
                kinds = None if was[1] != now[1] else ROLE_SENSITIVE
            if self._has_events_after(net, key, boundary, kinds):
                return True
            if now is None:  # a join refused after the fact: its name goes too
                self.db.execute("DELETE FROM authors WHERE net = ? AND key = ?", (net, key))
        return False

    def _has_events_after(
        self, net: bytes, author: bytes, seq: int, kinds: tuple[str, ...] | None
    ) -> bool:
        """Any stored event of ``author`` after ``seq`` of ``kinds`` (None: any content)."""
        test, names = ("NOT IN", sorted(membership.KINDS)) if kinds is None else ("IN", kinds)
        sql = (
            "SELECT 1 FROM events WHERE net = ? AND author = ? AND seq > ? "  # noqa: S608
            f"AND kind {test} ({','.join('?' * len(names))}) LIMIT 1"
        )
        return self.db.scalar(sql, (net, author, seq, *names)) is not None

    @contextlib.contextmanager
    def batch(self) -> Iterator[None]:
        """Write the membership tables once, when the block ends without error."""
        self.deferred = True
        self._current.clear()
        try:
            yield
            self.flush()
        finally:
            self.deferred = False
            self._dirty.clear()
            self._current.clear()

    def reload(self) -> int:
        """Refill ``membership_log`` from the events (for a rebuild); returns how many."""
        self._forget()
        self.db.forget("membership_log")
        marks = ",".join("?" * len(membership.KINDS))
        cur = self.db.execute(
            "INSERT INTO membership_log (net, lamport, id) "  # noqa: S608
            f"SELECT net, lamport, id FROM events WHERE kind IN ({marks})",
            sorted(membership.KINDS),
        )
        return cur.rowcount

    def flush(self) -> None:
        for net in sorted(self._dirty):
            self.persist(self.state(net))
        self._dirty.clear()

    def persist(self, state: MembershipState) -> None:
        net = state.net
        self.db.execute("DELETE FROM members WHERE net = ?", (net,))
        self.db.executemany(
            "INSERT INTO members (net, key, xkey, role, since, invited_by, invite, "
            "removed_by, removed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    net,
                    m.key,
                    m.xkey,
                    m.role,
                    m.since,
                    m.invited_by,
                    m.invite,
                    m.removed_by,
                    m.removed_at,
                )
                for m in state.members.values()
            ],
        )
        self.db.execute("DELETE FROM invites WHERE net = ?", (net,))
        self.db.executemany(
            "INSERT INTO invites (net, key, inviter, role, expires, uses, used, revoked_by, "
            "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    net,
                    i.key,
                    i.inviter,
                    i.role,
                    i.expires,
                    i.uses,
                    len(i.used_by),
                    i.revoked_by,
                    i.created_at,
                )
                for i in state.invites.values()
            ],
        )
        self.db.execute("DELETE FROM epochs WHERE net = ?", (net,))
        self.db.executemany(
            "INSERT INTO epochs (net, epoch, winner, author, candidates) VALUES (?, ?, ?, ?, ?)",
            [(net, e.number, e.winner, e.author, len(e.candidates)) for e in state.epochs],
        )
        self.network_row(state)
        self.db.execute(
            "DELETE FROM rejected WHERE event_id IN (SELECT id FROM membership_log WHERE net = ?)",
            (net,),
        )
        self.db.executemany(
            "INSERT OR REPLACE INTO rejected (event_id, reason) VALUES (?, ?)",
            list(state.rejected.items()),
        )

    def network_row(self, state: MembershipState) -> None:
        self.db.execute(
            "UPDATE networks SET invite_policy = ?, default_role = ?, epoch = ? WHERE id = ?",
            (state.invite_policy, state.default_role, max(state.current_epoch, 0), state.net),
        )
