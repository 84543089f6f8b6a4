"""Issue 16, item 9 (part): the case list says when in a person's words, with the
exact times on hover, and a resolved case stands out by colour."""

from __future__ import annotations

from datetime import datetime

from guikit import open_demo
from PySide6.QtCore import Qt

from casebook.gui.case_model import RESOLVED, ago

NOW = datetime(2026, 12, 4, 15, 0)


def ms(when: datetime) -> int:
    return int(when.timestamp() * 1000)


def test_when_reads_as_a_person_says_it() -> None:
    assert ago(ms(datetime(2026, 12, 4, 14, 59, 30)), NOW) == "just now"
    assert ago(ms(datetime(2026, 12, 4, 14, 48)), NOW) == "12 min ago"
    assert ago(ms(datetime(2026, 12, 4, 11, 30)), NOW) == "3 h ago"
    assert ago(ms(datetime(2026, 12, 3, 23, 0)), NOW) == "yesterday"
    assert ago(ms(datetime(2026, 12, 1, 9, 0)), NOW) == "Tuesday"
    assert ago(ms(datetime(2026, 11, 20, 9, 0)), NOW) == "2026-11-20"


def test_the_list_shows_activity_and_colours_resolved_cases(qtbot, core, tmp_path) -> None:
    win = open_demo(qtbot, core, tmp_path)
    model = win.model
    assert model.headerData(2, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole) == (
        "Activity"
    )
    row = next(r for r in range(model.rowCount()) if model.rows[r].status == "resolved")
    assert model.data(model.index(row, 2)) in ("just now",) or "ago" in model.data(
        model.index(row, 2)
    )
    tip = model.data(model.index(row, 2), Qt.ItemDataRole.ToolTipRole)
    assert tip.startswith("Posted ") and "last activity" in tip
    colour = model.data(model.index(row, 3), Qt.ItemDataRole.ForegroundRole)
    assert colour.name() in RESOLVED.values()
    open_row = next(r for r in range(model.rowCount()) if model.rows[r].status == "open")
    assert model.data(model.index(open_row, 3), Qt.ItemDataRole.ForegroundRole) is None


def test_the_sidebar_counts_unread_cases_not_all(qtbot, core, tmp_path) -> None:
    """Issue 16, item 9: the network shows how many cases have news for you (bold),
    its full name and totals on hover; opening one brings the count down."""
    from guikit import idle, open_case

    win = open_demo(qtbot, core, tmp_path)
    unread = sum(1 for r in win.model.rows if r.unread)  # the first case was opened
    win.refresh_networks(win.sidebar.current())
    qtbot.waitUntil(lambda: win.networks[0]["unread"] == unread, timeout=10_000)
    idle(qtbot, core)
    item = win.sidebar.topLevelItem(1)
    network = win.networks[0]
    assert unread > 0
    assert item.text(0) == network["name"] and item.text(1) == str(unread)
    assert item.font(0).bold()
    assert item.toolTip(0) == f"{network['name']}: {network['cases']} cases, {unread} unread"
    title = next(r.title for r in win.model.rows if r.unread)
    open_case(qtbot, win, title)
    idle(qtbot, core)
    win.refresh_networks(win.sidebar.current())
    qtbot.waitUntil(lambda: win.networks[0]["unread"] == unread - 1, timeout=10_000)


def test_search_results_page_in_with_the_real_total(qtbot, core, tmp_path, monkeypatch) -> None:
    """Issue 16, item 2: the count says how many match in all, and scrolling brings the
    rest (a page of one here, to see it on the demo library)."""
    from casebook.core.library.queries import Queries
    from casebook.gui import case_model

    monkeypatch.setattr(case_model, "SEARCH_PAGE", 1)
    offsets: list[int] = []
    real = Queries.search

    def search(self, text, filters, limit=20, prefix=False, offset=0):  # type: ignore[no-untyped-def]
        offsets.append(offset)
        return real(self, text, filters, limit, prefix, offset)

    monkeypatch.setattr(Queries, "search", search)
    win = open_demo(qtbot, core, tmp_path)
    qtbot.keyClicks(win.search, "syncope")
    qtbot.waitUntil(lambda: win.model.query == "syncope" and win.model.total == 2)
    assert win.count_label.text() == "2 matching cases"
    for _ in range(100):  # what scrolling down asks for, until there is no more
        if not win.model.canFetchMore():
            break
        win.model.fetchMore()
        qtbot.wait(50)
    qtbot.waitUntil(lambda: win.model.rowCount() == 2, timeout=10_000)
    assert 1 in offsets and len(win.model.snippets) == 2
