"""Light and dark: the app follows the system's colour scheme unless told otherwise.

The palette carries most colours (Fusion draws from it); the two small stylesheets in
``resources/styles`` colour states only (errors, hints, passphrase strength).
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

CHOICES = ("system", "light", "dark")


def resources() -> Path:
    """``resources/``: beside the package in a checkout, inside the bundle when frozen."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parents[3] / "resources"


def is_dark(choice: str) -> bool:
    if choice in ("light", "dark"):
        return choice == "dark"
    return QGuiApplication.styleHints().colorScheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    colours = {
        role.Window: "#202124",
        role.WindowText: "#e8eaed",
        role.Base: "#17181a",
        role.AlternateBase: "#25272a",
        role.ToolTipBase: "#2d2f33",
        role.ToolTipText: "#e8eaed",
        role.PlaceholderText: "#8a8d91",
        role.Text: "#e8eaed",
        role.Button: "#2b2d31",
        role.ButtonText: "#e8eaed",
        role.BrightText: "#ffffff",
        role.Link: "#8ab4f8",
        role.LinkVisited: "#c58af9",
        role.Highlight: "#3b6ea5",
        role.HighlightedText: "#ffffff",
        role.Mid: "#9aa0a6",
        role.Dark: "#111214",
        role.Light: "#3c4043",
    }
    for r, colour in colours.items():
        p.setColor(r, QColor(colour))
    for r in (role.Text, role.WindowText, role.ButtonText):
        p.setColor(group.Disabled, r, QColor("#6f7276"))
    return p


def apply(app: QApplication, choice: str = "system") -> bool:
    """Set the palette and stylesheet for ``choice``; returns whether it is dark."""
    dark = is_dark(choice)
    app.setPalette(dark_palette() if dark else app.style().standardPalette())
    sheet = resources() / "styles" / ("dark.qss" if dark else "light.qss")
    try:
        app.setStyleSheet(sheet.read_text(encoding="utf-8"))
    except OSError:
        app.setStyleSheet("")
    return dark


class _Follow:
    choice = "system"
    connected = False


def follow_system(app: QApplication, choice: str = "system") -> None:
    """Apply ``choice`` now; while it is "system", again whenever the system switches."""
    _Follow.choice = choice
    apply(app, choice)
    if not _Follow.connected:
        _Follow.connected = True
        QGuiApplication.styleHints().colorSchemeChanged.connect(
            lambda _: apply(app, "system") if _Follow.choice == "system" else None
        )
