"""The small dialogs of case actions: a text with an optional tick box (outcome,
edit of a comment), an eliding label, and the case edit form (the new-case form filled
in, sending only what changed). A text that is published goes out from the open dialog
through a :class:`Publisher` (see :meth:`TextDialog.publish`)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from casebook.core.library.queries import CaseDetail
from casebook.gui.compose import NewCaseDialog
from casebook.gui.i18n import tr
from casebook.gui.publish import PublishingForm

if TYPE_CHECKING:
    pass


class TextDialog(PublishingForm, QDialog):
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
        send.triggered.connect(self._submit_if_enabled)
        self.addAction(send)
        self.text.textChanged.connect(self._changed)
        self.ok.setEnabled(bool(self.value()))

    def _publish_parts(self) -> tuple[QAbstractButton, QLabel]:
        return self.ok, self.error

    def _changed(self) -> None:
        self._text_changed()
        self.ok.setEnabled(bool(self.value()))

    def _submit_if_enabled(self) -> None:
        if self.ok.isEnabled():
            self._submit()

    def _submit(self) -> None:
        if self.publisher is not None and not self.value():
            return
        self._send_form((self.value(), self.checked()))

    def value(self) -> str:
        return self.text.toPlainText().strip()

    def _checked_texts(self) -> tuple[object, list[tuple[str, str]]]:
        return (self.value(), self.checked()), [("body", self.value())]

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
        if case.consent is not None:
            form = case.consent["form"]
            self.consent.restore(case.consent, kept_form=bytes.fromhex(form) if form else None)
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
        if now["consent"] != self._original["consent"]:
            changed["consent"] = now["consent"]
        if now["identifiable"]:
            changed["identifiable"] = now["identifiable"]
        return changed, now["files"]


def ask_reason(window: QWidget, title: str) -> str | None:
    """Why a moderator hides something (members see it in its place); None: cancelled."""
    dialog = TextDialog(
        window,
        title,
        tr("Why is it hidden? Members see this reason in its place."),
        tr("Hide"),
        rows=3,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted or not dialog.value():
        return None
    return dialog.value()
