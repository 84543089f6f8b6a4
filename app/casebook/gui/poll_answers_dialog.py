"""Each member's answer to a poll, for the network's moderators and admins who have
answered or skipped it themselves (``PollBook.answers_of``; the blinding holds for them):
one answer can be hidden, with a reason members read, and leaves the pooled result; an
admin can show it again. The hide and the unhide run through the case's actions, which
then show the case again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casebook.gui.bridge import Core
from casebook.gui.invites_view import fit_columns
from casebook.gui.messages import error_text
from casebook.gui.tables import fill_rows, read_only_table

Act = Callable[[str, str, str], None]  # (answer id in hex, action, reason)


class PollAnswersDialog(QDialog):
    def __init__(
        self, core: Core, poll_id: bytes, admin: bool, act: Act, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.poll_id = poll_id
        self.act = act
        self.answers: list[dict[str, Any]] = []
        self.setWindowTitle(self.tr("Each member's answer"))
        self.resize(640, 360)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Moderators and admins see who answered what. A hidden answer leaves the "
                "pooled result; members read why."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        self.table = read_only_table(
            [self.tr("Member"), self.tr("Answer"), self.tr("State")],
            self.tr("Each member's answer"),
        )
        self.table.itemSelectionChanged.connect(self._chosen)
        layout.addWidget(self.table, 1)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.hide_button = QPushButton(self.tr("Hide…"))
        self.hide_button.clicked.connect(self._hide)
        buttons.addButton(self.hide_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.show_button = QPushButton(self.tr("Show again"))
        self.show_button.clicked.connect(self._show_again)
        self.show_button.setVisible(admin)  # only admins unhide
        buttons.addButton(self.show_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._chosen()
        self.reload()

    def reload(self) -> None:
        poll_id = self.poll_id
        self.core.call(lambda s: s.p.polls.answers_of(poll_id), self._fill, self._failed)

    def _failed(self, error: object) -> None:
        self.error.setText(error_text(error))
        self.error.show()

    def _fill(self, answers: list[dict[str, Any]]) -> None:
        self.answers = answers
        self.error.hide()
        rows = []
        for a in answers:
            given = a["answer"] if isinstance(a["answer"], str) else "; ".join(a["answer"])
            state = self.tr("Hidden") if a["hidden"] else self.tr("Counted")
            rows.append([a["name"] or a["by"], given, state])
        fill_rows(self.table, rows)
        fit_columns(self.table, 1)
        self._chosen()

    def _current(self) -> dict[str, Any] | None:
        row = self.table.currentRow()
        return self.answers[row] if 0 <= row < len(self.answers) else None

    def _chosen(self) -> None:
        answer = self._current()
        self.hide_button.setEnabled(answer is not None and not answer["hidden"])
        self.show_button.setEnabled(answer is not None and answer["hidden"])

    def _hide(self) -> None:
        answer = self._current()
        if answer is None:
            return
        reason, ok = QInputDialog.getText(
            self, self.tr("Hide this answer"), self.tr("Why? Members read the reason.")
        )
        if ok and reason.strip():
            self.act(answer["id"], "hide", reason.strip())

    def _show_again(self) -> None:
        answer = self._current()
        if answer is not None:
            self.act(answer["id"], "unhide", "")
