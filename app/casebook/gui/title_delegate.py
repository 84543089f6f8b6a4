"""The case list's first column as a mail client shows it: the title, and under it a
preview line (the start of the case's text) in the muted colour, each elided to fit."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

Index = QModelIndex | QPersistentModelIndex
PREVIEW_ROLE = Qt.ItemDataRole.UserRole + 1
PAD = 3
LEFT = int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


def row_height(font: QFont) -> int:
    """Two lines (a bold title and its preview) with a little air."""
    bold = QFont(font)
    bold.setBold(True)
    return QFontMetrics(bold).height() + QFontMetrics(font).height() + 3 * PAD


class TitleDelegate(QStyledItemDelegate):
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        self.initStyleOption(option, index)
        title, preview = option.text, index.data(PREVIEW_ROLE) or ""
        option.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else None
        if style is not None:  # background, selection, focus: as every other cell
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, option, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        text = palette.color(
            QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        )
        muted = text if selected else palette.color(QPalette.ColorRole.PlaceholderText)
        rect = option.rect.adjusted(PAD + 1, PAD, -PAD, -PAD)
        title_metrics = QFontMetrics(option.font)
        painter.save()
        painter.setFont(option.font)
        painter.setPen(text)
        height = title_metrics.height()
        top = rect.top() if preview else rect.top() + (rect.height() - height) // 2
        first = QRect(rect.left(), top, rect.width(), height)  # alone: in the middle
        elided = title_metrics.elidedText(title, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(
            first, int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), elided
        )
        if preview:
            plain = QFont(option.font)
            plain.setBold(False)
            metrics = QFontMetrics(plain)
            painter.setFont(plain)
            painter.setPen(muted)
            second = QRect(rect.left(), first.bottom() + PAD, rect.width(), metrics.height())
            line = metrics.elidedText(preview, Qt.TextElideMode.ElideRight, rect.width())
            painter.drawText(second, LEFT, line)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: Index) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(size.width(), row_height(option.font))
