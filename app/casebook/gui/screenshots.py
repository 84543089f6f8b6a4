"""``make screenshots``: render the main screens offscreen into PNG files.

    python -m casebook.gui.screenshots docs/screenshots

Everything shown is real: a fresh profile for the onboarding screens, and the demo
library (fictional colleagues and cases, built the real way) for the rest.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication, QWidget

from casebook.core.profile import Profile
from casebook.demo_data import POLL_CASE
from casebook.gui import i18n, teaching_export, theme, withdraw_dialog
from casebook.gui.app import Shell
from casebook.gui.bridge import Core
from casebook.gui.bundles import BundleDialog
from casebook.gui.collector import MainThreadCollector
from casebook.gui.compose import NewCaseDialog, post_job
from casebook.gui.flag_actions import FlagDialog
from casebook.gui.help_dialogs import AboutDialog, ShortcutsDialog
from casebook.gui.invites_view import InviteDialog
from casebook.gui.main_window import MainWindow
from casebook.gui.moderation_inbox import ModerationInbox
from casebook.gui.network_dialogs import JoinDialog, NewNetworkDialog
from casebook.gui.people import PeopleDialog
from casebook.gui.poll_dialogs import AnswerPollDialog, AskPollDialog
from casebook.gui.settings import SettingsDialog
from casebook.session import Session


def wait(until: Callable[[], bool], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not until():
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        QApplication.processEvents()
        time.sleep(0.01)


def settle(core: Core, seconds: float = 0.3) -> None:
    wait(lambda: core.pending == 0)
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        QApplication.processEvents()
        time.sleep(0.01)


def shoot(widget: QWidget, out: Path, name: str) -> None:
    widget.show()
    QApplication.processEvents()
    path = out / f"{name}.png"
    widget.grab().save(str(path))
    print(path)


def onboarding(core: Core, scratch: Path, out: Path) -> None:
    shell = Shell(core, scratch / "new-profile")
    shell.show()
    settle(core)
    page = shell.onboarding.create_page
    page.name.setText("Dr. Alice Moreau")
    page.passphrase.setText("heron quartz lantern meadow")
    page.repeat.setText("heron quartz lantern meadow")
    shoot(shell, out, "onboarding")
    shell.close()

    Profile.create(scratch / "existing", "Dr. Alice Moreau", "heron quartz lantern").close()
    shell = Shell(core, scratch / "existing")
    shell.show()
    settle(core)
    unlock = shell.onboarding.unlock_page
    unlock.passphrase.setText("heron quartz lanter")  # one letter short
    unlock.button.click()
    settle(core)
    wait(lambda: unlock.error.isVisible())
    shoot(shell, out, "unlock")
    shell.close()


def demo_library(core: Core, folder: Path) -> MainWindow:
    """The demo library's window in ``folder``, its network chosen, settled."""
    shell = Shell(core, folder / "profile", demo=True)
    shell.show()
    wait(lambda: shell.library is not None, 60)
    win = shell.library
    assert win is not None
    settle(core)
    win.select_network(win.networks[0]["id"])
    settle(core)
    return win


def library(core: Core, scratch: Path, out: Path, app: QApplication) -> None:
    theme.apply(app, "light")
    win = demo_library(core, scratch / "demo")
    win.table.selectRow(2)
    settle(core, 0.6)
    shoot(win, out, "library")

    network = win._selected_network()
    assert network is not None
    people = PeopleDialog(core, network, win)
    settle(core)
    shoot(people, out, "people")
    invite = InviteDialog(core, bytes.fromhex(network["id"]), win)
    invite.create_button.click()
    wait(lambda: bool(invite.code.toPlainText()))
    settle(core)
    shoot(invite, out, "invite")
    code = invite.code.toPlainText()
    invite.close()
    people.close()
    bundles(core, win, code, scratch, out)
    consent_shots(core, win, scratch, out)
    teaching_shots(core, win, scratch, out)
    withdrawal_shots(core, win, out)
    poll_shots(core, win, out)
    queue_shot(core, win, out)
    flag_shots(core, win, out)

    for dialog, name in (
        (NewNetworkDialog(win), "new-network"),
        (JoinDialog(core, "Dr. Bob Lee", win), "join"),
        (SettingsDialog(core, win), "settings"),
        (ShortcutsDialog(win), "shortcuts"),
        (AboutDialog(core, win), "about"),
    ):
        settle(core)
        shoot(dialog, out, name)
        dialog.close()

    win.search.setText("syncope")
    wait(lambda: win.model.query == "syncope")
    win.table.selectRow(0)
    settle(core, 0.6)
    shoot(win, out, "search")

    theme.apply(app, "dark")
    win.search.clear()
    wait(lambda: win.model.query == "")
    win.table.selectRow(4)
    settle(core, 0.6)
    shoot(win, out, "library-dark")
    titles = [row.title for row in win.model.rows]
    win.table.selectRow(next((i for i, t in enumerate(titles) if "confusion" in t), 0))
    settle(core, 0.6)
    case_pane = win.viewer.parentWidget()
    assert case_pane is not None
    shoot(case_pane, out, "case-dark")  # the open case alone
    theme.apply(app, "light")
    win.close()


def french(core: Core, scratch: Path, out: Path, app: QApplication) -> None:
    """The same library in French (the translation `make translations` compiles)."""
    i18n.install(app, "fr")
    try:
        win = demo_library(core, scratch / "demo-fr")
        win.table.selectRow(2)
        settle(core, 0.6)
        shoot(win, out, "library-fr")
        win.close()
    finally:
        i18n.install(app, "en")


def bundles(core: Core, win: MainWindow, code: str, scratch: Path, out: Path) -> None:
    """The Bundle files window: an export, then a colleague's bundle coming back. The
    colleague (a scratch profile) joins offline from the export and the invite ``code``,
    writes two cases and a comment, and sends a bundle of their own."""
    network = win._selected_network()
    assert network is not None
    dialog = BundleDialog(core, win.networks, win)
    dialog.network.setCurrentIndex(max(0, dialog.network.findData(network["id"])))
    export = scratch / "cardiology-circle.casebook-bundle"
    dialog.export_to(export)
    settle(core)
    shoot(dialog, out, "bundle-export")
    colleague = Profile.create(scratch / "colleague", "Dr. Bob Lee", "heron quartz lantern")
    net = bytes.fromhex(network["id"])
    colleague.bundles.join(colleague.invitations.read_code(code), export, "Dr. Bob Lee")
    first = colleague.library.post_case(
        net, title="Palpitations on a long flight", body="A 41-year-old pilot, no history."
    )
    colleague.library.post_case(net, title="Syncope while shaving", body="Carotid sinus?")
    colleague.library.comment(first, "Holter first; the flight matters less than it seems.")
    back = scratch / "from-bob.casebook-bundle"
    colleague.bundles.export(net, back)
    colleague.close()
    dialog.import_from(back)
    settle(core)
    shoot(dialog, out, "bundle-import")
    dialog.close()


def consent_shots(core: Core, win: MainWindow, scratch: Path, out: Path) -> None:
    """The new-case form with a photo that shows the patient and written consent, then
    that case as it reads (the record, the marks, the signed form not previewed)."""
    network = win._selected_network()
    assert network is not None
    photo, form = scratch / "livedo-thigh.png", scratch / "signed-consent.txt"
    picture = QImage(320, 200, QImage.Format.Format_RGB32)
    picture.fill(QColor("#c9806f"))
    picture.save(str(photo))
    form.write_text("Consent to share photographs for teaching: signed, 30 November 2026.")
    dialog = NewCaseDialog(network["name"], win)
    dialog.title.setText("Livedo reticularis after amantadine")
    dialog.fields["presentation"].setPlainText("Mottled thighs two months after starting.")
    dialog.files.addItem(str(photo))
    dialog.files.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.consent.kind.setCurrentIndex(dialog.consent.kind.findData("written"))
    dialog.consent.scopes["teaching"].setChecked(True)
    dialog.consent.set_form(form)
    dialog.show()
    settle(core)
    shoot(dialog, out, "new-case-consent")
    post = post_job(bytes.fromhex(network["id"]), dialog.values())
    dialog.close()
    answers: list[object] = []
    core.call(post, answers.append, answers.append)
    wait(lambda: bool(answers))
    if isinstance(answers[0], Exception):
        raise answers[0]
    assert isinstance(answers[0], bytes)
    win.open_case(answers[0])  # as the form's answer does
    wait(lambda: "Livedo reticularis" in win.viewer.toPlainText())
    settle(core, 0.6)
    pane = win.viewer.parentWidget()
    assert pane is not None
    shoot(pane, out, "case-consent")


# Renders a PDF's first page to PNG with PDFium (a development tool, not part of the app).
PDF_TO_PNG = (
    "import sys, pypdfium2; page = pypdfium2.PdfDocument(sys.argv[1])[0]; "
    "page.render(scale=1.4).to_pil().save(sys.argv[2])"
)


def teaching_shots(core: Core, win: MainWindow, scratch: Path, out: Path) -> None:
    """Export for teaching: the dialog, then the PDF it writes (its first page)."""
    loaded = win.case_actions.loaded
    assert loaded is not None
    dialog = teaching_export.TeachingDialog(win, loaded.case.summary.title)
    dialog.show()
    settle(core)
    shoot(dialog, out, "export-teaching")
    dialog.close()
    pdf, case_id = scratch / "teaching.pdf", loaded.case.summary.id

    async def job(s: Session) -> int:
        return await s.teaching_pdf(case_id, pdf, "roles")

    answers: list[object] = []
    core.call(job, answers.append, answers.append)
    wait(lambda: bool(answers))
    if isinstance(answers[0], Exception):
        raise answers[0]
    subprocess.run([sys.executable, "-c", PDF_TO_PNG, str(pdf), str(out / "teaching-pdf.png")])


def withdrawal_shots(core: Core, win: MainWindow, out: Path) -> None:
    """The confirmation that withdraws the case shown, then its tombstone."""
    loaded = win.case_actions.loaded
    assert loaded is not None
    case_id = loaded.case.summary.id
    dialog = withdraw_dialog.dialog(win, loaded.case.summary.title)
    dialog.show()
    settle(core)
    shoot(dialog, out, "withdraw-confirm")
    reason = dialog.value()
    dialog.close()
    answers: list[object] = []
    core.call(lambda s: s.p.library.withdraw(case_id, reason), answers.append, answers.append)
    wait(lambda: bool(answers))
    if isinstance(answers[0], Exception):
        raise answers[0]
    win.case_changed(case_id)
    wait(lambda: "Withdrawn case" in win.viewer.toPlainText())
    settle(core, 0.6)
    shoot(win, out, "case-withdrawn")


def poll_shots(core: Core, win: MainWindow, out: Path) -> None:
    """The demo user's case with its differential poll: blinded, the dialogs that ask and
    answer, then the pooled differential once they have answered, and each member's
    answer as the admin sees it to hide one."""
    titles = [row.title for row in win.model.rows]
    win.table.selectRow(titles.index(POLL_CASE))
    wait(lambda: "Poll:" in win.viewer.toPlainText())
    loaded = win.case_actions.loaded
    assert loaded is not None
    settle(core, 0.6)
    win.viewer.scrollToAnchor(f"p{loaded.polls[0].id.hex()}")
    shoot(win, out, "poll-before")
    ask = AskPollDialog(win)
    ask.question.setText("What would you do next?")
    ask.kind.setCurrentIndex(1)
    ask.options.setPlainText("Compression ultrasound today\nD-dimer first\nStart anticoagulation")
    ask.show()
    settle(core)
    shoot(ask, out, "poll-ask")
    ask.close()
    dialog = AnswerPollDialog(win, loaded.polls[0], loaded.suggestions)
    for line, text in zip(dialog.lines, ("Deep vein thrombosis", "Cellulitis"), strict=False):
        line.setText(text)
    dialog.show()
    settle(core)
    shoot(dialog, out, "poll-answer")
    ranks = dialog.ranks()
    dialog.close()
    poll_id = loaded.polls[0].id
    answers: list[object] = []
    core.call(lambda s: s.p.polls.answer(poll_id, ranks=ranks), answers.append, answers.append)
    wait(lambda: bool(answers))
    if isinstance(answers[0], Exception):
        raise answers[0]
    win.case_changed(loaded.case.summary.id)
    wait(lambda: "Pooled differential" in win.viewer.toPlainText())
    settle(core, 0.6)
    win.viewer.scrollToAnchor(f"p{poll_id.hex()}")
    shoot(win, out, "poll-pooled")
    win.case_actions.polls.moderate(poll_id)  # the admin sees each member's answer
    each = win.case_actions.polls.answers_dialog
    wait(lambda: each.table.rowCount() > 0)
    each.table.selectRow(0)
    settle(core)
    shoot(each, out, "poll-answers")
    each.close()


def queue_shot(core: Core, win: MainWindow, out: Path) -> None:
    """The answer queue: the cases awaiting the demo user's reply (a colleague mentioned
    them), chosen in the sidebar."""
    rows = {i.text(0): i for i in win.sidebar._items()}
    win.sidebar.setCurrentItem(rows["Awaiting my reply"])
    wait(lambda: bool(win.model.rows) and win.sidebar.current().view == "awaiting")
    titles = [row.title for row in win.model.rows]
    win.table.selectRow(titles.index("New AF with rapid ventricular response after hip surgery"))
    settle(core, 0.6)
    shoot(win, out, "queue-awaiting")
    win.sidebar.setCurrentItem(rows["All networks"])
    settle(core)


def flag_shots(core: Core, win: MainWindow, out: Path) -> None:
    """The flag dialog on a colleague's comment, and the moderators' inbox with the demo's
    flags (the demo user is the network's admin), one of them held under the policy."""
    titles = [row.title for row in win.model.rows]
    win.table.selectRow(titles.index("Persistent hyponatraemia in a young woman on an SSRI"))
    settle(core, 0.6)
    dialog = FlagDialog(win, "case")
    dialog.reason.setCurrentIndex(1)
    shoot(dialog, out, "flag")
    dialog.close()
    network = win._selected_network()
    assert network is not None
    # The policy holds what two members flagged (as the next sync would, on this admin's
    # computer): the inbox shows it held.
    net = bytes.fromhex(network["id"])
    answers: list[object] = []
    core.call(
        lambda s: (s.p.governance.set_moderation_policy(net, 2), s.p.governance.hold_flagged(net)),
        answers.append,
        answers.append,
    )
    wait(lambda: bool(answers))
    inbox = ModerationInbox(core, network, win.open_case, win)
    wait(lambda: inbox.table.rowCount() > 0)
    settle(core)
    shoot(inbox, out, "moderation-inbox")
    inbox.close()


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out = Path(args[0] if args else "docs/screenshots")
    out.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # read when the app is made
    app = QApplication.instance() or QApplication([sys.argv[0]])
    assert isinstance(app, QApplication)
    app.setStyle("Fusion")
    app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, True)
    theme.apply(app, "light")
    collector = MainThreadCollector(app)
    core = Core()
    try:
        with tempfile.TemporaryDirectory(prefix="casebook-shots-") as scratch:
            onboarding(core, Path(scratch), out)
            library(core, Path(scratch), out, app)
            french(core, Path(scratch), out, app)
            core.shutdown()  # close the profiles before their folder is removed
    finally:
        core.shutdown()
        collector.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
