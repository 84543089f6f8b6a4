"""Keeping the window live while sync runs: the indicator, refreshes, notifications.

The worker reports every change of a relay link (:class:`LinkStatus`). When a link has
taken in new events, the window's lists are refreshed (once per burst, not per event),
and replies by others to this member's cases and comments, and mentions of them, are
announced: in the status bar always, and as a desktop notification (``notify.py``: the
tray, else the freedesktop service). So are the reader's follow-up reminders once due
(checked at start, after each burst of events, and every quarter of an hour), each once.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QMainWindow

from casebook.core.library.followups import FollowUp
from casebook.core.library.news import Mark
from casebook.errors import CasebookError
from casebook.gui.bridge import Core
from casebook.gui.i18n import core_text
from casebook.gui.notify import Notifier
from casebook.gui.sync_status import SyncIndicator
from casebook.session import Session
from casebook.sync.status import LinkStatus

FOLLOW_UP_CHECK_MS = 15 * 60_000


class LiveUpdates(QObject):
    changed = Signal()  # new events were stored: lists should refresh
    replies = Signal(list)  # [{"case", "title", "author_name"}] new replies to my cases
    delivered = Signal()  # a relay took events written here: "not sent yet" marks may go

    def __init__(self, core: Core, window: QMainWindow, indicator: SyncIndicator) -> None:
        super().__init__(window)
        self.core = core
        self.window = window
        self.indicator = indicator
        self.applied: dict[tuple[bytes, str], int] = {}
        self.sent: dict[tuple[bytes, str], int] = {}
        self.mark: Mark | None = None
        self.notifier = Notifier(core, window)
        self.last_message = ""
        self.refresh = QTimer(self, singleShot=True, interval=400)
        self.refresh.timeout.connect(self._refresh)
        self.reminded: set[bytes] = set()  # follow-ups already said since the app started
        self.follow_up_timer = QTimer(self, interval=FOLLOW_UP_CHECK_MS)
        self.follow_up_timer.timeout.connect(self.check_follow_ups)
        core.link_status.connect(self._status)
        core.nearby.connect(indicator.set_nearby)
        self.core.call(lambda s: s.p.news.mark(), self._set_mark)

    def start(self) -> None:
        """Host the relay if this profile does, then watch every relay."""

        async def job(s: Session) -> tuple[str | None, int, bool]:
            problem = None
            try:
                await s.resume_hosting()
            except CasebookError as exc:  # a taken port must not stop sync
                problem = exc.message
            return problem, s.start_sync(), s.lan_enabled

        self.core.call(job, self._started)
        self.follow_up_timer.start()
        self.check_follow_ups()

    def check_follow_ups(self) -> None:
        """Say once which of the reader's follow-up reminders are due (outcome missing)."""
        self.core.call(lambda s: s.p.follow_ups.due(int(time.time() * 1000)), self._due)

    def _due(self, due: list[FollowUp]) -> None:
        new = [f for f in due if f.case not in self.reminded]
        self.reminded.update(f.case for f in due)
        if not new:
            return
        if len(new) == 1:
            title = self.tr("Time to add the outcome")
        else:
            title = self.tr("{0} of your cases await their outcome").format(len(new))
        body = ", ".join(f.title for f in new)
        self.last_message = f"{title}: {body}"
        self.window.statusBar().showMessage(self.last_message, 15_000)
        self.notifier.show(title, body)

    def _started(self, result: tuple[str | None, int, bool]) -> None:
        problem, links, lan = result
        if links == 0:
            self.indicator.show_local(lan)
        if problem:
            self.window.statusBar().showMessage(core_text(problem), 30_000)

    def _set_mark(self, mark: Mark) -> None:
        self.mark = mark

    def _status(self, status: LinkStatus) -> None:
        self.indicator.update_link(status)
        key = (status.net, status.relay)
        if status.applied > self.applied.get(key, 0):
            self.applied[key] = status.applied
            self.refresh.start()
        if status.sent > self.sent.get(key, 0):
            self.sent[key] = status.sent
            self.delivered.emit()

    def _refresh(self) -> None:
        self.changed.emit()
        self.check_follow_ups()  # one may have come from another of the reader's computers
        if self.mark is None:
            return
        mark = self.mark

        def job(s: Session) -> tuple[Mark, list[dict[str, Any]]]:
            return s.p.news.mark(), s.p.news.for_member(s.p.member, mark)

        self.core.call(job, self._new_replies)

    def _new_replies(self, result: tuple[Mark, list[dict[str, Any]]]) -> None:
        self.mark, found = result
        if not found:
            return
        self.replies.emit(found)
        if len(found) == 1:
            said = {
                "mention": self.tr("{0} mentioned you"),
                "comment": self.tr("{0} replied to your comment"),
            }.get(found[0].get("to", ""), self.tr("{0} replied to your case"))
            title = said.format(found[0]["author_name"])
            body = found[0]["title"]
        elif all(r.get("to") == "mention" for r in found):
            title = self.tr("{0} new mentions of you").format(len(found))
            body = ", ".join(sorted({r["title"] for r in found}))
        else:
            title = self.tr("{0} new replies to your cases and comments").format(len(found))
            body = ", ".join(sorted({r["title"] for r in found}))
        self.last_message = f"{title}: {body}"
        self.window.statusBar().showMessage(self.last_message, 15_000)
        self.notifier.show(title, body)
