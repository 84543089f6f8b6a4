"""Cyclic garbage is collected on the GUI thread only, also while the session thread
builds a library (a collection there could destroy a closed window off the GUI thread)."""

from __future__ import annotations

import gc
import threading

from guikit import open_demo


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
