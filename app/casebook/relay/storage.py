"""Which store a relay uses: the SQLite file under ``--data`` (the default), or the
PostgreSQL database ``--database`` names. Either way a failure to open it is one line
saying what to check, with no password in it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from casebook.errors import CasebookError, UsageError, say
from casebook.relay.sqlite_store import DB_FILE, SqliteStore
from casebook.relay.store import RelayStore

__all__ = ["DB_FILE", "describe", "is_postgres", "open_store"]


def is_postgres(database: str | None) -> bool:
    return database is not None and database.startswith(("postgresql://", "postgres://"))


def describe(url: str) -> str:
    """``url`` as it may be shown: host, port and database, never the password."""
    import psycopg

    try:
        info = psycopg.conninfo.conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "the --database URL"
    host = info.get("host") or "localhost"
    return f"postgresql://{host}:{info.get('port') or 5432}/{info.get('dbname') or ''}"


def open_store(data: Path, database: str | None) -> RelayStore:
    """The relay's store; raises :class:`CasebookError` (one line) when it cannot open."""
    if database is None:
        try:
            return SqliteStore(data)
        except sqlite3.Error as exc:
            raise CasebookError(
                say("cannot open the relay's database in {0}: {1}", data, exc)
            ) from None
    if not is_postgres(database):
        raise UsageError(
            say("--database takes a postgresql://USER@HOST:PORT/DBNAME URL, got {0!r}", database)
        )
    import psycopg

    from casebook.relay.pg_store import PostgresStore

    where = describe(database)
    try:
        return PostgresStore(database, where)
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CasebookError(
            say(
                "cannot use the relay's database at {0}: {1}; check that PostgreSQL runs "
                "there and that the URL's user, password and database are right",
                where,
                reason,
            )
        ) from None
