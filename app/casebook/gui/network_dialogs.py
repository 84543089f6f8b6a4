"""Creating a network and joining one with an invite (pasted, or read from a QR image).

The dialogs only gather what the person chose; the window runs the work on the worker.
Reading a QR image is disk work too, so :func:`read_qr` is a worker job.
"""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

from PySide6.QtGui import QImage
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from casebook.core.model import relayaddr
from casebook.errors import UsageError
from casebook.gui import folders
from casebook.gui.bridge import Core
from casebook.gui.i18n import tr
from casebook.gui.messages import error_text, tone
from casebook.session import NetworkChoice

DEFAULT_PORT = 7447


def guess_host() -> str:
    """This computer's address on the local network, as a starting suggestion."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks a route
            return str(probe.getsockname()[0])
    except OSError:
        return socket.gethostname()


class NewNetworkDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New network"))
        self.setMinimumWidth(560)
        form = QFormLayout(self)
        self.name = QLineEdit()
        self.name.setAccessibleName(self.tr("Network name"))
        self.name.setPlaceholderText(self.tr("e.g. Northern cardiology circle"))
        form.addRow(self.tr("Name"), self.name)

        self.use_relay = QRadioButton(self.tr("Use a relay run by a colleague"))
        self.relay = QLineEdit()
        self.relay.setAccessibleName(self.tr("Relay address"))
        self.relay.setPlaceholderText("casebook-relay://host:7447/fingerprint")
        self.host = QRadioButton(self.tr("Host the relay on this computer"))
        self.port = QSpinBox()
        self.port.setRange(1024, 65535)
        self.port.setValue(DEFAULT_PORT)
        self.port.setAccessibleName(self.tr("Port"))
        self.host_name = QLineEdit(guess_host())
        self.host_name.setAccessibleName(self.tr("Address members reach this computer at"))
        self.none = QRadioButton(self.tr("No relay for now (exchange bundle files)"))
        group = QButtonGroup(self)
        for button in (self.use_relay, self.host, self.none):
            group.addButton(button)
        self.use_relay.setChecked(True)
        form.addRow(self.use_relay)
        form.addRow(self.tr("Relay address"), self.relay)
        form.addRow(self.host)
        where = QHBoxLayout()
        where.addWidget(self.host_name, 1)
        where.addWidget(QLabel(self.tr("port")))
        where.addWidget(self.port)
        form.addRow(self.tr("Reached at"), where)
        form.addRow(self.none)
        note = QLabel(
            self.tr(
                "The relay only forwards encrypted events; it never reads a case. A relay "
                "hosted here works while Casebook is open on this computer."
            )
        )
        note.setWordWrap(True)
        note.setObjectName("hint")
        form.addRow(note)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(self.tr("Create network"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        self.joined: bytes | None = None
        self.failed = False
        form.addRow(buttons)
        for button in (self.use_relay, self.host, self.none):
            button.toggled.connect(self._enable)
        self._enable()

    def _enable(self) -> None:
        self.relay.setEnabled(self.use_relay.isChecked())
        self.port.setEnabled(self.host.isChecked())
        self.host_name.setEnabled(self.host.isChecked())

    def _check(self) -> None:
        try:
            self.choice()
        except UsageError as exc:
            self.error.setText(error_text(exc))
            return
        self.accept()

    def choice(self) -> NetworkChoice:
        name = self.name.text().strip()
        if not name:
            raise UsageError(self.tr("Give the network a name."))
        if self.use_relay.isChecked():
            text = self.relay.text().strip()
            if not text:
                raise UsageError(
                    self.tr("Paste the relay's address, or choose another option below.")
                )
            return NetworkChoice(name, relay=str(relayaddr.parse(text)))
        if self.host.isChecked():
            host = self.host_name.text().strip()
            if not host:
                raise UsageError(self.tr("Give the address members reach this computer at."))
            return NetworkChoice(name, host_port=self.port.value(), host_name=host)
        return NetworkChoice(name)


def read_qr(path: Path) -> str:
    """The Casebook invite code in a QR image (worker job: it reads the file)."""
    import zxingcpp

    image = QImage(str(path))
    if image.isNull():
        raise UsageError(
            tr("{0} is not an image Casebook can read (PNG or JPEG).").format(path.name)
        )
    grey = image.convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = grey.width(), grey.height(), grey.bytesPerLine()
    data = bytes(grey.constBits())
    pixels = b"".join(data[row * stride : row * stride + width] for row in range(height))
    for found in zxingcpp.read_barcodes(memoryview(pixels).cast("B", (height, width))):
        text = found.text.strip()
        if text.upper().startswith("CASEBOOK"):
            return text
    raise UsageError(
        tr(
            "No Casebook invite was found in {0}. Try a sharper picture of the QR code, or "
            "paste the code instead."
        ).format(path.name)
    )


class JoinDialog(QDialog):
    """Paste an invite code (or read it from a QR image) and say how to be named."""

    def __init__(self, core: Core, name: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.core = core
        self.setWindowTitle(self.tr("Join a network"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Paste the invite code a colleague gave you, or open a picture of its "
                "QR code. The code is a key: keep it private."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.code = QPlainTextEdit()
        self.code.setTabChangesFocus(True)
        self.code.setAccessibleName(self.tr("Invite code"))
        self.code.setPlaceholderText("CASEBOOK-INVITE-…")
        self.code.setFixedHeight(90)
        layout.addWidget(self.code)
        self.open_qr = QPushButton(self.tr("Open QR image…"))
        self.open_qr.clicked.connect(self._pick_image)
        layout.addWidget(self.open_qr)
        form = QFormLayout()
        self.name = QLineEdit(name)
        self.name.setAccessibleName(self.tr("Your name in this network"))
        form.addRow(self.tr("Your name"), self.name)
        bundle_row = QHBoxLayout()
        self.bundle = QLineEdit()
        self.bundle.setAccessibleName(self.tr("Bundle file (optional)"))
        self.bundle.setPlaceholderText(self.tr("none: join through the network's relay"))
        pick = QPushButton(self.tr("Choose…"))
        pick.clicked.connect(self._pick_bundle)
        bundle_row.addWidget(self.bundle, 1)
        bundle_row.addWidget(pick)
        form.addRow(self.tr("Bundle file"), bundle_row)
        layout.addLayout(form)
        offline = QLabel(
            self.tr(
                "No relay? A member can give you a bundle file made after your invite: "
                "choose it here and you join from it, offline."
            )
        )
        offline.setObjectName("hint")
        offline.setWordWrap(True)
        layout.addWidget(offline)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.join_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.join_button.setText(self.tr("Join"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        self.joined: bytes | None = None
        self.failed = False
        layout.addWidget(buttons)

    def _pick_image(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("QR image"), folders.start(), self.tr("Images (*.png *.jpg *.jpeg *.bmp)")
        )
        if path:
            folders.used(path)
            self.load_qr(Path(path))

    def _pick_bundle(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Bundle file"),
            folders.start(),
            self.tr("Casebook bundles (*.casebook-bundle);;All files (*)"),
        )
        if path:
            self.bundle.setText(path)

    def load_qr(self, path: Path) -> None:
        self.error.setText(self.tr("Reading the QR code…"))
        self.core.call(lambda s: read_qr(path), self._read, self._failed)

    def _read(self, code: object) -> None:
        self.code.setPlainText(str(code))
        self.error.setText("")

    def _failed(self, error: object) -> None:
        self.error.setText(error_text(error))

    def _check(self) -> None:
        """Join from the open dialog: what goes wrong is said here, the code kept, and
        the dialog closes once the network is joined (``joined``: its id)."""
        if not self.code.toPlainText().strip():
            self.error.setText(self.tr("Paste the invite code first."))
            return
        if not self.name.text().strip():
            self.error.setText(self.tr("Give your name as colleagues know it."))
            return
        code, who = self.values()
        bundle = self.bundle_path()
        job: Any
        if bundle is not None:
            self._tell(self.tr("Joining from the bundle file…"), busy=True)
            job = lambda s: s.join_bundle(code, bundle, who)  # noqa: E731
        else:
            self._tell(self.tr("Joining through the relay…"), busy=True)
            job = lambda s: s.join(code, who)  # noqa: E731
        self.failed = False
        self.join_button.setEnabled(False)
        self.core.call(job, self._joined, self._join_failed, alone=True)

    def _joined(self, net: object) -> None:
        self.joined = net if isinstance(net, bytes) else None
        self.accept()

    def _join_failed(self, error: object) -> None:
        self.failed = True
        self.join_button.setEnabled(True)
        self._tell(error_text(error), busy=False)

    def _tell(self, text: str, busy: bool) -> None:
        tone(self.error, "busy" if busy else "error")
        self.error.setText(text)

    def values(self) -> tuple[str, str]:
        return "".join(self.code.toPlainText().split()), self.name.text().strip()

    def bundle_path(self) -> Path | None:
        """The bundle file to join from, if one was chosen."""
        text = self.bundle.text().strip()
        return Path(text).expanduser() if text else None
