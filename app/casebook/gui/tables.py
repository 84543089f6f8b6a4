"""Read-only tables of the dialogs that list rows to choose one (the moderators' inbox and
log, each member's poll answer): rows selected whole, one at a time, never edited."""

from __future__ import annotations

from PySide6.QtWidgets import QAbstractItemView, QTableWidget, QTableWidgetItem


def read_only_table(headers: list[str], name: str) -> QTableWidget:
    """An empty table with ``headers``; ``name`` is what a screen reader calls it."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.verticalHeader().hide()
    return table


def fill_rows(table: QTableWidget, rows: list[list[str]]) -> None:
    """``rows`` of text replace the table's."""
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            table.setItem(r, c, QTableWidgetItem(text))
