"""The library window's actions, toolbar and menu bar (File, Edit, View, Network, Help).

Every command has one :class:`QAction`, shared by the menu, the toolbar and its
keyboard shortcut, so the shortcuts screen (``help_dialogs.ShortcutsDialog``) lists
exactly what the keys do.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtCore import QObject, Qt, QTimer, SignalInstance
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QLineEdit, QMainWindow, QMenu, QToolBar, QWidget

from casebook.gui.bridge import Core
from casebook.gui.help_dialogs import AboutDialog, ShortcutsDialog


class MainWindow(Protocol):
    """What of the library window (``main_window.MainWindow``) the actions use and set."""

    core: Core
    lock_requested: SignalInstance
    search_timer: QTimer
    search: QLineEdit
    new_network_action: QAction
    join_action: QAction
    new_case_action: QAction
    people_action: QAction
    bundles_action: QAction
    settings_action: QAction
    lock_action: QAction
    quit_action: QAction
    find_action: QAction
    next_action: QAction
    previous_action: QAction
    shortcuts_action: QAction
    about_action: QAction

    def tr(self, text: str) -> str: ...
    def new_network(self) -> None: ...
    def join_network(self) -> None: ...
    def new_case(self) -> None: ...
    def show_people(self) -> None: ...
    def show_bundles(self) -> None: ...
    def show_settings(self) -> None: ...
    def focus_search(self) -> None: ...
    def step(self, step: int) -> None: ...


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


def install(qt: QMainWindow, window: MainWindow) -> None:
    """Make the window's actions (named on it: ``window.new_case_action`` …), its
    toolbar with the search field, and its menu bar (``qt``: the same window, as Qt
    knows it)."""
    tr = window.tr
    window.new_network_action = _action(qt, tr("New network…"), window.new_network)
    window.join_action = _action(qt, tr("Join network…"), window.join_network)
    window.new_case_action = _action(
        qt, tr("New case…"), window.new_case, QKeySequence.StandardKey.New
    )
    window.people_action = _action(qt, tr("People…"), window.show_people)
    window.bundles_action = _action(
        qt,
        tr("Bundle files…"),
        window.show_bundles,
        tip=tr("Export or import a network's events as a file"),
    )
    window.settings_action = _action(
        qt,
        tr("Settings…"),
        window.show_settings,
        _standard(QKeySequence.StandardKey.Preferences, "Ctrl+,"),
    )
    window.lock_action = _action(
        qt,
        tr("Lock"),
        window.lock_requested.emit,
        "Ctrl+L",
        tr("Lock the library (Ctrl+L)"),
    )
    window.quit_action = _action(
        qt, tr("Quit"), _quit, _standard(QKeySequence.StandardKey.Quit, "Ctrl+Q")
    )
    window.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
    window.find_action = _action(qt, tr("Find"), window.focus_search, QKeySequence.StandardKey.Find)
    window.next_action = _action(qt, tr("Next case"), lambda: window.step(1), "Ctrl+J")
    window.previous_action = _action(qt, tr("Previous case"), lambda: window.step(-1), "Ctrl+K")
    window.shortcuts_action = _action(
        qt, tr("Keyboard shortcuts"), lambda: ShortcutsDialog(qt).exec(), "Ctrl+/"
    )
    window.about_action = _action(
        qt, tr("About Casebook"), lambda: AboutDialog(window.core, qt).exec()
    )
    window.about_action.setMenuRole(QAction.MenuRole.AboutRole)
    _toolbar(qt, window)
    _menus(qt, window)


def _quit() -> None:
    app = QApplication.instance()
    if app is not None:
        app.quit()


def _toolbar(qt: QMainWindow, window: MainWindow) -> None:
    bar = QToolBar(window.tr("Main"))
    bar.setMovable(False)
    qt.addToolBar(bar)
    for action in (
        window.new_network_action,
        window.join_action,
        window.new_case_action,
        window.people_action,
        window.bundles_action,
        window.settings_action,
        window.lock_action,
    ):
        bar.addAction(action)
    spacer = QWidget()
    spacer.setSizePolicy(
        spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy()
    )
    bar.addWidget(spacer)
    window.search = QLineEdit()
    window.search.setPlaceholderText(window.tr("Search cases and discussions  (Ctrl+F)"))
    window.search.setAccessibleName(window.tr("Search"))
    window.search.setClearButtonEnabled(True)
    window.search.setMinimumWidth(360)
    window.search.textChanged.connect(lambda _: window.search_timer.start())
    clear = QAction(window.tr("Clear the search (in the search field)"), window.search)
    clear.setShortcut(QKeySequence(Qt.Key.Key_Escape))
    clear.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    clear.triggered.connect(window.search.clear)
    window.search.addAction(clear)
    bar.addWidget(window.search)


def _menus(qt: QMainWindow, window: MainWindow) -> None:
    tr = window.tr
    bar = qt.menuBar()
    sections: list[tuple[str, list[QAction | None]]] = [
        (
            tr("&File"),
            [
                window.new_case_action,
                None,
                window.bundles_action,
                None,
                window.settings_action,
                window.lock_action,
                window.quit_action,
            ],
        ),
        (tr("&Edit"), [window.find_action]),
        (tr("&View"), [window.next_action, window.previous_action]),
        (tr("&Network"), [window.new_network_action, window.join_action, window.people_action]),
        (tr("&Help"), [window.shortcuts_action, None, window.about_action]),
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
    for action in (window.find_action, window.next_action, window.previous_action):
        qt.addAction(action)
