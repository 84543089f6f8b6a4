"""The de-identification check: flags text that looks like a patient identifier.

Every write that publishes text runs it: the library (:class:`casebook.core.library.cases.Library`)
checks the payload of each content event with :func:`check_payload` before anything is
stored, and refuses with :class:`casebook.errors.IdentifiersFound` unless the author said
the text may go out as it is. ``casebook check`` runs it on a letter before it is pasted.

What it looks for follows the HIPAA Safe Harbor list of 18 identifiers: names (from the
words around them, see :mod:`.names`); places smaller than a state (street addresses,
towns, postcodes); every part of a date but the year (with or without the year: "on 12
March", "24/12"), and ages over 89; phone and fax numbers (libphonenumber, see
:mod:`.phones`); e-mail addresses; social security, medical record, NHS and other
national numbers; health-plan numbers (insurance, Medicare, Medicaid); account, licence,
passport, vehicle and device numbers; web addresses other than the literature; IP
addresses; and any other long number. Photographs are handled where attachments are
prepared (their metadata is removed); biometrics are not text.

It is a prompt to look again, not a guarantee: it cannot know every name or place.
Clinical notation is left alone: "3/7", "6/12", "BP 142/88", "GCS 14/15", eponyms
("Murphy's sign") and colleagues ("Dr Patel in cardiology").
Pure functions over text; no I/O.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from casebook.core.library.deident.names import names
from casebook.core.library.deident.phones import phones
from casebook.core.library.deident.rules import LATE_RULES, RULES, Hit
from casebook.core.model.kinds import EventKind

# Rules in order of priority: where flags overlap, the first rule's is kept.
_DETECTORS = [*RULES, names, phones, *LATE_RULES]

# Event kinds whose payload is not a text someone publishes about a case: networks,
# members, invites, keys, moderation, a case's status and endorsements. Every other kind
# (cases, edits, comments, replies, outcomes, and any kind added later) is checked.
_NOT_CONTENT_GROUPS = ("network.", "member.", "invite.", "epoch.", "content.")
_NOT_CONTENT = frozenset({EventKind.CASE_STATUS, EventKind.CASE_REQUEST, EventKind.COMMENT_ENDORSE})
# Payload keys that are not text the author wrote: references to other events, and
# attachments (their names and metadata are handled where files are prepared).
_NOT_TEXT_KEYS = frozenset({"case", "parent", "comment", "target", "attachments", "consent"})


@dataclass(frozen=True)
class Finding:
    field: str  # which part of the text ("title", "body", a template field…)
    kind: str  # name, birth date, date, age, phone, email, address, postcode, record, …
    what: str  # words for the person: "a name after a title"
    start: int
    end: int
    text: str

    def describe(self) -> str:
        return f"{self.field}: {self.what} — “{self.text}”"

    def to_json(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "kind": self.kind,
            "what": self.what,
            "text": self.text,
            "start": self.start,
            "end": self.end,
        }


def check_text(text: str, field: str = "text") -> list[Finding]:
    """Likely identifiers in ``text``, in order; overlapping flags keep the first rule's."""
    found: list[Finding] = []  # kept sorted by start; they never overlap
    for detector in _DETECTORS:
        hits: Iterable[Hit] = detector(text)
        for kind, what, start, end in hits:
            while end > start and text[end - 1].isspace():
                end -= 1
            at = bisect.bisect_left(found, start, key=lambda f: f.start)
            if end <= start or (at and found[at - 1].end > start):
                continue
            if at < len(found) and found[at].start < end:
                continue
            found.insert(at, Finding(field, kind, what, start, end, text[start:end]))
    return found


def check_case(
    title: str, fields: dict[str, str], body: str, tags: list[str] | None = None
) -> list[Finding]:
    """Every likely identifier in a case about to be posted, field by field."""
    parts = [("title", title), *fields.items(), ("body", body)]
    parts += [("tags", ", ".join(tags or []))]
    found: list[Finding] = []
    for name, text in parts:
        found += check_text(text, name)
    return found


def is_content(kind: str) -> bool:
    """Whether events of ``kind`` carry text that is checked before it is published."""
    return kind not in _NOT_CONTENT and not kind.startswith(_NOT_CONTENT_GROUPS)


def check_payload(kind: str, payload: Mapping[str, Any]) -> list[Finding]:
    """Every likely identifier in the text of an event about to be written: each text
    value of a content event (title, specialty, template fields by their names, body,
    tags); nothing for the kinds that carry no published text."""
    if not is_content(kind):
        return []
    found: list[Finding] = []
    for key, value in payload.items():
        if key not in _NOT_TEXT_KEYS:
            found += _check_value(key, value)
    # A consent record's only free text is who recorded it (its date is not the patient's).
    records = [payload.get("consent")] + [
        a.get("consent") for a in payload.get("attachments") or () if isinstance(a, Mapping)
    ]
    for record in records:
        if isinstance(record, Mapping) and isinstance(record.get("recorded_by"), str):
            found += check_text(record["recorded_by"], "consent recorded by")
    return found


def _check_value(field: str, value: Any) -> list[Finding]:
    if isinstance(value, str):
        return check_text(value, field)
    if isinstance(value, Mapping):  # template fields: each under its own name
        return [f for key, item in value.items() for f in _check_value(str(key), item)]
    if isinstance(value, list | tuple):
        if field == "tags" and all(isinstance(item, str) for item in value):
            return check_text(", ".join(_as_words(t) for t in value), field)
        return [f for item in value for f in _check_value(field, item)]  # each on its own
    return []  # ids, numbers, None


def _as_words(tag: str) -> str:
    """A stored tag ("mrs-jones", lower case, hyphens for spaces) as it was typed, so
    that a name in it is seen: "Mrs Jones"."""
    spaced = re.sub(r"(?<=[^\W\d_])-|-(?=[^\W\d_])", " ", tag)
    return re.sub(r"[^\W\d_]+", lambda m: m.group().capitalize(), spaced)


__all__ = ["Finding", "check_case", "check_payload", "check_text", "is_content"]
