"""What the reader does with a case's polls: ask one (its author), answer or skip one,
mark the final answer; a moderator or admin who answered sees each member's answer and
hides one (``poll_answers_dialog.py``). Owned by
:class:`~casebook.gui.case_actions.CaseActions`, whose ``casebook:poll-…`` links and
"Ask a poll…" action come here; the work runs on the worker through the core's
:class:`~casebook.core.library.polls.PollBook`."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from casebook.core.library.polls import PollView
from casebook.gui.case_jobs import Loaded
from casebook.gui.poll_answers_dialog import PollAnswersDialog
from casebook.gui.poll_dialogs import AnswerPollDialog, AskPollDialog
from casebook.gui.publish import PublishingForm

if TYPE_CHECKING:
    from casebook.gui.bridge import Core, Job


class Host(Protocol):
    """What poll actions use of the case's actions (``CaseActions``)."""

    loaded: Loaded | None
    window: QWidget
    core: Core

    def _publish(
        self,
        dialog: PublishingForm,
        make_job: Callable[[bool], Job],
        done: str,
        unchanged: str | None = None,
    ) -> None: ...

    def _run(self, job: Job, done: str, after: Callable[[object], None] | None = None) -> None: ...


class PollActions(QObject):
    def __init__(self, case: Host, parent: QObject) -> None:
        super().__init__(parent)
        self.case = case

    def _poll(self, poll_id: bytes) -> PollView | None:
        loaded = self.case.loaded
        if loaded is None:
            return None
        return next((p for p in loaded.polls if p.id == poll_id), None)

    def ask(self) -> None:
        loaded = self.case.loaded
        if loaded is None or not loaded.own:
            return
        case_id = loaded.case.summary.id
        dialog = AskPollDialog(self.case.window)

        def make_job(allow: bool) -> Job:
            kind, question, options = dialog.value()
            return lambda s: s.p.polls.create(
                case_id, kind, question, options, allow_identifiers=allow
            )

        self.case._publish(dialog, make_job, self.tr("Poll asked."))

    def answer(self, poll_id: bytes, final: bool = False) -> None:
        poll = self._poll(poll_id)
        loaded = self.case.loaded
        if poll is None or loaded is None:
            return
        dialog = AnswerPollDialog(self.case.window, poll, loaded.suggestions, final)

        def make_job(allow: bool) -> Job:
            ranks, choice = dialog.ranks(), dialog.choice()
            if final:
                value: str | int = choice if choice is not None else ranks[0]
                return lambda s: s.p.polls.final(poll_id, value, allow_identifiers=allow)
            return lambda s: s.p.polls.answer(
                poll_id, choice=choice, ranks=ranks, allow_identifiers=allow
            )

        done = self.tr("Final answer marked.") if final else self.tr("Answered.")
        self.case._publish(dialog, make_job, done)

    def skip(self, poll_id: bytes) -> None:
        self.case._run(lambda s: s.p.polls.answer(poll_id, skip=True), self.tr("Skipped."))

    def final(self, poll_id: bytes) -> None:
        self.answer(poll_id, final=True)

    def moderate(self, poll_id: bytes) -> None:
        """Each member's answer, to hide one (moderators and admins)."""
        loaded = self.case.loaded
        if loaded is None or not loaded.moderator:
            return
        said = {"hide": self.tr("Answer hidden."), "unhide": self.tr("Answer shown again.")}

        def act(ref: str, action: str, reason: str) -> None:
            self.case._run(
                lambda s: s.p.governance.moderate(ref, action, reason),
                said[action],
                lambda _: dialog.reload(),
            )

        dialog = PollAnswersDialog(
            self.case.core, poll_id, loaded.role == "admin", act, self.case.window
        )
        self.answers_dialog = dialog  # kept while open (tests reach it here)
        dialog.open()
