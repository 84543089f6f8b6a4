"""The library window: networks on the left, cases in the middle, the open case right."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QEvent, QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QKeySequence, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from casebook.core.library.search import Filters
from casebook.gui import case_view, teaching_export, window_actions
from casebook.gui.bridge import Core, Job
from casebook.gui.bundles import BundleDialog
from casebook.gui.case_actions import CaseActions
from casebook.gui.case_jobs import Loaded
from casebook.gui.case_model import CaseListModel, case_table
from casebook.gui.compose import NewCaseDialog, post_job
from casebook.gui.drafts import ReplyDrafts
from casebook.gui.highlight import highlight
from casebook.gui.live import LiveUpdates
from casebook.gui.messages import error_text
from casebook.gui.moderation_inbox import ModerationInbox
from casebook.gui.network_dialogs import JoinDialog, NewNetworkDialog
from casebook.gui.people import PeopleDialog
from casebook.gui.publish import Publisher
from casebook.gui.settings import SettingsDialog
from casebook.gui.sidebar import Choice, Sidebar, Tags, sidebar_counts
from casebook.gui.sync_status import SyncIndicator
from casebook.session import Session


def _link_colour(widget: QWidget) -> str:
    return widget.palette().color(QPalette.ColorRole.Link).name()


class MainWindow(QMainWindow):
    lock_requested = Signal()
    lock_minutes_changed = Signal(int)
    # Made in _build_layout; named here because __init__ and a lambda refer to them first.
    reply: QPlainTextEdit
    sync_indicator: SyncIndicator

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core
        self.current_case: bytes | None = None
        self.networks: list[dict[str, Any]] = []
        self.tags: Tags = {}  # network hex id → (tag, cases, unread)
        self.views: dict[str, int] = {}  # "mine", "awaiting" → cases
        self.saved: list[dict[str, Any]] = []  # saved searches
        self._tags_due = False
        self.setWindowTitle("Casebook")
        self.resize(1280, 800)
        core.error.connect(self.show_error)
        self.commands = window_actions.install(self, self)
        self.search = self.commands.search
        self._build_layout()
        self.search_timer = QTimer(self, singleShot=True, interval=150)
        self.search_timer.timeout.connect(self._run_search)
        self.live = LiveUpdates(core, self, self.sync_indicator)
        self.live.changed.connect(self._synced)
        self.live.delivered.connect(self._delivered)
        self.refresh_networks()
        self.live.start()

    # -- construction ---------------------------------------------------------------
    def flush_drafts(self) -> None:
        """Save what is being written now (before a lock or quitting)."""
        self.reply_drafts.flush()

    def changeEvent(self, event: QEvent) -> None:
        """A new theme: the open case is drawn again in its colours."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and hasattr(self, "viewer"):
            self.viewer.document().setDefaultStyleSheet(case_view.style(_link_colour(self)))
            if self.case_actions.loaded is not None:
                self.case_actions.present(self.case_actions.loaded)

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _build_layout(self) -> None:
        split = QSplitter()
        self.setCentralWidget(split)
        self.sidebar = Sidebar()
        self.sidebar.chosen.connect(self._chose)
        split.addWidget(self.sidebar)

        self.model = CaseListModel(self.core, self)
        self.model.loaded.connect(self._loaded)
        self.table = case_table(self.model, self.font())
        self.table.selectionModel().currentRowChanged.connect(self._case_selected)
        middle = QWidget()
        stack = QVBoxLayout(middle)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.addLayout(self._build_filter_bar())
        stack.addWidget(self.table, 1)
        split.addWidget(middle)

        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        self.viewer = QTextBrowser()
        self.viewer.setAccessibleName(self.tr("Case"))
        self.viewer.document().setDefaultStyleSheet(case_view.style(_link_colour(self)))
        self.viewer.setOpenLinks(False)
        self.viewer.anchorClicked.connect(self._link)
        self.case_actions = CaseActions(self, self.core, self.viewer)
        self.case_actions.message.connect(self._say)
        self.case_actions.failed.connect(self.show_error)
        self.case_actions.changed.connect(self.case_changed)
        self.case_actions.reply_wanted.connect(lambda: self.reply.setFocus())
        column.addWidget(self.case_actions.bar)
        column.addWidget(self.viewer, 1)
        column.addWidget(self.case_actions.reply_line)
        self.reply = QPlainTextEdit()
        self.reply.setTabChangesFocus(True)  # Tab moves on; the keyboard never gets stuck
        self.reply.setAccessibleName(self.tr("Reply"))
        self.reply.setPlaceholderText(self.tr("Write a reply (Markdown)…"))
        self.reply.setFixedHeight(90)
        column.addWidget(self.reply)
        self.reply_notice = QLabel()  # what the de-identification check found in a reply
        self.reply_notice.setObjectName("error")
        self.reply_notice.setAccessibleName(self.tr("Possible patient identifiers"))
        self.reply_notice.setWordWrap(True)
        self.reply_notice.hide()
        column.addWidget(self.reply_notice)
        self.reply_button = QPushButton(self.tr("Reply"))
        self.reply_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.reply_button.clicked.connect(self.send_reply)
        column.addWidget(self.reply_button, alignment=Qt.AlignmentFlag.AlignRight)
        self.replies = Publisher(self.core, self.reply_button, self.reply_notice, self.show_error)
        self.reply.textChanged.connect(self._reply_changed)
        self.reply_drafts = ReplyDrafts(self.core, self.reply, self)
        split.addWidget(right)
        split.setSizes([270, 640, 370])
        self.count_label = QLabel()
        self.statusBar().addWidget(self.count_label)
        self.sync_indicator = SyncIndicator()
        self.statusBar().addPermanentWidget(self.sync_indicator)
        self.statusBar().addPermanentWidget(
            QLabel(self.tr("Local library · encrypted on this computer"))
        )
        self._show_case_placeholder()

    def _build_filter_bar(self) -> QHBoxLayout:
        bar = QHBoxLayout()
        bar.setContentsMargins(2, 2, 2, 2)
        self.status_filter = QComboBox()
        self.status_filter.setAccessibleName(self.tr("Status"))
        for label, value in (
            (self.tr("Open and resolved"), None),
            (self.tr("Open"), "open"),
            (self.tr("Resolved"), "resolved"),
        ):
            self.status_filter.addItem(label, value)
        self.status_filter.currentIndexChanged.connect(lambda _: self._filters_changed())
        self.sort = QComboBox()
        self.sort.setAccessibleName(self.tr("Sort by"))
        for label, value in (
            (self.tr("Recent activity"), "activity"),
            (self.tr("Newest"), "newest"),
            (self.tr("Oldest"), "oldest"),
            (self.tr("Title"), "title"),
            (self.tr("Most replies"), "replies"),
        ):
            self.sort.addItem(label, value)
        self.sort.currentIndexChanged.connect(
            lambda _: self.model.reload(sort=str(self.sort.currentData()))
        )
        self.save_search = QPushButton(self.tr("Save search…"))
        self.save_search.setEnabled(False)
        self.save_search.clicked.connect(self.save_current_search)
        bar.addWidget(self.status_filter)
        bar.addWidget(QLabel(self.tr("Sort:")))
        bar.addWidget(self.sort)
        bar.addStretch(1)
        bar.addWidget(self.save_search)
        return bar

    # -- networks ---------------------------------------------------------------------
    def refresh_networks(self, select: Choice | str | None = None) -> None:
        """Reload the sidebar and the list; keep ``select`` (a Choice, or a network's hex
        id) chosen. Tags come second: counting them takes ~0.1 s on 100,000 cases, and
        the list should not wait for it."""
        choice = Choice(net=select) if isinstance(select, str) else select

        def job(s: Session) -> tuple[list[dict[str, Any]], list[Any], bytes]:
            nets, unread = s.p.queries.networks(), s.p.queries.unread_by_network()
            for net in nets:
                net["unread"] = unread.get(net["id"], 0)
            return nets, s.p.settings.get("saved_searches"), s.p.member

        self.core.call(job, lambda result: self._networks(result, choice))

    def _networks(
        self, result: tuple[list[dict[str, Any]], list[Any], bytes], select: Choice | None
    ) -> None:
        nets, self.saved, self.sidebar.me = result
        self.networks = nets
        self.sidebar.fill(nets, self.tags, self.saved, select, self.views)
        self._tags_due = True  # counted once the list and its first case are asked for
        self.commands.new_case.setEnabled(bool(nets))
        self.commands.people.setEnabled(bool(nets))
        self.commands.moderation.setEnabled(bool(nets))
        self.sync_indicator.names = {bytes.fromhex(n["id"]): n["name"] for n in nets}
        if self.current_case is None:
            self._show_case_placeholder()
        self._filters_changed()

    def _count_tags(self) -> None:
        self._tags_due = False
        ids = [bytes.fromhex(n["id"]) for n in self.networks]
        self.core.call(lambda s: sidebar_counts(s, ids), self._tags_counted)

    def _tags_counted(self, counted: tuple[Tags, dict[str, int]]) -> None:
        tags, views = counted
        if (tags, views) != (self.tags, self.views):
            self.tags, self.views = tags, views
            self.sidebar.fill(self.networks, tags, self.saved, self.sidebar.current(), views)

    def _selected_network(self) -> dict[str, Any] | None:
        net = self.sidebar.current().net
        for network in self.networks:
            if network["id"] == net:
                return network
        return self.networks[0] if len(self.networks) == 1 else None

    def select_network(self, net: str | None) -> None:
        """Show one network's cases (its hex id), or every network's (None)."""
        self.sidebar.select_network(net)

    def _filters(self) -> Filters:
        chosen = self.sidebar.current().filters(self.sidebar.me)
        # The views list open cases (as casebook queue does) unless a status is chosen.
        return replace(chosen, status=self.status_filter.currentData() or chosen.status)

    def _chose(self, choice: Choice) -> None:
        if choice.query is not None:
            self.search.blockSignals(True)
            self.search.setText(choice.query)
            self.search.blockSignals(False)
        self._filters_changed()

    def _filters_changed(self) -> None:
        self.save_search.setEnabled(bool(self.search.text().strip()))
        self.model.reload(self._filters(), self.search.text())

    def _run_search(self) -> None:
        self.save_search.setEnabled(bool(self.search.text().strip()))
        self.model.reload(query=self.search.text())

    def save_current_search(self) -> None:
        text = self.search.text().strip()
        if not text:
            return
        name, ok = QInputDialog.getText(
            self, self.tr("Save search"), self.tr("Name of this search"), text=text
        )
        if not ok or not name.strip():
            return
        choice = self.sidebar.current()
        entry = {"name": name.strip(), "query": text, "net": choice.net, "tag": choice.tag}

        def job(s: Session) -> None:
            saved = [e for e in s.p.settings.get("saved_searches") if e["name"] != entry["name"]]
            s.p.settings.set("saved_searches", [*saved, entry])

        selected = Choice(net=entry["net"], tag=entry["tag"], query=text, saved=entry["name"])
        self.core.call(job, lambda _: self.refresh_networks(selected), self.show_error)

    def _loaded(self, total: int) -> None:
        if self.model.query:
            text = self.tr("1 matching case") if total == 1 else self.tr("{0} matching cases")
        else:
            text = self.tr("1 case") if total == 1 else self.tr("{0} cases")
        self.count_label.setText(text.format(total))
        highlight(self.viewer, self.model.query)
        # Keep the open case when it is still listed (a live refresh); else open the first.
        row = self.model.row_of(self.current_case) if self.current_case is not None else None
        if row is None and self.model.rowCount():
            row = 0
        if row is not None:
            self.table.selectRow(row)
        if self._tags_due:
            self._count_tags()

    # -- cases --------------------------------------------------------------------
    def step(self, step: int) -> None:
        row = max(0, min(self.model.rowCount() - 1, self.table.currentIndex().row() + step))
        self.table.selectRow(row)

    def _case_selected(self, index: QModelIndex, _previous: QModelIndex) -> None:
        if not index.isValid():
            return
        case_id = self.model.data(index, Qt.ItemDataRole.UserRole)
        if case_id != self.current_case:
            self.replies.reset()  # findings were about the reply to another case
        self.reply_drafts.show(case_id)  # its own draft in the reply box
        self.current_case = case_id
        self.show_case(case_id)

    def show_case(self, case_id: bytes) -> None:
        def failed(error: object) -> None:  # a reply must not go to it under another's text
            if case_id == self.current_case:
                self._show_case_placeholder()
            self.show_error(error)

        self.core.call(self.case_actions.loader(case_id), self._render_case, failed)

    def _render_case(self, loaded: object) -> None:
        if not isinstance(loaded, Loaded) or loaded.case.summary.id != self.current_case:
            return
        self.case_actions.present(loaded)
        highlight(self.viewer, self.model.query)  # the search's words, here too
        open_to_replies = loaded.case.summary.withdrawn is None  # a tombstone takes none
        self.reply_button.setEnabled(open_to_replies)
        self.reply.setEnabled(open_to_replies)
        case_id = loaded.case.summary.id
        if loaded.case.summary.unread:  # opened: read now (a local mark, never sent)
            self.core.call(lambda s: s.p.queries.mark_read(case_id))
        self.model.set_read(case_id)

    def _say(self, text: str, timeout: int) -> None:
        bar = self.statusBar()
        bar.showMessage(text, timeout) if text else bar.clearMessage()

    def _delivered(self) -> None:
        """What was written offline went out: the open case loses its marks."""
        shown = self.case_actions.loaded
        if shown is not None and shown.unsent:
            self.show_case(shown.case.summary.id)

    def case_changed(self, case_id: bytes) -> None:
        """After an action on a case: show it again and bring the list up to date."""
        self.show_case(case_id)
        self._synced()

    def _show_case_placeholder(self) -> None:
        if self.networks:
            text = self.tr(
                "<h3>No case selected</h3><p>Post a case with <b>New case</b> (Ctrl+N), or "
                "choose one from the list.</p>"
            )
        else:
            text = self.tr(
                "<h2>Welcome to Casebook</h2><p>Your library is encrypted on this computer. "
                "Cases are shared within private networks of invited colleagues.</p>"
                "<p><a href='casebook:new-network'>Create a network</a> and invite "
                "colleagues, or</p><p><a href='casebook:join'>Join a network with an "
                "invite</a> a colleague gave you.</p>"
            )
        self.case_actions.clear()
        self.viewer.setHtml(text)
        self.reply_button.setEnabled(False)

    def _link(self, url: QUrl) -> None:
        if url.toString() == "casebook:new-network":
            self.new_network()
        elif url.toString() == "casebook:join":
            self.join_network()
        else:
            self.case_actions.link(url)

    def new_network(self) -> None:
        dialog = NewNetworkDialog(self)
        if dialog.exec() != NewNetworkDialog.DialogCode.Accepted:
            return
        choice = dialog.choice()
        self.core.call(
            lambda s: s.create_network(choice),
            lambda net: self.refresh_networks(select=net.hex()),
            self.show_error,
        )

    def join_network(self) -> None:
        self.core.call(lambda s: s.p.name, self._ask_join)

    def _ask_join(self, name: str) -> None:
        dialog = JoinDialog(self.core, name, self)  # joins from the open dialog
        if dialog.exec() == JoinDialog.DialogCode.Accepted and dialog.joined is not None:
            self._joined(dialog.joined)

    def _joined(self, net: bytes) -> None:
        self.statusBar().showMessage(self.tr("Joined. The network's cases are here."), 10_000)
        self.refresh_networks(select=net.hex())

    def _synced(self) -> None:
        self.refresh_networks(self.sidebar.current())

    def _network_for(self, title: str, ask: str) -> dict[str, Any] | None:
        """The selected network, or None after asking the person to choose one."""
        network = self._selected_network()
        if network is None:
            QMessageBox.information(self, title, ask)
        return network

    def show_people(self) -> None:
        network = self._network_for(self.tr("People"), self.tr("Choose a network on the left."))
        if network is not None:
            PeopleDialog(self.core, network, self).exec()

    def show_moderation(self) -> None:
        title = self.tr("Moderation inbox")
        network = self._network_for(title, self.tr("Choose a network on the left."))
        if network is not None:
            ModerationInbox(self.core, network, self.open_case, self).exec()

    def export_teaching(self) -> None:
        loaded = self.case_actions.loaded
        if loaded is None:
            self._say(self.tr("Choose a case to export first."), 5000)
            return
        summary = loaded.case.summary
        teaching_export.run(self, self.core, summary.id, summary.title)

    def show_bundles(self) -> None:
        dialog = BundleDialog(self.core, self.networks, self)
        dialog.imported.connect(lambda: self.refresh_networks(self.sidebar.current()))
        dialog.exec()

    def show_settings(self) -> None:
        SettingsDialog(self.core, self, on_closed=self.lock_requested.emit).exec()

    def set_lock_minutes(self, minutes: int) -> None:
        self.lock_minutes_changed.emit(minutes)

    def new_case(self) -> None:
        network = self._network_for(
            self.tr("New case"), self.tr("Choose the network to post in, on the left.")
        )
        if network is None:
            return
        dialog = NewCaseDialog(network["name"], self)
        net = bytes.fromhex(network["id"])

        def make_job(allow: bool) -> Job:
            return post_job(net, dialog.values(), allow)

        dialog.publish(self.core, make_job, self.open_case)  # sent from the open form
        dialog.keep_drafts(self.core, net)
        if dialog.exec() != NewCaseDialog.DialogCode.Accepted and dialog.has_text():
            self._say(self.tr("Your draft is kept: New case brings it back."), 10_000)

    def open_case(self, case_id: bytes) -> None:
        """Show ``case_id`` (just posted, or chosen in another window), selected."""
        self.current_case = case_id
        self.refresh_networks(self.sidebar.current())
        self.show_case(case_id)

    def _reply_changed(self) -> None:
        text = self.reply.toPlainText().strip()
        key = (text, self.current_case, self.case_actions.reply_to)
        self.replies.changed(key, [("body", text)])

    def send_reply(self) -> None:
        text = self.reply.toPlainText().strip()
        case_id, parent = self.current_case, self.case_actions.reply_to
        if not text or case_id is None:
            return

        def make_job(allow: bool) -> Job:
            def job(s: Session) -> bytes:
                if parent is not None:  # threaded under the comment chosen with its Reply link
                    return s.p.library.reply(parent, text, allow_identifiers=allow)
                return s.p.library.comment(case_id, text, allow_identifiers=allow)

            return job

        def done(sent: object) -> None:
            if isinstance(sent, bytes):
                self.case_actions.scroll_to = bytes(sent)  # shown where it landed
            self.reply_drafts.sent()
            self.reply.clear()
            self.case_actions.cancel_reply()
            self.case_changed(case_id)

        # Identifiers found: listed above the box, and Reply becomes "Post anyway".
        self.replies.send((text, case_id, parent), make_job, done)

    def show_error(self, error: object) -> None:
        QMessageBox.warning(self, self.tr("Casebook"), error_text(error))
