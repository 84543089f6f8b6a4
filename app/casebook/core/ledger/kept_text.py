"""A case's text, where the library keeps it (issue 18: the text was kept twice).

A case's creation kept in its open form (``events.open_form``) holds the case's text,
packed, inside the encrypted database already; the projection then writes no
``case_text`` row for it, and a reader takes the text from the event
(:func:`case_text`). A ``case_text`` row exists when the text is not in an open form:
the case was edited (the row holds the text the revisions make), or its creation is
kept in its wire form (a bundle, an event whose key came later, a library written
before schema v20). A withdrawal deletes the row and strips the event, so neither gives
text back.

The decision depends only on the event as stored (:func:`keeps_row`), so a rebuild,
which reads the same stored events, writes the same rows. The text read from an event
goes through the same validation as when the event was applied
(``payloads.parse``: NFC, no control characters), so it is the text the row would have
held.
"""

from __future__ import annotations

import json
from typing import Any

from casebook.core.ledger.wire_form import DamagedEvent
from casebook.core.model import events, payloads
from casebook.core.model.events import Event, EventError
from casebook.core.model.kinds import EventKind
from casebook.core.model.payload_types import CaseCreate
from casebook.store.database import Row
from casebook.store.packed_text import unpack

# Columns of a query ``FROM cases c`` joined with :data:`JOIN`, for :func:`case_text`.
COLUMNS = (
    "t.rid AS text_rid, t.fields AS fields, t.body AS body, "
    "CASE WHEN t.rid IS NULL AND c.withdrawn IS NULL "
    "THEN (SELECT e.raw FROM events e WHERE e.id = c.id) END AS kept"
)
JOIN = "LEFT JOIN case_text t ON t.rid = c.rid"


def keeps_row(event: Event) -> bool:
    """Whether a case created by ``event`` needs a ``case_text`` row for its text."""
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
    return dict(created.fields), created.body


def _created(kept: bytes) -> CaseCreate:
    try:
        payload = events.payload_of(events.open_payload(kept))
        created = payloads.parse(EventKind.CASE_CREATE, payload)
    except EventError as exc:
        raise DamagedEvent(kept, str(exc), sent=False) from None
    if not isinstance(created, CaseCreate):  # pragma: no cover - parse gives its kind's type
        raise DamagedEvent(kept, "not a case's creation", sent=False)
    return created
