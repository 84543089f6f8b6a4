"""The consent options of ``post`` and ``edit``: the case's record, files marked
identifiable, a record of one attached file, the signed form (see core.model.consent)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from casebook.core.library import attachments, consent_input
from casebook.core.library.consent_input import ConsentInput
from casebook.core.model import consent
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


def case_files(
    a: argparse.Namespace, me: str
) -> tuple[dict[str, Any] | None, list[attachments.Prepared]]:
    """The case's record (None when no --consent) and every file to attach, each with
    what these options say of it. ``me``: the author's name (the default recorder)."""
    own: dict[Path, ConsentInput] = {}
    for item in a.attachment_consent:
        path, sep, spec = item.partition("=")
        kind, _, scopes = spec.partition(":")
        if not sep or not path or not kind:
            raise UsageError(say("--attachment-consent takes FILE=KIND[:SCOPES], got {0!r}.", item))
        own[Path(path).expanduser()] = ConsentInput(
            kind, (scopes or "network").split(","), a.consent_date, a.consent_by or ""
        )
    paths = [Path(p).expanduser() for p in [*a.attach, *a.identifiable]]
    unknown = set(own) - set(paths)
    if unknown:
        raise UsageError(
            say("--attachment-consent names {0}, which is not attached.", str(sorted(unknown)[0]))
        )
    if a.consent_form and a.consent != "written":
        raise UsageError("A signed form goes with --consent written.")
    case = None
    if a.consent is not None:
        form = Path(a.consent_form).expanduser() if a.consent_form else None
        case = ConsentInput(
            a.consent, a.consent_scope.split(","), a.consent_date, a.consent_by or "", form
        )
    identifiable = {Path(p).expanduser() for p in a.identifiable}
    return consent_input.prepare(paths, me=me, case=case, identifiable=identifiable, own=own)


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
