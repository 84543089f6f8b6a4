"""How guessable a new passphrase is: one rule for the CLI and the app.

A rough estimate, not a promise: length counts far more than symbols, several words
count extra, and a few of the most used passwords (with digits and symbols around
them) count as nothing. ``check`` refuses what is too short or weak; the app shows the
same ``strength`` as the person types.
"""

from __future__ import annotations

import re

from casebook.errors import UsageError, say

MIN_LENGTH = 8
# The bases of the most used passwords (lists of leaked passwords agree on these).
COMMON = frozenset(
    {
        "password", "passwort", "motdepasse", "contraseña", "qwerty", "qwertz", "azerty",
        "letmein", "welcome", "admin", "iloveyou", "monkey", "dragon", "football",
        "baseball", "sunshine", "princess", "master", "shadow", "abc", "abcdef",
        "trustno", "casebook", "doctor", "hospital", "patient",
    }
)  # fmt: skip


def strength(passphrase: str) -> str:
    """``"too short"``, ``"weak"``, ``"fair"`` or ``"strong"``."""
    if len(passphrase) < MIN_LENGTH:
        return "too short"
    base = re.sub(r"[\W\d_]+", "", passphrase.lower())
    if not base or base in COMMON or len(set(passphrase)) <= 3:
        return "weak"
    classes = sum(
        any(test(c) for c in passphrase)
        for test in (str.islower, str.isupper, str.isdigit, lambda c: not c.isalnum())
    )
    words = len(passphrase.split())
    score = len(passphrase) + 4 * classes + 6 * max(0, words - 1)
    if score < 24:
        return "weak"
    return "fair" if score < 36 else "strong"


def check(passphrase: str) -> None:
    """Refuse, in words, a new passphrase that is too short or easy to guess."""
    level = strength(passphrase)
    if level == "too short":
        raise UsageError(
            say(
                (
                    "The passphrase must have at least {0} characters; a few unrelated "
                    "words are easy to remember and hard to guess."
                ),
                MIN_LENGTH,
            )
        )
    if level == "weak":
        raise UsageError(
            "That passphrase is among the first an attacker would try. A few unrelated "
            "words (say, four) are easy to remember and hard to guess."
        )
