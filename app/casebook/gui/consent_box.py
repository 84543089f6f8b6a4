"""The patient's consent in the new-case and edit forms: kind, what it covers, when, and
the signed form (written consent only). What it holds goes to the core as a
:class:`ConsentInput`; the rules (an identifiable file needs written consent) are the
core's, and their refusals are shown in the form like any other."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from casebook.core.library.consent_input import ConsentInput
from casebook.core.model import consent
from casebook.gui import folders
from casebook.gui.i18n import tr

NO_RECORD = ""


def kind_label(kind: str) -> str:
    return {
        NO_RECORD: tr("No record"),
        "none": tr("Not needed (de-identified, or implied)"),
        "verbal": tr("Verbal"),
        "written": tr("Written"),
    }[kind]


def scope_label(scope: str) -> str:
    return {
        "network": tr("This network"),
        "teaching": tr("Teaching"),
        "publication": tr("Publication"),
    }[scope]


class ConsentBox(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        self.kind = QComboBox()
        self.kind.setAccessibleName(self.tr("Patient's consent"))
        for kind in (NO_RECORD, *consent.KINDS):
            self.kind.addItem(kind_label(kind), kind)
        self.date = QDateEdit(QDate.currentDate())
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self.date.setAccessibleName(self.tr("Date consent was given"))
        given = QLabel(self.tr("given on"))
        given.setBuddy(self.date)
        top.addWidget(self.kind, 1)
        top.addWidget(given)
        top.addWidget(self.date)
        layout.addLayout(top)
        scopes = QHBoxLayout()
        scopes.addWidget(QLabel(self.tr("Covers:")))
        self.scopes: dict[str, QCheckBox] = {}
        for scope in consent.SCOPES:
            box = QCheckBox(scope_label(scope))
            box.setChecked(scope == "network")
            self.scopes[scope] = box
            scopes.addWidget(box)
        scopes.addStretch(1)
        layout.addLayout(scopes)
        form = QHBoxLayout()
        self.form_label = QLabel(self.tr("No signed form"))
        self.form_label.setObjectName("meta")
        self.choose = QPushButton(self.tr("Signed form…"))
        self.choose.setToolTip(
            self.tr("Attach the signed form; it is encrypted like any file and never previewed.")
        )
        self.choose.clicked.connect(self._choose_form)
        form.addWidget(self.form_label, 1)
        form.addWidget(self.choose)
        layout.addLayout(form)
        self.form: Path | None = None
        self.kept_form: bytes | None = None
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()

    def _kind_changed(self) -> None:
        recorded = self.kind.currentData() != NO_RECORD
        for widget in (self.date, *self.scopes.values()):
            widget.setEnabled(recorded)
        self.choose.setEnabled(self.kind.currentData() == "written")

    def _choose_form(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("Signed consent form"), folders.start())
        if path:
            folders.used(path)
            self.set_form(Path(path))

    def set_form(self, path: Path) -> None:
        self.form = path
        self.form_label.setText(self.tr("Signed form: {0}").format(path.name))

    def value(self) -> ConsentInput | None:
        """What the author said (None: no record)."""
        kind = self.kind.currentData()
        if kind == NO_RECORD:
            return None
        return ConsentInput(
            kind,
            [s for s, box in self.scopes.items() if box.isChecked()],
            self.date.date().toString("yyyy-MM-dd"),
            form=self.form if kind == "written" else None,
            kept_form=self.kept_form,
        )

    def state(self) -> dict[str, Any]:
        """For a draft: the kind, scopes, date and the form's path."""
        return {
            "kind": self.kind.currentData(),
            "scope": [s for s, box in self.scopes.items() if box.isChecked()],
            "date": self.date.date().toString("yyyy-MM-dd"),
            "form": None if self.form is None else str(self.form),
        }

    def restore(self, state: object, *, kept_form: bytes | None = None) -> None:
        """A draft's state, or a stored record (JSON form: the form is the case's)."""
        if not isinstance(state, dict):
            return
        index = self.kind.findData(state.get("kind", NO_RECORD))
        if index >= 0:
            self.kind.setCurrentIndex(index)
        scope = state.get("scope")
        if isinstance(scope, list):
            for name, box in self.scopes.items():
                box.setChecked(name in scope)
        date = QDate.fromString(str(state.get("date", "")), "yyyy-MM-dd")
        if date.isValid():
            self.date.setDate(date)
        form = state.get("form")
        if kept_form is not None:
            self.kept_form = kept_form
            self.form_label.setText(self.tr("Signed form on file"))
        elif isinstance(form, str) and Path(form).is_file():
            self.set_form(Path(form))
