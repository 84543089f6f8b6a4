"""``casebook device link`` / ``device join`` / ``device list`` / ``device revoke`` as a
person runs them: the first computer's ``device link`` is its own process (it waits for
the new computer), the new computer's ``device join`` runs beside it, the relay is the
real one on 127.0.0.1:0."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from casebook.core.library.search import Filters
from casebook.core.model import recovery
from casebook.core.model.link_codes import LinkCode
from casebook.core.profile import Profile
from clikit import PASSPHRASE, Result
from relaykit import RunningRelay, sync

MAIN = "import sys; from casebook.cli import main; sys.exit(main())"


def _env(tmp_path: Path) -> dict[str, str]:
    return dict(
        os.environ,
        CASEBOOK_PASSPHRASE=PASSPHRASE,
        CASEBOOK_KDF_TARGET_MS="10",
        CASEBOOK_LOG_DIR=str(tmp_path / "logs"),
        CASEBOOK_LAN="off",
    )


def start_link(tmp_path: Path, profile: Path, *extra: str) -> tuple[subprocess.Popen[str], str]:
    """``casebook device link --json`` in its own process; returns it and its code."""
    proc = subprocess.Popen(
        [sys.executable, "-c", MAIN, "--profile", str(profile), "device", "link", "--json", *extra],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=_env(tmp_path),
    )
    assert proc.stdout is not None
    first = proc.stdout.readline()
    return proc, json.loads(first)["code"]


@pytest.fixture
def desktop(
    tmp_path: Path, relays: Callable[..., RunningRelay]
) -> tuple[Path, bytes, RunningRelay]:
    relay = relays()
    folder = tmp_path / "desktop"
    with Profile.create(folder, "Dr. Alice Moreau", PASSPHRASE) as alice:
        net = alice.library.create_network("Cardiology Circle", alice.name, relays=[relay.url])
        alice.library.post_case(net, title="Exertional syncope", body="At football practice.")
        assert sync(alice, net, relay).error is None
    return folder, net, relay


def test_link_a_laptop_from_the_terminal(
    tmp_path: Path, cli: Callable[..., Result], desktop: tuple[Path, bytes, RunningRelay]
) -> None:
    folder, _net, _relay = desktop
    started = time.monotonic()
    proc, code = start_link(tmp_path, folder, "--confirm")
    joined = cli("device", "join", code, "--name", "Laptop", "--json", profile="laptop")
    out, err = proc.communicate(timeout=60)
    elapsed = time.monotonic() - started
    assert joined.code == 0, joined.err
    assert proc.returncode == 0, err
    assert json.loads(out.splitlines()[-1])["linked"] == "Laptop"
    assert "Comparison code:" in joined.err and "comparison code" in err
    print(f"linking took {elapsed:.2f} s end to end")  # the note's figure

    whoami_desktop = cli("whoami", "--json", profile="desktop").json
    assert joined.json["fingerprint"] == whoami_desktop["fingerprint"]
    assert joined.json["errors"] == []
    linked = cli("recovery-key", profile="laptop")
    assert linked.code == 2 and "does not hold your recovery key" in linked.err
    listed = cli("list", "--json", profile="laptop").json["results"]
    assert [c["title"] for c in listed] == ["Exertional syncope"]

    devices = cli("device", "list", "--json", profile="desktop").json["results"]
    assert [(d["name"], d["current"]) for d in devices] == [
        ("first computer", True),
        ("Laptop", False),
    ]
    assert set(devices[0]) >= {"id", "name", "added", "last_seen", "current"}

    # The code was used: a second computer with it is refused in words.
    again = cli("device", "join", code, profile="thief")
    assert again.code != 0
    assert "no computer waits" in again.err.lower() or "expired" in again.err.lower()
    assert not (tmp_path / "thief").exists() or not any((tmp_path / "thief").iterdir())

    # The laptop writes; the desktop sees it as Alice's.
    assert (
        cli(
            "post",
            "--network",
            "Cardiology",
            "--title",
            "From the laptop",
            "--body",
            "Second opinion.",
            profile="laptop",
        ).code
        == 0
    )
    assert cli("sync", profile="laptop").code == 0
    assert cli("sync", profile="desktop").code == 0
    with Profile.unlock(folder, PASSPHRASE) as alice:
        cases = {c.title: c for c in alice.queries.list_cases(Filters(), limit=5)}
        assert cases["From the laptop"].author_name == "Dr. Alice Moreau"
        assert cases["From the laptop"].author == cases["Exertional syncope"].author

    laptop_id = devices[1]["id"]
    revoked = cli("device", "revoke", laptop_id[:8], "--json", profile="desktop")
    assert revoked.code == 0, revoked.err
    assert revoked.json["networks"][0]["rekeyed"]
    assert cli("sync", profile="desktop").code == 0
    refused = cli("sync", profile="laptop")
    assert refused.code != 0 and "does not accept this profile" in refused.err


def test_a_linked_computer_revokes_the_first_one_only_with_the_recovery_key(
    tmp_path: Path, cli: Callable[..., Result], desktop: tuple[Path, bytes, RunningRelay]
) -> None:
    """The laptop did not link the desktop: without the member key its revocation would
    be refused everywhere (two computers must never revoke each other), so it asks for
    the recovery key, and with it the desktop is revoked for good."""
    folder, _net, _relay = desktop
    key = cli("recovery-key", "--json", profile="desktop").json["key"]
    proc, code = start_link(tmp_path, folder, "--confirm")
    assert cli("device", "join", code, "--name", "Laptop", profile="laptop").code == 0
    proc.communicate(timeout=60)
    listed = cli("device", "list", "--json", profile="desktop").json["results"]
    desktop_id = next(d["id"] for d in listed if d["current"])

    asked = cli("device", "revoke", desktop_id[:8], profile="laptop")
    assert asked.code == 2 and "--recovery-key" in asked.err and "Traceback" not in asked.err
    other = recovery.key_text(bytes(range(32)))
    wrong = cli(
        "device",
        "revoke",
        desktop_id[:8],
        "--recovery-key",
        profile="laptop",
        env={"CASEBOOK_RECOVERY_KEY": other},
    )
    assert wrong.code != 0 and "another member's" in wrong.err
    done = cli(
        "device",
        "revoke",
        desktop_id[:8],
        "--recovery-key",
        "--json",
        profile="laptop",
        env={"CASEBOOK_RECOVERY_KEY": key},
    )
    assert done.code == 0, done.err
    assert done.json["signed"] and done.json["also"] == []
    assert cli("sync", profile="laptop").code == 0
    refused = cli("sync", profile="desktop")
    assert refused.code != 0 and "does not accept this profile" in refused.err


def test_link_codes_refused_in_words(
    tmp_path: Path, cli: Callable[..., Result], desktop: tuple[Path, bytes, RunningRelay]
) -> None:
    _, _, relay = desktop
    typo = LinkCode.make((relay.address,), int(time.time() * 1000)).encode()
    typo = typo[:-3] + ("A" if typo[-3] != "A" else "B") + typo[-2:]
    result = cli("device", "join", typo, profile="laptop")
    assert result.code == 2 and "typo" in result.err and "Traceback" not in result.err
    expired = LinkCode(os.urandom(16), (relay.address,), int(time.time() * 1000) - 1).encode()
    result = cli("device", "join", expired, profile="laptop")
    assert result.code == 2 and "expired" in result.err
    nobody = LinkCode.make((relay.address,), int(time.time() * 1000)).encode()
    result = cli("device", "join", nobody, profile="laptop")
    assert result.code != 0 and "no computer waits" in result.err.lower()
    assert "Traceback" not in result.err
    not_code = cli("device", "join", "CASEBOOK-INVITE-AAAA", profile="laptop")
    assert not_code.code == 2 and "not a Casebook link code" in not_code.err


def test_declining_the_comparison_hands_nothing_over(
    tmp_path: Path, cli: Callable[..., Result], desktop: tuple[Path, bytes, RunningRelay]
) -> None:
    folder, _, _ = desktop
    proc, code = start_link(tmp_path, folder)
    assert proc.stdin is not None
    proc.stdin.write("n\n")
    proc.stdin.flush()
    joined = cli("device", "join", code, profile="laptop")
    _out, err = proc.communicate(timeout=60)
    assert joined.code != 0 and "declined" in joined.err
    assert proc.returncode != 0 and "cancelled" in err
    assert "Traceback" not in joined.err + err


def test_recovery_key_and_recover_from_the_terminal(
    tmp_path: Path, cli: Callable[..., Result], desktop: tuple[Path, bytes, RunningRelay]
) -> None:
    _, _, relay = desktop
    shown = cli("recovery-key", "--json", profile="desktop")
    assert shown.code == 0, shown.err
    key = shown.json["key"]
    assert len(key.split("-")) == 14 and all(len(g) == 4 for g in key.split("-"))

    # The desktop syncs once more: the relay keeps its recovery box from then on.
    assert cli("sync", profile="desktop").code == 0
    typo = key[:5] + ("A" if key[5] != "A" else "B") + key[6:]
    wrong = cli("recover", "--relay", relay.url, profile="new", env={"CASEBOOK_RECOVERY_KEY": typo})
    assert wrong.code == 2 and "typo" in wrong.err and not (tmp_path / "new").exists()
    missing = cli("recover", profile="new", env={"CASEBOOK_RECOVERY_KEY": key})
    assert missing.code == 2 and "--relay" in missing.err
    done = cli(
        "recover", "--relay", relay.url, "--json", profile="new", env={"CASEBOOK_RECOVERY_KEY": key}
    )
    assert done.code == 0, done.err
    assert (
        done.json["fingerprint"] == cli("whoami", "--json", profile="desktop").json["fingerprint"]
    )
    assert [c["title"] for c in cli("list", "--json", profile="new").json["results"]] == [
        "Exertional syncope"
    ]
    # The recovered computer holds the key again; a linked one would not.
    assert cli("recovery-key", "--json", profile="new").json["key"] == key


def test_backup_and_restore(
    tmp_path: Path, cli: Callable[..., Result], desktop: tuple[Path, bytes, RunningRelay]
) -> None:
    folder, net, relay = desktop
    backup_file = tmp_path / "alice.casebook-backup"
    made = cli("backup", str(backup_file), "--json", profile="desktop")
    assert made.code == 0, made.err
    assert made.json["sealed_with"] == "passphrase"
    raw = backup_file.read_bytes()
    assert b"Exertional syncope" not in raw and b"football" not in raw  # encrypted
    by_key = cli(
        "backup", str(tmp_path / "by-key.backup"), "--recovery-key", "--json", profile="desktop"
    )
    assert by_key.code == 0 and by_key.json["sealed_with"] == "recovery-key"
    key = cli("recovery-key", "--json", profile="desktop").json["key"]

    # The desktop is lost before writing anything else: restoring is the same computer.
    wrong = cli(
        "restore",
        str(backup_file),
        profile="restored",
        env={"CASEBOOK_PASSPHRASE": "not the passphrase at all"},
    )
    assert wrong.code != 0 and "passphrase" in wrong.err.lower() and "Traceback" not in wrong.err
    done = cli("restore", str(backup_file), "--json", profile="restored")
    assert done.code == 0, done.err
    assert (
        done.json["fingerprint"] == cli("whoami", "--json", profile="desktop").json["fingerprint"]
    )
    assert [c["title"] for c in cli("list", "--json", profile="restored").json["results"]] == [
        "Exertional syncope"
    ]
    assert cli("sync", profile="restored").code == 0

    # A recovery-key backup opens with the key (and a new passphrase) only.
    env = {"CASEBOOK_RECOVERY_KEY": key}
    other = cli("restore", str(tmp_path / "by-key.backup"), "--json", profile="by-key", env=env)
    assert other.code == 0, other.err
    assert other.json["sealed_with"] == "recovery-key"

    # Once the original computer has written on, a restore would fork its chain: refused.
    with Profile.unlock(folder, PASSPHRASE) as alice:
        alice.library.post_case(net, title="Written after the backup", body="Still here.")
        assert sync(alice, net, relay).error is None
    late = cli("restore", str(backup_file), profile="late")
    assert late.code == 2 and "link this computer" in late.err
    assert not (tmp_path / "late").exists()
    # Into a folder that holds something else: that stays, and nothing of the backup.
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "notes.txt").write_text("mine")
    busy = cli("restore", str(backup_file), profile="busy")
    assert busy.code == 2 and "Nothing was restored" in busy.err
    assert [p.name for p in (tmp_path / "busy").iterdir()] == ["notes.txt"]
    not_backup = tmp_path / "nonsense"
    not_backup.write_bytes(b"hello")
    assert "not a Casebook backup" in cli("restore", str(not_backup), profile="x").err
