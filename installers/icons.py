"""Render the app icon from ``resources/icons/casebook.svg`` for the installers.

    python installers/icons.py OUTDIR

writes ``OUTDIR/hicolor/NxN/apps/casebook.png`` (the sizes desktops ask for),
``OUTDIR/casebook.ico`` (Windows) and ``OUTDIR/casebook.icns`` (macOS). Qt draws the SVG
(offscreen, no display needed); Pillow writes the .ico and .icns containers. Run by the
PyInstaller spec at build time, so nothing rendered is kept in the repository.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
SVG = Path(__file__).resolve().parents[1] / "resources" / "icons" / "casebook.svg"


def render(out: Path) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"icons: cannot read {SVG}")
    written = []
    for size in SIZES:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        path = out / "hicolor" / f"{size}x{size}" / "apps" / "casebook.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        if not image.save(str(path), "PNG"):
            raise SystemExit(f"icons: cannot write {path}")
        written.append(path)
    return written


def containers(out: Path) -> None:
    from PIL import Image

    largest = Image.open(out / "hicolor" / "512x512" / "apps" / "casebook.png")
    largest.save(out / "casebook.ico", sizes=[(s, s) for s in SIZES if s <= 256])
    largest.save(out / "casebook.icns")


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = Path(sys.argv[1])
    render(out)
    containers(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
