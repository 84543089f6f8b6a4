"""The bridge from the GUI thread to the session thread, which owns the profile.

The session thread runs an asyncio event loop and one headless
:class:`~casebook.session.Session`; every disk, database and network call runs there. The
GUI hands it typed jobs with :meth:`Core.call`, generic over their result: a function
of the session returning a ``T`` (or an awaitable of one). The result, or the exception, comes
back to the GUI thread through a queued Qt signal, where ``on_ok(result: T)`` or
``on_error(exc)`` runs. The sync engine watches the relays on the same loop, so the
database is only ever touched from this one thread; its link states reach the window
through :attr:`Core.link_status`.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import threading
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar, overload

import shiboken6
from PySide6.QtCore import QObject, Signal, Slot

from casebook.errors import worded
from casebook.session import Session

log = logging.getLogger("casebook.gui")

T = TypeVar("T")
Job = Callable[[Session], T | Awaitable[T]]
OnError = Callable[[Exception], None]


class Core(QObject):
    """GUI-side handle on the session thread."""

    _finished = Signal(object, object, object)  # callback, result, error
    _relayed = Signal(object, object)  # callback, arguments
    error = Signal(object)  # unhandled errors, for the window to show
    link_status = Signal(object)  # LinkStatus, whenever a relay link changes state
    nearby = Signal(int)  # colleagues seen on the LAN, whenever that changes

    def __init__(self) -> None:
        super().__init__()
        self._finished.connect(self._deliver)
        self._relayed.connect(self._relay)
        self.pending = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="casebook-core", daemon=True)
        self._ready = threading.Event()
        self._thread.start()
        self._ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self.session = Session(self.link_status.emit)
        self.session.on_nearby = self.nearby.emit
        self._ready.set()
        self._loop.run_forever()
        self._loop.close()

    # Two overloads rather than one ``Callable[[Session], T | Awaitable[T]]``: given a lambda
    # returning a coroutine, mypy cannot split the union and solves ``T`` as ``Never``. The
    # async overload comes first, so a coroutine job binds ``T`` to the value it resolves to.
    @overload
    def call(
        self,
        job: Callable[[Session], Awaitable[T]],
        on_ok: Callable[[T], None] | None = None,
        on_error: OnError | None = None,
        *,
        alone: bool = False,
    ) -> None: ...

    @overload
    def call(
        self,
        job: Callable[[Session], T],
        on_ok: Callable[[T], None] | None = None,
        on_error: OnError | None = None,
        *,
        alone: bool = False,
    ) -> None: ...

    def call(
        self,
        job: Callable[[Session], Any],
        on_ok: Callable[[Any], None] | None = None,
        on_error: OnError | None = None,
        *,
        alone: bool = False,
    ) -> None:
        """Run ``job(session)`` on the session thread. With ``alone``, nothing else the
        GUI asks for runs until it is done (a join, which holds a transaction across
        network waits)."""
        try:
            self._loop.call_soon_threadsafe(
                lambda: self._loop.create_task(self._perform(job, on_ok, on_error, alone))
            )
        except RuntimeError:  # the loop is closed: the app is quitting, nothing more is done
            return
        self.pending += 1

    async def _perform(
        self,
        job: Callable[[Session], Any],
        on_ok: Callable[[Any], None] | None,
        on_error: OnError | None,
        alone: bool,
    ) -> None:
        try:
            if alone:
                async with self.session.gate:
                    result = await _settled(job(self.session))
            else:
                if self.session.gate.locked():
                    async with self.session.gate:
                        pass
                result = await _settled(job(self.session))
            self.session.after_job()
        except Exception as exc:  # handed to the GUI, which shows it
            if not worded(exc):
                log.exception("worker job failed")  # not a refusal worded for the user: a bug
            self._answer(on_error, None, exc)
            return
        self._answer(on_ok, result, None)

    def _answer(self, callback: Any, result: Any, error: Exception | None) -> None:
        try:
            self._finished.emit(callback, result, error)
        except RuntimeError:  # the window side is gone (the app is quitting): nobody to tell
            log.debug("a job finished after the window closed")

    @Slot(object, object, object)
    def _deliver(
        self, callback: Callable[[Any], None] | None, result: Any, error: Exception | None
    ) -> None:
        self.pending -= 1
        if error is not None and callback is None:
            self.error.emit(error)
        elif callback is not None and _alive(callback):
            callback(error if error is not None else result)

    def relay(self, callback: Callable[..., None]) -> Callable[..., None]:
        """A function the worker may call from its thread: ``callback`` runs with the same
        arguments on the GUI thread, through this object's signal (which lives as long as
        the app), and not at all once its widget is gone."""
        return lambda *args: self._relayed.emit(callback, args)

    @Slot(object, object)
    def _relay(self, callback: Callable[..., None], args: tuple[Any, ...]) -> None:
        if _alive(callback):
            callback(*args)

    def shutdown(self) -> None:
        if not self._thread.is_alive():
            return
        done = threading.Event()

        async def close() -> None:
            try:
                await self.session.close()
            finally:
                done.set()

        self._loop.call_soon_threadsafe(lambda: self._loop.create_task(close()))
        done.wait(15)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(15)


def _alive(callback: Callable[[Any], None]) -> bool:
    """Whether the widget a callback belongs to still exists: a dialog closed while its
    job ran is deleted, and its answer is dropped rather than delivered to freed memory."""
    owners = [getattr(callback, "__self__", None)]
    owners += [cell.cell_contents for cell in getattr(callback, "__closure__", None) or ()]
    if any(isinstance(o, QObject) and not shiboken6.isValid(o) for o in owners):
        log.debug("an answer came after its window closed")
        return False
    return True


async def _settled(value: Any) -> Any:
    return await value if inspect.isawaitable(value) else value
