"""One member on two computers, with the real relay on 127.0.0.1:0: Alice's desktop
links her laptop (the device package, handed over here in-process), posts from both
reach Bob as Alice's, and once the laptop is revoked it can neither log in nor read
what is written afterwards."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from casebook.core.library.search import Filters
from casebook.core.model import devices as device_model
from casebook.core.model import recovery
from casebook.core.model.identity import Identity
from casebook.core.profile import Profile
from casebook.errors import PermissionDenied, UsageError
from casebook.session import devices
from casebook.sync.link import SyncError
from clikit import PASSPHRASE
from netkit import titles
from relaykit import RunningRelay, join, sync

pytestmark = pytest.mark.both_stores  # the relay suite: SQLite and PostgreSQL


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RunningRelay]:
    running = RunningRelay(tmp_path / "relay-data")
    yield running
    running.stop()


def run(coro: Any) -> Any:
    return asyncio.run(asyncio.wait_for(coro, 120))


def link(desktop: Profile, folder: Path, name: str = "Laptop") -> Profile:
    """What ``device link`` / ``device join`` do around the handover: the package
    sealed to the new device's key and the link secret, the profile made from it, and
    the new device's certificates taken in by the desktop."""
    device, secret = Identity.generate(), os.urandom(16)
    sealed = desktop.devices.package(
        secret, device.public_key, device.exchange_public_key, name, desktop.name
    )
    with pytest.raises(device_model.PackageError):
        device_model.open_package(sealed, Identity.generate(), secret)  # another device
    with pytest.raises(device_model.PackageError):
        device_model.open_package(sealed, device, os.urandom(16))  # another link secret
    package = device_model.open_package(sealed, device, secret)
    laptop = Profile.create(
        folder,
        package["name"],
        PASSPHRASE,
        device=device,
        member=package["member"],
        device_name=name,
        box_key=package["box"],
    )
    adds = laptop.devices.adopt(package)
    assert desktop.devices.take_adds(adds) == len(adds) == 1
    return laptop


def test_two_computers_of_one_member_and_a_revocation(
    make_profile: Callable[..., Profile], relay: RunningRelay, tmp_path: Path
) -> None:
    alice = make_profile("Dr. Alice Moreau")
    bob = make_profile("Dr. Bob Lee")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    code = alice.invitations.create(net).code
    alice.library.post_case(net, title="From the desktop", body="Syncope at rest.")
    assert sync(alice, net, relay).error is None
    join(bob, code)

    laptop = link(alice, tmp_path / "laptop")
    assert laptop.fingerprint == alice.fingerprint  # whoami: the same member
    assert laptop.identity.public_key != alice.identity.public_key  # its own chain
    assert sync(alice, net, relay).error is None  # the certificate reaches the relay
    caught_up = sync(laptop, net, relay)
    assert caught_up.error is None
    assert titles(laptop) == ["From the desktop"]

    laptop.library.post_case(net, title="From the laptop", body="Second opinion wanted.")
    assert sync(laptop, net, relay).error is None
    assert sync(bob, net, relay).error is None
    cases = {c.title: c for c in bob.queries.list_cases(Filters(), limit=10)}
    assert set(cases) == {"From the desktop", "From the laptop"}
    assert cases["From the laptop"].author == cases["From the desktop"].author
    assert cases["From the laptop"].author_name == "Dr. Alice Moreau"

    listed = alice.devices.mine()
    assert [(d["name"], d["current"], d["revoked"]) for d in listed] == [
        ("first computer", True, False),
        ("Laptop", False, False),
    ]

    # The laptop is lost: the desktop revokes it (cut after what the desktop has seen of
    # it, so it syncs first); the network is re-keyed at once.
    assert sync(alice, net, relay).error is None
    result = alice.devices.revoke("laptop")
    assert result["networks"][0]["rekeyed"]
    alice.library.post_case(net, title="After the revocation", body="Not for the laptop.")
    assert sync(alice, net, relay).error is None
    with pytest.raises(SyncError, match="does not accept this profile"):
        sync(laptop, net, relay)  # the relay no longer admits it
    assert "After the revocation" not in titles(laptop)
    assert sync(bob, net, relay).error is None
    assert "After the revocation" in titles(bob)
    # Whoever holds the laptop writes on; handed to Bob another way, it is refused.
    stolen = laptop.library.post_case(net, title="Written by a thief", body="x")
    raw = laptop.db.scalar("SELECT raw FROM events WHERE id = ?", (stolen,))
    bob.log.ingest(laptop.log.wire.of(bytes(raw)))
    assert "Written by a thief" not in titles(bob)
    reason = bob.db.scalar("SELECT reason FROM rejected WHERE event_id = ?", (stolen,))
    assert reason == "written after the author was removed"
    # Once the laptop hears of its revocation (here: from Bob's events), it says so.
    for row in bob.db.all("SELECT raw FROM events ORDER BY seqno"):
        laptop.log.ingest(bob.log.wire.of(bytes(row["raw"])))
    with pytest.raises(PermissionDenied, match="removed from your devices"):
        laptop.library.post_case(net, title="Written by a thief", body="x")
    assert "After the revocation" not in titles(laptop)  # the new epoch's key is not there
    assert not alice.log.members.state(net).needs_rotation()

    # The desktop is lost too: Alice recovers on a third computer from her recovery key
    # (the relay kept her recovery box: the desktop's syncs put it there).
    key = alice.recovery.key()
    with pytest.raises(UsageError, match="typo"):
        typo = key[:-1] + ("R" if key.endswith("Q") else "Q")  # (never the key itself)
        run(devices.recover(tmp_path / "x", PASSPHRASE, typo, relay.address, "x"))
    with pytest.raises(SyncError, match="no recovery box"):
        other = recovery.key_text(os.urandom(32))  # someone else's key, or nobody's
        run(devices.recover(tmp_path / "y", PASSPHRASE, other, relay.address, "y"))
    joined = run(devices.recover(tmp_path / "third", PASSPHRASE, key, relay.address, "Third"))
    third = joined.profile
    try:
        assert joined.caught_up == []
        assert third.fingerprint == alice.fingerprint
        assert set(titles(third)) == {
            "From the desktop",
            "From the laptop",
            "After the revocation",
        }
        # From there the lost desktop is revoked, with the member key's signature.
        names = {d["name"]: d for d in third.devices.mine()}
        assert names["Third"]["current"]
        third.devices.revoke(names["first computer"]["id"])
        assert sync(third, net, relay).error is None
        with pytest.raises(SyncError, match="does not accept this profile"):
            sync(alice, net, relay)
        third.library.post_case(net, title="From the third computer", body="Still Alice.")
        assert sync(third, net, relay).error is None
        assert sync(bob, net, relay).error is None
        cases = {c.title: c for c in bob.queries.list_cases(Filters(), limit=10)}
        assert cases["From the third computer"].author_name == "Dr. Alice Moreau"
    finally:
        third.close()


def test_a_member_who_joined_links_a_computer_that_links_another(
    make_profile: Callable[..., Profile], relay: RunningRelay, tmp_path: Path
) -> None:
    """Bob, who joined (not the founder), links a laptop: its certificate sorts after
    his join (the package gives it the network's membership clock), so Alice and the
    relay take it; a linked computer revokes nothing without the recovery key, and
    revoking a computer revokes the ones it linked."""
    alice = make_profile("Dr. Alice Moreau")
    bob = make_profile("Dr. Bob Lee")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    code = alice.invitations.create(net).code
    assert sync(alice, net, relay).error is None
    join(bob, code)
    assert sync(bob, net, relay).error is None

    laptop = link(bob, tmp_path / "bob-laptop")
    assert sync(bob, net, relay).error is None
    assert sync(laptop, net, relay).error is None
    laptop.library.post_case(net, title="From Bob's laptop", body="A second look.")
    assert sync(laptop, net, relay).error is None
    assert sync(alice, net, relay).error is None
    cases = {c.title: c for c in alice.queries.list_cases(Filters(), limit=10)}
    assert cases["From Bob's laptop"].author_name == "Dr. Bob Lee"

    tablet = link(laptop, tmp_path / "bob-tablet", name="Tablet")
    assert sync(laptop, net, relay).error is None
    assert sync(tablet, net, relay).error is None
    # A linked computer holds no member key: revoking takes the recovery key, and
    # nothing is written without it.
    for linked, other in ((tablet, "laptop"), (laptop, "tablet")):
        with pytest.raises(PermissionDenied, match="--recovery-key"):
            linked.devices.revoke(other)
    assert sync(bob, net, relay).error is None
    result = bob.devices.revoke("tablet")  # device zero signs with the member key
    assert result["signed"] and result["also"] == []
    assert sync(bob, net, relay).error is None
    assert [d["name"] for d in bob.devices.mine() if not d["revoked"]] == [
        "first computer",
        "Laptop",
    ]
    # The laptop is stolen after it linked one more: revoking it revokes that one too
    # (it may be the thief's), and the answer names it.
    link(laptop, tmp_path / "bob-other", name="Other")
    assert sync(laptop, net, relay).error is None
    assert sync(bob, net, relay).error is None
    result = bob.devices.revoke("laptop")
    assert result["signed"] and result["also"] == ["Other"]
    assert [d["name"] for d in bob.devices.mine() if not d["revoked"]] == ["first computer"]


def test_a_revoked_laptop_with_the_relays_copy_of_the_box_reads_no_new_seed(
    make_profile: Callable[..., Profile], relay: RunningRelay, tmp_path: Path
) -> None:
    """The recovery box is sealed to a public key: the laptop kept it up to date, but
    nothing the laptop holds opens it, so a revoked laptop handed the relay's copy of a
    later box (a hostile operator, a stolen disk) learns no seed made after its
    revocation. The recovery key opens it, with that seed in it."""
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
    assert sync(alice, net, relay).error is None
    laptop = link(alice, tmp_path / "laptop")
    assert sync(alice, net, relay).error is None
    assert sync(laptop, net, relay).error is None
    held = laptop.devices.secrets()
    assert held.signer is None and held.box_public is not None

    alice.devices.revoke("laptop")
    assert sync(alice, net, relay).error is None
    assert alice.log.members.state(net).current_epoch == 1
    sealed = relay.on_loop(relay.relay.store.box, recovery.box_id(alice.member))

    seed = alice.identity.private_bytes()[0]
    opened = recovery.open_box(seed, alice.member, sealed)
    assert 1 in {int(e) for item in opened["networks"] for e, _, _ in item["seeds"]}
    for secret in (held.box_public, *laptop.identity.private_bytes()):
        with pytest.raises(recovery.RecoveryKeyError):
            recovery.open_box(bytes(secret), alice.member, sealed)
