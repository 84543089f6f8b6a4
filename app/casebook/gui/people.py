"""People in a network: members with roles and fingerprints, running the membership,
and invites.

Admins change a member's role or remove them (which re-keys the network); invites are
listed, made and revoked in :mod:`casebook.gui.invites_view`. Every core call runs on the
worker through :meth:`Core.call`; after any action both tables are reloaded from the core.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from casebook.core.model.membership import ROLES
from casebook.gui.bridge import Core
from casebook.gui.invites_view import (
    InviteDialog,
    InvitesView,
    confirm,
    fit_columns,
    role_names,
    tell_error,
)
from casebook.gui.messages import error_text
from casebook.session import Session

__all__ = ["InviteDialog", "PeopleDialog"]


class PeopleDialog(QDialog):
    def __init__(self, core: Core, network: dict[str, Any], parent: QWidget | None = None):
        super().__init__(parent)
        self.core = core
        self.net = bytes.fromhex(network["id"])
        self.network_name: str = network["name"]
        self.members: list[dict[str, Any]] = []
        self.my_role: str | None = None
        self.busy = False
        self.roles = role_names()
        self.role_help = {
            "admin": self.tr(
                "Admins invite, remove members, change roles and start new key epochs."
            ),
            "moderator": self.tr("Moderators hide or pin content and curate the library."),
            "member": self.tr(
                "Members post cases, comment and endorse; they invite only if the "
                "network allows it."
            ),
        }
        self.as_role = {  # "make X <as_role>", "X is now <as_role>"
            "member": self.tr("a member"),
            "moderator": self.tr("a moderator"),
            "admin": self.tr("an admin"),
        }
        self.setWindowTitle(self.tr("People in {0}").format(self.network_name))
        self.resize(960, 520)
        layout = QVBoxLayout(self)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Members and invites"))
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self._members_page(), self.tr("Members"))
        self.invites = InvitesView(core, self.net)
        self.invites.changed.connect(self._after_action)
        self.tabs.addTab(self.invites, self.tr("Invites"))
        self.status = QLabel()
        self.status.setAccessibleName(self.tr("Last action"))
        self.status.setWordWrap(True)
        self.status.hide()
        layout.addWidget(self.status)
        self.error = QLabel()
        self.error.setAccessibleName(self.tr("Error"))
        self.error.setWordWrap(True)
        self.error.setObjectName("error")
        self.error.hide()
        layout.addWidget(self.error)
        row = QHBoxLayout()
        self.invite_button = QPushButton(self.tr("Invite a colleague…"))
        self.invite_button.setAccessibleName(self.tr("Invite a colleague"))
        self.invite_button.clicked.connect(self.invite)
        row.addWidget(self.invite_button)
        row.addStretch(1)
        close = QPushButton(self.tr("Close"))
        close.setAccessibleName(self.tr("Close"))
        close.clicked.connect(self.accept)
        row.addWidget(close)
        layout.addLayout(row)
        self.refresh()

    def _members_page(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        self.table = QTableWidget(0, 4)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table; arrows move in it
        self.table.setAccessibleName(self.tr("Members"))
        self.table.setHorizontalHeaderLabels(
            [self.tr("Name"), self.tr("Role"), self.tr("Fingerprint"), self.tr("Invited by")]
        )
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        layout.addWidget(self.table, 1)
        row = QHBoxLayout()
        self.role_button = QPushButton(self.tr("Change role…"))
        self.role_button.setAccessibleName(self.tr("Change the selected member's role"))
        self.role_button.clicked.connect(self.change_role)
        row.addWidget(self.role_button)
        self.remove_button = QPushButton(self.tr("Remove from network…"))
        self.remove_button.setAccessibleName(self.tr("Remove the selected member"))
        self.remove_button.clicked.connect(self.remove)
        row.addWidget(self.remove_button)
        row.addStretch(1)
        layout.addLayout(row)
        self._update_buttons()
        return page

    # -- loading --------------------------------------------------------------------
    def refresh(self) -> None:
        net = self.net
        self.core.call(lambda s: s.p.governance.members(net), self._show, self._failed)
        self.core.call(lambda s: s.p.invitations.list(net), self.invites.load, self._failed)

    def _show(self, members: list[dict[str, Any]]) -> None:
        selected = self.selected()
        self.members = members
        me = next((m for m in members if m["you"]), None)
        self.my_role = me["role"] if me is not None else None
        self.table.setRowCount(len(members))
        for i, m in enumerate(members):
            name = (m["name"] or self.tr("(name not yet received)")) + (
                self.tr(" (you)") if m["you"] else ""
            )
            invited = m["invited_by_name"] or ("—" if m["founder"] else "")
            role = self.roles.get(m["role"], m["role"]) + (
                self.tr(", founder") if m["founder"] else ""
            )
            for column, text in enumerate((name, role, m["fingerprint"], invited)):
                self.table.setItem(i, column, QTableWidgetItem(text))
        fit_columns(self.table, stretch=2)
        prints = [m["fingerprint"] for m in members]
        if selected is not None and selected["fingerprint"] in prints:
            self.table.selectRow(prints.index(selected["fingerprint"]))
        else:
            self.table.clearSelection()
        self.invites.set_me(me["fingerprint"] if me else None, self.my_role == "admin")
        self._update_buttons()

    def _failed(self, error: object) -> None:
        self.error.setText(error_text(error))
        self.error.show()

    # -- the admin's actions ----------------------------------------------------------
    def selected(self) -> dict[str, Any] | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        if len(rows) != 1:
            return None
        row = rows.pop()
        return self.members[row] if 0 <= row < len(self.members) else None

    def _why_not(self, member: dict[str, Any] | None) -> str | None:
        """Why the admin actions are off for ``member``, or None when they are on."""
        if self.my_role != "admin":
            return self.tr("Only an admin of this network can change roles or remove members.")
        if member is None:
            return self.tr("Select a member first.")
        if member["you"]:
            return self.tr("This is you; another admin can change your role or remove you.")
        if self.busy:
            return self.tr("Working…")
        return None

    def _update_buttons(self) -> None:
        why = self._why_not(self.selected())
        self.role_button.setEnabled(why is None)
        self.remove_button.setEnabled(why is None)
        self.role_button.setToolTip(
            why or self.tr("Make the selected member a member, moderator or admin.")
        )
        self.remove_button.setToolTip(
            why or self.tr("Remove the selected member and re-key the network.")
        )

    def change_role(self) -> None:
        member = self.selected()
        if member is None or self._why_not(member) is not None:
            return
        title = self.tr("Change role")
        name = member["name"] or member["fingerprint"][:15]
        labels = [self.roles[r] for r in ROLES]
        current = ROLES.index(member["role"]) if member["role"] in ROLES else 0
        label, ok = QInputDialog.getItem(
            self,
            title,
            self.tr("{0}\n\nNew role for {1}:").format(
                "\n".join(self.role_help[r] for r in ROLES), name
            ),
            labels,
            current,
            False,
        )
        if not ok or label not in labels:
            return
        role = ROLES[labels.index(label)]
        if role == member["role"]:
            return
        text = self.tr("Make {0} {1}?\n\n{2}").format(
            name, self.as_role[role], self.role_help[role]
        )
        if not confirm(self, title, text):
            return
        net, ref = self.net, member["fingerprint"]
        done = self.tr("{0} is now {1}.").format(name, self.as_role[role])

        def change(s: Session) -> object:
            event = s.p.governance.set_role(net, ref, role)
            return {"closed_invites": s.p.governance.closed_by(net, event)}

        self._run(change, lambda result: done + self._closed(result), title)

    def _closed(self, result: object) -> str:
        """Which invite codes a removal or role change closed (said after it)."""
        closed = result.get("closed_invites") if isinstance(result, dict) else None
        if not closed:
            return ""
        lines = "".join(
            self.tr("\n• invite {0}: for {1}, made by {2}, used {3} of {4} times").format(
                c["id"][:8],
                self.as_role.get(c["role"], c["role"]),
                c["inviter_name"] or c["inviter"][:15],
                c["used"],
                c["uses"],
            )
            for c in closed
        )
        return (
            self.tr("\n\nThese invite codes no longer admit anyone:")
            + lines
            + self.tr("\nMake a new invite for anyone who still needs one.")
        )

    def remove(self) -> None:
        member = self.selected()
        if member is None or self._why_not(member) is not None:
            return
        title = self.tr("Remove from network")
        name = member["name"] or member["fingerprint"][:15]
        text = self.tr(
            "Remove {0} from {1}?\n\n"
            "They can no longer post or sync, and invites they made or joined with stop "
            "working. "
            "Casebook starts a new key epoch that only the remaining members hold, so "
            "they cannot read anything written from now on (what they already have stays "
            "on their computer).\n\nThis cannot be undone."
        ).format(name, self.network_name)
        if not confirm(self, title, text):
            return
        net, ref = self.net, member["fingerprint"]

        def said(result: object) -> str:
            rekeyed = isinstance(result, dict) and result.get("rotation") is not None
            if rekeyed:
                text = self.tr(
                    "{0} was removed. A new key epoch started: they cannot read anything "
                    "written from now on."
                ).format(name)
            else:
                text = self.tr("{0} was removed.").format(name)
            return text + self._closed(result)

        self._run(lambda s: s.p.governance.remove(net, ref), said, title)

    def _run(
        self, job: Callable[[Session], object], said: Callable[[object], str], title: str
    ) -> None:
        """Run an action on the worker, then reload; tell what happened or went wrong."""
        self.busy = True
        self._update_buttons()

        def failed(error: object) -> None:
            tell_error(self, title, error)
            self._after_action("")

        self.core.call(job, lambda result: self._after_action(said(result)), failed)

    def _after_action(self, note: str) -> None:
        self.busy = False
        self.status.setText(note)
        self.status.setVisible(bool(note))
        self.error.hide()
        self.refresh()

    def invite(self) -> None:
        dialog = InviteDialog(self.core, self.net, self)
        dialog.exec()
        self.refresh()
