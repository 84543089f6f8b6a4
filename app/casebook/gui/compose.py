"""The new-case form: title, template fields, Markdown body, tags, attachments."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from casebook.core.deident import check_case
from casebook.gui.case_view import FIELD_TITLES, STYLE, markdown

TEMPLATE = ("presentation", "history", "findings", "question")


class NewCaseDialog(QDialog):
    def __init__(self, network_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("New case in {0}").format(network_name))
        self.resize(720, 760)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        write = QWidget()
        form = QFormLayout(write)
        self.tabs.addTab(write, self.tr("Write"))
        self.preview = QTextBrowser()
        self.preview.setAccessibleName(self.tr("Preview"))
        self.preview.document().setDefaultStyleSheet(STYLE)
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
            edit.setAccessibleName(self.tr(FIELD_TITLES[key]))
            edit.setTabChangesFocus(True)
            edit.setFixedHeight(80)
            self.fields[key] = edit
            form.addRow(self.tr(FIELD_TITLES[key]), edit)
        self.body = QPlainTextEdit()
        self.body.setAccessibleName(self.tr("Notes (Markdown)"))
        self.body.setTabChangesFocus(True)
        form.addRow(self.tr("Notes (Markdown)"), self.body)
        self.tags = QLineEdit()
        self.tags.setAccessibleName(self.tr("Tags"))
        self.tags.setPlaceholderText(self.tr("cardiology, ecg"))
        form.addRow(self.tr("Tags"), self.tags)
        files = QHBoxLayout()
        self.files = QListWidget()
        self.files.setAccessibleName(self.tr("Attachments"))
        self.files.setFixedHeight(60)
        self.files.setToolTip(self.tr("Drop files here, or use Add file…"))
        add = QPushButton(self.tr("Add file…"))
        add.clicked.connect(self._add_file)
        files.addWidget(self.files, 1)
        files.addWidget(add)
        form.addRow(self.tr("Attachments"), files)
        note = QLabel(
            self.tr(
                "Photos have their hidden metadata (camera, GPS location, dates) removed "
                "before they are stored. Do not include names, dates of birth or record "
                "numbers in the text."
            )
        )
        note.setWordWrap(True)
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
        self._warned: list[str] = []
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

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
                title = html.escape(self.tr(FIELD_TITLES[key]))
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

    def _add_file(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("Attach files"))
        for path in paths:
            self.files.addItem(path)

    def _check(self) -> None:
        if not self.title.text().strip():
            self.error.setText(self.tr("A case needs a title."))
            self.error.show()
            return
        values = self.values()
        findings = check_case(values["title"], values["fields"], values["body"], values["tags"])
        shown = [f.describe() for f in findings]
        if findings and shown != self._warned:
            # First time these are seen: say what looks identifying; a second click on
            # "Post anyway" with the same text posts it.
            self._warned = shown
            self.error.setText(
                self.tr("This may identify the patient. Remove it, or post anyway:")
                + "\n• "
                + "\n• ".join(shown[:8])
                + ("\n…" if len(shown) > 8 else "")
            )
            self.error.show()
            self.post.setText(self.tr("Post anyway"))
            return
        self.accept()

    def values(self) -> dict[str, Any]:
        fields = {k: e.toPlainText().strip() for k, e in self.fields.items()}
        return {
            "title": self.title.text().strip(),
            "specialty": self.specialty.text().strip(),
            "fields": {k: v for k, v in fields.items() if v},
            "body": self.body.toPlainText(),
            "tags": [t.strip() for t in self.tags.text().split(",") if t.strip()],
            "files": [Path(self.files.item(i).text()) for i in range(self.files.count())],
        }
