"""The relay's systemd unit, as the .deb installs it: systemd's own checker accepts every
line of it (run against a copy whose command exists on this machine)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parents[2] / "installers" / "relay" / "casebook-relay.service"


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not on this machine")
    text = UNIT.read_text()
    assert "ExecStart=/usr/bin/casebook-relay serve --data /var/lib/casebook-relay" in text
    copy = tmp_path / "casebook-relay.service"
    copy.write_text(text.replace("/usr/bin/casebook-relay", shutil.which("true") or "/bin/true"))
    done = subprocess.run([analyze, "verify", str(copy)], capture_output=True, text=True)
    assert done.returncode == 0 and done.stderr.strip() == "", done.stderr


def test_the_unit_runs_as_the_user_the_package_makes() -> None:
    import sys

    sys.path.insert(0, str(UNIT.parents[1]))
    import package

    text = UNIT.read_text()
    assert "User=casebook-relay" in text and "StateDirectory=casebook-relay" in text
    assert "useradd --system" in package.POSTINST and "casebook-relay\n" in package.POSTINST
