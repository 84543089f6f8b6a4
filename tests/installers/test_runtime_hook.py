"""installers/hooks/rthook_environment.py, which runs first in each frozen executable:
programs the app starts get the user's library path back, not the bundle's."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

HOOK = Path(__file__).resolve().parents[2] / "installers" / "hooks" / "rthook_environment.py"
SHOW = "import os, subprocess, sys; exec(open(sys.argv[1]).read()); " + (
    "print(subprocess.run(['env'], capture_output=True, text=True).stdout)"
)


def _child_env(**values: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LD_LIBRARY_PATH")}
    out = subprocess.run(
        [sys.executable, "-c", SHOW, str(HOOK)],
        env={**env, **values},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return dict(line.split("=", 1) for line in out.splitlines() if "=" in line)


def test_the_users_own_library_path_is_restored() -> None:
    seen = _child_env(LD_LIBRARY_PATH="/opt/casebook/_internal", LD_LIBRARY_PATH_ORIG="/home/u/lib")
    assert seen["LD_LIBRARY_PATH"] == "/home/u/lib" and "LD_LIBRARY_PATH_ORIG" not in seen


def test_without_one_the_bundles_path_is_not_passed_on() -> None:
    seen = _child_env(LD_LIBRARY_PATH="/opt/casebook/_internal")
    assert "LD_LIBRARY_PATH" not in seen
