"""An announced withdrawal (``push.withdrawals``) only explains stripped events: the relay
purges nothing on its strength. An admin who announces one and then writes another event
at its place in their chain (so it is never stored, and no computer keeps a tombstone)
leaves every other member's copy of the case whole at the relay. Found by a hostile
review."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casebook.core.model import events
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from casebook.sync.store import SyncStore
from rawkit import forge, found
from relaykit import RunningRelay, join, sync


def relay_body(relay: RunningRelay, event_id: bytes) -> bytes:
    raw = relay.on_loop(
        lambda: relay.relay.store.execute(
            "SELECT raw FROM events WHERE id = ?", (event_id,)
        ).fetchone()[0]
    )
    return events.parse_trusted(bytes(raw)).body


def test_an_announced_withdrawal_that_is_never_stored_purges_nothing(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    relay = relays()
    alice, net = found(make_profile, relay)
    bob, carol, dave = (make_profile(n) for n in ("Dr. Bob Lee", "Dr. Carol Ng", "Dr. Dave Wu"))
    for p in (bob, carol):
        code = alice.invitations.create(net).code
        sync(alice, net, relay)
        join(p, code)
        sync(alice, net, relay)
    sync(bob, net, relay)
    case = bob.library.post_case(net, title="Keloid on the earlobe")
    sync(bob, net, relay)
    sync(carol, net, relay)
    comment = carol.library.comment(case, "Steroid injection first.")
    sync(carol, net, relay)
    sync(alice, net, relay)
    # Alice (an admin) signs a withdrawal of Bob's case but never stores it; she writes
    # another event at that place of her chain and announces the withdrawal with it.
    key = bytes(alice.db.scalar("SELECT purge_key FROM cases WHERE id = ?", (case,)))
    ghost = forge(
        alice, net, EventKind.CASE_WITHDRAW,
        {"case": case, "reason": "Consent withdrawn"},
        {"case": case, "key": key, "blobs": []},
    )  # fmt: skip
    alice.library.post_case(net, title="Something else")  # the same seq as the ghost
    monkeypatch.setattr(SyncStore, "announced", lambda self, n, have: [ghost])
    assert sync(alice, net, relay).error is None
    monkeypatch.undo()
    assert events.parse_trusted(ghost).id not in {
        bytes(r[0]) for r in alice.db.all("SELECT id FROM events")
    }
    # Nobody has a withdrawal of Bob's case; the relay must still hold Carol's comment.
    assert relay_body(relay, comment) != b""
    code = alice.invitations.create(net).code
    sync(alice, net, relay)
    join(dave, code)
    sync(dave, net, relay)
    assert dave.queries.case(case) is not None
