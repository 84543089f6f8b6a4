"""Cyclic garbage is collected on the GUI thread only, also while the session thread
builds a library (a collection there could destroy a closed window off the GUI thread)."""

from __future__ import annotations

import gc
import threading

import shiboken6
from guikit import open_demo
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication

from casebook.gui.app import Shell
from casebook.gui.main_window import MainWindow


def test_no_collection_runs_on_the_session_thread(qtbot, core, tmp_path) -> None:
    threads: list[str] = []

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            threads.append(threading.current_thread().name)

    gc.callbacks.append(seen)
    try:
        win = open_demo(qtbot, core, tmp_path)  # thousands of allocations on the session thread
        qtbot.wait(700)  # the collector's timer has had its turn
        win.close()
    finally:
        gc.callbacks.remove(seen)
    assert threads, "nothing was collected at all"
    assert set(threads) == {"MainThread"}


def test_a_closed_window_leaves_no_qt_object_to_the_collector(qtbot, core, tmp_path) -> None:
    """A window's Qt objects die with it, in Qt's order, when Qt deletes the window; the
    collector (which tears cycles down in any order, a cause of crashes seen in CI) is
    then left only Python's side. Before the list's model and the previews had a Qt
    parent, both outlived their window, owned by Python alone."""
    win = open_demo(qtbot, core, tmp_path)
    mine = [win.model, win.case_actions.previews]
    for window in QApplication.topLevelWidgets():
        if isinstance(window, (Shell, MainWindow)):
            window.close()
            window.deleteLater()
    del window, win
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    assert [type(o).__name__ for o in mine if shiboken6.isValid(o)] == []
    gc.collect()  # what is left of the windows is Python's side only, freed here
