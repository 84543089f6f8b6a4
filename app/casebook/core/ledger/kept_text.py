"""A case's text and a comment's body, where the library keeps them (issue 18: the
text was kept twice).

A case's or a comment's creation kept in its open form (``events.open_form``) holds its
text, packed, inside the encrypted database already; the projection then writes no
``case_text`` row for the case, and an empty BLOB (:data:`IN_EVENT`) as the comment's
``body``, and a reader takes the text from the event (:func:`case_text`,
:func:`comment_body`). The row holds the text when it is not in an open form: the item
was edited (the row holds the text the revisions make), or its creation is kept in its
wire form (a bundle, an event whose key came later, a library written before schema
v20). A withdrawal deletes the rows and strips the events, so neither gives text back.

The decision depends only on the event as stored (:func:`keeps_row`), so a rebuild,
which reads the same stored events, writes the same rows. The text read from an event
goes through the same validation as when the event was applied
(``payloads.parse``: NFC, no control characters), so it is the text the row would have
held. So a later change to the validators (``payloads``, ``model/text.clean_text``)
changes how an unedited item reads, and not an edited one: such a change must say what
it does to stored text (and a rebuild makes both agree again).
"""

from __future__ import annotations

import json
from typing import Any

from casebook.core.ledger.wire_form import DamagedEvent
from casebook.core.model import events, payloads
from casebook.core.model.encoding import EncodingError, decode_stored
from casebook.core.model.events import Event, EventError
from casebook.core.model.kinds import EventKind
from casebook.core.model.payload_types import CaseCreate, CommentCreate, Payload
from casebook.store.database import Row
from casebook.store.packed_text import PackedTextError, pack, unpack

# Columns of a query ``FROM cases c`` joined with :data:`JOIN`, for :func:`case_text`.
COLUMNS = (
    "t.rid AS text_rid, t.fields AS fields, t.body AS body, "
    "CASE WHEN t.rid IS NULL AND c.withdrawn IS NULL "
    "THEN (SELECT e.raw FROM events e WHERE e.id = c.id) END AS kept"
)
JOIN = "LEFT JOIN case_text t ON t.rid = c.rid"


# What reading a stored text raises when it is damaged (a packed row that does not
# unpack, an open creation that does not give its payload back): the readers that show
# what they can catch these and go on without that text.
DAMAGED = (PackedTextError, DamagedEvent)


# A comment's ``body`` when its open creation holds the text (a packed text is never
# empty, and an empty text is kept as TEXT: ``packed_text.pack``).
IN_EVENT = b""


# Columns of a query reading ``comments`` as ``m``, for :func:`comment_body`.
COMMENT_COLUMNS = (
    "m.body AS body, m.kind AS kind, "
    "CASE WHEN typeof(m.body) = 'blob' AND length(m.body) = 0 "
    "THEN (SELECT e.raw FROM events e WHERE e.id = m.id) END AS kept"
)


def keeps_row(event: Event) -> bool:
    """Whether a case or comment created by ``event`` needs its text in its row (a
    ``case_text`` row, a packed ``body``): unless ``event`` is kept in its open form."""
    return event.stored is None or not events.is_open_form(event.stored)


def case_text(row: Row) -> tuple[dict[str, Any], str]:
    """A case's fields and body from a row with :data:`COLUMNS` (none: empty).

    Raises ``PackedTextError`` for a damaged row, :class:`DamagedEvent` for a damaged
    open form."""
    if row["text_rid"] is not None:
        return json.loads(unpack(row["fields"]) or "{}"), unpack(row["body"])
    kept = row["kept"]
    if kept is None or not events.is_open_form(bytes(kept)):
        return {}, ""  # withdrawn: its text row is gone and its creation stripped
    created = _created(bytes(kept))
    return dict(sorted(created.fields.items())), created.body  # (a row's JSON is sorted)


def comment_body(row: Row) -> str:
    """A comment's body from a row with :data:`COMMENT_COLUMNS` (a withdrawn one's: empty).

    Raises ``PackedTextError`` for a damaged row, :class:`DamagedEvent` for a damaged
    open form."""
    kept = row["kept"]
    if kept is None:
        return unpack(row["body"])
    if not events.is_open_form(bytes(kept)):
        return ""
    kind = EventKind.CASE_OUTCOME if row["kind"] == "outcome" else EventKind.COMMENT_CREATE
    created = _parsed(bytes(kept), kind)
    if not isinstance(created, CommentCreate):  # pragma: no cover - parse gives its type
        raise DamagedEvent(bytes(kept), "not a comment's creation", sent=False)
    return created.body


def readable_body(row: Row) -> tuple[str, str | None]:
    """:func:`comment_body`, or none and why (one line) when the stored text is damaged:
    one damaged comment does not keep its case or the rest of its discussion from being
    read."""
    try:
        return comment_body(row), None
    except DAMAGED as exc:
        return "", exc.message


def stored_body(event: Event, body: str) -> str | bytes:
    """What a comment created by ``event`` keeps as its ``body``."""
    return pack(body) if keeps_row(event) else IN_EVENT


def _created(kept: bytes) -> CaseCreate:
    created = _parsed(kept, EventKind.CASE_CREATE)
    if not isinstance(created, CaseCreate):  # pragma: no cover - parse gives its kind's type
        raise DamagedEvent(kept, "not a case's creation", sent=False)
    return created


def _parsed(kept: bytes, kind: str) -> Payload:
    """The payload of an open creation, validated (its CBOR is not checked for canonical
    form again: it was when the event was opened, and the validation checks the rest)."""
    try:
        payload = decode_stored(events.open_payload(kept))
        if not isinstance(payload, dict):
            raise EventError("payload is not a map")
        return payloads.parse(kind, payload)
    except (EventError, EncodingError) as exc:
        raise DamagedEvent(kept, str(exc), sent=False) from None
