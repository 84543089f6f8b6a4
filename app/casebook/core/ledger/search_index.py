"""The full-text index of the library, kept by the projection (SQLite FTS5 in SQLCipher).

Two contentless FTS5 tables with full detail (bm25 needs it): one row per case (rowid =
case rid) and one per comment (rowid = comment rid). Keeping the 300-byte comments out of
the 2 KB case index halves the cost of ranking common words (see bench/). :func:`terms`
splits text into the words the tokenizer makes; :mod:`casebook.core.library.search`
queries the index with them.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from casebook.core.ledger import kept_text
from casebook.store.database import Database

WORD = re.compile(r"[^\W_]+")
MAX_TERMS = 16


def fold(word: str) -> str:
    """What the unicode61 tokenizer with remove_diacritics=2 compares: accents removed and
    lower case, but no compatibility mapping or full case folding (ß stays ß)."""
    if word.isascii():  # nothing to decompose or recompose: the same result, at once
        return word.lower()
    decomposed = unicodedata.normalize("NFD", word)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    ).lower()


def terms(text: str) -> list[str]:
    """The words of user input, folded and de-duplicated, at most ``MAX_TERMS``."""
    seen: list[str] = []
    for word in WORD.findall(unicodedata.normalize("NFC", text)):
        folded = fold(word)
        if folded and folded not in seen:
            seen.append(folded)
    return seen[:MAX_TERMS]


def case_text(content: dict[str, Any]) -> str:
    parts = [content.get("specialty", "")]
    parts += [value for _, value in sorted(content.get("fields", {}).items())]
    parts.append(content.get("body", ""))
    return "\n".join(p for p in parts if p)


def stored_case(db: Database, case_rid: int) -> dict[str, Any] | None:
    """A case's content as its derived rows hold it (the text unpacked): what its index
    row and its search snippets are made of; None without its text row."""
    row = db.one(
        f"SELECT c.title, c.specialty, c.tags, {kept_text.COLUMNS} FROM cases c "  # noqa: S608
        f"{kept_text.JOIN} WHERE c.rid = ?",
        (case_rid,),
    )
    if row is None or (row["text_rid"] is None and row["kept"] is None):
        return None
    fields, body = kept_text.case_text(row)
    return {
        "title": row["title"],
        "specialty": row["specialty"],
        "tags": json.loads(row["tags"]),
        "fields": fields,
        "body": body,
    }


def stored_comment(db: Database, comment_rid: int) -> str:
    """A comment's body as its derived row holds it, unpacked."""
    row = db.one(
        f"SELECT {kept_text.COMMENT_COLUMNS} FROM comments m WHERE m.rid = ?",  # noqa: S608
        (comment_rid,),
    )
    return "" if row is None else kept_text.comment_body(row)


def index_case(db: Database, case_rid: int, content: dict[str, Any]) -> None:
    db.execute(
        "INSERT INTO case_fts (rowid, title, text, tags) VALUES (?, ?, ?, ?)",
        (case_rid, content["title"], case_text(content), " ".join(content.get("tags", []))),
    )


def index_comment(db: Database, comment_rid: int, body: str) -> None:
    db.execute("INSERT INTO comment_fts (rowid, body) VALUES (?, ?)", (comment_rid, body))


def unindex_case(db: Database, case_rid: int) -> None:
    db.execute("DELETE FROM case_fts WHERE rowid = ?", (case_rid,))


def unindex_comment(db: Database, comment_rid: int) -> None:
    db.execute("DELETE FROM comment_fts WHERE rowid = ?", (comment_rid,))
