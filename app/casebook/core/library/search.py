"""Full-text search over the encrypted library (SQLite FTS5 inside SQLCipher).

Each case and each comment is one document; ranking is bm25 with the title weighted
above tags and text. User text never reaches FTS5 syntax: it is split into the same
words the tokenizer makes and each word is double-quoted, so ``"``, ``-``, ``NEAR``,
``:``, ``*`` or ``(`` are just characters. Snippets are cut in Python from the stored
text of the few results shown (the index keeps no positions, which makes it smaller
and ranked queries faster; see bench/).
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from casebook.core.ledger.kept_text import DAMAGED
from casebook.core.ledger.search_index import (
    WORD,
    case_text,
    fold,
    stored_case,
    stored_comment,
    terms,
)
from casebook.store.database import Database

__all__ = [
    "COMMON",
    "WINDOW",
    "Filters",
    "Hit",
    "document_text",
    "match_expression",
    "ranked_documents",
    "snippet",
    "terms",
    "too_common",
]

SNIPPET_WORDS = 24


def match_expression(words: list[str], prefix_last: bool = False) -> str:
    """An FTS5 query that ANDs the quoted words; the last may be a prefix (type-ahead)."""
    parts = ['"' + w.replace('"', '""') + '"' for w in words]
    if prefix_last and parts:
        parts[-1] += "*"
    return " ".join(parts)


CASE_WEIGHTS = "10.0, 1.0, 4.0"  # title, text, tags
# Ranking costs about a microsecond per matching document. When even the rarest word of
# a query is in more than COMMON documents, it says little about relevance, so we rank
# the newest WINDOW matches instead of all of them (documented in docs/protocol.md).
COMMON = 30_000
WINDOW = 20_000


@dataclass
class Filters:
    net: bytes | None = None
    tag: str | None = None
    author: bytes | None = None
    status: str | None = None
    since: int | None = None  # ms since epoch, inclusive
    until: int | None = None  # ms since epoch, exclusive
    hidden: bool = False  # include items a moderator hid (admins reviewing them)
    # A member's key: the cases awaiting their reply (docs/protocol.md, "Mentions"): they
    # wrote or discussed it and the newest comment is someone else's; or it mentions them
    # and they have not commented since; or it has a poll someone else asked that they
    # have neither answered nor skipped; or its author asks for a second opinion and they
    # have not commented. A comment a moderator hid neither awaits a reply nor mentions
    # anyone.
    awaiting: bytes | None = None
    # ms since epoch: cases created by then on which nobody but their author commented.
    unanswered_by: int | None = None
    opinion: bool = False  # only cases whose author asks for a second opinion

    def sql(self, case: str = "c") -> tuple[str, list[Any]]:
        """A WHERE clause over the cases table aliased ``case``; values are bound."""
        clauses: list[str] = [] if self.hidden else [f"{case}.hidden = 0"]
        params: list[Any] = []
        for column, value in (("net", self.net), ("author", self.author), ("status", self.status)):
            if value is not None:
                clauses.append(f"{case}.{column} = ?")
                params.append(value)
        if self.since is not None:
            clauses.append(f"{case}.created_at >= ?")
            params.append(self.since)
        if self.until is not None:
            clauses.append(f"{case}.created_at < ?")
            params.append(self.until)
        if self.awaiting is not None:
            clauses.append(
                f"(({case}.rid IN (SELECT m.case_rid FROM comments m WHERE m.author = ? UNION "
                "SELECT k.rid FROM cases k WHERE k.author = ?) AND coalesce((SELECT z.author "
                f"FROM comments z WHERE z.case_rid = {case}.rid AND z.hidden = 0 ORDER BY "
                "z.created_order DESC LIMIT 1), ?) != ?) OR EXISTS (SELECT 1 FROM mentions n "
                f"WHERE n.member = ? AND n.case_rid = {case}.rid AND NOT EXISTS (SELECT 1 FROM "
                "comments h WHERE h.id = n.event_id AND h.hidden = 1) AND NOT EXISTS (SELECT 1 "
                "FROM comments y WHERE y.case_rid = n.case_rid AND y.author = ? AND "
                "y.created_at >= n.at)) OR "
                f"EXISTS (SELECT 1 FROM polls p WHERE p.case_rid = {case}.rid AND p.author != ? "
                "AND NOT EXISTS (SELECT 1 FROM poll_answers a WHERE a.poll_id = p.id AND "
                f"a.member = ?)) OR ({case}.opinion != 'none' AND {case}.author != ? AND NOT "
                f"EXISTS (SELECT 1 FROM comments q WHERE q.case_rid = {case}.rid AND "
                "q.author = ?)))"
            )
            params.extend([self.awaiting] * 10)
        if self.opinion:
            clauses.append(f"{case}.opinion != 'none'")
        if self.unanswered_by is not None:
            clauses.append(
                f"{case}.created_at <= ? AND NOT EXISTS (SELECT 1 FROM comments u WHERE "
                f"u.case_rid = {case}.rid AND u.author != {case}.author)"
            )
            params.append(self.unanswered_by)
        if self.tag is not None:
            clauses.append(
                f"EXISTS (SELECT 1 FROM case_tags t WHERE t.tag = ? AND t.case_rid = {case}.rid)"
            )
            params.append(self.tag)
        return (" AND ".join(clauses), params)

    @property
    def empty(self) -> bool:
        # Hidden items are taken out of the search index, so "hidden" needs no filter there.
        return all(v is None or v is False for k, v in self.__dict__.items() if k != "hidden")


@dataclass
class Hit:
    case_rid: int
    comment_rid: int | None
    rank: float
    extra: dict[str, Any] = field(default_factory=dict)


# The index each vocabulary table counts.
INDEX_OF = {"case_vocab": "case_fts", "comment_vocab": "comment_fts"}


def too_common(db: Database, vocab: str, words: list[str], prefix_last: bool) -> bool:
    """True when every word of the query is in more than ``COMMON`` documents.

    A whole word's documents are counted in its index up to ``COMMON + 1`` and no
    further (the vocabulary table reads the word's whole list to count it: 127 ms for a
    word in 951,000 cases, against 3 ms; docs/benchmarks.md, tenth step). A prefix's are
    summed over the words it completes, from the vocabulary table."""
    if not words:
        return False
    for i, word in enumerate(words):
        if prefix_last and i == len(words) - 1:
            count = db.scalar(
                f"SELECT sum(doc) FROM {vocab} WHERE term >= ? AND term < ?",
                (word, word + "\uffff"),
            )
        else:
            index = INDEX_OF[vocab]
            count = db.scalar(
                f"SELECT count(*) FROM (SELECT 1 FROM {index} WHERE {index} MATCH ? "
                "ORDER BY rowid DESC LIMIT ?)",  # the newest: the pages a window ranks
                (match_expression([word]), COMMON + 1),
            )
        if (count or 0) <= COMMON:
            return False
    return True


def _top(table: str, rank: str, common: bool) -> tuple[str, list[Any]]:
    """SQL for the best ``(rowid, score)`` of one index, and the arguments after MATCH's.

    For very common words only the newest ``WINDOW`` matches are scored.
    """
    if common:
        sql = (
            f"SELECT rowid, score FROM (SELECT rowid, {rank} AS score FROM {table} "
            f"WHERE {table} MATCH ? ORDER BY rowid DESC LIMIT ?) ORDER BY score LIMIT ?"
        )
        return sql, [WINDOW]
    return (
        f"SELECT rowid, {rank} AS score FROM {table} WHERE {table} MATCH ? ORDER BY score LIMIT ?",
        [],
    )


def _case_hits(
    db: Database, expression: str, filters: Filters, limit: int, common: bool
) -> list[Hit]:
    rank = f"bm25(case_fts, {CASE_WEIGHTS})"
    if filters.empty:
        sql, extra = _top("case_fts", rank, common)
        args = [expression, *extra, limit]
    else:
        # CROSS JOIN keeps the FTS match driving the plan; `where` is fixed clauses only.
        where, params = filters.sql()
        sql = (
            f"SELECT f.rowid, {rank} FROM case_fts f CROSS JOIN cases c ON c.rid = f.rowid "
            "WHERE case_fts MATCH ? AND " + where + " ORDER BY 2 LIMIT ?"
        )
        args = [expression, *params, limit]
    return [Hit(r[0], None, r[1]) for r in db.all(sql, args)]


def _comment_hits(
    db: Database, expression: str, filters: Filters, limit: int, common: bool
) -> list[Hit]:
    if filters.empty:
        # Rank inside the index first; only the few winners are joined to their rows.
        top, extra = _top("comment_fts", "bm25(comment_fts)", common)
        sql = (
            f"SELECT m.case_rid, f.rowid, f.score FROM ({top}) f "
            "JOIN comments m ON m.rid = f.rowid ORDER BY f.score"
        )
        args = [expression, *extra, limit]
    else:
        where, params = filters.sql()
        sql = (
            "SELECT m.case_rid, f.rowid, bm25(comment_fts) FROM comment_fts f "
            "CROSS JOIN comments m ON m.rid = f.rowid CROSS JOIN cases c ON c.rid = m.case_rid "
            "WHERE comment_fts MATCH ? AND " + where + " ORDER BY 3 LIMIT ?"
        )
        args = [expression, *params, limit]
    return [Hit(r[0], r[1], r[2]) for r in db.all(sql, args)]


def ranked_documents(
    db: Database,
    words: list[str],
    filters: Filters,
    limit: int,
    prefix_last: bool = False,
    offset: int = 0,
) -> list[Hit]:
    """Best documents first, at most one per case: its best case or comment match;
    ``limit`` of them after skipping the best ``offset`` (the next page).

    Cases and comments are ranked in their own indexes and merged by bm25 score.
    """
    shown, limit = limit, limit + offset
    expression = match_expression(words, prefix_last)
    case_common = too_common(db, "case_vocab", words, prefix_last)
    comment_common = too_common(db, "comment_vocab", words, prefix_last)
    case_hits = _case_hits(db, expression, filters, limit, case_common)
    # One busy case can own many of the best comments: widen until `limit` distinct cases
    # are found or the matches run out.
    fetch = limit * 2
    while True:
        comment_hits = _comment_hits(db, expression, filters, fetch, comment_common)
        distinct = {h.case_rid for h in comment_hits}
        if len(distinct) >= limit or len(comment_hits) < fetch or fetch >= limit * 64:
            break
        fetch *= 4
    out: list[Hit] = []
    seen: set[int] = set()
    for hit in sorted(case_hits + comment_hits, key=lambda h: h.rank):
        if hit.case_rid not in seen:
            seen.add(hit.case_rid)
            out.append(hit)
            if len(out) == limit:
                break
    return out[offset : offset + shown]


def count_matching(db: Database, words: list[str], filters: Filters, prefix_last: bool) -> int:
    """How many cases match (their text or a comment's), whatever a page shows."""
    expression = match_expression(words, prefix_last)
    where, params = filters.sql()
    where = where or "1"
    sql = (
        "SELECT count(*) FROM ("
        "SELECT f.rowid FROM case_fts f CROSS JOIN cases c ON c.rid = f.rowid "
        "WHERE case_fts MATCH ? AND " + where + " UNION "
        "SELECT m.case_rid FROM comment_fts f CROSS JOIN comments m ON m.rid = f.rowid "
        "CROSS JOIN cases c ON c.rid = m.case_rid WHERE comment_fts MATCH ? AND " + where + ")"
    )
    return int(db.scalar(sql, [expression, *params, expression, *params]) or 0)


def snippet(
    text: str, words: list[str], prefix_last: bool = False, size: int = SNIPPET_WORDS
) -> str:
    """HTML-escaped excerpt of ``text`` around the densest run of matches, in ``<mark>``."""
    tokens = list(WORD.finditer(text))
    if not tokens:
        return ""

    seen: dict[str, str | None] = {}

    def matches(token: str) -> str | None:
        if token in seen:  # texts repeat their words: each is folded once
            return seen[token]
        folded = fold(token)
        found = None
        for i, w in enumerate(words):
            if folded == w or (prefix_last and i == len(words) - 1 and folded.startswith(w)):
                found = w
                break
        seen[token] = found
        return found

    hits = [matches(t.group()) for t in tokens]
    lo = _shown_from(hits, _densest(hits, size, len(words)), size)
    hi = min(len(tokens), lo + size)
    begin = tokens[lo].start()
    end = tokens[hi - 1].end() if hi < len(tokens) else len(text.rstrip())
    out = ["…" if begin > 0 else ""]
    pos = begin
    for token, hit in zip(tokens[lo:hi], hits[lo:hi], strict=True):
        out.append(html.escape(" ".join(text[pos : token.start()].split(" ")).replace("\n", " ")))
        word = html.escape(token.group())
        out.append(f"<mark>{word}</mark>" if hit else word)
        pos = token.end()
    out.append("…" if end < len(text) else "")
    return "".join(out)


def _densest(hits: list[str | None], size: int, wanted: int) -> int:
    """Where the first window of ``size`` tokens with the most distinct query words
    starts (stopping at one with all ``wanted``); the window slides by one token, its
    words counted as they enter and leave."""
    counts: dict[str, int] = {}
    for hit in hits[:size]:
        if hit:
            counts[hit] = counts.get(hit, 0) + 1
    best_start, best_score = 0, len(counts)
    if best_score == wanted:
        return best_start
    for start in range(1, max(1, len(hits) - size + 1)):
        leaving, entering = hits[start - 1], hits[start + size - 1]
        if leaving:
            counts[leaving] -= 1
            if not counts[leaving]:
                del counts[leaving]
        if entering:
            counts[entering] = counts.get(entering, 0) + 1
        if len(counts) > best_score:
            best_start, best_score = start, len(counts)
            if best_score == wanted:
                break
    return best_start


def _shown_from(hits: list[str | None], start: int, size: int) -> int:
    """Where the excerpt of the window at ``start`` begins: the text's start for the
    first window, else two words before the window's first match, so far as its last
    match stays in (the densest window found first ends on a match)."""
    inside = [i for i in range(start, min(len(hits), start + size)) if hits[i]]
    if not start or not inside:
        return 0 if not start else max(0, start - 2)
    return max(start, inside[0] - 2)


def document_text(db: Database, hit: Hit) -> str:
    """The text a hit's snippet is cut from (a damaged one has none: the hit is still
    listed, its snippet from its title; opening it says what is wrong)."""
    try:
        if hit.comment_rid is not None:
            return stored_comment(db, hit.comment_rid)
        content = stored_case(db, hit.case_rid)
    except DAMAGED:
        return ""
    return "" if content is None else case_text(content)
