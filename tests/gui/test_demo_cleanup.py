"""Issue 16, item 17: `make demo` leaves nothing behind, and tags with as many cases
keep one order (by name) from run to run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from casebook.core.profile import Profile

MAIN = "import sys; from casebook.gui.app import main; sys.exit(main())"


def test_the_demo_folder_goes_when_the_app_quits(tmp_path: Path) -> None:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        TMPDIR=str(tmp_path),
        CASEBOOK_LOG_DIR=str(tmp_path / "logs"),
        CASEBOOK_LAN="off",
    )
    shot = tmp_path / "demo.png"
    done = subprocess.run(
        [sys.executable, "-c", MAIN, "--demo", "--screenshot", str(shot)],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Demo library (fictional cases) in" in done.stderr and shot.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith("casebook-demo-")]


def test_tags_with_as_many_cases_are_listed_by_name(make_profile) -> None:
    alice: Profile = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name)
    for tags in (["syncope", "zebra"], ["apnoea", "syncope"], ["mango"]):
        alice.library.post_case(net, title="A case", body="Details.", tags=tags)
    assert alice.queries.tags(net) == [("syncope", 2), ("apnoea", 1), ("mango", 1), ("zebra", 1)]
    assert alice.queries.tags() == alice.queries.tags(net)
