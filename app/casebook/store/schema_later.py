"""Later schema steps (``schema.MIGRATIONS`` runs them in order): the tables of the
helpers around a discussion, polls (v13), mentions (v14), flags, the moderation log and
follow-up reminders (v15), requests for a second opinion (v16), items held for a
moderator's look, the moderation policy and hidden poll answers (v17), derived text packed
and comments indexed by their case's row (v18)."""

from __future__ import annotations

from casebook.store.database import Database

# v13: polls on a case (docs/protocol.md, "Polls"): each poll, and each member's one
# answer (the first they wrote: ``ordering``). Events of these kinds a profile stored
# before (from a newer colleague) are tagged again and applied by the next rebuild.
V13_POLLS = """
CREATE TABLE polls (
    id BLOB PRIMARY KEY, case_id BLOB NOT NULL, case_rid INTEGER NOT NULL,
    net BLOB NOT NULL, author BLOB NOT NULL, kind TEXT NOT NULL, question TEXT NOT NULL,
    options TEXT NOT NULL, created_at INTEGER NOT NULL, final TEXT, final_order BLOB
);
CREATE INDEX polls_case ON polls (case_rid);
CREATE TABLE poll_answers (
    poll_id BLOB NOT NULL, member BLOB NOT NULL, event_id BLOB NOT NULL,
    ordering BLOB NOT NULL, skip INTEGER NOT NULL, choice INTEGER, ranks TEXT NOT NULL,
    at INTEGER NOT NULL, PRIMARY KEY (poll_id, member)
) WITHOUT ROWID
"""


def _v13(db: Database) -> None:
    for statement in V13_POLLS.split(";\n"):
        db.execute(statement)
    db.execute("UPDATE events SET tag = NULL WHERE kind LIKE 'poll.%'")


# v14: mentions (docs/protocol.md, "Mentions"): whom a case or a comment names, as its
# author signed it; the answer queue reads them. Events stored before are applied again
# by the next rebuild (a version without mentions rejected them as having an unknown field).
V14_MENTIONS = """
CREATE TABLE mentions (
    member BLOB NOT NULL, event_id BLOB NOT NULL, case_rid INTEGER NOT NULL,
    at INTEGER NOT NULL, PRIMARY KEY (member, event_id)
) WITHOUT ROWID;
CREATE INDEX mentions_case ON mentions (case_rid)
"""


def _v14(db: Database) -> None:
    for statement in V14_MENTIONS.split(";\n"):
        db.execute(statement)
    # Cases and comments a newer colleague wrote with mentions were rejected for an unknown
    # field: marked as of a kind learned by this upgrade, the next open rebuilds once
    # (``storedlog.relearned``), and any still unreadable is rejected again in its own words.
    db.execute(
        "UPDATE rejected SET reason = 'unreadable payload: unknown event kind (mentions)' "
        "WHERE reason = 'unreadable payload: payload has missing or unknown fields' AND "
        "event_id IN (SELECT id FROM events WHERE kind IN "
        "('case.create', 'case.outcome', 'comment.create'))"
    )


# v15: flags to moderators (docs/protocol.md, "Flags"), as this computer could open
# them (one row per target and flagger: their newest flag), the log of moderators'
# acts, and this member's follow-up reminders (0: cleared). Events of these kinds stored
# before are applied by the next rebuild (an unknown kind then).
V15_FLAGS = """
CREATE TABLE flags (
    net BLOB NOT NULL, target BLOB NOT NULL, flagger BLOB NOT NULL, event_id BLOB NOT NULL,
    reason TEXT NOT NULL, at INTEGER NOT NULL, ordering BLOB NOT NULL,
    PRIMARY KEY (net, target, flagger)
) WITHOUT ROWID;
CREATE INDEX flags_target ON flags (target);
CREATE TABLE moderation_log (
    event_id BLOB PRIMARY KEY, net BLOB NOT NULL, target BLOB NOT NULL,
    action TEXT NOT NULL, by BLOB NOT NULL, reason TEXT, at INTEGER NOT NULL,
    ordering BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX moderation_log_net ON moderation_log (net, ordering);
CREATE INDEX moderation_log_target ON moderation_log (target);
CREATE TABLE reminders (
    case_id BLOB PRIMARY KEY, net BLOB NOT NULL, due INTEGER NOT NULL,
    event_id BLOB NOT NULL, ordering BLOB NOT NULL
) WITHOUT ROWID
"""


def _v15(db: Database) -> None:
    for statement in V15_FLAGS.split(";\n"):
        db.execute(statement)
    # The log of acts applied before the upgrade is filled by a rebuild (casebook
    # rebuild); until then it starts here.


# v16: a case's request for a second opinion (docs/protocol.md, "Second opinions"):
# "none", "requested" or "urgent", the newest of its author's by (lamport, id).
# Requests stored before are applied by the next rebuild (an unknown kind then).
V16_OPINION = """
ALTER TABLE cases ADD COLUMN opinion TEXT NOT NULL DEFAULT 'none';
ALTER TABLE cases ADD COLUMN opinion_order BLOB NOT NULL DEFAULT x''
"""


def _v16(db: Database) -> None:
    for statement in V16_OPINION.split(";\n"):
        db.execute(statement)


# v17: a poll answer a moderator hid (it leaves the pooled result); an item held for a
# moderator's look (``content.hold`` / ``content.release``, the
# newest by (lamport, id); a held item is hidden like a hidden one) and the network's
# moderation policy (hold an item once this many members flagged it; the newest admin's
# by (lamport, id)). Events stored before are applied by the next rebuild.
V17_HOLDS = """
ALTER TABLE moderation ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
ALTER TABLE moderation ADD COLUMN hold_order BLOB NOT NULL DEFAULT x'';
ALTER TABLE poll_answers ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
CREATE TABLE moderation_policy (
    net BLOB PRIMARY KEY, hold_after INTEGER NOT NULL, ordering BLOB NOT NULL
) WITHOUT ROWID
"""


def _v17(db: Database) -> None:
    for statement in V17_HOLDS.split(";\n"):
        db.execute(statement)


# v18 (issue 18): derived text may be stored packed (``store/packed_text.py``: an older
# Casebook would read it as text, so it must refuse this profile as newer, which the
# version does), and comments are indexed by their case's row number instead of its
# 32-byte id: a comment mostly goes to a recent case, whose row number is near the end
# of the index, so an insert touches the same few pages (keyed by the random id, the
# 1,000 comments of a transaction dirtied pages all over the index). Within a case they
# stay in thread order, so "the newest comment of this case" reads one entry.
V18_COMMENT_INDEXES = """
DROP INDEX IF EXISTS comments_case;
CREATE INDEX comments_case ON comments (case_rid, created_order);
DROP INDEX IF EXISTS comments_author;
CREATE INDEX comments_author ON comments (author, case_rid)
"""


def _v18(db: Database) -> None:
    for statement in V18_COMMENT_INDEXES.split(";\n"):
        db.execute(statement)


# v19 (issue 18): a library keeps the events it has read in their open form
# (``events.open_form``: the payload packed beside the signed header). An older Casebook
# would send that form as it is, the payload in the clear, to a relay or into a bundle:
# the version makes it refuse this profile as newer. Nothing is rewritten: the events
# stored before stay in their wire form, and both forms live side by side.
def _v19(db: Database) -> None:
    del db  # the step is the version number itself


# v20 (issue 18): a case or comment created by an event kept in its open form keeps its
# text only there until it is edited: no ``case_text`` row, an empty BLOB as the
# comment's ``body``; readers take the text from the event (``core/ledger/kept_text.py``).
# An older Casebook would show such an item without its text: the version makes it
# refuse this profile as newer. The text a v19 library stored for such items goes, as a
# rebuild would leave it (edited items keep theirs).
def _v20(db: Database) -> None:
    db.execute(
        "DELETE FROM case_text WHERE rid IN (SELECT c.rid FROM cases c "
        "JOIN events e ON e.id = c.id WHERE c.revisions = 1 AND c.withdrawn IS NULL "
        "AND substr(e.raw, 1, 1) = x'84')"
    )
    db.execute(
        "UPDATE comments SET body = x'' WHERE revisions = 1 "
        "AND (SELECT substr(e.raw, 1, 1) FROM events e WHERE e.id = comments.id) = x'84'"
    )
