"""One window per profile: a second start hands over to the first and exits.

The first instance listens on a local socket named after the profile folder; a second
one finds it, asks it to come to the front, and leaves (two windows on one library would
race each other's sync and confuse the person).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket


def socket_name(directory: Path) -> str:
    where = str(directory.expanduser().resolve())
    user = str(os.getuid()) if hasattr(os, "getuid") else os.environ.get("USERNAME", "")
    return "casebook-" + hashlib.sha256(f"{user}\0{where}".encode()).hexdigest()[:20]


class SingleInstance(QObject):
    activated = Signal()  # another start asked this one to show itself

    def __init__(self, directory: Path, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = socket_name(directory)
        self.server: QLocalServer | None = None

    def claim(self) -> bool:
        """True when this is the first instance (and now listens); False when another
        instance runs (and was asked to come to the front)."""
        probe = QLocalSocket()
        probe.connectToServer(self.name)
        if probe.waitForConnected(500):
            probe.write(b"show\n")
            probe.waitForBytesWritten(500)
            probe.disconnectFromServer()
            return False
        QLocalServer.removeServer(self.name)  # left by an instance that crashed
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            return True  # cannot listen (odd platform): run anyway, just not exclusive
        server.newConnection.connect(self._knock)
        self.server = server
        return True

    def _knock(self) -> None:
        assert self.server is not None
        while (peer := self.server.nextPendingConnection()) is not None:
            peer.disconnected.connect(peer.deleteLater)
            self.activated.emit()
