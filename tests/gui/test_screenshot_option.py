"""``casebook-gui --screenshot PNG``, which the installer smoke test uses to see the app
start on a clean machine: a real process, offscreen, to the welcome screen and out."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("PySide6")


def _run(tmp_path: Path, out: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "casebook.gui.app",
            "--profile",
            str(tmp_path / "p"),
            "--screenshot",
            str(out),
        ],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )


def test_the_welcome_screen_is_saved_and_the_app_quits(tmp_path: Path) -> None:
    from PySide6.QtGui import QImage

    out = tmp_path / "welcome.png"
    done = _run(tmp_path, out)
    assert done.returncode == 0, done.stderr
    image = QImage(str(out))
    assert not image.isNull() and image.width() >= 600 and image.height() >= 400
    assert f"Saved a picture of the window to {out}." in done.stderr
    assert not list((tmp_path / "p").glob("library-*.db"))  # looking created no library


def test_an_unwritable_place_is_one_line_and_a_failure(tmp_path: Path) -> None:
    done = _run(tmp_path, tmp_path / "missing" / "welcome.png")
    assert done.returncode == 1
    assert "Could not save a picture to" in done.stderr and "Traceback" not in done.stderr


def test_an_error_while_starting_fails_the_check_instead_of_waiting(tmp_path: Path) -> None:
    """A fault in the first window's code must fail the installation check (exit 1), not
    sit behind the crash dialog while the picture is taken of it."""
    boot = tmp_path / "boot.py"
    boot.write_text(
        "import sys\n"
        "from PySide6.QtCore import QTimer\n"
        "from casebook.gui import app\n"
        "shown = app.Shell.show\n"
        "def show(self):\n"
        "    shown(self)\n"
        "    QTimer.singleShot(0, lambda: 1 / 0)\n"
        "app.Shell.show = show\n"
        "raise SystemExit(app.main(sys.argv[1:]))\n"
    )
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    out = tmp_path / "welcome.png"
    done = subprocess.run(
        [sys.executable, str(boot), "--profile", str(tmp_path / "p"), "--screenshot", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert done.returncode == 1
    assert "ZeroDivisionError" in done.stderr and "no picture was saved" in done.stderr
    assert not out.exists()
