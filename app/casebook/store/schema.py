"""Schema and migrations, versioned by ``PRAGMA user_version``.

Two kinds of tables live here. *State* tables hold what cannot be recomputed: the
identity, network keys, the signed events themselves and attachment blobs. *Derived*
tables (``DERIVED_TABLES``) are views of the events that the app reads; ``doctor
--rebuild`` empties and refills them from the events alone.
"""

from __future__ import annotations

from collections.abc import Callable

from casebook.errors import CasebookError
from casebook.store.database import Database
from casebook.store.schema_later import _v13, _v14, _v15, _v16, _v17, _v18, _v19, _v20

STATE_V1 = """
CREATE TABLE identity (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    signing_key BLOB NOT NULL,
    exchange_key BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE epoch_keys (
    net BLOB NOT NULL,
    epoch INTEGER NOT NULL,
    seed BLOB NOT NULL,
    PRIMARY KEY (net, epoch)
) WITHOUT ROWID;
CREATE TABLE events (
    seqno INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    net BLOB NOT NULL,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    lamport INTEGER NOT NULL,
    kind TEXT NOT NULL,
    raw BLOB NOT NULL,
    received_at INTEGER NOT NULL,
    UNIQUE (net, author, seq)
);
CREATE INDEX events_order ON events (net, lamport, id);
CREATE TABLE held_events (
    id BLOB PRIMARY KEY,
    net BLOB NOT NULL,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    raw BLOB NOT NULL,
    received_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX held_chain ON held_events (net, author, seq);
CREATE TABLE forks (
    net BLOB NOT NULL,
    author BLOB NOT NULL,
    seq INTEGER NOT NULL,
    kept BLOB NOT NULL,
    other BLOB NOT NULL,
    detected_at INTEGER NOT NULL,
    PRIMARY KEY (net, author, seq, other)
) WITHOUT ROWID;
CREATE TABLE blobs (
    hash BLOB PRIMARY KEY,
    size INTEGER NOT NULL,
    mime TEXT NOT NULL,
    chunks INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE blob_chunks (
    hash BLOB NOT NULL REFERENCES blobs (hash) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (hash, idx)
) WITHOUT ROWID;
"""

DERIVED_V1 = """
CREATE TABLE networks (
    id BLOB PRIMARY KEY,
    name TEXT NOT NULL,
    founder BLOB NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE authors (
    net BLOB NOT NULL,
    key BLOB NOT NULL,
    name TEXT NOT NULL,
    PRIMARY KEY (net, key)
) WITHOUT ROWID;
CREATE TABLE cases (
    rid INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    net BLOB NOT NULL,
    author BLOB NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    activity_at INTEGER NOT NULL,
    edit_order BLOB NOT NULL,
    title TEXT NOT NULL,
    specialty TEXT NOT NULL,
    tags TEXT NOT NULL,
    attachments TEXT NOT NULL,
    status TEXT NOT NULL,
    status_order BLOB NOT NULL,
    comment_count INTEGER NOT NULL DEFAULT 0,
    revisions INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX cases_net_activity ON cases (net, activity_at DESC);
CREATE INDEX cases_activity ON cases (activity_at DESC);
CREATE INDEX cases_author ON cases (author, activity_at DESC);
CREATE TABLE case_text (
    rid INTEGER PRIMARY KEY,
    fields TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE TABLE case_tags (
    tag TEXT NOT NULL,
    case_rid INTEGER NOT NULL,
    PRIMARY KEY (tag, case_rid)
) WITHOUT ROWID;
CREATE TABLE comments (
    rid INTEGER PRIMARY KEY,
    id BLOB NOT NULL UNIQUE,
    case_id BLOB NOT NULL,
    case_rid INTEGER NOT NULL,
    parent_id BLOB,
    net BLOB NOT NULL,
    author BLOB NOT NULL,
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    created_order BLOB NOT NULL,
    edit_order BLOB NOT NULL,
    body TEXT NOT NULL,
    endorsements INTEGER NOT NULL DEFAULT 0,
    revisions INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX comments_case ON comments (case_id, created_order);
CREATE TABLE revisions (
    target BLOB NOT NULL,
    event_id BLOB NOT NULL,
    author BLOB NOT NULL,
    at INTEGER NOT NULL,
    ordering BLOB NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (target, event_id)
) WITHOUT ROWID;
CREATE TABLE endorsements (
    comment_id BLOB NOT NULL,
    author BLOB NOT NULL,
    event_id BLOB NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (comment_id, author)
) WITHOUT ROWID;
CREATE TABLE waiting (
    needs BLOB NOT NULL,
    event_id BLOB NOT NULL,
    PRIMARY KEY (needs, event_id)
) WITHOUT ROWID;
CREATE TABLE rejected (
    event_id BLOB PRIMARY KEY,
    reason TEXT NOT NULL
) WITHOUT ROWID;
CREATE VIRTUAL TABLE case_fts USING fts5 (
    title, text, tags,
    content = '', contentless_delete = 1, detail = full,
    tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE comment_fts USING fts5 (
    body,
    content = '', contentless_delete = 1, detail = full,
    tokenize = 'unicode61 remove_diacritics 2'
);
"""

DERIVED_TABLES = (
    "networks",
    "authors",
    "cases",
    "case_text",
    "case_tags",
    "comments",
    "revisions",
    "endorsements",
    "waiting",
    "rejected",
    "membership_log",
    "members",
    "invites",
    "epochs",
    "moderation",
    "purge_confirmations",
    "purged_items",
    "polls",
    "poll_answers",
    "mentions",
    "flags",
    "moderation_log",
    "reminders",
    "moderation_policy",
    "case_fts",
    "comment_fts",
)
FTS_TABLES = ("case_fts", "comment_fts")


def _v1(db: Database) -> None:
    for statement in (STATE_V1 + DERIVED_V1).split(";\n"):
        if statement.strip():
            db.execute(statement)


# v2: document counts per word, read to decide how to rank very common words.
V2 = """
CREATE VIRTUAL TABLE case_vocab USING fts5vocab (case_fts, 'row');
CREATE VIRTUAL TABLE comment_vocab USING fts5vocab (comment_fts, 'row')
"""


def _v2(db: Database) -> None:
    for statement in V2.split(";\n"):
        db.execute(statement)


# v3: private networks. Epoch seeds gain a source (the rotation that made them, so
# concurrent rotations keep both candidates); events remember their epoch; the secrets
# of invites this profile made; membership, invites, epochs and moderation tables.
V3_STATE = """
ALTER TABLE events ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
CREATE TABLE epoch_seeds (
    net BLOB NOT NULL,
    epoch INTEGER NOT NULL,
    source BLOB NOT NULL,
    seed BLOB NOT NULL,
    PRIMARY KEY (net, epoch, source)
) WITHOUT ROWID;
INSERT INTO epoch_seeds (net, epoch, source, seed) SELECT net, epoch, x'', seed FROM epoch_keys;
DROP TABLE epoch_keys;
CREATE TABLE invite_secrets (
    key BLOB PRIMARY KEY,
    net BLOB NOT NULL,
    secret BLOB NOT NULL,
    code TEXT NOT NULL,
    welcome BLOB NOT NULL,
    created_at INTEGER NOT NULL
) WITHOUT ROWID;
ALTER TABLE networks ADD COLUMN relays TEXT NOT NULL DEFAULT '[]';
ALTER TABLE networks ADD COLUMN invite_policy TEXT NOT NULL DEFAULT 'admins';
ALTER TABLE networks ADD COLUMN default_role TEXT NOT NULL DEFAULT 'member';
ALTER TABLE networks ADD COLUMN epoch INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
ALTER TABLE cases ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
ALTER TABLE comments ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
CREATE TABLE membership_log (
    net BLOB NOT NULL,
    lamport INTEGER NOT NULL,
    id BLOB NOT NULL,
    PRIMARY KEY (net, lamport, id)
) WITHOUT ROWID;
CREATE TABLE members (
    net BLOB NOT NULL,
    key BLOB NOT NULL,
    xkey BLOB NOT NULL,
    role TEXT,
    since INTEGER NOT NULL,
    invited_by BLOB,
    invite BLOB,
    removed_by BLOB,
    removed_at INTEGER,
    PRIMARY KEY (net, key)
) WITHOUT ROWID;
CREATE TABLE invites (
    net BLOB NOT NULL,
    key BLOB NOT NULL,
    inviter BLOB NOT NULL,
    role TEXT NOT NULL,
    expires INTEGER NOT NULL,
    uses INTEGER NOT NULL,
    used INTEGER NOT NULL,
    revoked_by BLOB,
    created_at INTEGER NOT NULL,
    PRIMARY KEY (net, key)
) WITHOUT ROWID;
CREATE TABLE epochs (
    net BLOB NOT NULL,
    epoch INTEGER NOT NULL,
    winner BLOB NOT NULL,
    author BLOB NOT NULL,
    candidates INTEGER NOT NULL,
    PRIMARY KEY (net, epoch)
) WITHOUT ROWID;
CREATE TABLE moderation (
    target BLOB PRIMARY KEY,
    net BLOB NOT NULL,
    hide_order BLOB,
    hidden INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    hidden_by BLOB,
    hidden_at INTEGER,
    pin_order BLOB,
    pinned INTEGER NOT NULL DEFAULT 0,
    pinned_by BLOB
) WITHOUT ROWID
"""


def _v3(db: Database) -> None:
    for statement in V3_STATE.split(";\n"):
        db.execute(statement)


# v4: sync. What the profile last heard from each relay of each network (shown by
# ``sync status`` and the app's status indicator); not derived from events.
V4 = """
CREATE TABLE sync_status (
    net BLOB NOT NULL,
    relay TEXT NOT NULL,
    last_attempt INTEGER NOT NULL,
    last_success INTEGER,
    last_error TEXT,
    received INTEGER NOT NULL DEFAULT 0,
    sent INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (net, relay)
) WITHOUT ROWID
"""


def _v4(db: Database) -> None:
    db.execute(V4)


# v5: this profile's own preferences (hosting the relay, lock after idle, theme, saved
# searches), kept in the encrypted store because an address and a port say who hosts
# what; never derived from events and never sent.
V5 = "CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID"


def _v5(db: Database) -> None:
    db.execute(V5)


# v6: when this person last opened each case (for "unread"); local, never sent.
V6 = "CREATE TABLE case_reads (case_id BLOB PRIMARY KEY, seen INTEGER NOT NULL) WITHOUT ROWID"


def _v6(db: Database) -> None:
    db.execute(V6)


# v7: the keys that open newcomers' joins (``member.join`` bodies are sealed under a key
# derived from the invite's secret, which the invite's own body carries to members), so
# a newcomer can join before the relay hands over any epoch seed. Not derived: a
# newcomer holds its own before the invite's event arrives.
V7 = (
    "CREATE TABLE join_keys (net BLOB NOT NULL, invite BLOB NOT NULL, seed BLOB NOT NULL, "
    "PRIMARY KEY (net, invite)) WITHOUT ROWID"
)


def _v7(db: Database) -> None:
    db.execute(V7)


# v8: devices (issue 15). ``signing_key``/``exchange_key`` are this computer's device
# keys; ``member_key`` is the member's identity key when this computer is a linked
# device (NULL: the signing key is the member key itself, the member's device zero,
# which every profile made before devices is); ``device_name`` labels this computer;
# ``member_seed`` is the member key's seed on a computer recovered with the recovery key
# (NULL elsewhere: device zero's is its signing key, linked computers have none);
# ``box_key`` keeps the member's recovery box at the relays up to date (linked computers;
# from v9 the public key the box is sealed to).
# Nothing stored changes: an upgraded profile is its member's device zero.
def _v8(db: Database) -> None:
    for column in ("member_key BLOB", "device_name TEXT", "member_seed BLOB", "box_key BLOB"):
        db.execute(f"ALTER TABLE identity ADD COLUMN {column}")


# v9: the recovery box is sealed to a public key (linked computers can no longer open
# it); a linked computer's v8 box key was the symmetric one, useless now: forgotten, so
# it puts no box the recovery key cannot open (its first computer keeps the box).
def _v9(db: Database) -> None:
    db.execute("UPDATE identity SET box_key = NULL")


# v10: how far this computer's own chain in each network has reached a relay or a
# colleague's computer (the highest sequence number one of them acknowledged), so the
# app can mark what is written but not sent yet. Local, never sent; not derived.
# Also an index of comments by author: "awaiting my reply" starts from the reader's own.
V10 = "CREATE TABLE delivered (net BLOB PRIMARY KEY, seq INTEGER NOT NULL) WITHOUT ROWID"
V10_INDEX = "CREATE INDEX IF NOT EXISTS comments_author ON comments (author, case_id)"


def _v10(db: Database) -> None:
    db.execute(V10)
    db.execute(V10_INDEX)


# v11: a case's consent record (JSON; NULL: none recorded) and its purge key (NULL for a
# case written before: its events carry no purge tags). Derived from case.create and
# case.edit, which carried neither before this version, so nothing needs rebuilding.
def _v11(db: Database) -> None:
    db.execute("ALTER TABLE cases ADD COLUMN consent TEXT")
    db.execute("ALTER TABLE cases ADD COLUMN purge_key BLOB")


# v12: withdrawal. Each stored event keeps its purge tag (``tag``: the 16 bytes of its
# ``pub["w"]``, or empty), so a withdrawal finds a case's events without reading every
# body; events stored before are tagged by the event log when it opens (the index finds
# them), except those no case can own: membership and moderation kinds, and every event
# of a library that holds no purge key. A withdrawn case keeps a tombstone row
# (``cases.withdrawn``: who, when, why); ``purge_confirmations`` counts the computers
# that have purged it. Freed pages are zeroed from now on (``secure_delete``).
CASE_EVENT_KINDS = (
    "case.create", "case.edit", "case.status", "case.outcome",
    "comment.create", "comment.edit", "comment.endorse",
)  # fmt: skip
V12_CONFIRMATIONS = """
CREATE TABLE purge_confirmations (
    case_id BLOB NOT NULL,
    device BLOB NOT NULL,
    member BLOB NOT NULL,
    at INTEGER NOT NULL,
    PRIMARY KEY (case_id, device)
) WITHOUT ROWID
"""
# The withdrawn cases and their comments, by id: an event about one of them that comes
# later (an edit, an endorsement, a reply, a moderator's act) is stripped on arrival.
V12_PURGED = "CREATE TABLE purged_items (id BLOB PRIMARY KEY) WITHOUT ROWID"


def _v12(db: Database) -> None:
    db.execute("ALTER TABLE events ADD COLUMN tag BLOB")
    db.execute("ALTER TABLE cases ADD COLUMN withdrawn TEXT")
    db.execute(V12_CONFIRMATIONS)
    db.execute(V12_PURGED)
    marks = ",".join("?" * len(CASE_EVENT_KINDS))
    db.execute(
        f"UPDATE events SET tag = x'' WHERE kind NOT IN ({marks}) "  # noqa: S608
        "OR NOT EXISTS (SELECT 1 FROM cases WHERE purge_key IS NOT NULL)",
        CASE_EVENT_KINDS,
    )
    db.execute("CREATE INDEX events_untagged ON events (seqno) WHERE tag IS NULL")


MIGRATIONS: list[Callable[[Database], None]] = [
    _v1, _v2, _v3, _v4, _v5, _v6, _v7, _v8, _v9, _v10, _v11, _v12, _v13, _v14, _v15,
    _v16, _v17, _v18, _v19, _v20,
]  # fmt: skip
LATEST = len(MIGRATIONS)


class SchemaTooNew(CasebookError):
    """The database was written by a newer Casebook (its schema ``version`` is ahead)."""

    def __init__(self, version: int) -> None:
        super().__init__("This profile was written by a newer Casebook; update the app.")
        self.version = version


def migrate(db: Database) -> None:
    """Bring the database to ``LATEST``, each step in its own transaction."""
    version = int(db.scalar("PRAGMA user_version"))
    if version > LATEST:
        raise SchemaTooNew(version)
    for number in range(version, LATEST):
        with db.transaction():
            MIGRATIONS[number](db)
            db.execute(f"PRAGMA user_version = {number + 1}")


def clear_derived(db: Database) -> None:
    for table in DERIVED_TABLES:
        if table in FTS_TABLES:
            db.execute(f"INSERT INTO {table} ({table}) VALUES ('delete-all')")  # noqa: S608
        else:
            db.execute(f"DELETE FROM {table}")  # noqa: S608 - fixed table names
