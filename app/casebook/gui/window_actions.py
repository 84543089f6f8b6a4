"""The library window's actions, toolbar and menu bar (File, Edit, View, Network, Help).

Every command has one :class:`QAction`, shared by the menu, the toolbar and its
keyboard shortcut, so the shortcuts screen (``help_dialogs.ShortcutsDialog``) lists
exactly what the keys do. ``install`` returns them as one :class:`WindowActions`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QTimer, SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QMenu, QToolBar, QWidget

from casebook.gui.bridge import Core
from casebook.gui.help_dialogs import AboutDialog, ShortcutsDialog
from casebook.gui.i18n import tr


class MainWindow(Protocol):
    """What of the library window (``main_window.MainWindow``) the actions use."""

    core: Core
    lock_requested: SignalInstance
    search_timer: QTimer

    def new_network(self) -> None: ...
    def join_network(self) -> None: ...
    def new_case(self) -> None: ...
    def show_people(self) -> None: ...
    def show_moderation(self) -> None: ...
    def show_bundles(self) -> None: ...
    def export_teaching(self) -> None: ...
    def show_settings(self) -> None: ...
    def focus_search(self) -> None: ...
    def step(self, step: int) -> None: ...


@dataclass(frozen=True)
class WindowActions:
    """The window's commands, and the search field in its toolbar."""

    new_network: QAction
    join: QAction
    new_case: QAction
    people: QAction
    moderation: QAction
    bundles: QAction
    teaching: QAction
    settings: QAction
    lock: QAction
    quit: QAction
    find: QAction
    next: QAction
    previous: QAction
    shortcuts: QAction
    about: QAction
    search: QLineEdit


Keys = QKeySequence | QKeySequence.StandardKey | str | None


def _standard(key: QKeySequence.StandardKey, fallback: str) -> QKeySequence:
    """The platform's keys for ``key``, or ``fallback`` where it has none (Quit and
    Preferences have none on some Linux desktops)."""
    bindings = QKeySequence.keyBindings(key)
    return bindings[0] if bindings else QKeySequence(fallback)


def _action(
    parent: QObject, text: str, slot: Callable[[], object], keys: Keys = None, tip: str = ""
) -> QAction:
    action = QAction(text, parent)
    if keys is not None:
        action.setShortcut(QKeySequence(keys))
    if tip:
        action.setToolTip(tip)
    action.triggered.connect(lambda _=False: slot())
    return action


def install(qt: QMainWindow, window: MainWindow) -> WindowActions:
    """Make the window's actions, its toolbar with the search field, and its menu bar
    (``qt``: the same window, as Qt knows it)."""
    quit_ = _action(qt, tr("Quit"), _quit, _standard(QKeySequence.StandardKey.Quit, "Ctrl+Q"))
    quit_.setMenuRole(QAction.MenuRole.QuitRole)
    about = _action(qt, tr("About Casebook"), lambda: AboutDialog(window.core, qt).exec())
    about.setMenuRole(QAction.MenuRole.AboutRole)
    actions = WindowActions(
        new_network=_action(qt, tr("New network…"), window.new_network),
        join=_action(qt, tr("Join network…"), window.join_network),
        new_case=_action(qt, tr("New case…"), window.new_case, QKeySequence.StandardKey.New),
        people=_action(qt, tr("People…"), window.show_people),
        moderation=_action(
            qt,
            tr("Moderation inbox…"),
            window.show_moderation,
            tip=tr("Flagged cases and comments, and what moderators did (moderators, admins)"),
        ),
        bundles=_action(
            qt,
            tr("Bundle files…"),
            window.show_bundles,
            tip=tr("Export or import a network's events as a file"),
        ),
        teaching=_action(
            qt,
            tr("Export for teaching…"),
            window.export_teaching,
            tip=tr("The case shown, as a PDF for teaching (when its consent covers teaching)"),
        ),
        settings=_action(
            qt,
            tr("Settings…"),
            window.show_settings,
            _standard(QKeySequence.StandardKey.Preferences, "Ctrl+,"),
        ),
        lock=_action(
            qt, tr("Lock"), window.lock_requested.emit, "Ctrl+L", tr("Lock the library (Ctrl+L)")
        ),
        quit=quit_,
        find=_action(qt, tr("Find"), window.focus_search, QKeySequence.StandardKey.Find),
        next=_action(qt, tr("Next case"), lambda: window.step(1), "Ctrl+J"),
        previous=_action(qt, tr("Previous case"), lambda: window.step(-1), "Ctrl+K"),
        shortcuts=_action(
            qt, tr("Keyboard shortcuts"), lambda: ShortcutsDialog(qt).exec(), "Ctrl+/"
        ),
        about=about,
        search=_search_field(window),
    )
    _toolbar(qt, actions)
    _menus(qt, actions)
    return actions


def _quit() -> None:
    app = QApplication.instance()
    if app is not None:
        app.quit()


def _search_field(window: MainWindow) -> QLineEdit:
    search = QLineEdit()
    search.setPlaceholderText(tr("Search cases and discussions  (Ctrl+F)"))
    search.setAccessibleName(tr("Search"))
    search.setClearButtonEnabled(True)
    search.setMinimumWidth(360)
    search.textChanged.connect(lambda _: window.search_timer.start())
    clear = QAction(tr("Clear the search (in the search field)"), search)
    clear.setShortcut(QKeySequence(Qt.Key.Key_Escape))
    clear.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    clear.triggered.connect(search.clear)
    search.addAction(clear)
    return search


def _toolbar(qt: QMainWindow, a: WindowActions) -> None:
    bar = QToolBar(tr("Main"))
    bar.setMovable(False)
    qt.addToolBar(bar)
    for action in (a.new_network, a.join, a.new_case, a.people, a.bundles, a.settings, a.lock):
        bar.addAction(action)
    spacer = QWidget()
    spacer.setSizePolicy(
        spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy()
    )
    bar.addWidget(spacer)
    bar.addWidget(a.search)


def _menus(qt: QMainWindow, a: WindowActions) -> None:
    bar = qt.menuBar()
    sections: list[tuple[str, list[QAction | None]]] = [
        (
            tr("&File"),
            [a.new_case, a.teaching, None, a.bundles, None, a.settings, a.lock, a.quit],
        ),
        (tr("&Edit"), [a.find]),
        (tr("&View"), [a.next, a.previous]),
        (tr("&Network"), [a.new_network, a.join, a.people, a.moderation]),
        (tr("&Help"), [a.shortcuts, None, a.about]),
    ]
    for title, actions in sections:
        menu = QMenu(title, bar)
        for action in actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        bar.addMenu(menu)
    # Actions with keys but no menu still work while the window has focus.
    for action in (a.find, a.next, a.previous):
        qt.addAction(action)
