"""Fixtures of the sync tests: real relays on 127.0.0.1:0, stopped afterwards."""

from __future__ import annotations

import contextlib
import gc
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from relaykit import RunningRelay


@pytest.fixture
def relays(tmp_path: Path) -> Iterator[Callable[..., RunningRelay]]:
    """Start real relays (each in its own data folder); all are stopped afterwards."""
    started: list[RunningRelay] = []

    def start(folder: str = "relay-data", **options: Any) -> RunningRelay:
        running = RunningRelay(tmp_path / folder, **options)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()
    collect_garbage([])


def collect_garbage(errors: list[str]) -> None:
    """Free what the relay's closed connections left, now and inside this test, with the
    errors their finalizers raise kept as text in ``errors``.

    On Python 3.11 a connection the relay drops during its TLS handshake leaves a
    StreamWriter whose finalizer raises (test_evicted_connections_are_closed_cleanly).
    Left to chance, that finalizer runs in whatever test comes next, possibly in the
    middle of pytest's own parsing of a traceback, which then fails the whole run
    (INTERNALERROR); and pytest's handler of such errors keeps the objects alive."""
    with unraisable_as_text(errors):
        for _ in range(3):
            gc.collect()


@contextlib.contextmanager
def unraisable_as_text(errors: list[str]) -> Iterator[None]:
    """Errors raised in finalizers meanwhile go to ``errors`` as text (no reference to the
    objects, which can then be freed)."""

    def keep(unraisable: Any) -> None:
        errors.append(f"{unraisable.exc_type.__name__}: {unraisable.exc_value}")

    previous = sys.unraisablehook
    sys.unraisablehook = keep
    try:
        yield
    finally:
        sys.unraisablehook = previous
