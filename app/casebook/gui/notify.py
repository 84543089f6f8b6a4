"""Desktop notifications for news the reader should not miss (replies to their cases
and comments), beside the status-bar line the window always shows:

- where the desktop has a system tray, a balloon from the tray icon;
- elsewhere, the freedesktop notification service on the session bus
  (``org.freedesktop.Notifications``), through ``gdbus`` on the worker thread: GNOME,
  KDE, Xfce and the notification daemons of tiling desktops all provide it;
- with neither, the status bar alone.
"""

from __future__ import annotations

import logging
import shutil
import subprocess

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QMainWindow, QSystemTrayIcon

from casebook.gui.bridge import Core
from casebook.session import Session

log = logging.getLogger("casebook.gui")
SHOWN_MS = 8000


def _gvariant(text: str) -> str:
    """``text`` as a GVariant string literal (gdbus parses its arguments as GVariant)."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def freedesktop_command(title: str, body: str) -> list[str] | None:
    """The ``gdbus`` call that shows a notification, or None without gdbus."""
    gdbus = shutil.which("gdbus")
    if gdbus is None:
        return None
    return [
        gdbus,
        "call",
        "--session",
        "--dest=org.freedesktop.Notifications",
        "--object-path=/org/freedesktop/Notifications",
        "--method=org.freedesktop.Notifications.Notify",
        "'Casebook'",  # app_name
        "0",  # replaces_id
        "'casebook'",  # app_icon (the installed icon's name)
        _gvariant(title),
        _gvariant(body),
        "[]",  # actions
        "{}",  # hints
        str(SHOWN_MS),
    ]


def send_freedesktop(title: str, body: str) -> bool:
    """On the worker: ask the session's notification service; False when none answered."""
    command = freedesktop_command(title, body)
    if command is None:
        return False
    try:
        done = subprocess.run(command, capture_output=True, timeout=5, check=False)
    except (OSError, subprocess.TimeoutExpired) as exc:
        log.info("no desktop notification: %s", exc)
        return False
    if done.returncode != 0:
        log.info("no desktop notification: %s", done.stderr.decode(errors="replace").strip())
    return done.returncode == 0


class Notifier:
    """Shows a notification the best way this desktop offers."""

    def __init__(self, core: Core, window: QMainWindow) -> None:
        self.core = core
        self.window = window
        self.tray: QSystemTrayIcon | None = None
        self.way = ""  # how the last one was shown: "tray", "freedesktop" or ""

    def show(self, title: str, body: str) -> None:
        if QSystemTrayIcon.isSystemTrayAvailable():
            if self.tray is None:
                self.tray = QSystemTrayIcon(self.window.windowIcon() or QIcon(), self.window)
                self.tray.show()
            self.tray.showMessage(title, body, QSystemTrayIcon.MessageIcon.Information, SHOWN_MS)
            self.way = "tray"
            return

        def job(_s: Session) -> bool:
            return send_freedesktop(title, body)

        self.core.call(job, self._sent)

    def _sent(self, shown: object) -> None:
        self.way = "freedesktop" if shown is True else ""
