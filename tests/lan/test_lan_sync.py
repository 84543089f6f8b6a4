"""Colleagues on one LAN, with no relay anywhere: real mDNS and real links between
network namespaces the test makes (docs/protocol.md, *LAN discovery and direct links*)."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import lankit
from casebook.core.profile import Profile
from clikit import PASSPHRASE
from netkit import deliver, join, titles

REASON = lankit.unavailable()
pytestmark = pytest.mark.skipif(REASON is not None, reason=REASON or "")


def _reopen(directory: Path) -> Profile:
    return Profile.unlock(directory, PASSPHRASE)


def _wait_for(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.25)
    return check()


def test_two_members_find_each_other_and_sync_both_ways(
    make_profile: Callable[..., Profile], tmp_path: Path
) -> None:
    alice, bob = make_profile("Dr. Alice Moreau"), make_profile("Dr. Bob Okafor")
    net = alice.library.create_network("Cardiology Circle", alice.name)
    join(bob, alice, net)
    alice.library.post_case(net, title="Syncope after exertion", body="A 24-year-old athlete.")
    bob.library.post_case(net, title="Chest pain at rest", body="A 60-year-old smoker.")
    a_dir, b_dir = alice.directory, bob.directory
    alice.close()
    bob.close()
    with lankit.lan(2, tmp_path / "lan") as lan:
        watcher = lan.start(0, a_dir, "sync", "--watch")
        found = lan.run(1, b_dir, "--json", "sync", "--lan", "--wait", "20")
        assert found.returncode == 0, found.stderr
        results = json.loads(found.stdout)["results"]
        assert [r["error"] for r in results] == [None]
        assert results[0]["relay"].startswith(f"lan://{lan.address(0)}:")
        lankit.stop(watcher)
    bob = _reopen(b_dir)
    alice = _reopen(a_dir)
    try:
        assert titles(bob) == ["Chest pain at rest", "Syncope after exertion"]
        assert titles(alice) == ["Chest pain at rest", "Syncope after exertion"]
    finally:
        alice.close()
        bob.close()


OBSERVER = r"""
import json, socket, struct, time
from zeroconf import ServiceBrowser, ServiceInfo, Zeroconf, IPVersion

packets = []
raw = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
raw.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
raw.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
raw.bind(("", 5353))
raw.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
               struct.pack("4s4s", socket.inet_aton("224.0.0.251"), socket.inet_aton("__ADDR__")))
raw.settimeout(0.2)
zc = Zeroconf(ip_version=IPVersion.V4Only)
names = set()

class Listener:
    def add_service(self, zc, type_, name): names.add(name)
    def update_service(self, zc, type_, name): names.add(name)
    def remove_service(self, zc, type_, name): pass

ServiceBrowser(zc, "_casebook._tcp.local.", Listener())
deadline = time.monotonic() + 8
while time.monotonic() < deadline:
    try:
        packets.append(raw.recv(9000).hex())
    except OSError:
        pass
seen = []
for name in sorted(names):
    info = zc.get_service_info("_casebook._tcp.local.", name, 3000)
    if info is None:
        continue
    seen.append({
        "name": info.name, "server": info.server, "port": info.port,
        "addresses": info.parsed_addresses(),
        "properties": {k.decode("latin-1"): (v or b"").hex() for k, v in info.properties.items()},
    })
zc.close()
print(json.dumps({"services": seen, "packets": packets}))
"""


def test_a_stranger_on_the_lan_sees_an_opaque_service_and_nothing_else(
    make_profile: Callable[..., Profile], tmp_path: Path
) -> None:
    alice, bob = make_profile("Dr. Alice Moreau"), make_profile("Dr. Bob Okafor")
    net = alice.library.create_network("Cardiology Circle", alice.name)
    join(bob, alice, net)
    secrets = {
        "names": ["Alice", "Moreau", "Bob", "Okafor", "Cardiology", "Circle"],
        "bytes": [net, alice.identity.public_key, bob.identity.public_key],
        "texts": [alice.identity.fingerprint, bob.identity.fingerprint, socket.gethostname()],
    }
    a_dir, b_dir = alice.directory, bob.directory
    alice.close()
    bob.close()
    with lankit.lan(3, tmp_path / "lan") as lan:
        lan.start(0, a_dir, "sync", "--watch")
        lan.start(1, b_dir, "sync", "--watch")
        seen = lan.python(2, OBSERVER.replace("__ADDR__", lan.address(2)))
        assert seen.returncode == 0, seen.stderr
    capture = json.loads(seen.stdout)
    services = capture["services"]
    assert len(services) == 2  # both computers advertise; the stranger sees that much
    for service in services:
        assert service["name"].endswith("._casebook._tcp.local.")
        assert set(service["properties"]) == {"v", "s", "t"}
        assert len(bytes.fromhex(service["properties"]["t"])) % 32 == 0
    # Two members of one network advertise nothing in common but the service type.
    a, b = services
    assert a["properties"]["t"] != b["properties"]["t"] and a["name"] != b["name"]
    assert a["server"] != b["server"]
    everything = json.dumps(services).encode() + b"".join(
        bytes.fromhex(p) for p in capture["packets"]
    )
    assert capture["packets"]
    for word in secrets["names"] + secrets["texts"]:
        assert word.lower().encode() not in everything.lower(), word
    for value in secrets["bytes"]:
        assert value not in everything and value.hex().encode() not in everything


def test_a_removed_member_and_an_outsider_find_nobody(
    make_profile: Callable[..., Profile], tmp_path: Path
) -> None:
    alice, bob, carol = (
        make_profile("Dr. Alice Moreau"),
        make_profile("Dr. Bob Okafor"),
        make_profile("Dr. Carol Lind"),
    )
    dave = make_profile("Dave Outsider")
    net = alice.library.create_network("Cardiology Circle", alice.name)
    dave.library.create_network("Dave's own", dave.name)
    join(bob, alice, net)
    join(carol, alice, net)
    alice.governance.remove(net, "Carol")
    deliver(alice, bob, net)  # Bob has the removal and the new epoch
    alice.library.post_case(net, title="After Carol left", body="Not for her.")
    dirs = [p.directory for p in (alice, bob, carol, dave)]
    for p in (alice, bob, carol, dave):
        p.close()
    with lankit.lan(3, tmp_path / "lan") as lan:
        lan.start(0, dirs[0], "sync", "--watch")
        lan.start(1, dirs[1], "sync", "--watch")
        for who in (dirs[2], dirs[3]):
            tried = lan.run(2, who, "sync", "--lan", "--wait", "6")
            assert tried.returncode == 5, tried.stdout + tried.stderr
            assert "No colleague from your networks was found" in tried.stderr
            assert "Traceback" not in tried.stderr
    for who in (dirs[2], dirs[3]):
        profile = _reopen(who)
        try:
            assert "After Carol left" not in titles(profile)
        finally:
            profile.close()
