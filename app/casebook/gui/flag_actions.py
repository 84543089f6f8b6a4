"""Flagging a case or a comment for the moderators: the dialog (a reason, the usual three
offered) and the action behind the case's "Flag…" button and each comment's "Flag…"
link. The reason goes out like every published text (the de-identification check, "Post
anyway"), sealed by the core to the network's moderators and admins."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QComboBox, QLabel, QVBoxLayout, QWidget

from casebook.core.model.flags import MAX_REASON
from casebook.gui.case_jobs import Loaded
from casebook.gui.i18n import QT_TR_NOOP, tr
from casebook.gui.poll_actions import Host
from casebook.gui.poll_dialogs import FormDialog

if TYPE_CHECKING:
    from casebook.gui.bridge import Job

REASONS = (
    QT_TR_NOOP("Possible patient identifier"),
    QT_TR_NOOP("Clinically wrong"),
    QT_TR_NOOP("Inappropriate"),
)


class FlagDialog(FormDialog):
    """Why a case or comment needs a moderator's eye; only moderators and admins read it."""

    def __init__(self, parent: QWidget, what: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Flag for the moderators"))
        self.resize(480, 220)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Ask the network's moderators to look at this {0}. Only they and the "
                "admins can read your reason; other members and the relay cannot."
            ).format(what)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.reason = QComboBox()
        self.reason.setEditable(True)
        self.reason.setAccessibleName(self.tr("Reason"))
        self.reason.addItems([tr(r) for r in REASONS])
        self.reason.setCurrentIndex(-1)
        line = self.reason.lineEdit()
        if line is not None:
            line.setMaxLength(MAX_REASON)
            line.setPlaceholderText(self.tr("Choose a reason or write your own"))
        self.reason.currentTextChanged.connect(lambda _: self._changed())
        layout.addWidget(self.reason)
        layout.addStretch(1)
        self._finish(layout, self.tr("Flag"))

    def value(self) -> str:
        return " ".join(self.reason.currentText().split())

    def ready(self) -> bool:
        return bool(self.value())

    def _checked_texts(self) -> tuple[object, list[tuple[str, str]]]:
        return self.value(), [("reason", self.value())]


class BarHost(Host, Protocol):
    """The case's actions, with their bar (``CaseActions``)."""

    def _action(self, text: str, slot: Callable[[], None], key: str | None = None) -> QAction: ...


class FlagActions(QObject):
    def __init__(self, case: BarHost, parent: QObject) -> None:
        super().__init__(parent)
        self.case = case
        self.action = case._action(self.tr("Flag…"), self.flag_case)
        self.action.setToolTip(self.tr("Ask the moderators to look at this case"))

    def present(self, loaded: Loaded) -> None:
        """A member flags a colleague's case (their own they edit or withdraw)."""
        self.action.setVisible(loaded.role is not None and not loaded.own)

    def flag(self, target: bytes) -> None:
        """Flag ``target``: the open case, or one of its comments."""
        loaded = self.case.loaded
        if loaded is None or loaded.role is None:
            return
        is_case = target == loaded.case.summary.id
        dialog = FlagDialog(self.case.window, self.tr("case") if is_case else self.tr("comment"))
        ref = target.hex()

        def make_job(allow: bool) -> Job:
            reason = dialog.value()
            return lambda s: s.p.library.flag(ref, reason, allow_identifiers=allow)

        self.case._publish(
            dialog, make_job, self.tr("Flagged: the moderators will see it at their next sync.")
        )

    def flag_case(self) -> None:
        loaded = self.case.loaded
        if loaded is not None:
            self.flag(loaded.case.summary.id)
