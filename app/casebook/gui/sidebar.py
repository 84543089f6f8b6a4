"""The sidebar: networks with their most used tags, and saved searches.

Choosing an entry emits what the case list should show (filters, and for a saved search
its text). The data comes from the worker: networks with counts, each network's tags,
and the saved searches kept in the profile's settings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from casebook.core.library.search import Filters

TAGS_SHOWN = 8
ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Choice:
    net: str | None = None  # hex id
    tag: str | None = None
    query: str | None = None  # a saved search's text
    saved: str | None = None  # a saved search's name

    def filters(self) -> Filters:
        return Filters(net=bytes.fromhex(self.net) if self.net else None, tag=self.tag)


class Sidebar(QTreeWidget):
    chosen = Signal(object)  # Choice

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setColumnCount(2)  # the name (elided if need be) and its count, always shown
        self.header().setStretchLastSection(False)
        self.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.header().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.setAccessibleName(self.tr("Networks, tags and saved searches"))
        self.setRootIsDecorated(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.currentItemChanged.connect(self._changed)
        # Clicking the entry already chosen applies it again (a saved search after the
        # search box was changed).
        self.itemClicked.connect(lambda item, _column: self._changed(item, None))
        self.networks: list[dict[str, Any]] = []

    def fill(
        self,
        networks: list[dict[str, Any]],
        tags: dict[str, list[tuple[str, int]]],
        saved: list[dict[str, Any]],
        select: Choice | None = None,
    ) -> None:
        """Rebuild the tree; keep ``select`` chosen when it is still there."""
        self.networks = networks
        self.blockSignals(True)
        self.clear()
        everything = QTreeWidgetItem([self.tr("All networks")])
        everything.setData(0, ROLE, Choice())
        self.addTopLevelItem(everything)
        chosen = everything
        for net in networks:
            unread = int(net.get("unread") or 0)
            item = QTreeWidgetItem([net["name"], str(unread) if unread else ""])
            item.setToolTip(
                0,
                self.tr("{0}: {1} cases, {2} unread").format(net["name"], net["cases"], unread),
            )
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
            if unread:  # bold, as unread cases are in the list
                font = item.font(0)
                font.setBold(True)
                item.setFont(0, font)
                item.setFont(1, font)
            item.setData(0, ROLE, Choice(net=net["id"]))
            self.addTopLevelItem(item)
            for tag, count in tags.get(net["id"], [])[:TAGS_SHOWN]:
                child = QTreeWidgetItem([f"#{tag}", str(count)])
                child.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
                child.setData(0, ROLE, Choice(net=net["id"], tag=tag))
                item.addChild(child)
            item.setExpanded(True)
        if saved:
            group = QTreeWidgetItem([self.tr("Saved searches")])
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addTopLevelItem(group)
            for entry in saved:
                child = QTreeWidgetItem([entry["name"]])
                child.setToolTip(0, entry["query"])
                child.setData(
                    0,
                    ROLE,
                    Choice(
                        net=entry.get("net"),
                        tag=entry.get("tag"),
                        query=entry["query"],
                        saved=entry["name"],
                    ),
                )
                group.addChild(child)
            group.setExpanded(True)
        if select is not None:
            for item in self._items():
                if item.data(0, ROLE) == select:
                    chosen = item
        self.setCurrentItem(chosen)
        self.blockSignals(False)

    def _items(self) -> list[QTreeWidgetItem]:
        out: list[QTreeWidgetItem] = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if top is None:  # Qt's answer past the last row only
                continue
            out.append(top)
            children = (top.child(j) for j in range(top.childCount()))
            out.extend(child for child in children if child is not None)
        return out

    def current(self) -> Choice:
        item = self.currentItem()
        choice = item.data(0, ROLE) if item is not None else None
        return choice if isinstance(choice, Choice) else Choice()

    def select_network(self, net: str | None) -> None:
        for item in self._items():
            choice = item.data(0, ROLE)
            if isinstance(choice, Choice) and choice == Choice(net=net):
                self.setCurrentItem(item)
                return

    def _changed(self, item: QTreeWidgetItem | None, _previous: object) -> None:
        choice = item.data(0, ROLE) if item is not None else None
        if isinstance(choice, Choice):
            self.chosen.emit(choice)
