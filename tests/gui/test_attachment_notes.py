"""The new-case and edit-case forms say, as files are added, which attachment keeps its own
metadata (PDF, Office) or cannot be attached at all (DICOM); photos pass quietly."""

from __future__ import annotations

import struct

import pytest

pytest.importorskip("PySide6")

from guikit import OWN_OPEN, idle, open_case, open_demo
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QDialog

from casebook.core.library import attachments
from casebook.gui.case_dialogs import EditCaseDialog
from casebook.gui.compose import NewCaseDialog

PDF = b"%PDF-1.7\n1 0 obj << /Author (Jane Roe) >> endobj\n"


def _files(tmp_path):
    photo = tmp_path / "wound.png"
    image = QImage(64, 48, QImage.Format.Format_RGB32)
    image.fill(QColor("#aa3355"))
    assert image.save(str(photo))
    pdf = tmp_path / "discharge letter.pdf"
    pdf.write_bytes(PDF)
    scan = tmp_path / "chest.dcm"  # DICOM without its preamble, the patient's name inside
    scan.write_bytes(
        b"".join(
            struct.pack("<HHI", group, number, len(value)) + value
            for group, number, value in (
                (0x0008, 0x0060, b"CR"),
                (0x0010, 0x0010, b"Roe^Jane"),
                (0x0010, 0x0020, b"MRN00123"),
                (0x7FE0, 0x0010, b"\x00" * 8),
            )
        )
    )
    return photo, pdf, scan


def _add_and_wait(qtbot, core, dialog, tmp_path, shot):
    """Add the files as the form would; what the notes say once the worker answered."""
    photo, pdf, scan = _files(tmp_path)
    dialog.files.addItem(str(photo))
    idle(qtbot, core)
    assert dialog.file_notes.isHidden()  # a photo is cleaned: nothing to say
    dialog.files.addItem(str(pdf))
    dialog.files.addItem(str(scan))
    qtbot.waitUntil(lambda: not dialog.file_notes.isHidden(), timeout=10_000)
    idle(qtbot, core)
    dialog.grab().save(str(tmp_path / shot))
    return dialog.file_notes.text()


def test_new_case_form_warns_about_a_pdf_and_refuses_dicom(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    seen: dict[str, str] = {}

    def fill(dialog):
        dialog.show()
        seen["notes"] = _add_and_wait(qtbot, core, dialog, tmp_path, "new-case.png")
        seen["visible"] = str(dialog.file_notes.isVisible())
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(NewCaseDialog, "exec", fill)
    win.new_case()
    idle(qtbot, core)
    lines = seen["notes"].split("\n")
    assert lines[0] == attachments.unchecked_warning("discharge letter.pdf")
    assert lines[1].startswith("chest.dcm: metadata cannot be removed safely from DICOM")
    assert len(lines) == 2 and "wound.png" not in seen["notes"]
    assert seen["visible"] == "True"
    assert (tmp_path / "new-case.png").stat().st_size > 0


def test_edit_case_form_warns_about_a_pdf(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    open_case(qtbot, win, OWN_OPEN)
    seen: dict[str, str] = {}

    def fill(dialog):
        dialog.show()
        seen["notes"] = _add_and_wait(qtbot, core, dialog, tmp_path, "edit-case.png")
        return QDialog.DialogCode.Rejected

    monkeypatch.setattr(EditCaseDialog, "exec", fill)
    win.case_actions.edit_case()
    idle(qtbot, core)
    assert attachments.unchecked_warning("discharge letter.pdf") in seen["notes"]
    assert "chest.dcm" in seen["notes"] and "wound.png" not in seen["notes"]
