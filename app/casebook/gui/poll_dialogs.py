"""The poll dialogs: asking a poll on one's case, and answering one (or marking its final
answer). Their text goes out from the open dialog through a :class:`Publisher`, which
shows what the de-identification check found and offers "Post anyway"."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QButtonGroup,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from casebook.core.library.polls import PollView
from casebook.core.model import polls
from casebook.gui.publish import PublishingForm


class FormDialog(PublishingForm, QDialog):
    """A dialog with an error line and a send button, OK only when :meth:`ready`."""

    def _finish(self, layout: QVBoxLayout, accept_text: str) -> None:
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
        buttons.accepted.connect(self._submit)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self._changed()

    def _publish_parts(self) -> tuple[QAbstractButton, QLabel]:
        return self.ok, self.error

    def _changed(self) -> None:
        self._text_changed()
        self.ok.setEnabled(self.ready())

    def _submit(self) -> None:
        if self.ready():
            self._send_form(self._checked_texts()[0])

    def ready(self) -> bool:
        raise NotImplementedError


class AskPollDialog(FormDialog):
    """Ask "what is your differential?" or "what would you do?" (options, one a line)."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Ask a poll"))
        self.resize(520, 380)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "Members see the others' answers only once they have answered or skipped, "
                "so each answer is their own."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        form = QFormLayout()
        self.kind = QComboBox()
        self.kind.addItem(
            self.tr("What is your differential? (up to five diagnoses)"), "differential"
        )
        self.kind.addItem(self.tr("What would you do? (your options)"), "choice")
        form.addRow(self.tr("Kind:"), self.kind)
        self.question = QLineEdit()
        self.question.setPlaceholderText(self.tr("Optional: the question, in one line"))
        form.addRow(self.tr("Question:"), self.question)
        self.options = QPlainTextEdit()
        self.options.setPlaceholderText(self.tr("One option a line"))
        self.options.setAccessibleName(self.tr("Options"))
        form.addRow(self.tr("Options:"), self.options)
        layout.addLayout(form)
        self.kind.currentIndexChanged.connect(self._changed)
        self.question.textChanged.connect(self._changed)
        self.options.textChanged.connect(self._changed)
        self._finish(layout, self.tr("Ask"))

    def _changed(self) -> None:
        if hasattr(self, "options"):
            self.options.setEnabled(self.value()[0] == "choice")
        if hasattr(self, "ok"):
            super()._changed()

    def value(self) -> tuple[str, str, list[str]]:
        kind = str(self.kind.currentData())
        options = [line.strip() for line in self.options.toPlainText().splitlines()]
        return (
            kind,
            self.question.text().strip(),
            [o for o in options if o] if kind == "choice" else [],
        )

    def ready(self) -> bool:
        kind, _question, options = self.value()
        return kind == "differential" or len(options) >= 2

    def _checked_texts(self) -> tuple[object, list[tuple[str, str]]]:
        kind, question, options = self.value()
        return (kind, question, tuple(options)), [
            ("question", question),
            ("options", "\n".join(options)),
        ]


class AnswerPollDialog(FormDialog):
    """An answer to ``poll``: one of its options, or up to five diagnoses (most likely
    first, the network's tags offered as they are typed); ``final``: the author marks the
    final answer (one diagnosis, or one option)."""

    def __init__(
        self, parent: QWidget, poll: PollView, suggestions: list[str], final: bool = False
    ) -> None:
        super().__init__(parent)
        self.poll = poll
        title = self.tr("Mark the final answer") if final else self.tr("Answer the poll")
        self.setWindowTitle(title)
        self.resize(480, 360)
        layout = QVBoxLayout(self)
        question = QLabel(poll.question)  # as text: a member wrote it
        question.setTextFormat(Qt.TextFormat.PlainText)
        bold = question.font()
        bold.setBold(True)
        question.setFont(bold)
        question.setWordWrap(True)
        layout.addWidget(question)
        self.group = QButtonGroup(self)
        self.lines: list[QLineEdit] = []
        if poll.kind == "choice":
            for number, text in enumerate(poll.options, start=1):
                button = QRadioButton(text)
                self.group.addButton(button, number)
                layout.addWidget(button)
            self.group.idToggled.connect(lambda *_: self._changed())
        else:
            form = QFormLayout()
            completer = QCompleter(sorted(suggestions), self)
            completer.setCaseSensitivity(completer.caseSensitivity().CaseInsensitive)
            for rank in range(1 if final else polls.MAX_RANKS):
                line = QLineEdit()
                line.setCompleter(completer)
                line.setMaxLength(polls.MAX_DIAGNOSIS)
                line.setAccessibleName(self.tr("Diagnosis {0}").format(rank + 1))
                line.textChanged.connect(self._changed)
                self.lines.append(line)
                label = self.tr("Final diagnosis:") if final else f"{rank + 1}."
                form.addRow(label, line)
            layout.addLayout(form)
            if not final:
                hint = QLabel(self.tr("The most likely first; leave the rest empty."))
                hint.setObjectName("hint")
                layout.addWidget(hint)
        layout.addStretch(1)
        self._finish(layout, self.tr("Mark final") if final else self.tr("Answer"))

    def ranks(self) -> list[str]:
        return [line.text().strip() for line in self.lines if line.text().strip()]

    def choice(self) -> int | None:
        number = self.group.checkedId()
        return None if number < 1 else number

    def ready(self) -> bool:
        return bool(self.ranks()) or self.choice() is not None

    def _checked_texts(self) -> tuple[object, list[tuple[str, str]]]:
        ranks = self.ranks()
        return (tuple(ranks), self.choice()), [("ranks", ", ".join(ranks))]
