"""A teaching export written as PDF with fpdf2 (a maintained PDF library; no PDF syntax
is written here): the case's fields and text (Markdown rendered by markdown-it, raw HTML
shown as text), its consent line, its pictures, then the discussion, each author as the
exporter chose (:mod:`teaching`). The document's metadata names no one.

Text is set in DejaVu Sans, which covers accents, Greek and symbols: the installers carry
it (``resources/fonts``), and Linux has it beside Qt (italics fall back to upright where
only the core faces are installed); without it, in Helvetica, with what Latin-1 cannot
show replaced.
"""

from __future__ import annotations

import io
import logging
import sys
from pathlib import Path

from fpdf import FPDF
from markdown_it import MarkdownIt
from PIL import Image

from casebook.core.library.teaching import TeachingCase
from casebook.errors import CasebookError, say
from casebook.store.files import atomic_write

log = logging.getLogger("casebook.teaching")
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False})
_FONT_DIRS = (
    Path(getattr(sys, "_MEIPASS", "/nonexistent")) / "resources" / "fonts",  # an installer's
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/dejavu"),
    Path("/usr/share/fonts/TTF"),
    Path("/usr/local/share/fonts"),
    Path.home() / "Library/Fonts",
)
# Each style's face, and the one used where that face is not installed.
_FACES = {
    "": ("DejaVuSans.ttf", "DejaVuSans.ttf"),
    "B": ("DejaVuSans-Bold.ttf", "DejaVuSans-Bold.ttf"),
    "I": ("DejaVuSans-Oblique.ttf", "DejaVuSans.ttf"),
    "BI": ("DejaVuSans-BoldOblique.ttf", "DejaVuSans-Bold.ttf"),
}
FONT_FILES = tuple(face for face, _ in _FACES.values())
FIELD_TITLES = {
    "presentation": "Presentation",
    "history": "History",
    "findings": "Findings",
    "question": "Question",
    "outcome": "Outcome",
}


def _font(pdf: FPDF) -> tuple[str, bool]:
    """The family to write in, and whether it shows all of Unicode (else Latin-1)."""
    for folder in _FONT_DIRS:
        if all((folder / face).is_file() for face, _ in _FACES.values()) or all(
            (folder / fallback).is_file() for _, fallback in _FACES.values()
        ):
            for style, (face, fallback) in _FACES.items():
                found = folder / face if (folder / face).is_file() else folder / fallback
                pdf.add_font("DejaVu", style, str(found))
            return "DejaVu", True
    log.info("DejaVu Sans not found: the teaching PDF is set in Helvetica")
    return "helvetica", False


class _Writer:
    def __init__(self) -> None:
        self.pdf = FPDF(format="A4")
        self.pdf.set_margins(18, 16, 18)
        self.pdf.set_auto_page_break(True, 16)
        self.family, self.unicode = _font(self.pdf)
        self.pdf.set_creator("Casebook")
        self.pdf.set_author("")
        self.pdf.add_page()

    def text(self, value: str) -> str:
        return value if self.unicode else value.encode("latin-1", "replace").decode("latin-1")

    def heading(self, value: str, size: float = 13) -> None:
        self.pdf.ln(1.5)
        self.pdf.set_font(self.family, "B", size)
        self.pdf.multi_cell(0, size * 0.5, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.ln(1.5)

    def line(self, value: str, size: float = 9.5, style: str = "") -> None:
        self.pdf.set_font(self.family, style, size)
        self.pdf.set_text_color(90, 90, 90)
        self.pdf.multi_cell(0, 5, self.text(value), new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_text_color(0, 0, 0)

    def markdown(self, value: str, indent: float = 0) -> None:
        self.pdf.set_font(self.family, "", 10.5)
        left = self.pdf.l_margin
        self.pdf.set_left_margin(left + indent)
        self.pdf.set_x(left + indent)
        rendered = _MD.render(value).replace("<p>", '<p line-height="1.4">')
        self.pdf.write_html(self.text(rendered), font_family=self.family)
        self.pdf.set_left_margin(left)
        self.pdf.ln(2)

    def picture(self, data: bytes) -> None:
        with Image.open(io.BytesIO(data)) as image:
            wide, high = image.size
        scale = min(self.pdf.epw * 0.7 / wide, self.pdf.eph * 0.5 / high)  # fits on a page
        self.pdf.image(io.BytesIO(data), w=wide * scale, h=high * scale)
        self.pdf.ln(2)


def render(doc: TeachingCase) -> bytes:
    """The PDF's bytes."""
    w = _Writer()
    w.pdf.set_title(w.text(doc.title))
    w.heading(doc.title, 16)
    meta = "Teaching case · presented by " + doc.presenter
    w.line(meta + (" · " + doc.specialty if doc.specialty else ""))
    w.line(doc.consent, style="I")
    w.pdf.ln(3)
    order = list(FIELD_TITLES)
    for key, value in sorted(
        doc.fields, key=lambda f: (order.index(f[0]) if f[0] in order else 9, f[0])
    ):
        w.heading(FIELD_TITLES.get(key, key.replace("_", " ").capitalize()), 11.5)
        w.markdown(value)
    if doc.body:
        w.markdown(doc.body)
    if doc.pictures or doc.others:
        w.heading("Attachments", 11.5)
    for picture in doc.pictures:
        w.line(picture.name, style="B")
        if picture.data is None:
            w.line("(not on this computer when exported: not included)")
        else:
            try:
                w.picture(picture.data)
            except Exception as exc:  # a picture fpdf2 cannot read: named, not shown
                log.info("picture %s not included: %s", picture.name, exc)
                w.line("(this picture could not be included)")
    for name in doc.others:
        w.line(name + " (not included: not a picture)")
    w.heading(f"Discussion ({len(doc.discussion)})", 12)
    for entry in doc.discussion:
        label = "Outcome · " if entry.outcome else ""
        indent = min(entry.depth, 6) * 6.0
        w.pdf.set_x(w.pdf.l_margin + indent)
        w.line(f"{label}{entry.who}", style="B")
        w.markdown(entry.body, indent)
        w.pdf.ln(1)
    if not doc.discussion:
        w.line("No replies.")
    return bytes(w.pdf.output())


def write(doc: TeachingCase, out: Path, replace: bool = False) -> int:
    """Write the PDF to ``out`` (whole or not at all; a file there only if ``replace``);
    its size in bytes."""
    data = render(doc)
    if not replace and (out.exists() or out.is_symlink()):
        raise CasebookError(say("{0} already exists; choose another file name.", out))
    try:
        atomic_write(out, data, mode=0o600)
    except OSError as exc:
        raise CasebookError(say("Cannot write {0}: {1}.", out, exc.strerror)) from None
    return len(data)
