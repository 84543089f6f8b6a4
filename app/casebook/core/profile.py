"""A profile: one directory holding one member's encrypted library.

Files in the directory:

``profile.json``
    Non-secret header: the database file name, SQLCipher page size, the Argon2id salt and
    cost, and a 16-byte key check that tells a wrong passphrase from a damaged file.
``library-<id>.db`` (+ ``-wal``, ``-shm``)
    The SQLCipher 4 database: identity keys, network keys, events, derived tables,
    attachments. Nothing else in the directory holds content.
``profile.lock``
    Empty; locked while a process uses the profile.

Changing the passphrase exports the database under the new key into a new file, then
atomically replaces the header to point at it; a crash at any moment leaves a profile
that opens with exactly one of the two passphrases.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import logging
import os
import secrets
import sys
import time
from pathlib import Path
from typing import Any

import sqlcipher3

from casebook.core import passphrase as passphrases
from casebook.core.ledger import storedlog
from casebook.core.ledger.eventlog import EventLog
from casebook.core.library.cases import Library
from casebook.core.library.drafts import Drafts
from casebook.core.library.followups import FollowUps
from casebook.core.library.news import News
from casebook.core.library.polls import PollBook
from casebook.core.library.queries import Queries
from casebook.core.library.queue import AnswerQueue
from casebook.core.library.settings import Settings
from casebook.core.model.fingerprint import fingerprint
from casebook.core.model.identity import Identity
from casebook.core.network.bundles import Bundles
from casebook.core.network.devices import Devices, MemberSecrets
from casebook.core.network.flag_inbox import FlagInbox
from casebook.core.network.governance import Governance
from casebook.core.network.invitations import Invitations
from casebook.core.network.recovery import Recovery
from casebook.errors import (
    CasebookError,
    LibraryClosed,
    ProfileCorrupted,
    ProfileExists,
    ProfileMissing,
    UsageError,
    WrongPassphrase,
    say,
)
from casebook.store import kdf, packed_text
from casebook.store.database import DEFAULT_PAGE_SIZE, Database, translate_error
from casebook.store.files import atomic_write
from casebook.store.lock import ProfileLock
from casebook.store.schema import SchemaTooNew, migrate

log = logging.getLogger(__name__)
HEADER = "profile.json"
FORMAT = "casebook-profile"
MIN_PASSPHRASE = passphrases.MIN_LENGTH


def exists(directory: Path) -> bool:
    return (directory / HEADER).is_file()


def check_new_passphrase(passphrase: str) -> None:
    passphrases.check(passphrase)


def _read_header(directory: Path) -> dict[str, Any]:
    path = directory / HEADER
    if not path.is_file():
        raise ProfileMissing(
            say("No Casebook profile in {0}. Create one with: casebook init --name NAME", directory)
        )
    try:
        header = json.loads(path.read_text("utf-8"))
        if not isinstance(header, dict):
            raise ValueError("not a Casebook profile header")
        if header.get("format") != FORMAT or header.get("version") != 1:
            raise ValueError("not a Casebook profile header")
        kdf.KdfParams.from_json(header["kdf"])
        if len(bytes.fromhex(str(header["key_check"]))) != 16:
            raise ValueError("bad key check")
        name = str(header["database"])
        if "/" in name or "\\" in name or not name.startswith("library-"):
            raise ValueError("bad database name")
        if int(header["page_size"]) not in (1024, 2048, 4096, 8192, 16384, 32768, 65536):
            raise ValueError("bad page size")
    except (OSError, ValueError, KeyError, TypeError, AttributeError, OverflowError) as exc:
        raise ProfileCorrupted(
            say("The profile header {0} is damaged ({1}); nothing was changed.", path, exc)
        ) from None
    return header


def _write_header(directory: Path, database: str, params: kdf.KdfParams, key: bytes) -> None:
    header = {
        "format": FORMAT,
        "version": 1,
        "database": database,
        "page_size": DEFAULT_PAGE_SIZE,
        "kdf": params.to_json(),
        "key_check": kdf.key_check(key).hex(),
    }
    atomic_write(directory / HEADER, json.dumps(header, indent=2).encode("utf-8") + b"\n")


def on_disk(path: Path) -> int:
    """Bytes a library's database takes on disk, its write-ahead log included."""
    sizes = (path.with_name(path.name + suffix) for suffix in ("", "-wal", "-shm"))
    return sum(p.stat().st_size for p in sizes if p.exists())


def _names(directory: Path, database: str) -> bool:
    """Whether the profile's header names ``database`` (it is replaced atomically)."""
    try:
        return bool(_read_header(directory)["database"] == database)
    except CasebookError:
        return False


def _remove_db_files(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            path.with_name(path.name + suffix).unlink()


class Profile:
    def __init__(
        self,
        directory: Path,
        db: Database,
        identity: Identity,
        lock: ProfileLock,
        member: bytes | None = None,
    ):
        self.directory = directory
        self.db = db
        self.identity = identity  # this computer's device keys
        # the member's identity key (colleagues compare its fingerprint): the device
        # key itself on the member's first computer (device zero)
        self.member = member or identity.public_key
        self._lock = lock
        self._services(db)
        self.unlock_seconds = 0.0

    def _services(self, db: Database) -> None:
        """The services over the (open) library database."""
        self.db = db
        self.log = EventLog(db, self.identity, self.member)
        self.library = Library(db, self.log)
        self.polls = PollBook(db, self.library)
        self.answer_queue = AnswerQueue(db, self.member)
        self.follow_ups = FollowUps(db)
        self.invitations = Invitations(db, self.log)
        self.governance = Governance(db, self.log)
        self.flag_inbox = FlagInbox(db, self.log)
        self.bundles = Bundles(db, self.log, self.invitations, self.governance)
        self.devices = Devices(db, self.log, self.governance, self.secrets)
        self.recovery = Recovery(db, self.log, self.devices)
        self.queries = Queries(db)
        self.news = News(db, self.queries)
        self.settings = Settings(db)
        self.drafts = Drafts(db)

    @property
    def name(self) -> str:
        return str(self.db.scalar("SELECT name FROM identity WHERE id = 1"))

    @property
    def fingerprint(self) -> str:
        """The member's fingerprint: the same on every computer of theirs."""
        return fingerprint(self.member)

    def secrets(self) -> MemberSecrets:
        """What this computer holds of the member key: the seed itself (the recovery
        key: on device zero, or after a recovery) or only the recovery box's key."""
        row = self.db.one("SELECT member_seed, box_key FROM identity WHERE id = 1")
        if self.member == self.identity.public_key:
            return MemberSecrets.of_seed(self.identity.private_bytes()[0])
        if row is not None and row["member_seed"] is not None:
            return MemberSecrets.of_seed(bytes(row["member_seed"]))
        box = None if row is None or row["box_key"] is None else bytes(row["box_key"])
        return MemberSecrets(None, box)

    # -- opening ------------------------------------------------------------------------
    @classmethod
    def create(
        cls,
        directory: Path,
        name: str,
        passphrase: str,
        kdf_target_ms: int | None = None,
        *,
        device: Identity | None = None,
        member: bytes | None = None,
        device_name: str | None = None,
        member_seed: bytes | None = None,
        box_key: bytes | None = None,
    ) -> Profile:
        """A new profile: a new member (their key is this computer's, device zero), or,
        with ``device`` and ``member``, a linked computer of an existing member."""
        name = " ".join(name.split())
        if not name:
            raise UsageError("Give your name as colleagues know it (--name).")
        check_new_passphrase(passphrase)
        if exists(directory):
            raise ProfileExists(
                say("A profile already exists in {0}; nothing was changed.", directory)
            )
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock = ProfileLock(directory)
        lock.acquire(exclusive=True)
        try:
            for stray in directory.glob("library-*.db"):  # from an init that was interrupted
                _remove_db_files(stray)
            params = kdf.calibrate(kdf_target_ms)
            key = kdf.derive_key(passphrase, params)
            database = f"library-{secrets.token_hex(4)}.db"
            db = Database.open(directory / database, key, DEFAULT_PAGE_SIZE)
            migrate(db)
            identity = device or Identity.generate()
            signing, exchange = identity.private_bytes()
            with db.transaction():
                db.execute(
                    "INSERT INTO identity (id, name, signing_key, exchange_key, created_at, "
                    "member_key, device_name, member_seed, box_key) "
                    "VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        name,
                        signing,
                        exchange,
                        int(time.time() * 1000),
                        member,
                        device_name,
                        member_seed,
                        box_key,
                    ),
                )
            _write_header(directory, database, params, key)
        except BaseException:
            lock.release()
            raise
        lock.release()
        lock.acquire(exclusive=False)
        return cls(directory, db, identity, lock, member)

    @classmethod
    def adopt_database(cls, directory: Path, source: Database, passphrase: str) -> Profile:
        """A new profile in ``directory`` holding a copy of ``source`` (a restored
        backup's database), encrypted under ``passphrase``; opened."""
        if exists(directory):
            raise ProfileExists(
                say("A profile already exists in {0}; nothing was changed.", directory)
            )
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        lock = ProfileLock(directory)
        lock.acquire(exclusive=True)
        try:
            params = kdf.calibrate(None)
            key = kdf.derive_key(passphrase, params)
            database = f"library-{secrets.token_hex(4)}.db"
            try:
                source.export_encrypted(directory / database, key, DEFAULT_PAGE_SIZE)
                _write_header(directory, database, params, key)
            except BaseException:
                _remove_db_files(directory / database)
                raise
        finally:
            lock.release()
        return cls.unlock(directory, passphrase)

    @classmethod
    def unlock(cls, directory: Path, passphrase: str) -> Profile:
        started = time.perf_counter()
        header = _read_header(directory)
        lock = ProfileLock(directory)
        lock.acquire(exclusive=False)
        try:
            params = kdf.KdfParams.from_json(header["kdf"])
            key = kdf.derive_key(passphrase, params)
            if not hmac.compare_digest(kdf.key_check(key), bytes.fromhex(header["key_check"])):
                raise WrongPassphrase()
            path = directory / header["database"]
            if not path.is_file():
                raise ProfileCorrupted(
                    say("The library database {0} is missing from {1}.", path.name, directory)
                )
            if path.stat().st_size == 0:
                raise ProfileCorrupted(
                    say(
                        (
                            "The library database {0} is empty; it was not modified. Restore it "
                            "from a backup."
                        ),
                        path.name,
                    )
                )
            db = Database.open(path, key, int(header["page_size"]))
            try:
                if int(db.scalar("PRAGMA user_version")) == 0:
                    # Only `create` starts from an empty schema; never write into this file.
                    raise ProfileCorrupted(
                        say(
                            (
                                "The library database {0} is empty or damaged; it was not "
                                "modified. Restore it from a backup."
                            ),
                            path.name,
                        )
                    )
                migrate(db)
                row = db.one(
                    "SELECT signing_key, exchange_key, member_key FROM identity WHERE id = 1"
                )
                if row is None:
                    raise ProfileCorrupted("The profile has no identity; it is damaged.")
                identity = Identity.from_private_bytes(bytes(row[0]), bytes(row[1]))
                member = None if row[2] is None else bytes(row[2])
            except SchemaTooNew:
                db.close()
                raise CasebookError(
                    "This profile was written by a newer Casebook; update the app."
                ) from None
            except CasebookError:
                db.close()
                raise
            except sqlcipher3.DatabaseError as exc:
                db.close()
                raise translate_error(exc, path) from None
        except BaseException:
            lock.release()
            raise
        for stray in directory.glob("library-*.db"):  # left by an interrupted re-key
            if stray.name != header["database"]:
                _remove_db_files(stray)
        profile = cls(directory, db, identity, lock, member)
        profile.unlock_seconds = time.perf_counter() - started
        return profile

    # -- passphrase -----------------------------------------------------------------
    def check_passphrase(self, passphrase: str) -> None:
        """Raise WrongPassphrase unless ``passphrase`` opens this profile (asked again
        before a change of passphrase, so an unattended window cannot be re-keyed)."""
        header = _read_header(self.directory)
        key = kdf.derive_key(passphrase, kdf.KdfParams.from_json(header["kdf"]))
        if not hmac.compare_digest(kdf.key_check(key), bytes.fromhex(header["key_check"])):
            raise WrongPassphrase()

    def change_passphrase(self, new_passphrase: str, kdf_target_ms: int | None = None) -> None:
        """Re-key: export under the new key, switch the header atomically, drop the old file."""
        check_new_passphrase(new_passphrase)
        self._lock.upgrade()
        try:
            params = kdf.calibrate(kdf_target_ms)
            key = kdf.derive_key(new_passphrase, params)
        except BaseException:
            self._lock.downgrade()
            raise
        self._write_anew(params, key)

    def check_alone(self) -> None:
        """Raise ``ProfileLocked`` now when another window or command has this profile
        open (before a long check that would end in a compaction it then refuses)."""
        self._lock.upgrade()
        self._lock.downgrade()

    def compact(self) -> tuple[int, int]:
        """Write the library anew under the same key, as a re-key does: the free pages
        that deletions and upgrades left are not copied, and the new file has this
        version's page size. Returns the bytes on disk before and after."""
        key = self.db.key
        if key is None:  # pragma: no cover - a profile's database is always keyed
            raise ProfileCorrupted("The library has no key.")
        self._lock.upgrade()
        try:
            params = kdf.KdfParams.from_json(_read_header(self.directory)["kdf"])
            before = on_disk(self.db.path)
        except BaseException:
            self._lock.downgrade()
            raise
        self._write_anew(params, key)
        return before, on_disk(self.db.path)

    def _write_anew(self, params: kdf.KdfParams, key: bytes) -> None:
        """Copy the library into a new file under ``key`` (checked before it is used),
        point the header at it atomically, drop the old file. Called holding the lock
        exclusively; leaves it shared."""
        old_path = self.db.path
        new_path = self.directory / f"library-{secrets.token_hex(4)}.db"
        try:
            self.db.export_encrypted(new_path, key, DEFAULT_PAGE_SIZE)
            check = Database.open(new_path, key, DEFAULT_PAGE_SIZE)
            try:
                problems = check.integrity_errors()
                check.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            finally:
                check.close()
            if problems:
                raise ProfileCorrupted(
                    say(
                        "The library's new copy is damaged ({0}); nothing was changed.",
                        problems[0],
                    )
                )
            with open(new_path, "rb+") as handle:
                os.fsync(handle.fileno())
            _write_header(self.directory, new_path.name, params, key)
        except BaseException:
            if not _names(self.directory, new_path.name):  # the header still names the old
                _remove_db_files(new_path)
                self._lock.downgrade()
                raise
            # It switched, and only the folder's fsync failed, or an interruption came
            # after the switch: go on with the new file, which holds everything.
            self._use(new_path, key, old_path)
            failed = sys.exception()
            if not isinstance(failed, Exception):
                raise
            log.warning("the library was written anew, then: %s", failed)
            return
        self._use(new_path, key, old_path)

    def _use(self, new_path: Path, key: bytes, old_path: Path) -> None:
        """Go on with the file the header now names; the old one goes (or, when it cannot
        be removed now, at the next unlock, with the strays an interruption leaves).
        When the new file does not open (no file handle left, the disk gone), the profile
        closes and :class:`LibraryClosed` says to unlock it again (the file was checked)."""
        self.db.close()
        try:
            db = Database.open(new_path, key, DEFAULT_PAGE_SIZE)
            try:
                self._services(db)
            except BaseException:
                db.close()
                raise
        except Exception as exc:
            self._lock.release()
            log.warning("the library written anew did not open: %s", exc)
            raise LibraryClosed(
                say(
                    "Your library was written anew and is safe, but it could not be opened "
                    "again ({0}); unlock it again.",
                    getattr(exc, "message", None) or getattr(exc, "strerror", None) or str(exc),
                )
            ) from None
        with contextlib.suppress(OSError):
            _remove_db_files(old_path)
        self._lock.release()
        self._lock.acquire(exclusive=False)

    def problems(self) -> list[str]:
        """What ``doctor`` reports: database integrity, then every stored event verified
        again (empty when all is well)."""
        return self.db.integrity_errors() + self.log.verify_all()

    def derived_problems(self) -> list[str]:
        """What ``doctor`` reports of the tables derived from the events (a rebuild mends
        them): stored texts that do not unpack."""
        count = packed_text.damaged(self.db)
        if not count:
            return []
        return [
            f"{count} stored text(s) are damaged; 'casebook doctor --rebuild' rebuilds "
            "them from the events"
        ]

    def tallies(self) -> dict[str, int]:
        """Events stored, forks, held back and rejected."""
        return storedlog.tallies(self.db)

    def changes(self) -> int:
        """How many rows this connection has written so far (a job wrote something when
        it grew)."""
        return int(self.db.conn.total_changes)

    def close(self) -> None:
        self.db.close()
        self._lock.release()

    def __enter__(self) -> Profile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
