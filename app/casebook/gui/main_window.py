"""The library window: networks on the left, cases in the middle, the open case right."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from casebook.core import attachments
from casebook.core.search import Filters
from casebook.errors import CasebookError
from casebook.gui import case_view
from casebook.gui.case_model import CaseListModel
from casebook.gui.compose import NewCaseDialog
from casebook.gui.live import LiveUpdates
from casebook.gui.network_dialogs import JoinDialog, NewNetworkDialog
from casebook.gui.people import PeopleDialog
from casebook.gui.settings import SettingsDialog
from casebook.gui.sync_status import SyncIndicator
from casebook.gui.worker import Core, Session


class MainWindow(QMainWindow):
    lock_requested = Signal()
    lock_minutes_changed = Signal(int)

    def __init__(self, core: Core) -> None:
        super().__init__()
        self.core = core
        self.current_case: bytes | None = None
        self.networks: list[dict[str, Any]] = []
        self.setWindowTitle("Casebook")
        self.resize(1280, 800)
        core.error.connect(self.show_error)
        self._build_actions()
        self._build_layout()
        self.search_timer = QTimer(self, singleShot=True, interval=150)
        self.search_timer.timeout.connect(self._run_search)
        self.live = LiveUpdates(core, self, self.sync_indicator)
        self.live.changed.connect(self._synced)
        self.refresh_networks()
        self.live.start()

    # -- construction ---------------------------------------------------------------
    def _build_actions(self) -> None:
        bar = QToolBar(self.tr("Main"))
        bar.setMovable(False)
        self.addToolBar(bar)
        self.new_network_action = QAction(self.tr("New network"), self)
        self.new_network_action.triggered.connect(self.new_network)
        self.join_action = QAction(self.tr("Join network"), self)
        self.join_action.triggered.connect(self.join_network)
        self.new_case_action = QAction(self.tr("New case"), self)
        self.new_case_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_case_action.triggered.connect(self.new_case)
        self.people_action = QAction(self.tr("People"), self)
        self.people_action.triggered.connect(self.show_people)
        bar.addAction(self.new_network_action)
        bar.addAction(self.join_action)
        bar.addAction(self.new_case_action)
        bar.addAction(self.people_action)
        self.settings_action = QAction(self.tr("Settings"), self)
        self.settings_action.setShortcut(QKeySequence.StandardKey.Preferences)
        self.settings_action.triggered.connect(self.show_settings)
        bar.addAction(self.settings_action)
        self.lock_action = QAction(self.tr("Lock"), self)
        self.lock_action.setShortcut(QKeySequence("Ctrl+L"))
        self.lock_action.setToolTip(self.tr("Lock the library (Ctrl+L)"))
        self.lock_action.triggered.connect(self.lock_requested)
        bar.addAction(self.lock_action)
        spacer = QWidget()
        spacer.setSizePolicy(
            spacer.sizePolicy().horizontalPolicy().Expanding, spacer.sizePolicy().verticalPolicy()
        )
        bar.addWidget(spacer)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search cases and discussions  (Ctrl+F)"))
        self.search.setAccessibleName(self.tr("Search"))
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(360)
        self.search.textChanged.connect(lambda _: self.search_timer.start())
        bar.addWidget(self.search)
        focus = QAction(self)
        focus.setShortcut(QKeySequence.StandardKey.Find)
        focus.triggered.connect(lambda: (self.search.setFocus(), self.search.selectAll()))
        self.addAction(focus)
        for key, step in (("Ctrl+J", 1), ("Ctrl+K", -1)):
            move = QAction(self)
            move.setShortcut(QKeySequence(key))
            move.triggered.connect(lambda _=False, s=step: self._step(s))
            self.addAction(move)

    def _build_layout(self) -> None:
        split = QSplitter()
        self.setCentralWidget(split)
        self.network_list = QListWidget()
        self.network_list.setAccessibleName(self.tr("Networks"))
        self.network_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.network_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.network_list.currentRowChanged.connect(lambda _: self._filters_changed())
        split.addWidget(self.network_list)

        self.model = CaseListModel(self.core)
        self.model.loaded.connect(self._loaded)
        self.table = QTableView()
        self.table.setAccessibleName(self.tr("Cases"))
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setShowGrid(False)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in range(1, 5):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(5, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(5, 130)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.table.selectionModel().currentRowChanged.connect(self._case_selected)
        split.addWidget(self.table)

        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        self.viewer = QTextBrowser()
        self.viewer.setAccessibleName(self.tr("Case"))
        self.viewer.document().setDefaultStyleSheet(case_view.STYLE)
        self.viewer.setOpenLinks(False)
        self.viewer.anchorClicked.connect(self._link)
        column.addWidget(self.viewer, 1)
        self.reply = QPlainTextEdit()
        self.reply.setAccessibleName(self.tr("Reply"))
        self.reply.setPlaceholderText(self.tr("Write a reply (Markdown)…"))
        self.reply.setFixedHeight(90)
        column.addWidget(self.reply)
        self.reply_button = QPushButton(self.tr("Reply"))
        self.reply_button.setShortcut(QKeySequence("Ctrl+Return"))
        self.reply_button.clicked.connect(self.send_reply)
        column.addWidget(self.reply_button, alignment=Qt.AlignmentFlag.AlignRight)
        split.addWidget(right)
        split.setSizes([250, 590, 520])
        self.count_label = QLabel()
        self.statusBar().addWidget(self.count_label)
        self.sync_indicator = SyncIndicator()
        self.statusBar().addPermanentWidget(self.sync_indicator)
        self.statusBar().addPermanentWidget(
            QLabel(self.tr("Local library · encrypted on this computer"))
        )
        self._show_case_placeholder()

    # -- networks ---------------------------------------------------------------------
    def refresh_networks(self, select: str | None = None) -> None:
        self.core.call(lambda s: s.p.queries.networks(), lambda nets: self._networks(nets, select))

    def _networks(self, nets: object, select: str | None) -> None:
        if not isinstance(nets, list):
            return
        self.networks = nets
        self.network_list.blockSignals(True)
        self.network_list.clear()
        self.network_list.addItem(QListWidgetItem(self.tr("All networks")))
        row = 0
        for i, net in enumerate(nets, start=1):
            item = QListWidgetItem(f"{net['name']}  ({net['cases']})")
            item.setData(Qt.ItemDataRole.UserRole, net["id"])
            self.network_list.addItem(item)
            if net["id"] == select:
                row = i
        self.network_list.setCurrentRow(row)
        self.network_list.blockSignals(False)
        self.new_case_action.setEnabled(bool(nets))
        self.people_action.setEnabled(bool(nets))
        self.sync_indicator.names = {bytes.fromhex(n["id"]): n["name"] for n in nets}
        if self.current_case is None:
            self._show_case_placeholder()
        self._filters_changed()

    def _selected_network(self) -> dict[str, Any] | None:
        row = self.network_list.currentRow()
        if row <= 0 or row > len(self.networks):
            return self.networks[0] if len(self.networks) == 1 else None
        return self.networks[row - 1]

    def _filters(self) -> Filters:
        row = self.network_list.currentRow()
        if row <= 0 or row > len(self.networks):
            return Filters()
        return Filters(net=bytes.fromhex(self.networks[row - 1]["id"]))

    def _filters_changed(self) -> None:
        self.model.reload(self._filters(), self.search.text())

    def _run_search(self) -> None:
        self.model.reload(query=self.search.text())

    def _loaded(self, total: int) -> None:
        if self.model.query:
            self.count_label.setText(self.tr("{0} matching cases").format(total))
        else:
            self.count_label.setText(self.tr("{0} cases").format(total))
        # Keep the open case when it is still listed (a live refresh); else open the first.
        row = self.model.row_of(self.current_case) if self.current_case is not None else None
        if row is None and self.model.rowCount():
            row = 0
        if row is not None:
            self.table.selectRow(row)

    # -- cases --------------------------------------------------------------------
    def _step(self, step: int) -> None:
        row = max(0, min(self.model.rowCount() - 1, self.table.currentIndex().row() + step))
        self.table.selectRow(row)

    def _case_selected(self, index: QModelIndex, _previous: QModelIndex) -> None:
        if not index.isValid():
            return
        case_id = self.model.data(index, Qt.ItemDataRole.UserRole)
        self.current_case = case_id
        self.show_case(case_id)

    def show_case(self, case_id: bytes) -> None:
        self.core.call(lambda s: s.p.queries.case(case_id), self._render_case)

    def _render_case(self, case: object) -> None:
        if case is None or isinstance(case, Exception):
            return
        if case.summary.id != self.current_case:  # type: ignore[attr-defined]
            return
        self.viewer.setHtml(case_view.render(case))  # type: ignore[arg-type]
        self.reply_button.setEnabled(True)

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
        self.viewer.setHtml(text)
        self.reply_button.setEnabled(False)

    def _link(self, url: QUrl) -> None:
        if url.toString() == "casebook:new-network":
            self.new_network()
        elif url.toString() == "casebook:join":
            self.join_network()

    def new_network(self) -> None:
        dialog = NewNetworkDialog(self)
        if dialog.exec() != NewNetworkDialog.DialogCode.Accepted:
            return
        choice = dialog.choice()
        self.core.call(
            lambda s: s.create_network(choice),
            lambda net: self.refresh_networks(select=net.hex() if isinstance(net, bytes) else None),
            self.show_error,
        )

    def join_network(self) -> None:
        self.core.call(lambda s: s.p.name, self._ask_join)

    def _ask_join(self, name: object) -> None:
        dialog = JoinDialog(self.core, str(name), self)
        if dialog.exec() != JoinDialog.DialogCode.Accepted:
            return
        code, who = dialog.values()
        self.statusBar().showMessage(self.tr("Joining through the relay…"))
        self.core.call(lambda s: s.join(code, who), self._joined, self.show_error, alone=True)

    def _joined(self, net: object) -> None:
        self.statusBar().showMessage(self.tr("Joined. The network's cases are here."), 10_000)
        self.refresh_networks(select=net.hex() if isinstance(net, bytes) else None)

    def _synced(self) -> None:
        network = self._selected_network()
        self.refresh_networks(select=network["id"] if network else None)

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

    def show_settings(self) -> None:
        SettingsDialog(self.core, self).exec()

    def set_lock_minutes(self, minutes: int) -> None:
        self.lock_minutes_changed.emit(minutes)

    def new_case(self) -> None:
        network = self._network_for(
            self.tr("New case"), self.tr("Choose the network to post in, on the left.")
        )
        if network is None:
            return
        dialog = NewCaseDialog(network["name"], self)
        if dialog.exec() != NewCaseDialog.DialogCode.Accepted:
            return
        values = dialog.values()
        net = bytes.fromhex(network["id"])

        def job(s: Session) -> bytes:
            files = [attachments.prepare(path) for path in values.pop("files")]
            return s.p.library.post_case(net, files=files, **values)

        self.core.call(job, self._posted, self.show_error)

    def _posted(self, case_id: object) -> None:
        self.current_case = case_id  # type: ignore[assignment]
        self.refresh_networks(
            select=self._selected_network()["id"] if self._selected_network() else None
        )
        if isinstance(case_id, bytes):
            self.show_case(case_id)

    def send_reply(self) -> None:
        text = self.reply.toPlainText().strip()
        case_id = self.current_case
        if not text or case_id is None:
            return
        self.reply_button.setEnabled(False)

        def job(s: Session) -> bytes:
            return s.p.library.comment(case_id, text)

        def done(_: object) -> None:
            self.reply.clear()
            self.show_case(case_id)

        def failed(error: object) -> None:
            self.reply_button.setEnabled(True)
            self.show_error(error)

        self.core.call(job, done, failed)

    def show_error(self, error: object) -> None:
        message = error.message if isinstance(error, CasebookError) else str(error)
        QMessageBox.warning(self, self.tr("Casebook"), message)
