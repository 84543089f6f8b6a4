"""``casebook-gui`` / ``make run``: the desktop app."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMainWindow, QMessageBox

from casebook import __version__, logs, preferences
from casebook.gui import i18n, theme
from casebook.gui.bridge import Core
from casebook.gui.collector import MainThreadCollector
from casebook.gui.i18n import tr
from casebook.gui.main_window import MainWindow
from casebook.gui.onboarding import Onboarding
from casebook.gui.single import SingleInstance
from casebook.paths import default_profile

log = logging.getLogger("casebook.gui")


class Shell(QMainWindow):
    """Shows onboarding until the profile is open, then hands over to the library window;
    takes it back when the library locks (by hand, or after the idle time)."""

    def __init__(self, core: Core, directory: Path, demo: bool = False) -> None:
        super().__init__()
        self.core = core
        self.setWindowTitle("Casebook")
        self.resize(760, 560)
        self.onboarding = Onboarding(core, directory, demo=demo)
        self.onboarding.opened.connect(self._open)
        self.setCentralWidget(self.onboarding)
        self.library: MainWindow | None = None
        self.idle = IdleLock(self)
        self.idle.timeout.connect(self.lock)

    def _open(self) -> None:
        self.library = MainWindow(self.core)
        self.library.lock_requested.connect(self.lock)
        self.library.lock_minutes_changed.connect(self.idle.set_minutes)
        self.library.show()
        self.hide()
        self.core.call(
            lambda s: (s.p.settings.get("theme") or "system", s.p.settings.get("lock_minutes")),
            self._preferences,
        )

    def _preferences(self, values: tuple[str, int]) -> None:
        choice, minutes = values
        app = QApplication.instance()
        if isinstance(app, QApplication):
            theme.follow_system(app, str(choice))
        self.idle.set_minutes(int(minutes))

    def bring_to_front(self) -> None:
        window = self.library or self
        window.showNormal()
        window.raise_()
        window.activateWindow()

    def lock(self) -> None:
        """Close the library and ask for the passphrase again."""
        if self.library is None:
            return
        window, self.library = self.library, None
        window.flush_drafts()  # saved before the lock closes the library
        self.idle.set_minutes(0)
        window.hide()
        self.core.call(lambda s: s.lock(), lambda _: window.deleteLater())
        self.onboarding.locked()
        self.show()


class IdleLock(QObject):
    """Fires ``timeout`` after ``minutes`` without a key press or mouse use in the app."""

    timeout = Signal()
    ACTIVITY = frozenset(
        {
            QEvent.Type.KeyPress,
            QEvent.Type.MouseButtonPress,
            QEvent.Type.MouseMove,
            QEvent.Type.Wheel,
        }
    )

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.timer = QTimer(self, singleShot=True)
        self.timer.timeout.connect(self.timeout)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    def set_minutes(self, minutes: int) -> None:
        if minutes > 0:
            self.timer.setInterval(minutes * 60_000)
            self.timer.start()
        else:
            self.timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in self.ACTIVITY and self.timer.isActive():
            self.timer.start()
        return False


def _crash_dialog(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    details = "".join(traceback.format_exception(kind, value, tb))
    log.error("unexpected error\n%s", details)
    box = QMessageBox(QMessageBox.Icon.Critical, "Casebook", tr("Something went wrong."))
    box.setInformativeText(
        tr("Your library is safe: every saved change is on disk. The details below help fix it.")
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
    parser.add_argument(
        "--screenshot",
        metavar="PNG",
        help="save a picture of the first window once it has settled, then quit"
        " (for checking an installation)",
    )
    parser.add_argument(
        "--language",
        choices=[preferences.SYSTEM, *preferences.LANGUAGES],
        help="the window's language this time (Settings keeps a choice for every start)",
    )
    parser.add_argument("--version", action="version", version=f"casebook {__version__}")
    args, qt_args = parser.parse_known_args(argv)
    logs.setup("casebook-gui")
    app = QApplication([sys.argv[0], *qt_args])
    app.setApplicationName("Casebook")
    app.setOrganizationName("Casebook")
    app.setStyle("Fusion")
    app.setWindowIcon(QIcon(str(theme.resources() / "icons" / "casebook.svg")))
    app.setDesktopFileName("casebook")
    theme.follow_system(app)
    sys.excepthook = _crash_dialog
    if args.demo:
        directory = Path(tempfile.mkdtemp(prefix="casebook-demo-")) / "profile"
        print(f"Demo library (fictional cases) in {directory.parent}", file=sys.stderr)
    else:
        directory = Path(args.profile).expanduser() if args.profile else default_profile()
    i18n.install(app, args.language or preferences.language(directory))
    collector = MainThreadCollector(app)
    core = Core()
    single = SingleInstance(directory)
    if not single.claim():
        print(
            "Casebook is already open for this profile; it was brought to the front.",
            file=sys.stderr,
        )
        core.shutdown()
        return 0
    shell = Shell(core, directory, demo=args.demo)
    single.activated.connect(shell.bring_to_front)
    shell.show()
    if args.screenshot:
        sys.excepthook = _failed_check
        QTimer.singleShot(SETTLE_MS, lambda: _snapshot(shell, Path(args.screenshot), app))
    code = app.exec()
    core.shutdown()
    collector.stop()
    if args.demo:  # a throwaway library: nothing of it stays behind
        shutil.rmtree(directory.parent, ignore_errors=True)
    return code


SETTLE_MS = 1500


def _failed_check(
    kind: type[BaseException], value: BaseException, tb: TracebackType | None
) -> None:
    """``--screenshot`` checks an installation: an error ends it at once, as a failure, with
    the details on stderr for whoever runs the check (no dialog waits for a click)."""
    traceback.print_exception(kind, value, tb)
    print("The app failed while starting; no picture was saved.", file=sys.stderr)
    QApplication.exit(1)


def _snapshot(shell: Shell, out: Path, app: QApplication) -> None:
    """``--screenshot``: the window as the user sees it (the library if it opened), then quit."""
    window = shell.library if shell.library is not None and shell.library.isVisible() else shell
    if window.grab().save(str(out), "PNG"):
        print(f"Saved a picture of the window to {out}.", file=sys.stderr)
        app.exit(0)
    else:
        print(f"Could not save a picture to {out}; check that its folder exists.", file=sys.stderr)
        app.exit(1)


if __name__ == "__main__":
    raise SystemExit(main())
