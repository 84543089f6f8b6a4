"""Issue 16, item 9 (part): the case list says when in a person's words, with the
exact times on hover, and a resolved case stands out by colour."""

from __future__ import annotations

import re
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
    # Item 17: the demo's cases are spread over seven weeks, so every kind of date shows.
    said = [model.data(model.index(r, 2)) for r in range(model.rowCount())]
    assert any("ago" in when for when in said), said
    assert any(re.fullmatch(r"\d{4}-\d\d-\d\d", when) for when in said), said
    assert len(set(said)) > 10
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
    network = win.networks[0]
    item = next(i for i in win.sidebar._items() if i.text(0) == network["name"])
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


MENTIONED = (
    "SELECT count(*) FROM mentions m JOIN cases c ON c.rid = m.case_rid "
    "WHERE c.id = ? AND m.member = ?"
)


def test_my_cases_awaiting_my_reply_and_unread_tags(qtbot, core, tmp_path) -> None:
    """The reader's own views in the sidebar, with their counts, and each tag's unread
    cases; the list shows a preview line under each title."""
    from guikit import idle, run

    from casebook.core.library.search import Filters
    from casebook.demo_data import OPINIONS
    from casebook.gui.sidebar import Choice, _day_ago
    from casebook.gui.title_delegate import PREVIEW_ROLE

    win = open_demo(qtbot, core, tmp_path)
    qtbot.waitUntil(lambda: bool(win.views), timeout=15_000)  # counted after the list
    me = win.sidebar.me
    mine = run(qtbot, core, lambda s: s.p.queries.list_cases(Filters(author=me), limit=100))
    awaiting = Filters(status="open", awaiting=me)  # open cases, as in casebook queue
    waiting = run(qtbot, core, lambda s: s.p.queries.list_cases(awaiting, limit=100))
    resolved = run(qtbot, core, lambda s: s.p.queries.count_cases(Filters(awaiting=me)))
    assert resolved > len(waiting)  # the demo has resolved cases someone spoke in after me
    assert len(waiting) > 0 and 0 < len(mine) < len(win.model.rows)
    silent = run(
        qtbot,
        core,
        lambda s: s.p.queries.count_cases(Filters(status="open", unanswered_by=_day_ago())),
    )
    assert win.views == {
        "mine": len(mine),
        "awaiting": len(waiting),
        "unanswered": silent,
        "opinion": len(OPINIONS),  # the demo's requests, both on open cases
    }
    my_fingerprint = win.case_actions.loaded.me
    for case in waiting:  # I took part, and someone spoke after me; or a poll awaits me
        detail = run(qtbot, core, lambda s, c=case: s.p.queries.case(c.id))
        polls = run(qtbot, core, lambda s, c=case: s.p.polls.of_case(c.id))
        named = run(qtbot, core, lambda s, c=case: s.p.db.scalar(MENTIONED, (c.id, me)))
        if any(not p.answered for p in polls) or named or case.opinion != "none":
            continue
        spoke = [c.author for c in detail.discussion]
        assert my_fingerprint in [*spoke, detail.summary.author]
        newest = max(detail.discussion, key=lambda c: c.created_at)
        assert newest.author != my_fingerprint

    rows = {i.text(0): i for i in win.sidebar._items()}
    assert rows["Awaiting my reply"].text(1) == str(len(waiting))
    assert rows["Awaiting my reply"].font(0).bold()
    assert rows["My cases"].text(1) == str(len(mine))
    win.sidebar.setCurrentItem(rows["Awaiting my reply"])
    idle(qtbot, core)
    qtbot.waitUntil(lambda: len(win.model.rows) == len(waiting), timeout=10_000)
    assert {r.id for r in win.model.rows} == {c.id for c in waiting}
    assert win.sidebar.current() == Choice(view="awaiting")

    tag, total, unread = win.tags[win.networks[0]["id"]][0]
    child = rows[f"#{tag}"]
    assert child.text(1) == (str(unread) if unread else "")
    assert child.toolTip(0) == f"#{tag}: {total} cases, {unread} unread"

    win.sidebar.setCurrentItem(rows["My cases"])
    idle(qtbot, core)
    qtbot.waitUntil(lambda: len(win.model.rows) == len(mine), timeout=10_000)
    previews = [win.model.index(r, 0).data(PREVIEW_ROLE) for r in range(len(mine))]
    assert all(previews) and all("\n" not in p and not p.startswith("#") for p in previews)


def test_a_colleague_mentioning_me_puts_the_case_in_awaiting_my_reply(qtbot, core, tmp_path):
    """The demo's AF case: a colleague asks the demo user by name (@Rivera); the user
    never commented there, and it is listed under Awaiting my reply."""
    from guikit import idle

    win = open_demo(qtbot, core, tmp_path)
    qtbot.waitUntil(lambda: bool(win.views), timeout=15_000)
    rows = {i.text(0): i for i in win.sidebar._items()}
    win.sidebar.setCurrentItem(rows["Awaiting my reply"])
    idle(qtbot, core)
    title = "New AF with rapid ventricular response after hip surgery"
    qtbot.waitUntil(lambda: title in [r.title for r in win.model.rows], timeout=10_000)

    # One demo case, a colleague's, has had no answer for days: the Unanswered view.
    assert rows["Unanswered"].text(1) == "1"
    win.sidebar.setCurrentItem(rows["Unanswered"])
    idle(qtbot, core)
    silent = "Persistent hyponatraemia in a young woman on an SSRI"
    qtbot.waitUntil(lambda: [r.title for r in win.model.rows] == [silent], timeout=10_000)
    assert win.model.rows[0].status == "open" and win.model.rows[0].comments == 0
