"""The menu bar, Quit, the keyboard shortcuts screen, About and Esc in the search field
(issue 16, item 16 and part of 10), on the demo library. Screenshots go to
``CASEBOOK_SHOTS`` if set."""

from __future__ import annotations

import os
from pathlib import Path

from guikit import idle, open_demo
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from casebook.gui.help_dialogs import AboutDialog, ShortcutsDialog


def shot(widget, name: str) -> None:
    folder = os.environ.get("CASEBOOK_SHOTS")
    if folder:
        widget.grab().save(str(Path(folder) / f"{name}.png"))


def test_the_menu_bar_holds_every_command(qtbot, core, tmp_path):
    win = open_demo(qtbot, core, tmp_path)
    menus = {
        menu.title().replace("&", ""): [a.text() for a in menu.actions() if not a.isSeparator()]
        for menu in (action.menu() for action in win.menuBar().actions())
        if menu is not None
    }
    assert list(menus) == ["File", "Edit", "View", "Network", "Help"]
    assert "Quit" in menus["File"] and "Lock" in menus["File"]
    assert "Settings…" in menus["File"] and "Bundle files…" in menus["File"]
    assert menus["Help"] == ["Keyboard shortcuts", "About Casebook"]
    assert menus["Network"] == ["New network…", "Join network…", "People…", "Moderation inbox…"]


def test_ctrl_q_quits(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    quits: list[bool] = []
    monkeypatch.setattr(QApplication, "quit", lambda *a: quits.append(True))
    win.activateWindow()
    win.table.setFocus()
    qtbot.keyClick(win.table, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    assert quits == [True]


def test_the_shortcuts_screen_lists_what_the_keys_do(qtbot, core, tmp_path):
    win = open_demo(qtbot, core, tmp_path)
    dialog = ShortcutsDialog(win)
    qtbot.addWidget(dialog)
    dialog.show()
    rows = {
        dialog.table.topLevelItem(i).text(0): dialog.table.topLevelItem(i).text(1)
        for i in range(dialog.table.topLevelItemCount())
    }
    assert rows["Quit"] == "Ctrl+Q"
    assert rows["New case"] == "Ctrl+N"
    assert rows["Find"] == "Ctrl+F"
    assert rows["Lock"] == "Ctrl+L"
    assert rows["Next case"] == "Ctrl+J" and rows["Keyboard shortcuts"] == "Ctrl+/"
    assert rows["Reply"] == "Ctrl+Return"
    shot(dialog, "shortcuts")


def test_about_names_the_version_and_the_licences(qtbot, core, tmp_path):
    win = open_demo(qtbot, core, tmp_path)
    dialog = AboutDialog(core, win)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.table.topLevelItemCount() > 5, timeout=10_000)
    rows = {
        dialog.table.topLevelItem(i).text(0): dialog.table.topLevelItem(i).text(2)
        for i in range(dialog.table.topLevelItemCount())
    }
    assert rows["cryptography"] == "Apache-2.0 OR BSD-3-Clause"
    assert "LGPL-3.0-only" in rows["PySide6-Essentials"]
    shot(dialog, "about")


def test_escape_clears_the_search(qtbot, core, tmp_path):
    win = open_demo(qtbot, core, tmp_path)
    total = win.model.rowCount()
    win.focus_search()
    qtbot.keyClicks(win.search, "syncope")
    qtbot.waitUntil(lambda: win.model.query == "syncope", timeout=10_000)
    qtbot.keyClick(win.search, Qt.Key.Key_Escape)
    assert win.search.text() == ""
    qtbot.waitUntil(lambda: win.model.query == "" and win.model.rowCount() == total)
    idle(qtbot, core)


def test_counts_and_the_local_status_read_as_words(qtbot, core, tmp_path):
    """Issue 16, item 15: "1 case", not "1 cases"; the status of a library without a
    relay says where the cases are, not jargon."""
    win = open_demo(qtbot, core, tmp_path)
    query = win.model.query
    for text, total, expected in (
        ("", 1, "1 case"),
        ("", 32, "32 cases"),
        ("syncope", 1, "1 matching case"),
        ("syncope", 3, "3 matching cases"),
    ):
        win.model.query = text
        win._loaded(total)
        assert win.count_label.text() == expected
    win.model.query = query
    win.sync_indicator.show_local()
    assert win.sync_indicator.label.text() == "On this computer only"


def test_switching_theme_redraws_the_open_case_in_its_colours(qtbot, core, tmp_path):
    """Issue 16, item 4: the open case's links and tags follow the theme at once."""
    from casebook.gui import theme

    win = open_demo(qtbot, core, tmp_path)
    app = QApplication.instance()
    win.table.selectRow(2)
    qtbot.waitUntil(lambda: win.case_actions.loaded is not None, timeout=10_000)
    try:
        for name, link in (("dark", "#8ab4f8"), ("light", None)):
            theme.apply(app, name)
            expected = link or win.palette().color(win.palette().ColorRole.Link).name()
            qtbot.waitUntil(lambda e=expected: e in win.viewer.toHtml().lower(), timeout=5_000)
            shot(win, f"case-{name}")
    finally:
        theme.apply(app, "light")


def test_a_sent_reply_is_brought_into_view(qtbot, core, tmp_path):
    """Issue 16, item 12: after replying, the view shows the reply where it landed."""
    from guikit import open_case

    win = open_demo(qtbot, core, tmp_path)
    title = next(r.title for r in win.model.rows if "confusion" in r.title)
    open_case(qtbot, win, title)
    bar = win.viewer.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 0, timeout=10_000)  # a long case
    bar.setValue(0)
    qtbot.keyClicks(win.reply, "Deprescribe, then a bladder scan in a week.")
    win.reply_button.click()
    qtbot.waitUntil(lambda: "bladder scan in a week" in win.viewer.toPlainText(), timeout=10_000)
    qtbot.waitUntil(lambda: bar.value() > 0, timeout=5_000)
    assert win.reply.toPlainText() == ""


def test_the_search_words_are_marked_in_the_open_case_too(qtbot, core, tmp_path):
    """Issue 16, item 10: the words searched for are marked in the open case, and the
    marks go when the search is cleared."""
    win = open_demo(qtbot, core, tmp_path)
    qtbot.keyClicks(win.search, "syncope")
    qtbot.waitUntil(lambda: win.model.query == "syncope" and win.model.rowCount() > 0)
    win.table.selectRow(0)
    qtbot.waitUntil(lambda: len(win.viewer.extraSelections()) > 0, timeout=10_000)
    marked = {s.cursor.selectedText().lower() for s in win.viewer.extraSelections()}
    assert marked and all(m.startswith("syncope") for m in marked)
    qtbot.keyClick(win.search, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: win.viewer.extraSelections() == [], timeout=10_000)
