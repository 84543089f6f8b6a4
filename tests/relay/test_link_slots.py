"""The relay's link slots, spoken by hand (``relay/linking.py``): only a logged-in
member places one, a slot serves one new computer once, the relay forwards what the two
say and keeps nothing, and a new computer that is nobody gets nothing else."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from casebook.core.profile import Profile
from casebook.relay import linking
from rawkit import Raw, found, run
from relaykit import RunningRelay

pytestmark = pytest.mark.both_stores  # the relay suite: SQLite and PostgreSQL


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RunningRelay]:
    running = RunningRelay(tmp_path / "relay-data")
    yield running
    running.stop()


async def _owner(relay: RunningRelay, alice: Profile, net: bytes) -> Raw:
    raw = await Raw.open(relay)
    raw.send(raw.auth(alice, net, probe=True))
    ready = await raw.recv()
    assert ready["t"] == "ready", ready
    return raw


async def _next(raw: Raw, kind: str) -> dict:  # type: ignore[type-arg]
    for _ in range(100):
        message = await raw.recv()
        if message["t"] == kind:
            return message
    raise AssertionError(f"no {kind}")


def test_a_slot_pairs_one_new_computer_once_and_forwards_both_ways(
    make_profile: Callable[..., Profile], relay: RunningRelay
) -> None:
    alice, net = found(make_profile, relay)
    slot = os.urandom(32)

    async def story() -> None:
        owner = await _owner(relay, alice, net)
        owner.send({"t": "link_open", "id": 7, "slot": slot})
        ack = await _next(owner, "ack")
        assert ack == {"t": "ack", "id": 7}
        guest = await Raw.open(relay)
        guest.send({"t": "link_join", "slot": slot})
        assert (await guest.recv())["t"] == "link_ready"
        assert (await _next(owner, "link_peer"))["slot"] == slot
        guest.send({"t": "link_msg", "data": b"hello from the laptop"})
        said = await _next(owner, "link_msg")
        assert said == {"t": "link_msg", "slot": slot, "data": b"hello from the laptop"}
        owner.send({"t": "link_msg", "slot": slot, "data": b"the package"})
        assert await guest.recv() == {"t": "link_msg", "data": b"the package"}

        # The slot is taken: a second computer with the same code gets nothing.
        second = await Raw.open(relay)
        second.send({"t": "link_join", "slot": slot})
        assert await second.refused() == "link-unknown"

        # A new computer may only talk link: anything else ends it.
        guest.send({"t": "push", "id": 1, "events": []})
        assert await guest.refused() == "unexpected"
        assert (await _next(owner, "link_closed"))["slot"] == slot
        # ... and the slot is gone for good.
        third = await Raw.open(relay)
        third.send({"t": "link_join", "slot": slot})
        assert await third.refused() == "link-unknown"
        await owner.close()

    run(story())


def test_only_a_logged_in_member_places_slots_and_only_a_few(
    make_profile: Callable[..., Profile], relay: RunningRelay
) -> None:
    alice, net = found(make_profile, relay)

    async def story() -> None:
        stranger = await Raw.open(relay)
        stranger.send({"t": "link_open", "id": 1, "slot": os.urandom(32)})
        assert await stranger.refused() == "unexpected"

        owner = await _owner(relay, alice, net)
        for ref in range(linking.MAX_SLOTS_PER_SESSION):
            owner.send({"t": "link_open", "id": ref, "slot": os.urandom(32)})
            assert "refused" not in await _next(owner, "ack")
        owner.send({"t": "link_open", "id": 99, "slot": os.urandom(32)})
        assert "too many" in (await _next(owner, "ack"))["refused"]
        await owner.close()

    run(story())


def test_a_slot_goes_with_its_computer(
    make_profile: Callable[..., Profile], relay: RunningRelay
) -> None:
    alice, net = found(make_profile, relay)
    slot = os.urandom(32)

    async def story() -> None:
        owner = await _owner(relay, alice, net)
        owner.send({"t": "link_open", "id": 1, "slot": slot})
        await _next(owner, "ack")
        await owner.close()
        guest = await Raw.open(relay)
        for _ in range(50):  # the relay notices the closed connection at once, or soon
            guest.send({"t": "link_join", "slot": slot})
            answer = await guest.recv()
            if answer["t"] == "error":
                break
            await guest.close()
            guest = await Raw.open(relay)
        assert answer["code"] == "link-unknown"

    run(story())
