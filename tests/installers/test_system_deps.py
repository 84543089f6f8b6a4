"""installers/system-deps.sh, the set-up `make run`, `make test` and `.ci/run` share, run
against stand-ins for dpkg-query, apt-get, sudo and id (nothing is installed for real)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "installers" / "system-deps.sh"


def _machine(
    tmp_path: Path,
    *,
    uid: int,
    missing: set[str],
    sudo_ok: bool = False,
    renamed: set[str] = frozenset(),
) -> tuple[Path, Path]:
    """A PATH whose tools report ``missing`` packages as absent, ``renamed`` ones present
    under their ``t64`` name; apt-get and sudo only record how they were called."""
    bin_dir, calls = tmp_path / "bin", tmp_path / "calls"
    bin_dir.mkdir()
    calls.write_text("")
    tools = {
        "uname": "echo Linux",
        "id": f"echo {uid}",
        "dpkg-query": (  # called as: dpkg-query -W -f=${Status} NAME
            'name="$3"\n'
            f"for m in {' '.join(sorted(missing | renamed)) or '-'}; do\n"
            '  [ "$name" = "$m" ] && exit 1\n'
            "done\n"
            'case "$name" in *t64)\n'  # only the renamed ones exist under a t64 name
            f"  for r in {' '.join(sorted(renamed)) or '-'}; do\n"
            '    [ "$name" = "${r}t64" ] && echo "install ok installed" && exit 0\n'
            "  done\n"
            "  exit 1;;\n"
            "esac\n"
            'echo "install ok installed"'
        ),
        "apt-get": f'echo "apt-get $*" >> {calls}',
        "sudo": (
            f'if [ "$1 $2" = "-n true" ]; then exit {0 if sudo_ok else 1}; fi\n'
            f'echo "sudo $*" >> {calls}'
        ),
    }
    for name, body in tools.items():
        tool = bin_dir / name
        tool.write_text(f"#!/bin/sh\n{body}\n")
        tool.chmod(0o755)
    return bin_dir, calls


def _run(bin_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/bash", str(SCRIPT), *args],
        env={"PATH": f"{bin_dir}:/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=30,
    )


def test_a_user_without_rights_gets_the_one_command_and_nothing_starts(tmp_path: Path) -> None:
    bin_dir, calls = _machine(tmp_path, uid=1000, missing={"libxcb-cursor0", "libgl1"})
    result = _run(bin_dir)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert lines[-1].strip() == "sudo apt-get install --no-install-recommends libgl1 libxcb-cursor0"
    assert len(lines) == 2 and "Traceback" not in result.stderr
    assert calls.read_text() == ""  # nothing was installed or started


@pytest.mark.parametrize(("uid", "sudo_ok", "prefix"), [(0, False, ""), (1000, True, "sudo -n ")])
def test_root_or_passwordless_sudo_installs_what_is_missing(
    tmp_path: Path, uid: int, sudo_ok: bool, prefix: str
) -> None:
    bin_dir, calls = _machine(tmp_path, uid=uid, missing={"libxcb-cursor0"}, sudo_ok=sudo_ok)
    result = _run(bin_dir)
    assert result.returncode == 0, result.stderr
    recorded = calls.read_text().splitlines()
    if prefix:  # sudo records the command it was asked to run
        assert recorded == [
            "sudo -n apt-get update -qq",
            "sudo -n apt-get install -y -qq --no-install-recommends libxcb-cursor0",
        ]
    else:
        assert recorded == [
            "apt-get update -qq",
            "apt-get install -y -qq --no-install-recommends libxcb-cursor0",
        ]


def test_nothing_to_do_is_silent_and_renamed_packages_count(tmp_path: Path) -> None:
    bin_dir, calls = _machine(tmp_path, uid=1000, missing=set(), renamed={"libglib2.0-0"})
    result = _run(bin_dir, "run")
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    assert calls.read_text() == ""


def test_the_test_set_adds_xvfb(tmp_path: Path) -> None:
    bin_dir, _ = _machine(tmp_path, uid=1000, missing={"xvfb"})
    assert _run(bin_dir, "run").returncode == 0  # the app does not need it
    result = _run(bin_dir, "test")
    assert result.returncode == 1 and result.stderr.rstrip().endswith(
        "install --no-install-recommends xvfb"
    )
