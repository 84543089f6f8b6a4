"""Fixtures of the GUI tests: the worker thread the windows talk to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("PySide6")

from casebook.gui.bridge import Core
from casebook.gui.collector import MainThreadCollector


@pytest.fixture(autouse=True)
def _collect_on_the_gui_thread(qapp: object) -> Iterator[None]:
    """As in the app: cyclic garbage (closed windows among it) is collected on the GUI
    thread, never on the session thread while this one paints."""
    collector = MainThreadCollector()
    yield
    collector.stop()


@pytest.fixture
def core() -> Iterator[Core]:
    core = Core()
    yield core
    core.shutdown()
