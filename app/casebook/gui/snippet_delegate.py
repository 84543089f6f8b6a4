"""Draws a search hit's snippet with the matched words highlighted.

The core marks matches with ``<mark>`` in HTML-escaped text; this delegate paints that
as rich text in one elided line, in the palette's colours (so it reads in dark mode).
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF
from PySide6.QtGui import QAbstractTextDocumentLayout, QPainter, QPalette, QTextDocument
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

Index = QModelIndex | QPersistentModelIndex


class SnippetDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        text = index.data()
        if not isinstance(text, str) or "<mark>" not in text:
            super().paint(painter, option, index)
            return
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else None
        option.text = ""
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        colour = option.palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        document = QTextDocument()
        document.setDefaultFont(option.font)
        document.setDocumentMargin(2)
        document.setDefaultStyleSheet("mark { background-color: #ffe08a; color: #1a1a1a; }")
        document.setHtml(text.replace("\n", " "))
        context = QAbstractTextDocumentLayout.PaintContext()
        context.palette.setColor(QPalette.ColorRole.Text, colour)
        rect = option.rect
        painter.save()
        painter.setClipRect(rect)
        top = rect.top() + max(0, (rect.height() - document.size().height()) / 2)
        painter.translate(rect.left(), top)
        context.clip = QRectF(0, 0, rect.width(), rect.height())
        document.documentLayout().draw(painter, context)
        painter.restore()
