"""The one thread that owns the profile: every disk or database call runs here.

The GUI never touches the database. It calls :meth:`Core.call` with a function of the
worker's :class:`Session`; the function runs on the worker thread and its result (or
exception) comes back to the GUI thread through a queued signal, where the callback runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from casebook.core.profile import Profile

log = logging.getLogger("casebook.gui")

Job = Callable[["Session"], Any]
Callback = Callable[[Any], None]


class Session:
    """Worker-thread state: the open profile, if any."""

    def __init__(self) -> None:
        self.profile: Profile | None = None

    @property
    def p(self) -> Profile:
        if self.profile is None:
            raise RuntimeError("no profile is open")
        return self.profile

    def create(self, directory: Path, name: str, passphrase: str) -> Profile:
        self.profile = Profile.create(directory, name, passphrase)
        return self.profile

    def unlock(self, directory: Path, passphrase: str) -> Profile:
        self.profile = Profile.unlock(directory, passphrase)
        return self.profile

    def close(self) -> None:
        if self.profile is not None:
            self.profile.close()
            self.profile = None


class _Worker(QObject):
    finished = Signal(object, object, object)  # callback, result, error

    def __init__(self) -> None:
        super().__init__()
        self.session = Session()

    @Slot(object)
    def run(self, request: tuple[Job, Callback | None, Callback | None]) -> None:
        job, on_ok, on_error = request
        try:
            result = job(self.session)
        except Exception as exc:  # handed to the GUI, which shows it
            if not hasattr(exc, "message"):
                log.exception("worker job failed")
            self.finished.emit(on_error, None, exc)
            return
        self.finished.emit(on_ok, result, None)


class Core(QObject):
    """GUI-side handle on the worker thread."""

    _request = Signal(object)
    error = Signal(object)  # unhandled errors, for the window to show

    def __init__(self) -> None:
        super().__init__()
        self._thread = QThread()
        self._thread.setObjectName("casebook-core")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._request.connect(self._worker.run)
        self._worker.finished.connect(self._deliver)
        self._thread.start()
        self.pending = 0

    def call(
        self, job: Job, on_ok: Callback | None = None, on_error: Callback | None = None
    ) -> None:
        self.pending += 1
        self._request.emit((job, on_ok, on_error))

    @Slot(object, object, object)
    def _deliver(self, callback: Callback | None, result: Any, error: Exception | None) -> None:
        self.pending -= 1
        if error is not None and callback is None:
            self.error.emit(error)
        elif callback is not None:
            callback(error if error is not None else result)

    def shutdown(self) -> None:
        self._request.emit((lambda s: s.close(), None, None))
        self._thread.quit()
        self._thread.wait(10_000)
