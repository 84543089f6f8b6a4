"""``casebook-relay migrate``: a stopped relay's SQLite store moved into PostgreSQL.

Everything is copied in one PostgreSQL transaction (a failure leaves the database as it
was) into a database that holds no relay data yet; events keep their arrival order. Then
both sides are compared network by network, by count and by a SHA-256 over every
event's stored form in arrival order: a difference undoes nothing (the SQLite
file is only read) and is reported. The TLS key and certificate stay in the data folder,
so the relay keeps its URL and pin when it is started with ``--database``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from casebook.errors import CasebookError, UsageError, say
from casebook.relay.storage import DB_FILE, open_store
from casebook.relay.store import RelayStore

# Table, its columns, the order they are read in. Events first come in arrival order.
TABLES = [
    ("networks", "id, created_at", "id"),
    ("events", "net, id, author, seq, membership, raw, received_at, tag", "seqno"),
    ("blob_chunks", "net, blob, idx, total, data", "net, blob, idx"),
    ("welcomes", "net, key, sealed, updated_at", "net, key"),
    ("recovery_boxes", "id, net, sealed, updated_at", "id"),
    ("withdrawals", "net, case_id, key, author, seq, blobs, applied", "net, case_id, author, seq"),
    ("purged_blobs", "net, blob", "net, blob"),
]
CHUNK = 1000


@dataclass
class Moved:
    where: str
    networks: int = 0
    events: int = 0
    other: int = 0


def migrate_sqlite(source: Path, database: str) -> Moved:
    if not (source / DB_FILE).exists():
        raise UsageError(say("{0} holds no relay data to migrate.", source))
    old = open_store(source, None)
    new = open_store(source, database)
    try:
        if new.networks():
            raise UsageError(
                say("{0} holds a relay's data already: migrate into an empty database.", new.where)
            )
        moved = Moved(new.where)
        with new.transaction():
            for table, columns, order in TABLES:
                count = _copy(old, new, table, columns, order)
                if table == "networks":
                    moved.networks = count
                elif table == "events":
                    moved.events = count
                else:
                    moved.other += count
            new.recount()  # each network's counters, from what was copied
        for net in old.networks():
            if _digest(old, net) != _digest(new, net):
                raise CasebookError(
                    say(
                        "the copy of network {0} in {1} differs from {2}: the relay's SQLite "
                        "store is untouched; keep serving from it and report this",
                        net.hex()[:8],
                        new.where,
                        source,
                    )
                )
        return moved
    finally:
        old.close()
        new.close()


def _copy(old: RelayStore, new: RelayStore, table: str, columns: str, order: str) -> int:
    places = ", ".join("?" * len(columns.split(",")))
    insert = f"INSERT INTO {table} ({columns}) VALUES ({places})"  # noqa: S608
    rows = old.execute(f"SELECT {columns} FROM {table} ORDER BY {order}")  # noqa: S608
    count = 0
    while True:
        chunk = [tuple(row) for row in rows.fetchmany(CHUNK)]
        if not chunk:
            return count
        new.executemany(insert, chunk)
        count += len(chunk)


def _digest(store: RelayStore, net: bytes) -> tuple[int, bytes]:
    digest = hashlib.sha256()
    count = 0
    for chunk in store.stream(net, store.max_seqno(net)):
        for _, _, _, raw in chunk:
            digest.update(hashlib.sha256(raw).digest())
            count += 1
    return count, digest.digest()
