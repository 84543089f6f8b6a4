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
import json
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from casebook.store.database import Database

_WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 16
SNIPPET_WORDS = 24


def _fold(word: str) -> str:
    """What the unicode61 tokenizer with remove_diacritics=2 compares: no accents, no case."""
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def terms(text: str) -> list[str]:
    """The words of user input, folded and de-duplicated, at most ``MAX_TERMS``."""
    seen: list[str] = []
    for word in _WORD.findall(unicodedata.normalize("NFC", text)):
        folded = _fold(word)
        if folded and folded not in seen:
            seen.append(folded)
    return seen[:MAX_TERMS]


def match_expression(words: list[str], prefix_last: bool = False) -> str:
    """An FTS5 query that ANDs the quoted words; the last may be a prefix (type-ahead)."""
    parts = ['"' + w.replace('"', '""') + '"' for w in words]
    if prefix_last and parts:
        parts[-1] += "*"
    return " ".join(parts)


# -- indexing -----------------------------------------------------------------------
def case_doc_id(case_rid: int) -> int:
    return case_rid * 2


def comment_doc_id(comment_rid: int) -> int:
    return comment_rid * 2 + 1


def case_text(content: dict[str, Any]) -> str:
    parts = [content.get("specialty", "")]
    parts += [value for _, value in sorted(content.get("fields", {}).items())]
    parts.append(content.get("body", ""))
    return "\n".join(p for p in parts if p)


def index_case(db: Database, case_rid: int, content: dict[str, Any]) -> None:
    doc = case_doc_id(case_rid)
    db.execute("INSERT INTO search_docs (rid, case_rid) VALUES (?, ?)", (doc, case_rid))
    db.execute(
        "INSERT INTO search_fts (rowid, title, text, tags) VALUES (?, ?, ?, ?)",
        (doc, content["title"], case_text(content), " ".join(content.get("tags", []))),
    )


def index_comment(db: Database, case_rid: int, comment_rid: int, body: str) -> None:
    doc = comment_doc_id(comment_rid)
    db.execute(
        "INSERT INTO search_docs (rid, case_rid, comment_rid) VALUES (?, ?, ?)",
        (doc, case_rid, comment_rid),
    )
    db.execute(
        "INSERT INTO search_fts (rowid, title, text, tags) VALUES (?, '', ?, '')", (doc, body)
    )


def unindex(db: Database, case_rid: int, comment_rid: int | None) -> None:
    doc = case_doc_id(case_rid) if comment_rid is None else comment_doc_id(comment_rid)
    db.execute("DELETE FROM search_fts WHERE rowid = ?", (doc,))
    db.execute("DELETE FROM search_docs WHERE rid = ?", (doc,))


# -- querying -----------------------------------------------------------------------
@dataclass
class Filters:
    net: bytes | None = None
    tag: str | None = None
    author: bytes | None = None
    status: str | None = None
    since: int | None = None  # ms since epoch, inclusive
    until: int | None = None  # ms since epoch, exclusive

    def sql(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column, value in (
            ("c.net", self.net),
            ("c.author", self.author),
            ("c.status", self.status),
        ):
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value)
        if self.since is not None:
            clauses.append("c.created_at >= ?")
            params.append(self.since)
        if self.until is not None:
            clauses.append("c.created_at < ?")
            params.append(self.until)
        if self.tag is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM case_tags t WHERE t.tag = ? AND t.case_rid = c.rid)"
            )
            params.append(self.tag)
        return (" AND ".join(clauses), params)

    @property
    def empty(self) -> bool:
        return all(v is None for v in self.__dict__.values())


@dataclass
class Hit:
    case_rid: int
    comment_rid: int | None
    rank: float
    extra: dict[str, Any] = field(default_factory=dict)


def ranked_documents(db: Database, expression: str, filters: Filters, limit: int) -> list[Hit]:
    """Best documents first; at most one hit per case (its best document)."""
    where, params = filters.sql()
    if filters.empty:
        sql = (
            "SELECT d.case_rid, d.comment_rid, f.rank FROM "
            "(SELECT rowid, rank FROM search_fts WHERE search_fts MATCH ? ORDER BY rank LIMIT ?) f "
            "JOIN search_docs d ON d.rid = f.rowid ORDER BY f.rank"
        )
        args: list[Any] = [expression, limit * 4]
    else:
        # `where` is made of fixed clauses from Filters.sql(); every value is bound.
        sql = (
            "SELECT d.case_rid, d.comment_rid, f.rank FROM search_fts f "  # noqa: S608
            "JOIN search_docs d ON d.rid = f.rowid JOIN cases c ON c.rid = d.case_rid "
            "WHERE search_fts MATCH ? AND " + where + " ORDER BY f.rank LIMIT ?"
        )
        args = [expression, *params, limit * 4]
    hits: list[Hit] = []
    seen: set[int] = set()
    for row in db.all(sql, args):
        if row[0] in seen:
            continue
        seen.add(row[0])
        hits.append(Hit(row[0], row[1], row[2]))
        if len(hits) == limit:
            break
    return hits


def snippet(
    text: str, words: list[str], prefix_last: bool = False, size: int = SNIPPET_WORDS
) -> str:
    """HTML-escaped excerpt of ``text`` around the densest run of matches, in ``<mark>``."""
    tokens = list(_WORD.finditer(text))
    if not tokens:
        return ""

    def matches(token: str) -> str | None:
        folded = _fold(token)
        for i, w in enumerate(words):
            if folded == w or (prefix_last and i == len(words) - 1 and folded.startswith(w)):
                return w
        return None

    hits = [matches(t.group()) for t in tokens]
    best_start, best_score = 0, -1
    for start in range(0, max(1, len(tokens) - size + 1)):
        window = {h for h in hits[start : start + size] if h}
        if len(window) > best_score:
            best_start, best_score = start, len(window)
            if best_score == len(words):
                break
    lo = max(0, best_start - 2) if best_start else 0
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


def document_text(db: Database, hit: Hit) -> str:
    if hit.comment_rid is not None:
        return str(db.scalar("SELECT body FROM comments WHERE rid = ?", (hit.comment_rid,)) or "")
    row = db.one("SELECT title, specialty, fields, body FROM cases WHERE rid = ?", (hit.case_rid,))
    if row is None:
        return ""
    content = {
        "specialty": row["specialty"],
        "fields": json.loads(row["fields"]),
        "body": row["body"],
    }
    return case_text(content)
