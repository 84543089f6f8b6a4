"""The withdrawals one hosted network knows (docs/protocol.md, "Withdrawal"): which
cases are withdrawn here, so their events are kept and forwarded without their bodies,
and which bodiless events the relay takes from a member who is not their author.

A bodiless event is taken from its own author (who may withhold what they wrote), or
when a withdrawal the relay holds explains it: its tag verifies under a withdrawn case's
key, or it is the creation of a case whose withdrawal waits here for it (the case's
author or an admin wrote that withdrawal). A member who syncs a library holding other
members' events stripped to a relay that has not seen the withdrawals yet (a new relay,
a colleague's computer on the LAN) first announces them (``push.withdrawals``): for that
batch, the relay checks each one as it checks a stored withdrawal, and takes the
stripped events it explains. An announcement only explains: the relay purges what it
holds of a case only once the withdrawal's own event is stored (so no purge happens
without the record every computer keeps).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Iterable

from casebook.core.model import blobcrypt, purge
from casebook.core.model.events import Event, EventError, is_stripped, parse_trusted
from casebook.core.model.kinds import EventKind, Role
from casebook.core.model.membership import MembershipState
from casebook.protocol import wire
from casebook.relay.store import RelayStore

log = logging.getLogger("casebook.relay")


def stripped(event: Event) -> Event:
    """``event`` without its body (itself when it has none)."""
    if is_stripped(event):
        return event
    return dataclasses.replace(event, body=b"", raw=purge.strip(event.raw))


def may_withdraw(state: MembershipState, create: Event, author: bytes, seq: int) -> bool:
    """Whether the ``seq``-th event of chain ``author`` may withdraw the case ``create``
    made: its writer is the case's member, or an admin at that place in their chain."""
    owner = state.member_of(create.author)
    writer = state.member_of(author)
    if writer is None:
        return False
    return (owner is not None and owner.key == writer.key) or state.role_at(
        author, seq
    ) == Role.ADMIN


class Withdrawals:
    def __init__(self, net: bytes, store: RelayStore) -> None:
        self.net = net
        self.store = store
        # Withdrawn cases (case id, purge key): their later events are stored stripped.
        self.keys = store.withdrawn_keys(net)
        self.stripped: set[bytes] = set()  # what the last :meth:`apply` stripped
        # Cases whose stripped creation a batch being admitted takes on the strength of a
        # withdrawal waiting for it: their other events in that batch are explained too.
        self.coming: set[tuple[bytes, bytes]] = set()
        # Withdrawals announced with the batch being admitted: (withdrawal, author, seq).
        self.notices: list[tuple[purge.Withdrawal, bytes, int]] = []

    def covers(self, event: Event) -> bool:
        """Whether ``event`` is of a case withdrawn here (its body is not kept)."""
        return self._tagged(event, self.keys)

    def _tagged(self, event: Event, cases: Iterable[tuple[bytes, bytes]]) -> bool:
        if event.kind not in purge.TAGGED_KINDS:
            return False
        for case, key in cases:
            bound = None if event.id == case else case
            if purge.tagged(key, bound, event.author, event.seq, event.header.pub):
                return True
        return False

    def explains(self, event: Event, state: MembershipState) -> bool:
        """Whether a withdrawal held here, or announced by the pusher, explains a
        bodiless ``event`` sent by someone who is not its author (``state``: the
        membership as the batch being admitted has it)."""
        if self._tagged(event, [*self.keys, *self.coming]):
            return True
        if event.kind not in purge.TAGGED_KINDS:
            return False
        held = self.notices
        if event.kind == EventKind.CASE_CREATE:
            held = held + self.store.waiting_withdrawals(self.net, event.id)
        for clear, author, seq in held:
            assert clear.key is not None
            if event.id == clear.case:
                create: Event | None = event
            elif purge.tagged(clear.key, clear.case, event.author, event.seq, event.header.pub):
                found = self.store.event_at(self.net, clear.case)
                create = None if found is None else parse_trusted(found[1])
            else:
                continue
            if create is not None and self._holds(clear, author, seq, create, state):
                self.coming.add((clear.case, clear.key))
                return True
        return False

    @staticmethod
    def _holds(
        clear: purge.Withdrawal, author: bytes, seq: int, create: Event, state: MembershipState
    ) -> bool:
        """Whether a withdrawal holds for the case ``create`` made: its key verifies the
        creation's tag, and its writer may withdraw the case."""
        assert clear.key is not None
        return (
            create.kind == EventKind.CASE_CREATE
            and purge.tagged(clear.key, None, create.author, create.seq, create.header.pub)
            and may_withdraw(state, create, author, seq)
        )

    def announce(self, notices: list[Event], heads: dict[bytes, tuple[int, bytes]]) -> None:
        """Keep, for the batch they came with, the withdrawals a pusher announces ahead of
        their place in their chains (those not stored here yet, with a purge key)."""
        self.notices = []
        for event in notices[: wire.MAX_ANNOUNCED]:
            if event.kind != EventKind.CASE_WITHDRAW or event.net != self.net:
                continue
            if event.seq <= heads.get(event.author, (0, b""))[0]:
                continue  # stored here already: applied when it came
            try:
                clear = purge.withdrawal(event.header.pub)
            except EventError:
                continue
            if clear.key is not None and (clear.case, clear.key) not in self.keys:
                self.notices.append((clear, event.author, event.seq))

    def apply(self, stored: list[Event], state: MembershipState) -> bool:
        """After ``stored`` are on disk: apply the withdrawals among them, and those that
        waited for a case among them (an announced withdrawal is applied only once its
        own event is stored: it explains, it does not purge). True when something was
        purged (the ids stripped are in :attr:`stripped`, for the caller to forward those
        events bodiless)."""
        purged = False
        self.stripped, self.coming = set(), set()
        for event in stored:
            if event.kind == EventKind.CASE_WITHDRAW:
                try:
                    clear = purge.withdrawal(event.header.pub)
                except EventError:
                    continue  # every computer rejects it too
                if clear.key is not None and (clear.case, clear.key) not in self.keys:
                    purged = self.withdraw(clear, event.author, event.seq, state) or purged
            elif event.kind == EventKind.CASE_CREATE:
                for clear, author, seq in self.store.waiting_withdrawals(self.net, event.id):
                    purged = self.withdraw(clear, author, seq, state) or purged
        self.notices = []
        return purged

    def withdraw(
        self, clear: purge.Withdrawal, author: bytes, seq: int, state: MembershipState
    ) -> bool:
        """Strip the case's events and drop its attachments, if the withdrawal holds: the
        key is the case's (its creation's tag verifies), and its author wrote the case or
        was an admin at that place in their chain. A case not here yet: remembered."""
        assert clear.key is not None  # a case from before purge keys: nothing to check
        found = self.store.event_at(self.net, clear.case)
        if found is None:
            self.store.put_withdrawal(self.net, clear, author, seq, applied=False)
            return False
        arrived, raw = found
        if not self._holds(clear, author, seq, parse_trusted(raw), state):
            return False
        self.stripped |= self.store.strip_case(self.net, clear.key, clear.case, arrived)
        for inner in clear.blobs:  # only this case's copies: their ids are bound to it
            self.store.drop_blob(self.net, blobcrypt.case_blob_id(clear.case, inner))
        self.store.put_withdrawal(self.net, clear, author, seq, applied=True)
        self.keys.append((clear.case, clear.key))
        log.info(
            "a case of %s was withdrawn: %d events stripped", self.net.hex()[:8], len(self.stripped)
        )
        return True
