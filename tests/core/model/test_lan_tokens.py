"""LAN discovery tokens: the formula of docs/protocol.md, checked against an independent
HKDF/HMAC written here from RFC 5869, and what a browser recognises or must not."""

from __future__ import annotations

import hashlib
import hmac
import os

from casebook.core.model import lan_tokens
from casebook.core.model.lan_tokens import Key, new_salt, recognise, token, window

NET, OTHER_NET = os.urandom(16), os.urandom(16)
SEED = bytes(range(32))
NOW = 1_796_000_000.0
SALT = bytes(8)


def _rfc5869(ikm: bytes, salt: bytes, info: bytes) -> bytes:
    prk = hmac.new(salt, ikm, hashlib.sha256).digest()
    return hmac.new(prk, info + b"\x01", hashlib.sha256).digest()  # one block: 32 bytes


def test_the_token_and_the_authority_key_are_the_documented_formulas() -> None:
    epoch, w, salt = 3, window(NOW), os.urandom(8)
    key = _rfc5869(SEED, NET, b"casebook/lan/v1\0" + epoch.to_bytes(8, "big"))
    mac = hmac.new(key, b"casebook/lan-token/v1\0" + w.to_bytes(8, "big") + salt, "sha256")
    assert token(Key(NET, epoch, SEED), w, salt) == mac.digest()[:8]
    ca = _rfc5869(SEED, NET, b"casebook/lan-ca/v1\0" + epoch.to_bytes(8, "big"))
    assert Key(NET, epoch, SEED).ca_secret() == ca != key


def test_tokens_change_with_window_network_epoch_seed_and_salt() -> None:
    w = window(NOW)
    base = token(Key(NET, 1, SEED), w, SALT)
    others = {
        token(Key(NET, 1, SEED), w + 1, SALT),
        token(Key(OTHER_NET, 1, SEED), w, SALT),
        token(Key(NET, 2, SEED), w, SALT),
        token(Key(NET, 1, os.urandom(32)), w, SALT),
        token(Key(NET, 1, SEED), w, b"\1" * 8),
    }
    assert len(base) == 8 and base not in others and len(others) == 5


def test_two_members_of_one_network_advertise_unlinkable_tokens() -> None:
    mine = Key(NET, 1, SEED)
    salt_a, salt_b = new_salt(), new_salt()
    a, b = token(mine, window(NOW), salt_a), token(mine, window(NOW), salt_b)
    assert a != b and salt_a != salt_b
    assert recognise(lan_tokens.advertised([a]), salt_a, [mine], NOW) == {NET: a}
    assert recognise(lan_tokens.advertised([a]), salt_b, [mine], NOW) == {}


def test_a_member_recognises_the_network_within_an_hour_of_skew() -> None:
    mine = Key(NET, 1, SEED)
    for skew in (-3600, 0, 3600):
        t = token(mine, window(NOW + skew), SALT)
        assert recognise(lan_tokens.advertised([t]), SALT, [mine], NOW) == {NET: t}
    stale = lan_tokens.advertised([token(mine, window(NOW - 2 * 3600), SALT)])
    assert recognise(stale, SALT, [mine], NOW) == {}


def test_a_removed_member_with_an_older_seed_does_not_recognise_the_new_epoch() -> None:
    new = Key(NET, 2, os.urandom(32))
    value = lan_tokens.advertised([token(new, window(NOW), SALT)])
    assert recognise(value, SALT, [Key(NET, 1, SEED)], NOW) == {}
    assert list(recognise(value, SALT, [new], NOW)) == [NET]


def test_the_advertisement_pads_to_whole_slots_with_fresh_fillers() -> None:
    one = [token(Key(NET, 1, SEED), window(NOW), SALT)]
    assert len(lan_tokens.advertised([])) == 4 * 8
    assert len(lan_tokens.advertised(one)) == 4 * 8
    assert len(lan_tokens.advertised(one * 5)) == 8 * 8
    assert lan_tokens.advertised(one)[8:] != lan_tokens.advertised(one)[8:]
    keys = [Key(NET, 1, SEED), Key(OTHER_NET, 1, SEED)]
    both = lan_tokens.advertised([token(k, window(NOW), SALT) for k in keys])
    assert set(recognise(both, SALT, keys, NOW)) == {NET, OTHER_NET}


def test_anything_else_in_the_txt_record_is_ignored_cheaply() -> None:
    keys = [Key(NET, 1, SEED)]
    assert recognise(b"", SALT, keys, NOW) == {}
    assert recognise(b"x" * 7, SALT, keys, NOW) == {}
    assert recognise(os.urandom(29 * 8), SALT, keys, NOW) == {}  # too many slots to look at
    assert recognise(os.urandom(8), b"short", keys, NOW) == {}


def test_the_authority_name_is_the_documented_formula_and_salted() -> None:
    epoch, salt = 2, os.urandom(8)
    name_key = _rfc5869(SEED, NET, b"casebook/lan-ca-name/v1\0" + epoch.to_bytes(8, "big"))
    mac = hmac.new(name_key, b"casebook/lan-authority/v1\0" + salt, hashlib.sha256)
    key = Key(NET, epoch, SEED)
    assert key.authority_name(salt) == "casebook-lan-" + mac.digest()[:8].hex()
    assert key.authority_name(new_salt()) != key.authority_name(salt)
    assert Key(NET, epoch + 1, SEED).authority_name(salt) != key.authority_name(salt)
