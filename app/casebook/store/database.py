"""The SQLCipher connection: opening with a raw key, pragmas, transactions, export.

One :class:`Database` wraps one connection and is used from one thread at a time (the
GUI gives it to a single worker thread). Every statement takes bound parameters.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NoReturn, Protocol

import sqlcipher3

from casebook.errors import CasebookError, ProfileCorrupted, StorageFull, say

# What a damaged database raises, for callers that report it without importing sqlcipher3.
DatabaseError = sqlcipher3.DatabaseError


class Row(Protocol):
    """One result row (a ``sqlcipher3.Row`` at run time): columns by position or by name."""

    def __getitem__(self, key: int | str, /) -> Any: ...

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Any]: ...

    def keys(self) -> list[str]: ...


# The page size of new libraries (and of re-keyed ones and backups; each profile's header
# says its own, so older 4 KiB libraries open as they are). 16 KiB pages hold a 2 KB case
# event and its text rows with little left over where 4 KiB pages held one each, and
# spread SQLCipher's per-page IV and HMAC thinner: the 100,000-case benchmark library is
# 1,279 MB instead of 1,446 MB, written about as fast, searched as fast
# (docs/benchmarks.md, "16 KiB pages").
DEFAULT_PAGE_SIZE = 16384

# Compiled statements a connection keeps. sqlcipher3's cache (the one of Python 3.10's
# sqlite3, not 3.11's LRU) ranks statements by how often they ran and, once full, puts a
# new statement in its last slot, which the next new one takes unless the first has run
# more often than the one ranked above it: statements first run after it filled that run
# in turn push each other out and are compiled again on every use. The app has more
# distinct statements than the default 100 (702 over the whole test suite; creating a
# profile alone runs 120), so a write or a sync after them compiled each of its inserts
# once per event (docs/benchmarks.md, "Compiled statements"). A statement takes 5-8 KB
# compiled (35 KB the longest), so a full cache is about 8 MB.
STATEMENT_CACHE = 1024
# SQLite's limit on a statement's parameters (SQLITE_MAX_VARIABLE_NUMBER since 3.32).
MAX_PARAMETERS = 32_766


def in_list(values: Sequence[Any]) -> tuple[str, list[Any]]:
    """The ``?`` marks and parameters of ``column IN (...)`` over ``values``, padded (by
    repeating the last value, which changes nothing in an IN list) to a power of two,
    then to a multiple of 1,024: a list of any length is then one of a few dozen
    statements, not one more compiled statement in the cache for each length."""
    items = list(values)
    size = len(items)
    if size:
        padded = 1 << (size - 1).bit_length() if size <= 1024 else -(-size // 1024) * 1024
        if padded <= MAX_PARAMETERS:
            items += [items[-1]] * (padded - size)
    return ",".join("?" * len(items)), items


class _Connection(sqlcipher3.Connection):
    """A connection that counts the statement cache's misses: the cache calls the
    connection itself to compile what it does not hold. (A statement compiled again
    because a live cursor still uses the cached copy is not counted.)"""

    compiled = 0

    def __call__(self, sql: str) -> Any:
        self.compiled += 1
        return super().__call__(sql)


def _key_pragma(key: bytes) -> str:
    if len(key) != 32:
        raise ValueError("database keys are 32 bytes")
    return f"\"x'{key.hex()}'\""


def route_sqlcipher_log(target: str | Path | None) -> None:
    """Send SQLCipher's own log (``ERROR CORE sqlcipher_page_cipher: hmac check failed``
    and the like, printed on stderr by default) to the file ``target``, or nowhere when
    there is none. It is one setting for the whole process; the app calls this once, as
    its logging starts, so a damaged library shows only our one line on the terminal."""
    destination = "off" if target is None else str(target)
    conn = sqlcipher3.connect(":memory:")
    try:
        status = conn.execute("PRAGMA cipher_log = " + _quoted(destination)).fetchone()
        if status is None or status[0] != "0":  # a file it cannot open: nowhere, not stderr
            conn.execute("PRAGMA cipher_log = off")
        conn.execute("PRAGMA cipher_log_level = WARN")
    finally:
        conn.close()


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_DAMAGE = ("malformed", "not a database", "corrupt", "encrypted", "disk i/o", "hmac")


def is_damage(exc: Exception) -> bool:
    text = str(exc).lower()
    return "full" in text or any(word in text for word in _DAMAGE)


def translate_error(exc: Exception, path: Path) -> CasebookError:
    text = str(exc).lower()
    if "locked" in text or "busy" in text:
        return CasebookError(
            "The library is busy in another Casebook process; try again in a moment."
        )
    if "full" in text:
        return StorageFull(
            "The disk is full: the last change was not saved and the library is intact. "
            "Free some space and try again."
        )
    return ProfileCorrupted(
        say(
            (
                "The library database {0} is damaged or not a Casebook database ({1}). "
                "It was not modified; restore it from a backup."
            ),
            path.name,
            exc,
        )
    )


class Database:
    def __init__(self, conn: sqlcipher3.Connection, path: Path, key: bytes | None = None) -> None:
        self.conn = conn
        self.path = path
        # The key it was opened with, while it is open (a compaction writes the library
        # anew under it; SQLCipher holds it in memory as long).
        self.key = key
        self._depth = 0
        self._lock = threading.RLock()
        self.rollbacks = 0
        # What callers learned in the write transaction under way (a chain's head, that a
        # table is empty): exact while it holds the write lock, forgotten when it ends.
        self.memo: dict[Any, Any] = {}

    @classmethod
    def open(cls, path: Path, key: bytes | None, page_size: int = DEFAULT_PAGE_SIZE) -> Database:
        """Open (or create) ``path``. ``key=None`` opens a plain SQLite file (benchmarks)."""
        conn = sqlcipher3.connect(
            str(path),
            isolation_level=None,
            check_same_thread=False,
            factory=_Connection,
            cached_statements=STATEMENT_CACHE,
        )
        try:
            if key is not None:
                conn.execute(f"PRAGMA key = {_key_pragma(key)}")
                conn.execute(f"PRAGMA cipher_page_size = {int(page_size)}")
            else:
                conn.execute(f"PRAGMA page_size = {int(page_size)}")
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = FULL")
            conn.execute("PRAGMA foreign_keys = ON")
            # Freed pages and cells are zeroed: a withdrawn case leaves nothing behind.
            conn.execute("PRAGMA secure_delete = ON")
            conn.execute("PRAGMA temp_store = MEMORY")
            conn.execute("PRAGMA busy_timeout = 5000")
            conn.execute("PRAGMA cache_size = -65536")
        except sqlcipher3.DatabaseError as exc:
            conn.close()
            raise translate_error(exc, path) from None
        conn.row_factory = sqlcipher3.Row
        return cls(conn, path, key)

    # -- statements ---------------------------------------------------------------
    @contextlib.contextmanager
    def _translated(self, busy_too: bool = False) -> Iterator[None]:
        """Damage and full-disk errors become user-facing errors; bugs stay bugs."""
        try:
            yield
        except sqlcipher3.DatabaseError as exc:
            self._raise_friendly(exc, busy_too)

    def _raise_friendly(self, exc: sqlcipher3.DatabaseError, busy_too: bool) -> NoReturn:
        if is_damage(exc) or (busy_too and "locked" in str(exc).lower()):
            raise translate_error(exc, self.path) from None
        raise exc

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> sqlcipher3.Cursor:
        try:  # the hot path: a plain try costs nothing when nothing fails
            return self.conn.execute(sql, params)
        except sqlcipher3.DatabaseError as exc:
            self._raise_friendly(exc, busy_too=True)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        with self._translated():
            self.conn.executemany(sql, rows)

    def one(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Row | None:
        cursor = self.execute(sql, params)
        with self._translated():  # damage can also surface while stepping through rows
            return cursor.fetchone()

    def row(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Row:
        """The row a query is sure to find (one this transaction relies on); none is a bug."""
        found = self.one(sql, params)
        if found is None:
            raise LookupError("a row the database must hold is missing")
        return found

    def all(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[Row]:
        cursor = self.execute(sql, params)
        with self._translated():
            return cursor.fetchall()

    def scalar(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        row = self.execute(sql, params).fetchone()
        return None if row is None else row[0]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Database]:
        """A write transaction; nested uses join the outer one. Rolls back on error."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield self
                finally:
                    self._depth -= 1
                return
            self.execute("BEGIN IMMEDIATE")
            self._depth = 1
            self.memo.clear()
            try:
                yield self
            except BaseException:
                self._depth = 0
                self.memo.clear()
                self.rollbacks += 1  # caches of what was written must be dropped
                self.conn.execute("ROLLBACK")
                raise
            self._depth = 0
            self.memo.clear()
            try:
                self.conn.execute("COMMIT")
            except sqlcipher3.DatabaseError as exc:
                self.rollbacks += 1  # nothing of it was kept (a full disk): as above
                with contextlib.suppress(sqlcipher3.DatabaseError):
                    self.conn.execute("ROLLBACK")
                raise translate_error(exc, self.path) from None

    @property
    def in_transaction(self) -> bool:
        return self._depth > 0

    @property
    def compiled(self) -> int:
        """The statement cache's misses on this connection so far: each distinct
        statement once while the cache holds it."""
        return int(getattr(self.conn, "compiled", 0))

    def known_empty(self, table: str) -> bool:
        """In a write transaction: whether ``table`` holds no row (asked once, then known
        from :attr:`memo` until a writer calls :meth:`filled`). Outside one: False, not
        known (the caller looks up what it needs)."""
        if not self._depth:
            return False
        key = ("empty", table)
        known = self.memo.get(key)
        if known is None:
            query = f"SELECT EXISTS (SELECT 1 FROM {table})"  # noqa: S608 - fixed names
            known = self.memo[key] = not self.scalar(query)
        return bool(known)

    def filled(self, table: str) -> None:
        """A row was written to ``table``: it is no longer known to be empty."""
        self.memo[("empty", table)] = False

    def forget(self, kind: str) -> None:
        """Forget everything :attr:`memo` holds under ``kind`` (its keys' first item)."""
        for key in [k for k in self.memo if k[0] == kind]:
            del self.memo[key]

    # -- maintenance --------------------------------------------------------------
    def checkpoint(self) -> None:
        """Copy the write-ahead log into the database and empty it (after a purge, so
        no earlier page image outlives it there)."""
        with self._lock:
            self.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def integrity_errors(self) -> list[str]:
        rows = self.all("PRAGMA integrity_check")
        problems = [r[0] for r in rows if r[0] != "ok"]
        problems += [f"cipher: {r[0]}" for r in self.all("PRAGMA cipher_integrity_check")]
        return problems

    def export_encrypted(self, target: Path, key: bytes, page_size: int) -> None:
        """Copy the whole database into a new file under another key."""
        self.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.execute(f"ATTACH DATABASE ? AS rekeyed KEY {_key_pragma(key)}", (str(target),))
        try:
            self.execute(f"PRAGMA rekeyed.cipher_page_size = {int(page_size)}")
            self.execute("SELECT sqlcipher_export('rekeyed')")
            version = int(self.scalar("PRAGMA user_version"))
            self.execute(f"PRAGMA rekeyed.user_version = {version}")
        finally:
            self.execute("DETACH DATABASE rekeyed")

    def free_bytes(self) -> int:
        """Bytes of free pages in the file (left by deletions and upgrades): a compaction
        (writing the library anew, ``Profile.compact``) gives them back."""
        pages = int(self.scalar("PRAGMA freelist_count"))
        return pages * int(self.scalar("PRAGMA page_size"))

    def export_plain(self, target: Path) -> None:
        """Copy into an unencrypted file — only for the benchmark's plain-SQLite baseline."""
        self.execute("ATTACH DATABASE ? AS plain KEY ''", (str(target),))
        try:
            size = int(self.scalar("PRAGMA main.page_size"))
            self.execute(f"PRAGMA plain.page_size = {size}")  # the same pages, unencrypted
            self.execute("SELECT sqlcipher_export('plain')")
        finally:
            self.execute("DETACH DATABASE plain")

    def close(self) -> None:
        with contextlib.suppress(sqlcipher3.Error):
            self.conn.execute("PRAGMA optimize")
        self.conn.close()
        self.key = None
