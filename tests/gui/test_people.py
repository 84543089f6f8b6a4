"""The People dialog offscreen, on a copy of the demo library: invites listed and revoked,
roles changed and members removed by an admin, the actions off for everyone else."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QInputDialog, QMessageBox

from casebook import demo
from casebook.core.model.membership import ROLES
from casebook.gui.bridge import Core
from casebook.gui.people import InviteDialog, PeopleDialog

YES = QMessageBox.StandardButton.Yes
CANCEL = QMessageBox.StandardButton.Cancel


@pytest.fixture(scope="module")
def demo_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo library, built once: ``profile`` (the founder, an admin) and
    ``person-1`` … ``person-3`` (members)."""
    root = tmp_path_factory.mktemp("demo")
    demo.build(root)
    return root


@pytest.fixture
def demo_root(demo_build: Path, tmp_path: Path) -> Path:
    """A fresh copy per test, so actions in one test never leak into another."""
    return Path(shutil.copytree(demo_build, tmp_path / "demo"))


@pytest.fixture
def core():
    core = Core()
    yield core
    core.shutdown()


def idle(qtbot, core) -> None:
    qtbot.waitUntil(lambda: core.pending == 0, timeout=15_000)


def run(qtbot, core, job) -> Any:
    """Run ``job`` on the worker (as the dialog does) and return its result."""
    box: dict[str, Any] = {}
    core.call(job, lambda r: box.update(ok=r), lambda e: box.update(error=e))
    qtbot.waitUntil(lambda: bool(box), timeout=15_000)
    if "error" in box:
        raise box["error"]
    return box["ok"]


def open_people(qtbot, core, directory: Path) -> PeopleDialog:
    def job(s):
        s.unlock(directory, demo.PASSPHRASE)
        return s.p.queries.networks()[0]

    network = run(qtbot, core, job)
    people = PeopleDialog(core, network)
    qtbot.addWidget(people)
    people.show()
    idle(qtbot, core)
    assert people.table.rowCount() == 4
    return people


def members(qtbot, core, people: PeopleDialog, include_removed: bool = False) -> dict[str, str]:
    net = people.net
    rows = run(qtbot, core, lambda s: s.p.governance.members(net, include_removed))
    return {r["name"]: r["role"] for r in rows}


def invites(qtbot, core, people: PeopleDialog) -> dict[str, str]:
    net = people.net
    return {i["id"]: i["status"] for i in run(qtbot, core, lambda s: s.p.invitations.list(net))}


def select_member(people: PeopleDialog, name: str) -> dict[str, Any]:
    row = next(i for i, m in enumerate(people.members) if m["name"] == name)
    people.table.selectRow(row)
    return people.members[row]


class Answers:
    """Stands in for QMessageBox.question / warning: records the text, answers."""

    def __init__(self, monkeypatch, answer=YES) -> None:
        self.answer = answer
        self.questions: list[str] = []
        self.warnings: list[str] = []

        def question(parent, title, text, *args, **kwargs):
            self.questions.append(text)
            return self.answer

        def warning(parent, title, text, *args, **kwargs):
            self.warnings.append(text)
            return QMessageBox.StandardButton.Ok

        monkeypatch.setattr(QMessageBox, "question", question)
        monkeypatch.setattr(QMessageBox, "warning", warning)


def choose_role(monkeypatch, role: str) -> list[list[str]]:
    offered: list[list[str]] = []

    def get_item(parent, title, label, items, current=0, editable=True, *args, **kwargs):
        offered.append(list(items))
        return items[ROLES.index(role)], True

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    return offered


def test_invites_are_listed_and_only_open_ones_revocable(qtbot, core, demo_root):
    people = open_people(qtbot, core, demo_root / "profile")
    view = people.invites
    assert view.table.rowCount() == 3  # one per colleague in the demo, all used
    states = {view.table.item(r, 0).text() for r in range(3)}
    assert states == {"used up"}
    assert view.table.item(0, 2).text() == "1 of 1"
    assert not view.revoke_button.isEnabled()
    assert "Select an invite" in view.revoke_button.toolTip()
    view.table.selectRow(0)
    assert not view.revoke_button.isEnabled()
    assert "only an open invite" in view.revoke_button.toolTip()


def test_revoke_an_invite_made_in_the_dialog(qtbot, core, demo_root, monkeypatch):
    people = open_people(qtbot, core, demo_root / "profile")
    view = people.invites
    made: list[str] = []

    def make_one(dialog: InviteDialog) -> int:
        dialog.role.setCurrentText("moderator")
        dialog.uses.setValue(3)
        qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: bool(dialog.code.toPlainText()), timeout=10_000)
        made.append(dialog.code.toPlainText())
        return InviteDialog.DialogCode.Rejected

    monkeypatch.setattr(InviteDialog, "exec", make_one)
    qtbot.mouseClick(people.invite_button, Qt.MouseButton.LeftButton)
    idle(qtbot, core)
    assert made and view.table.rowCount() == 4
    new = view.invites[0]  # newest first
    assert (new["role"], new["uses"], new["status"]) == ("moderator", 3, "open")
    assert view.table.item(0, 0).text() == "open"

    answers = Answers(monkeypatch, CANCEL)
    view.table.selectRow(0)
    assert view.revoke_button.isEnabled()
    qtbot.mouseClick(view.revoke_button, Qt.MouseButton.LeftButton)
    idle(qtbot, core)
    assert len(answers.questions) == 1 and "stops working" in answers.questions[0]
    assert invites(qtbot, core, people)[new["id"]] == "open"  # cancelled: nothing done

    answers.answer = YES
    qtbot.mouseClick(view.revoke_button, Qt.MouseButton.LeftButton)
    idle(qtbot, core)
    assert invites(qtbot, core, people)[new["id"]] == "revoked"
    assert view.table.item(0, 0).text() == "revoked"
    assert not view.revoke_button.isEnabled()
    assert not answers.warnings
    assert "revoked" in people.status.text()


def test_a_failed_action_is_told_and_the_lists_reload(qtbot, core, demo_root, monkeypatch):
    people = open_people(qtbot, core, demo_root / "profile")
    view = people.invites
    net = people.net
    made = run(qtbot, core, lambda s: s.p.invitations.create(net))
    people.refresh()
    idle(qtbot, core)
    view.table.selectRow(0)
    assert view.invites[0]["id"] == made.key.hex() and view.revoke_button.isEnabled()
    # revoked behind the dialog's back: its list is stale until it reloads
    run(qtbot, core, lambda s: s.p.invitations.revoke(net, made.key.hex()))
    answers = Answers(monkeypatch)
    qtbot.mouseClick(view.revoke_button, Qt.MouseButton.LeftButton)
    idle(qtbot, core)
    assert answers.warnings == ["That invite is already revoked."]
    assert view.table.item(0, 0).text() == "revoked"


def test_admin_changes_a_role(qtbot, core, demo_root, monkeypatch):
    people = open_people(qtbot, core, demo_root / "profile")
    assert not people.role_button.isEnabled()
    assert "Select a member" in people.role_button.toolTip()
    select_member(people, "Dr. Mei Chen")
    assert people.role_button.isEnabled() and people.remove_button.isEnabled()
    offered = choose_role(monkeypatch, "moderator")
    answers = Answers(monkeypatch)
    qtbot.mouseClick(people.role_button, Qt.MouseButton.LeftButton)
    idle(qtbot, core)
    assert offered == [["member", "moderator", "admin"]]
    assert "Make Dr. Mei Chen a moderator?" in answers.questions[0]
    assert members(qtbot, core, people)["Dr. Mei Chen"] == "moderator"
    row = next(i for i, m in enumerate(people.members) if m["name"] == "Dr. Mei Chen")
    assert people.table.item(row, 1).text() == "moderator"
    assert "is now a moderator" in people.status.text()
    assert not answers.warnings

    answers.answer = CANCEL  # a cancelled confirmation changes nothing
    choose_role(monkeypatch, "admin")
    qtbot.mouseClick(people.role_button, Qt.MouseButton.LeftButton)
    idle(qtbot, core)
    assert "Make Dr. Mei Chen an admin?" in answers.questions[1]
    assert members(qtbot, core, people)["Dr. Mei Chen"] == "moderator"


def test_admin_removes_a_member_and_the_network_is_rekeyed(qtbot, core, demo_root, monkeypatch):
    people = open_people(qtbot, core, demo_root / "profile")
    net = people.net
    epoch = run(qtbot, core, lambda s: s.p.governance.show(net))["epoch"]
    select_member(people, "Dr. Lukas Brenner")
    answers = Answers(monkeypatch)
    qtbot.mouseClick(people.remove_button, Qt.MouseButton.LeftButton)
    idle(qtbot, core)
    assert "Remove Dr. Lukas Brenner from" in answers.questions[0]
    assert "new key epoch" in answers.questions[0]
    assert "Dr. Lukas Brenner" not in members(qtbot, core, people)
    assert members(qtbot, core, people, include_removed=True)["Dr. Lukas Brenner"] == "removed"
    assert run(qtbot, core, lambda s: s.p.governance.show(net))["epoch"] == epoch + 1
    assert people.table.rowCount() == 3
    names = {people.table.item(r, 0).text() for r in range(3)}
    assert "Dr. Lukas Brenner" not in names
    assert "new key epoch" in people.status.text()
    assert not people.remove_button.isEnabled()  # the selection went with the row
    assert not answers.warnings


def test_no_actions_on_yourself(qtbot, core, demo_root):
    people = open_people(qtbot, core, demo_root / "profile")
    select_member(people, "Dr. Sam Rivera")
    assert not people.role_button.isEnabled() and not people.remove_button.isEnabled()
    assert "This is you" in people.remove_button.toolTip()


def test_a_member_who_is_not_an_admin_cannot_act(qtbot, core, demo_root, monkeypatch):
    people = open_people(qtbot, core, demo_root / "person-1")  # Dr. Amara Okafor, a member
    assert people.my_role == "member"
    select_member(people, "Dr. Mei Chen")
    for button in (people.role_button, people.remove_button):
        assert not button.isEnabled()
        assert "Only an admin" in button.toolTip()
    view = people.invites
    view.table.selectRow(0)
    assert not view.revoke_button.isEnabled()
    # clicking anyway (e.g. a stale state) asks nothing and changes nothing
    answers = Answers(monkeypatch)
    people.remove()
    people.change_role()
    idle(qtbot, core)
    assert not answers.questions
    assert "Dr. Mei Chen" in members(qtbot, core, people)


def test_removal_says_which_invite_codes_it_closed(
    qtbot, core, demo_root, monkeypatch, make_profile, tmp_path
):
    """A colleague who joined with a multi-use code is removed: the code closes with
    them, and the dialog says so (the admin gives the others a new code)."""
    from casebook.core.ledger import bundle

    people = open_people(qtbot, core, demo_root / "profile")
    net = people.net
    out = tmp_path / "network.bundle"

    def invite_and_export(s):
        made = s.p.invitations.create(net, uses=5)
        bundle.export(s.p.db, net, out, s.p.invitations.open_welcomes(net))
        return made

    made = run(qtbot, core, invite_and_export)
    newcomer = make_profile("Dr. Nora Quist")
    code = newcomer.invitations.read_code(made.code)
    newcomer.invitations.join(
        code,
        made.welcome,
        newcomer.name,
        before_join=lambda: bundle.ingest(newcomer.log, bundle.Bundle.read(out)),
    )
    back = tmp_path / "back.bundle"
    bundle.export(newcomer.db, net, back, {})
    run(qtbot, core, lambda s: bundle.ingest(s.p.log, bundle.Bundle.read(back)))
    people.refresh()
    idle(qtbot, core)

    select_member(people, "Dr. Nora Quist")
    answers = Answers(monkeypatch)
    qtbot.mouseClick(people.remove_button, Qt.MouseButton.LeftButton)
    idle(qtbot, core)
    assert "invites they made or joined with stop working" in answers.questions[0]
    text = people.status.text()
    assert "These invite codes no longer admit anyone" in text
    assert f"invite {made.key.hex()[:8]}: for a member, made by Dr." in text
    assert "used 1 of 5 times" in text
    assert invites(qtbot, core, people)[made.key.hex()] == "revoked"
    shots = os.environ.get("CASEBOOK_TEST_SHOTS")  # a folder to look at the dialog in
    if shots:
        people.grab().save(str(Path(shots) / "people-closed-codes.png"))
