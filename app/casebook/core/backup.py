"""Backups of a profile: one file that restores this computer's library elsewhere.

A backup file is ``MAGIC`` ‖ length (4 bytes) ‖ canonical CBOR ``meta`` ‖ the database.
The database is a consistent copy (``sqlcipher_export``) encrypted by SQLCipher under a
fresh random 32-byte backup key; ``meta`` says who it belongs to and holds the backup
key sealed (ChaCha20-Poly1305, AD = the magic and the member key) under **one** of:

- ``passphrase``: a key derived from a passphrase with Argon2id (its salt and cost in
  ``meta``), as the library's own key is;
- ``recovery``: HKDF-SHA256(the member key's seed, info ``"casebook/backup-key/v1"``),
  so the recovery key alone restores it.

Restoring makes a profile that *is* the computer that was backed up (the same device
key, the same chain). Restoring it while that computer still writes would fork its
chain, so the session checks with the relays first (``session/devices.py``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from casebook.core import profile as profiles
from casebook.core.model.encoding import EncodingError, decode, encode
from casebook.core.profile import Profile
from casebook.errors import ProfileExists, UsageError, WrongPassphrase, say
from casebook.store import kdf
from casebook.store.database import DEFAULT_PAGE_SIZE, Database

MAGIC = b"CASEBOOK-BACKUP\x00"
VERSION = 1
_RECOVERY_INFO = b"casebook/backup-key/v1"
MAX_META = 64 * 1024


@dataclass(frozen=True)
class Backup:
    path: Path
    meta: dict[str, Any]
    offset: int  # where the database starts in the file

    @property
    def sealed_with(self) -> str:
        return str(self.meta["sealed_with"])


def _aead(key: bytes) -> ChaCha20Poly1305:
    return ChaCha20Poly1305(key)


def recovery_wrap_key(seed: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_RECOVERY_INFO).derive(seed)


def write(
    profile: Profile, target: Path, *, passphrase: str | None = None, seed: bytes | None = None
) -> dict[str, Any]:
    """Write a backup of ``profile`` to ``target``, sealed under ``passphrase`` or, given
    ``seed`` (the recovery key's), under the recovery key. Returns what was written."""
    if (passphrase is None) == (seed is None):
        raise ValueError("a backup is sealed under a passphrase or the recovery key")
    backup_key = os.urandom(32)
    meta: dict[str, Any] = {
        "v": VERSION,
        "made": int(time.time() * 1000),
        "name": profile.name,
        "member": profile.member,
        "device": profile.identity.public_key,
        "page_size": DEFAULT_PAGE_SIZE,
    }
    if passphrase is not None:
        params = kdf.calibrate(None)
        wrap_key = kdf.derive_key(passphrase, params)
        meta["sealed_with"], meta["kdf"] = "passphrase", params.to_json()
    else:
        assert seed is not None
        wrap_key = recovery_wrap_key(seed)
        meta["sealed_with"] = "recovery-key"
    nonce = os.urandom(12)
    sealed = _aead(wrap_key).encrypt(nonce, backup_key, MAGIC + profile.member)
    meta["key"] = nonce + sealed
    target = target.expanduser()
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".casebook-backup-") as scratch:
        copy = Path(scratch) / "library.db"
        profile.db.export_encrypted(copy, backup_key, DEFAULT_PAGE_SIZE)
        head = encode(meta)
        partial = Path(scratch) / "backup"
        with open(partial, "wb") as out, open(copy, "rb") as db:
            out.write(MAGIC + struct.pack(">I", len(head)) + head)
            shutil.copyfileobj(db, out, 1024 * 1024)
            out.flush()
            os.fsync(out.fileno())
        size = partial.stat().st_size
        os.replace(partial, target)
    return {"file": str(target), "bytes": size, "sealed_with": meta["sealed_with"]}


def read(source: Path) -> Backup:
    """The backup's ``meta``; a file that is not one is refused in words."""
    try:
        with open(source.expanduser(), "rb") as handle:
            magic = handle.read(len(MAGIC))
            size = struct.unpack(">I", handle.read(4) or b"\0\0\0\0")[0]
            if magic != MAGIC or not 0 < size <= MAX_META:
                raise UsageError(say("{0} is not a Casebook backup.", source))
            meta = decode(handle.read(size))
    except OSError as exc:
        raise UsageError(say("Cannot read {0}: {1}.", source, exc.strerror or exc)) from None
    except (EncodingError, struct.error):
        raise UsageError(say("{0} is not a Casebook backup, or it is damaged.", source)) from None
    if (
        not isinstance(meta, dict)
        or meta.get("v") != VERSION
        or meta.get("sealed_with") not in ("passphrase", "recovery-key")
        or not isinstance(meta.get("key"), bytes)
        or not isinstance(meta.get("member"), bytes)
        or not isinstance(meta.get("name"), str)
    ):
        raise UsageError(say("{0} is a backup this version of Casebook cannot read.", source))
    return Backup(source, meta, len(MAGIC) + 4 + size)


def _backup_key(backup: Backup, passphrase: str | None, seed: bytes | None) -> bytes:
    meta = backup.meta
    if backup.sealed_with == "passphrase":
        if passphrase is None:
            raise UsageError("This backup is sealed under a passphrase; give that passphrase.")
        try:
            wrap_key = kdf.derive_key(passphrase, kdf.KdfParams.from_json(meta.get("kdf")))
        except (ValueError, KeyError, TypeError) as exc:
            raise UsageError(say("The backup's header is damaged ({0}).", exc)) from None
    else:
        if seed is None:
            raise UsageError("This backup is sealed under the recovery key; give that key.")
        wrap_key = recovery_wrap_key(seed)
    sealed = bytes(meta["key"])
    try:
        return _aead(wrap_key).decrypt(sealed[:12], sealed[12:], MAGIC + bytes(meta["member"]))
    except (InvalidTag, ValueError):
        if backup.sealed_with == "passphrase":
            raise WrongPassphrase() from None
        raise UsageError(
            "This recovery key does not open the backup (it is another member's?)."
        ) from None


@contextlib.contextmanager
def _database_of(backup: Backup, key: bytes) -> Iterator[Database]:
    """The backup's database, copied out of the file and opened with its key."""
    with tempfile.TemporaryDirectory(prefix="casebook-restore-") as scratch:
        path = Path(scratch) / "library.db"
        with open(backup.path.expanduser(), "rb") as src, open(path, "wb") as out:
            src.seek(backup.offset)
            shutil.copyfileobj(src, out, 1024 * 1024)
        db = Database.open(path, key, int(backup.meta.get("page_size", DEFAULT_PAGE_SIZE)))
        try:
            if db.integrity_errors():
                raise UsageError("The backup's database is damaged; nothing was restored.")
            yield db
        finally:
            db.close()


def restore(
    backup: Backup,
    directory: Path,
    new_passphrase: str,
    *,
    passphrase: str | None = None,
    seed: bytes | None = None,
) -> Profile:
    """Make a profile in ``directory`` from ``backup`` (opened with its passphrase or
    the recovery key's ``seed``), encrypted under ``new_passphrase``."""
    if profiles.exists(directory):
        raise ProfileExists(say("A profile already exists in {0}; nothing was changed.", directory))
    profiles.check_new_passphrase(new_passphrase)
    key = _backup_key(backup, passphrase, seed)
    try:
        with _database_of(backup, key) as db:
            return Profile.adopt_database(directory, db, new_passphrase)
    except WrongPassphrase:
        raise
    except UsageError:
        raise
    except Exception as exc:
        raise UsageError(
            say("The backup could not be opened ({0}); nothing was restored.", exc)
        ) from exc
