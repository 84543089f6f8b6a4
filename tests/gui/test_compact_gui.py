"""Settings → "The library on this computer": how much the library takes on disk and how
much of it are free pages, and "Compact" writes it anew on the worker (sync pauses),
then says what it gained; the window goes on reading the library."""

from __future__ import annotations

import os

import pytest
from guikit import PASS, idle, run
from PySide6.QtCore import Qt

from casebook.core.library.search import Filters
from casebook.core.profile import Profile
from casebook.gui.settings import SettingsDialog
from netkit import failing_reopen
from scankit import noise_words


def test_settings_compact_the_library_and_say_what_it_gained(qtbot, core, tmp_path):
    with Profile.create(tmp_path / "p", "Dr. Alice Moreau", PASS) as profile:
        net = profile.library.create_network("Cardiology Circle", profile.name)
        cases = [
            profile.library.post_case(net, title=f"Case {n}", body=noise_words(n))
            for n in range(40)
        ]
        for case in cases[1:]:
            profile.library.withdraw(case, "Consent withdrawn")
    core.call(lambda s: s.unlock(tmp_path / "p", PASS))
    idle(qtbot, core)
    dialog = SettingsDialog(core)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: "MB on disk" in dialog.library_size.text(), timeout=15_000)
    assert dialog.values["free_bytes"] > 100_000
    assert "MB are free pages that compacting gives back" in dialog.library_size.text()
    shots = os.environ.get("CASEBOOK_SHOTS")
    if shots:
        dialog.grab().save(os.path.join(shots, "settings-library.png"))
    qtbot.mouseClick(dialog.compact_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Compacted your library" in dialog.message.text(), timeout=30_000)
    qtbot.waitUntil(lambda: dialog.values["free_bytes"] == 0, timeout=15_000)
    assert dialog.compact_button.isEnabled()
    assert "with no free pages" in dialog.library_size.text()
    if shots:
        dialog.grab().save(os.path.join(shots, "settings-compact.png"))
    read = run(qtbot, core, lambda s: [c.title for c in s.p.queries.list_cases(Filters(net=net))])
    assert "Case 0" in read
    dialog.close()
    idle(qtbot, core)


@pytest.mark.parametrize("closed_at_once", [False, True])
def test_a_library_not_opened_again_after_compacting_locks_the_window(
    qtbot, core, tmp_path, monkeypatch, closed_at_once
):
    """Written anew, then the new file does not open (no file handle left): Settings says
    so in one line and, once closed, the window locks (at once when Settings was closed
    while it ran); unlocking opens the library."""
    from guikit import open_shell

    from casebook.store.database import Database

    with Profile.create(tmp_path / "p", "Dr. Alice Moreau", PASS) as profile:
        net = profile.library.create_network("Cardiology Circle", profile.name)
        profile.library.post_case(net, title="Kept", body=noise_words(1))
    shell = open_shell(qtbot, core, tmp_path / "p")
    shell.onboarding.unlock_page.passphrase.setText(PASS)
    shell.onboarding.unlock_page.button.click()
    qtbot.waitUntil(lambda: shell.library is not None, timeout=15_000)
    win = shell.library
    idle(qtbot, core)
    real = Database.open
    shown = []

    def settings_shown():
        dialog = win.findChild(SettingsDialog)
        if dialog is None or not dialog.isVisible():
            return False
        shown.append(dialog)
        return True

    def compact_then_close():
        qtbot.waitUntil(settings_shown, timeout=15_000)
        dialog = shown[0]
        qtbot.waitUntil(lambda: "MB on disk" in dialog.library_size.text(), timeout=15_000)
        failing_reopen(monkeypatch)  # the check opens the new file; going on with it fails
        qtbot.mouseClick(dialog.compact_button, Qt.MouseButton.LeftButton)
        if closed_at_once:
            dialog.close()
        qtbot.waitUntil(lambda: "unlock it again" in dialog.message.text(), timeout=30_000)
        monkeypatch.setattr(Database, "open", real)
        assert "written anew and is safe" in dialog.message.text()
        assert not dialog.compact_button.isEnabled() and not dialog.change.isEnabled()
        shots = os.environ.get("CASEBOOK_SHOTS")
        if shots:
            dialog.grab().save(os.path.join(shots, "settings-not-reopened.png"))
        dialog.close()

    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, compact_then_close)
    win.show_settings()  # modal, as the menu opens it
    qtbot.waitUntil(lambda: shell.library is None, timeout=15_000)
    idle(qtbot, core)
    page = shell.onboarding.unlock_page
    assert shell.onboarding.currentWidget() is page
    page.passphrase.setText(PASS)
    page.button.click()
    qtbot.waitUntil(lambda: shell.library is not None, timeout=15_000)
    idle(qtbot, core)
    titles = run(qtbot, core, lambda s: [c.title for c in s.p.queries.list_cases(Filters())])
    assert titles == ["Kept"]
