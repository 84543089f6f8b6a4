"""What a case's author asks for from the case bar: "Follow up…", to be reminded on each
of their computers to add the outcome (docs/protocol.md, "Follow-up reminders"; the bar
says when; :class:`~casebook.gui.live.LiveUpdates` says when one is due), and "Ask a
second opinion…", optionally urgent (docs/protocol.md, "Second opinions"). Both go
through the core (``Library.remind``, ``Library.request_opinion``)."""

from __future__ import annotations

import time
from datetime import datetime

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QInputDialog

from casebook.gui.case_jobs import Loaded
from casebook.gui.flag_actions import BarHost
from casebook.gui.i18n import QT_TR_NOOP, tr

DAY_MS = 24 * 3600 * 1000
# What the new-case form and this action offer: (label, days; 0 = no reminder).
CHOICES = (
    (QT_TR_NOOP("No reminder"), 0),
    (QT_TR_NOOP("In 1 week"), 7),
    (QT_TR_NOOP("In 2 weeks"), 14),
    (QT_TR_NOOP("In 1 month"), 30),
    (QT_TR_NOOP("In 3 months"), 91),
)


def due_in(days: int) -> int:
    """A reminder ``days`` from now, in ms since the epoch (0: none)."""
    return int(time.time() * 1000) + days * DAY_MS if days else 0


# What the new-case form and "Ask a second opinion…" offer: (label, opinion).
OPINIONS = (
    (QT_TR_NOOP("No second opinion asked"), "none"),
    (QT_TR_NOOP("Ask for a second opinion"), "requested"),
    (QT_TR_NOOP("Ask for an urgent second opinion"), "urgent"),
)


class AuthorActions(QObject):
    def __init__(self, case: BarHost, parent: QObject) -> None:
        super().__init__(parent)
        self.case = case
        self.action = case._action(self.tr("Follow up…"), self.ask)
        self.action.setToolTip(self.tr("Be reminded to add the outcome (only you see it)"))
        self.opinion_action = case._action(self.tr("Second opinion…"), self.ask_opinion)
        self.opinion_action.setToolTip(self.tr("Ask colleagues for a second opinion"))

    def present(self, loaded: Loaded) -> None:
        """The author of a case with no outcome yet; the bar says when they are reminded."""
        outcome = any(c.kind == "outcome" for c in loaded.case.discussion)
        self.action.setVisible(loaded.role is not None and loaded.own and not outcome)
        open_ = loaded.case.summary.status == "open"
        self.opinion_action.setVisible(loaded.role is not None and loaded.own and open_)
        if loaded.follow_up:
            day = datetime.fromtimestamp(loaded.follow_up / 1000).strftime("%Y-%m-%d")
            text = self.tr("Follow up on {0}…").format(day)
        else:
            text = self.tr("Follow up…")
        self.action.setText(text)
        self.action.setIconText(text)

    def ask(self) -> None:
        loaded = self.case.loaded
        if loaded is None or not loaded.own:
            return
        labels = [tr(label) for label, _ in CHOICES]
        chosen, ok = QInputDialog.getItem(
            self.case.window,
            self.tr("Follow up"),
            self.tr("Remind me to add the outcome of this case (on my computers only):"),
            labels,
            2 if loaded.follow_up is None else 0,
            False,
        )
        if not ok:
            return
        days = CHOICES[labels.index(chosen)][1]
        case_id, due = loaded.case.summary.id, due_in(days)
        done = self.tr("Reminder set.") if days else self.tr("No reminder for this case.")
        self.case._run(lambda s: s.p.library.remind(case_id, due), done)

    def ask_opinion(self) -> None:
        loaded = self.case.loaded
        if loaded is None or not loaded.own:
            return
        labels = [tr(label) for label, _ in OPINIONS]
        now = [value for _, value in OPINIONS].index(loaded.case.summary.opinion)
        chosen, ok = QInputDialog.getItem(
            self.case.window,
            self.tr("Second opinion"),
            self.tr("Colleagues who have not answered see the case in their queue:"),
            labels,
            1 if now == 0 else now,
            False,
        )
        if not ok:
            return
        opinion = OPINIONS[labels.index(chosen)][1]
        case_id = loaded.case.summary.id
        done = {
            "none": self.tr("No second opinion asked any more."),
            "requested": self.tr("Second opinion asked."),
            "urgent": self.tr("Urgent second opinion asked."),
        }[opinion]
        self.case._run(lambda s: s.p.library.request_opinion(case_id, opinion), done)
