"""The search's words marked in the open case too (as in the list's snippets): the same
folding and word rules as the index (``core/library/search.py``), the last word as a
prefix, as search-as-you-type matches it."""

from __future__ import annotations

from PySide6.QtGui import QColor, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QTextBrowser, QTextEdit

from casebook.core.library.search import WORD, fold, terms

MARK = "#ffe08a"  # the list's <mark> colour
MAX_MARKS = 2000


def highlight(viewer: QTextBrowser, query: str) -> int:
    """Mark ``query``'s words in ``viewer``'s document; returns how many were marked
    (none, and the marks cleared, without a query)."""
    words = terms(query) if query.strip() else []
    marks: list[QTextEdit.ExtraSelection] = []
    if words:
        look = QTextCharFormat()
        look.setBackground(QColor(MARK))
        look.setForeground(QColor("#1a1a1a"))
        document = viewer.document()
        block = document.begin()
        while block.isValid() and len(marks) < MAX_MARKS:
            text = block.text()
            for token in WORD.finditer(text):
                folded = fold(token.group())
                if folded in words or folded.startswith(words[-1]):
                    cursor = QTextCursor(document)
                    cursor.setPosition(block.position() + token.start())
                    cursor.setPosition(
                        block.position() + token.end(), QTextCursor.MoveMode.KeepAnchor
                    )
                    mark = QTextEdit.ExtraSelection()
                    mark.cursor = cursor
                    mark.format = look
                    marks.append(mark)
            block = block.next()
    viewer.setExtraSelections(marks)
    return len(marks)
