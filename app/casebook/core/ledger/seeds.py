"""The epoch seeds this profile holds, per network, epoch and source.

``source`` is the id of the rotation event that made a seed (empty for epoch 0), so the
candidates of two concurrent rotations of one epoch are both kept: events made under
either stay readable. Seeds are state, never derived: a rebuild keeps them.
"""

from __future__ import annotations

from casebook.core.model import epochs
from casebook.core.model.events import Event, EventError
from casebook.core.model.identity import Identity
from casebook.store.database import Database


def unwrapped(device: Identity, rotation: Event) -> bytes | None:
    """The seed an ``epoch.rotate`` wraps to ``device`` (None: no wrap to it opens)."""
    me = device.public_key
    for recipient, sealed in rotation.header.pub["wraps"]:
        if recipient != me:
            continue
        try:
            return epochs.unwrap(
                device.exchange_key,
                me,
                rotation.net,
                rotation.header.epoch,
                rotation.header.pub["eph"],
                sealed,
            )
        except epochs.UnwrapError:
            return None
    return None


class EpochKeys:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._cache: dict[tuple[bytes, int], list[tuple[bytes, bytes]]] = {}
        self._rollbacks = db.rollbacks
        self._held: set[bytes] = set()  # networks known to have a seed

    def _forget_undone(self) -> None:
        """After a rollback, a seed we cached may be gone."""
        if self._rollbacks != self.db.rollbacks:
            self._cache.clear()
            self._held.clear()
            self._rollbacks = self.db.rollbacks

    def add(self, net: bytes, epoch: int, seed: bytes, source: bytes = b"") -> bool:
        """Store a seed; True when it is new."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO epoch_seeds (net, epoch, source, seed) VALUES (?, ?, ?, ?)",
            (net, epoch, source, seed),
        )
        self._cache.pop((net, epoch), None)
        return bool(cur.rowcount)

    def candidates(self, net: bytes, epoch: int) -> list[tuple[bytes, bytes]]:
        """``[(source, seed)]`` held for an epoch (possibly empty)."""
        self._forget_undone()
        cached = self._cache.get((net, epoch))
        if cached:
            return cached
        rows = self.db.all(
            "SELECT source, seed FROM epoch_seeds WHERE net = ? AND epoch = ? ORDER BY source",
            (net, epoch),
        )
        found = [(bytes(r["source"]), bytes(r["seed"])) for r in rows]
        if found:
            self._cache[(net, epoch)] = found
        return found

    def forget(self, net: bytes, epoch: int) -> bool:
        """Read an epoch's seeds again next time (another process may have added one);
        whether any were cached."""
        return self._cache.pop((net, epoch), None) is not None

    def seed(self, net: bytes, epoch: int, prefer: bytes | None = None) -> bytes:
        found = self.candidates(net, epoch)
        if not found:
            raise EventError("no key for this network epoch")
        for source, seed in found:
            if source == prefer:
                return seed
        return found[0][1]

    def newest(self, net: bytes) -> int | None:
        value = self.db.scalar("SELECT max(epoch) FROM epoch_seeds WHERE net = ?", (net,))
        return None if value is None else int(value)

    def holds(self, net: bytes) -> bool:
        self._forget_undone()
        if net in self._held:  # seeds are never deleted, except by a rollback
            return True
        if self.newest(net) is None:
            return False
        self._held.add(net)
        return True

    def export(self, net: bytes) -> list[list[object]]:
        """``[[epoch, source, seed], ...]`` — for a welcome package or a rotation body."""
        rows = self.db.all(
            "SELECT epoch, source, seed FROM epoch_seeds WHERE net = ? ORDER BY epoch, source",
            (net,),
        )
        return [[int(r["epoch"]), bytes(r["source"]), bytes(r["seed"])] for r in rows]

    # -- join keys: what opens a newcomer's ``member.join`` (see ``invites.join_seed``) --
    def add_join(self, net: bytes, invite: bytes, seed: bytes) -> bool:
        """Store the key that opens joins of ``invite``; True when it is new."""
        cur = self.db.execute(
            "INSERT OR IGNORE INTO join_keys (net, invite, seed) VALUES (?, ?, ?)",
            (net, invite, seed),
        )
        return bool(cur.rowcount)

    def join_seed(self, net: bytes, invite: bytes) -> bytes | None:
        value = self.db.scalar(
            "SELECT seed FROM join_keys WHERE net = ? AND invite = ?", (net, invite)
        )
        return None if value is None else bytes(value)
