"""The patient's consent, recorded with a case and with each attachment.

A record says what kind of consent there is (``none``: not needed, the material is
de-identified or consent is implied; ``verbal``; ``written``), what it covers (this
``network``, ``teaching``, ``publication``), when it was given, who recorded it, and
optionally which of the case's attachments is the signed form (marked with the role
``consent-form``; the app never previews it).

Two rules hold wherever a case is written or applied: an attachment its author marked
*identifiable* needs written consent (its own record, or the case's), and a record's
form is one of the case's consent-form attachments. Pure: the model checks them, the
library words them for the author, the projection rejects an event that breaks them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any

from casebook.core.model.events import EventError

KINDS = ("none", "verbal", "written")
SCOPES = ("network", "teaching", "publication")
FORM_ROLE = "consent-form"
ROLES = (FORM_ROLE,)
MAX_RECORDER = 120
_KEYS = {"kind", "scope", "date", "recorded_by", "form"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def validate(value: Any) -> dict[str, Any]:
    """A consent record as signed: ``{kind, scope, date, recorded_by, form}``."""
    if not isinstance(value, dict) or set(value) != _KEYS:
        raise EventError("a consent record has kind, scope, date, recorded_by and form")
    kind = value["kind"]
    if kind not in KINDS:
        raise EventError("consent kind must be none, verbal or written")
    scope = value["scope"]
    if (
        not isinstance(scope, list)
        or not scope
        or any(s not in SCOPES for s in scope)
        or scope != sorted(set(scope), key=SCOPES.index)
    ):
        raise EventError("consent scope is one or more of network, teaching, publication")
    date = value["date"]
    if not isinstance(date, str) or not _DATE.fullmatch(date):
        raise EventError("consent date must be YYYY-MM-DD")
    try:
        dt.date.fromisoformat(date)
    except ValueError:
        raise EventError("consent date is not a date") from None
    recorder = value["recorded_by"]
    if (
        not isinstance(recorder, str)
        or not recorder.strip()
        or len(recorder) > MAX_RECORDER
        or _CONTROL.search(recorder)
        or recorder != " ".join(recorder.split())
    ):
        raise EventError("consent needs who recorded it (one line)")
    form = value["form"]
    if form is not None and (not isinstance(form, bytes) or len(form) != 32):
        raise EventError("a consent form is named by its attachment's hash")
    if form is not None and kind != "written":
        raise EventError("only written consent has a signed form")
    return {"kind": kind, "scope": list(scope), "date": date, "recorded_by": recorder, "form": form}


def record(
    kind: str,
    scope: Iterable[str],
    *,
    recorded_by: str,
    date: str | None = None,
    form: bytes | None = None,
) -> dict[str, Any]:
    """A record from what a user typed (scopes in any order, today by default); raises
    :class:`EventError` with what is wrong."""
    wanted = {s.strip().lower() for s in scope if s.strip()}
    return validate(
        {
            "kind": kind.strip().lower(),
            "scope": [s for s in SCOPES if s in wanted] + sorted(wanted - set(SCOPES)),
            "date": date or dt.date.today().isoformat(),
            "recorded_by": " ".join(recorded_by.split()),
            "form": form,
        }
    )


def marks(identifiable: bool, own: Mapping[str, Any] | None, role: str) -> dict[str, Any]:
    """What an attachment entry says beyond ``{hash, name, mime, size}``: only the marks
    that are set (wire and JSON forms alike)."""
    out: dict[str, Any] = {}
    if identifiable:
        out["identifiable"] = True
    if own is not None:
        out["consent"] = own
    if role:
        out["role"] = role
    return out


def to_json(clean: Mapping[str, Any]) -> dict[str, Any]:
    """A validated record as the library stores and shows it (the form's hash in hex)."""
    form = clean["form"]
    return {**clean, "scope": list(clean["scope"]), "form": None if form is None else form.hex()}


def covers(stored: Mapping[str, Any] | None, scope: str) -> bool:
    """Whether a stored record (JSON form) allows ``scope``."""
    return stored is not None and scope in stored.get("scope", ())


def _hash(item: Mapping[str, Any]) -> str:
    value = item["hash"]
    return value.hex() if isinstance(value, bytes) else str(value)


def check_case(case: Mapping[str, Any] | None, attachments: Iterable[Mapping[str, Any]]) -> None:
    """The rules between a case's record and its attachments (wire or JSON form alike):
    an identifiable attachment has written consent (its own or the case's), and every
    form is one of the case's consent-form attachments."""
    items = list(attachments)
    forms = {_hash(a) for a in items if a.get("role") == FORM_ROLE}
    for own in [case, *(a.get("consent") for a in items)]:
        if own is not None and own["form"] is not None:
            form = own["form"]
            if (form.hex() if isinstance(form, bytes) else form) not in forms:
                raise EventError("a consent form must be one of the case's attachments")
    for item in items:
        if item.get("identifiable"):
            own = item.get("consent") or case
            if own is None or own["kind"] != "written":
                raise EventError(
                    f"an attachment marked identifiable ({item['name']}) needs written consent"
                )
