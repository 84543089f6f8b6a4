"""The moderators' inbox: the cases and comments members flagged in a network, each with
its reasons, and the log of what moderators did. Read on the worker through the core's
:class:`~casebook.core.network.flag_inbox.FlagInbox`; anyone else is told in words that
only moderators and admins read flags. "Open" shows the item's case in the window;
"Release" shows a held item again and marks its flags looked at (also for an item never
held: the flags are dismissed). Admins set after how many members' flags an item is held
for a moderator's look (the network's moderation policy)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from casebook.core.library.queries import iso
from casebook.core.model.payloads import MAX_HOLD_AFTER
from casebook.core.network.flag_inbox import Flagged
from casebook.gui.bridge import Core
from casebook.gui.i18n import QT_TR_NOOP, tr
from casebook.gui.invites_view import fit_columns
from casebook.gui.messages import error_text
from casebook.gui.tables import fill_rows, read_only_table

ACTIONS = {
    "hide": QT_TR_NOOP("hid"),
    "unhide": QT_TR_NOOP("showed again"),
    "pin": QT_TR_NOOP("pinned"),
    "unpin": QT_TR_NOOP("unpinned"),
    "hold": QT_TR_NOOP("held for a look"),
    "release": QT_TR_NOOP("released"),
}


class ModerationInbox(QDialog):
    def __init__(
        self,
        core: Core,
        network: dict[str, Any],
        open_case: Callable[[bytes], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.core = core
        self.net = bytes.fromhex(network["id"])
        self.open_case = open_case
        self.items: list[Flagged] = []
        self.setWindowTitle(self.tr("Moderation inbox: {0}").format(network["name"]))
        self.resize(900, 520)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        layout.addWidget(self.tabs, 1)
        flagged = QWidget()
        column = QVBoxLayout(flagged)
        self.table = read_only_table(
            [self.tr("Case or comment"), self.tr("Flags"), self.tr("Newest reason"),
             self.tr("State")],
            self.tr("Flagged items"),
        )  # fmt: skip
        self.table.itemSelectionChanged.connect(self._chosen)
        self.table.itemDoubleClicked.connect(lambda _: self._open())
        column.addWidget(self.table, 1)
        self.detail = QLabel()
        self.detail.setWordWrap(True)
        self.detail.setAccessibleName(self.tr("Every reason given"))
        column.addWidget(self.detail)
        self.tabs.addTab(flagged, self.tr("Flagged"))
        policy = QHBoxLayout()
        policy.addWidget(QLabel(self.tr("Hold an item for a moderator's look once")))
        self.hold_after = QSpinBox()
        self.hold_after.setRange(0, MAX_HOLD_AFTER)
        self.hold_after.setSpecialValueText(self.tr("never"))
        self.hold_after.setAccessibleName(self.tr("Members' flags that hold an item"))
        policy.addWidget(self.hold_after)
        policy.addWidget(QLabel(self.tr("members flagged it")))
        self.save_policy = QPushButton(self.tr("Save"))
        self.save_policy.setToolTip(self.tr("Admins set this for the whole network."))
        self.save_policy.clicked.connect(self._set_policy)
        policy.addWidget(self.save_policy)
        policy.addStretch(1)
        column.addLayout(policy)
        self.log = read_only_table(
            [self.tr("When"), self.tr("Who"), self.tr("Did"), self.tr("Reason")],
            self.tr("What moderators did"),
        )
        self.tabs.addTab(self.log, self.tr("Log"))
        self.error = QLabel()
        self.error.setObjectName("error")
        self.error.setWordWrap(True)
        self.error.hide()
        layout.addWidget(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.open_button = QPushButton(self.tr("Open the case"))
        self.open_button.setEnabled(False)
        self.open_button.clicked.connect(self._open)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.release_button = QPushButton(self.tr("Release"))
        self.release_button.setToolTip(
            self.tr("Show it to members again and count its flags as looked at.")
        )
        self.release_button.setEnabled(False)
        self.release_button.clicked.connect(self._release)
        buttons.addButton(self.release_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.reload()

    def reload(self) -> None:
        net = self.net
        self.core.call(
            lambda s: (
                s.p.flag_inbox.inbox(net),
                s.p.flag_inbox.log_of(net),
                (s.p.flag_inbox.hold_after(net), s.p.governance.show(net)["your_role"]),
            ),
            self._show,
            self._failed,
        )

    def _set_policy(self) -> None:
        net, n = self.net, self.hold_after.value()
        self.core.call(
            lambda s: s.p.governance.set_moderation_policy(net, n),
            lambda _: self.reload(),
            self._said,
        )

    def _release(self) -> None:
        item = self._current()
        if item is None or item.what == "unknown":
            return
        ref = item.item.hex()
        self.core.call(
            lambda s: s.p.governance.moderate(ref, "release"), lambda _: self.reload(), self._said
        )

    def _said(self, error: object) -> None:
        self.error.setText(error_text(error))
        self.error.show()

    def _failed(self, error: object) -> None:
        self.error.setText(error_text(error))
        self.error.show()
        self.tabs.setEnabled(False)

    def _show(
        self, result: tuple[list[Flagged], list[dict[str, Any]], tuple[int, str | None]]
    ) -> None:
        self.items, done, (hold_after, role) = result
        self.error.hide()
        self.hold_after.setValue(hold_after)
        admin = role == "admin"
        self.hold_after.setEnabled(admin)
        self.save_policy.setVisible(admin)
        rows = []
        for f in self.items:
            where = f.title or self.tr("(not received yet)")
            if f.what == "comment":
                where = self.tr("Comment on {0}: {1}").format(where, f.excerpt)
            elif f.what == "answer":
                where = self.tr("Poll answer on {0}: {1}").format(where, f.excerpt)
            if f.held and not f.reviewed:
                state = self.tr("Held for a look")
            elif f.hidden:
                state = self.tr("Hidden")
            elif f.reviewed:
                state = self.tr("Acted on")
            else:
                state = self.tr("Awaiting a look")
            rows.append([where, str(len(f.flags)), f.flags[0]["reason"], state])
        fill_rows(self.table, rows)
        fill_rows(
            self.log,
            [
                [
                    iso(r["at"])[:16].replace("T", " "),
                    r["name"] or r["by"],
                    tr(ACTIONS.get(r["action"], r["action"])) + " " + r["item"][:12],
                    r["reason"] or "",
                ]
                for r in done
            ],
        )
        fit_columns(self.table, 0)
        fit_columns(self.log, 3)
        self.detail.setText(
            self.tr("No flags in this network.") if not self.items else self.tr("Choose an item.")
        )
        if self.items:
            self.table.selectRow(0)

    def _current(self) -> Flagged | None:
        row = self.table.currentRow()
        return self.items[row] if 0 <= row < len(self.items) else None

    def _chosen(self) -> None:
        item = self._current()
        self.open_button.setEnabled(item is not None and item.case is not None)
        self.release_button.setEnabled(item is not None and item.what != "unknown")
        if item is None:
            return
        said = "".join(
            f"<li><b>{html.escape(r['name'] or r['by'])}</b> "
            f"({iso(r['at'])[:10]}): {html.escape(r['reason'])}</li>"
            for r in item.flags
        )
        self.detail.setText(f"<ul style='margin:0'>{said}</ul>")

    def _open(self) -> None:
        item = self._current()
        if item is not None and item.case is not None:
            self.open_case(item.case)
            self.accept()
