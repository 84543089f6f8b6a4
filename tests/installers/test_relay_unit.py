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


def _postinst(tmp_path: Path, *, user: bool, group: bool) -> list[str]:
    """installers/debian/postinst configure, against stand-ins for getent and useradd."""
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls"
    bin_dir.mkdir(parents=True)
    calls.write_text("")
    getent = (
        f'[ "$1" = passwd ] && exit {0 if user else 2}\n'
        f'[ "$1" = group ] && exit {0 if group else 2}\n'
        "exit 2\n"
    )
    for name, body in {"getent": getent, "useradd": f'echo "useradd $*" >> {calls}\n'}.items():
        (bin_dir / name).write_text("#!/bin/sh\n" + body)
        (bin_dir / name).chmod(0o755)
    script = UNIT.parents[1] / "debian" / "postinst"
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin"}
    done = subprocess.run(["sh", str(script), "configure"], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return calls.read_text().splitlines()


def test_the_package_makes_the_user_the_unit_runs_as(tmp_path: Path) -> None:
    text = UNIT.read_text()
    assert "User=casebook-relay" in text and "StateDirectory=casebook-relay" in text
    [call] = _postinst(tmp_path, user=False, group=False)
    assert call.startswith("useradd --system --user-group") and call.endswith(" casebook-relay")
    assert "--home-dir /var/lib/casebook-relay" in call and "/usr/sbin/nologin" in call


def test_an_existing_group_is_joined_and_an_existing_user_kept(tmp_path: Path) -> None:
    [call] = _postinst(tmp_path / "a", user=False, group=True)
    assert "--gid casebook-relay" in call and "--user-group" not in call
    assert _postinst(tmp_path / "b", user=True, group=False) == []
