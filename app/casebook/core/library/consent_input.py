"""What an author says of consent as a case is written (the app's form and the command
line alike): the case's record, the files that show the patient, a file's own record and
the signed form, turned into the record and the prepared files the library posts."""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from casebook.core.library import attachments
from casebook.core.model import consent
from casebook.core.model.events import EventError
from casebook.errors import UsageError


@dataclass(frozen=True)
class ConsentInput:
    kind: str  # none | verbal | written
    scope: Sequence[str] = ("network",)
    date: str | None = None  # YYYY-MM-DD; today when None
    recorded_by: str = ""  # the author when empty
    form: Path | None = None  # the signed form, attached with the role consent-form
    kept_form: bytes | None = None  # or the hash of one the case already has


def _record(given: ConsentInput, me: str, form: bytes | None) -> dict[str, Any]:
    try:
        return consent.record(
            given.kind, given.scope, recorded_by=given.recorded_by or me, date=given.date, form=form
        )
    except EventError as exc:
        text = str(exc)
        raise UsageError(text[:1].upper() + text[1:] + ".") from None


def prepare(
    paths: Sequence[Path],
    *,
    me: str,
    case: ConsentInput | None = None,
    identifiable: Collection[Path] = (),
    own: Mapping[Path, ConsentInput] | None = None,
) -> tuple[dict[str, Any] | None, list[attachments.Prepared]]:
    """The case's record (None without ``case``) and every file prepared (metadata
    cleaned by :func:`attachments.prepare`), each marked as said; the signed form last.
    ``me``: the author's name, the recorder when none is given."""
    own = own or {}
    files = []
    for path in paths:
        item = attachments.prepare(path)
        mine = own.get(path)
        files.append(
            dataclasses.replace(
                item,
                identifiable=path in identifiable,
                consent=None if mine is None else _record(mine, me, None),
            )
        )
    if case is None:
        return None, files
    form = None
    if case.form is None and case.kept_form is not None and case.kind == "written":
        return _record(case, me, case.kept_form), files
    if case.form is not None:
        if case.kind != "written":
            raise UsageError("A signed form goes with written consent.")
        form = dataclasses.replace(attachments.prepare(case.form), role=consent.FORM_ROLE)
        files.append(form)
    return _record(case, me, None if form is None else form.hash), files
