"""A pseudo-locale made from the shipped .ts: every source string with each ASCII letter
swapped for an accented one (placeholders, tags, entities and key names kept), compiled
with lrelease. Any plain ASCII word left in a window is a string nobody translated."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDialogButtonBox,
    QGroupBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QTabWidget,
    QTextEdit,
    QToolBar,
    QWidget,
)

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "casebook_fr.ts"
LOWER = "àƀçďéƒĝĥîĵķĺɱñöþʠŕšţüṽŵẋýž"
UPPER = "ÀƁÇĎÉƑĜĤÎĴĶĹṀÑÖÞɊŔŠŢÜṼŴẊÝŽ"
ACCENT = str.maketrans("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", LOWER + UPPER)
# Left as they are: {placeholders}, <tags>, &entities;, %1, URLs, and key names.
KEEP = re.compile(
    r"\{[^}]*\}|<[^>]*>|&[a-z]+;|%\d|\w+://\S*|(?:\b(?:Ctrl|Shift|Alt|Meta)\+)+\w+|\b(?:Esc|F\d+)\b"
)


def pseudo(text: str) -> str:
    out, last = [], 0
    for match in KEEP.finditer(text):
        out.append(text[last : match.start()].translate(ACCENT))
        out.append(match.group())
        last = match.end()
    out.append(text[last:].translate(ACCENT))
    return "".join(out)


def lrelease() -> str:
    return str(Path(sys.executable).with_name("pyside6-lrelease"))


def pseudo_qm(out: Path) -> Path:
    tree = ET.parse(TS)
    for message in tree.iter("message"):
        source = message.findtext("source") or ""
        translation = message.find("translation")
        assert translation is not None
        translation.attrib.clear()
        translation.text = pseudo(source)
    ts = out / "casebook_pseudo.ts"
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    qm = out / "casebook_pseudo.qm"
    subprocess.run([lrelease(), "-silent", str(ts), "-qm", str(qm)], check=True)
    return qm


def _plain(text: str) -> str:
    text = re.sub(r"<style.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]*>", " ", text)
    return re.sub(r"&[a-z]+;|&#\d+;", " ", text)


def visible_texts(root: QWidget) -> list[tuple[str, str]]:
    """(where, text) of every word a person sees or hears in ``root``: labels, buttons,
    titles, placeholders, tab and list items, menus, headers, tooltips, accessible names."""
    found: list[tuple[str, str]] = []

    def add(where: QWidget | str, text: str) -> None:
        if text:
            name = where if isinstance(where, str) else type(where).__name__
            found.append((name, text))

    for widget in [root, *root.findChildren(QWidget)]:
        if not widget.isVisibleTo(root) and widget is not root:
            continue
        if widget.property("verbatim"):  # shown as it is in every language (licence names)
            continue
        add(widget, widget.windowTitle() if widget.isWindow() else "")
        add(widget, widget.toolTip())
        add(widget, widget.accessibleName())
        if isinstance(widget, QLabel):
            add(widget, _plain(widget.text()))
        elif isinstance(widget, QAbstractButton):
            box = widget.parent()
            standard = isinstance(box, QDialogButtonBox) and (
                box.standardButton(widget) != QDialogButtonBox.StandardButton.NoButton
            )
            if not standard:  # Qt's own words, translated by Qt's qtbase catalogue
                add(widget, widget.text())
        elif isinstance(widget, QLineEdit):
            add(widget, widget.placeholderText())
        elif isinstance(widget, QTextEdit):
            add(widget, widget.placeholderText())
            if widget.isReadOnly():
                add(widget, widget.toPlainText())
        elif isinstance(widget, QPlainTextEdit):
            add(widget, widget.placeholderText())
        elif isinstance(widget, QGroupBox):
            add(widget, widget.title())
        elif isinstance(widget, QComboBox):
            for i in range(widget.count()):
                add(widget, widget.itemText(i))
        elif isinstance(widget, QTabWidget):
            for i in range(widget.count()):
                add(widget, widget.tabText(i))
        elif isinstance(widget, QToolBar | QMenu):
            for action in widget.actions():
                add(widget, action.text() if not action.isSeparator() else "")
                add(widget, action.toolTip())
                if action.menu() is not None:
                    for sub in action.menu().actions():
                        add("menu", sub.text())
        if isinstance(widget, QAbstractItemView) and not isinstance(widget, QHeaderView):
            model = widget.model()
            try:
                columns = model.columnCount(QModelIndex())
            except TypeError:  # Qt's internal models (a completer's popup) hide theirs
                continue
            for column in range(columns):
                add("header", str(model.headerData(column, Qt.Orientation.Horizontal) or ""))
            for row in range(min(model.rowCount(QModelIndex()), 20)):
                for column in range(columns):
                    index = model.index(row, column)
                    for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                        value = index.data(role)
                        if isinstance(value, str):
                            add(type(widget).__name__, _plain(value))
    return found


# Not words to translate: key names, hexadecimal (fingerprints, ids), codes and addresses.
EXEMPT = re.compile(
    r"(?:\b(?:Ctrl|Shift|Alt|Meta)\+)+(?:\w+|\S)"
    r"|\b(?:Esc|Del|Enter|Return|Tab|PgUp|PgDown|Casebook|Qt|PySide6|Fusion)\b"
    r"|\b[0-9a-f]{4,}\b|\b[A-Z2-7]{7}(?:-[A-Z2-7]{7})+\b|\b[A-Z]{4}(?:-[A-Z]{4})+-?…?|\bCASEBOOK-[A-Z]+-\S+|[\w-]+://\S+"
    r"|\b[A-Z_]{4,}=\w+|\b[A-Z]{2,}-\d[\w.+-]*|\b[\w.-]+\.(?:png|pdf|txt|bundle)\b"
)
WORD = re.compile(r"[A-Za-z]{2,}")


def untranslated(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(where, text) for where, text in found if WORD.search(EXEMPT.sub(" ", text))]
