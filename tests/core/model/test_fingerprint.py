import os

import pytest

from casebook.core.model.fingerprint import ALPHABET, FingerprintError, fingerprint, parse, short


def test_round_trip_and_lenient_input():
    key = os.urandom(32)
    fp = fingerprint(key)
    assert len(fp) == 63 and fp.count("-") == 7
    assert parse(fp) == key
    assert parse(fp.lower().replace("-", " ")) == key
    assert short(fp) == fp[:15]


def test_every_single_character_typo_is_caught():
    key = bytes(range(32))
    fp = fingerprint(key)
    positions = [i for i, c in enumerate(fp) if c != "-"]
    for i in positions:
        for replacement in ALPHABET:
            if replacement == fp[i]:
                continue
            typo = fp[:i] + replacement + fp[i + 1 :]
            with pytest.raises(FingerprintError, match="typo"):
                parse(typo)


def test_adjacent_swaps_are_caught():
    for _ in range(20):
        fp = fingerprint(os.urandom(32))
        chars = fp.replace("-", "")
        for i in range(len(chars) - 1):
            a, b = chars[i], chars[i + 1]
            if a == b or {a, b} == {"A", "7"}:
                continue
            swapped = chars[:i] + b + a + chars[i + 2 :]
            with pytest.raises(FingerprintError):
                parse(swapped)


@pytest.mark.parametrize("text", ["", "ABC", "!" * 56, "A" * 57])
def test_garbage_is_not_a_fingerprint(text):
    with pytest.raises(FingerprintError, match="not a fingerprint"):
        parse(text)
