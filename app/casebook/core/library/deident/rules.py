"""Pattern rules of the de-identification check: dates, ages, record, health-plan and
other identity numbers, e-mail, URLs, IP addresses and places.

Each rule finds spans in a text and says what they look like. Numbers that carry a check
digit (NHS number, IBAN, payment card) are confirmed with it; IP addresses with the
standard library. Clinical notation stays clean: "3/7" (days), "6/12" (months), "BP
142/88", "GCS 14/15", "power 4/5" are not dates.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable, Iterator

Hit = tuple[str, str, int, int]  # kind, what it looks like, start, end

MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
# Words before a day and month that make it a date, not a duration or a score ("from
# 3/5 to 4/5" and "by 1/3" are not dates).
_DATE_CUE = re.compile(
    r"(?:\b(?:on|dated?|since|until|till|DOB|admitted|admission|discharged?|seen|died|"
    r"death|born|reviewed|booked(?:\s+for)?|d/c)|@)[\s:]*$",
    re.IGNORECASE,
)
# Before or after "24/12": it is a duration (24 months), not the 24th of December.
_DURATION_BEFORE = re.compile(r"\b(?:for|x|over|past|last|within|aged?|in|than)\s*$", re.I)
_DURATION_AFTER = re.compile(r"^\s*(?:old|hx|history|ago|of|months?|weeks?|days?)\b", re.I)
_REFERENCE = re.compile(r"(?:PMID|PMCID|DOI|ISBN|ISSN|NCT|ISRCTN|EudraCT|SNOMED)[\s:#]*$", re.I)

# A value after a cue word: letters and digits, with dashes, slashes or single spaces
# between groups ("00-123-456", "K1234567", "1 52 07 75 115 042 23", "1EG4-TE5-MK73").
_VALUE = r"(?-i:[A-Z0-9](?:[A-Z0-9]|[\-/.](?=[A-Z0-9])|\s(?=\d))*)"
_NUMBER_WORD = r"(?:\s*(?:no|nr|num|number|#|id|ID|ref|card))?\.?\s*[:#]?\s*"


def _cued(cues: str, min_digits: int = 5) -> Callable[[str], Iterator[tuple[int, int]]]:
    """Spans of ``cue [number word] value`` where the value holds enough digits; up to
    two capitalised words may stand between ("Policy number AXA 7741-2290-11")."""
    pattern = re.compile(
        rf"\b(?:{cues})\b{_NUMBER_WORD}(?-i:\(?[A-Z][A-Za-z]+\)?\s+){{0,2}}({_VALUE})",
        re.IGNORECASE,
    )

    def find(text: str) -> Iterator[tuple[int, int]]:
        for m in pattern.finditer(text):
            value = m.group(1).rstrip(" ./-")
            if sum(c.isdigit() for c in value) >= min_digits:
                yield m.start(), m.start(1) + len(value)

    return find


_INSURANCE = _cued(
    r"insurance|insurer|insured|policy|member(?:ship)?|subscriber|beneficiary|medicare|"
    r"medicaid|medi-cal|health\s+plan|plan|group|HICN|MBI|carte\s+vitale|EHIC|GHIC|AHV|AMKA|"
    r"versichertennummer|krankenversicherung",
)
_RECORD = _cued(
    r"MRN|MR|NHS|CHI|SSN|SIN|NIR|BSN|PESEL|hospital|hosp|unit|record|chart|patient|pt|"
    r"identifier|ID|lab|accession|specimen|sample|episode|visit|encounter|national\s+"
    r"insurance|social\s+security|personnummer",
)
_ID_NUMBER = _cued(
    r"passport|licen[cs]e|driving\s+licen[cs]e|driver'?s\s+licen[cs]e|DL|registration|reg|"
    r"plate|VIN|serial|S/N|SN|device|IMEI|UDI|account|acct|a/c|card|certificate|cert",
    min_digits=4,
)


def _dates(text: str) -> Iterator[Hit]:
    numeric = re.compile(r"(?<![\w/.\-])(\d{1,4})([/.\-])(\d{1,2})\2(\d{2,4})(?![\w/]|[.\-]\d)")
    for m in numeric.finditer(text):
        a, b, c = (int(g) for g in m.group(1, 3, 4))
        if len(m.group(1)) == 4:  # 2024-02-29
            ok = 1900 <= a <= 2099 and _day_month(c, b)
        else:
            ok = len(m.group(4)) in (2, 4) and (_day_month(a, b) or _day_month(b, a))
            ok = ok and (len(m.group(4)) == 2 or 1900 <= c <= 2099)
        if ok:
            yield "date", "a date", m.start(), m.end()
    named = re.compile(
        rf"\b\d{{1,2}}{_ORD}(?:\s+of)?\s+{MONTHS}\.?(?:,?\s+(?:{_YEAR}|'\d{{2}}))?\b"
        rf"|\b{MONTHS}\.?\s+\d{{1,2}}{_ORD}(?:,?\s+{_YEAR})?\b(?![:.]\d)"
        r"|\b(?:Christmas|Boxing|New\s+Year's|Thanksgiving|Independence|Valentine's|"
        rf"Easter|St\.?\s+Patrick's)\s+(?:Day|Eve|Sunday|Monday)(?:\s+{_YEAR})?\b"
    )
    for m in named.finditer(text):
        day = re.match(r"\d+", m.group()) or re.search(r"(?<=\s)\d{1,2}(?!\d)", m.group())
        if day is None or 1 <= int(day.group()) <= 31:
            yield "date", "a date", m.start(), m.end()
    for m in re.finditer(r"(?<![\w/.])(\d{1,2})/(\d{1,2})(?![\w/]|[.,]\d)", text):
        first, second = int(m.group(1)), int(m.group(2))
        before, after = text[max(0, m.start() - 24) : m.start()], text[m.end() : m.end() + 12]
        if _DATE_CUE.search(before):
            dated = _day_month(first, second) or _day_month(second, first)
        else:  # "24/12", "30/06": the first number can only be a day
            dated = 13 <= first <= 31 and 1 <= second <= 12 and second != 7
            dated = dated and not _DURATION_BEFORE.search(before)
        if dated and not _DURATION_AFTER.match(after):  # "seen 3/7 ago"
            yield "date", "a day and month", m.start(), m.end()


def _day_month(day: int, month: int) -> bool:
    return 1 <= day <= 31 and 1 <= month <= 12


_BIRTH = re.compile(
    r"\b(?:DOB|D\.O\.B\.?|date\s+of\s+birth|born(?:\s+on)?)\b\s*[:\-]?\s*"
    rf"(?:\d{{1,4}}[/.\-]\d{{1,2}}[/.\-]\d{{1,4}}|\d{{1,2}}{_ORD}(?:\s+of)?\s+{MONTHS}"
    rf"\.?,?\s+\d{{4}}|{MONTHS}\.?\s+\d{{1,2}}{_ORD},?\s+\d{{4}}|(?:in\s+)?{_YEAR})",
    re.IGNORECASE,
)
_OLD = r"9\d|1[01]\d"  # 90 to 119
_AGES = [
    re.compile(
        rf"\b(?:{_OLD})[\s\-‐]*(?:years?(?:[\s\-]+old)?|yrs?(?:[\s\-]+old)?|y/?o|y\.o\.)(?!\w)",
        re.I,
    ),
    re.compile(rf"\b(?:aged?|age\s*:|age\s+of)\s*(?:{_OLD})\b", re.I),
    re.compile(rf"(?<![\w°])(?:{_OLD})(?:M|F)\b"),
    re.compile(
        r"\b(?:ninety|one\s+hundred|a\s+hundred)(?:[\s\-]+(?:and\s+)?(?:one|two|three|four|"
        r"five|six|seven|eight|nine))?[\s\-]+years?[\s\-]+old\b",
        re.I,
    ),
]


def _ages(text: str) -> Iterator[Hit]:
    for pattern in _AGES:
        for m in pattern.finditer(text):
            if re.search(r"\b(?:temp(?:erature)?|T)\s*$", text[max(0, m.start() - 14) : m.start()]):
                continue  # "temp 99F"
            yield "age", "an age over 89", m.start(), m.end()


def _cue_hits(
    kind: str, what: str, finder: Callable[[str], Iterator[tuple[int, int]]]
) -> Callable[[str], Iterator[Hit]]:
    def rule(text: str) -> Iterator[Hit]:
        for start, end in finder(text):
            yield kind, what, start, end

    return rule


def _numbers(text: str) -> Iterator[Hit]:
    """Identity numbers known by their shape (and check digit, where there is one)."""
    for m in re.finditer(r"\b\d{3}-\d{2}-\d{4}\b", text):
        yield "record", "a social security number", m.start(), m.end()
    for m in re.finditer(r"\b[A-Z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[A-D]\b", text):
        yield "record", "a National Insurance number", m.start(), m.end()
    for m in re.finditer(r"(?<![\d\-])\d{3}[ \-]?\d{3}[ \-]?\d{4}(?![\d\-])", text):
        if _nhs_ok(re.sub(r"\D", "", m.group())):
            yield "record", "an NHS number", m.start(), m.end()
    for m in re.finditer(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){2,7}(?:\s?[A-Z0-9]{1,3})?\b", text):
        if _iban_ok(m.group()):
            yield "id number", "a bank account (IBAN)", m.start(), m.end()
    for m in re.finditer(r"(?<![\d\-])\d{4}(?:[ \-]?\d{4}){2}[ \-]?\d{1,7}(?![\d\-])", text):
        digits = re.sub(r"\D", "", m.group())
        if 13 <= len(digits) <= 19 and _luhn_ok(digits):
            yield "id number", "a payment card number", m.start(), m.end()
    for m in re.finditer(r"\b[A-HJ-NPR-Z0-9]{17}\b", text):
        value = m.group()
        if sum(c.isdigit() for c in value) >= 3 and sum(c.isalpha() for c in value) >= 3:
            yield "id number", "a vehicle number (VIN)", m.start(), m.end()
    for m in re.finditer(r"\b[A-Z]{2}\d{2}\s?[A-Z]{3}\b", text):
        yield "id number", "a number plate", m.start(), m.end()


def _nhs_ok(digits: str) -> bool:
    total = sum(int(d) * (10 - i) for i, d in enumerate(digits[:9]))
    check = 11 - total % 11
    return check != 10 and check % 11 == int(digits[9])


def _iban_ok(text: str) -> bool:
    value = text.replace(" ", "")
    if not 15 <= len(value) <= 34:
        return False
    moved = value[4:] + value[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, d in enumerate(reversed(digits)):
        n = int(d) * (2 if i % 2 else 1)
        total += n - 9 if n > 9 else n
    return total % 10 == 0


def cites(text: str, start: int) -> bool:
    """Whether the number at ``start`` belongs to a citation: "PMID 31475794", a DOI or a
    link to the literature (a link elsewhere is flagged as a whole)."""
    if _REFERENCE.search(text[max(0, start - 12) : start]):
        return True
    token = re.split(r"\s", text[max(0, start - 200) : start])[-1].lower()
    return "://" in token or token.startswith(("www.", "doi:", "10."))


def _long_numbers(text: str) -> Iterator[Hit]:
    for m in re.finditer(r"(?<![\d.,])\d{7,}(?![\d.,])", text):
        if not cites(text, m.start()):
            yield "record", "a long number", m.start(), m.end()


# -- contact: e-mail, URLs, IP addresses ---------------------------------------------------
# Sites a case cites for the literature or guidance; links elsewhere are flagged (a
# patient's video, blog, profile or portal).
REFERENCE_SITES = (
    "doi.org",
    "nih.gov",
    "nice.org.uk",
    "who.int",
    "cdc.gov",
    "nejm.org",
    "thelancet.com",
    "bmj.com",
    "jamanetwork.com",
    "ahajournals.org",
    "escardio.org",
    "acc.org",
    "uptodate.com",
    "cochranelibrary.com",
    "clinicaltrials.gov",
    "radiopaedia.org",
    "wikipedia.org",
    "sign.ac.uk",
    "nature.com",
    "sciencedirect.com",
    "springer.com",
    "wiley.com",
    "oup.com",
    "medrxiv.org",
    "mdcalc.com",
)


_SOCIAL = r"(?:facebook|fb|instagram|tiktok|twitter|x|linkedin|youtube|youtu|threads)\.(?:com|be)/"
_LINK = rf"\b(?:https?://|www\.|{_SOCIAL})[^\s<>()\[\]\"']+"


def _contact(text: str) -> Iterator[Hit]:
    for m in re.finditer(r"\b[\w.+\-]+@[\w\-]+(?:\.[\w\-]+)+\b", text):
        yield "email", "an e-mail address", m.start(), m.end()
    for m in re.finditer(_LINK, text, re.I):
        link = m.group().rstrip(".,;:!?")
        host = re.sub(r"^(?:https?://)?(?:www\.)?", "", link, flags=re.I).split("/")[0].lower()
        if not any(host == s or host.endswith("." + s) for s in REFERENCE_SITES):
            yield "url", "a web address", m.start(), m.start() + len(link)
    for m in re.finditer(r"(?<![\w.:])(?:\d{1,3}\.){3}\d{1,3}(?!\w|\.\d)", text):
        before = text[max(0, m.start() - 10) : m.start()]
        if _ip(m.group()) and not re.search(r"(?:\bv|version\s*)$", before, re.I):
            yield "ip address", "an IP address", m.start(), m.end()
    for m in re.finditer(r"(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])", text):
        if m.group().count(":") >= 2 and _ip(m.group()) and ":" in m.group():
            yield "ip address", "an IP address", m.start(), m.end()


def _ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


# -- places ------------------------------------------------------------------------------
_CAP = r"[A-ZÀ-ÖØ-Þ][A-Za-zÀ-ÖØ-öø-ÿ'’\-]*[a-zß-öø-ÿ]"
_STREET = (
    r"(?:Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Drive|Dr|Boulevard|Blvd|Court|Ct|Place|Pl|"
    r"Square|Sq|Way|Close|Crescent|Terrace|Gardens|Green|Hill|Row|Mews|Grove|Rise|Park|"
    r"View|Walk|Parade|Gate|Yard|Wharf|Quay|Vale|Heights|Fields|Meadows?|Croft|Villas|"
    r"Cottages|Circus|Broadway|Highway|Hwy|Parkway|Pkwy|Circle|Cir|Trail|Alley|Pike|"
    r"Straße|Strasse|Weg|Platz|Gasse|Allee|Ring|Damm|Straat|Laan|Plein|Gracht)"
)
_COMPOUND_STREET = (
    r"[A-ZÄÖÜ][a-zäöüß]+(?:straße|strasse|str\.|weg|gasse|platz|allee|ring|damm|straat|laan|"
    r"plein|gracht|gata|gatan|vej|veien)"
)
_FOREIGN_STREET = (
    r"(?:Rue|Avenue|Boulevard|Chemin|Allée|Place|Via|Viale|Piazza|Corso|Calle|Avenida|"
    r"Carrer|Plaza|Paseo|Rua|Travessa)"
)
_PARTICLE = r"(?:(?:de|del|della|di|du|des|la|le|da|do|dos|das|von|van|der)\s+)"
_STREET_RULES = [
    re.compile(rf"\b\d{{1,5}}[A-Za-z]?,?\s+(?:(?:The|{_CAP})\s+){{1,3}}{_STREET}\b\.?"),
    re.compile(rf"\b\d{{1,5}}[A-Za-z]?,?\s+{_FOREIGN_STREET}\s+{_PARTICLE}{{0,2}}{_CAP}"),
    re.compile(
        rf"\b{_COMPOUND_STREET}\s+\d{{1,4}}[a-z]?\b|\b\d{{1,5}}[a-z]?,?\s+{_COMPOUND_STREET}"
    ),
    re.compile(
        rf"\b(?i:lives|living|resides|residing|address|addr|home)\b\s*(?i:at|on|:)?\s*"
        rf"(?i:flat\s+\d+,?\s*)?\d{{1,5}}[A-Za-z]?,?\s+(?:The\s+)?{_CAP}(?:\s+{_CAP}){{0,2}}"
    ),
]
# Countries and larger regions are not identifying (Safe Harbor keeps states).
_LARGE_PLACES = frozenset(
    "england scotland wales ireland britain uk usa us america canada australia france "
    "germany spain portugal italy netherlands belgium switzerland austria poland india "
    "pakistan bangladesh china japan nigeria ghana kenya egypt turkey greece romania "
    "brazil mexico europe africa asia the a an".split()
)
_TOWN_CUE = re.compile(
    rf"(?i:\b(?:(?:lives|living|lived|resides|residing|resident|moved|relocated|settled)\s+"
    rf"(?:in|to|at|of|near)|born\b[^.;\n]{{0,30}}?\bin|\b(?:a|an)\s+(?:[a-z\-]+\s+){{0,2}}"
    rf"from))\s+({_CAP}(?:\s+{_CAP})?)|\bCo\.\s+({_CAP})"
)
_US_STATES = (
    "AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV "
    "NH NJ NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY"
).split()
_POSTCODES = [
    re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b"),  # UK
    re.compile(rf"\b(?:{'|'.join(_US_STATES)})\s+(\d{{5}}(?:-\d{{4}})?)\b"),  # US ZIP
    re.compile(
        r"\b(?i:zip|zip\s+code|post\s*code|postal\s+code|PLZ|CP)\b\s*[:#]?\s*"
        r"((?=[A-Z]{0,4}\d)[A-Z0-9]{3,5}(?:[\s\-][A-Z0-9]{3,4})?)\b"
    ),
]


def _places(text: str) -> Iterator[Hit]:
    for pattern in _STREET_RULES:
        for m in pattern.finditer(text):
            end = m.end()
            if text[end - 1] == "." and re.search(r"[a-z]{4}\.$", m.group()):
                end -= 1  # the end of a sentence, not "St."
            yield "address", "a street address", m.start(), end
    for m in _TOWN_CUE.finditer(text):
        group = 1 if m.group(1) else 2
        words = m.group(group).split()
        if re.sub(r"\W", "", words[0]).lower() in _LARGE_PLACES:
            continue
        if words[0].lower() in ("dr", "st", "the"):
            continue
        start = m.start(group)
        # a town: one or two words, the second only when capitalised and not a sentence's start
        yield "address", "a town or place", start, m.end(group)
    for pattern in _POSTCODES:
        for m in pattern.finditer(text):
            start = m.start(1) if pattern.groups else m.start()
            yield "postcode", "a postcode", start, m.end()


# In the order of priority: where two rules flag overlapping text, the first one's stays.
RULES: list[Callable[[str], Iterator[Hit]]] = [
    _contact,
    lambda t: (("birth date", "a date of birth", m.start(), m.end()) for m in _BIRTH.finditer(t)),
    _dates,
    _ages,
    _cue_hits("insurance", "a health-plan number", _INSURANCE),
    _cue_hits("id number", "an identity, licence, account or device number", _ID_NUMBER),
    _cue_hits("record", "a record or identity number", _RECORD),
    _numbers,
    _places,
]
LATE_RULES: list[Callable[[str], Iterator[Hit]]] = [_long_numbers]  # after phone numbers
