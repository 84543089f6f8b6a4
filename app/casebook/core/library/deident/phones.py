"""Phone and fax numbers, found with Google's libphonenumber (``phonenumbers``).

A run of digits (with spaces, dots, dashes or brackets) is a phone number when the
library says it is a valid number: in international form ("+1 (415) 555-0132"), or in
the national form of one of :data:`REGIONS` ("07911 123456", "06 12 34 56 78"). After a
word such as "tel", "call" or "mobile", a number the library only finds possible is
flagged too (reserved and fictional ranges, a local number without its area code).
Blood pressures, scores and doses have no such shape: "BP 142/88" is never a candidate.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import phonenumbers

from casebook.core.library.deident.rules import Hit, cites

# Where the physicians who use Casebook are likely to be, and their patients' families.
REGIONS = (
    "GB", "US", "IE", "AU", "NZ", "ZA", "IN", "SG", "FR", "DE", "NL", "BE", "CH",
    "AT", "ES", "PT", "IT", "SE", "NO", "DK", "FI", "PL", "BR", "MX", "NG", "KE",
)  # fmt: skip
_CANDIDATE = re.compile(r"(?<![\w+/.,:\-])(?:\+|00)?\(?\d[\d \u00a0().\-]{4,22}\d(?![\w/]|[.,:]\d)")
_CUE = re.compile(
    r"\b(?:tel|telephone|phone|ph|mobile|mob|cell|fax|call|ring|rang|text|contact(?:ed)?\s+"
    r"(?:on|at)|reached\s+(?:on|at)|number|no)\b\.?\s*[:.]?\s*(?:on\s+|at\s+)?$",
    re.IGNORECASE,
)


def phones(text: str) -> Iterator[Hit]:
    for m in _CANDIDATE.finditer(text):
        raw = m.group()
        if raw.startswith("(") and ")" not in raw:
            raw = raw[1:]
        digits = re.sub(r"\D", "", raw)
        if not 7 <= len(digits) <= 15 or raw.count("(") != raw.count(")"):
            continue
        start = m.end() - len(raw)
        if cites(text, start) or (raw.isdigit() and not raw.startswith("0")):
            continue  # a bare run of digits is flagged as a long number, not as a phone
        cued = bool(_CUE.search(text[max(0, start - 24) : start]))
        if _valid(raw) or (cued and _possible(raw)):
            yield "phone", "a phone or fax number", start, m.end()


def _parse(raw: str, region: str | None) -> phonenumbers.PhoneNumber | None:
    try:
        return phonenumbers.parse(raw, region)
    except phonenumbers.NumberParseException:
        return None


def _regions(raw: str) -> tuple[str | None, ...]:
    return (None,) if raw.startswith(("+", "00")) else REGIONS


def _valid(raw: str) -> bool:
    for region in _regions(raw):
        number = _parse(raw.replace("00", "+", 1) if raw.startswith("00") else raw, region)
        if number is not None and phonenumbers.is_valid_number(number):
            return True
    return False


def _possible(raw: str) -> bool:
    if len(re.sub(r"\D", "", raw)) >= 10:
        return True
    for region in ("US", "GB", *_regions(raw)):
        number = _parse(raw, region)
        if number is not None and phonenumbers.is_possible_number(number):
            return True
    return False
