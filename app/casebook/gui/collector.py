"""Python's cyclic garbage collected on the GUI thread only.

Left automatic, a collection runs on whichever thread happens to allocate, often the
session thread (``bridge.Core``) building a library or syncing; if the garbage holds a
closed window or dialog (a widget in a reference cycle with its own slots), Qt objects
are destroyed off the GUI thread while that thread paints, and the app crashes. So the
automatic collector is off while the app runs, and a timer on the GUI thread collects
when the allocation count says it is time: the same thresholds, on the right thread.

Before the last collection, Qt deletes what was closed and left for deletion
(``deleteLater``), in its own order, parents before children, while every Python object
its signals may reach is still whole; the collector then frees only Python's side. Left
to the collector, a window's C++ tree would be torn down in the middle of a collection,
in whatever order the cycle is cleared. For the same reason the app's non-widget Qt
objects (the list's model, the previews) have a Qt parent.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QCoreApplication, QEvent, QObject, QTimer

CHECK_MS = 500


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._was_enabled = gc.isenabled()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check)
        self._timer.start(CHECK_MS)

    def check(self) -> None:
        """Collect the generations that ``gc`` itself would have collected by now."""
        threshold = gc.get_threshold()
        counts = gc.get_count()
        if counts[0] < threshold[0]:
            return
        generation = 2 if counts[2] >= threshold[2] else 1 if counts[1] >= threshold[1] else 0
        gc.collect(generation)

    def stop(self) -> None:
        """Back to the automatic collector (after the last window closed)."""
        self._timer.stop()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        gc.collect()
        if self._was_enabled:
            gc.enable()
