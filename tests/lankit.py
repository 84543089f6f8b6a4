"""A real LAN for tests: network namespaces the test creates, joined by a bridge, with
``casebook`` run inside them as a member would run it (real mDNS, real TLS, real sockets).

Each test gets its own namespaces (named after the test process and a counter) and
removes them, and everything in them, when it ends. Where namespaces cannot be made (not
root, no ``ip``), :func:`unavailable` says why and the tests skip; ``.ci/run`` runs as
root, so CI runs them.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from casebook.core.profile import Profile
from clikit import PASSPHRASE
from netkit import join

_counter = itertools.count()
# Set by .ci/run: there the namespace tests must run (a failure to make them fails).
REQUIRED = os.environ.get("CASEBOOK_REQUIRE_NETNS") == "1"
SUBNET = "10.231.{n}.{host}/24"


def _ip(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["ip", *args], capture_output=True, text=True, check=check, timeout=20)


def unavailable() -> str | None:
    """Why namespaces cannot be made here, or None."""
    if shutil.which("ip") is None:
        return "the ip command (iproute2) is not installed"
    if os.geteuid() != 0:
        return "making network namespaces needs root (CI runs as root)"
    probe = f"cbprobe{os.getpid()}"
    made = _ip("netns", "add", probe, check=False)
    if made.returncode != 0:
        return f"network namespaces are not available: {made.stderr.strip()}"
    _ip("netns", "del", probe, check=False)
    return None


@dataclass
class Lan:
    """Computers on one Ethernet segment: ``hosts[i]`` is a namespace at ``address(i)``."""

    hosts: list[str]
    logs: Path
    n: int
    hub: str
    running: list[subprocess.Popen[str]] = field(default_factory=list)
    stderr: dict[int, Path] = field(default_factory=dict)  # pid -> what it wrote

    def address(self, i: int) -> str:
        return f"10.231.{self.n}.{i + 1}"

    def env(self, profile: Path) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            CASEBOOK_PASSPHRASE=PASSPHRASE,
            CASEBOOK_KDF_TARGET_MS="10",
            CASEBOOK_PROFILE=str(profile),
            CASEBOOK_LOG_DIR=str(self.logs),
            CASEBOOK_LAN="on",  # inside the test's own namespaces
            PYTHONUNBUFFERED="1",
        )
        return env

    def command(self, i: int, *args: str) -> list[str]:
        return ["ip", "netns", "exec", self.hosts[i], sys.executable, "-m", "casebook", *args]

    def run(
        self, i: int, profile: Path, *args: str, timeout: float = 60
    ) -> subprocess.CompletedProcess[str]:
        """``casebook ARGS`` on computer ``i`` with ``profile``, to the end."""
        return subprocess.run(
            self.command(i, *args),
            env=self.env(profile),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )

    def start(self, i: int, profile: Path, *args: str) -> subprocess.Popen[str]:
        """``casebook ARGS`` on computer ``i``, in the background (stopped at the end)."""
        path = self.logs / f"{self.hosts[i]}-{len(self.running)}.err"
        log = path.open("w")
        proc = subprocess.Popen(
            self.command(i, *args),
            env=self.env(profile),
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
            start_new_session=True,
        )
        self.running.append(proc)
        self.stderr[proc.pid] = path
        return proc

    def throttle(self, i: int, rate: str = "2mbit") -> None:
        """Computer ``i`` sends at ``rate`` (a slow wireless link, say), so what it
        streams takes a while to arrive."""
        shaper = f"tbf rate {rate} burst 32kbit latency 400ms".split()
        netns = ["ip", "netns", "exec", self.hosts[i]]
        subprocess.run(
            [*netns, "tc", "qdisc", "add", "dev", "eth0", "root", *shaper], check=True, timeout=10
        )

    def hub_address(self) -> str:
        """The bridge's own address (a relay in the hub serves the whole segment)."""
        return f"10.231.{self.n}.254"

    def start_in_hub(self, argv: list[str]) -> subprocess.Popen[str]:
        log = (self.logs / f"hub-{len(self.running)}.log").open("w")
        proc = subprocess.Popen(
            ["ip", "netns", "exec", self.hub, *argv],
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
            start_new_session=True,
        )
        self.running.append(proc)
        return proc

    def python(
        self, i: int, code: str, timeout: float = 60, profile: Path | None = None
    ) -> subprocess.CompletedProcess[str]:
        """Python code run on computer ``i`` (say, a plain zeroconf browser, or the app
        on ``profile``)."""
        return subprocess.run(
            ["ip", "netns", "exec", self.hosts[i], sys.executable, "-c", code],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            env=None if profile is None else self.env(profile),
        )


def pair(
    make: Callable[..., Profile], relays: Sequence[str] = ()
) -> tuple[Profile, Profile, bytes]:
    """Alice's network (naming ``relays``), and Bob in it: the two colleagues of a test."""
    alice, bob = make("Dr. Alice Moreau"), make("Dr. Bob Okafor")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=list(relays))
    join(bob, alice, net)
    return alice, bob, net


def stop(proc: subprocess.Popen[str], sig: int = signal.SIGTERM, timeout: float = 20) -> int:
    """Stop a background ``casebook`` (SIGTERM: as a person's Ctrl-C; SIGKILL: a crash)."""
    if proc.poll() is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, sig)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        return proc.wait(5)


@contextlib.contextmanager
def lan(count: int, logs: Path) -> Iterator[Lan]:
    """``count`` computers on a bridge in a hub namespace, each with its own veth."""
    n = next(_counter) % 200 + 20
    tag = f"cb{os.getpid() % 100000}x{n}"
    hub = f"{tag}h"
    hosts = [f"{tag}m{i}" for i in range(count)]
    logs.mkdir(parents=True, exist_ok=True)
    made: list[str] = []
    net = Lan(hosts, logs, n, hub)
    try:
        for name in (hub, *hosts):
            _ip("netns", "add", name)
            made.append(name)
            _ip("-n", name, "link", "set", "lo", "up")
        _ip("-n", hub, "link", "add", "br0", "type", "bridge")
        # No IGMP querier on this segment: flood multicast instead of snooping it.
        _ip("-n", hub, "link", "set", "br0", "type", "bridge", "mcast_snooping", "0", check=False)
        _ip("-n", hub, "addr", "add", f"10.231.{n}.254/24", "dev", "br0")
        _ip("-n", hub, "link", "set", "br0", "up")
        for i, host in enumerate(hosts):
            _ip("link", "add", "eth0", "netns", host, "type", "veth", "peer", "name", f"p{i}",
                "netns", hub)  # fmt: skip
            _ip("-n", hub, "link", "set", f"p{i}", "master", "br0")
            _ip("-n", hub, "link", "set", f"p{i}", "up")
            _ip("-n", host, "addr", "add", SUBNET.format(n=n, host=i + 1), "dev", "eth0")
            _ip("-n", host, "link", "set", "eth0", "up")
        yield net
    finally:
        for proc in net.running:
            stop(proc, signal.SIGKILL, 5)
        for name in reversed(made):
            # Anything still running inside is killed with its namespace's last user.
            pids = _ip("netns", "pids", name, check=False).stdout.split()
            for pid in pids:
                with contextlib.suppress(ProcessLookupError, ValueError):
                    os.kill(int(pid), signal.SIGKILL)
            _ip("netns", "del", name, check=False)
