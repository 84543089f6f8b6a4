"""Click through the desktop app offscreen, against a real encrypted profile."""

from __future__ import annotations

import pytest

pytest.importorskip("PySide6")

from guikit import PASS, choose_network, idle, keep_recovery_key, open_demo, open_shell, submit
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog

from casebook.core.profile import Profile
from casebook.gui.compose import NewCaseDialog
from casebook.gui.sidebar import VIEWS


def test_first_start_to_search(qtbot, core, tmp_path, monkeypatch):
    shell = open_shell(qtbot, core, tmp_path / "profile")
    page = shell.onboarding.create_page
    assert shell.onboarding.currentWidget() is page
    qtbot.keyClicks(page.name, "Dr. Alice Moreau")
    qtbot.keyClicks(page.passphrase, PASS)
    qtbot.keyClicks(page.repeat, PASS)
    assert "strong" in page.hint.text()
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    keep_recovery_key(qtbot, shell)
    qtbot.waitUntil(lambda: shell.library is not None, timeout=15_000)
    win = shell.library
    qtbot.addWidget(win)
    idle(qtbot, core)

    choose_network(monkeypatch, "Cardiology Circle")
    win.new_network()
    idle(qtbot, core)
    assert len(win.networks) == 1

    attachment = tmp_path / "ecg.txt"
    attachment.write_text("12-lead ECG")

    def fill(dialog):
        dialog.title.setText("Syncope in a 34-year-old runner")
        dialog.fields["presentation"].setPlainText("Collapsed at mile 20.")
        dialog.fields["question"].setPlainText("HCM or vasovagal?")
        dialog.tags.setText("cardiology, sports medicine")
        dialog.files.addItem(str(attachment))
        return submit(dialog)

    monkeypatch.setattr(NewCaseDialog, "exec", fill)
    win.new_case()
    idle(qtbot, core)
    qtbot.waitUntil(lambda: win.model.rowCount() == 1, timeout=10_000)
    idle(qtbot, core)
    assert "Syncope in a 34-year-old runner" in win.viewer.toPlainText()
    assert "ecg.txt" in win.viewer.toPlainText()

    qtbot.keyClicks(win.reply, "Consider HCM; get an echo.")
    qtbot.mouseClick(win.reply_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "Consider HCM" in win.viewer.toPlainText(), timeout=10_000)

    qtbot.keyClicks(win.search, "echo")  # found through the reply
    qtbot.waitUntil(lambda: win.model.query == "echo" and win.model.rowCount() == 1, timeout=10_000)
    qtbot.keyClicks(win.search, "zzz")
    qtbot.waitUntil(
        lambda: win.model.query == "echozzz" and win.model.rowCount() == 0, timeout=10_000
    )


def test_unlock_wrong_then_right(qtbot, core, tmp_path):
    Profile.create(tmp_path / "profile", "Dr. Bob Lee", PASS).close()
    shell = open_shell(qtbot, core, tmp_path / "profile")
    page = shell.onboarding.unlock_page
    assert shell.onboarding.currentWidget() is page
    qtbot.keyClicks(page.passphrase, "not my passphrase")
    qtbot.keyClick(page.passphrase, Qt.Key.Key_Return)
    idle(qtbot, core)
    assert page.error.isVisible() and "Wrong passphrase" in page.error.text()
    assert shell.library is None
    page.passphrase.setText(PASS)
    qtbot.mouseClick(page.button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shell.library is not None, timeout=15_000)
    qtbot.addWidget(shell.library)
    idle(qtbot, core)


def titles_in(qtbot, core, win):
    idle(qtbot, core)
    return {r.title for r in win.model.rows}


def test_new_case_warns_about_identifiers_before_posting(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    win.select_network(win.networks[0]["id"])
    seen: list[str] = []

    def fill(dialog):
        dialog.title.setText("Syncope in Mr. John Brown")
        dialog.fields["history"].setPlainText("DOB 01/02/1950, MRN: 00123456")
        assert submit(dialog) != NewCaseDialog.DialogCode.Accepted  # the core refused it
        assert not dialog.error.isHidden() and dialog.post.text() == "Post anyway"
        seen.append(dialog.error.text())
        # Edited away: checked afresh (the button is Post again) and the case goes out.
        dialog.title.setText("Syncope in a 74-year-old man")
        assert dialog.post.text() == "Post case" and dialog.error.isHidden()
        dialog.fields["history"].setPlainText("Hypertension; on amlodipine.")
        return submit(dialog)

    monkeypatch.setattr(NewCaseDialog, "exec", fill)
    before = titles_in(qtbot, core, win)
    win.new_case()
    assert "Mr. John Brown" in seen[0] and "DOB 01/02/1950" in seen[0] and "MRN" in seen[0]
    qtbot.waitUntil(lambda: "Syncope in a 74-year-old man" in titles_in(qtbot, core, win))
    assert not any("Brown" in t for t in titles_in(qtbot, core, win) - before)


def test_post_anyway_after_the_warning(qtbot, core, tmp_path, monkeypatch):
    win = open_demo(qtbot, core, tmp_path)
    win.select_network(win.networks[0]["id"])

    def fill(dialog):
        dialog.title.setText("Syncope")
        dialog.body.setPlainText("Seen on 3 March 2024.")
        assert submit(dialog) != NewCaseDialog.DialogCode.Accepted
        assert "3 March 2024" in dialog.error.text()
        return submit(dialog)  # "Post anyway": the author's decision

    monkeypatch.setattr(NewCaseDialog, "exec", fill)
    win.new_case()
    qtbot.waitUntil(lambda: "Syncope" in titles_in(qtbot, core, win), timeout=10_000)


def test_demo_library_opens_with_fictional_cases(qtbot, core, tmp_path):
    from casebook.demo_data import CASES

    win = open_demo(qtbot, core, tmp_path)
    qtbot.waitUntil(lambda: win.model.rowCount() == len(CASES), timeout=15_000)
    assert len(win.networks) >= 1


def test_people_and_an_invite_with_its_qr_code(qtbot, core, tmp_path):
    from PySide6.QtGui import QGuiApplication

    from casebook.core.model.invite_codes import InviteCode
    from casebook.gui.people import InviteDialog, PeopleDialog

    win = open_demo(qtbot, core, tmp_path)
    win.select_network(win.networks[0]["id"])
    network = win._selected_network()
    people = PeopleDialog(core, network, win)
    qtbot.addWidget(people)
    qtbot.waitUntil(lambda: people.table.rowCount() == 4, timeout=10_000)
    names = {people.table.item(r, 0).text() for r in range(4)}
    assert "Dr. Sam Rivera (you)" in names and "Dr. Mei Chen" in names
    assert people.table.item(0, 1).text() == "admin, founder"

    dialog = InviteDialog(core, bytes.fromhex(network["id"]), people)
    qtbot.addWidget(dialog)
    dialog.role.setCurrentText("moderator")
    dialog.uses.setValue(2)
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(dialog.code.toPlainText()), timeout=10_000)
    code = InviteCode.decode(dialog.code.toPlainText())
    assert code.role == "moderator" and code.net == bytes.fromhex(network["id"])
    assert dialog.qr.pixmap() is not None and dialog.qr.pixmap().width() > 200
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == dialog.code.toPlainText()


def test_settings_passphrase_change_lock_and_unlock(qtbot, core, tmp_path):
    from casebook.gui.settings import SettingsDialog

    Profile.create(tmp_path / "profile", "Dr. Bob Lee", PASS).close()
    shell = open_shell(qtbot, core, tmp_path / "profile")
    qtbot.keyClicks(shell.onboarding.unlock_page.passphrase, PASS)
    qtbot.keyClick(shell.onboarding.unlock_page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.library is not None, timeout=15_000)
    win = shell.library
    idle(qtbot, core)

    settings = SettingsDialog(core, win)
    qtbot.addWidget(settings)
    idle(qtbot, core)
    settings.theme.setCurrentIndex(settings.theme.findData("dark"))
    settings.lock.setValue(5)
    idle(qtbot, core)
    assert shell.idle.timer.isActive() and shell.idle.timer.interval() == 5 * 60_000

    new = "a brand new passphrase for bob"
    settings.current.setText("not the passphrase")
    settings.new.setText(new)
    settings.repeat.setText(new)
    qtbot.mouseClick(settings.change, Qt.MouseButton.LeftButton)
    idle(qtbot, core)
    assert "Wrong passphrase" in settings.message.text()
    settings.current.setText(PASS)
    qtbot.mouseClick(settings.change, Qt.MouseButton.LeftButton)
    idle(qtbot, core)
    assert "Passphrase changed" in settings.message.text()
    settings.close()

    shell.lock()  # as Ctrl+L or the idle timer does
    idle(qtbot, core)
    assert shell.library is None and not shell.idle.timer.isActive()
    page = shell.onboarding.unlock_page
    assert shell.onboarding.currentWidget() is page and "Locked" in page.error.text()
    assert page.error.objectName() == "busy"  # said plainly, not in the error colour
    qtbot.keyClicks(page.passphrase, PASS)  # the old one no longer opens it
    qtbot.keyClick(page.passphrase, Qt.Key.Key_Return)
    idle(qtbot, core)
    assert shell.library is None and "Wrong passphrase" in page.error.text()
    assert page.error.objectName() == "error"
    page.passphrase.clear()
    qtbot.keyClicks(page.passphrase, new)
    qtbot.keyClick(page.passphrase, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: shell.library is not None, timeout=15_000)
    idle(qtbot, core)
    assert shell.idle.timer.interval() == 5 * 60_000  # the preferences came back with it
    from PySide6.QtWidgets import QApplication

    assert QApplication.instance().palette().window().color().lightness() < 100  # dark
    from casebook.gui import theme

    theme.apply(QApplication.instance(), "light")


def test_a_second_start_on_the_same_profile_hands_over(qtbot, tmp_path):
    from casebook.gui.single import SingleInstance

    first = SingleInstance(tmp_path / "profile")
    assert first.claim()
    other = SingleInstance(tmp_path / "another-profile")
    assert other.claim()  # another profile is another instance
    second = SingleInstance(tmp_path / "profile")
    with qtbot.waitSignal(first.activated, timeout=5_000):
        assert not second.claim()


def test_new_case_preview_and_dropped_files(qtbot, tmp_path):
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDropEvent

    dialog = NewCaseDialog("Cardiology Circle")
    qtbot.addWidget(dialog)
    dialog.title.setText("Syncope <at> rest")
    dialog.fields["findings"].setPlainText("QTc **520 ms**")
    dialog.tabs.setCurrentWidget(dialog.preview)
    shown = dialog.preview.toHtml()
    assert "Syncope &lt;at&gt; rest" in shown and "520 ms" in shown
    assert "font-weight" in shown or "<b>" in shown  # the Markdown was rendered

    picture = tmp_path / "strip.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(picture))])
    drop = QDropEvent(
        QPoint(5, 5),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    dialog.dropEvent(drop)
    assert dialog.values()["files"] == [picture]


def test_sidebar_tags_filters_sort_saved_searches_and_unread(qtbot, core, tmp_path, monkeypatch):
    from casebook.demo_data import CASES

    win = open_demo(qtbot, core, tmp_path)
    qtbot.waitUntil(lambda: win.model.rowCount() == len(CASES), timeout=15_000)
    opened = win.current_case
    assert opened is not None
    qtbot.waitUntil(lambda: not win.model.rows[win.model.row_of(opened)].unread)
    assert any(case.unread for case in win.model.rows)  # the others are still unread

    network = win.sidebar.topLevelItem(1 + len(VIEWS))  # after All networks and the views
    tag_item = network.child(0)
    tag = tag_item.data(0, Qt.ItemDataRole.UserRole).tag
    win.sidebar.setCurrentItem(tag_item)
    idle(qtbot, core)
    assert 0 < win.model.rowCount() < len(CASES)
    assert all(tag in case.tags for case in win.model.rows)

    win.select_network(None)
    win.status_filter.setCurrentIndex(win.status_filter.findData("resolved"))
    idle(qtbot, core)
    assert win.model.rows and all(case.status == "resolved" for case in win.model.rows)
    win.status_filter.setCurrentIndex(0)
    win.sort.setCurrentIndex(win.sort.findData("title"))
    idle(qtbot, core)
    shown = [case.title.lower() for case in win.model.rows]
    assert shown == sorted(shown)

    qtbot.keyClicks(win.search, "syncope")
    qtbot.waitUntil(lambda: win.model.query == "syncope" and bool(win.model.snippets))
    assert "<mark>" in win.model.data(win.model.index(0, 5))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Syncope cases", True))
    qtbot.mouseClick(win.save_search, Qt.MouseButton.LeftButton)
    idle(qtbot, core)
    win.search.clear()
    qtbot.waitUntil(lambda: win.model.query == "")
    saved_group = win.sidebar.topLevelItem(win.sidebar.topLevelItemCount() - 1)
    assert saved_group.text(0) == "Saved searches"
    saved = saved_group.child(0)
    qtbot.mouseClick(
        win.sidebar.viewport(),
        Qt.MouseButton.LeftButton,
        pos=win.sidebar.visualItemRect(saved).center(),
    )
    qtbot.waitUntil(lambda: win.model.query == "syncope" and win.search.text() == "syncope")
