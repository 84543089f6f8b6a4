"""Keyboard and screen reader: on every main screen, each control a person can reach with
Tab has a name a screen reader says (its own accessible name, its text, or its label)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QAccessible
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from screens import main_screens


def spoken_name(widget: QWidget) -> str:
    face = QAccessible.queryAccessibleInterface(widget)
    return face.text(QAccessible.Text.Name).strip() if face is not None else ""


def reachable(window: QWidget) -> list[QWidget]:
    """The controls Tab stops at: visible, enabled, taking focus by Tab."""
    return [
        w
        for w in window.findChildren(QWidget)
        if w.isVisibleTo(window)
        and w.isEnabled()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus == Qt.FocusPolicy.TabFocus
        and w.focusProxy() is None
    ]


def test_every_control_reached_by_tab_has_a_spoken_name(qtbot, core, tmp_path):
    nameless = []
    for screen, window in main_screens(qtbot, core, tmp_path):
        if isinstance(window, QMenu):
            continue  # menus are read by their actions' texts
        QCoreApplication.processEvents()
        for widget in reachable(window):
            if not spoken_name(widget):
                nameless.append(f"{screen}: {type(widget).__name__} {widget.objectName()!r}")
    assert not nameless, "no accessible name:\n" + "\n".join(nameless)


def tab_cycle(
    qtbot, window: QWidget, first: QWidget | None = None, limit: int = 80
) -> list[QWidget]:
    """Where Tab goes, from ``first`` (or any control) until it comes back to it."""
    window.activateWindow()
    first = first or reachable(window)[0]
    first.setFocus(Qt.FocusReason.TabFocusReason)
    QCoreApplication.processEvents()
    start = QApplication.focusWidget()
    assert start is not None
    seen = [start]
    for _ in range(limit):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        now = QApplication.focusWidget()
        if now is start:
            return seen
        if now is not None and now is not seen[-1]:
            seen.append(now)
    raise AssertionError(f"Tab never came back to {start!r}: stuck at {seen[-1]!r}")


def test_tab_reaches_every_control_and_never_gets_stuck(qtbot, core, tmp_path):
    missed = []
    for screen, window in main_screens(qtbot, core, tmp_path):
        if isinstance(window, QMenu) or not reachable(window):
            continue
        visited = tab_cycle(qtbot, window)
        for widget in reachable(window):
            if widget not in visited:
                missed.append(f"{screen}: {type(widget).__name__} {spoken_name(widget)!r}")
    assert not missed, "Tab never reaches:\n" + "\n".join(missed)


def test_the_first_page_is_tabbed_in_reading_order(qtbot, core, tmp_path):
    screens = main_screens(qtbot, core, tmp_path)
    _, shell = next(screens)  # the welcome page: making a library
    page = shell.onboarding.create_page
    order = tab_cycle(qtbot, shell, page.name)
    wanted = [page.name, page.passphrase, page.repeat, page.button, page.has_other]
    assert [w for w in order if w in wanted] == wanted
