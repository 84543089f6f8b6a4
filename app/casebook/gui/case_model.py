"""The case list: a lazy table model that pages cases in from the worker.

It never holds more than the rows scrolled to so far; Qt asks for more through
``canFetchMore``/``fetchMore`` as the view scrolls, and each page is one worker call.
In search mode the rows are the ranked hits instead.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QGuiApplication
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from casebook.core.library.queries import CaseSummary, SearchResult
from casebook.core.library.search import Filters
from casebook.gui import tombstone
from casebook.gui.bridge import Core
from casebook.gui.i18n import QT_TR_NOOP, tr
from casebook.gui.snippet_delegate import SnippetDelegate
from casebook.gui.title_delegate import PREVIEW_ROLE, TitleDelegate, row_height
from casebook.session import Session

PAGE = 200
SEARCH_PAGE = 100  # ranked hits per page; the total is counted after the first
COUNT_AFTER_MS = 400  # the total is counted once the typing has paused this long
RESOLVED = {"light": "#2e7d32", "dark": "#81c995"}  # readable on either theme's base
URGENT = {"light": "#c62828", "dark": "#f28b82"}  # an urgent second opinion


def ago(ms: int, now: datetime | None = None) -> str:
    """When, as a person says it: "just now", "12 min ago", "3 h ago", "yesterday",
    then the weekday within a week, then the date."""
    moment = datetime.fromtimestamp(ms / 1000)
    now = now or datetime.now()
    seconds = (now - moment).total_seconds()
    if seconds < 60:
        return tr("just now")
    if seconds < 3600:
        return tr("{0} min ago").format(int(seconds // 60))
    if moment.date() == now.date():
        return tr("{0} h ago").format(int(seconds // 3600))
    days = (now.date() - moment.date()).days
    if days == 1:
        return tr("yesterday")
    if 1 < days < 7:
        return QLocale().dayName(moment.isoweekday())
    return moment.strftime("%Y-%m-%d")


SNIPPET_COLUMN = 5  # tags in the list; the highlighted match in search results
Index = QModelIndex | QPersistentModelIndex


class CaseListModel(QAbstractTableModel):
    COLUMNS = (
        QT_TR_NOOP("Title"),
        QT_TR_NOOP("Author"),
        QT_TR_NOOP("Activity"),
        QT_TR_NOOP("Status"),
        QT_TR_NOOP("Replies"),
        QT_TR_NOOP("Tags"),
    )
    loaded = Signal(int)  # total matching, emitted after each (re)load

    def __init__(self, core: Core, parent: QObject) -> None:
        super().__init__(parent)  # owned by Qt: never deleted by Python's collector
        self.core = core
        self.rows: list[CaseSummary] = []
        self.snippets: dict[bytes, str] = {}
        self.total = 0
        self.filters = Filters()
        self.query = ""
        self.order = "activity"  # how the list is sorted (not sort(): Qt calls that)
        self._generation = 0
        self._fetching = False
        self._count_timer = QTimer(self, singleShot=True, interval=COUNT_AFTER_MS)
        self._count_timer.timeout.connect(self._count)
        self._bold = QFont()
        self._bold.setBold(True)

    # -- loading ------------------------------------------------------------------
    def reload(
        self, filters: Filters | None = None, query: str | None = None, sort: str | None = None
    ) -> None:
        if filters is not None:
            self.filters = filters
        if query is not None:
            self.query = query.strip()
        if sort is not None:
            self.order = sort
        self._generation += 1
        generation, chosen, text, order = self._generation, self.filters, self.query, self.order

        def job(s: Session) -> tuple[int, list[Any]] | None:
            if generation != self._generation:  # typed past already: skip the work
                return None
            if text:
                hits = s.p.queries.search(text, chosen, limit=SEARCH_PAGE, prefix=True)
                return len(hits), hits
            q = s.p.queries
            return q.count_cases(chosen), q.list_cases(chosen, sort=order, limit=PAGE)

        self._fetching = True
        self.core.call(job, lambda result: self._replace(generation, result))

    def _count(self) -> None:
        """The real total of a search, once the typing has paused (not per keystroke)."""
        generation, chosen, text = self._generation, self.filters, self.query
        if not text:
            return

        def count(s: Session) -> int | None:
            if generation != self._generation:  # typed past already: skip the work
                return None
            return s.p.queries.count_matches(text, chosen, prefix=True)

        self.core.call(count, lambda total: self._counted(generation, total))

    def _counted(self, generation: int, total: object) -> None:
        if generation != self._generation or not isinstance(total, int):
            return
        self.total = max(total, len(self.rows))
        self.loaded.emit(self.total)

    def _replace(self, generation: int, result: tuple[int, list[Any]] | None) -> None:
        if generation != self._generation or result is None:  # typed past
            return
        total, items = result
        self.beginResetModel()
        self.snippets = {}
        if items and isinstance(items[0], SearchResult):
            self.rows = [hit.case for hit in items]
            self.snippets = {hit.case.id: hit.snippet for hit in items}
        else:
            self.rows = list(items)
        self.total = total
        self._fetching = False
        self.endResetModel()
        self.headerDataChanged.emit(Qt.Orientation.Horizontal, SNIPPET_COLUMN, SNIPPET_COLUMN)
        self.loaded.emit(total)
        if self.query:
            self._count_timer.start()

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self.rows) < self.total

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self._fetching or parent.isValid():
            return
        self._fetching = True
        generation, chosen, offset, order, text = (
            self._generation,
            self.filters,
            len(self.rows),
            self.order,
            self.query,
        )
        if text:  # the next page of ranked hits
            self.core.call(
                lambda s: s.p.queries.search(
                    text, chosen, limit=SEARCH_PAGE, prefix=True, offset=offset
                ),
                lambda page: self._append(generation, page),
            )
            return
        self.core.call(
            lambda s: s.p.queries.list_cases(chosen, sort=order, limit=PAGE, offset=offset),
            lambda page: self._append(generation, page),
        )

    def _append(self, generation: int, page: list[Any]) -> None:
        self._fetching = False
        if generation != self._generation or not page:
            if generation == self._generation:
                self.total = len(self.rows)  # nothing more: stop asking
            return
        if isinstance(page[0], SearchResult):
            known = {row.id for row in self.rows}
            hits = [hit for hit in page if hit.case.id not in known]
            self.snippets.update({hit.case.id: hit.snippet for hit in hits})
            page = [hit.case for hit in hits]
            if not page:
                self.total = len(self.rows)
                return
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(page) - 1)
        self.rows.extend(page)
        self.endInsertRows()

    def set_read(self, case_id: bytes) -> None:
        """Show the case as read (the worker records it)."""
        row = self.row_of(case_id)
        if row is not None and self.rows[row].unread:
            self.rows[row].unread = False
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.COLUMNS) - 1))

    def row_of(self, case_id: bytes) -> int | None:
        for row, case in enumerate(self.rows):
            if case.id == case_id:
                return row
        return None

    # -- Qt model API -------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            if section == SNIPPET_COLUMN and self.snippets:
                return self.tr("Match")
            return tr(self.COLUMNS[section])
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        case = self.rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                if case.withdrawn is not None:
                    return tombstone.withdrawn_line(case.withdrawn)
                return case.title
            if column == 1:
                return case.author_name
            if column == 2:
                return ago(case.activity_at)
            if column == 3:
                if case.status == "resolved":
                    return self.tr("Resolved")
                asked = {"urgent": self.tr("Urgent"), "requested": self.tr("Opinion asked")}
                return asked.get(case.opinion, self.tr("Open"))
            if column == 4:
                return case.comments
            if self.snippets:  # search mode: where it matched, highlighted
                return self.snippets.get(case.id) or " ".join(f"#{t}" for t in case.tags)
            return " ".join(f"#{t}" for t in case.tags)
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            posted = datetime.fromtimestamp(case.created_at / 1000).strftime("%Y-%m-%d %H:%M")
            last = datetime.fromtimestamp(case.activity_at / 1000).strftime("%Y-%m-%d %H:%M")
            return self.tr("Posted {0}; last activity {1}").format(posted, last)
        if role == Qt.ItemDataRole.ForegroundRole and column == 3:
            dark = QGuiApplication.palette().base().color().lightness() < 128
            if case.status == "resolved":
                return QColor(RESOLVED["dark" if dark else "light"])
            if case.opinion == "urgent":
                return QColor(URGENT["dark" if dark else "light"])
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            snippet = self.snippets.get(case.id)
            return f"<b>{case.title}</b><br>{snippet}" if snippet else case.title
        if role == Qt.ItemDataRole.FontRole and case.unread:
            return self._bold
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and case.unread:
            return self.tr("unread")
        if role == Qt.ItemDataRole.UserRole:
            return case.id
        if role == PREVIEW_ROLE and column == 0:
            return case.preview
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 4:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def case_table(model: CaseListModel, font: QFont) -> QTableView:
    """The list of cases: one selected row at a time, columns sized from the font."""

    table = QTableView()
    table.setAccessibleName(tr("Cases"))
    table.setTabKeyNavigation(False)  # Tab leaves the list (arrows move in it)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    table.setShowGrid(False)
    table.setAlternatingRowColors(True)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    # Fixed widths from the font, not ResizeToContents: that measured every loaded
    # row on each page (≈20,000 data() calls for 200 rows).
    bold = QFont(font)
    bold.setBold(True)  # unread rows are bold: size for them
    metrics = QFontMetrics(bold)
    for column, sample in (
        (1, "Dr. Lukas Bren"),  # longer names are elided; the title gets the room
        (2, "2026-11-23"),
        (3, tr("Resolved")),
        (4, tr("Replies")),
        (5, "#anaemia #b"),
    ):
        table.setColumnWidth(column, metrics.horizontalAdvance(sample) + 12)
    table.setItemDelegateForColumn(5, SnippetDelegate(table))
    table.setItemDelegateForColumn(0, TitleDelegate(table))  # the title over a preview line
    table.verticalHeader().setDefaultSectionSize(row_height(font))
    table.setWordWrap(False)
    table.setTextElideMode(Qt.TextElideMode.ElideRight)
    return table
