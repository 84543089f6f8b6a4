"""Fixtures of the GUI tests: the worker thread the windows talk to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

pytest.importorskip("PySide6")

from casebook.gui.bridge import Core


@pytest.fixture
def core() -> Iterator[Core]:
    core = Core()
    yield core
    core.shutdown()
