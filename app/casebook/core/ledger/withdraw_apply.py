"""Applying withdrawals (docs/protocol.md, "Withdrawal"): a case's author or an admin
withdraws a case, and every computer purges it.

Purging deletes the case's derived rows (text, fields, tags, comments, revisions,
endorsements, moderation, search entries: the FTS segments are then merged so no
deleted word stays in them), the attachments no other case names, its reply draft, and
the stored bodies of every event of the case (found by their purge tags, and by the
derived rows for a case written before purge keys): the signed headers stay, so chains
still verify. The case stays as a tombstone row (``cases.withdrawn``). The database
zeroes what it frees (``secure_delete``); the event log empties the write-ahead log
after the transaction (``purged``). An event of a withdrawn case that arrives later
loses its body on arrival. Each computer's ``case.purged`` is counted per case.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from casebook.core.ledger import case_keys, marks
from casebook.core.ledger.projector_base import ProjectorBase, as_json, ordering
from casebook.core.ledger.search_index import unindex_case, unindex_comment
from casebook.core.ledger.wire_form import wire
from casebook.core.model import payload_types as pt
from casebook.core.model import purge
from casebook.core.model.events import (
    STRIPPABLE,
    Event,
    is_open_form,
    is_stripped,
    parse_trusted,
)
from casebook.core.model.kinds import EventKind, Role
from casebook.store.database import in_list

# The reasons ``rejected`` gives for an event whose body is gone: stripped here by a
# withdrawal (or received so, and of a case withdrawn here), or received so with nothing
# here to explain it yet (its case's withdrawal may still be on its way; a hostile copy
# of a live event is another explanation: sync asks for the full event, docs/protocol.md).
STRIPPED = "its body was removed: its case was withdrawn"
BODILESS = "it arrived without its body"
_KINDS = ",".join(f"'{k}'" for k in sorted(STRIPPABLE))


def _kept_whole(stored: bytes) -> bool:
    """Whether a stored event has its body (its open form always has)."""
    return is_open_form(stored) or not is_stripped(parse_trusted(stored))


_MODERATION = ",".join(f"'{k}'" for k in sorted(STRIPPABLE - purge.CASE_KINDS))
# The kinds whose events are items other events name (an edit, a reply, a moderator's act,
# a flag: a poll answer is moderated and flagged as one).
_ITEMS = frozenset(
    {
        EventKind.CASE_CREATE,
        EventKind.COMMENT_CREATE,
        EventKind.CASE_OUTCOME,
        EventKind.POLL_CREATE,
        EventKind.POLL_ANSWER,
    }
)


class Withdrawals(ProjectorBase):
    purged = False  # set when a purge ran: the event log empties the WAL after commit

    # -- events without a body, and events of a case already withdrawn ---------------
    def stripped(self, event: Event) -> None:
        """A case's event stored without its body: never applied. Of a case withdrawn
        here, it is a purged item (what names it is stripped too); else it waits for an
        explanation (``BODILESS``). A withdrawal waiting for it (its case) can now apply."""
        if self.explained(event):
            self._purged(event)
        else:
            self.reject(event, BODILESS)
        self._release(event.id)

    def explained(self, event: Event) -> bool:
        """Whether ``event`` is one of a case withdrawn here (a purged item, or its tag
        verifies under a withdrawn case's key): its body is not kept."""
        if not self.none_purged() and self.db.scalar(
            "SELECT 1 FROM purged_items WHERE id = ?", (event.id,)
        ):
            return True
        if event.kind not in purge.TAGGED_KINDS or "w" not in event.header.pub:
            return False
        return any(
            purge.tagged(
                bytes(row["purge_key"]),
                None if event.id == bytes(row["id"]) else bytes(row["id"]),
                event.author,
                event.seq,
                event.header.pub,
            )
            for row in self.db.all(
                "SELECT id, purge_key FROM cases WHERE net = ? AND withdrawn IS NOT NULL "
                "AND purge_key IS NOT NULL",
                (event.net,),
            )
        )

    def _purged(self, event: Event) -> None:
        """``event`` (stored bodiless) is of a withdrawn case: rejected as such; a case or
        comment is a purged item, and what waited for it is stripped in turn."""
        self.reject(event, STRIPPED)
        if event.kind in _ITEMS:
            self.db.filled("purged_items")
            self.db.execute("INSERT OR IGNORE INTO purged_items (id) VALUES (?)", (event.id,))
            self._forget_sealed([event.id])
            self._release(event.id)

    def restore(self, event: Event) -> bool:
        """The full form of an event stored bodiless (a copy someone stripped although its
        case was not withdrawn, or one that arrived stripped before its case's
        withdrawal): its body is kept now, and the caller applies it (an event of a case
        withdrawn here loses it again on applying). False: nothing to restore."""
        row = self.db.one(
            "SELECT e.raw, r.reason FROM events e LEFT JOIN rejected r ON r.event_id = e.id "
            "WHERE e.id = ?",
            (event.id,),
        )
        if row is None or is_stripped(event) or _kept_whole(bytes(row["raw"])):
            return False
        if row["reason"] != BODILESS or self.explained(event):
            return False  # stripped here by a withdrawal: its body stays gone
        self.db.execute(
            "UPDATE events SET raw = ? WHERE id = ?", (event.stored or event.raw, event.id)
        )
        self.db.execute("DELETE FROM rejected WHERE event_id = ?", (event.id,))
        return True

    def _forget_sealed(self, items: list[bytes]) -> None:
        """What flags and reminders this computer opened about withdrawn items, and the
        moderators' log and decisions about them (a hide's reason may quote the item):
        also when the item itself never came here, and on a rebuild (where they were
        applied before the withdrawal came again)."""
        marks, params = in_list(items)
        for table, column in (
            ("flags", "target"),
            ("moderation", "target"),
            ("moderation_log", "target"),
            ("reminders", "case_id"),
        ):
            self.db.execute(
                f"DELETE FROM {table} WHERE {column} IN ({marks})",  # noqa: S608
                params,
            )

    def purged_item(self, event: Event, item: bytes) -> bool:
        """An event about a withdrawn case or one of its comments (``item``): stripped on
        arrival, never applied and never left waiting with its body."""
        if self.none_purged() or not self.db.scalar(
            "SELECT 1 FROM purged_items WHERE id = ?", (item,)
        ):
            return False
        self.strip_arrival(event)
        return True

    def purged_on_arrival(self, event: Event) -> bool:
        """A withdrawn case's own creation, arriving again (its body is dropped). Every
        other event about a withdrawn case or its comments names it, and is stripped where
        it is looked up (``_case_row``, ``_comment_row``, a reply's parent, moderation):
        one lookup by id, not a purge tag computed per withdrawn case."""
        return self.purged_item(event, event.id)

    def strip_arrival(self, event: Event) -> None:
        """An event of a withdrawn case: stored without its body, never applied."""
        self._strip({event.id})
        self._purged(event)

    # -- case.withdraw ----------------------------------------------------------------
    def _case_withdraw(self, event: Event, payload: pt.CaseWithdraw) -> None:
        clear = purge.withdrawal(event.header.pub)  # its shape was checked by ``apply``
        if clear.case != payload.case:
            self.reject(event, "its clear case id is not the one it withdraws")
            return
        row = self.db.one("SELECT raw FROM events WHERE id = ?", (clear.case,))
        if row is None:
            self.wait(event, clear.case)  # the case has not arrived: applied when it does
            return
        create = parse_trusted(wire(self.db, bytes(row["raw"])))
        if create.kind != EventKind.CASE_CREATE or create.net != event.net:
            self.reject(event, "it names no case of this network")
            return
        keyed = "w" in create.header.pub
        if (clear.key is None) == keyed or (
            clear.key is not None
            and not purge.tagged(clear.key, None, create.author, create.seq, create.header.pub)
        ):
            self.reject(event, "its key is not the case's purge key")
            return
        author = self.member_of(event.net, create.author)
        by_admin = self.role_at(event.net, event.author, event.seq) == Role.ADMIN
        if self.who(event) != author and not by_admin:
            self.reject(event, "only the case's author or an admin may withdraw it")
            return
        record = {
            "by": self.who(event).hex(),
            "admin": self.who(event) != author,
            "at": event.header.ts,
            "reason": payload.reason,
            "event": event.id.hex(),
            "order": ordering(event).hex(),
        }
        earlier = self.db.scalar("SELECT withdrawn FROM cases WHERE id = ?", (clear.case,))
        if earlier is not None and json.loads(earlier)["order"] <= record["order"]:
            return  # withdrawn already, by an earlier withdrawal (the record it keeps)
        self._purge(create, clear, author, event.header.ts)
        self.db.execute(
            "UPDATE cases SET withdrawn = ? WHERE id = ?", (as_json(record), clear.case)
        )
        self.forget_cases()  # the case rows remembered predate the tombstone
        self._release(marks.withdrawn(clear.case))

    def _case_purged(self, event: Event, payload: pt.CasePurged) -> None:
        withdrawn = self.db.scalar(
            "SELECT withdrawn IS NOT NULL FROM cases WHERE id = ? AND net = ?",
            (payload.case, event.net),
        )
        if not withdrawn:
            self.wait(event, marks.withdrawn(payload.case))
            return
        self.db.execute(
            "INSERT OR IGNORE INTO purge_confirmations (case_id, device, member, at) "
            "VALUES (?, ?, ?, ?)",
            (payload.case, event.author, self.who(event), event.header.ts),
        )

    # -- the purge ----------------------------------------------------------------------
    def _purge(self, create: Event, clear: purge.Withdrawal, author: bytes, at: int) -> None:
        case_id, net = clear.case, create.net
        tagged: dict[bytes, str] = {}
        if clear.key is not None:
            tagged = self._tagged(net, clear.key, case_id)
            self._strip_held(net, clear.key, case_id)
        # The items: the case, its comments (applied here, or stored bodiless).
        items = {case_id} | {i for i, kind in tagged.items() if kind in _ITEMS}
        items |= {
            bytes(r["id"])
            for r in self.db.all(
                "SELECT id FROM comments WHERE case_rid = (SELECT rid FROM cases WHERE id = ?) "
                "UNION SELECT id FROM polls WHERE case_id = ?",
                (case_id, case_id),
            )
        }
        ids = {case_id} | set(tagged) | self._about(items, net)
        hashes: set[str] = set()
        rid = self.db.scalar("SELECT rid FROM cases WHERE id = ?", (case_id,))
        if rid is not None:
            ids |= self._drop_derived(rid, case_id, hashes)
        self._tombstone(create, author, clear.key, at)
        stripped = self._strip(ids)
        places, params = in_list(list(ids))
        self.db.execute(f"DELETE FROM waiting WHERE event_id IN ({places})", params)  # noqa: S608
        self.db.executemany(
            "INSERT OR REPLACE INTO rejected (event_id, reason) VALUES (?, ?)",
            [(i, STRIPPED) for i in stripped],
        )
        self._drop_blobs(case_id, hashes)
        self.db.execute("DELETE FROM settings WHERE key = ?", (f"draft:reply:{case_id.hex()}",))
        for table in ("case_fts", "comment_fts"):  # merge away the deleted entries
            self.db.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")  # noqa: S608
        self.purged = True

    def _about(self, items: set[bytes], net: bytes) -> set[bytes]:
        """Record the case and its comments as purged items, and return the events about
        them that are no derived row's: moderators' acts (whose reasons may quote the
        case), and events waiting for one of them."""
        self.db.filled("purged_items")
        self.db.executemany(
            "INSERT OR IGNORE INTO purged_items (id) VALUES (?)", [(i,) for i in items]
        )
        self._forget_sealed(list(items))
        found: set[bytes] = set()
        for row in self.db.all(
            f"SELECT id FROM events WHERE net = ? AND kind IN ({_MODERATION})",  # noqa: S608
            (net,),
        ):
            loaded = self.load(bytes(row["id"]))
            if loaded is not None and loaded[1] is not None and loaded[1].get("target") in items:
                found.add(bytes(row["id"]))
        places, params = in_list(list(items))
        found.update(
            bytes(r["event_id"])
            for r in self.db.all(
                f"SELECT event_id FROM waiting WHERE needs IN ({places})",  # noqa: S608
                params,
            )
        )
        return found

    def _drop_derived(self, rid: int, case_id: bytes, hashes: set[str]) -> set[bytes]:
        """Delete the case's derived rows, keeping its row as the tombstone; returns the
        events they came from, and adds the attachments it named (in any revision)."""
        comments = self.db.all("SELECT rid, id FROM comments WHERE case_rid = ?", (rid,))
        targets = [case_id] + [bytes(c["id"]) for c in comments]
        places, params = in_list(targets)
        hashes.update(case_keys.attachment_hashes(self.db, case_id))
        ids = {bytes(c["id"]) for c in comments}
        ids.update(  # a poll's events (found by their tags too, unless written before keys)
            bytes(r[0])
            for r in self.db.all(
                "SELECT id FROM polls WHERE case_rid = ? UNION SELECT a.event_id FROM "
                "poll_answers a JOIN polls p ON p.id = a.poll_id WHERE p.case_rid = ?",
                (rid, rid),
            )
        )
        self.db.execute(
            "DELETE FROM poll_answers WHERE poll_id IN (SELECT id FROM polls WHERE case_rid = ?)",
            (rid,),
        )
        self.db.execute("DELETE FROM polls WHERE case_rid = ?", (rid,))
        for sql in (
            f"SELECT event_id FROM revisions WHERE target IN ({places})",  # noqa: S608
            f"SELECT event_id FROM endorsements WHERE comment_id IN ({places})",  # noqa: S608
        ):
            ids.update(bytes(r["event_id"]) for r in self.db.all(sql, params))
        unindex_case(self.db, rid)
        for comment in comments:
            unindex_comment(self.db, comment["rid"])
        for table, column in (
            ("revisions", "target"),
            ("endorsements", "comment_id"),
            ("moderation", "target"),
        ):
            self.db.execute(
                f"DELETE FROM {table} WHERE {column} IN ({places})",  # noqa: S608
                params,
            )
        self.db.execute("DELETE FROM comments WHERE case_rid = ?", (rid,))
        self.db.execute("DELETE FROM mentions WHERE case_rid = ?", (rid,))
        self.db.execute("DELETE FROM case_text WHERE rid = ?", (rid,))
        self.db.execute("DELETE FROM case_tags WHERE case_rid = ?", (rid,))
        self.db.execute("DELETE FROM case_reads WHERE case_id = ?", (case_id,))
        return ids

    def _tombstone(self, create: Event, author: bytes, key: bytes | None, at: int) -> None:
        """The case's row as its tombstone, the same whether its creation was applied here
        or arrived stripped: from its signed header, the key the withdrawal revealed and
        the withdrawal's time."""
        order = ordering(create)
        self.db.execute(
            "INSERT INTO cases (id, net, author, created_at, updated_at, activity_at, "
            "edit_order, title, specialty, tags, attachments, status, status_order, "
            "purge_key) VALUES (?, ?, ?, ?, ?, ?, ?, '', '', '[]', '[]', 'open', ?, ?) "
            "ON CONFLICT (id) DO UPDATE SET updated_at = excluded.updated_at, "
            "activity_at = excluded.activity_at, edit_order = excluded.edit_order, "
            "title = '', specialty = '', tags = '[]', attachments = '[]', status = 'open', "
            "status_order = excluded.status_order, consent = NULL, comment_count = 0, "
            "revisions = 1, hidden = 0, pinned = 0",
            (create.id, create.net, author, create.header.ts, at, at, order, order, key),
        )

    def _tagged(self, net: bytes, key: bytes, case_id: bytes) -> dict[bytes, str]:
        """The stored events whose purge tag binds them to the case, with their kinds:
        every tagged event of the network is read (one HMAC each), also those whose
        Lamport clock claims they came before the case."""
        rows = self.db.all(
            "SELECT id, author, seq, kind, tag FROM events WHERE net = ? AND length(tag) = ?",
            (net, purge.TAG_BYTES),
        )
        return {
            bytes(r["id"]): r["kind"]
            for r in rows
            if hmac.compare_digest(
                bytes(r["tag"]),
                purge.event_tag(
                    key,
                    None if bytes(r["id"]) == case_id else case_id,
                    bytes(r["author"]),
                    r["seq"],
                ),
            )
        }

    def _strip_held(self, net: bytes, key: bytes, case_id: bytes) -> None:
        for row in self.db.all("SELECT id, raw FROM held_events WHERE net = ?", (net,)):
            held = parse_trusted(bytes(row["raw"]))
            if held.kind in purge.TAGGED_KINDS and purge.tagged(
                key, case_id, held.author, held.seq, held.header.pub
            ):
                self.db.execute(
                    "UPDATE held_events SET raw = ? WHERE id = ?", (purge.strip(held.raw), held.id)
                )

    def _strip(self, ids: set[bytes]) -> set[bytes]:
        """Replace the stored events ``ids`` (of the kinds that may be) by their stripped
        form; returns those it stripped."""
        done = set()
        for event_id in ids:
            raw = self.db.scalar(
                f"SELECT raw FROM events WHERE id = ? AND kind IN ({_KINDS})",  # noqa: S608
                (event_id,),
            )
            if raw is not None:
                self.db.execute(
                    "UPDATE events SET raw = ? WHERE id = ?", (purge.strip(bytes(raw)), event_id)
                )
                done.add(event_id)
        return done

    def _drop_blobs(self, case_id: bytes, hashes: set[str]) -> None:
        """Delete the attachments of the case that no other case names."""
        for digest in hashes:
            named: Any = self.db.scalar(
                "SELECT EXISTS (SELECT 1 FROM cases WHERE id != ? AND attachments LIKE ?)",
                (case_id, f"%{digest}%"),
            )
            if not named:
                self.db.execute("DELETE FROM blobs WHERE hash = ?", (bytes.fromhex(digest),))
