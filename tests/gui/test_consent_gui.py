"""The consent fields of the new-case form (issue 17): a file ticked as showing the
patient is refused inline until written consent is recorded; the case view shows the
record and what was said of each file; the signed form is never previewed."""

from __future__ import annotations

import struct
import zlib

import pytest

pytest.importorskip("PySide6")

from guikit import idle, open_demo, submit
from PySide6.QtCore import Qt

from casebook.gui.compose import NewCaseDialog
from casebook.gui.consent_box import NO_RECORD


def png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    rows = b"".join(b"\x00" + b"\xc0\x60\x50" * 24 for _ in range(16))
    header = struct.pack(">IIBBBBB", 24, 16, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_an_identifiable_photo_needs_written_consent_in_the_form(
    qtbot, core, tmp_path, monkeypatch
):
    win = open_demo(qtbot, core, tmp_path)
    win.select_network(win.networks[0]["id"])
    photo, form = tmp_path / "rash.png", tmp_path / "consent-form.txt"
    photo.write_bytes(png())
    form.write_text("Signed by the patient on 30 November.")
    seen: dict[str, str] = {}

    def fill(dialog: NewCaseDialog) -> int:
        dialog.title.setText("Livedo after a new drug")
        dialog.files.addItem(str(photo))
        dialog.files.item(0).setCheckState(Qt.CheckState.Checked)  # shows the patient
        assert dialog.consent.kind.currentData() == NO_RECORD
        assert not dialog.consent.choose.isEnabled()
        assert submit(dialog) != NewCaseDialog.DialogCode.Accepted
        seen["refused"] = dialog.error.text()
        dialog.consent.kind.setCurrentIndex(dialog.consent.kind.findData("verbal"))
        assert submit(dialog) != NewCaseDialog.DialogCode.Accepted
        dialog.consent.kind.setCurrentIndex(dialog.consent.kind.findData("written"))
        assert dialog.consent.choose.isEnabled()
        dialog.consent.scopes["teaching"].setChecked(True)
        dialog.consent.set_form(form)
        return submit(dialog)

    monkeypatch.setattr(NewCaseDialog, "exec", fill)
    win.new_case()
    assert "needs written consent" in seen["refused"] and "rash.png" in seen["refused"]
    qtbot.waitUntil(lambda: "Livedo after a new drug" in win.viewer.toPlainText(), timeout=10_000)
    idle(qtbot, core)
    text = win.viewer.toPlainText()
    assert "Consent: Written · covers This network, Teaching" in text
    assert "recorded by" in text and "signed form on file" in text
    assert "shows the patient" in text
    assert "signed consent form, not previewed" in text


def test_the_edit_form_keeps_the_record_and_changes_only_what_was_changed(
    qtbot, core, tmp_path, monkeypatch
):
    from guikit import OWN_OPEN, case_of, open_case

    from casebook.gui.case_dialogs import EditCaseDialog

    win = open_demo(qtbot, core, tmp_path)
    case_id = open_case(qtbot, win, OWN_OPEN)
    photo = tmp_path / "calf.png"
    photo.write_bytes(png())
    seen: dict[str, object] = {}

    def first(dialog: EditCaseDialog) -> int:  # a record and a photo that shows the patient
        seen["empty"] = dialog.consent.kind.currentData()
        dialog.files.addItem(str(photo))
        dialog.files.item(0).setCheckState(Qt.CheckState.Checked)
        dialog.consent.kind.setCurrentIndex(dialog.consent.kind.findData("written"))
        return submit(dialog)

    monkeypatch.setattr(EditCaseDialog, "exec", first)
    win.case_actions.edit_action.trigger()
    idle(qtbot, core)
    assert seen["empty"] == NO_RECORD
    after = case_of(qtbot, core, case_id)
    assert after.consent["kind"] == "written" and after.attachments[-1]["identifiable"]

    def second(dialog: EditCaseDialog) -> int:  # opens with the record; only the title changes
        seen["kind"] = dialog.consent.kind.currentData()
        dialog.title.setText(dialog.title.text() + " (follow-up)")
        return submit(dialog)

    monkeypatch.setattr(EditCaseDialog, "exec", second)
    win.case_actions.edit_action.trigger()
    idle(qtbot, core)
    assert seen["kind"] == "written"
    again = case_of(qtbot, core, case_id)
    assert again.consent == after.consent and again.attachments == after.attachments
    assert set(again.revisions[-1]["changes"]) == {"title"}

    def weaken(dialog: EditCaseDialog) -> int:  # verbal under the photo: refused in the form
        dialog.consent.kind.setCurrentIndex(dialog.consent.kind.findData("verbal"))
        assert submit(dialog) != EditCaseDialog.DialogCode.Accepted
        seen["refused"] = dialog.error.text()
        return EditCaseDialog.DialogCode.Rejected

    monkeypatch.setattr(EditCaseDialog, "exec", weaken)
    win.case_actions.edit_action.trigger()
    idle(qtbot, core)
    assert "needs written consent" in str(seen["refused"])
    assert case_of(qtbot, core, case_id).consent["kind"] == "written"
