"""``casebook-gui`` / ``make run``: the desktop app."""

from __future__ import annotations

import argparse
import logging
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from casebook import __version__, logs
from casebook.gui.main_window import MainWindow
from casebook.gui.onboarding import Onboarding
from casebook.gui.worker import Core
from casebook.paths import default_profile

log = logging.getLogger("casebook.gui")


class Shell(QMainWindow):
    """Shows onboarding until the profile is open, then hands over to the library window."""

    def __init__(self, core: Core, directory: Path, demo: bool = False) -> None:
        super().__init__()
        self.core = core
        self.setWindowTitle("Casebook")
        self.resize(760, 560)
        self.onboarding = Onboarding(core, directory, demo=demo)
        self.onboarding.opened.connect(self._open)
        self.setCentralWidget(self.onboarding)
        self.library: MainWindow | None = None

    def _open(self) -> None:
        self.library = MainWindow(self.core)
        self.library.show()
        self.hide()


def _crash_dialog(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    details = "".join(traceback.format_exception(kind, value, tb))
    log.error("unexpected error\n%s", details)
    box = QMessageBox(QMessageBox.Icon.Critical, "Casebook", "Something went wrong.")
    box.setInformativeText(
        "Your library is safe: every saved change is on disk. The details below help fix it."
    )
    box.setDetailedText(details)
    box.exec()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="casebook-gui")
    parser.add_argument("--profile", help="profile directory")
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open a throwaway library of fictional cases (in a temporary folder)",
    )
    parser.add_argument("--version", action="version", version=f"casebook {__version__}")
    args, qt_args = parser.parse_known_args(argv)
    logs.setup("casebook-gui")
    app = QApplication([sys.argv[0], *qt_args])
    app.setApplicationName("Casebook")
    app.setOrganizationName("Casebook")
    app.setStyle("Fusion")
    sys.excepthook = _crash_dialog
    core = Core()
    if args.demo:
        directory = Path(tempfile.mkdtemp(prefix="casebook-demo-")) / "profile"
        print(f"Demo library (fictional cases) in {directory.parent}", file=sys.stderr)
    else:
        directory = Path(args.profile).expanduser() if args.profile else default_profile()
    shell = Shell(core, directory, demo=args.demo)
    shell.show()
    code = app.exec()
    core.shutdown()
    return code


if __name__ == "__main__":
    raise SystemExit(main())
