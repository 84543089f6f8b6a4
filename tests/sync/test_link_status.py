"""What the status bar is told about a link (issue 16, item 6): "synced HH:MM" moves on
as live events arrive, not only when a catch-up completes."""

from __future__ import annotations

import pytest

from casebook.sync import status
from casebook.sync.status import LinkStatus, LinkTracker


def test_live_events_move_the_synced_time_on(monkeypatch: pytest.MonkeyPatch) -> None:
    told: list[LinkStatus] = []
    clock = iter([1_000, 5_000, 9_000])
    monkeypatch.setattr(status, "now_ms", lambda: next(clock))
    tracker = LinkTracker(b"n" * 16, "relay", told.append)
    report = tracker.connecting()
    tracker.progress(3, 10)  # catching up: not in step yet
    assert told[-1].state == "catching_up" and told[-1].last_success is None
    tracker.caught_up(report)
    assert told[-1].last_success == 1_000
    tracker.progress(4, 10)  # a colleague's reply arrives while live
    assert told[-1].state == "live" and told[-1].last_success == 5_000
    tracker.progress(5, 10)
    assert told[-1].last_success == 9_000
