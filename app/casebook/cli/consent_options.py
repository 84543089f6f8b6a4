"""The consent options of ``post`` and ``edit``: the case's record, files marked
identifiable, a record of one attached file, the signed form (see core.model.consent)."""

from __future__ import annotations

import argparse
import dataclasses
from pathlib import Path
from typing import Any

from casebook.core.library import attachments
from casebook.core.model import consent
from casebook.core.model.events import EventError
from casebook.errors import UsageError, say


def add_options(parser: argparse.ArgumentParser) -> None:
    group = parser.add_argument_group("the patient's consent")
    group.add_argument(
        "--consent",
        choices=consent.KINDS,
        help="the case's consent: none (de-identified or implied), verbal or written",
    )
    group.add_argument(
        "--consent-scope",
        metavar="SCOPES",
        default="network",
        help="what it covers: network[,teaching][,publication] (default: network)",
    )
    group.add_argument("--consent-date", metavar="YYYY-MM-DD", help="when given (default: today)")
    group.add_argument("--consent-by", metavar="NAME", help="who recorded it (default: you)")
    group.add_argument(
        "--consent-form", metavar="FILE", help="the signed form (written consent); never previewed"
    )
    group.add_argument(
        "--identifiable",
        action="append",
        default=[],
        metavar="FILE",
        help="attach FILE marked as showing the patient (needs written consent); repeatable",
    )
    group.add_argument(
        "--attachment-consent",
        action="append",
        default=[],
        metavar="FILE=KIND[:SCOPES]",
        help="a consent record of its own for an attached FILE, e.g. ecg.png=written:network",
    )


def _record(kind: str, scopes: str, a: argparse.Namespace, me: str, form: bytes | None) -> Any:
    try:
        return consent.record(
            kind,
            scopes.split(","),
            recorded_by=a.consent_by or me,
            date=a.consent_date,
            form=form,
        )
    except EventError as exc:
        text = str(exc)
        raise UsageError(text[:1].upper() + text[1:] + ".") from None


def case_files(
    a: argparse.Namespace, me: str
) -> tuple[dict[str, Any] | None, list[attachments.Prepared]]:
    """The case's record (None when no --consent) and every file to attach, each with
    what these options say of it. ``me``: the author's name (the default recorder)."""
    own: dict[str, tuple[str, str]] = {}
    for item in a.attachment_consent:
        path, sep, spec = item.partition("=")
        kind, _, scopes = spec.partition(":")
        if not sep or not path or not kind:
            raise UsageError(say("--attachment-consent takes FILE=KIND[:SCOPES], got {0!r}.", item))
        own[path] = (kind, scopes or "network")
    paths = [(p, False) for p in a.attach] + [(p, True) for p in a.identifiable]
    unknown = set(own) - {p for p, _ in paths}
    if unknown:
        raise UsageError(
            say("--attachment-consent names {0}, which is not attached.", sorted(unknown)[0])
        )
    files = []
    for path, identifiable in paths:
        item = attachments.prepare(Path(path).expanduser())
        record = None
        if path in own:
            record = _record(*own[path], a, me, None)
        files.append(dataclasses.replace(item, identifiable=identifiable, consent=record))
    form = None
    if a.consent_form:
        if a.consent != "written":
            raise UsageError("A signed form goes with --consent written.")
        prepared = attachments.prepare(Path(a.consent_form).expanduser())
        form = dataclasses.replace(prepared, role=consent.FORM_ROLE)
        files.append(form)
    if a.consent is None:
        return None, files
    return _record(a.consent, a.consent_scope, a, me, form.hash if form else None), files


def describe(record: dict[str, Any]) -> str:
    """A stored record in one line: "written, for network and teaching, 2026-12-01,
    recorded by Dr Ada Byron, signed form 3fa2…"."""
    kinds = {"none": "not needed", "verbal": "verbal", "written": "written"}
    scope = " and ".join(record["scope"])
    text = f"{kinds[record['kind']]}, for {scope}, {record['date']}, recorded by "
    text += record["recorded_by"]
    if record["form"]:
        text += f", signed form {record['form'][:16]}"
    return text


def marks(attachment: dict[str, Any]) -> str:
    """What is said of an attachment after its name in ``show``."""
    out = ""
    if attachment.get("role") == consent.FORM_ROLE:
        out += " · signed consent form"
    if attachment.get("identifiable"):
        out += " · identifiable"
    own = attachment.get("consent")
    if own is not None:
        out += f" · consent: {describe(own)}"
    return out
