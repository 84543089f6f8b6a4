"""Colleagues on one LAN, with no relay anywhere: real mDNS and real links between
network namespaces the test makes (docs/protocol.md, *LAN discovery and direct links*)."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

import lankit
from casebook.core.profile import Profile
from clikit import PASSPHRASE
from netkit import deliver, join, titles
from relaykit import relay_command

REASON = lankit.unavailable()
pytestmark = pytest.mark.skipif(REASON is not None and not lankit.REQUIRED, reason=REASON or "")


def _reopen(directory: Path) -> Profile:
    return Profile.unlock(directory, PASSPHRASE)


def _wait_for(check: Callable[[], bool], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.01)
    return check()


def test_two_members_find_each_other_and_sync_both_ways(
    make_profile: Callable[..., Profile], tmp_path: Path
) -> None:
    alice, bob, net = lankit.pair(make_profile)
    alice.library.post_case(net, title="Syncope after exertion", body="A 24-year-old athlete.")
    bob.library.post_case(net, title="Chest pain at rest", body="A 60-year-old smoker.")
    a_dir, b_dir = alice.directory, bob.directory
    alice_key = alice.identity.public_key.hex()
    alice.close()
    bob.close()
    with lankit.lan(2, tmp_path / "lan") as lan:
        watcher = lan.start(0, a_dir, "sync", "--watch")
        found = lan.run(1, b_dir, "--json", "sync", "--lan", "--wait", "20")
        assert found.returncode == 0, found.stderr
        results = json.loads(found.stdout)["results"]
        assert [r["error"] for r in results] == [None]
        assert results[0]["relay"].startswith(f"lan://{lan.address(0)}:")
        status = lan.run(1, b_dir, "--json", "sync", "status", "--wait", "4")
        assert status.returncode == 0, status.stderr
        peers = json.loads(status.stdout)["lan_peers"]
        assert [(p["state"], p["member"], p["to_receive"], p["to_send"]) for p in peers] == [
            ("reachable", alice_key, 0, 0)
        ]
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
    alice, bob, net = lankit.pair(make_profile)
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
    text = json.dumps(services).lower()  # names, hosts, addresses; TXT values in hex
    packets = b"".join(bytes.fromhex(p) for p in capture["packets"])
    assert packets
    # Service and host names are random base32: a short word (a host called "vm", "Bob")
    # turns up in them by chance, so it is looked for as a whole label there.
    labels = {label for s in services for label in f"{s['name']}.{s['server']}".lower().split(".")}
    for word in secrets["names"] + secrets["texts"]:
        assert word.lower() not in labels, word
        # Random bytes (salts, tokens) hold any short string by chance: in the text and
        # the raw packets, look for what random characters would not spell.
        if len(word) >= 5:
            assert word.lower() not in text, word
            assert word.lower().encode() not in packets.lower(), word
    for value in secrets["bytes"]:
        for where in (text.encode(), packets):
            assert value not in where and value.hex().encode() not in where


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


def _events(profile_dir: Path, net: bytes) -> set[bytes]:
    profile = _reopen(profile_dir)
    try:
        rows = profile.db.all("SELECT id FROM events WHERE net = ?", (net,))
        return {bytes(r[0]) for r in rows}
    finally:
        profile.close()


INGESTING = 96 * 1024  # write-ahead log bytes that only ingesting batches makes


def _wal_size(profile_dir: Path) -> int:
    return sum(p.stat().st_size for p in profile_dir.glob("*.db-wal") if p.exists())


def _doctor(lan: lankit.Lan, i: int, profile_dir: Path) -> None:
    checked = lan.run(i, profile_dir, "doctor")
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_colleague_who_vanishes_mid_sync_loses_nothing(
    make_profile: Callable[..., Profile], tmp_path: Path
) -> None:
    alice, bob, net = lankit.pair(make_profile)
    for i in range(2000):
        alice.library.post_case(net, title=f"Case {i}", body="Exertional syncope. " * 10)
    bob.library.post_case(net, title="Bob's own case", body="Written before the link.")
    a_dir, b_dir = alice.directory, bob.directory
    bob_key = bob.identity.public_key.hex()[:8]
    alice.close()
    bob.close()
    log = tmp_path / "lan" / "casebook-cli.log"
    with lankit.lan(2, tmp_path / "lan") as lan:
        lan.throttle(0)
        watcher = lan.start(0, a_dir, "sync", "--watch")
        syncing = subprocess.Popen(
            lan.command(1, "sync", "--lan", "--wait", "30"),
            env=lan.env(b_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        lan.running.append(syncing)
        linked = _wait_for(lambda: log.exists() and f"member {bob_key} of" in log.read_text(), 30)
        assert linked, log.read_text() if log.exists() else "no log"
        # Bob's library grows as batches are taken in (its write-ahead log): once a few
        # are, Alice's computer is gone, mid-catch-up.
        # (More than the few pages a small write makes: what reached Alice is noted as
        # soon as she acknowledges Bob's own case.)
        assert _wait_for(lambda: _wal_size(b_dir) > INGESTING, 30)
        lankit.stop(watcher, signal.SIGKILL)
        _, err = syncing.communicate(timeout=60)
        assert "Traceback" not in err and "never retrieved" not in err
        _doctor(lan, 1, b_dir)
        _doctor(lan, 0, a_dir)
        partial = _events(b_dir, net)
        # Alice comes back; a second sync brings the rest, once.
        lan.start(0, a_dir, "sync", "--watch")
        again = lan.run(1, b_dir, "--json", "sync", "--lan", "--wait", "20")
        assert again.returncode == 0, again.stderr
    everything = _events(a_dir, net)
    print(f"events after the vanishing: {len(partial)} of {len(everything)}")
    assert 4 < len(partial) < len(everything)  # some came before Alice vanished, not all
    assert partial <= _events(b_dir, net) == everything
    bob = _reopen(b_dir)
    try:
        assert len(titles(bob)) == 2001
    finally:
        bob.close()


def test_a_relay_and_colleagues_nearby_at_once(
    make_profile: Callable[..., Profile], tmp_path: Path
) -> None:
    """Both watch a relay and each other: everything arrives, nothing twice."""
    from casebook.core.model.relayaddr import RelayAddress
    from casebook.protocol import tls

    data = tmp_path / "relay"
    _, _, fingerprint = tls.ensure_certificate(data)
    with lankit.lan(2, tmp_path / "lan") as lan:
        hub_address = lan.hub_address()
        url = str(RelayAddress(hub_address, 7447, fingerprint))
        alice, bob, net = lankit.pair(make_profile, [url])
        alice.library.post_case(net, title="Syncope after exertion", body="An athlete.")
        bob.library.post_case(net, title="Chest pain at rest", body="A smoker.")
        a_dir, b_dir = alice.directory, bob.directory
        alice.close()
        bob.close()
        relay = lan.start_in_hub(relay_command(data, f"{hub_address}:7447"))
        watchers = [lan.start(0, a_dir, "sync", "--watch"), lan.start(1, b_dir, "sync", "--watch")]
        logs = [lan.stderr[proc.pid] for proc in watchers]
        assert _wait_for(lambda: all("nearby" in p.read_text() for p in logs), 30)
        time.sleep(3)  # both ways: a relay and a LAN link, each catching up
        for proc in watchers:
            assert lankit.stop(proc) == 0
        lankit.stop(relay)
        errors = "".join(p.read_text() for p in (tmp_path / "lan").glob("*.err"))
        assert "Traceback" not in errors
        assert f"@ {hub_address}:7447: received" in errors  # the relay link
        assert re.search(r"@ 10\.231\.\d+\.[12]:\d+: received", errors)  # the LAN link
        _doctor(lan, 0, a_dir)
        _doctor(lan, 1, b_dir)
    assert _events(a_dir, net) == _events(b_dir, net)
    for directory in (a_dir, b_dir):
        profile = _reopen(directory)
        try:
            assert titles(profile) == ["Chest pain at rest", "Syncope after exertion"]
        finally:
            profile.close()
