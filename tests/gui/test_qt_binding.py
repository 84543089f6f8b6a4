"""The Qt binding must not leak references to Python's ``True``.

PySide6 6.12.0 dropped one reference to ``True`` for every signal delivered to a Python
callable; on Python 3.11 (where ``True`` is not immortal) the app aborted with "Fatal
Python error: bool_dealloc" after a few thousand worker calls or keystrokes. The pin in
pyproject.toml avoids that release; this keeps any future pin honest.
"""

from __future__ import annotations

import sys

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    fired = Signal(object)


def test_signals_delivered_to_python_do_not_consume_true(qtbot):
    emitter = _Emitter()
    seen: list[object] = []
    emitter.fired.connect(seen.append)
    before = sys.getrefcount(True)
    for _ in range(200):
        emitter.fired.emit(None)
    emitter.fired.disconnect(seen.append)
    assert len(seen) == 200
    assert sys.getrefcount(True) >= before - 5
