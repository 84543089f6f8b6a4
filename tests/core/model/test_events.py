"""Attack-style tests for signed, encrypted events (casebook.core.model.events)."""

from __future__ import annotations

import hashlib
import random
from typing import Any

import cbor2
import pytest

from casebook.core.model import content, events
from casebook.core.model.encoding import decode, encode
from casebook.core.model.events import Event, EventError
from casebook.core.model.identity import Identity

NET = bytes(range(16))
SEED = bytes(range(100, 132))
PAYLOAD = {"title": "Syncope in a marathon runner", "body": "Collapsed at km 30."}


@pytest.fixture(scope="module")
def alice() -> Identity:
    return Identity.generate()


@pytest.fixture(scope="module")
def mallory() -> Identity:
    return Identity.generate()


def make(identity: Identity, **overrides: Any) -> Event:
    args: dict[str, Any] = {
        "net": NET,
        "seq": 1,
        "prev": None,
        "lamport": 1,
        "ts": 1_700_000_000_000,
        "kind": "case.create",
        "epoch": 0,
        "seed": SEED,
        "payload": PAYLOAD,
    }
    args.update(overrides)
    return events.create(identity, **args)


def sign(identity: Identity, header_bytes: bytes) -> bytes:
    event_id = hashlib.sha256(header_bytes).digest()
    return identity.sign(events._SIG_DOMAIN + event_id)


def forge(
    identity: Identity, header: dict[str, Any], body: bytes, *, header_bytes: bytes | None = None
) -> bytes:
    """A correctly signed event with whatever header (map or bytes) we like."""
    if header_bytes is None:
        header_bytes = encode(header)
    return encode([header_bytes, body, sign(identity, header_bytes)])


def header_map(event: Event) -> dict[str, Any]:
    return dict(decode(event.header_bytes))


# -- round trip ---------------------------------------------------------------------------
def test_round_trip(alice: Identity):
    first = make(alice)
    parsed = events.parse(first.raw)
    assert parsed == first
    assert parsed.id == hashlib.sha256(parsed.header_bytes).digest()
    assert parsed.author == alice.public_key
    assert (parsed.net, parsed.seq, parsed.kind) == (NET, 1, "case.create")
    assert parsed.header.prev is None
    assert parsed.header.body_hash == hashlib.sha256(parsed.body).digest()
    assert parsed.decrypt(SEED) == PAYLOAD
    assert decode(first.raw) == [first.header_bytes, first.body, first.signature]

    second = make(
        alice,
        seq=2,
        prev=first.id,
        lamport=2,
        kind="comment.create",
        payload={"case": first.id, "parent": None, "body": "Think HCM."},
    )
    again = events.parse(second.raw)
    assert again.header.prev == first.id
    assert again.decrypt(SEED)["case"] == first.id


def test_body_is_encrypted_and_randomised(alice: Identity):
    one, two = make(alice), make(alice)
    assert PAYLOAD["title"].encode() not in one.raw
    assert encode(PAYLOAD) not in one.raw
    assert one.body != two.body  # fresh nonce each time
    assert one.id != two.id


# -- tampering ----------------------------------------------------------------------------
def test_every_single_byte_flip_is_rejected(alice: Identity):
    event = make(alice, payload={"body": "short"})
    raw = event.raw
    assert len(raw) < 400
    parsed_anyway = []
    for position in range(len(raw)):
        for mask in (0x01, 0x80, 0xFF):
            damaged = bytearray(raw)
            damaged[position] ^= mask
            try:
                candidate = events.parse(bytes(damaged))
            except EventError:
                continue
            parsed_anyway.append((position, mask))
            with pytest.raises(EventError):  # it must at least not decrypt
                candidate.decrypt(SEED)
    assert parsed_anyway == []


def test_truncations_and_trailing_bytes_are_rejected(alice: Identity):
    raw = make(alice).raw
    for length in range(len(raw)):
        with pytest.raises(EventError):
            events.parse(raw[:length])
    for extra in (b"\x00", b"\xf6", raw):
        with pytest.raises(EventError):
            events.parse(raw + extra)


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"\x00",
        b"\x80",  # empty array
        b"\xf6",  # null
        encode([b"a", b"b"]),
        encode([b"a", b"b", b"c", b"d"]),
        encode(["header", b"", b"\x00" * 64]),
        encode([b"", b"", b""]),
        encode({"header": b""}),
        b"\x9f\x40\x40\x40\xff",  # indefinite-length array
        b"\xd8\x18" + encode([b"", b"", b""]),  # tagged
    ],
)
def test_garbage_is_rejected(raw: bytes):
    with pytest.raises(EventError):
        events.parse(raw)


def test_oversized_event_rejected_before_decoding():
    with pytest.raises(EventError, match="too large"):
        events.parse(b"\x00" * (events.MAX_EVENT_BYTES + 1))


def test_body_moved_to_another_event_is_rejected(alice: Identity):
    one = make(alice, payload={"body": "one"})
    two = make(alice, payload={"body": "two"})
    swapped = encode([one.header_bytes, two.body, one.signature])
    with pytest.raises(EventError, match="hash"):
        events.parse(swapped)
    empty = encode([one.header_bytes, b"", one.signature])
    with pytest.raises(EventError):
        events.parse(empty)


@pytest.mark.parametrize(
    "field, value",
    [
        ("ts", 1_700_000_000_001),
        ("lamport", 7),
        ("kind", "comment.create"),
        ("epoch", 1),
        ("net", bytes(16)),
        ("pub", {"nonce": b"x"}),
        ("seq", 2),
    ],
)
def test_body_rebound_under_another_header_does_not_decrypt(
    alice: Identity, field: str, value: Any
):
    """Even the author re-signing a header around an old body cannot change its context."""
    original = make(alice)
    forged = header_map(original)
    forged[field] = value
    if field == "seq":
        forged["prev"] = hashlib.sha256(b"some earlier event").digest()
    event = events.parse(forge(alice, forged, original.body))  # structurally fine...
    with pytest.raises(EventError, match="decrypt"):
        event.decrypt(SEED)  # ...but the body is bound to its original header


def test_body_stolen_by_another_author_does_not_decrypt(alice: Identity, mallory: Identity):
    original = make(alice)
    forged = header_map(original)
    forged["author"] = mallory.public_key
    event = events.parse(forge(mallory, forged, original.body))
    with pytest.raises(EventError, match="decrypt"):
        event.decrypt(SEED)


def test_signature_by_another_identity_is_rejected(alice: Identity, mallory: Identity):
    event = make(alice)
    resigned = encode([event.header_bytes, event.body, sign(mallory, event.header_bytes)])
    with pytest.raises(EventError, match="signature"):
        events.parse(resigned)


@pytest.mark.parametrize(
    "signature",
    [
        b"",
        b"\x00" * 64,
        b"\x00" * 63,
        b"\x00" * 65,
    ],
)
def test_bad_signatures_rejected(alice: Identity, signature: bytes):
    event = make(alice)
    with pytest.raises(EventError, match="signature"):
        events.parse(encode([event.header_bytes, event.body, signature]))


def test_signature_without_domain_tag_is_rejected(alice: Identity):
    event = make(alice)
    for message in (event.id, event.header_bytes, b"casebook/other/v1\x00" + event.id):
        raw = encode([event.header_bytes, event.body, alice.sign(message)])
        with pytest.raises(EventError, match="signature"):
            events.parse(raw)


def test_signature_from_other_event_is_rejected(alice: Identity):
    one, two = make(alice), make(alice)
    with pytest.raises(EventError, match="signature"):
        events.parse(encode([one.header_bytes, one.body, two.signature]))


# -- canonical encoding -------------------------------------------------------------------
def test_noncanonical_header_key_order_rejected(alice: Identity):
    event = make(alice)
    mapping = header_map(event)
    reordered = dict(reversed(list(mapping.items())))
    header_bytes = cbor2.dumps(reordered, canonical=False)
    assert header_bytes != event.header_bytes and cbor2.loads(header_bytes) == mapping
    with pytest.raises(EventError, match="canonical"):
        events.parse(forge(alice, {}, event.body, header_bytes=header_bytes))


def test_noncanonical_integer_in_header_rejected(alice: Identity):
    event = make(alice)
    needle = b"\x63seq\x01"
    assert event.header_bytes.count(needle) == 1
    header_bytes = event.header_bytes.replace(needle, b"\x63seq\x18\x01")
    assert cbor2.loads(header_bytes) == header_map(event)
    with pytest.raises(EventError, match="canonical"):
        events.parse(forge(alice, {}, event.body, header_bytes=header_bytes))


def test_noncanonical_outer_array_rejected(alice: Identity):
    event = make(alice)
    length = len(event.header_bytes)
    assert 24 <= length < 256
    # The same header byte string with a two-byte length instead of a one-byte one.
    outer = (
        b"\x83"
        + b"\x59"
        + length.to_bytes(2, "big")
        + event.header_bytes
        + cbor2.dumps(event.body)
        + cbor2.dumps(event.signature)
    )
    assert cbor2.loads(outer) == [event.header_bytes, event.body, event.signature]
    with pytest.raises(EventError, match="canonical"):
        events.parse(outer)


def test_duplicate_header_key_rejected(alice: Identity):
    event = make(alice)
    items = header_map(event)
    # Encode the 11 entries plus a repeated "ts" by hand: map of 12 with a duplicate key.
    body = b"".join(cbor2.dumps(k) + cbor2.dumps(v) for k, v in items.items())
    header_bytes = b"\xac" + body + cbor2.dumps("ts") + cbor2.dumps(0)
    with pytest.raises(EventError):
        events.parse(forge(alice, {}, event.body, header_bytes=header_bytes))


# -- keys ---------------------------------------------------------------------------------
def test_wrong_epoch_seed_does_not_decrypt(alice: Identity):
    event = make(alice)
    for seed in (content.new_seed(), SEED[:-1] + bytes([SEED[-1] ^ 1]), bytes(32)):
        with pytest.raises(EventError, match="decrypt"):
            event.decrypt(seed)
    assert event.decrypt(SEED) == PAYLOAD


def test_decrypted_payload_must_be_a_map(alice: Identity):
    # An author (holding the seed) could seal a non-map payload by hand; decrypt refuses it.
    event = make(alice)
    forged = header_map(event)
    forged.pop("body")
    aead = content.body_key(SEED, NET, 0)
    sealed = content.seal(aead, encode(["not", "a", "map"]), events._AD_DOMAIN + encode(forged))
    forged["body"] = hashlib.sha256(sealed).digest()
    parsed = events.parse(forge(alice, forged, sealed))
    with pytest.raises(EventError, match="map"):
        parsed.decrypt(SEED)


# -- header validation --------------------------------------------------------------------
PREV = hashlib.sha256(b"previous").digest()


def _set(**values: Any):
    def change(header: dict[str, Any]) -> None:
        header.update(values)

    return change


def _drop(key: str):
    def change(header: dict[str, Any]) -> None:
        del header[key]

    return change


HEADER_CHANGES = {
    "extra field": _set(extra=1),
    "extra field null": _set(sig=None),
    **{f"missing {key}": _drop(key) for key in sorted(events._HEADER_KEYS)},
    "seq 0": _set(seq=0),
    "seq negative": _set(seq=-1),
    "seq bool": _set(seq=True),
    "seq text": _set(seq="1"),
    "prev on seq 1": _set(prev=PREV),
    "prev missing on seq 2": _set(seq=2, prev=None),
    "prev short on seq 2": _set(seq=2, prev=PREV[:31]),
    "prev text on seq 2": _set(seq=2, prev=PREV.hex()),
    "kind empty": _set(kind=""),
    "kind upper": _set(kind="Case.create"),
    "kind double dot": _set(kind="case..create"),
    "kind trailing dot": _set(kind="case."),
    "kind dash": _set(kind="case-create"),
    "kind digits": _set(kind="case.create2"),
    "kind too long": _set(kind="a" * 41),
    "kind not text": _set(kind=5),
    "kind null": _set(kind=None),
    "net short": _set(net=NET[:15]),
    "net long": _set(net=NET + b"\x00"),
    "net text": _set(net=NET.hex()),
    "author short": _set(author=b"\x01" * 31),
    "body hash short": _set(body=b"\x00" * 31),
    "lamport 0": _set(lamport=0),
    "lamport bool": _set(lamport=True),
    "ts negative": _set(ts=-1),
    "epoch negative": _set(epoch=-1),
    "pub list": _set(pub=[]),
    "pub null": _set(pub=None),
    "version 2": _set(v=2),
    "version 0": _set(v=0),
    "version text": _set(v="1"),
}


def test_forge_helper_makes_valid_events(alice: Identity):
    event = make(alice)
    again = events.parse(forge(alice, header_map(event), event.body))
    assert again.id == event.id
    assert again.decrypt(SEED) == PAYLOAD


@pytest.mark.parametrize("change", list(HEADER_CHANGES), ids=list(HEADER_CHANGES))
def test_bad_headers_rejected(alice: Identity, change: str):
    event = make(alice)
    forged = header_map(event)
    HEADER_CHANGES[change](forged)
    with pytest.raises(EventError):
        events.parse(forge(alice, forged, event.body))


def test_kind_with_trailing_newline_rejected(alice: Identity):
    event = make(alice)
    forged = header_map(event)
    forged["kind"] = "case.create\n"
    with pytest.raises(EventError):
        events.parse(forge(alice, forged, event.body))


def test_version_true_rejected(alice: Identity):
    event = make(alice)
    forged = header_map(event)
    forged["v"] = True
    with pytest.raises(EventError):
        events.parse(forge(alice, forged, event.body))


@pytest.mark.parametrize(
    "header", [5, None, [{}], sorted(events._HEADER_KEYS)], ids=["int", "null", "list", "keys"]
)
def test_header_that_is_not_a_map_rejected(header: Any):
    with pytest.raises(EventError):
        events.parse(encode([encode(header), b"", b"\x00" * 64]))


def test_header_that_is_text_or_bytes_rejected():
    for header in ("v net author", b"\x00" * 11, ""):
        with pytest.raises(EventError):
            events.parse(encode([encode(header), b"", b"\x00" * 64]))


# -- creating -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "overrides",
    [
        {"seq": 0},
        {"seq": 1, "prev": PREV},
        {"seq": 2, "prev": None},
        {"kind": "Bad Kind"},
        {"lamport": 0},
        {"net": b"short"},
    ],
)
def test_create_refuses_what_parse_would_refuse(alice: Identity, overrides: dict[str, Any]):
    with pytest.raises(EventError):
        make(alice, **overrides)


def test_create_binds_signature_to_author(alice: Identity, mallory: Identity):
    event = make(mallory)
    assert event.author == mallory.public_key != alice.public_key
    assert events.parse(event.raw).author == mallory.public_key


def test_random_raw_never_parses():
    rng = random.Random(20240601)
    for _ in range(200):
        with pytest.raises(EventError):
            events.parse(rng.randbytes(300))
