"""Where received events are verified and opened: worker threads, or, for a long
catch-up, worker processes.

Ed25519 and the AEAD release the GIL, but the rest of verifying an event (the CBOR
checks, the payload's validation) is Python, and on threads it takes turns for the GIL
with the ingest's own Python on the event loop's thread. In processes the two run side by
side: a 20,000-event catch-up runs about 1.5 times as fast (docs/benchmarks.md, tenth
step). A pool of two takes about 0.3 s to answer its first job, so a sync uses one only
when the relay announces at least :data:`PROCESSES_FROM` events; the pool then stays
until the engine closes.

What crosses to a process: the received events, and the seeds of their network's epochs
(to open the bodies); what comes back: the events verified, opened and packed, or the
reason one was refused. The processes keep nothing between jobs. When one dies (killed,
out of memory) or none can be started, the job runs on the threads instead, and the
engine stays with threads.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from casebook.sync.ingest import Verified, parse_all

log = logging.getLogger("casebook.sync")

# Events a relay announces from which a sync verifies in processes. The environment's
# CASEBOOK_PROCESSES_FROM says otherwise (the installers' smoke test sets 1, so that the
# frozen programs are seen to start their workers).
PROCESSES_FROM = 2_000


def in_processes(announced: int) -> bool:
    """Whether a sync the relay announces ``announced`` events for verifies them in
    processes."""
    value = os.environ.get("CASEBOOK_PROCESSES_FROM", "")
    return announced >= (int(value) if value.isdigit() else PROCESSES_FROM)


class Verifiers:
    """The engine's workers: ``workers`` threads, and as many processes once a long
    catch-up asks for them."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.threads = ThreadPoolExecutor(workers, thread_name_prefix="casebook-verify")
        self._processes: ProcessPoolExecutor | None = None
        self._threads_only = False  # processes failed once: threads from then on
        self.closed = False

    def verify(
        self, raws: list[bytes], seeds: dict[int, list[bytes]], *, announced: int
    ) -> asyncio.Future[list[Verified | str]]:
        """``parse_all(raws, seeds)`` on a worker; ``announced``: the events the relay
        announced for this sync (:func:`in_processes`). Await the future, or consume it
        (``window.consume``)."""
        if in_processes(announced) and not self._threads_only and not self.closed:
            return asyncio.ensure_future(self._in_processes(raws, seeds))
        return asyncio.get_running_loop().run_in_executor(self.threads, parse_all, raws, seeds)

    async def _in_processes(
        self, raws: list[bytes], seeds: dict[int, list[bytes]]
    ) -> list[Verified | str]:
        loop = asyncio.get_running_loop()
        if not self._threads_only and not self.closed:
            try:
                return await loop.run_in_executor(self._pool(), parse_all, raws, seeds)
            except (BrokenProcessPool, OSError) as exc:
                self._give_up_processes(exc)
        return await loop.run_in_executor(self.threads, parse_all, raws, seeds)

    def _pool(self) -> ProcessPoolExecutor:
        if self._processes is None:
            # "spawn" on every system: a fork would copy a process that runs threads (the
            # window's, the event loop's), and spawn is what macOS and Windows do anyway.
            context = multiprocessing.get_context("spawn")
            self._processes = ProcessPoolExecutor(
                self.workers, mp_context=context, initializer=_worker_start
            )
            log.info("verifying in %d processes", self.workers)
        return self._processes

    def _give_up_processes(self, why: Exception) -> None:
        if not self._threads_only:  # one line, however many jobs were in flight
            log.warning("verifying in processes failed (%s); threads verify instead", why)
        self._threads_only = True
        if self._processes is not None:
            # Not cancelled: a job queued there fails (a broken pool) or runs (a worker
            # that did not start), and its caller then has its answer either way.
            self._processes.shutdown(wait=False)
            self._processes = None

    def close(self) -> None:
        self.closed = True
        self.threads.shutdown(wait=False, cancel_futures=True)
        if self._processes is not None:
            self._processes.shutdown(wait=False, cancel_futures=True)
            self._processes = None


def _worker_start() -> None:
    """In each worker, first: Ctrl-C is the parent's to handle (a terminal sends it to
    the whole process group), and the worker ends when its parent does (killed, crashed),
    which the pool's pipes would not tell it."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_end_with, args=(parent.sentinel,), daemon=True).start()


def _end_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(0)
