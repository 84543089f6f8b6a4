"""``have.want``: the events a member asks for by id come in frames of the usual size, however
large the events (a few large ones used to make one frame larger than a frame may be,
and that computer could never sync again). Found by a hostile review."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from casebook.core.model import events, purge
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from netkit import raw_events
from rawkit import forge, found
from relaykit import RunningRelay, join, sync


def test_wanted_events_larger_than_a_frame_do_not_break_sync(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CASEBOOK_SYNC_TIMEOUT", "8")
    relay = relays()
    alice, net = found(make_profile, relay)
    bob, mallory = make_profile("Dr. Bob Lee"), make_profile("Dr. Mallory Ward")
    for p in (bob, mallory):
        code = alice.invitations.create(net).code
        sync(alice, net, relay)
        join(p, code)
        sync(alice, net, relay)
    sync(mallory, net, relay)
    case = alice.library.post_case(net, title="Pericarditis after flu")
    sync(alice, net, relay)
    sync(mallory, net, relay)
    sync(bob, net, relay)
    # Mallory writes two large events (a changed client: the relay cannot read bodies).
    big = []
    for _ in range(2):
        raw = forge(mallory, net, EventKind.COMMENT_CREATE, {"case": case, "body": "x" * 2_500_000})
        mallory.log.ingest(raw)
        big.append(raw)
    assert sync(mallory, net, relay).error is None
    # Bob receives them bodiless first (Mallory's stripped copies, from elsewhere).
    for raw in raw_events(mallory, net):
        event = events.parse_trusted(raw)
        if event.author == mallory.identity.public_key:
            bob.log.ingest(purge.strip(raw) if raw in big else raw)
    # Bob's sync with the relay must still work (and keep working).
    for _ in range(2):
        report = bounded_sync(bob, net, relay)
        assert report is not None, "Bob's sync never ends (the wanted events never come)"
        assert report.error is None, report.error


def bounded_sync(profile: Profile, net: bytes, relay: RunningRelay, limit: float = 60):
    out: list = []
    worker = threading.Thread(target=lambda: out.append(sync(profile, net, relay)), daemon=True)
    worker.start()
    worker.join(limit)
    return out[0] if out else None
