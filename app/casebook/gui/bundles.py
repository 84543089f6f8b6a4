"""Bundle files in the window: export a network's encrypted events for a colleague (or a
USB stick), import one, with progress and a summary of what came in.

The work runs on the session thread (``Profile.bundles``, the same service as
``casebook bundle``); the dialog only chooses files and shows what happened.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casebook.core.network.bundles import Exported, TakenIn
from casebook.gui import folders
from casebook.gui.bridge import Core
from casebook.gui.messages import error_text, tone

SUFFIX = ".casebook-bundle"


class BundleDialog(QDialog):
    imported = Signal()  # events came in: the window refreshes its lists

    def __init__(
        self, core: Core, networks: list[dict[str, Any]], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.setWindowTitle(self.tr("Bundle files"))
        self.setMinimumWidth(560)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "A bundle file carries a network's encrypted events, for a colleague who "
                "has no relay or for a USB stick. Only members can read it; importing "
                "checks every event as a sync does."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        out = QGroupBox(self.tr("Export"))
        row = QHBoxLayout(out)
        self.network = QComboBox()
        self.network.setAccessibleName(self.tr("Network to export"))
        for item in networks:
            self.network.addItem(item["name"], item["id"])
        self.export_button = QPushButton(self.tr("Export to a file…"))
        self.export_button.clicked.connect(self._export)
        self.export_button.setEnabled(bool(networks))
        row.addWidget(self.network, 1)
        row.addWidget(self.export_button)
        layout.addWidget(out)

        into = QGroupBox(self.tr("Import"))
        row = QHBoxLayout(into)
        hint = QLabel(self.tr("A bundle from a member of one of your networks."))
        hint.setObjectName("hint")
        self.import_button = QPushButton(self.tr("Import a bundle file…"))
        self.import_button.clicked.connect(self._import)
        row.addWidget(hint, 1)
        row.addWidget(self.import_button)
        layout.addWidget(into)

        self.bar = QProgressBar()
        self.bar.setAccessibleName(self.tr("Progress"))
        self.bar.hide()
        layout.addWidget(self.bar)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setAccessibleName(self.tr("What happened"))
        self.summary.setTextInteractionFlags(
            self.summary.textInteractionFlags().TextSelectableByMouse
        )
        layout.addWidget(self.summary)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    # -- export --------------------------------------------------------------------------
    def _export(self) -> None:
        name = self.network.currentText() or "network"
        suggested = f"{_slug(name)}-{date.today().isoformat()}{SUFFIX}"
        kinds = self.tr("Casebook bundles (*{0})").format(SUFFIX)
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export a bundle"), folders.start(suggested), kinds
        )
        if path:
            folders.used(path)
            self.export_to(Path(path))

    def export_to(self, path: Path) -> None:
        net = bytes.fromhex(str(self.network.currentData()))
        self._busy(self.tr("Writing the bundle…"))
        self.core.call(
            lambda s: s.p.bundles.export(net, path, self.core.relay(self._progress)),
            self._exported,
            self._failed,
        )

    def _exported(self, made: Exported) -> None:
        self._done(
            self.tr(
                "Wrote {0} events and {1} welcome package(s) to {2}. Give it to a "
                "colleague or copy it to a USB stick; it holds only encrypted content, but "
                "treat it as private."
            ).format(QLocale().toString(made.events), made.welcomes, made.path)
        )

    # -- import --------------------------------------------------------------------------
    def _import(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Import a bundle"),
            folders.start(),
            self.tr("Casebook bundles (*{0});;All files (*)").format(SUFFIX),
        )
        if path:
            self.import_from(Path(path))

    def import_from(self, path: Path) -> None:
        self._busy(self.tr("Checking and storing the bundle's events…"))
        self.core.call(
            lambda s: s.p.bundles.take_in(path, self.core.relay(self._progress)),
            self._imported,
            self._failed,
        )

    def _imported(self, taken: TakenIn) -> None:
        self._done(taken.text())
        if taken.report.applied:
            self.imported.emit()

    # -- showing -------------------------------------------------------------------------
    def _busy(self, text: str) -> None:
        for button in (self.export_button, self.import_button):
            button.setEnabled(False)
        self.bar.setRange(0, 0)
        self.bar.show()
        self.summary.setObjectName("")
        self.summary.setText(text)

    def _progress(self, done: int, total: int) -> None:
        self.bar.setRange(0, max(total, 1))
        self.bar.setValue(done)

    def _done(self, text: str) -> None:
        self.export_button.setEnabled(self.network.count() > 0)
        self.import_button.setEnabled(True)
        self.bar.hide()
        tone(self.summary, "")
        self.summary.setText(text)

    def _failed(self, error: object) -> None:
        self._done(error_text(error))
        tone(self.summary, "error")


def _slug(name: str) -> str:
    kept = "".join(c if c.isalnum() else "-" for c in name.lower()).strip("-")
    return "-".join(part for part in kept.split("-") if part)[:40] or "network"
