"""Export for teaching… (issue 17): the app's side of ``casebook export``. A small dialog
chooses how authors appear (roles or initials) and says what the export is; the PDF is
written by the same session method the CLI uses, on the session thread."""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QStandardPaths
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from casebook.errors import IdentifiersFound
from casebook.gui.bridge import Core
from casebook.gui.i18n import tr
from casebook.gui.messages import error_text
from casebook.session import Session


class TeachingDialog(QDialog):
    def __init__(self, parent: QWidget, title: str) -> None:
        super().__init__(parent)
        self.setWindowTitle(tr("Export for teaching"))
        layout = QVBoxLayout(self)
        intro = QLabel(
            tr(
                "“{0}” and its discussion as a PDF for teaching, with its pictures. "
                "It is refused unless the case's consent covers teaching, and its text is "
                "checked for patient identifiers again. The PDF is a copy outside Casebook: "
                "withdrawing the case later cannot recall it."
            ).format(title)
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(QLabel(tr("Show the authors as:")))
        self.roles = QRadioButton(tr("Roles (Presenting clinician, Colleague A, …)"))
        self.initials = QRadioButton(tr("Initials (A.M., B.O., …)"))
        self.roles.setChecked(True)
        layout.addWidget(self.roles)
        layout.addWidget(self.initials)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        ok.setText(tr("Choose where to save…"))
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(520, 240)

    def authors(self) -> str:
        return "initials" if self.initials.isChecked() else "roles"


def file_name(title: str) -> str:
    """A file name from the case's title: "Livedo after amantadine" → "livedo-after-…pdf"."""
    slug = re.sub(r"[^\w]+", "-", title.lower()).strip("-")[:60] or "case"
    return f"{slug}-teaching.pdf"


def run(window: QWidget, core: Core, case_id: bytes, title: str) -> None:
    """Ask, then write the PDF; say what happened in the window's status bar or an error."""
    dialog = TeachingDialog(window, title)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return
    folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    path, _ = QFileDialog.getSaveFileName(
        window, tr("Export for teaching"), str(Path(folder) / file_name(title)), "PDF (*.pdf)"
    )
    if not path:
        return
    export(window, core, case_id, Path(path), dialog.authors(), allow=False)


def export(window: QWidget, core: Core, case_id: bytes, out: Path, style: str, allow: bool) -> None:
    async def job(s: Session) -> int:
        # The save dialog has asked already whether to replace a file of that name.
        return await s.teaching_pdf(case_id, out, style, allow_identifiers=allow, replace=True)

    def done(size: object) -> None:
        status = getattr(window, "statusBar", None)
        if status is not None:
            status().showMessage(tr("Exported for teaching to {0}.").format(out), 8000)

    def failed(error: object) -> None:
        if isinstance(error, IdentifiersFound) and not allow:
            answer = QMessageBox.question(
                window,
                tr("Export for teaching"),
                error_text(error) + "\n\n" + tr("Export anyway?"),
            )
            if answer == QMessageBox.StandardButton.Yes:
                export(window, core, case_id, out, style, allow=True)
            return
        QMessageBox.warning(window, tr("Export for teaching"), error_text(error))

    core.call(job, done, failed)
