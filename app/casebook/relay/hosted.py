"""What the relay knows and decides about one network it hosts.

The relay reads only clear headers. It keeps every author's chain head and the
membership log, folded with the same :func:`casebook.core.membership.fold` every client
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

from dataclasses import dataclass, field

from casebook.core import membership
from casebook.core.events import Event, parse_trusted
from casebook.core.membership import Entry, MembershipState
from casebook.relay.store import RelayStore


@dataclass
class Ticket:
    """An invite holder's session: the one join it may submit."""

    invite: bytes
    nonce: bytes


@dataclass
class Admission:
    accepted: list[Event] = field(default_factory=list)
    duplicates: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)
    heads: dict[bytes, tuple[int, bytes]] = field(default_factory=dict)
    entries: list[Entry] | None = None
    state: MembershipState | None = None
    size: int = 0


class HostedNetwork:
    def __init__(self, net: bytes, store: RelayStore, quota: int) -> None:
        self.net = net
        self.store = store
        self.quota = quota
        self.heads = store.heads(net)
        self.entries = [Entry.of(parse_trusted(raw)) for raw in store.membership_raws(net)]
        self.state = membership.fold(net, self.entries)
        self.events, self.size = store.usage(net)

    @property
    def exists(self) -> bool:
        return self.state.founder is not None

    def is_member(self, key: bytes) -> bool:
        return self.state.role_now(key) is not None

    def vector(self) -> dict[bytes, int]:
        return {author: head[0] for author, head in self.heads.items()}

    # -- admitting events ---------------------------------------------------------------
    def admit(self, batch: list[Event], now: int, ticket: Ticket | None = None) -> Admission:
        """Judge a batch in order without changing anything; :meth:`commit` applies it
        once the store has it on disk."""
        out = Admission(heads=dict(self.heads))
        entries, state = self.entries, self.state
        size = self.size
        for index, event in enumerate(batch):
            reason = self._chain(event, out.heads)
            if reason == "duplicate":
                out.duplicates += 1
                continue
            try:
                if reason is None and ticket is not None:
                    reason = self._ticket(event, ticket)
                if reason is None:
                    reason = self._author(event, state)
                if reason is None and size + len(event.raw) > self.quota:
                    reason = "the network's storage at this relay is full"
                if reason is None and event.kind in membership.KINDS:
                    new_entries = [*entries, Entry.of(event)]
                    new_state = membership.fold(self.net, new_entries)
                    if event.kind == "network.create" and new_state.founder is None:
                        reason = new_state.rejected.get(event.id, "not a valid network")
                    elif event.kind == "member.join":
                        reason = self._join(event, state, new_state, now)
                    if reason is None:
                        entries, state = new_entries, new_state
            except (TypeError, KeyError, ValueError, AttributeError):  # a header of odd types
                reason = "a malformed header"
            if reason is not None:
                out.refused.append((index, reason))
                continue
            out.accepted.append(event)
            out.heads[event.author] = (event.seq, event.id)
            size += len(event.raw)
        if entries is not self.entries:
            out.entries, out.state = entries, state
        out.size = size
        return out

    def commit(self, admission: Admission) -> bool:
        """Apply an admission the store has written; True when the membership changed."""
        self.heads = admission.heads
        self.events += len(admission.accepted)
        self.size = admission.size
        if admission.entries is None or admission.state is None:
            return False
        self.entries, self.state = admission.entries, admission.state
        return True

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
        if event.author in state.members:
            return None
        invite = event.header.pub.get("invite")
        if event.kind == "member.join" and isinstance(invite, bytes) and invite in state.invites:
            return None
        return "the author is not a member of this network"

    @staticmethod
    def _ticket(event: Event, ticket: Ticket) -> str | None:
        pub = event.header.pub
        if event.kind != "member.join" or pub.get("invite") != ticket.invite:
            return "an invite holder may only send the join for that invite"
        if pub.get("nonce") != ticket.nonce:
            return "the join is not bound to this session's nonce"
        return None

    @staticmethod
    def _join(event: Event, old: MembershipState, new: MembershipState, now: int) -> str | None:
        reason = new.rejected.get(event.id) or new.excluded.get(event.id)
        if reason is not None:
            return reason
        key = event.header.pub["invite"]
        invite = new.invites[key]
        if now > invite.expires:
            return "the invite has expired (by the relay's clock)"
        before = old.invites.get(key)
        if before is not None and not set(before.used_by) <= set(invite.used_by):
            return "the invite has been used up"
        return None

    # -- invites -----------------------------------------------------------------------
    def open_invite(self, key: bytes, now: int) -> str:
        invite = self.state.invites.get(key)
        if invite is None:
            return "unknown"
        if self.state.role_now(invite.inviter) is None:
            return "revoked"
        return invite.status(now)

    def closed_invites(self, now: int) -> list[bytes]:
        return [key for key in self.state.invites if self.open_invite(key, now) != "open"]
