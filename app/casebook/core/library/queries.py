"""Reading the library: case lists (paged), a case with its discussion, search.

Results are plain dataclasses with ``to_json()``; the CLI prints them and the GUI's item
models wrap them. Lists are paged with ``limit``/``offset`` so nothing loads every case.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from casebook.core.ledger import kept_text
from casebook.core.library import search as fts
from casebook.core.library.search import Filters
from casebook.core.model.fingerprint import fingerprint
from casebook.store.database import Database, Row, in_list

SORTS = {
    "activity": "c.activity_at DESC, c.rid DESC",
    "newest": "c.created_at DESC, c.rid DESC",
    "oldest": "c.created_at ASC, c.rid ASC",
    "title": "c.title COLLATE NOCASE ASC, c.rid ASC",
    "replies": "c.comment_count DESC, c.activity_at DESC",
}


def iso(ms: int) -> str:
    try:
        return datetime.fromtimestamp(ms / 1000, tz=UTC).isoformat(timespec="seconds")
    except (ValueError, OverflowError, OSError):
        return "9999-12-31T23:59:59+00:00"


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


# What members read in place of an item held for a moderator's look (docs/protocol.md,
# "Flags"); the window shows it translated.
HELD = "Held for a moderator's look after members flagged it."


@dataclass
class CaseSummary:
    id: bytes
    net: bytes
    title: str
    specialty: str
    author: str
    author_name: str
    created_at: int
    activity_at: int
    status: str
    tags: list[str]
    comments: int
    hidden: bool = False
    pinned: bool = False
    unread: bool = False  # there is activity this person has not opened yet
    preview: str = ""  # the start of the case's text, one line (in lists)
    # A withdrawn case's tombstone: {by, by_name, admin, at, reason} (None: not withdrawn).
    withdrawn: dict[str, Any] | None = None
    opinion: str = "none"  # its author asks for a second opinion: "requested", "urgent"

    def to_json(self) -> dict[str, Any]:
        data = _jsonable(asdict(self))
        data["created"] = iso(self.created_at)
        data["activity"] = iso(self.activity_at)
        if self.withdrawn is not None:
            data["withdrawn"] = {**self.withdrawn, "at": iso(self.withdrawn["at"])}
        return data


@dataclass
class Comment:
    id: bytes
    parent: bytes | None
    kind: str
    author: str
    author_name: str
    created_at: int
    updated_at: int
    body: str
    endorsements: int
    revisions: int
    depth: int = 0
    hidden: bool = False
    hidden_reason: str | None = None
    # Why its text cannot be shown (a damaged stored text), in one line; its case still
    # opens and the rest of its discussion reads.
    damaged: str | None = None

    def to_json(self) -> dict[str, Any]:
        data = _jsonable(asdict(self))
        data["created"] = iso(self.created_at)
        return data


@dataclass
class CaseDetail:
    summary: CaseSummary
    fields: dict[str, str]
    body: str
    attachments: list[dict[str, Any]]
    updated_at: int
    revisions: list[dict[str, Any]]
    discussion: list[Comment] = field(default_factory=list)
    hidden_reason: str | None = None
    consent: dict[str, Any] | None = None  # the case's record (core.model.consent, JSON)
    # A withdrawn case: how many computers (of how many members) have confirmed the purge.
    purged_on: dict[str, int] | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            **self.summary.to_json(),
            "purged_on": self.purged_on,
            "fields": self.fields,
            "body": self.body,
            "consent": self.consent,
            "attachments": self.attachments,
            "updated": iso(self.updated_at),
            "hidden_reason": self.hidden_reason,
            "revisions": self.revisions,
            "discussion": [c.to_json() for c in self.discussion],
        }


@dataclass
class SearchResult:
    case: CaseSummary
    snippet: str
    matched: str
    comment_id: bytes | None
    rank: float

    def to_json(self) -> dict[str, Any]:
        return {
            **self.case.to_json(),
            "snippet": self.snippet,
            "matched": self.matched,
            "comment_id": None if self.comment_id is None else self.comment_id.hex(),
            "rank": self.rank,
        }


MIN_PREFIX = 2


HEAD_CHARS = 400  # of a case's text, for its preview line


def _head(row: Row) -> str:
    """The start of a case's text for its preview line: the template's first field,
    else the body. A damaged text has none (the list still shows; opening the case says
    what is wrong)."""
    try:
        fields, body = kept_text.case_text(row)
    except kept_text.DAMAGED:
        return ""
    return (str(fields.get("presentation") or "") or body)[:HEAD_CHARS]


def _preview(head: str | None) -> str:
    """One line of plain words from the start of Markdown text."""
    for line in (head or "").splitlines():
        words = " ".join(line.strip().lstrip("#>*-+ ").split())
        if words:
            return words[:200]
    return ""


class Queries:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._names: dict[tuple[bytes, bytes], str] = {}

    def author_name(self, net: bytes, key: bytes) -> str:
        cached = self._names.get((net, key))
        if cached is None:
            name = self.db.scalar("SELECT name FROM authors WHERE net = ? AND key = ?", (net, key))
            cached = name or "member " + fingerprint(key)[:7]
            self._names[(net, key)] = cached
        return cached

    def _summary(self, row: Row) -> CaseSummary:
        net, author = bytes(row["net"]), bytes(row["author"])
        return CaseSummary(
            id=bytes(row["id"]),
            net=net,
            title=row["title"],
            specialty=row["specialty"],
            author=fingerprint(author),
            author_name=self.author_name(net, author),
            created_at=row["created_at"],
            activity_at=row["activity_at"],
            status=row["status"],
            tags=json.loads(row["tags"]),
            comments=row["comment_count"],
            hidden=bool(row["hidden"]),
            pinned=bool(row["pinned"]),
            unread=row["seen"] is None or row["seen"] < row["activity_at"],
            withdrawn=self._withdrawn(net, row["withdrawn"]),
            opinion=row["opinion"],
        )

    def _withdrawn(self, net: bytes, record: str | None) -> dict[str, Any] | None:
        if record is None:
            return None
        data = json.loads(record)
        by = bytes.fromhex(data["by"])
        return {
            "by": fingerprint(by),
            "by_name": self.author_name(net, by),
            "admin": data["admin"],
            "at": data["at"],
            "reason": data["reason"],
        }

    # -- reading ----------------------------------------------------------------------
    def mark_read(self, case_id: bytes) -> None:
        """This person has seen the case as it is now (local state, never sent)."""
        with self.db.transaction():
            self.db.execute(
                "INSERT INTO case_reads (case_id, seen) SELECT id, activity_at FROM cases "
                "WHERE id = ? ON CONFLICT (case_id) DO UPDATE SET seen = excluded.seen",
                (case_id,),
            )

    # -- networks -------------------------------------------------------------------
    def networks(self, only: bytes | None = None) -> list[dict[str, Any]]:
        """Every network (or just ``only``), with its case count."""
        rows = self.db.all(
            "SELECT n.id, n.name, n.founder, n.created_at, "
            "(SELECT count(*) FROM cases c WHERE c.net = n.id) AS cases "
            "FROM networks n WHERE ? IS NULL OR n.id = ? ORDER BY n.name COLLATE NOCASE",
            (only, only),
        )
        return [
            {
                "id": bytes(r["id"]).hex(),
                "name": r["name"],
                "founder": fingerprint(bytes(r["founder"])),
                "created": iso(r["created_at"]),
                "cases": r["cases"],
            }
            for r in rows
        ]

    def unread_by_network(self) -> dict[str, int]:
        """Per network (hex id): cases with activity this reader has not opened yet."""
        rows = self.db.all(
            "SELECT c.net, count(*) AS n FROM cases c "
            "LEFT JOIN case_reads r ON r.case_id = c.id "
            "WHERE c.hidden = 0 AND (r.seen IS NULL OR r.seen < c.activity_at) GROUP BY c.net"
        )
        return {bytes(r["net"]).hex(): int(r["n"]) for r in rows}

    def tag_counts(self, net: bytes) -> list[tuple[str, int, int]]:
        """``net``'s tags, most used first, each with its cases and how many of them have
        activity this reader has not opened yet (one pass over the network's tags)."""
        rows = self.db.all(
            "SELECT t.tag, count(*) AS n, "
            "sum(c.hidden = 0 AND (r.seen IS NULL OR r.seen < c.activity_at)) AS unread "
            "FROM case_tags t JOIN cases c ON c.rid = t.case_rid "
            "LEFT JOIN case_reads r ON r.case_id = c.id WHERE c.net = ? "
            "GROUP BY t.tag ORDER BY n DESC, t.tag",
            (net,),
        )
        return [(r["tag"], int(r["n"]), int(r["unread"] or 0)) for r in rows]

    # -- lists ----------------------------------------------------------------------
    def list_cases(
        self, filters: Filters, sort: str = "activity", limit: int = 50, offset: int = 0
    ) -> list[CaseSummary]:
        where, params = filters.sql()
        order = SORTS[sort]
        sql = f"SELECT c.*, r.seen FROM cases c LEFT JOIN case_reads r ON r.case_id = c.id {'WHERE ' + where if where else ''} ORDER BY {order} LIMIT ? OFFSET ?"  # noqa: S608,E501
        rows = self.db.all(sql, [*params, limit, offset])
        heads = self._heads([int(r["rid"]) for r in rows])
        return [replace(self._summary(r), preview=heads.get(int(r["rid"]), "")) for r in rows]

    def _heads(self, rids: list[int]) -> dict[int, str]:
        """Preview lines of the cases ``rids`` (one page: read after the page is chosen,
        so a sort over every case never reads their text)."""
        if not rids:
            return {}
        marks, params = in_list(rids)
        sql = (
            f"SELECT c.rid, {kept_text.COLUMNS} FROM cases c {kept_text.JOIN} "  # noqa: S608
            f"WHERE c.rid IN ({marks})"
        )
        return {int(r["rid"]): _preview(_head(r)) for r in self.db.all(sql, params)}

    def count_cases(self, filters: Filters) -> int:
        where, params = filters.sql()
        sql = f"SELECT count(*) FROM cases c {'WHERE ' + where if where else ''}"  # noqa: S608
        return int(self.db.scalar(sql, params))

    def tags(self, net: bytes | None = None) -> list[tuple[str, int]]:
        if net is None:
            rows = self.db.all(
                "SELECT tag, count(*) n FROM case_tags GROUP BY tag ORDER BY n DESC, tag"
            )
        else:
            rows = self.db.all(
                "SELECT t.tag, count(*) n FROM case_tags t JOIN cases c ON c.rid = t.case_rid "
                "WHERE c.net = ? GROUP BY t.tag ORDER BY n DESC, t.tag",
                (net,),
            )
        return [(r["tag"], r["n"]) for r in rows]

    # -- one case -------------------------------------------------------------------
    def moderation(self, target: bytes) -> str | None:
        """Why a moderator hid an item, or that it is held for a moderator's look (None
        when it is neither)."""
        row = self.db.one("SELECT hidden, reason, held FROM moderation WHERE target = ?", (target,))
        if row is None:
            return None
        if row["hidden"]:
            return row["reason"]
        return HELD if row["held"] else None

    def pinned(self, net: bytes) -> list[CaseSummary]:
        rows = self.db.all(
            "SELECT c.*, r.seen FROM cases c LEFT JOIN case_reads r ON r.case_id = c.id "
            "WHERE net = ? AND pinned = 1 AND hidden = 0 "
            "ORDER BY activity_at DESC LIMIT 50",
            (net,),
        )
        return [self._summary(r) for r in rows]

    def case(self, case_id: bytes, include_hidden: bool = False) -> CaseDetail | None:
        """A case with its discussion. A hidden case is None unless ``include_hidden``;
        hidden comments keep their place in the thread with their text withheld."""
        row = self.db.one(
            f"SELECT c.*, {kept_text.COLUMNS}, r.seen FROM cases c {kept_text.JOIN} "  # noqa: S608
            "LEFT JOIN case_reads r ON r.case_id = c.id WHERE c.id = ?",
            (case_id,),
        )
        if row is None or (row["hidden"] and not include_hidden):
            return None
        net = bytes(row["net"])
        revisions = [
            {
                "event": bytes(r["event_id"]).hex(),
                "at": iso(r["at"]),
                "changes": json.loads(r["content"]),
            }
            for r in self.db.all(
                "SELECT event_id, at, content FROM revisions WHERE target = ? ORDER BY ordering",
                (case_id,),
            )
        ]
        purged = None
        if row["withdrawn"] is not None:
            counts = self.db.row(
                "SELECT count(*) AS computers, count(DISTINCT member) AS members "
                "FROM purge_confirmations WHERE case_id = ?",
                (case_id,),
            )
            purged = {"computers": counts["computers"], "members": counts["members"]}
        fields, body = kept_text.case_text(row)
        return CaseDetail(
            summary=self._summary(row),
            fields=fields,
            body=body,
            attachments=json.loads(row["attachments"]),
            updated_at=row["updated_at"],
            revisions=revisions,
            discussion=self.discussion(case_id, net, include_hidden),
            hidden_reason=self.moderation(case_id) if row["hidden"] else None,
            consent=json.loads(row["consent"]) if row["consent"] else None,
            purged_on=purged,
        )

    def unsent(self, case_id: bytes, chain: bytes) -> frozenset[bytes]:
        """The comments on ``case_id`` that ``chain`` (this computer) wrote and no relay or
        colleague has acknowledged yet (``delivered``, kept by sync)."""
        rows = self.db.all(
            "SELECT c.id FROM comments c JOIN events e ON e.id = c.id "
            "LEFT JOIN delivered d ON d.net = e.net "
            "WHERE c.case_rid = (SELECT rid FROM cases WHERE id = ?) AND e.author = ? "
            "AND e.seq > coalesce(d.seq, 0)",
            (case_id, chain),
        )
        return frozenset(bytes(r["id"]) for r in rows)

    def discussion(self, case_id: bytes, net: bytes, include_hidden: bool = False) -> list[Comment]:
        """Comments in thread order: each reply after its parent, siblings in causal order
        (Lamport clock, then id), depth-annotated. Iterative, so no depth can break it."""
        rows = self.db.all(
            f"SELECT m.*, {kept_text.COMMENT_COLUMNS} FROM comments m "  # noqa: S608
            "WHERE m.case_rid = (SELECT rid FROM cases WHERE id = ?) ORDER BY m.created_order",
            (case_id,),
        )
        children: dict[bytes | None, list[Row]] = {}
        for r in rows:
            parent = None if r["parent_id"] is None else bytes(r["parent_id"])
            children.setdefault(parent, []).append(r)
        out: list[Comment] = []
        stack: list[tuple[Row, int]] = [(r, 0) for r in reversed(children.get(None, []))]
        while stack:
            r, depth = stack.pop()
            author = bytes(r["author"])
            withheld = bool(r["hidden"]) and not include_hidden
            body, damaged = ("", None) if withheld else kept_text.readable_body(r)
            out.append(
                Comment(
                    id=bytes(r["id"]),
                    parent=None if r["parent_id"] is None else bytes(r["parent_id"]),
                    kind=r["kind"],
                    author=fingerprint(author),
                    author_name=self.author_name(net, author),
                    created_at=r["created_at"],
                    updated_at=r["updated_at"],
                    body=body,
                    endorsements=r["endorsements"],
                    revisions=r["revisions"],
                    depth=depth,
                    hidden=bool(r["hidden"]),
                    hidden_reason=self.moderation(bytes(r["id"])) if r["hidden"] else None,
                    damaged=damaged,
                )
            )
            stack.extend((c, depth + 1) for c in reversed(children.get(bytes(r["id"]), [])))
        return out

    def count_matches(self, text: str, filters: Filters, prefix: bool = False) -> int:
        """How many cases ``search`` finds in all (its pages together)."""
        words = fts.terms(text)
        if not words:
            return 0
        prefix = prefix and len(words[-1]) >= MIN_PREFIX
        return fts.count_matching(self.db, words, filters, prefix)

    def endorsed_by(self, case_id: bytes, member: bytes) -> frozenset[bytes]:
        """The comments of ``case_id`` that ``member`` has endorsed."""
        rows = self.db.all(
            "SELECT e.comment_id FROM endorsements e JOIN comments c ON c.id = e.comment_id "
            "WHERE c.case_rid = (SELECT rid FROM cases WHERE id = ?) AND e.author = ?",
            (case_id, member),
        )
        return frozenset(bytes(r["comment_id"]) for r in rows)

    # -- search ---------------------------------------------------------------------
    def search(
        self, text: str, filters: Filters, limit: int = 20, prefix: bool = False, offset: int = 0
    ) -> list[SearchResult]:
        words = fts.terms(text)
        if not words:
            return []
        # Type-ahead completes a word from its second letter: a one-letter prefix matches
        # most of a large library and costs up to a second, for results nobody reads.
        prefix = prefix and len(words[-1]) >= MIN_PREFIX
        hits = fts.ranked_documents(
            self.db, words, filters, limit, prefix_last=prefix, offset=offset
        )
        results = []
        for hit in hits:
            row = self.db.one(
                "SELECT c.*, r.seen FROM cases c LEFT JOIN case_reads r ON r.case_id = c.id "
                "WHERE c.rid = ?",
                (hit.case_rid,),
            )
            if row is None or (row["hidden"] and not filters.hidden):
                continue
            comment_id = None
            if hit.comment_rid is not None:
                comment_id = bytes(
                    self.db.scalar("SELECT id FROM comments WHERE rid = ?", (hit.comment_rid,))
                )
            text_body = fts.document_text(self.db, hit)
            snippet = fts.snippet(text_body, words, prefix_last=prefix)
            if not snippet or "<mark>" not in snippet:
                snippet = fts.snippet(row["title"], words, prefix_last=prefix) or snippet
            results.append(
                SearchResult(
                    case=self._summary(row),
                    snippet=snippet,
                    matched="comment" if comment_id else "case",
                    comment_id=comment_id,
                    rank=hit.rank,
                )
            )
        return results
