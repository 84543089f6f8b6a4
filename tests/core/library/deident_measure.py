"""Score the de-identification check on the corpus of :mod:`deident_corpus`: recall per
Safe Harbor category and false positives by the kind of finding. Print the tables::

    .venv/bin/python tests/core/library/deident_measure.py [-v]
"""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parents[2]))  # run as a script, too

from deident_corpus import (
    CATEGORIES,
    CLEAN,
    HELD_OUT_CLEAN,
    HELD_OUT_IDENTIFIERS,
    IDENTIFIERS,
    Item,
)


@dataclass
class Score:
    expected: int = 0
    found: int = 0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0


@dataclass
class Report:
    recall: dict[str, Score] = field(default_factory=dict)
    false_positives: Counter[str] = field(default_factory=Counter)  # by finding kind
    clean_texts: int = 0
    clean_flagged: int = 0
    misses: list[tuple[str, str, str]] = field(default_factory=list)
    extra: list[tuple[str, str, str]] = field(default_factory=list)


def measure(
    check: Callable[[str], Sequence[Any]],
    identifiers: list[Item] | None = None,
    clean: list[str] | None = None,
) -> Report:
    """Recall per category (an identifier counts as found when a finding overlaps it) and
    false positives (findings that overlap no marked identifier), by the finding's kind.
    ``check`` returns findings with ``kind``, ``start``, ``end`` and ``text``."""
    report = Report(recall={c: Score() for c in CATEGORIES})
    identifiers = IDENTIFIERS if identifiers is None else identifiers
    clean = CLEAN if clean is None else clean
    for text, marks in identifiers + [(t, []) for t in clean]:
        findings = check(text)
        spans = []
        for category, words in marks:
            start = text.index(words)
            spans.append((start, start + len(words)))
            score = report.recall[category]
            score.expected += 1
            if any(f.start < start + len(words) and start < f.end for f in findings):
                score.found += 1
            else:
                report.misses.append((category, words, text))
        for f in findings:
            if not any(f.start < e and s < f.end for s, e in spans):
                report.false_positives[f.kind] += 1
                report.extra.append((f.kind, f.text, text))
        if not marks:
            report.clean_texts += 1
            report.clean_flagged += bool(findings)
    return report


def table(report: Report) -> str:
    """A Markdown table of ``report``."""
    kinds = sorted(set(report.false_positives) | set(CATEGORIES))
    lines = [
        "| category | identifiers | found | recall | false positives (findings of this kind "
        "on no identifier) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for kind in kinds:
        score = report.recall.get(kind)
        if score is None:
            lines.append(f"| {kind} | – | – | – | {report.false_positives[kind]} |")
            continue
        lines.append(
            f"| {kind} | {score.expected} | {score.found} | {score.recall:.0%} | "
            f"{report.false_positives[kind]} |"
        )
    total = sum(s.expected for s in report.recall.values())
    found = sum(s.found for s in report.recall.values())
    lines.append(
        f"| **all** | {total} | {found} | {found / total:.0%} | "
        f"{sum(report.false_positives.values())} |"
    )
    lines.append("")
    lines.append(
        f"Clean texts: {report.clean_texts}, "
        f"flagged: {report.clean_flagged} ({report.clean_flagged / report.clean_texts:.0%})."
    )
    return "\n".join(lines)


SETS = {
    "shaped on (the rules were written against it)": (IDENTIFIERS, CLEAN),
    "held out (written after the rules, not tuned on)": (HELD_OUT_IDENTIFIERS, HELD_OUT_CLEAN),
    "all": (IDENTIFIERS + HELD_OUT_IDENTIFIERS, CLEAN + HELD_OUT_CLEAN),
}

if __name__ == "__main__":
    import sys

    from casebook.core.library.deident import check_text

    for title, (identifiers, clean) in SETS.items():
        result = measure(check_text, identifiers, clean)
        print(f"\n## {title}: {len(identifiers) + len(clean)} texts\n")
        print(table(result))
        if "-v" in sys.argv and title != "all":
            print("\nMissed:")
            for category, words, text in result.misses:
                print(f"  {category}: {words!r} in {text!r}")
            print("\nFlagged on clean words:")
            for kind, words, text in result.extra:
                print(f"  {kind}: {words!r} in {text!r}")
