"""Polls on a case (docs/protocol.md, "Polls"): their payloads, and the pooled result.

A case's author asks "what would you do?" (``choice``: options they write) or "what is
your differential?" (``differential``: each member ranks up to five diagnoses). A member
answers once (or skips); the author may mark the final answer. Pure: the projection, the
library and the tests share these rules.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from casebook.core.model.events import EventError

KINDS = ("choice", "differential")
MAX_QUESTION = 300
MAX_OPTION = 200
MAX_OPTIONS = 10
MAX_RANKS = 5
MAX_DIAGNOSIS = 120


def _line(value: Any, name: str, limit: int) -> str:
    """One line of text, normalised (NFC, spaces collapsed) and bounded."""
    if not isinstance(value, str):
        raise EventError(f"{name} must be text")
    text = " ".join(unicodedata.normalize("NFC", value).split())
    text = "".join(c for c in text if unicodedata.category(c) != "Cc")
    if len(text) > limit:
        raise EventError(f"{name} is longer than {limit} characters")
    return text


def _ref(value: Any, name: str) -> bytes:
    if not isinstance(value, bytes) or len(value) != 32:
        raise EventError(f"{name} must be an event id")
    return value


def _exact(payload: dict[str, Any], keys: set[str]) -> None:
    if set(payload) != keys:
        raise EventError("payload has missing or unknown fields")


def diagnosis_key(text: str) -> str:
    """What two spellings of one diagnosis share: case and accents folded, spaces
    collapsed ("Viral  Pericarditis" and "viral pericarditis" pool together)."""
    folded = unicodedata.normalize("NFKD", text.casefold())
    return " ".join("".join(c for c in folded if not unicodedata.combining(c)).split())


def validate_create(payload: dict[str, Any]) -> dict[str, Any]:
    _exact(payload, {"case", "kind", "question", "options"})
    kind = payload["kind"]
    if kind not in KINDS:
        raise EventError("a poll is a choice or a differential")
    question = _line(payload["question"], "question", MAX_QUESTION)
    options = payload["options"]
    if not isinstance(options, list) or len(options) > MAX_OPTIONS:
        raise EventError(f"a poll has at most {MAX_OPTIONS} options")
    clean = [_line(o, "option", MAX_OPTION) for o in options]
    if kind == "choice":
        if len(clean) < 2 or any(not o for o in clean):
            raise EventError("a choice poll needs at least two options, none empty")
        if len({diagnosis_key(o) for o in clean}) != len(clean):
            raise EventError("a poll's options differ from one another")
    elif clean:
        raise EventError("a differential poll has no options: members write their own")
    return {"case": _ref(payload["case"], "case"), "kind": kind, "question": question,
            "options": clean}  # fmt: skip


def validate_answer(payload: dict[str, Any]) -> dict[str, Any]:
    """``skip`` true (no choice, no ranks), a ``choice`` (an option's index) or up to five
    ranked diagnoses, distinct once folded."""
    _exact(payload, {"poll", "case", "choice", "ranks", "skip"})
    skip, choice, ranks = payload["skip"], payload["choice"], payload["ranks"]
    if not isinstance(skip, bool) or not isinstance(ranks, list):
        raise EventError("a poll answer is malformed")
    if choice is not None and (type(choice) is not int or not 0 <= choice < MAX_OPTIONS):
        raise EventError("a choice is an option's number")
    clean = [_line(r, "diagnosis", MAX_DIAGNOSIS) for r in ranks]
    if len(clean) > MAX_RANKS or any(not r for r in clean):
        raise EventError(f"rank at most {MAX_RANKS} diagnoses, none empty")
    if len({diagnosis_key(r) for r in clean}) != len(clean):
        raise EventError("each diagnosis is ranked once")
    given = (choice is not None) + bool(clean)
    if (skip and given) or (not skip and given != 1):
        raise EventError("an answer is a choice, a ranking, or a skip")
    return {"poll": _ref(payload["poll"], "poll"), "case": _ref(payload["case"], "case"),
            "choice": choice, "ranks": clean, "skip": skip}  # fmt: skip


def validate_final(payload: dict[str, Any]) -> dict[str, Any]:
    """The final answer: a diagnosis (differential) or an option's number (choice)."""
    _exact(payload, {"poll", "case", "answer"})
    answer = payload["answer"]
    if type(answer) is int:
        if not 0 <= answer < MAX_OPTIONS:
            raise EventError("a choice is an option's number")
    else:
        answer = _line(answer, "final answer", MAX_DIAGNOSIS)
        if not answer:
            raise EventError("a final answer needs some text")
    return {"poll": _ref(payload["poll"], "poll"), "case": _ref(payload["case"], "case"),
            "answer": answer}  # fmt: skip


@dataclass(frozen=True)
class Pooled:
    """One answer of the pooled result: its text (the spelling most answers used), its
    combined weight, and how many members gave it."""

    answer: str
    weight: float
    votes: int


def weight(rank: int) -> float:
    """A diagnosis ranked ``rank`` (1 first) counts 1/rank: the first counts most, and a
    diagnosis many put second can outweigh one a single member put first."""
    return 1.0 / rank


def pool_differential(rankings: Iterable[list[str]]) -> list[Pooled]:
    """Each member's ranked list → diagnoses by combined weight (ties: more votes, then
    alphabetical)."""
    weights: dict[str, float] = {}
    votes: dict[str, int] = {}
    spellings: dict[str, dict[str, int]] = {}
    for ranks in rankings:
        for position, text in enumerate(ranks, start=1):
            key = diagnosis_key(text)
            weights[key] = weights.get(key, 0.0) + weight(position)
            votes[key] = votes.get(key, 0) + 1
            seen = spellings.setdefault(key, {})
            seen[text] = seen.get(text, 0) + 1
    out = [
        Pooled(max(sorted(spellings[k]), key=lambda s: spellings[k][s]), round(w, 3), votes[k])
        for k, w in weights.items()
    ]
    return sorted(out, key=lambda p: (-p.weight, -p.votes, diagnosis_key(p.answer)))


def pool_choice(options: list[str], choices: Iterable[int]) -> list[Pooled]:
    """Each option with how many chose it (its weight), in the author's order."""
    counts = [0] * len(options)
    for choice in choices:
        if 0 <= choice < len(options):
            counts[choice] += 1
    return [Pooled(text, float(n), n) for text, n in zip(options, counts, strict=True)]
