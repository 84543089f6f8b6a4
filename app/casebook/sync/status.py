"""What a watching sync engine tells its owner about each link, as it changes.

The desktop app shows these (connected, catching up with a progress bar, offline with
the reason and when it retries); the CLI's ``sync --watch`` prints the reports instead.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from casebook.core.ledger.eventlog import now_ms
from casebook.sync.ingest import SyncReport

State = Literal["connecting", "catching_up", "live", "offline", "stopped"]
# How a link to a colleague's computer on the LAN is named (``lan://HOST:PORT``).
LAN_SCHEME = "lan://"
# The link between the library and this computer's own LAN relay (what colleagues on the
# LAN bring arrives through it): reported for its counts, not shown as a link.
OWN_LINK = LAN_SCHEME + "this-computer"


def is_lan(relay: str) -> bool:
    """Whether a link's name is that of a colleague's computer (or our own LAN relay)."""
    return relay.startswith(LAN_SCHEME)


@dataclass(frozen=True)
class LinkStatus:
    net: bytes
    relay: str
    state: State = "connecting"
    done: int = 0  # events received in this connection
    total: int = 0  # events the relay announced at login (catch-up size)
    applied: int = 0  # events new to this library, over the whole watch
    sent: int = 0  # events this link delivered (the relay took them), over the whole watch
    error: str | None = None  # why the link is offline or stopped, in words
    retry_in: float | None = None  # seconds until the next attempt, when offline
    last_success: int | None = None  # ms: when a catch-up last completed

    def but(self, **changes: object) -> LinkStatus:
        return replace(self, **changes)  # type: ignore[arg-type]


class LinkTracker:
    """Follows one link through its connections and tells ``listener`` each change."""

    def __init__(self, net: bytes, relay: str, listener: Callable[[LinkStatus], None] | None):
        self.status = LinkStatus(net, relay)
        self.listener = listener
        self.applied = 0  # by the connections that ended
        self.sent = 0
        self.live = False
        self.report = SyncReport(net, relay)

    def tell(self, **changes: Any) -> None:
        self.status = self.status.but(**changes)
        if self.listener is not None:
            self.listener(self.status)

    def connecting(self) -> SyncReport:
        self.live = False
        self.report = SyncReport(self.status.net, self.status.relay)
        self.tell(state="connecting", done=0, total=0, retry_in=None)
        return self.report

    def progress(self, done: int, total: int) -> None:
        changes: dict[str, Any] = {}
        if self.live:  # a live event: the library is in step with the relay as of now
            changes["last_success"] = now_ms()
        self.tell(
            state="live" if self.live else "catching_up",
            done=done,
            total=total,
            applied=self.applied + self.report.applied,
            sent=self.sent + self.report.sent,
            **changes,
        )

    def caught_up(self, report: SyncReport) -> None:
        self.live = True
        self.tell(
            state="live",
            error=None,
            last_success=now_ms(),
            applied=self.applied + report.applied,
            sent=self.sent + report.sent,
        )

    def ended(self) -> None:
        self.applied += self.report.applied
        self.sent += self.report.sent
