"""The new-case form: title, template fields, Markdown body, tags, attachments.

The case goes out from the open form (:meth:`NewCaseDialog.publish`): the core checks it
for patient identifiers and the form lists what it found, with "Post anyway"."""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from casebook.core.library import attachments, consent_input
from casebook.gui import folders
from casebook.gui.author_actions import CHOICES, OPINIONS, due_in
from casebook.gui.bridge import Core
from casebook.gui.case_view import FIELD_TITLES, markdown, style
from casebook.gui.consent_box import ConsentBox
from casebook.gui.drafts import DraftKeeper
from casebook.gui.file_list import ICON, FileList
from casebook.gui.i18n import tr
from casebook.gui.mention_completer import MentionCompleter
from casebook.gui.messages import error_text, tone
from casebook.gui.publish import PublishingForm
from casebook.session import Session

TEMPLATE = ("presentation", "history", "findings", "question")


def post_job(net: bytes, values: dict[str, Any], allow: bool = False) -> Callable[[Session], bytes]:
    """The worker's job that posts the form's :meth:`NewCaseDialog.values` in ``net``:
    the files prepared and marked, the consent record made, through the core's one path."""

    def job(s: Session) -> bytes:
        v = dict(values)
        days, opinion = v.pop("follow_up", 0), v.pop("opinion", "none")
        record, files = consent_input.prepare(
            v.pop("files"), me=s.p.name, case=v.pop("consent"), identifiable=v.pop("identifiable")
        )
        case = s.p.library.post_case(net, files=files, consent=record, allow_identifiers=allow, **v)
        if opinion != "none":
            s.p.library.request_opinion(case, opinion)
        if days:
            s.p.library.remind(case, due_in(days))
        return case

    return job


class NewCaseDialog(PublishingForm, QDialog):
    def __init__(self, network_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New case in {0}").format(network_name))
        self.resize(720, 880)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        write = QWidget()
        form = QFormLayout(write)
        self.tabs.addTab(write, self.tr("Write"))
        self.preview = QTextBrowser()
        self.preview.setAccessibleName(self.tr("Preview"))
        link = self.preview.palette().color(QPalette.ColorRole.Link).name()
        self.preview.document().setDefaultStyleSheet(style(link))
        self.tabs.addTab(self.preview, self.tr("Preview"))
        self.tabs.currentChanged.connect(self._show_preview)
        layout.addWidget(self.tabs, 1)
        self.setAcceptDrops(True)  # files dropped anywhere on the form are attached
        self.title = QLineEdit()
        self.title.setAccessibleName(self.tr("Title"))
        self.title.setPlaceholderText(self.tr("e.g. Exertional syncope in a 34-year-old runner"))
        form.addRow(self.tr("Title"), self.title)
        self.specialty = QLineEdit()
        self.specialty.setAccessibleName(self.tr("Specialty"))
        form.addRow(self.tr("Specialty"), self.specialty)
        self.fields: dict[str, QPlainTextEdit] = {}
        for key in TEMPLATE:
            edit = QPlainTextEdit()
            edit.setAccessibleName(tr(FIELD_TITLES[key]))
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(80)
            self.fields[key] = edit
            form.addRow(tr(FIELD_TITLES[key]), edit)
        self.body = QPlainTextEdit()
        self.body.setAccessibleName(self.tr("Notes (Markdown)"))
        self.body.setTabChangesFocus(True)
        form.addRow(self.tr("Notes (Markdown)"), self.body)
        self.tags = QLineEdit()
        self.tags.setAccessibleName(self.tr("Tags"))
        self.tags.setPlaceholderText(self.tr("cardiology, ecg"))
        form.addRow(self.tr("Tags"), self.tags)
        files = QHBoxLayout()
        self.files = FileList()
        self.files.setAccessibleName(self.tr("Attachments"))
        self.files.setFixedHeight(2 * ICON + 12)
        self.files.setToolTip(self.tr("Drop files here, or use Add file…"))
        add = QPushButton(self.tr("Add file…"))
        add.clicked.connect(self._add_file)
        files.addWidget(self.files, 1)
        files.addWidget(add)
        form.addRow(self.tr("Attachments"), files)
        hint = QLabel(
            self.tr(
                "Tick a file that shows the patient (a face, a tattoo…): it needs written consent."
            )
        )
        hint.setObjectName("meta")
        hint.setWordWrap(True)
        form.addRow("", hint)
        self.consent = ConsentBox()
        form.addRow(self.tr("Patient's consent"), self.consent)
        self.follow_up = QComboBox()
        self.follow_up.setAccessibleName(self.tr("Remind me to add the outcome"))
        for label, days in CHOICES:
            self.follow_up.addItem(tr(label), days)
        self.follow_up.setToolTip(self.tr("A reminder on your computers only"))
        form.addRow(self.tr("Follow up"), self.follow_up)
        self.opinion = QComboBox()
        self.opinion.setAccessibleName(self.tr("Second opinion"))
        for label, value in OPINIONS:
            self.opinion.addItem(tr(label), value)
        form.addRow(self.tr("Second opinion"), self.opinion)
        # Each added file is checked on the worker; what cannot be cleaned is named below.
        self.file_notes = QLabel()
        self.file_notes.setObjectName("warning")
        self.file_notes.setAccessibleName(self.tr("Attachment warnings"))
        self.file_notes.setWordWrap(True)
        self.file_notes.hide()
        self._notes: dict[str, str] = {}
        self.files.model().rowsInserted.connect(self._check_files)
        note = QLabel(
            self.tr(
                "Photos keep only what is needed to show them: camera, GPS location, dates "
                "and other hidden metadata are removed before they are stored. Other files "
                "(PDF, Office) keep their own metadata. Do not include names, dates of "
                "birth or record numbers in the text."
            )
        )
        note.setWordWrap(True)
        layout.addWidget(self.file_notes)
        layout.addWidget(note)
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.post = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.post.setText(self.tr("Post case"))
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        edits: list[QLineEdit | QPlainTextEdit] = [self.title, self.specialty, self.tags]
        edits += [self.body, *self.fields.values()]
        for editor in edits:
            editor.textChanged.connect(self._text_changed)
        self._edits = edits
        self.drafts: DraftKeeper | None = None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.title.setFocus()  # the keyboard starts at the title, not on the Write/Preview tabs

    def _publish_parts(self) -> tuple[QAbstractButton, QLabel]:
        return self.post, self.error

    # -- the draft: kept as it is typed, back when the form opens again -------------
    def keep_drafts(self, core: Core, net: bytes) -> None:
        self.drafts = DraftKeeper(core, "case", self)
        self.files.core = core  # thumbnails of the pictures added, made on the worker
        self.drafts.follow(net, self.draft)
        for editor in self._edits:
            editor.textChanged.connect(self.drafts.changed)
        self.files.model().rowsInserted.connect(self.drafts.changed)
        self.drafts.load(net, lambda _net, found: self.restore(found))
        for editor in (self.body, *self.fields.values()):  # @ completes a colleague's name
            completer = MentionCompleter(editor)
            # none to offer (rather than an error box) if the core cannot tell
            core.call(
                lambda s: s.p.library.mentionable(net), completer.set_names, completer.set_names
            )
        self.finished.connect(self._closing)

    def draft(self) -> dict[str, Any]:
        return {
            "title": self.title.text(),
            "specialty": self.specialty.text(),
            "fields": {k: e.toPlainText() for k, e in self.fields.items()},
            "body": self.body.toPlainText(),
            "tags": self.tags.text(),
            "files": [str(path) for path in self.files.paths()],
            "identifiable": [str(path) for path in self.files.identifiable()],
            "consent": self.consent.state(),
        }

    def has_text(self) -> bool:
        draft = self.draft()
        texts = [draft["title"], draft["specialty"], draft["body"], draft["tags"]]
        return any(t.strip() for t in [*texts, *draft["fields"].values()]) or bool(draft["files"])

    def restore(self, found: object) -> None:
        """A kept draft back in the (still empty) form."""
        if not isinstance(found, dict) or self.has_text():
            return
        for key, line in (
            ("title", self.title),
            ("specialty", self.specialty),
            ("tags", self.tags),
        ):
            if isinstance(found.get(key), str):
                line.setText(found[key])
        if isinstance(found.get("body"), str):
            self.body.setPlainText(found["body"])
        kept = found.get("fields")
        fields: dict[str, Any] = kept if isinstance(kept, dict) else {}
        for key, editor in self.fields.items():
            if isinstance(fields.get(key), str):
                editor.setPlainText(fields[key])
        for path in found.get("files") or []:
            if isinstance(path, str) and Path(path).is_file():
                self.files.addItem(path)
        for path in found.get("identifiable") or []:
            if isinstance(path, str):
                self.files.mark(Path(path))
        self.consent.restore(found.get("consent"))
        self.error.setText(self.tr("Your draft is back."))
        tone(self.error, "busy")
        self.error.show()

    def _closing(self, result: int) -> None:
        if self.drafts is None:
            return
        if result == QDialog.DialogCode.Accepted:
            self.drafts.discard()  # posted
        else:
            self.drafts.changed()
            self.drafts.flush()  # Esc or Cancel: kept

    def _checked_texts(self) -> tuple[object, list[tuple[str, str]]]:
        v = self.values()
        texts = [("title", v["title"]), ("specialty", v["specialty"]), ("body", v["body"])]
        return v, texts + list(v["fields"].items())

    def _show_preview(self, index: int) -> None:
        if self.tabs.widget(index) is not self.preview:
            return
        v = self.values()
        parts = [f"<h2>{html.escape(v['title'] or self.tr('(no title)'))}</h2>"]
        if v["tags"]:
            parts.append(
                "<p class='tag'>" + " ".join(f"#{html.escape(t)}" for t in v["tags"]) + "</p>"
            )
        for key in TEMPLATE:
            if v["fields"].get(key):
                title = html.escape(tr(FIELD_TITLES[key]))
                parts.append(f"<h4>{title}</h4>{markdown(v['fields'][key])}")
        if v["body"].strip():
            parts.append(markdown(v["body"]))
        if v["files"]:
            names = ", ".join(html.escape(p.name) for p in v["files"])
            parts.append(f"<p class='meta'>{html.escape(self.tr('Attached:'))} {names}</p>")
        self.preview.setHtml("".join(parts))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        for url in event.mimeData().urls():
            if url.isLocalFile():
                self.files.addItem(url.toLocalFile())
        event.acceptProposedAction()

    def _check_files(self, _parent: object, first: int, last: int) -> None:
        """Check files as they are added (on the worker: they are read in full)."""
        if self.publisher is None:
            return
        paths = [self.files.path(row) for row in range(first, last + 1)]

        def job(_session: object) -> list[tuple[str, str | None]]:
            return [(str(path), attachments.check(path)) for path in paths]

        self.publisher.core.call(job, self._show_notes, self._show_notes)

    def _show_notes(self, result: object) -> None:
        if isinstance(result, Exception):
            self._notes[""] = error_text(result)
        else:
            notes = cast("list[tuple[str, str | None]]", result)
            self._notes.update((path, note) for path, note in notes if note)
        self.file_notes.setText("\n".join(self._notes.values()))
        self.file_notes.setVisible(bool(self._notes))

    def _add_file(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Attach files"), folders.start())
        for path in paths:
            folders.used(path)
            self.files.addItem(path)

    def _check(self) -> None:
        if not self.title.text().strip():
            self.error.setText(self.tr("A case needs a title."))
            self.error.show()
            return
        self._send_form(self.values())

    def values(self) -> dict[str, Any]:
        fields = {k: e.toPlainText().strip() for k, e in self.fields.items()}
        return {
            "title": self.title.text().strip(),
            "specialty": self.specialty.text().strip(),
            "fields": {k: v for k, v in fields.items() if v},
            "body": self.body.toPlainText(),
            "tags": [t.strip() for t in self.tags.text().split(",") if t.strip()],
            "files": self.files.paths(),
            "identifiable": self.files.identifiable(),
            "consent": self.consent.value(),
            "follow_up": int(self.follow_up.currentData() or 0),
            "opinion": str(self.opinion.currentData() or "none"),
        }
