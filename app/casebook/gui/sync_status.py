"""The sync indicator in the status bar: connected, syncing (with progress) or offline,
and how many colleagues are nearby on the LAN.

It folds the state of every (network, relay or colleague) link the worker reports into
one calm line ("2 colleagues nearby · relay offline"), with the details of each link in
its tooltip.
"""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import QLocale
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QWidget

from casebook.sync.status import OWN_LINK, LinkStatus, is_lan

COLOURS = {"live": "#2e7d32", "syncing": "#1565c0", "offline": "#b26a00", "error": "#c62828"}


def _clock(ms: int | None) -> str:
    return datetime.fromtimestamp(ms / 1000).strftime("%H:%M") if ms else "—"


def _count(n: int) -> str:
    """A number as the language writes it (1,234 in English, 1 234 in French)."""
    return QLocale().toString(n)


def _host(relay: str) -> str:
    return relay.split("//")[-1].split("/")[0]


class SyncIndicator(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.links: dict[tuple[bytes, str], LinkStatus] = {}
        self.names: dict[bytes, str] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.dot = QLabel("●")
        self.label = QLabel()
        self.label.setAccessibleName(self.tr("Sync status"))
        self.bar = QProgressBar()
        self.bar.setAccessibleName(self.tr("Sync progress"))
        self.bar.setFixedWidth(140)
        self.bar.setTextVisible(False)
        self.bar.hide()
        layout.addWidget(self.dot)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.kind = "local"
        self.nearby = 0
        self.show_local()

    def show_local(self, lan: bool = False) -> None:
        self.links.clear()
        self.nearby = 0
        if lan:
            self._paint(
                "local",
                self.tr("No relay · looking for colleagues nearby"),
                self.tr(
                    "Cases sync directly with colleagues' computers on this network when "
                    "they open Casebook; a relay or a bundle file reaches the others."
                ),
            )
            return
        self._paint(
            "local",
            self.tr("On this computer only"),
            self.tr(
                "None of your networks has a relay yet, so cases stay on this computer. "
                "Add a relay to a network (a colleague's, or host one here) to share them."
            ),
        )

    def set_nearby(self, count: int) -> None:
        """How many colleagues' computers are seen on the LAN."""
        self.nearby = count
        self._repaint()

    def update_link(self, status: LinkStatus) -> None:
        if status.relay == OWN_LINK:
            return  # this computer's own LAN relay: not a link to anyone
        key = (status.net, status.relay)
        if is_lan(status.relay) and status.state == "stopped" and not status.error:
            self.links.pop(key, None)  # a colleague who left the LAN is simply gone
        else:
            self.links[key] = status
        self._repaint()

    def _repaint(self) -> None:
        if self.kind == "local" and not self.links and not self.nearby:
            return
        links = list(self.links.values())
        relays = [s for s in links if not is_lan(s.relay)]
        catching = [s for s in links if s.state == "catching_up"]
        live = [s for s in links if s.state == "live"]
        down = [s for s in links if s.state in ("offline", "stopped")]
        last = max((s.last_success or 0 for s in links), default=0) or None
        if catching:
            done = sum(s.done for s in catching)
            total = max(sum(s.total for s in catching), done, 1)
            self.bar.setRange(0, total)
            self.bar.setValue(done)
            text = self.tr("Syncing… {0} of {1} events").format(_count(done), _count(total))
            kind = "syncing"
        elif self.nearby:
            # Colleagues nearby keep the group working whatever the relays do.
            text, kind = self._with_colleagues(relays), "live"
        elif live and not down:
            text = self.tr("Connected · synced {0}").format(_clock(last))
            kind = "live"
        elif live:
            text = self.tr("Connected to {0} of {1} relays").format(len(live), len(links))
            kind = "live"
        elif down:
            worst = next((s for s in down if s.state == "stopped" and s.error), down[0])
            text = self.tr("Offline: {0}").format(worst.error or self.tr("not connected"))
            kind = "error" if worst.state == "stopped" else "offline"
        elif not links:
            text, kind = self.tr("On this computer only: no relay, no colleague nearby"), "local"
        else:
            text, kind = self.tr("Connecting…"), "syncing"
        self._paint(kind, text, self._details(links))
        self.bar.setVisible(bool(catching))

    def _with_colleagues(self, relays: list[LinkStatus]) -> str:
        who = (
            self.tr("1 colleague nearby")
            if self.nearby == 1
            else self.tr("{0} colleagues nearby").format(self.nearby)
        )
        if not relays:
            return who
        if any(s.state == "live" for s in relays):
            return self.tr("{0} · relay connected").format(who)
        return self.tr("{0} · relay offline").format(who)

    def _details(self, links: list[LinkStatus]) -> str:
        lines = []
        for s in sorted(links, key=lambda s: (self.names.get(s.net, ""), s.relay)):
            where = f"{self.names.get(s.net, s.net.hex()[:8])} @ {_host(s.relay)}"
            if is_lan(s.relay):
                where += self.tr(" (colleague on this network)")
            if s.state == "live":
                state = self.tr("connected, synced {0}").format(_clock(s.last_success))
            elif s.state == "catching_up":
                state = self.tr("receiving {0} of {1}").format(_count(s.done), _count(s.total))
            elif s.state == "connecting":
                state = self.tr("connecting")
            elif s.state == "offline":
                state = self.tr("offline ({0}); retrying in {1:.0f} s").format(
                    s.error or "?", s.retry_in or 0
                )
            else:
                state = self.tr("stopped: {0}").format(s.error or self.tr("closed"))
            lines.append(f"{where}: {state}")
        return "\n".join(lines)

    def _paint(self, kind: str, text: str, tip: str) -> None:
        self.kind = kind
        self.label.setText(text)
        self.dot.setStyleSheet(f"color: {COLOURS.get(kind, '#888888')};")
        self.setToolTip(tip)
