"""Requests in flight on one link, answered in order: pushed batches, attachment chunks.

A window sends up to ``size`` requests before it waits for the oldest answer. However it
is left (all answered, a refusal, a broken link, a stall, a cancel), every request still
in it is consumed: a future not answered is cancelled, one that failed has its exception
taken. Without this, a link that broke with a window in flight left the futures of the
requests behind the first to fail unawaited, and asyncio printed "Future exception was
never retrieved" with a traceback for each, on the terminal, after the calm message.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import Any, Generic, Protocol, TypeVar

T = TypeVar("T")
Answer = dict[str, Any]


class Requests(Protocol):
    """What a window sends through (an exchange): a request out, its answer back."""

    def start(self, kind: str, body: dict[str, Any]) -> asyncio.Future[Answer]: ...

    async def finish(self, future: asyncio.Future[Answer]) -> Answer: ...

    def forget(self, future: asyncio.Future[Answer]) -> None: ...


def consume(future: asyncio.Future[Any]) -> None:
    """Done with ``future``, answered or not: cancel it if it is still waiting, or take
    its exception (asyncio reports an exception nobody took when the future is freed)."""
    if not future.done():
        future.cancel()
    elif not future.cancelled():
        future.exception()


class Window(Generic[T]):
    """``async with Window(run, size) as window``: :meth:`send` requests (each with a
    ``tag`` of the caller's, handed back with its answer), :meth:`next` for the rest."""

    def __init__(self, run: Requests, size: int) -> None:
        self.run = run
        self.size = size
        self.flight: deque[tuple[asyncio.Future[Answer], T]] = deque()

    def __len__(self) -> int:
        return len(self.flight)

    async def __aenter__(self) -> Window[T]:
        return self

    async def __aexit__(self, *_exc: object) -> None:
        while self.flight:
            self.run.forget(self.flight.popleft()[0])

    async def send(self, kind: str, body: dict[str, Any], tag: T) -> tuple[Answer, T] | None:
        """Send a request; once ``size`` are unanswered, wait for the oldest's answer."""
        self.flight.append((self.run.start(kind, body), tag))
        return await self.next() if len(self.flight) >= self.size else None

    async def next(self) -> tuple[Answer, T]:
        """The oldest request's answer (a broken link or a refusal raises SyncError)."""
        future, tag = self.flight[0]
        answer = await self.run.finish(future)
        self.flight.popleft()
        return answer, tag
