"""Export for teaching… in the app (issue 17): refused in words for a case whose consent
does not cover teaching; for one whose consent does, the PDF is written (by the same
session method as `casebook export`) with the authors as chosen."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

import pypdfium2 as pdfium
from guikit import OWN_OPEN, idle, open_case, open_demo, run
from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from casebook.core.model import consent
from casebook.gui.teaching_export import TeachingDialog


def answer_dialogs(monkeypatch, path, initials=False, seen=None):
    def chosen(dialog: TeachingDialog) -> int:
        dialog.initials.setChecked(initials)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(TeachingDialog, "exec", chosen)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(path), "PDF"))
    said = seen if seen is not None else []
    monkeypatch.setattr(QMessageBox, "warning", lambda _w, _t, text: said.append(text))


def test_refused_without_teaching_consent(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    open_case(qtbot, win, OWN_OPEN)
    seen: list[str] = []
    out = tmp_path / "refused.pdf"
    answer_dialogs(monkeypatch, out, seen=seen)
    win.export_teaching()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert "no consent record" in seen[0] and not out.exists()


def test_a_case_with_teaching_consent_is_exported(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    net = bytes.fromhex(win.networks[0]["id"])
    record = consent.record("verbal", ("network", "teaching"), recorded_by="Ward nurse")
    run(
        qtbot,
        core,
        lambda s: s.p.library.post_case(
            net, title="Erythema ab igne", body="Mottled shins by the heater.", consent=record
        ),
    )
    win._synced()
    idle(qtbot, core)
    open_case(qtbot, win, "Erythema ab igne")
    out = tmp_path / "teaching.pdf"
    answer_dialogs(monkeypatch, out, initials=True)
    win.export_teaching()
    # The window says so once the export is done (the file is there a little before).
    qtbot.waitUntil(
        lambda: "Exported for teaching" in win.statusBar().currentMessage(), timeout=10_000
    )
    text = pdfium.PdfDocument(str(out))[0].get_textpage().get_text_range()
    assert "Erythema ab igne" in text and "Consent: verbal, covering network, teaching" in text
