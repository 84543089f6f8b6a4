"""The sidebar: the reader's own views (my cases, awaiting my reply, unanswered),
networks with their most used tags (each with its unread count), and saved searches.

Choosing an entry emits what the case list should show (filters, and for a saved search
its text). The data comes from the worker: networks with counts, each network's tags,
and the saved searches kept in the profile's settings.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QTreeWidget, QTreeWidgetItem, QWidget

from casebook.core.library.queue import DAY_MS
from casebook.core.library.search import Filters
from casebook.gui.i18n import QT_TR_NOOP, tr
from casebook.session import Session

TAGS_SHOWN = 8
ROLE = Qt.ItemDataRole.UserRole


@dataclass(frozen=True)
class Choice:
    net: str | None = None  # hex id
    tag: str | None = None
    query: str | None = None  # a saved search's text
    saved: str | None = None  # a saved search's name
    # "mine" (cases I posted), "awaiting" (my reply is awaited), "unanswered" (open cases
    # nobody but their author answered in a day), "opinion" (open cases asking for a second
    # opinion): the answer queue (core/library/queue.py)
    view: str | None = None

    def filters(self, me: bytes | None = None) -> Filters:
        """What the list shows; ``me`` (the reader's member key) for the views."""
        net = bytes.fromhex(self.net) if self.net else None
        mine = me if self.view == "mine" else None
        awaiting = me if self.view == "awaiting" else None
        if self.view == "unanswered":
            return Filters(net=net, tag=self.tag, status="open", unanswered_by=_day_ago())
        if self.view == "opinion":
            return Filters(net=net, tag=self.tag, status="open", opinion=True)
        # Awaiting my reply is a list of open cases, as in ``casebook queue``.
        status = "open" if self.view == "awaiting" else None
        return Filters(net=net, tag=self.tag, author=mine, awaiting=awaiting, status=status)


def _day_ago() -> int:
    return int(time.time() * 1000) - DAY_MS


Tags = dict[str, list[tuple[str, int, int]]]  # network hex id → (tag, cases, unread)


def sidebar_counts(s: Session, nets: list[bytes]) -> tuple[Tags, dict[str, int]]:
    """On the worker, after the list: each network's tags with their unread cases, and
    how many cases each of the reader's views holds (~0.1 s on 100,000 cases)."""
    q = s.p.queries
    tags: Tags = {}
    for net in nets:
        tags[net.hex()] = q.tag_counts(net)
    me = s.p.member
    views = {
        "mine": q.count_cases(Filters(author=me)),
        "awaiting": q.count_cases(Filters(status="open", awaiting=me)),
        "unanswered": q.count_cases(Filters(status="open", unanswered_by=_day_ago())),
        "opinion": q.count_cases(Filters(status="open", opinion=True)),
    }
    return tags, views


VIEWS = (
    ("mine", QT_TR_NOOP("My cases"), QT_TR_NOOP("{0} cases you posted")),
    (
        "awaiting",
        QT_TR_NOOP("Awaiting my reply"),
        QT_TR_NOOP(
            "{0} cases where you were mentioned, a poll awaits your answer, or someone "
            "spoke after you"
        ),
    ),
    (
        "unanswered",
        QT_TR_NOOP("Unanswered"),
        QT_TR_NOOP("{0} open cases nobody but their author has answered in a day"),
    ),
    (
        "opinion",
        QT_TR_NOOP("Second opinions"),
        QT_TR_NOOP("{0} open cases whose author asks for a second opinion"),
    ),
)


def _count(item: QTreeWidgetItem, count: int, bold: bool) -> None:
    """``count`` in the item's second column (empty when 0), the row bold if asked."""
    item.setText(1, str(count) if count else "")
    item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight)
    if bold and count:
        font = item.font(0)
        font.setBold(True)
        item.setFont(0, font)
        item.setFont(1, font)


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
        self.me: bytes | None = None  # the reader's member key (for the two views)

    def fill(
        self,
        networks: list[dict[str, Any]],
        tags: dict[str, list[tuple[str, int, int]]],
        saved: list[dict[str, Any]],
        select: Choice | None = None,
        views: dict[str, int] | None = None,
    ) -> None:
        """Rebuild the tree; keep ``select`` chosen when it is still there. ``tags`` are
        (tag, cases, unread) by network; ``views`` the counts of the reader's views."""
        self.networks = networks
        self.blockSignals(True)
        self.clear()
        everything = QTreeWidgetItem([self.tr("All networks")])
        everything.setData(0, ROLE, Choice())
        self.addTopLevelItem(everything)
        chosen = everything
        for view, name, tip in VIEWS if networks else ():
            item = QTreeWidgetItem([tr(name)])
            count = (views or {}).get(view, 0)
            _count(item, count, bold=view == "awaiting")
            item.setToolTip(0, tr(tip).format(count))
            item.setData(0, ROLE, Choice(view=view))
            self.addTopLevelItem(item)
        for net in networks:
            unread = int(net.get("unread") or 0)
            item = QTreeWidgetItem([net["name"]])
            _count(item, unread, bold=True)  # bold, as unread cases are in the list
            item.setToolTip(
                0,
                self.tr("{0}: {1} cases, {2} unread").format(net["name"], net["cases"], unread),
            )
            item.setData(0, ROLE, Choice(net=net["id"]))
            self.addTopLevelItem(item)
            for tag, count, fresh in tags.get(net["id"], [])[:TAGS_SHOWN]:
                child = QTreeWidgetItem([f"#{tag}"])
                _count(child, fresh, bold=True)
                child.setToolTip(
                    0, self.tr("#{0}: {1} cases, {2} unread").format(tag, count, fresh)
                )
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
