"""Attack-style tests for the profile: passphrases, damage, re-keying, locks, secrecy at rest."""

from __future__ import annotations

import json
import os
import random
import shutil
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import casebook.core.profile as profile_module
from casebook.core.library.attachments import prepare_bytes
from casebook.core.library.search import Filters
from casebook.core.profile import Profile
from casebook.errors import (
    CasebookError,
    ProfileCorrupted,
    ProfileExists,
    ProfileLocked,
    ProfileMissing,
    WrongPassphrase,
)
from casebook.store.database import DEFAULT_PAGE_SIZE
from casebook.store.lock import ProfileLock

PASSPHRASE = "correct horse battery staple"  # same as tests/conftest.py
NEW_PASSPHRASE = "a completely different passphrase"

Snapshot = dict[str, tuple[bytes, int]]


# -- helpers ------------------------------------------------------------------------------
def snapshot(directory: Path) -> Snapshot:
    """Name → (bytes, mtime_ns) of every file in the profile directory."""
    return {
        path.name: (path.read_bytes(), path.stat().st_mtime_ns)
        for path in sorted(directory.iterdir())
        if path.is_file()
    }


def db_files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.glob("library-*.db"))


def header(directory: Path) -> dict[str, Any]:
    return json.loads((directory / "profile.json").read_text("utf-8"))


def database_path(directory: Path) -> Path:
    return directory / header(directory)["database"]


def populate(profile: Profile) -> tuple[bytes, list[bytes]]:
    """A network with a few cases, comments and a status change; returns (net, case ids)."""
    net = profile.library.create_network("Cardiology Circle", profile.name)
    cases = []
    for number in range(3):
        case = profile.library.post_case(
            net,
            title=f"Syncope case {number}",
            fields={"presentation": f"Presentation {number}", "question": "What next?"},
            body=f"Body of case {number}",
            tags=["cardiology", f"case-{number}"],
        )
        profile.library.comment(case, f"First thought on {number}")
        cases.append(case)
    profile.library.set_status(cases[0], "resolved")
    profile.library.edit_case(cases[1], title="Syncope case 1 (edited)")
    return net, cases


def library_state(profile: Profile) -> dict[str, Any]:
    """Everything the app shows: networks, the case list and every case's detail."""
    summaries = profile.queries.list_cases(Filters(), limit=1000)
    return {
        "networks": profile.queries.networks(),
        "cases": [s.to_json() for s in summaries],
        "details": {s.id.hex(): profile.queries.case(s.id).to_json() for s in summaries},
        "events": profile.db.scalar("SELECT count(*) FROM events"),
        "name": profile.name,
    }


def read_everything(profile: Profile) -> list[str]:
    """Touch every page a user could reach; returns the integrity problems found."""
    problems = profile.db.integrity_errors()
    tables = [
        row[0] for row in profile.db.all("SELECT name FROM sqlite_master WHERE type = 'table'")
    ]
    for table in tables:
        profile.db.all(f'SELECT * FROM "{table}"')  # names from sqlite_master
    for summary in profile.queries.list_cases(Filters(), limit=10_000):
        profile.queries.case(summary.id)
    problems += profile.log.verify_all()
    return problems


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """One populated, closed profile per module (copied by ``closed_profile``)."""
    directory = tmp_path_factory.mktemp("template") / "alice"
    profile = Profile.create(directory, "Dr. Alice Moreau", PASSPHRASE, kdf_target_ms=10)
    populate(profile)
    state = library_state(profile)
    profile.close()
    return directory, state


@pytest.fixture
def closed_profile(template, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    """A private copy of the populated, closed profile and its library state."""
    source, state = template
    directory = tmp_path / "copy"
    shutil.copytree(source, directory)
    return directory, state


# -- create / unlock ----------------------------------------------------------------------
def test_create_then_unlock_keeps_identity_and_content(make_profile: Callable[..., Profile]):
    profile = make_profile("Dr.   Alice\tMoreau")
    net, cases = populate(profile)
    fingerprint = profile.identity.fingerprint
    public = (profile.identity.public_key, profile.identity.exchange_public_key)
    private = profile.identity.private_bytes()
    state = library_state(profile)
    assert profile.name == "Dr. Alice Moreau"  # whitespace normalised once, at creation
    profile.close()

    reopened = Profile.unlock(profile.directory, PASSPHRASE)
    try:
        assert reopened.identity.fingerprint == fingerprint
        assert (reopened.identity.public_key, reopened.identity.exchange_public_key) == public
        assert reopened.identity.private_bytes() == private
        assert library_state(reopened) == state
        assert reopened.log.verify_all() == []
        # The reopened profile can keep writing to the same chain.
        extra = reopened.library.post_case(net, title="After reopening")
        assert reopened.queries.case(extra) is not None
        assert reopened.log.verify_all() == []
    finally:
        reopened.close()
    assert len(cases) == 3


def test_modes_of_directory_and_header(make_profile: Callable[..., Profile]):
    old = os.umask(0o022)
    try:
        profile = make_profile("Dr. Alice Moreau")
    finally:
        os.umask(old)
    directory = profile.directory
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    assert stat.S_IMODE((directory / "profile.json").stat().st_mode) == 0o600
    profile.change_passphrase(NEW_PASSPHRASE)  # the header is rewritten: still private
    assert stat.S_IMODE((directory / "profile.json").stat().st_mode) == 0o600
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700


def test_create_over_existing_profile_refused_and_changes_nothing(
    make_profile: Callable[..., Profile],
):
    profile = make_profile("Dr. Alice Moreau")
    populate(profile)
    profile.close()
    before = snapshot(profile.directory)
    with pytest.raises(ProfileExists):
        Profile.create(profile.directory, "Mallory", PASSPHRASE)
    assert snapshot(profile.directory) == before


def test_wrong_passphrase_raises_and_changes_nothing(closed_profile):
    directory, state = closed_profile
    before = snapshot(directory)
    for attempt in ("correct horse battery stapler", "", PASSPHRASE.upper(), PASSPHRASE + " "):
        with pytest.raises(WrongPassphrase) as caught:
            Profile.unlock(directory, attempt)
        assert caught.value.exit_code == 2
        assert "passphrase" in caught.value.message.lower()
        assert snapshot(directory) == before
    # ...and the right one still works afterwards, with everything there.
    with Profile.unlock(directory, PASSPHRASE) as profile:
        assert library_state(profile) == state


def test_wrong_passphrase_does_not_leave_the_profile_locked(closed_profile):
    directory, _ = closed_profile
    with pytest.raises(WrongPassphrase):
        Profile.unlock(directory, "not the passphrase at all")
    lock = ProfileLock(directory)
    lock.acquire(exclusive=True)  # would raise ProfileLocked if the failed unlock kept it
    lock.release()


def test_missing_profile(tmp_path: Path):
    with pytest.raises(ProfileMissing) as caught:
        Profile.unlock(tmp_path / "nowhere", PASSPHRASE)
    assert caught.value.exit_code == 2
    assert not (tmp_path / "nowhere").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ProfileMissing):
        Profile.unlock(empty, PASSPHRASE)
    assert list(empty.iterdir()) == []


def test_header_pointing_at_missing_database(closed_profile):
    directory, _ = closed_profile
    data = header(directory)
    real = data["database"]
    data["database"] = "library-00000000.db"
    (directory / "profile.json").write_text(json.dumps(data), "utf-8")
    before = snapshot(directory)
    with pytest.raises(ProfileCorrupted):
        Profile.unlock(directory, PASSPHRASE)
    # The real database is not treated as a stray left by a re-key and deleted.
    assert snapshot(directory) == before
    assert (directory / real).is_file()


# -- damaged database ---------------------------------------------------------------------
def _overwrite(data: bytes, offset: int, length: int = 64) -> bytes:
    damaged = bytearray(data)
    damaged[offset : offset + length] = bytes(b ^ 0x5A for b in damaged[offset : offset + length])
    return bytes(damaged)


DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "middle": lambda data: _overwrite(data, len(data) // 2),
    "second-page": lambda data: _overwrite(data, 8192 + 100),
    "last-page": lambda data: _overwrite(data, len(data) - 4000),
    "truncated-half": lambda data: data[: len(data) // 2],
    "truncated-odd": lambda data: data[: len(data) - 1000],
    "truncated-to-zero": lambda data: b"",
    "random": lambda data: random.Random(7).randbytes(len(data)),
}


@pytest.mark.parametrize(
    "damage",
    [
        "middle",
        "second-page",
        "last-page",
        "truncated-half",
        "truncated-odd",
        "truncated-to-zero",
        "random",
    ],
)
def test_damaged_database_is_reported_and_left_alone(closed_profile, damage: str):
    directory, _ = closed_profile
    path = database_path(directory)
    damaged = DAMAGE[damage](path.read_bytes())
    path.write_bytes(damaged)
    header_before = (directory / "profile.json").read_bytes()

    detected = False
    try:
        profile = Profile.unlock(directory, PASSPHRASE)
        try:
            detected = bool(read_everything(profile))
        finally:
            profile.close()
    except CasebookError as exc:  # ProfileCorrupted or another user-facing error
        detected = True
        assert path.name in exc.message or "damaged" in exc.message.lower()
    assert detected, "the damage went unnoticed"
    assert path.is_file(), "the damaged database was deleted"
    assert path.read_bytes() == damaged, "the damaged database was modified"
    assert (directory / "profile.json").read_bytes() == header_before


def test_random_database_bytes_give_profile_corrupted(closed_profile):
    directory, _ = closed_profile
    path = database_path(directory)
    garbage = os.urandom(path.stat().st_size)
    path.write_bytes(garbage)
    before = snapshot(directory)
    with pytest.raises(ProfileCorrupted) as caught:
        Profile.unlock(directory, PASSPHRASE)
    assert caught.value.exit_code == 3
    assert path.name in caught.value.message
    assert snapshot(directory) == before


def test_database_replaced_by_another_profiles_database(make_profile, closed_profile):
    """A valid SQLCipher file under a different key: damaged, not a wrong passphrase."""
    directory, _ = closed_profile
    other = make_profile("Dr. Bob Okafor")
    other.close()
    path = database_path(directory)
    foreign = database_path(other.directory).read_bytes()
    path.write_bytes(foreign)
    before = snapshot(directory)
    with pytest.raises(ProfileCorrupted):
        Profile.unlock(directory, PASSPHRASE)
    assert snapshot(directory) == before


# -- damaged header -----------------------------------------------------------------------
def _edit_header(change: Callable[[dict[str, Any]], Any]) -> Callable[[bytes], bytes]:
    def apply(data: bytes) -> bytes:
        value = json.loads(data)
        result = change(value)
        return json.dumps(value if result is None else result).encode("utf-8")

    return apply


HEADER_DAMAGE: dict[str, Callable[[bytes], bytes]] = {
    "garbage-bytes": lambda data: b"\xff\xfe\x00garbage\x00",
    "truncated": lambda data: data[: len(data) // 2],
    "empty": lambda data: b"",
    "flipped-byte": lambda data: data[:20] + bytes([data[20] ^ 0x40]) + data[21:],
    "wrong-format": _edit_header(lambda h: h.update(format="something-else")),
    "version-2": _edit_header(lambda h: h.update(version=2)),
    "no-kdf": _edit_header(lambda h: h.pop("kdf")),
    "bad-salt": _edit_header(lambda h: h["kdf"].update(salt="zz" * 16)),
    "short-salt": _edit_header(lambda h: h["kdf"].update(salt="00")),
    "other-algorithm": _edit_header(lambda h: h["kdf"].update(algorithm="pbkdf2")),
    "page-size-text": _edit_header(lambda h: h.update(page_size="big")),
    "database-path-escape": _edit_header(lambda h: h.update(database="library-x/../../x.db")),
    "database-not-library": _edit_header(lambda h: h.update(database="other.db")),
    "json-array": lambda data: b"[]",
    "json-null": lambda data: b"null",
    "kdf-not-object": _edit_header(lambda h: h.update(kdf="argon2id")),
    "kdf-lanes-zero": _edit_header(lambda h: h["kdf"].update(lanes=0)),
    "key-check-short": _edit_header(lambda h: h.update(key_check="00")),
}


@pytest.mark.parametrize(
    "damage",
    [
        *[
            name
            for name in HEADER_DAMAGE
            if name
            not in {
                "json-array",
                "json-null",
                "kdf-not-object",
                "kdf-lanes-zero",
                "key-check-short",
            }
        ],
        "json-array",
        "json-null",
        "kdf-not-object",
        "kdf-lanes-zero",
        "key-check-short",
    ],
)
def test_damaged_header_gives_profile_corrupted_and_is_untouched(closed_profile, damage: str):
    directory, _ = closed_profile
    path = directory / "profile.json"
    damaged = HEADER_DAMAGE[damage](path.read_bytes())
    path.write_bytes(damaged)
    before = snapshot(directory)
    with pytest.raises(ProfileCorrupted) as caught:
        Profile.unlock(directory, PASSPHRASE)
    assert caught.value.exit_code == 3
    assert caught.value.message
    assert snapshot(directory) == before


# -- changing the passphrase --------------------------------------------------------------
def test_change_passphrase(make_profile: Callable[..., Profile]):
    profile = make_profile("Dr. Alice Moreau")
    net, _ = populate(profile)
    state = library_state(profile)
    old_db = profile.db.path.name
    profile.change_passphrase(NEW_PASSPHRASE)
    # The open profile keeps working on the new file.
    assert library_state(profile) == state
    extra = profile.library.post_case(net, title="Written after the re-key")
    state = library_state(profile)
    profile.close()

    directory = profile.directory
    assert db_files(directory) == [header(directory)["database"]]
    assert header(directory)["database"] != old_db
    assert not any(p.name.startswith(old_db) for p in directory.iterdir())
    before = snapshot(directory)
    with pytest.raises(WrongPassphrase):
        Profile.unlock(directory, PASSPHRASE)
    assert snapshot(directory) == before
    with Profile.unlock(directory, NEW_PASSPHRASE) as reopened:
        assert library_state(reopened) == state
        assert reopened.queries.case(extra) is not None
        assert reopened.db.integrity_errors() == []
        assert reopened.log.verify_all() == []
    assert db_files(directory) == [header(directory)["database"]]


def test_change_passphrase_refuses_a_short_one(make_profile: Callable[..., Profile]):
    profile = make_profile("Dr. Alice Moreau")
    populate(profile)
    before = snapshot(profile.directory)
    with pytest.raises(CasebookError):
        profile.change_passphrase("short")
    assert snapshot(profile.directory) == before


@pytest.mark.parametrize("cleanup", ["in-process", "hard-crash"])
def test_crash_after_export_before_header(
    make_profile: Callable[..., Profile], monkeypatch: pytest.MonkeyPatch, cleanup: str
):
    profile = make_profile("Dr. Alice Moreau")
    net, _ = populate(profile)
    state = library_state(profile)
    directory = profile.directory
    old_db = profile.db.path.name

    def crash(*args: Any, **kwargs: Any) -> None:
        raise RuntimeError("simulated crash before the header was replaced")

    monkeypatch.setattr(profile_module, "_write_header", crash)
    if cleanup == "hard-crash":  # SIGKILL: no except-block clean-up runs
        monkeypatch.setattr(profile_module, "_remove_db_files", lambda path: None)
    with pytest.raises(RuntimeError, match="simulated crash"):
        profile.change_passphrase(NEW_PASSPHRASE)
    monkeypatch.undo()

    stray = [name for name in db_files(directory) if name != old_db]
    assert len(stray) == (1 if cleanup == "hard-crash" else 0)
    assert header(directory)["database"] == old_db
    if cleanup == "in-process":
        # The process survived: the profile is still usable and shared-locked as before.
        profile.library.post_case(net, title="After the failed re-key")
        state = library_state(profile)
    profile.close()

    before = snapshot(directory)
    with pytest.raises(WrongPassphrase):
        Profile.unlock(directory, NEW_PASSPHRASE)
    assert snapshot(directory) == before
    with Profile.unlock(directory, PASSPHRASE) as reopened:
        assert library_state(reopened) == state
        assert reopened.log.verify_all() == []
    assert db_files(directory) == [old_db]
    for name in stray:
        assert not any(p.name.startswith(name) for p in directory.iterdir())


def test_crash_after_header_before_old_file_removed(
    make_profile: Callable[..., Profile], monkeypatch: pytest.MonkeyPatch
):
    profile = make_profile("Dr. Alice Moreau")
    populate(profile)
    state = library_state(profile)
    directory = profile.directory
    old_path = profile.db.path
    real_remove = profile_module._remove_db_files
    calls: list[Path] = []

    def crash_on_old(path: Path) -> None:
        calls.append(path)
        if path == old_path:
            raise KeyboardInterrupt("simulated crash before the old file was removed")
        real_remove(path)

    monkeypatch.setattr(profile_module, "_remove_db_files", crash_on_old)
    with pytest.raises(KeyboardInterrupt):
        profile.change_passphrase(NEW_PASSPHRASE)
    monkeypatch.undo()
    assert calls == [old_path]
    profile.close()

    new_db = header(directory)["database"]
    assert new_db != old_path.name
    assert db_files(directory) == sorted([old_path.name, new_db])
    with pytest.raises(WrongPassphrase):
        Profile.unlock(directory, PASSPHRASE)
    assert old_path.is_file()  # a failed unlock does not clean up either
    with Profile.unlock(directory, NEW_PASSPHRASE) as reopened:
        assert library_state(reopened) == state
        assert reopened.log.verify_all() == []
    assert db_files(directory) == [new_db]
    assert not any(p.name.startswith(old_path.name) for p in directory.iterdir())


def test_crash_state_recreated_by_copying_files(make_profile: Callable[..., Profile]):
    """Header already points at the new file, the old file (and its header) still exist."""
    profile = make_profile("Dr. Alice Moreau")
    populate(profile)
    state = library_state(profile)
    directory = profile.directory
    profile.close()
    old_name = header(directory)["database"]
    old_bytes = (directory / old_name).read_bytes()
    with Profile.unlock(directory, PASSPHRASE) as again:
        again.change_passphrase(NEW_PASSPHRASE)
    assert db_files(directory) == [header(directory)["database"]]
    (directory / old_name).write_bytes(old_bytes)  # the old file "was not removed yet"

    with Profile.unlock(directory, NEW_PASSPHRASE) as reopened:
        assert library_state(reopened) == state
    assert db_files(directory) == [header(directory)["database"]]


# -- secrecy at rest ----------------------------------------------------------------------
def _scan(directory: Path, needles: dict[str, bytes]) -> list[str]:
    found = []
    for path in sorted(directory.rglob("*")):
        if not path.is_file():
            continue
        data = path.read_bytes()
        found += [f"{label} in {path.name}" for label, needle in needles.items() if needle in data]
    return found


def test_no_plaintext_on_disk(make_profile: Callable[..., Profile]):
    name = "Zephyrine Quillfeather-Okonkwo"
    profile = make_profile(name, folder="secrets")
    net = profile.library.create_network("Obsidian Heron Circle", name)
    attachment = prepare_bytes("okapi-scan-report.txt", b"ATTACHMENT-grue-6-" * 64)
    markers = {
        "title": "Title xyzzy-quokka-1",
        "field": "Field plugh-axolotl-2",
        "body": "Body frobnicate-narwhal-3",
        "tag": "tag-wombat-4",
        "comment": "Comment zorkmid-pangolin-5",
        "attachment name": "okapi-scan-report",
        "network": "Obsidian Heron Circle",
        "display name": name,
        "specialty": "Specialty vorpal-tapir-8",
        "reply": "Reply snark-capybara-9",
    }
    case = profile.library.post_case(
        net,
        title=markers["title"],
        fields={"presentation": markers["field"]},
        body=markers["body"],
        tags=[markers["tag"]],
        specialty=markers["specialty"],
        files=[attachment],
    )
    comment = profile.library.comment(case, markers["comment"])
    profile.library.reply(comment, markers["reply"])
    detail = profile.queries.case(case)
    assert detail is not None and detail.attachments  # the attachment really was stored

    needles: dict[str, bytes] = {}
    for label, text in markers.items():
        needles[f"{label} (utf-8)"] = text.encode("utf-8")
        needles[f"{label} (utf-16-le)"] = text.encode("utf-16-le")
    needles["attachment bytes"] = b"ATTACHMENT-grue-6-ATTACHMENT"
    signing, exchange = profile.identity.private_bytes()
    needles["signing private key"] = signing
    needles["exchange private key"] = exchange
    needles["signing public key"] = profile.identity.public_key
    needles["exchange public key"] = profile.identity.exchange_public_key
    needles["epoch seed"] = profile.log.seed(net, 0)
    needles["case id"] = case
    needles["network id"] = net

    assert _scan(profile.directory, needles) == []  # while open (WAL and SHM present)
    profile.close()
    assert _scan(profile.directory, needles) == []  # and after closing


# -- locking ------------------------------------------------------------------------------
def test_second_unlock_is_shared_and_blocks_rekey(make_profile: Callable[..., Profile]):
    first = make_profile("Dr. Alice Moreau")
    net, _ = populate(first)
    second = Profile.unlock(first.directory, PASSPHRASE)
    try:
        assert library_state(second) == library_state(first)
        case = second.library.post_case(net, title="Posted through the second handle")
        assert first.queries.case(case) is not None  # same database file

        before = snapshot(first.directory)
        state = library_state(first)
        with pytest.raises(ProfileLocked) as caught:
            first.change_passphrase(NEW_PASSPHRASE)
        assert caught.value.exit_code == 2
        assert snapshot(first.directory) == before
        assert library_state(first) == state
        assert library_state(second) == state
    finally:
        second.close()
    first.close()
    with Profile.unlock(first.directory, PASSPHRASE) as reopened:
        assert library_state(reopened) == state
    with pytest.raises(WrongPassphrase):
        Profile.unlock(first.directory, NEW_PASSPHRASE)


def test_rekey_refused_for_either_holder(make_profile: Callable[..., Profile]):
    first = make_profile("Dr. Alice Moreau")
    populate(first)
    second = Profile.unlock(first.directory, PASSPHRASE)
    try:
        before = snapshot(first.directory)
        with pytest.raises(ProfileLocked):
            second.change_passphrase(NEW_PASSPHRASE)
        assert snapshot(first.directory) == before
    finally:
        second.close()


def test_failed_rekey_keeps_the_shared_lock(make_profile: Callable[..., Profile]):
    first = make_profile("Dr. Alice Moreau")
    populate(first)
    second = Profile.unlock(first.directory, PASSPHRASE)
    try:
        with pytest.raises(ProfileLocked):
            first.change_passphrase(NEW_PASSPHRASE)
        before = snapshot(first.directory)
        # `first` is still open, so `second` must not be able to take the profile exclusively.
        with pytest.raises(ProfileLocked):
            second.change_passphrase(NEW_PASSPHRASE)
        assert snapshot(first.directory) == before
    finally:
        second.close()


def test_unlock_refused_while_profile_held_exclusively(closed_profile):
    directory, _ = closed_profile
    holder = ProfileLock(directory)
    holder.acquire(exclusive=True)  # e.g. another process in the middle of a re-key
    try:
        before = snapshot(directory)
        with pytest.raises(ProfileLocked):
            Profile.unlock(directory, PASSPHRASE)
        assert snapshot(directory) == before
    finally:
        holder.release()


def test_a_4_kib_library_opens_as_it_is_and_a_re_key_moves_it_to_the_current_pages(
    make_profile: Callable[..., Profile], monkeypatch: pytest.MonkeyPatch
):
    """Libraries made before 16 KiB pages say 4096 in their header and keep opening with
    it; a re-key (which writes a new file anyway) writes the current page size."""
    with monkeypatch.context() as old:
        old.setattr(profile_module, "DEFAULT_PAGE_SIZE", 4096)
        profile = make_profile("Dr. Alice Moreau")
        populate(profile)
    state = library_state(profile)
    directory = profile.directory
    profile.close()
    assert header(directory)["page_size"] == 4096

    with Profile.unlock(directory, PASSPHRASE) as reopened:
        assert int(reopened.db.scalar("PRAGMA page_size")) == 4096
        assert library_state(reopened) == state
        reopened.change_passphrase(NEW_PASSPHRASE)
        assert library_state(reopened) == state
    assert header(directory)["page_size"] == DEFAULT_PAGE_SIZE == 16384
    with Profile.unlock(directory, NEW_PASSPHRASE) as moved:
        assert int(moved.db.scalar("PRAGMA page_size")) == 16384
        assert library_state(moved) == state
        assert read_everything(moved) == []


def test_a_new_library_uses_16_kib_pages(make_profile: Callable[..., Profile]):
    profile = make_profile("Dr. Alice Moreau")
    assert header(profile.directory)["page_size"] == 16384
    assert int(profile.db.scalar("PRAGMA page_size")) == 16384
