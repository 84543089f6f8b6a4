"""The small dialogs of case actions: a text with an optional tick box (outcome,
edit of a comment), an eliding label, and the case edit form (the new-case form filled
in, sending only what changed). A text that is published goes out from the open dialog
through a :class:`Publisher` (see :meth:`TextDialog.publish`)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from casebook.core.queries import CaseDetail
from casebook.gui.compose import NewCaseDialog
from casebook.gui.publish import Publisher

if TYPE_CHECKING:
    from casebook.gui.worker import Core, Job


class TextDialog(QDialog):
    """A few lines of text (an outcome, a comment, a reason); OK only when not empty."""

    def __init__(
        self,
        parent: QWidget,
        title: str,
        prompt: str,
        accept_text: str,
        text: str = "",
        rows: int = 8,
        option: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.resize(520, 120 + 18 * rows)
        layout = QVBoxLayout(self)
        label = QLabel(prompt)
        label.setWordWrap(True)
        layout.addWidget(label)
        self.text = QPlainTextEdit(text)
        self.text.setAccessibleName(title)
        self.text.setTabChangesFocus(True)
        label.setBuddy(self.text)
        layout.addWidget(self.text, 1)
        self.option: QCheckBox | None = None
        if option is not None:
            self.option = QCheckBox(option)
            self.option.setChecked(True)
            layout.addWidget(self.option)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        self.publisher: Publisher | None = None
        self._send: tuple[Callable[[bool], Job], Callable[[Any], None]] | None = None
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setText(accept_text)
        self.ok.setToolTip(self.tr("{0} (Ctrl+Return)").format(accept_text.rstrip("…")))
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        send = QAction(self)
        send.setShortcut(QKeySequence("Ctrl+Return"))
        send.triggered.connect(lambda: self.ok.isEnabled() and self._submit())
        self.addAction(send)
        self.text.textChanged.connect(self._changed)
        self.ok.setEnabled(bool(self.value()))

    def publish(
        self, core: Core, make_job: Callable[[bool], Job], done: Callable[[Any], None]
    ) -> None:
        """OK sends the text from the open dialog: ``make_job(allow_identifiers)`` runs
        on the worker, then ``done(result)`` and the dialog closes. Text the core finds
        identifying is listed here, and OK becomes "Post anyway"."""
        self.publisher = Publisher(core, self.ok, self.error)
        self._send = (make_job, done)

    @property
    def publishing(self) -> bool:
        return self.publisher is not None and self.publisher.busy

    def _changed(self) -> None:
        if self.publisher is not None:
            self.publisher.reset()
        self.ok.setEnabled(bool(self.value()))

    def _submit(self) -> None:
        if self.publisher is None or self._send is None:
            self.accept()
            return
        if not self.value():
            return
        make_job, done = self._send

        def sent(result: object) -> None:
            done(result)
            self.accept()

        self.publisher.send((self.value(), self.checked()), make_job, sent)

    def value(self) -> str:
        return self.text.toPlainText().strip()

    def checked(self) -> bool:
        return self.option is not None and self.option.isChecked()


class ElidedLabel(QLabel):
    """One line of plain text, cut with "…" to the width it is given (never wider)."""

    def __init__(self) -> None:
        super().__init__()
        self._full = ""
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def setText(self, text: str) -> None:
        self._full = text
        self.setToolTip(text)
        self._elide()

    def text(self) -> str:
        return self._full

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        shown = self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideRight, self.width())
        super().setText(shown)


class EditCaseDialog(NewCaseDialog):
    """The new-case form filled in with the case; :meth:`changes` is what was changed."""

    def __init__(self, case: CaseDetail, parent: QWidget | None = None) -> None:
        super().__init__("", parent)
        self.setWindowTitle(self.tr("Edit case"))
        self.post.setText(self.tr("Save changes"))
        s = case.summary
        self.title.setText(s.title)
        self.specialty.setText(s.specialty)
        for key, edit in self.fields.items():
            edit.setPlainText(case.fields.get(key, ""))
        self.body.setPlainText(case.body)
        self.tags.setText(", ".join(s.tags))
        for label in self.findChildren(QLabel):  # the form's row for new files
            if label.text() == self.tr("Attachments"):
                label.setText(self.tr("Add attachments"))
        # Fields outside the template are kept as they are (an edit replaces all fields).
        self._extra = {k: v for k, v in case.fields.items() if k not in self.fields}
        self._original = self.values()

    def changes(self) -> tuple[dict[str, Any], list[Path]]:
        now = self.values()
        changed = {
            key: now[key]
            for key in ("title", "specialty", "body", "tags")
            if now[key] != self._original[key]
        }
        if now["fields"] != self._original["fields"]:
            changed["fields"] = {**self._extra, **now["fields"]}
        return changed, now["files"]
