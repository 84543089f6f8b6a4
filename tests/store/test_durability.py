"""Durability: a process killed in the middle of writing loses nothing it acknowledged."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from casebook.core.library.search import Filters
from casebook.core.profile import Profile

PASSPHRASE = "correct horse battery staple"  # same as tests/conftest.py
ACKNOWLEDGED = 30
WATCHDOG_SECONDS = 120  # only a safety net against a hung child; never asserted on

CHILD = r"""
import sys
from pathlib import Path

from casebook.core.profile import Profile

directory, passphrase, net = Path(sys.argv[1]), sys.argv[2], bytes.fromhex(sys.argv[3])
profile = Profile.unlock(directory, passphrase)
print("ready", flush=True)
for number in range(10_000):
    case = profile.library.post_case(
        net,
        title=f"Crash case {number}",
        fields={"presentation": "x" * 3000},
        body=f"Body {number} " + "y" * 5000,
        tags=["crash", f"n{number}"],
    )
    if number % 3 == 0:
        profile.library.comment(case, f"Comment on {number}")
    sys.stdout.write(case.hex() + "\n")
    sys.stdout.flush()
profile.close()
"""


def test_sigkill_mid_write_keeps_every_acknowledged_case(make_profile: Callable[..., Profile]):
    profile = make_profile("Dr. Alice Moreau")
    net = profile.library.create_network("Cardiology Circle", profile.name)
    before = profile.library.post_case(net, title="Written before the crash")
    directory: Path = profile.directory
    profile.close()

    env = {**os.environ, "CASEBOOK_KDF_TARGET_MS": "10"}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(directory), PASSPHRASE, net.hex()],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    watchdog = threading.Timer(WATCHDOG_SECONDS, child.kill)
    watchdog.start()
    acknowledged: list[bytes] = []
    try:
        assert child.stdout is not None
        first = child.stdout.readline()
        assert first == b"ready\n", first or child.stderr.read().decode()
        while len(acknowledged) < ACKNOWLEDGED:
            line = child.stdout.readline()
            assert line, "the child stopped early: " + child.stderr.read().decode()
            acknowledged.append(bytes.fromhex(line.decode().strip()))
        child.send_signal(signal.SIGKILL)  # while it is busy with the next posts
        assert child.wait(timeout=60) == -signal.SIGKILL
    finally:
        watchdog.cancel()
        if child.poll() is None:
            child.kill()
            child.wait()
        child.stdout.close()
        child.stderr.close()

    assert len(set(acknowledged)) == ACKNOWLEDGED
    with Profile.unlock(directory, PASSPHRASE) as reopened:
        assert reopened.db.integrity_errors() == []
        assert reopened.log.verify_all() == []
        assert reopened.queries.case(before) is not None
        for number, case_id in enumerate(acknowledged):
            detail = reopened.queries.case(case_id)
            assert detail is not None, f"acknowledged case #{number} was lost"
            assert detail.summary.title == f"Crash case {number}"
            assert detail.body.startswith(f"Body {number} ")
            assert len(detail.discussion) == (1 if number % 3 == 0 else 0)
        # Derived tables agree with the events: whatever was applied is complete.
        stored = reopened.db.scalar("SELECT count(*) FROM events WHERE kind = 'case.create'")
        assert reopened.queries.count_cases(Filters()) == stored
        assert stored >= ACKNOWLEDGED + 1
        # The library is still writable after recovery and still verifies.
        after = reopened.library.post_case(net, title="Written after the crash")
        assert reopened.queries.case(after) is not None
        assert reopened.log.verify_all() == []
        # Derived state rebuilt from the events alone equals what the crash left behind.
        listing = [c.to_json() for c in reopened.queries.list_cases(Filters(), limit=10_000)]
        reopened.log.rebuild()
        rebuilt = [c.to_json() for c in reopened.queries.list_cases(Filters(), limit=10_000)]
        assert sorted(rebuilt, key=lambda c: c["id"]) == sorted(listing, key=lambda c: c["id"])
