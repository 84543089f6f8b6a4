"""A case prepared for teaching (issue 17, part 4): what a teaching export holds, and the
checks that come first.

An export is refused, with the reason, when the case is withdrawn or hidden, when its
consent record (or an attachment's own) does not cover teaching, and when any text that
would go into it looks like it identifies a patient (the same de-identification check
every published text runs, again: a case may be older than today's rules). The signed
consent form is never exported; hidden comments are left out; authors appear as roles
("Presenting clinician", "Colleague A", …) or as initials, as the person exporting
chooses — never by name or key. :mod:`teaching_pdf` writes the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from casebook.core.library import attachments, deident
from casebook.core.library.queries import CaseDetail, Queries
from casebook.core.model import consent
from casebook.errors import (
    IdentifiersFound,
    NotFound,
    PermissionDenied,
    ProfileCorrupted,
    UsageError,
    say,
)
from casebook.store.database import Database

AUTHOR_STYLES = ("roles", "initials")
_TITLES = re.compile(r"^(dr|prof|mr|mrs|ms|mx|sir|dame|pr)\.?$", re.IGNORECASE)


@dataclass
class Picture:
    name: str
    mime: str
    hash: bytes
    data: bytes | None  # None: not on this computer (named, not included)


@dataclass
class Entry:
    """One comment, reply or outcome as exported."""

    who: str
    depth: int
    outcome: bool
    body: str  # Markdown


@dataclass
class TeachingCase:
    title: str
    specialty: str
    presenter: str
    fields: list[tuple[str, str]]  # (field name, Markdown)
    body: str
    consent: str  # one line: kind, scope, date
    pictures: list[Picture] = field(default_factory=list)
    others: list[str] = field(default_factory=list)  # attachments listed by name only
    discussion: list[Entry] = field(default_factory=list)


def initials(name: str) -> str:
    """ "Dr. Bob Okafor" → "B.O."; titles are dropped."""
    words = [w for w in name.replace("-", " ").split() if not _TITLES.match(w)]
    return "".join(w[0].upper() + "." for w in words if w[0].isalpha()) or "?"


class Labels:
    """Who wrote what, as the export shows it."""

    def __init__(self, style: str, author: str) -> None:
        if style not in AUTHOR_STYLES:
            raise UsageError(say("Authors are shown as one of: {0}.", ", ".join(AUTHOR_STYLES)))
        self.style, self.author = style, author
        self._seen: dict[str, str] = {}

    def of(self, key: str, name: str) -> str:
        if self.style == "initials":
            return initials(name)
        if key == self.author:
            return "Presenting clinician"
        if key not in self._seen:
            index = len(self._seen)
            letters = ""
            while True:  # A … Z, AA, AB …
                letters = chr(ord("A") + index % 26) + letters
                index = index // 26 - 1
                if index < 0:
                    break
            self._seen[key] = "Colleague " + letters
        return self._seen[key]


def _consent_line(record: dict[str, Any]) -> str:
    kinds = {"none": "not needed", "verbal": "verbal", "written": "written"}
    return (
        f"Consent: {kinds.get(record['kind'], record['kind'])}, covering "
        f"{', '.join(record['scope'])}, given {record['date']}"
    )


def prepare(
    db: Database, case_id: bytes, style: str, *, allow_identifiers: bool = False
) -> TeachingCase:
    """The case as a teaching export holds it, or the refusal (:class:`PermissionDenied`,
    :class:`IdentifiersFound`, :class:`NotFound`; :class:`ProfileCorrupted` for a damaged
    comment) with its reason."""
    case = Queries(db).case(case_id)
    if case is None:
        hidden = db.scalar("SELECT hidden FROM cases WHERE id = ?", (case_id,))
        if hidden:
            raise PermissionDenied("A moderator has hidden this case; it cannot be exported.")
        raise NotFound("No such case.")
    _refuse_unless_teachable(case)
    labels = Labels(style, case.summary.author)
    out = TeachingCase(
        title=case.summary.title,
        specialty=case.summary.specialty,
        presenter=labels.of(case.summary.author, case.summary.author_name),
        fields=list(case.fields.items()),
        body=case.body,
        consent=_consent_line(case.consent or {}),
    )
    for item in case.attachments:
        if item.get("role") == consent.FORM_ROLE:
            continue  # the signed form stays with the case, never in an export
        digest = bytes.fromhex(item["hash"])
        if item["mime"].startswith("image/"):
            data = attachments.read(db, digest) if attachments.has(db, digest) else None
            out.pictures.append(Picture(item["name"], item["mime"], digest, data))
        else:
            out.others.append(item["name"])
    for comment in case.discussion:
        if comment.hidden:
            continue
        if comment.damaged:  # (an export does not leave out what it cannot read)
            raise ProfileCorrupted(comment.damaged)
        out.discussion.append(
            Entry(
                labels.of(comment.author, comment.author_name),
                comment.depth,
                comment.kind == "outcome",
                comment.body,
            )
        )
    if not allow_identifiers:
        findings = _findings(out)
        if findings:
            raise IdentifiersFound(findings)
    return out


def _refuse_unless_teachable(case: CaseDetail) -> None:
    if case.summary.withdrawn is not None:
        raise PermissionDenied("This case was withdrawn; it cannot be exported.")
    if case.consent is None:
        raise PermissionDenied(
            "This case has no consent record, so it cannot be exported for teaching. "
            "Record consent that covers teaching first (casebook edit CASE --consent … "
            "--consent-scope network,teaching)."
        )
    if not consent.covers(case.consent, "teaching"):
        raise PermissionDenied(
            say(
                "The case's consent covers {0}, not teaching; it cannot be exported for "
                "teaching. Record consent that covers teaching first.",
                ", ".join(case.consent["scope"]),
            )
        )
    for item in case.attachments:
        own = item.get("consent")
        form = item.get("role") == consent.FORM_ROLE
        if not form and own is not None and not consent.covers(own, "teaching"):
            raise PermissionDenied(
                say(
                    "The consent recorded for {0} does not cover teaching; remove it "
                    "from the case or record consent that does.",
                    item["name"],
                )
            )


def _findings(doc: TeachingCase) -> list[deident.Finding]:
    """The de-identification check over every text the export would hold."""
    texts = [("title", doc.title), ("specialty", doc.specialty), ("body", doc.body)]
    texts += doc.fields
    texts += [("attachment name", p.name) for p in doc.pictures]
    texts += [("attachment name", name) for name in doc.others]
    texts += [(f"comment by {e.who}", e.body) for e in doc.discussion]
    return [f for name, text in texts for f in deident.check_text(text, name)]
