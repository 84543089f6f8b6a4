"""``casebook-relay migrate --from DIR --database URL``: a SQLite relay moved into
PostgreSQL loses no event, keeps its URL and pin, and its members sync on as before; and
the ``--database`` option's failures are one calm line each."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from casebook.core.library.search import Filters
from casebook.core.profile import Profile
from casebook.relay.cli import main as relay_main
from casebook.relay.sqlite_store import SqliteStore
from casebook.relay.storage import open_store
from pgkit import Cluster
from relaykit import RunningRelay, join, sync


def one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err.strip()


def test_a_sqlite_relay_moves_into_postgresql_and_its_members_go_on(
    make_profile: Callable[..., Profile],
    pg_cluster: Cluster,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data = tmp_path / "relay-data"
    old = RunningRelay(data, database=None)
    alice, bob = make_profile("Dr. Alice Moreau"), make_profile("Dr. Bob Lee")
    net = alice.library.create_network("Cardiology Circle", alice.name, relays=[old.url])
    code = alice.invitations.create(net).code
    for i in range(30):
        alice.library.post_case(net, title=f"Case {i}", body="Syncope on exertion " * 10)
    assert sync(alice, net, old).error is None
    join(bob, code)
    bob.library.comment(bob.queries.list_cases(Filters(), limit=1)[0].id, "Seen this twice")
    assert sync(bob, net, old).error is None
    before = SqliteStore(data)
    counts = {n: before.usage(n) for n in before.networks()}
    fingerprint = old.relay.fingerprint
    old.stop()

    database = pg_cluster.database()
    assert relay_main(["migrate", "--from", str(data), "--database", database]) == 0
    out = capsys.readouterr().out
    assert "moved 1 networks, 34 events" in out and "nothing lost" in out
    after = open_store(data, database)
    try:
        assert {n: after.usage(n) for n in after.networks()} == counts
        assert after.measured_usage(net) == counts[net]
    finally:
        after.close()

    # A second migration into the same database is refused: it holds a relay already.
    assert relay_main(["migrate", "--from", str(data), "--database", database]) == 2
    assert "already" in one_line(capsys)

    new = RunningRelay(data, database=database)  # the same folder: the same key and pin
    try:
        assert new.relay.fingerprint == fingerprint
        alice.library.post_case(net, title="After the move", body="Served from PostgreSQL")
        assert sync(alice, net, new).error is None  # the same address book entry, pin
        report = sync(bob, net, new)
        assert report.error is None and report.applied == 1
        titles = {c.title for c in bob.queries.list_cases(Filters(), limit=100)}
        assert len(titles) == 31 and "After the move" in titles
    finally:
        new.stop()


def test_a_running_relay_is_not_migrated(
    tmp_path: Path, pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    relay = RunningRelay(tmp_path / "relay-data", database=None, status_interval=0.1)
    try:
        relay.call(asyncio.sleep(0.3))  # its status file is written
        assert (tmp_path / "relay-data" / "status.json").exists()
        code = relay_main(
            ["migrate", "--from", str(tmp_path / "relay-data"), "--database", pg_cluster.url("x")]
        )
        assert code == 2 and "stop it first" in one_line(capsys)
    finally:
        relay.stop()


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("mysql://relay@127.0.0.1/relay", "postgresql://"),
        ("postgresql://relay@127.0.0.1:1/relay", "cannot use the relay's database"),
    ],
)
def test_a_bad_database_is_one_calm_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], url: str, words: str
) -> None:
    argv = ["status", "--database", url]
    assert relay_main(argv) != 0
    line = one_line(capsys)
    assert words in line
    assert "password" not in line or "check" in line


def test_the_password_never_shows(
    tmp_path: Path, pg_cluster: Cluster, capsys: pytest.CaptureFixture[str]
) -> None:
    wrong = pg_cluster.url("postgres").replace(pg_cluster.password, "not-the-password-123")
    assert relay_main(["status", "--database", wrong]) != 0
    line = one_line(capsys)
    assert "not-the-password-123" not in line and pg_cluster.password not in line
    assert f"127.0.0.1:{pg_cluster.port}/postgres" in line
