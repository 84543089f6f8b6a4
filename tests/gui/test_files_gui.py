"""Issue 16, item 17: file dialogs open in the user's folders (then where the last file
was chosen), never in the folder the app started in; the new-case form lists attached
files by name, with a thumbnail for a picture."""

from __future__ import annotations

import os
from pathlib import Path

from guikit import idle, png
from PySide6.QtCore import QStandardPaths, Qt
from PySide6.QtWidgets import QFileDialog

from casebook.gui import folders
from casebook.gui.compose import NewCaseDialog


def test_dialogs_start_in_documents_then_where_the_last_file_was(
    qtbot, core, tmp_path, monkeypatch
):
    monkeypatch.setattr(folders, "_last", None)
    monkeypatch.chdir(tmp_path)  # the app started here: no dialog should open here
    asked: list[str] = []
    photo = (
        png(tmp_path / "pictures" / "ecg.png") if (tmp_path / "pictures").mkdir() is None else None
    )

    def choose(_parent, _title, directory, *rest):
        asked.append(directory)
        return [str(photo)], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", choose)
    dialog = NewCaseDialog("Cardiology Circle")
    qtbot.addWidget(dialog)
    dialog.keep_drafts(core, b"\x01" * 16)
    dialog._add_file()
    dialog._add_file()
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    assert asked[0] == (documents or str(Path.home()))
    assert asked[0] != os.getcwd()
    assert asked[1] == str(photo.parent)  # the folder of the file chosen before

    item = dialog.files.item(0)
    assert item.text() == "ecg.png"  # the name, not the whole path
    assert item.toolTip() == str(photo)
    assert dialog.values()["files"][0] == photo
    qtbot.waitUntil(lambda: not item.icon().isNull(), timeout=10_000)  # made on the worker
    assert item.icon().availableSizes() or item.icon().pixmap(40, 40).width() > 0
    idle(qtbot, core)
    assert dialog.files.path(0) == photo and dialog.files.item(0).data(Qt.ItemDataRole.UserRole)
