"""A damaged stored text (the derived text is kept packed) is one calm message in the
window, naming what mends it; the rest of the library stays usable."""

from __future__ import annotations

from guikit import OTHERS, OWN_OPEN, open_case, open_demo, run
from PySide6.QtWidgets import QMessageBox

from casebook.core.model.encoding import decode, encode


def _damage(session, title: str) -> None:
    db = session.p.db
    with db.transaction():
        db.execute(
            "UPDATE case_text SET body = x'ff00ff', fields = x'ff00ff' "
            "WHERE rid = (SELECT rid FROM cases WHERE title = ?)",
            (title,),
        )


def test_a_damaged_case_text_is_one_message_and_the_rest_opens(qtbot, core, tmp_path, monkeypatch):
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text: said.append(text))
    win = open_demo(qtbot, core, tmp_path)
    shown = win.case_actions.loaded.case.summary.title  # the case open before
    assert shown != OTHERS and shown in win.viewer.toPlainText()
    run(qtbot, core, lambda s: _damage(s, OTHERS))
    win.refresh_networks(win.sidebar.current())
    # The list still shows every case; the damaged one without its preview line.
    qtbot.waitUntil(
        lambda: [r.preview for r in win.model.rows if r.title == OTHERS] == [""], timeout=15_000
    )
    assert all(r.preview for r in win.model.rows if r.title != OTHERS) and not said
    rows = [r for r in range(win.model.rowCount()) if win.model.rows[r].title == OTHERS]
    win.table.selectRow(rows[0])
    qtbot.waitUntil(lambda: bool(said), timeout=15_000)
    assert said == [
        "A stored text of this library is damaged; run 'casebook doctor --rebuild' to "
        "rebuild it from the events."
    ]
    # Nothing of the case shown before stays for it: a reply cannot go to it unseen.
    assert shown not in win.viewer.toPlainText()
    assert "No case selected" in win.viewer.toPlainText()
    assert not win.reply_button.isEnabled() and win.case_actions.loaded is None
    win.grab().save(str(tmp_path / "damaged.png"))
    assert open_case(qtbot, win, OWN_OPEN)


def _post_and_damage(session, title: str) -> None:
    """A case of the demo user's own (its creation kept open: its text is read from it),
    then its packed payload cut short."""
    db = session.p.db
    net = bytes(db.scalar("SELECT net FROM cases WHERE title = ?", (OWN_OPEN,)))
    case = session.p.library.post_case(net, title=title, body="Pale and confused. " * 20)
    header, nonce, packed, signature = decode(
        bytes(db.scalar("SELECT raw FROM events WHERE id = ?", (case,)))
    )
    with db.transaction():
        db.execute(
            "UPDATE events SET raw = ? WHERE id = ?",
            (encode([header, nonce, packed[:-3], signature]), case),
        )


def test_a_damaged_open_creation_is_one_message_and_the_rest_opens(
    qtbot, core, tmp_path, monkeypatch
):
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text: said.append(text))
    win = open_demo(qtbot, core, tmp_path)
    title = "Heat stroke at kilometre 40"
    run(qtbot, core, lambda s: _post_and_damage(s, title))
    win.refresh_networks(win.sidebar.current())
    qtbot.waitUntil(lambda: [r.preview for r in win.model.rows if r.title == title] == [""])
    assert all(r.preview for r in win.model.rows if r.title != title) and not said
    rows = [r for r in range(win.model.rowCount()) if win.model.rows[r].title == title]
    win.table.selectRow(rows[0])
    qtbot.waitUntil(lambda: bool(said), timeout=15_000)
    assert len(said) == 1
    assert said[0].startswith(
        "A stored event is damaged and its text cannot be shown; run 'casebook doctor'"
    )
    assert win.case_actions.loaded is None and not win.reply_button.isEnabled()
    win.grab().save(str(tmp_path / "damaged-open.png"))
    assert open_case(qtbot, win, OWN_OPEN)
