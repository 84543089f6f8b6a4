"""Three profiles and the real relay on 127.0.0.1:0, end to end: create, invite, join
while the inviter is offline, post, comment, sync both ways, remove a member (their open
connection is closed; they receive nothing new), search on the receiving side."""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from casebook.core.library.search import Filters
from casebook.core.profile import Profile
from casebook.sync.engine import SyncEngine
from casebook.sync.link import SyncError
from netkit import titles
from relaykit import RunningRelay, join, stored_bytes, sync

pytestmark = pytest.mark.both_stores  # the relay suite: SQLite and PostgreSQL

SECRETS = [
    "Exertional syncope in a 17-year-old",
    "Collapsed at football practice, QT interval borderline",
    "Consider hypertrophic cardiomyopathy before clearance",
    "Cardiology Circle",
    "Dr. Alice Moreau",
    "Dr. Bob Lee",
    "Dr. Carol Ng",
    "Posted after the removal",
]


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RunningRelay]:
    running = RunningRelay(tmp_path / "relay-data")
    yield running
    running.stop()


@pytest.fixture
def circle(
    make_profile: Callable[..., Profile], relay: RunningRelay
) -> tuple[Profile, Profile, Profile, bytes]:
    alice = make_profile("Dr. Alice Moreau")
    bob = make_profile("Dr. Bob Lee")
    carol = make_profile("Dr. Carol Ng")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    return alice, bob, carol, net


def test_three_profiles_through_the_relay(
    circle: tuple[Profile, Profile, Profile, bytes], relay: RunningRelay, tmp_path: Path
) -> None:
    alice, bob, carol, net = circle
    alice.library.post_case(net, title=SECRETS[0], body=SECRETS[1])
    bob_code = alice.invitations.create(net).code
    carol_code = alice.invitations.create(net).code
    first = sync(alice, net, relay)  # creates the network at the relay, places welcomes
    assert first.error is None and first.sent == 3  # the creation travels with the login

    # Alice goes offline; Bob joins from the relay alone and reads the library at once.
    join(bob, bob_code)
    assert titles(bob) == [SECRETS[0]]
    hits = bob.queries.search("syncope", Filters())
    assert [h.case.title for h in hits] == [SECRETS[0]]
    case_id = bob.queries.list_cases(Filters(), limit=5)[0].id
    bob.library.comment(case_id, SECRETS[2])
    assert sync(bob, net, relay).sent >= 1

    join(carol, carol_code)
    back = sync(alice, net, relay)  # Alice is back: both joins and the comment arrive
    assert back.error is None and back.applied >= 3
    assert {m["name"] for m in alice.governance.members(net)} >= {
        "Dr. Bob Lee",
        "Dr. Carol Ng",
    }
    detail = alice.queries.case(case_id)
    assert detail is not None and [c.body for c in detail.discussion] == [SECRETS[2]]
    search = alice.queries.search("hypertrophic", Filters())
    assert [h.case.title for h in search] == [SECRETS[0]]

    # Carol stays connected; Alice removes her. The relay closes Carol's link at once.
    watching = _watch_in_thread(carol, net)
    assert watching.connected.wait(20)
    alice.governance.remove(net, "Carol")
    alice.library.post_case(net, title=SECRETS[7], body="after")
    sync(alice, net, relay)
    watching.thread.join(20)
    assert not watching.thread.is_alive()
    assert watching.error is not None and watching.error.code == "removed"
    assert SECRETS[7] not in titles(carol)
    with pytest.raises(SyncError) as refused:
        sync(carol, net, relay)
    assert refused.value.code == "denied"
    assert SECRETS[7] not in titles(carol)

    # Bob still gets everything new, including Alice's post under the new key.
    sync(bob, net, relay)
    assert SECRETS[7] in titles(bob)
    assert carol.identity.public_key not in {
        m.key for m in bob.log.members.state(net).active_members()
    }

    _assert_no_plaintext(tmp_path / "relay-data")


class _Watch:
    def __init__(self) -> None:
        self.connected = threading.Event()
        self.error: SyncError | None = None
        self.thread: threading.Thread


def _watch_in_thread(profile: Profile, net: bytes) -> _Watch:
    """``casebook sync --watch`` for one profile, on its own thread and loop."""
    watch = _Watch()
    engine = SyncEngine(profile)
    address = engine.relays(net)[0]

    async def run() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(
            engine.sync(
                net, address, watch=True, stop=stop, on_caught_up=lambda _: watch.connected.set()
            )
        )
        try:
            await asyncio.wait_for(task, 30)
        except SyncError as exc:
            watch.error = exc
        finally:
            stop.set()
            engine.close()

    watch.thread = threading.Thread(target=lambda: asyncio.run(run()), daemon=True)
    watch.thread.start()
    return watch


def _assert_no_plaintext(folder: Path) -> None:
    """No case text, comment or display name anywhere in the relay's files."""
    blobs = stored_bytes(folder)
    assert len(blobs) > 10_000
    for secret in SECRETS:
        for form in (secret.encode(), secret.encode("utf-16-le"), secret.lower().encode()):
            assert form not in blobs, f"{secret!r} is readable in the relay's data"
    # The names' distinctive words alone, too.
    for word in (b"Moreau", b"syncope", b"cardiomyopathy", b"football"):
        assert word not in blobs
    assert os.stat(folder).st_mode & 0o077 == 0


def test_attachments_travel_sealed_and_are_fetched_on_demand(
    circle: tuple[Profile, Profile, Profile, bytes], relay: RunningRelay, tmp_path: Path
) -> None:
    from casebook.core.library import attachments

    alice, bob, carol, net = circle
    secret_bytes = b"%PDF-1.4\n" + b"ECG tracing of the patient, QTc 510 ms " * 3000  # ~120 KB
    item = attachments.prepare_bytes("ecg.pdf", secret_bytes)
    case = alice.library.post_case(net, title="Long QT", body="see ECG", files=[item])
    code = alice.invitations.create(net).code
    report = sync(alice, net, relay)
    assert report.attachments_sent == 1
    assert sync(alice, net, relay).attachments_sent == 0  # the relay has it now

    join(bob, code)
    detail = bob.queries.case(case)
    assert detail is not None and [a["name"] for a in detail.attachments] == ["ecg.pdf"]
    assert not attachments.has(bob.db, item.hash)  # lazily: not fetched by the sync
    engine = SyncEngine(bob)
    try:
        asyncio.run(engine.fetch_attachment(item.hash))
    finally:
        engine.close()
    assert attachments.read(bob.db, item.hash) == secret_bytes

    blobs = stored_bytes(tmp_path / "relay-data")
    assert b"ECG tracing" not in blobs and item.hash not in blobs
    assert item.hash.hex().encode() not in blobs

    # A removed member cannot fetch it: the relay refuses them outright.
    carol_code = alice.invitations.create(net).code
    sync(alice, net, relay)
    join(carol, carol_code)
    sync(alice, net, relay)
    alice.governance.remove(net, "Carol")
    sync(alice, net, relay)
    engine = SyncEngine(carol)
    try:
        with pytest.raises(SyncError) as refused:
            asyncio.run(engine.fetch_attachment(item.hash))
    finally:
        engine.close()
    assert refused.value.code == "denied"
    assert not attachments.has(carol.db, item.hash)
