"""Compacting a library (`casebook doctor --compact`, Settings → Compact): the library is
written anew under the same key without the free pages that withdrawals, rebuilds and
upgrades leave, with this version's page size; everything reads the same, the same
passphrase opens it, and a failure half-way changes nothing."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from test_profile import (
    NEW_PASSPHRASE,
    PASSPHRASE,
    db_files,
    header,
    library_state,
    populate,
    read_everything,
)

import casebook.core.profile as profile_module
from casebook.core.library.search import Filters
from casebook.core.profile import Profile, on_disk
from casebook.errors import LibraryClosed, StorageFull, WrongPassphrase
from casebook.store import files
from casebook.store.database import DEFAULT_PAGE_SIZE, Database
from netkit import failing_reopen
from scankit import noise_words


def with_free_pages(profile: Profile) -> bytes:
    """A network whose withdrawn cases left free pages behind; returns the network."""
    net, _ = populate(profile)
    cases = [
        profile.library.post_case(net, title=f"Withdrawn {number}", body=noise_words(number))
        for number in range(40)
    ]
    for case in cases:
        profile.library.withdraw(case, "Consent withdrawn")
    profile.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return net


def test_compacting_gives_back_the_free_pages_and_changes_nothing_else(
    make_profile: Callable[..., Profile],
):
    profile = make_profile("Dr. Alice Moreau")
    net = with_free_pages(profile)
    state = library_state(profile)
    old_db, kdf = profile.db.path.name, header(profile.directory)["kdf"]
    free = profile.db.free_bytes()
    assert free > 100_000
    before = on_disk(profile.db.path)
    assert profile.compact() == (before, on_disk(profile.db.path))
    after = on_disk(profile.db.path)
    assert after <= before - free + 2 * DEFAULT_PAGE_SIZE and profile.db.free_bytes() == 0
    # The open profile goes on, on the new file.
    assert library_state(profile) == state
    extra = profile.library.post_case(net, title="Written after compacting")
    state = library_state(profile)
    directory = profile.directory
    profile.close()
    assert db_files(directory) == [header(directory)["database"]] != [old_db]
    assert header(directory)["kdf"] == kdf  # the same passphrase, the same key
    with Profile.unlock(directory, PASSPHRASE) as reopened:
        assert library_state(reopened) == state and reopened.queries.case(extra) is not None
        assert read_everything(reopened) == []
    with pytest.raises(WrongPassphrase):
        Profile.unlock(directory, NEW_PASSPHRASE)


def test_a_4_kib_library_is_compacted_into_the_current_pages(
    make_profile: Callable[..., Profile], monkeypatch: pytest.MonkeyPatch
):
    with monkeypatch.context() as old:
        old.setattr(profile_module, "DEFAULT_PAGE_SIZE", 4096)
        profile = make_profile("Dr. Alice Moreau")
        populate(profile)
    directory = profile.directory
    profile.close()
    with Profile.unlock(directory, PASSPHRASE) as reopened:
        assert int(reopened.db.scalar("PRAGMA page_size")) == 4096
        state = library_state(reopened)
        reopened.compact()
        assert int(reopened.db.scalar("PRAGMA page_size")) == DEFAULT_PAGE_SIZE == 16384
        assert library_state(reopened) == state
    assert header(directory)["page_size"] == 16384
    with Profile.unlock(directory, PASSPHRASE) as moved:
        assert library_state(moved) == state and read_everything(moved) == []


def test_a_full_disk_half_way_through_changes_nothing(
    make_profile: Callable[..., Profile], monkeypatch: pytest.MonkeyPatch
):
    profile = make_profile("Dr. Alice Moreau")
    net = with_free_pages(profile)
    state = library_state(profile)
    directory = profile.directory
    files, kept = sorted(f.name for f in directory.iterdir()), header(directory)

    def full(self: Database, target: Path, key: bytes, page_size: int) -> None:
        target.write_bytes(b"\0" * 8192)  # what got written before the disk filled
        raise StorageFull("The disk is full: the last change was not saved.")

    monkeypatch.setattr(Database, "export_encrypted", full)
    with pytest.raises(StorageFull):
        profile.compact()
    monkeypatch.undo()
    # No half-written copy is left, and the header still names the library.
    assert sorted(f.name for f in directory.iterdir()) == files and header(directory) == kept
    assert library_state(profile) == state
    profile.library.post_case(net, title="Written after the failure")  # still writable
    profile.compact()  # and compacts once there is room (the lock was given back)
    profile.close()
    with Profile.unlock(directory, PASSPHRASE) as reopened:
        assert len(reopened.queries.list_cases(Filters(), limit=100)) == len(state["cases"]) + 1


@pytest.mark.parametrize("failure", [OSError(5, "Input/output error"), KeyboardInterrupt()])
def test_a_failure_after_the_header_switched_goes_on_with_the_new_file(
    make_profile: Callable[..., Profile], monkeypatch: pytest.MonkeyPatch, failure: BaseException
):
    """The header names the new file once it is replaced: whatever fails after that (the
    folder's fsync, an interruption) must not delete that file or keep the old one."""
    profile = make_profile("Dr. Alice Moreau")
    net = with_free_pages(profile)
    state = library_state(profile)
    directory, old_db = profile.directory, profile.db.path.name

    def fails(path: Path) -> None:
        raise failure

    monkeypatch.setattr(files, "fsync_dir", fails)
    if isinstance(failure, Exception):
        profile.compact()  # (the switch happened: nothing to report)
    else:
        with pytest.raises(KeyboardInterrupt):
            profile.compact()
    monkeypatch.undo()
    assert header(directory)["database"] != old_db and db_files(directory) == [
        header(directory)["database"]
    ]
    assert library_state(profile) == state
    profile.library.post_case(net, title="Written after the switch")
    profile.close()  # (and the lock was given back: it reopens)
    with Profile.unlock(directory, PASSPHRASE) as reopened:
        assert reopened.queries.list_cases(Filters(), limit=100)[0].title == (
            "Written after the switch"
        )


def test_doctor_compact_in_the_cli(cli, tmp_path: Path):
    assert cli("init", "--name", "Dr. Alice Moreau").code == 0
    cli("network", "create", "Cardiology Circle")
    made = [
        cli("post", "--network", "Cardiology", "--title", f"Case {number}",
            "--body", noise_words(number), "--json").json["id"]
        for number in range(30)
    ]  # fmt: skip
    for case in made:
        assert cli("withdraw", case, "--reason", "Consent withdrawn").code == 0
    kept = cli("post", "--network", "Cardiology", "--title", "Kept", "--body", "Stays.")
    assert kept.code == 0
    checked = cli("doctor", "--json")
    assert checked.code == 0 and checked.json["free_bytes"] > 0
    done = cli("doctor", "--compact")
    assert done.code == 0, done.err
    assert "Compacted the library:" in done.out and "Traceback" not in done.err
    again = cli("doctor", "--json")
    assert again.json["free_bytes"] == 0 and again.json["ok"]
    listed = cli("list", "--json")
    titles = sorted(c["title"] for c in listed.json["results"])  # (withdrawn: no title)
    assert titles == [""] * 30 + ["Kept"]


def test_doctor_compact_with_the_window_open_says_so_first(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    """Another holder of the profile (a window) refuses a compaction before the long
    check (every event verified), in one line, and nothing changes."""
    assert cli("init", "--name", "Dr. Alice Moreau").code == 0
    checked: list[Profile] = []
    real = Profile.problems
    monkeypatch.setattr(Profile, "problems", lambda p: checked.append(p) or real(p))
    directory = tmp_path / "cli-profile"
    kept = header(directory)
    window = Profile.unlock(directory, PASSPHRASE)
    try:
        refused = cli("doctor", "--compact")
        assert refused.code == 2 and "close other Casebook windows" in refused.err
        assert len(refused.err.strip().splitlines()) == 1 and checked == []
    finally:
        window.close()
    assert header(directory) == kept
    assert cli("doctor", "--compact").code == 0


def test_a_library_that_does_not_open_again_is_closed_with_one_line_and_kept(
    make_profile: Callable[..., Profile], monkeypatch: pytest.MonkeyPatch
):
    profile = make_profile("Dr. Alice Moreau")
    with_free_pages(profile)
    state = library_state(profile)
    directory = profile.directory
    with monkeypatch.context() as patched:
        failing_reopen(patched)
        with pytest.raises(LibraryClosed, match=r"written anew and is safe.*Too many open files"):
            profile.compact()
    # Closed, its lock given back: unlocking again opens the new file, which holds it all.
    with Profile.unlock(directory, PASSPHRASE) as reopened:
        assert library_state(reopened) == state
        assert db_files(directory) == [header(directory)["database"]]  # the old one went
    profile.close()  # (closing it again does nothing)


def test_the_cli_says_so_when_the_compacted_library_does_not_open_again(
    cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    assert cli("init", "--name", "Dr. Alice Moreau").code == 0
    cli("network", "create", "Cardiology Circle")
    assert cli("post", "--network", "Cardiology", "--title", "Kept", "--body", "Stays.").code == 0
    with monkeypatch.context() as patched:
        failing_reopen(patched)
        done = cli("doctor", "--compact")
    assert done.code == 3 and "Traceback" not in done.err
    assert len(done.err.strip().splitlines()) == 1 and "unlock it again" in done.err
    listed = cli("list", "--json")
    assert listed.code == 0, listed.err
    assert [c["title"] for c in listed.json["results"]] == ["Kept"]
