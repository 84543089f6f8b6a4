"""Mentions in a case or comment (issue 20; docs/protocol.md, "Mentions").

``@`` followed by a member's full display name (``@Dr. Bob Okafor``, the longest name that
matches first) or by an unambiguous part of it (``@Okafor``, ``@Bob Okafor``) names that
member. A part that fits several members is left unresolved and reported to the author;
a part made only of words every member's name shares (``@Dr``) names no one. The
author's computer resolves the mentions against the network's members as it writes, so
every computer agrees on whom a text mentions whatever members it knows of.

Pure: matching folds case and accents (``diagnosis_key`` of polls does the same for
diagnoses) and never reads a database.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

MAX_MENTIONS = 20  # members one text may notify
_MAX_WORDS = 6  # words after "@" a part of a name may take


def fold(text: str) -> str:
    """Case and accents folded, NFC: ``Dr. Zoë`` and ``dr. zoe`` compare equal."""
    decomposed = unicodedata.normalize("NFD", text.casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", bare)


def _words(name: str) -> list[str]:
    return [w.strip(".,;:!?()[]\"'") for w in fold(name).split() if w.strip(".,;:!?()[]\"'")]


def _ends_word(text: str, end: int) -> bool:
    return end >= len(text) or not (text[end].isalnum() or text[end] in "-_'")


@dataclass
class Mentions:
    """Whom a text mentions: ``found`` in order of first mention (each once), and the
    parts that fit several members (``ambiguous``: the part, and whom it could be)."""

    found: list[bytes] = field(default_factory=list)
    spans: list[tuple[int, int, bytes]] = field(default_factory=list)
    ambiguous: list[tuple[str, list[bytes]]] = field(default_factory=list)


def _full_name(folded: str, at: int, names: list[tuple[str, bytes]]) -> tuple[int, bytes] | None:
    """The longest full name right after ``@`` at ``at``, ending on a word boundary."""
    for name, key in names:  # longest first
        end = at + 1 + len(name)
        if folded.startswith(name, at + 1) and _ends_word(folded, end):
            return end, key
    return None


def _part(
    text: str, at: int, members: list[tuple[list[str], bytes]], common: set[str]
) -> tuple[int, list[bytes], str] | None:
    """The longest run of words after ``@`` that is a run of words of some member's name
    (words every name shares, such as a title, name no one alone): its end, the members it fits and
    the part as written."""
    rest = text[at + 1 :]
    tokens: list[tuple[str, int]] = []  # folded word, its end in ``text``
    position = 0
    for raw in rest.split(" ")[:_MAX_WORDS]:
        word = raw.rstrip(".,;:!?)]\"'")
        if not word:
            break
        tokens.append((fold(word), at + 1 + position + len(word)))
        if word != raw:  # punctuation ends the part
            break
        position += len(raw) + 1
    for count in range(len(tokens), 0, -1):
        wanted = [t for t, _ in tokens[:count]]
        fits = [key for words, key in members if _contains(words, wanted)]
        if all(w in common for w in wanted) and len(fits) < 2:
            continue  # a title alone does not name the one member it happens to fit
        if fits:
            end = tokens[count - 1][1]
            return end, fits, text[at + 1 : end]
    return None


def _contains(words: list[str], wanted: list[str]) -> bool:
    size = len(wanted)
    return any(words[i : i + size] == wanted for i in range(len(words) - size + 1))


def resolve(text: str, members: Mapping[bytes, str], *, exclude: Iterable[bytes] = ()) -> Mentions:
    """The members ``text`` mentions, among ``members`` (key → display name). Members in
    ``exclude`` (the author) are never mentioned."""
    if "@" not in text:  # most texts: nothing to fold or look for (a write-path profile)
        return Mentions()
    skip = set(exclude)
    candidates = {key: name for key, name in members.items() if key not in skip and name.strip()}
    names = sorted(
        ((" ".join(fold(n).split()), k) for k, n in candidates.items()), key=lambda p: -len(p[0])
    )
    parts = [(_words(n), k) for k, n in candidates.items()]
    counts: dict[str, int] = {}
    for name in members.values():
        for word in set(_words(name)):
            counts[word] = counts.get(word, 0) + 1
    common = {w for w, n in counts.items() if len(members) > 1 and n == len(members)}
    same = fold(text)  # when "ß" → "ss" moved positions, only parts of names (matched
    folded = same if len(same) == len(text) else None  # word by word) are looked for
    result = Mentions()
    at = text.find("@")
    while at != -1:
        if at > 0 and (text[at - 1].isalnum() or text[at - 1] in "._-"):  # an e-mail address
            at = text.find("@", at + 1)
            continue
        whole = _full_name(folded, at, names) if folded is not None else None
        if whole is not None:
            end, key = whole
            _add(result, at, end, key)
        else:
            part = _part(text, at, parts, common)
            end = at + 1
            if part is not None:
                end, fits, written = part
                if len(fits) == 1:
                    _add(result, at, end, fits[0])
                else:
                    result.ambiguous.append((written, sorted(fits)))
        at = text.find("@", max(end, at + 1))
    return result


def _add(result: Mentions, start: int, end: int, key: bytes) -> None:
    result.spans.append((start, end, key))
    if key not in result.found and len(result.found) < MAX_MENTIONS:
        result.found.append(key)


def complete(prefix: str, members: Mapping[bytes, str], *, limit: int = 8) -> list[str]:
    """Display names for completing ``@prefix`` in an editor: names one of whose words (or
    the whole name) starts with ``prefix``, folded; full-name matches first, then by name."""
    wanted = fold(prefix).strip()
    scored: list[tuple[int, str]] = []
    for name in set(members.values()):
        folded = " ".join(fold(name).split())
        if folded.startswith(wanted):
            scored.append((0, name))
        elif any(w.startswith(wanted) for w in _words(name)):
            scored.append((1, name))
    return [name for _, name in sorted(scored, key=lambda p: (p[0], fold(p[1])))][:limit]
