"""Attacks on linking a computer, with the real relay on 127.0.0.1:0: whoever knows the
slot's name but not the code (the relay's operator) gets nothing; whoever intercepted
the code before it was used is caught by the comparison code; a used code is dead."""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from casebook.core.model.encoding import decode, encode
from casebook.core.model.identity import Identity
from casebook.core.model.link_codes import LinkCode
from casebook.core.profile import Profile
from casebook.errors import UsageError
from casebook.session import devices
from casebook.sync import device_link
from casebook.sync.engine import SyncEngine
from casebook.sync.link import RelayLink, SyncError
from clikit import PASSPHRASE
from relaykit import RunningRelay, sync

pytestmark = pytest.mark.both_stores  # the relay suite: SQLite and PostgreSQL


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RunningRelay]:
    running = RunningRelay(tmp_path / "relay-data")
    yield running
    running.stop()


@pytest.fixture
def alice(make_profile: Callable[..., Profile], relay: RunningRelay) -> Profile:
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    alice.library.post_case(net, title="Exertional syncope", body="Private.")
    assert sync(alice, net, relay).error is None
    return alice


async def _offer(
    alice: Profile, code: LinkCode, confirm: Callable[[str, str], Any], ready: asyncio.Event
) -> dict[str, Any]:
    engine = SyncEngine(alice)
    try:

        async def asked(comparison: str, name: str) -> bool:
            return bool(confirm(comparison, name))

        return await devices.link(alice, engine, code, asked, ready.set)
    finally:
        engine.close()


def test_the_slots_name_without_the_code_gets_nothing(alice: Profile, relay: RunningRelay) -> None:
    code = LinkCode.make((relay.address,), int(time.time() * 1000))
    seen: list[str] = []

    async def story() -> None:
        ready = asyncio.Event()
        offer = asyncio.ensure_future(_offer(alice, code, lambda c, n: seen.append(c), ready))
        await asyncio.wait_for(ready.wait(), 30)
        # The relay's operator knows the slot's name (a hash of the secret), not the code.
        link = await RelayLink.open(relay.address)
        link.send({"t": "link_join", "slot": code.slot})
        assert (await link.recv())["t"] == "link_ready"
        mallory = Identity.generate()
        request = {
            "t": "request",
            "device": mallory.public_key,
            "xkey": mallory.exchange_public_key,
            "name": "Laptop",
            "mac": os.urandom(32),  # cannot make the real one without the secret
        }
        link.send({"t": "link_msg", "data": encode(request)})
        answer = decode((await link.recv(30))["data"])
        assert answer == {"t": "refused"}
        await link.close()
        with pytest.raises(UsageError, match="does not hold this link code"):
            await offer
        assert seen == []  # the person was never even asked

    asyncio.run(asyncio.wait_for(story(), 60))


def test_an_intercepted_code_is_caught_by_the_comparison_code(
    alice: Profile, relay: RunningRelay, tmp_path: Path
) -> None:
    code = LinkCode.make((relay.address,), int(time.time() * 1000))
    asked: list[str] = []
    shown_to_mallory: list[str] = []
    real = Identity.generate()
    real_code = code.comparison(real.public_key, real.exchange_public_key)

    def person(comparison: str, name: str) -> bool:
        asked.append(comparison)
        return comparison == real_code  # what the laptop in front of them shows

    async def story() -> None:
        ready = asyncio.Event()
        offer = asyncio.ensure_future(_offer(alice, code, person, ready))
        await asyncio.wait_for(ready.wait(), 30)
        # Mallory saw the code over Alice's shoulder and gets to the relay first.
        with pytest.raises(UsageError, match="declined"):
            await devices.join(
                tmp_path / "mallory", PASSPHRASE, code, "Laptop", shown_to_mallory.append
            )
        with pytest.raises(UsageError, match="cancelled"):
            await offer
        # The real laptop, a moment later: the code is spent.
        with pytest.raises(SyncError, match="no computer waits"):
            await device_link.accept(code, real, "Laptop", lambda c: None, lambda p: [])

    asyncio.run(asyncio.wait_for(story(), 60))
    assert asked == shown_to_mallory and asked != [real_code]
    assert not (tmp_path / "mallory" / "profile.json").exists()  # nothing was set up
