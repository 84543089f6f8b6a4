"""LAN discovery tokens: the formula of docs/protocol.md, checked against an independent
HKDF/HMAC written here from RFC 5869, and what a browser recognises or must not."""

from __future__ import annotations

import hashlib
import hmac
import os

from casebook.core.model import lan_tokens
from casebook.core.model.lan_tokens import Key, recognise, token, window

NET, OTHER_NET = os.urandom(16), os.urandom(16)
SEED = bytes(range(32))
NOW = 1_796_000_000.0


def _rfc5869(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()  # one block: 32 bytes


def test_the_token_is_the_documented_formula() -> None:
    epoch, w = 3, window(NOW)
    key = _rfc5869(SEED, NET, b"casebook/lan/v1\0" + epoch.to_bytes(8, "big"))
    mac = hmac.new(key, b"casebook/lan-token/v1\0" + w.to_bytes(8, "big"), hashlib.sha256)
    assert token(SEED, NET, epoch, w) == mac.digest()[:8]


def test_tokens_change_with_window_network_epoch_and_seed() -> None:
    w = window(NOW)
    base = token(SEED, NET, 1, w)
    others = {
        token(SEED, NET, 1, w + 1),
        token(SEED, OTHER_NET, 1, w),
        token(SEED, NET, 2, w),
        token(os.urandom(32), NET, 1, w),
    }
    assert len(base) == 8 and base not in others and len(others) == 4


def test_a_member_recognises_the_network_within_an_hour_of_skew() -> None:
    mine = Key(NET, 1, SEED)
    for skew in (-3600, 0, 3600):
        value = lan_tokens.advertised([token(SEED, NET, 1, window(NOW + skew))])
        assert recognise(value, [mine], NOW) == {NET}
    stale = lan_tokens.advertised([token(SEED, NET, 1, window(NOW - 2 * 3600))])
    assert recognise(stale, [mine], NOW) == set()


def test_a_removed_member_with_an_older_seed_does_not_recognise_the_new_epoch() -> None:
    new_seed = os.urandom(32)
    value = lan_tokens.advertised([token(new_seed, NET, 2, window(NOW))])
    assert recognise(value, [Key(NET, 1, SEED)], NOW) == set()
    assert recognise(value, [Key(NET, 2, new_seed)], NOW) == {NET}


def test_the_advertisement_pads_to_whole_slots_with_fresh_fillers() -> None:
    one = [token(SEED, NET, 1, window(NOW))]
    assert len(lan_tokens.advertised([])) == 4 * 8
    assert len(lan_tokens.advertised(one)) == 4 * 8
    assert len(lan_tokens.advertised(one * 5)) == 8 * 8
    assert lan_tokens.advertised(one)[8:] != lan_tokens.advertised(one)[8:]
    both = lan_tokens.advertised(
        [token(SEED, NET, 1, window(NOW)), token(SEED, OTHER_NET, 1, window(NOW))]
    )
    assert recognise(both, [Key(NET, 1, SEED), Key(OTHER_NET, 1, SEED)], NOW) == {NET, OTHER_NET}


def test_anything_else_in_the_txt_record_is_ignored_cheaply() -> None:
    keys = [Key(NET, 1, SEED)]
    assert recognise(b"", keys, NOW) == set()
    assert recognise(b"x" * 7, keys, NOW) == set()
    assert recognise(os.urandom(65 * 8), keys, NOW) == set()  # too many slots to look at
