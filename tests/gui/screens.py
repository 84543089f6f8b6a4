"""The app's main screens one after another, each shown and settled, on a library whose
every word of data is Greek (so any Latin word in a window is one of the app's own)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from guikit import PASS, idle
from PySide6.QtWidgets import QMenu, QWidget

from casebook.core.profile import Profile
from casebook.gui.app import Shell
from casebook.gui.bundles import BundleDialog
from casebook.gui.compose import NewCaseDialog
from casebook.gui.devices_view import DevicesDialog
from casebook.gui.help_dialogs import AboutDialog, ShortcutsDialog
from casebook.gui.invites_view import InviteDialog
from casebook.gui.network_dialogs import JoinDialog, NewNetworkDialog
from casebook.gui.people import PeopleDialog
from casebook.gui.settings import SettingsDialog

GREEK = "Καρδιολογικός κύκλος"


def greek_library(directory: Path) -> None:
    p = Profile.create(directory, "Αλίκη Μορό", PASS)
    try:
        net = p.library.create_network(GREEK, "Αλίκη Μορό")
        first = p.library.post_case(
            net,
            title="Συγκοπή κατά την άσκηση",
            body="Νεαρός αθλητής με συγκοπή.\n\nΗΚΓ φυσιολογικό.",
            tags=["k1"],  # tags are ASCII letters, digits and hyphens
        )
        p.library.post_case(net, title="Θωρακικό άλγος", body="Άλγος στο στήθος.", tags=["p2"])
        comment = p.library.comment(first, "Υπερηχογράφημα πρώτα.")
        p.library.reply(comment, "Συμφωνώ.")
    finally:
        p.close()


def main_screens(qtbot, core, tmp_path: Path) -> Iterator[tuple[str, QWidget]]:
    """(name, window) of each screen: the onboarding pages of a new profile, the unlock
    page, the library with a case open, its menus, a search, then each dialog."""
    fresh = Shell(core, tmp_path / "fresh")
    qtbot.addWidget(fresh)
    fresh.show()
    idle(qtbot, core)
    pages = fresh.onboarding
    for index in range(pages.count()):  # welcome, create, link, recover, restore, key…
        pages.setCurrentIndex(index)
        yield f"onboarding page {index} ({type(pages.currentWidget()).__name__})", fresh
    fresh.close()

    greek_library(tmp_path / "greek")
    shell = Shell(core, tmp_path / "greek")
    qtbot.addWidget(shell)
    shell.show()
    idle(qtbot, core)
    yield "unlock", shell
    shell.onboarding.unlock_page.passphrase.setText(PASS)
    shell.onboarding.unlock_page.button.click()
    qtbot.waitUntil(lambda: shell.library is not None, timeout=30_000)
    win = shell.library
    assert win is not None
    qtbot.addWidget(win)
    idle(qtbot, core)
    qtbot.waitUntil(lambda: win.model.rowCount() == 2, timeout=15_000)
    win.table.selectRow(0)
    qtbot.waitUntil(lambda: win.case_actions.loaded is not None, timeout=15_000)
    idle(qtbot, core)
    yield "library", win
    for menu in win.menuBar().findChildren(QMenu):
        yield f"menu {menu.title()}", menu
    win.search.setText("συγκοπή")
    qtbot.waitUntil(lambda: win.model.query == "συγκοπή", timeout=15_000)
    idle(qtbot, core)
    yield "search", win

    network = win._selected_network()
    assert network is not None
    net = bytes.fromhex(network["id"])
    for dialog, name in (
        (PeopleDialog(core, network, win), "people"),
        (InviteDialog(core, net, win), "invite"),
        (JoinDialog(core, "Αλίκη", win), "join"),
        (NewNetworkDialog(win), "new network"),
        (SettingsDialog(core, win), "settings"),
        (DevicesDialog(core, win), "devices"),
        (BundleDialog(core, win.networks, win), "bundles"),
        (ShortcutsDialog(win), "shortcuts"),
        (NewCaseDialog(GREEK, win), "new case"),
        (AboutDialog(core, win), "about"),
    ):
        qtbot.addWidget(dialog)
        dialog.show()
        idle(qtbot, core)
        yield name, dialog
        dialog.close()
