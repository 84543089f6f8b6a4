"""A de-identification check for case text: flags what looks like a patient identifier.

Before a case is posted the app points at text that may identify the patient, so the
author can remove it: names after titles or "patient", dates of birth and other full
dates, ages over 89, phone and fax numbers, record numbers (MRN, NHS, SSN and long digit
runs), e-mail addresses, street addresses and postcodes. It is a prompt to look again,
not a guarantee: it errs on the side of flagging, and it cannot know every name.
Pure functions over text; no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Patients' titles; "Dr" is left out on purpose (it names colleagues far more often).
_TITLE = r"(?:Mr|Mrs|Ms|Miss|Mx|Mister|Madam|Master|Sra|Herr|Frau|Mme|Mlle)\.?"
_NAME = r"[A-Z][a-zA-Z'\-]+(?:\s+[A-Z][a-zA-Z'\-]+)?"
_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)

_RULES: list[tuple[str, str, re.Pattern[str]]] = [
    (
        "name",
        "a name after a title",
        re.compile(rf"\b{_TITLE}\s+{_NAME}"),
    ),
    (
        "name",
        "a name after “patient”",
        re.compile(rf"\b(?:[Pp]atient|[Pp]t)\s*(?:name\s*)?[:,]?\s+(?!is\b|was\b|has\b){_NAME}"),
    ),
    (
        "birth date",
        "a date of birth",
        re.compile(
            r"\b(?:DOB|D\.O\.B\.?|date of birth|born(?:\s+on)?)\b\s*[:\-]?\s*"
            rf"(?:\d{{1,4}}[/.\-]\d{{1,2}}[/.\-]\d{{1,4}}|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}"
            rf"\.?,?\s+\d{{4}}|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|(?:19|20)\d{{2}})",
            re.IGNORECASE,
        ),
    ),
    (
        "date",
        "a full date (day, month and year)",
        re.compile(
            r"\b(?:\d{1,2}[/.\-]\d{1,2}[/.\-](?:19|20)?\d{2}|(?:19|20)\d{2}-\d{2}-\d{2}|"
            rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\.?,?\s+(?:19|20)\d{{2}}|"
            rf"{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d{{2}})\b"
        ),
    ),
    (
        "age",
        "an age over 89",
        re.compile(r"\b(?:9\d|1[0-2]\d)[\s\-]*(?:years?(?:[\s\-]old)?|yrs?|y/?o)\b", re.IGNORECASE),
    ),
    (
        "record",
        "a record or identity number",
        re.compile(
            r"\b(?:MRN|NHS|SSN|NIR|BSN|record|chart|hospital|patient|case|ID|insurance)"
            r"(?:\s*(?:no|number|#|nr|id))?\.?\s*[:#]?\s*[A-Z]{0,3}\d[\d\- ]{4,}\d\b",
            re.IGNORECASE,
        ),
    ),
    ("record", "a long number", re.compile(r"(?<![\d.,])\d{7,}(?![\d.,])")),
    (
        "phone",
        "a phone number",
        re.compile(
            r"(?<!\w)(?<!\d[.,])(?:\+\d{1,3}[\s.\-]?)?(?:\(\d{2,5}\)[\s.\-]?)?\d{2,5}"
            r"(?:[\s.\-]\d{2,5}){2,4}(?!\w|[.,]\d)"
        ),
    ),
    (
        "email",
        "an e-mail address",
        re.compile(r"\b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\b"),
    ),
    (
        "address",
        "a street address",
        re.compile(
            r"\b\d{1,5}[A-Za-z]?\s+(?:[A-Z][a-z]+\s+){1,3}(?:Street|St|Road|Rd|Avenue|Ave|"
            r"Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl|Square|Sq|Way|Close|Crescent|"
            r"Terrace|Gardens|Rue|Straße|Strasse|Weg|Platz|Calle|Via)\b\.?"
        ),
    ),
    (
        "postcode",
        "a postcode",
        re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),  # UK form; others are digits
    ),
]


@dataclass(frozen=True)
class Finding:
    field: str  # which part of the case ("title", "body", a template field…)
    kind: str  # name, birth date, date, age, phone, record, email, address, postcode
    what: str  # words for the person: "a name after a title"
    start: int
    end: int
    text: str

    def describe(self) -> str:
        return f"{self.field}: {self.what} — “{self.text}”"


def check_text(text: str, field: str = "text") -> list[Finding]:
    """Likely identifiers in ``text``, in order; overlapping flags keep the first rule's."""
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []
    for kind, what, pattern in _RULES:
        for match in pattern.finditer(text):
            start, end = match.span()
            if any(start < e and s < end for s, e in taken):
                continue
            taken.append((start, end))
            found.append(Finding(field, kind, what, start, end, match.group().strip()))
    return sorted(found, key=lambda f: f.start)


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
