"""The app's words in the user's language.

Every string a person sees goes through :func:`tr` with a literal argument, so that
``pyside6-lupdate`` finds it (``make translations`` refreshes ``resources/translations/*.ts``
and compiles them to ``.qm``). A string kept in a module-level constant is marked with
:func:`QT_TR_NOOP` (read at import, before the translator is installed) and passed through
``tr`` where it is shown. All strings share one context, the empty one.
"""

from __future__ import annotations

from pathlib import Path

import PySide6
from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from casebook.errors import Phrase
from casebook.gui import theme
from casebook.preferences import SYSTEM


def tr(text: str, disambiguation: str | None = None) -> str:
    """``text`` in the installed language (itself when nothing is installed)."""
    return QCoreApplication.translate("", text, disambiguation)


def core_text(message: str) -> str:
    """A message of the core (an error's words) in the installed language: looked up by
    its English (context "core", gathered by ``tools/core_phrases.py``); a
    :class:`~casebook.errors.Phrase` by its template, its values put into the translation."""
    if isinstance(message, Phrase):
        translated = QCoreApplication.translate("core", message.template)
        if translated == message.template:
            return str(message)
        try:
            return translated.format(*message.values)
        except (IndexError, KeyError, ValueError):  # a translation that lost a placeholder
            return str(message)
    return QCoreApplication.translate("core", message)


def QT_TR_NOOP(text: str) -> str:
    """Marks ``text`` for translation without translating it (yet)."""
    return text


def folder() -> Path:
    """Where the compiled translations (``casebook_<lang>.qm``) are."""
    return theme.resources() / "translations"


def install(app: QCoreApplication, choice: str) -> QLocale:
    """Speak ``choice`` (a language code, or ``"system"`` for the computer's languages):
    Casebook's own words and Qt's (standard buttons, key names), dates in that locale.
    A language without a translation leaves the English of the source."""
    locale = QLocale.system() if choice == SYSTEM else QLocale(choice)
    QLocale.setDefault(locale)
    for old in app.findChildren(QTranslator):
        app.removeTranslator(old)
        old.deleteLater()
    qt_folders = (  # Qt's own; in a bundle, where PyInstaller put PySide6's files
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
        str(Path(PySide6.__file__).parent / "Qt" / "translations"),
    )
    for name, places in (("casebook", (str(folder()),)), ("qtbase", qt_folders)):
        translator = QTranslator(app)
        if any(translator.load(locale, name, "_", where) for where in places):
            app.installTranslator(translator)
        else:
            translator.deleteLater()
    return locale
