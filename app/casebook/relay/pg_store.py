"""The relay's store in PostgreSQL (``casebook-relay serve --database postgresql://…``).

The same tables as the embedded SQLite file (``sqlite_store.py``), as PostgreSQL types,
made and kept up to date by numbered steps (:data:`STEPS`, applied under an advisory lock
so processes starting together migrate once). Statements run on one connection in
autocommit; writes in explicit transactions, committed with ``synchronous_commit`` at
least ``local``, so an acknowledged event is on disk. A network's writers serialise on a
transaction-scoped advisory lock (:meth:`PostgresStore.lock_network`): events of one
network then take their ``seqno`` in the order they become visible, which catch-ups
and the other relay processes rely on. The database sees what the relay sees:
ciphertext, public keys, sizes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import psycopg

from casebook.errors import CasebookError, say
from casebook.relay.store import Cursor, RelayStore, StoreUnavailable

# pg_advisory_xact_lock(CLASS, key): CLASS keeps Casebook's locks apart from anyone else's.
LOCK_CLASS = 0x0CA5EB00
MIGRATE_KEY = 1  # (LOCK_CLASS + 1, MIGRATE_KEY): the schema steps
CREATE_KEY = 2  # (LOCK_CLASS + 1, CREATE_KEY): creating a network (max_networks)
# NOTIFY channel: "NETHEX:SEQNO" once a transaction stored events of a network up to SEQNO.
CHANNEL = "casebook_relay"

log = logging.getLogger("casebook.relay")
# The relay's loop waits for each statement: a database that stops answering must not
# hold it for TCP's quarter of an hour. libpq's keepalives and TCP_USER_TIMEOUT end a
# dead link in about ten seconds; then the request in hand is refused and retried later.
LINK: dict[str, Any] = {
    "connect_timeout": 10,
    "keepalives": 1,
    "keepalives_idle": 5,
    "keepalives_interval": 2,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}
_BYTEA = "bytea NOT NULL"
STEPS: list[str] = [
    # 1: the tables of the SQLite store. Ciphertext does not compress: stored as is.
    f"""
    CREATE TABLE networks (id bytea PRIMARY KEY, created_at bigint NOT NULL);
    CREATE TABLE events (
        seqno bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        net {_BYTEA},
        id {_BYTEA} UNIQUE,
        author {_BYTEA},
        seq bigint NOT NULL,
        membership integer NOT NULL,
        raw {_BYTEA},
        received_at bigint NOT NULL,
        tag bytea NOT NULL DEFAULT '',
        UNIQUE (net, author, seq)
    );
    ALTER TABLE events ALTER COLUMN raw SET STORAGE EXTERNAL;
    CREATE INDEX events_net ON events (net, seqno);
    CREATE INDEX events_membership ON events (net, seqno) WHERE membership = 1;
    CREATE TABLE blob_chunks (
        net {_BYTEA}, blob {_BYTEA}, idx integer NOT NULL, total integer NOT NULL,
        data {_BYTEA}, PRIMARY KEY (net, blob, idx)
    );
    ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
    CREATE TABLE welcomes (
        net {_BYTEA}, key {_BYTEA}, sealed {_BYTEA}, updated_at bigint NOT NULL,
        PRIMARY KEY (net, key)
    );
    CREATE TABLE recovery_boxes (
        id bytea PRIMARY KEY, net {_BYTEA}, sealed {_BYTEA}, updated_at bigint NOT NULL
    );
    CREATE TABLE withdrawals (
        net {_BYTEA}, case_id {_BYTEA}, key {_BYTEA}, author {_BYTEA}, seq bigint NOT NULL,
        blobs {_BYTEA}, applied integer NOT NULL, PRIMARY KEY (net, case_id, author, seq)
    );
    CREATE TABLE purged_blobs (net {_BYTEA}, blob {_BYTEA}, PRIMARY KEY (net, blob));
    CREATE TABLE net_usage (net bytea PRIMARY KEY, events bigint NOT NULL, bytes bigint NOT NULL);
    CREATE TABLE relay_processes (
        process text PRIMARY KEY, updated_at double precision NOT NULL, report text NOT NULL
    );
    """,
]


def _dialect(sql: str) -> str:
    """The shared queries' ``?`` and ``:name`` as psycopg's ``%s`` and ``%(name)s``."""
    return re.sub(r":(\w+)", r"%(\1)s", sql).replace("?", "%s")


class PostgresStore(RelayStore):
    def __init__(self, url: str, where: str) -> None:
        self.url = url
        self.where = where  # the URL without its password, for messages
        self._sql: dict[str, str] = {}
        self.conn = self._connect()
        self.migrate()

    def _connect(self) -> psycopg.Connection[Any]:
        conn = psycopg.connect(self.url, autocommit=True, **LINK)
        row = conn.execute("SHOW synchronous_commit").fetchone()
        if row is not None and row[0] == "off":  # an acknowledgement must mean on disk
            conn.execute("SET synchronous_commit TO local")
        return conn

    def migrate(self) -> int:
        """Apply the schema steps this database lacks; returns its version."""
        with self.transaction():
            self.conn.execute(
                "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)",
                (LOCK_CLASS + 1, MIGRATE_KEY),
            )
            self.conn.execute(
                "CREATE TABLE IF NOT EXISTS casebook_relay_schema (version integer NOT NULL)"
            )
            row = self.conn.execute("SELECT max(version) FROM casebook_relay_schema").fetchone()
            version = int(row[0] or 0) if row is not None else 0
            if version > len(STEPS):
                raise CasebookError(
                    say(
                        "the relay's database at {0} was made by a newer casebook-relay "
                        "(schema {1}; this one knows {2}): upgrade this relay",
                        self.where,
                        version,
                        len(STEPS),
                    )
                )
            for number, step in enumerate(STEPS[version:], start=version + 1):
                self.conn.execute(step.encode())
                self.conn.execute("INSERT INTO casebook_relay_schema VALUES (%s)", (number,))
        return len(STEPS)

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Cursor:
        query = self._sql.get(sql)
        if query is None:
            query = self._sql[sql] = _dialect(sql)
        with self._reachable():
            return self.conn.execute(query.encode(), params, binary=True)

    @contextmanager
    def _reachable(self) -> Iterator[None]:
        """Reconnect first if the last link broke (the server restarted); a link that
        fails now is :class:`StoreUnavailable`."""
        try:
            if self.conn.closed:
                self.conn = self._connect()
            yield
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(f"the database at {self.where} is unavailable") from exc

    def executemany(self, sql: str, rows: list[tuple[Any, ...]]) -> None:
        with self._reachable(), self.conn.cursor(binary=True) as cursor:
            cursor.executemany(_dialect(sql).encode(), rows)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self._reachable(), self.conn.transaction():
            yield

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        if not self.conn.closed and (
            self.conn.info.transaction_status != psycopg.pq.TransactionStatus.IDLE
        ):
            yield  # inside a transaction already: its view
            return
        with self._reachable(), self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield

    def lock_creation(self) -> None:
        self.conn.execute(
            "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)",
            (LOCK_CLASS + 1, CREATE_KEY),
        )

    def lock_network(self, net: bytes) -> None:
        self.conn.execute(
            "SELECT pg_advisory_xact_lock(%s::integer, %s::integer)",
            (LOCK_CLASS, int.from_bytes(net[:4], "big", signed=True)),
        )

    def close(self) -> None:
        self.conn.close()

    # -- several processes ---------------------------------------------------------------
    shared = True

    def report(self, process: str, status: dict[str, Any]) -> None:
        self.execute(
            "INSERT INTO relay_processes (process, updated_at, report) VALUES (?, ?, ?) "
            "ON CONFLICT (process) DO UPDATE SET updated_at = excluded.updated_at, "
            "report = excluded.report",
            (process, float(status.get("updated", time.time())), json.dumps(status)),
        )

    def forget_process(self, process: str) -> None:
        self.execute("DELETE FROM relay_processes WHERE process = ?", (process,))

    def live_reports(self, since: float) -> list[dict[str, Any]]:
        rows = self.execute("SELECT report FROM relay_processes WHERE updated_at > ?", (since,))
        return [json.loads(r[0]) for r in rows]

    def announce(self, net: bytes, seqno: int) -> None:
        self.execute("SELECT pg_notify(?, ?)", (CHANNEL, f"{net.hex()}:{seqno}"))

    async def listen(self, notified: Callable[[bytes | None, int], None]) -> None:
        """LISTEN on a connection of its own; after each (re)connection everything is
        looked at once (notices sent while it was away are lost)."""
        delay = 0.5
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(self.url, autocommit=True, **LINK)
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    notified(None, 0)
                    delay = 0.5
                    async for notice in conn.notifies():
                        net, _, seqno = notice.payload.partition(":")
                        with contextlib.suppress(ValueError):
                            notified(bytes.fromhex(net), int(seqno))
            except (psycopg.Error, OSError) as exc:
                log.warning("lost the database's notices (%s); again in %.0f s", exc, delay)
            await asyncio.sleep(delay)
            delay = min(delay * 2, 30.0)
