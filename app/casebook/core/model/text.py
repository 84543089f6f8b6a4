"""Text as every payload carries it: NFC, no control characters (tab and newline kept,
unless it is one line), bounded. Shared by the payload validators and by what sealed
kinds say (core/model/flags.py), so the de-identification check always reads the text
as it will be stored and shown."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from casebook.core.model.events import EventError

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def clean_text(value: Any, name: str, limit: int, *, single_line: bool = False) -> str:
    if not isinstance(value, str):
        raise EventError(f"{name} must be text")
    text = unicodedata.normalize("NFC", value)
    if single_line:
        text = " ".join(text.split())
    text = _CONTROL.sub("", text.replace("\r\n", "\n"))
    if len(text) > limit:
        raise EventError(f"{name} is longer than {limit} characters")
    return text
