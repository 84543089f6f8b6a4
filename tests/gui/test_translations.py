"""The window speaks the user's language: the .ts holds every string of the source, the
French translation is complete and keeps each string's placeholders, and the main screens,
run in a pseudo-locale, show no word that escaped translation."""

from __future__ import annotations

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest
from guikit import PASS, idle, run
from pseudo import ROOT, TS, lrelease, pseudo, pseudo_qm, untranslated, visible_texts
from PySide6.QtCore import QCoreApplication, QLocale, QTranslator
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMainWindow
from screens import main_screens

from casebook import preferences
from casebook.core.passphrase import MIN_LENGTH
from casebook.core.passphrase import check as check_new_passphrase
from casebook.errors import CasebookError, Phrase, WrongPassphrase
from casebook.gui import i18n
from casebook.gui.case_model import ago
from casebook.gui.help_dialogs import ShortcutsDialog
from casebook.gui.messages import error_text
from casebook.gui.settings import SettingsDialog

GUI = sorted((ROOT / "app" / "casebook" / "gui").glob("*.py"))
TOOLS = ROOT / "tools"


def messages(ts: Path) -> dict[tuple[str, str, str], str | None]:
    out: dict[tuple[str, str, str], str | None] = {}
    for context in ET.parse(ts).iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None
            done = translation.get("type") not in ("unfinished", "vanished", "obsolete")
            key = (name, message.findtext("source") or "", message.findtext("comment") or "")
            out[key] = translation.text if done else None
    return out


def test_the_ts_holds_every_string_of_the_source(tmp_path):
    fresh, core = tmp_path / "fresh.ts", tmp_path / "core_phrases.cpp"
    lupdate = str(Path(sys.executable).with_name("pyside6-lupdate"))
    subprocess.run([sys.executable, str(TOOLS / "core_phrases.py"), str(core)], check=True)
    subprocess.run(
        [lupdate, "-silent", "-locations", "none", *map(str, GUI), str(core), "-ts", str(fresh)],
        check=True,
    )
    assert any(context == "core" for context, _, _ in messages(fresh))
    missing = set(messages(fresh)) - set(messages(TS))
    assert not missing, f"run `make translations-update`, then translate: {sorted(missing)}"
    gone = set(messages(TS)) - set(messages(fresh))
    assert not gone, f"run `make translations-update` (strings no longer used): {sorted(gone)}"


def _shape(text: str) -> tuple[list[str], list[str], int]:
    """What a translation must keep: placeholders, tags, and whether there is a mnemonic."""
    return (
        sorted(re.findall(r"\{[^}]*\}", text)),
        sorted(re.findall(r"</?([a-z0-9]+)", text)),
        len(re.findall(r"&[^ &;]", text.replace("&&", ""))) and 1,
    )


def test_the_french_translation_is_complete_and_keeps_placeholders(tmp_path):
    problems = []
    for (context, source, comment), translation in messages(TS).items():
        if not translation:
            problems.append(f"untranslated: {context}: {source!r}")
        elif _shape(translation) != _shape(source):
            problems.append(f"shape differs: {source!r} -> {translation!r}")
    assert not problems, "\n".join(problems)
    qm = tmp_path / "casebook_fr.qm"
    subprocess.run([lrelease(), "-silent", str(TS), "-qm", str(qm)], check=True)
    assert qm.stat().st_size > 1000


def test_pseudo_text_keeps_placeholders_and_keys():
    assert pseudo("Save {name} <b>now</b> (Ctrl+S)") == "Šàṽé {name} <b>ñöŵ</b> (Ctrl+S)"
    assert untranslated([("x", "Šàṽé Αλίκη 1f2e3d4c Ctrl+S")]) == []
    assert untranslated([("x", "Save")]) == [("x", "Save")]


@pytest.fixture
def pseudo_locale(tmp_path):
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    translator = QTranslator()
    assert translator.load(str(pseudo_qm(tmp_path)))
    app.installTranslator(translator)
    QLocale.setDefault(QLocale("el_GR"))
    yield
    app.removeTranslator(translator)
    QLocale.setDefault(QLocale("en_US"))


def test_main_screens_show_no_untranslated_word(qtbot, core, tmp_path, pseudo_locale):
    problems: list[str] = []
    for screen, widget in main_screens(qtbot, core, tmp_path):
        QCoreApplication.processEvents()
        for where, text in untranslated(visible_texts(widget)):
            problems.append(f"{screen} / {where}: {text!r}")
    assert not problems, "untranslated:\n" + "\n".join(problems)


@pytest.fixture
def french(tmp_path, monkeypatch):
    """The French translation compiled as `make translations` does, then installed."""
    out = tmp_path / "translations"
    out.mkdir()
    subprocess.run([lrelease(), "-silent", str(TS), "-qm", str(out / "casebook_fr.qm")], check=True)
    monkeypatch.setattr(i18n, "folder", lambda: out)
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    yield i18n.install(app, "fr")
    i18n.install(app, "en")
    QLocale.setDefault(QLocale("en_US"))


def test_the_window_speaks_french_when_chosen(qtbot, core, french):
    assert french.language() == QLocale.Language.French
    window = QMainWindow()
    qtbot.addWidget(window)
    dialog = ShortcutsDialog(window)
    assert dialog.windowTitle() == "Raccourcis clavier"
    close = dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Close)
    assert close.text().replace("&", "") == "Fermer"  # Qt's own words, from its French catalogue
    now = datetime(2026, 12, 4, 12, 0)  # a Friday; three days before, a Tuesday
    assert ago(int(datetime(2026, 12, 1, 9, 0).timestamp() * 1000), now) == "mardi"
    assert ago(int(datetime(2026, 12, 4, 9, 0).timestamp() * 1000), now) == "il y a 3 h"


def test_settings_keep_the_language_for_the_next_start(qtbot, core, tmp_path):
    run(qtbot, core, lambda s: s.create(tmp_path / "p", "Dr. Lang", PASS))
    dialog = SettingsDialog(core)
    qtbot.addWidget(dialog)
    dialog.show()
    idle(qtbot, core)
    assert dialog.language.currentData() == "system"
    dialog.language.setCurrentIndex(dialog.language.findData("fr"))
    qtbot.waitUntil(dialog.language_note.isVisible, timeout=10_000)
    assert preferences.language(tmp_path / "p") == "fr"
    assert "next time" in dialog.language_note.text()


def test_the_cores_refusals_are_worded_in_french(qtbot, core, french):
    """The core has no Qt: its messages are English, gathered by tools/core_phrases.py and
    translated where the window shows them, values put into the translated template."""
    with pytest.raises(CasebookError) as short:
        check_new_passphrase("short")
    english = short.value.message
    assert isinstance(english, Phrase) and str(MIN_LENGTH) in english
    worded = error_text(short.value)
    assert worded != english and str(MIN_LENGTH) in worded
    assert "caractères" in worded
    assert error_text(WrongPassphrase()).startswith("Phrase secrète incorrecte")
    assert error_text(CasebookError("words nobody translated")) == "words nobody translated"
