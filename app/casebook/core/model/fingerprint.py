"""Human-comparable fingerprints of public keys.

A 32-byte key becomes 52 base32 characters, split into four blocks of 13, each followed by
a Luhn mod 32 check character; the 56 characters are shown in eight groups of seven::

    MFRGG2D-FMZTGNB-...

Any single mistyped character breaks a check character, as do swaps of adjacent
characters (except the pair ``A``/``7``, the Luhn mod N blind spot), so a typo is
reported as a typo instead of silently naming another key.
"""

from __future__ import annotations

import base64
import re

from casebook.errors import ModelError

ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_INDEX = {c: i for i, c in enumerate(ALPHABET)}
# Characters people confuse with base32 ones when reading aloud or retyping.
_CONFUSABLE = str.maketrans({"0": "O", "1": "I", "8": "B"})
_BLOCK = 13
_GROUP = 7


class FingerprintError(ModelError):
    pass


def luhn32(block: str) -> str:
    """Luhn mod 32 check character for ``block`` (standard right-to-left doubling)."""
    total = 0
    factor = 2
    for char in reversed(block):
        addend = factor * _INDEX[char]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def fingerprint(key: bytes) -> str:
    """The display fingerprint of a 32-byte public key."""
    if len(key) != 32:
        raise FingerprintError("fingerprints are made of 32-byte keys")
    raw = base64.b32encode(key).decode("ascii").rstrip("=")
    checked = "".join(
        raw[i : i + _BLOCK] + luhn32(raw[i : i + _BLOCK]) for i in range(0, len(raw), _BLOCK)
    )
    return "-".join(checked[i : i + _GROUP] for i in range(0, len(checked), _GROUP))


def normalize(text: str) -> str:
    """Upper-case, drop separators and map confusable digits: the form we compare."""
    return re.sub(r"[\s\-]", "", text).upper().translate(_CONFUSABLE)


def parse(text: str) -> bytes:
    """Parse a full fingerprint back to its key; a wrong check character is a typo."""
    chars = normalize(text)
    if len(chars) != 56 or any(c not in _INDEX for c in chars):
        raise FingerprintError(
            "not a fingerprint: expected 56 letters A–Z and digits 2–7 in groups of seven"
        )
    raw = ""
    for n, start in enumerate(range(0, 56, _BLOCK + 1)):
        block, check = chars[start : start + _BLOCK], chars[start + _BLOCK]
        if luhn32(block) != check:
            raise FingerprintError(
                f"fingerprint has a typo in group {2 * n + 1} or {2 * n + 2}: "
                "check it against the original"
            )
        raw += block
    return base64.b32decode(raw + "====")


def short(fp: str) -> str:
    """The first two groups, enough to tell members apart in lists."""
    return "-".join(fp.split("-")[:2])
