"""Shared fixtures: fast (but real) Argon2id, throwaway profiles, a CLI runner."""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable, Iterator
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path
from typing import Any

import pytest

import relaykit
from casebook.core.profile import Profile
from clikit import PASSPHRASE, Result
from pgkit import Cluster, pg_bin
from relaykit import RunningRelay, collect_garbage

# Modules marked ``both_stores`` run each test twice: against the relay's SQLite store
# and against PostgreSQL (a throwaway cluster of the session's own, a database a relay).
STORES = ("sqlite", "postgresql")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "both_stores: run against the relay's SQLite and PostgreSQL stores"
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("both_stores") is not None:
        metafunc.parametrize("_relay_store", STORES, indirect=True)


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[Cluster]:
    if pg_bin() is None and not os.environ.get("CASEBOOK_REQUIRE_PG"):
        pytest.skip("PostgreSQL is not installed (bash installers/system-deps.sh test)")
    cluster = Cluster()
    yield cluster
    cluster.remove()


@pytest.fixture(autouse=True)
def _relay_store(request: pytest.FixtureRequest) -> Iterator[str]:
    """The store of the relays this test starts (see ``relaykit.database_for``)."""
    store = getattr(request, "param", "sqlite")
    if store == "sqlite":
        yield store
        return
    cluster: Cluster = request.getfixturevalue("pg_cluster")
    made: dict[Path, str] = {}

    def database(data: Path) -> str:
        if data not in made:
            made[data] = cluster.database()
        return made[data]

    relaykit.database_for = database
    relaykit.store_folders = lambda data: [data, cluster.data]
    try:
        yield store
    finally:
        relaykit.database_for = relaykit.sqlite_store
        relaykit.store_folders = relaykit.data_folder


@pytest.fixture(autouse=True)
def _environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # Real Argon2id at the OWASP floor instead of half a second, so tests stay fast.
    monkeypatch.setenv("CASEBOOK_KDF_TARGET_MS", "10")
    monkeypatch.setenv("CASEBOOK_LOG_DIR", str(tmp_path / "logs"))
    # No test goes on the host's LAN: only the namespace tests (tests/lan) turn it on.
    monkeypatch.setenv("CASEBOOK_LAN", "off")
    monkeypatch.delenv("CASEBOOK_PASSPHRASE", raising=False)
    monkeypatch.delenv("CASEBOOK_NEW_PASSPHRASE", raising=False)
    monkeypatch.delenv("CASEBOOK_PROFILE", raising=False)


@pytest.fixture
def make_profile(tmp_path: Path) -> Iterator[Callable[..., Profile]]:
    opened: list[Profile] = []

    def make(name: str = "Dr. Alice Moreau", folder: str | None = None) -> Profile:
        directory = tmp_path / (folder or name.split()[-1].lower())
        profile = Profile.create(directory, name, PASSPHRASE)
        opened.append(profile)
        return profile

    yield make
    for profile in opened:
        with contextlib.suppress(Exception):  # already closed by the test
            profile.close()


@pytest.fixture
def alice(make_profile: Callable[..., Profile]) -> Profile:
    return make_profile("Dr. Alice Moreau")


@pytest.fixture
def network(alice: Profile) -> bytes:
    return alice.library.create_network("Cardiology Circle", alice.name)


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run ``casebook`` in-process against ``tmp_path/cli-profile``."""
    from casebook.cli import main

    monkeypatch.setenv("CASEBOOK_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))

    def run(*argv: str, profile: str = "cli-profile", env: dict[str, str] | None = None) -> Result:
        out, err = io.StringIO(), io.StringIO()
        saved = {k: os.environ.get(k) for k in (env or {})}
        os.environ.update(env or {})
        try:
            with redirect_stdout(out), redirect_stderr(err):
                code = main(["--profile", str(tmp_path / profile), *argv])
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        return Result(code, out.getvalue(), err.getvalue())

    return run


@pytest.fixture(autouse=True)
def _no_unexpected_message_boxes(monkeypatch: pytest.MonkeyPatch) -> None:
    """In GUI tests a message box nobody expected fails the test instead of hanging it
    (a test that expects one patches it again)."""
    import sys

    if "PySide6.QtWidgets" not in sys.modules:
        return
    from PySide6.QtWidgets import QMessageBox

    def unexpected(_parent: object, title: str, text: str, *args: object, **kw: object) -> None:
        raise AssertionError(f"unexpected message box {title!r}: {text}")

    for name in ("warning", "critical", "information"):
        monkeypatch.setattr(QMessageBox, name, unexpected)


@pytest.fixture
def relays(tmp_path: Path) -> Iterator[Callable[..., RunningRelay]]:
    """Start real relays (each in its own data folder); all are stopped afterwards."""
    started: list[RunningRelay] = []

    def start(folder: str = "relay-data", **options: Any) -> RunningRelay:
        running = RunningRelay(tmp_path / folder, **options)
        started.append(running)
        return running

    yield start
    for running in started:
        running.stop()
    collect_garbage([])
