"""The membership book keeps each network's parsed log and the fold's signature checks.

A newcomer who joins through a relay stores their own ``member.join`` first (it sorts
after the network's history), so every membership event of the catch-up sorts before it
and the fold starts from scratch. These tests hold what makes that affordable — no stored
event is parsed again, no signature checked again — and that the kept log never hides
what another process wrote or a rolled-back transaction undid.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlcipher3

from casebook.core.ledger import memberbook
from casebook.core.ledger.eventlog import EventLog
from casebook.core.model import identity, invite_rules, membership
from casebook.core.model.events import parse_trusted
from casebook.core.model.identity import Identity
from casebook.core.profile import Profile
from casebook.errors import StorageFull
from clikit import PASSPHRASE
from netkit import deliver, join, key, link_computer, raw_events

NEWCOMERS = 12


def _network_of(admin: Profile, make_profile: Callable[..., Profile]) -> bytes:
    net = admin.library.create_network("Cardiology Circle", admin.name)
    for i in range(NEWCOMERS):
        join(make_profile(f"Dr. Member {i:02d}", folder=f"m{i}"), admin, net)
    return net


def test_newcomers_catch_up_parses_no_event_twice_and_checks_each_proof_once(
    make_profile: Callable[..., Profile], monkeypatch: pytest.MonkeyPatch
):
    admin = make_profile("Dr. Alice Moreau")
    net = _network_of(admin, make_profile)
    made = admin.invitations.create(net)
    history = raw_events(admin, net)
    newcomer = make_profile("Dr. Zoe Late", folder="late")
    code = newcomer.invitations.read_code(made.code)
    newcomer.invitations.join(code, made.welcome, newcomer.name)  # a relay's order: join first

    parsed: list[bytes] = []
    checked: list[bytes] = []
    real_parse, real_verify = memberbook.events.parse_trusted, identity.verify
    monkeypatch.setattr(
        memberbook.events, "parse_trusted", lambda raw: parsed.append(raw) or real_parse(raw)
    )
    monkeypatch.setattr(
        identity, "verify", lambda *args: checked.append(args[1]) or real_verify(*args)
    )
    identity._verify_remembered.cache_clear()
    with newcomer.log.batch():
        for raw in history:
            newcomer.log.ingest(raw)

    state = newcomer.log.members.state(net)
    assert len(state.active_members()) == NEWCOMERS + 2
    assert not state.rejected
    entries = [
        membership.Entry.of(parse_trusted(raw))
        for raw in raw_events(newcomer, net)
        if parse_trusted(raw).kind in membership.KINDS
    ]
    assert state == membership.fold(net, entries)  # the same as a fold of the stored log
    # Each catch-up event sorted before the newcomer's join: a fold from scratch each time,
    # over the kept log (the first fold read it once, at most).
    assert len(parsed) <= len(entries)
    signed = [e for e in entries if e.kind in ("invite.create", "member.join")]
    assert len(signed) == 2 * (NEWCOMERS + 1)  # each invite's proof, each join's proof
    assert len(checked) == len(set(checked)) == len(signed)  # each checked once
    assert invite_rules.verify_again is identity.verify_again


def test_kept_log_sees_what_another_process_wrote(make_profile: Callable[..., Profile]):
    admin = make_profile("Dr. Alice Moreau")
    net = admin.library.create_network("Cardiology Circle", admin.name)
    before = admin.log.members.state(net)  # the log is kept from here
    with Profile.unlock(admin.directory, PASSPHRASE) as other:  # e.g. the CLI, app open
        made = other.invitations.create(net)
    assert made.key not in before.invites
    assert made.key in admin.log.members.state(net).invites
    newcomer = make_profile("Dr. Bob Tanaka")
    join(newcomer, admin, net)  # a fold in place on top of the re-read log
    state = admin.log.members.state(net)
    assert made.key in state.invites and newcomer.log.identity.public_key in state.members


def test_kept_log_forgets_a_rolled_back_entry(make_profile: Callable[..., Profile]):
    admin = make_profile("Dr. Alice Moreau")
    net = admin.library.create_network("Cardiology Circle", admin.name)
    admin.log.members.state(net)

    class Undo(Exception):
        pass

    with pytest.raises(Undo), admin.db.transaction():
        gone = admin.invitations.create(net)
        assert gone.key in admin.log.members.state(net).invites
        raise Undo
    kept = admin.invitations.create(net)
    state = admin.log.members.state(net)
    assert gone.key not in state.invites and kept.key in state.invites
    entries = [
        membership.Entry.of(parse_trusted(raw))
        for raw in raw_events(admin, net)
        if parse_trusted(raw).kind in membership.KINDS
    ]
    assert state == membership.fold(net, entries)


def test_a_removal_made_by_another_process_is_not_judged_again(
    make_profile: Callable[..., Profile], monkeypatch: pytest.MonkeyPatch
):
    """The next add's "before" is the state another process left, not this one's last:
    Carol's removal of Bob (cut before his last case) was applied, and the derived tables
    rebuilt, by the CLI on Alice's profile; Alice's app must not take it for new."""
    alice, bob = make_profile("Dr. Alice Moreau"), make_profile("Dr. Bob Tanaka")
    carol = make_profile("Dr. Carol Diaz")
    net = alice.library.create_network("Cardiology Circle", alice.name)
    join(bob, alice, net)
    join(carol, alice, net, role="admin")
    deliver(alice, carol, net)
    carol.governance.remove(net, "Bob")  # Carol has not seen Bob's next case
    bob.library.post_case(net, title="Exertional syncope in a runner")
    deliver(bob, alice, net)
    alice.invitations.create(net)  # Alice's app folds (and judges) with Bob a member
    rebuilds: list[EventLog] = []
    real = EventLog._rebuild_derived
    monkeypatch.setattr(EventLog, "_rebuild_derived", lambda log: rebuilds.append(log) or real(log))
    with Profile.unlock(alice.directory, PASSPHRASE) as cli:
        deliver(carol, cli, net)  # the removal reaches back: the CLI rebuilds
        assert rebuilds == [cli.log]
    alice.invitations.create(net)
    assert rebuilds == [cli.log]  # and Alice's app has nothing to rebuild
    assert alice.log.members.state(net).role_now(key(bob)) is None


def _stored_fold(profile: Profile, net: bytes) -> membership.MembershipState:
    entries = [
        membership.Entry.of(parse_trusted(raw))
        for raw in raw_events(profile, net)
        if parse_trusted(raw).kind in membership.KINDS
    ]
    return membership.fold(net, entries)


def test_a_batch_sees_what_another_process_wrote_before_it(make_profile: Callable[..., Profile]):
    """The CLI makes an invite while the app is open; Bob joins with it; the app's sync
    batch takes his join in (and must know the invite)."""
    alice, bob = make_profile("Dr. Alice Moreau"), make_profile("Dr. Bob Tanaka")
    net = alice.library.create_network("Cardiology Circle", alice.name)
    alice.log.members.state(net)  # the app's cached state
    with Profile.unlock(alice.directory, PASSPHRASE) as cli:
        made = cli.invitations.create(net)
        code = bob.invitations.read_code(made.code)
        bob.invitations.join(
            code, made.welcome, bob.name, before_join=lambda: deliver(cli, bob, net)
        )
    with alice.log.batch():  # a sync brings Bob's join
        for raw in raw_events(bob, net):
            alice.log.ingest(raw)
    rows = {bytes(r[0]) for r in alice.db.all("SELECT key FROM members WHERE net = ?", (net,))}
    assert key(bob) in rows
    assert alice.db.scalar("SELECT count(*) FROM rejected") == 0
    assert alice.log.members.state(net) == _stored_fold(alice, net)


class _FullDisk:
    """A connection whose next COMMIT fails as on a full disk."""

    def __init__(self, conn: Any) -> None:
        self.conn, self.fail = conn, True

    def execute(self, sql: str, *args: Any) -> Any:
        if sql == "COMMIT" and self.fail:
            self.fail = False
            raise sqlcipher3.OperationalError("database or disk is full")
        return self.conn.execute(sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.conn, name)


def test_kept_log_forgets_an_entry_whose_commit_failed(
    make_profile: Callable[..., Profile], tmp_path: Path
):
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name)
    alice.log.members.state(net)
    real = alice.db.conn
    alice.db.conn = _FullDisk(real)
    with pytest.raises(StorageFull):
        alice.invitations.create(net)  # said to the user: nothing was saved
    alice.db.conn = real
    with Profile.unlock(alice.directory, PASSPHRASE) as cli:  # the counts agree again
        made = cli.invitations.create(net)
    link_computer(alice, tmp_path / "laptop")  # a device.add: a whole fold in the app
    state = alice.log.members.state(net)
    invites = {bytes(r[0]) for r in alice.db.all("SELECT key FROM invites WHERE net = ?", (net,))}
    assert made.key in state.invites and made.key in invites
    assert state == _stored_fold(alice, net)


def test_long_signed_messages_are_checked_each_time_not_remembered():
    """A revocation may name 10,000 kept devices (a 320 KB message): remembering such
    messages would let a member fill memory with them."""
    signer = Identity.generate()
    short, long = b"m" * identity.FOLD_VERIFY_MAX_MESSAGE, b"m" * 320_000
    identity._verify_remembered.cache_clear()
    assert identity.verify_again(signer.public_key, signer.sign(short), short)
    assert identity.verify_again(signer.public_key, signer.sign(long), long)
    assert not identity.verify_again(signer.public_key, signer.sign(short), long)
    assert identity._verify_remembered.cache_info().currsize == 1
