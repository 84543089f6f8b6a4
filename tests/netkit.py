"""Moving events between profiles in one process, the way sync will: helpers for tests.

``join`` runs the real invite flow: the admin makes an invite, the newcomer opens its
welcome package with the code, takes in the network's events, and joins; the admin then
takes in the join.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from casebook.core.ledger.eventlog import EventLog, Outcome
from casebook.core.library.search import Filters
from casebook.core.model import devices as device_model
from casebook.core.model.identity import Identity
from casebook.core.network.invitations import MadeInvite
from casebook.core.profile import Profile
from casebook.store.database import Database
from casebook.sync.ingest import SyncReport, ingest, parse_all
from clikit import PASSPHRASE


def key(profile: Profile) -> bytes:
    return profile.identity.public_key


def fp(profile: Profile) -> str:
    """The member's fingerprint (the same on every computer of theirs)."""
    return profile.fingerprint


def titles(profile: Profile) -> list[str]:
    """The titles of every case the profile's case list shows."""
    return sorted(c.title for c in profile.queries.list_cases(Filters(), limit=10_000))


def raw_events(profile: Profile, net: bytes | None = None) -> list[bytes]:
    """The profile's events as it sends them (their wire form), in its order."""
    if net is None:
        rows = profile.db.all("SELECT raw FROM events ORDER BY seqno")
    else:
        rows = profile.db.all("SELECT raw FROM events WHERE net = ? ORDER BY seqno", (net,))
    return profile.log.wire.all(bytes(row[0]) for row in rows)


def kept_form(profile: Profile, event_id: bytes) -> bytes:
    """One event as ``profile`` keeps it (its open form, or its wire form)."""
    return bytes(profile.db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,)))


def through_workers(target: Profile, raws: list[bytes], net: bytes) -> list[str]:
    """``raws`` ingested by ``target`` the way sync does: verified and opened by
    ``parse_all`` (sync's worker threads' function), so kept open, then stored by
    ``ingest``; what it refused."""
    seeds = {e: [s for _, s in target.log.keys.candidates(net, e)] for e in range(8)}
    report = SyncReport(net, "test")
    ingest(target.log, [parse_all(raws, seeds)], report, {})
    return report.refused


def deliver(source: Profile, target: Profile, net: bytes | None = None) -> list[Outcome]:
    """Everything ``source`` stores, in its order; nothing may be refused."""
    return [target.log.ingest(raw) for raw in raw_events(source, net)]


def sync(*profiles: Profile, net: bytes | None = None) -> None:
    """Everyone receives everything everyone else has (twice round, so relays of relays)."""
    for _ in range(2):
        for source in profiles:
            for target in profiles:
                if source is not target:
                    deliver(source, target, net)


def join(
    newcomer: Profile,
    admin: Profile,
    net: bytes,
    role: str | None = None,
    *,
    back: bool = True,
) -> bytes:
    made = admin.invitations.create(net, role=role)
    code = newcomer.invitations.read_code(made.code)
    join_id = newcomer.invitations.join(
        code, made.welcome, newcomer.name, before_join=lambda: deliver(admin, newcomer, net)
    )
    if back:
        deliver(newcomer, admin, net)
    return join_id


def joins_with(newcomer: Profile, made: MadeInvite, source: Profile, net: bytes) -> bytes:
    """``newcomer`` joins offline with the invite ``made``, having what ``source`` has."""
    code = newcomer.invitations.read_code(made.code)
    return newcomer.invitations.join(
        code, made.welcome, newcomer.name, before_join=lambda: deliver(source, newcomer, net)
    )


def role_in(profile: Profile, net: bytes, member: Profile) -> str | None:
    """``member``'s role now, as ``profile``'s membership fold has it."""
    return profile.log.members.state(net).role_now(key(member))


def link_computer(first: Profile, folder: Path) -> Profile:
    """A new computer of ``first``'s member, linked as ``device link`` does it."""
    device, secret = Identity.generate(), os.urandom(16)
    sealed = first.devices.package(
        secret, device.public_key, device.exchange_public_key, "laptop", first.name
    )
    package = device_model.open_package(sealed, device, secret)
    laptop = Profile.create(folder, first.name, PASSPHRASE, device=device, member=package["member"])
    first.devices.take_adds(laptop.devices.adopt(package))
    return laptop


def count_rebuilds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """From now on, each ``EventLog.rebuild`` appends 1 to the list returned."""
    calls: list[int] = []
    real = EventLog.rebuild
    monkeypatch.setattr(EventLog, "rebuild", lambda self: calls.append(1) or real(self))
    return calls


def failing_reopen(monkeypatch: pytest.MonkeyPatch) -> None:
    """From now on, a library file opened once does not open again (no file handle left):
    a compaction's or re-key's check opens its new file, going on with it then fails."""
    real = Database.open
    opened: list[Path] = []

    def open_(path: Path, key: bytes | None, *args: object) -> Database:
        if path.exists() and path in opened:
            raise OSError(24, "Too many open files")
        database = real(path, key, *args)  # type: ignore[arg-type]
        if key is not None:
            opened.append(path)
        return database

    monkeypatch.setattr(Database, "open", staticmethod(open_))


def reopen(profile: Profile, times: int) -> Iterator[Profile]:
    """``profile`` closed, then unlocked again ``times`` times: each, open, in turn."""
    folder = profile.directory
    profile.close()
    for _ in range(times):
        with Profile.unlock(folder, PASSPHRASE) as again:
            yield again


# What each schema step after 13 added, undone: a profile as an older version left it
# (its derived tables are refilled by the rebuild an upgrade runs).
UNDO_STEPS: dict[int, list[str]] = {
    14: ["DROP TABLE mentions"],
    15: ["DROP TABLE flags", "DROP TABLE moderation_log", "DROP TABLE reminders"],
    16: ["ALTER TABLE cases DROP COLUMN opinion", "ALTER TABLE cases DROP COLUMN opinion_order"],
    17: [
        "DROP TABLE moderation_policy",
        "ALTER TABLE moderation DROP COLUMN held",
        "ALTER TABLE moderation DROP COLUMN hold_order",
        "ALTER TABLE poll_answers DROP COLUMN hidden",
    ],
    18: [
        "DROP INDEX comments_case",
        "CREATE INDEX comments_case ON comments (case_id, created_order)",
        "DROP INDEX comments_author",
        "CREATE INDEX comments_author ON comments (author, case_id)",
    ],
    19: [],  # (the open form of events: nothing in the schema changed)
    20: [],  # (a case's text read from its open creation: a v19 profile without those rows)
}


def downgrade(profile: Profile, version: int) -> None:
    """Undo the schema steps after ``version`` (at least 13), newest first."""
    for step in sorted(UNDO_STEPS, reverse=True):
        if step > version:
            for statement in UNDO_STEPS[step]:
                profile.db.execute(statement)
    profile.db.execute(f"PRAGMA user_version = {int(version)}")


def shown(profile: Profile, item: bytes) -> bool:
    """Whether the case or comment ``item`` (received by ``profile``) is shown to members:
    neither hidden nor held."""
    hidden = profile.db.scalar(
        "SELECT hidden FROM cases WHERE id = ? UNION ALL SELECT hidden FROM comments WHERE id = ?",
        (item, item),
    )
    assert hidden is not None, "not received"
    return not hidden
