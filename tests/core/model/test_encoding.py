import cbor2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.core.model.encoding import EncodingError, decode, encode

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.binary(max_size=64)
    | st.text(max_size=64),
    lambda inner: (
        st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=8), inner, max_size=5)
    ),
    max_leaves=20,
)


@given(values)
def test_round_trip_is_exact(value):
    data = encode(value)
    assert decode(data) == value
    assert encode(decode(data)) == data


@given(st.binary(max_size=200))
def test_arbitrary_bytes_never_crash(data):
    try:
        value = decode(data)
    except EncodingError:
        return
    assert encode(value) == data


@pytest.mark.parametrize(
    "hexdata, why",
    [
        ("c11a514b67b0", "tag"),
        ("a2616101616101", "duplicate key"),
        ("9f01ff", "indefinite length"),
        ("fb3ff0000000000000", "float"),
        ("1801", "non-minimal integer"),
        ("a2616201616101", "unsorted keys"),
        ("a101f6", "integer key"),
    ],
)
def test_non_canonical_or_disallowed_is_refused(hexdata, why):
    with pytest.raises(EncodingError):
        decode(bytes.fromhex(hexdata))


def test_depth_is_bounded():
    deep = b"\x81" * 40 + b"\x00"
    with pytest.raises(EncodingError):
        decode(deep)


def test_encode_refuses_floats_and_objects():
    for bad in (1.5, object(), {1: "x"}):
        with pytest.raises(EncodingError):
            encode(bad)
    assert cbor2.loads(encode({"b": 1, "a": 2})) == {"a": 2, "b": 1}


def test_item_count_is_bounded_before_decoding():
    """The review's frame: hundreds of thousands of empty maps. Refused by counting item
    heads (without building them); a limit of None (a local file) still decodes it."""
    many = cbor2.dumps([{}] * 260_000)
    with pytest.raises(EncodingError, match="items"):
        decode(many)
    with pytest.raises(EncodingError, match="items"):
        decode(cbor2.dumps({"t": "auth", "pad": [{}] * 100}), max_items=64)
    assert len(decode(many, max_items=None)) == 260_000
    assert decode(cbor2.dumps([b"x" * 100_000]), max_items=2) == [b"x" * 100_000]


@given(st.recursive(st.integers(0, 3) | st.binary(max_size=3), st.lists, max_leaves=40))
def test_the_item_scan_agrees_with_the_decoder(value):
    """Whatever the limit, a value within it decodes and one above it is refused."""
    data = encode(value)

    def count(v):
        return 1 + sum(count(x) for x in v) if isinstance(v, list) else 1

    items = count(value)
    assert decode(data, max_items=max(items, 1)) == value
    if items > 1 and len(data) > items - 1:
        with pytest.raises(EncodingError):
            decode(data, max_items=items - 1)


def test_scan_refuses_what_the_decoder_refuses():
    for bad in (b"\x9f\x01\xff", b"\xc1\x01", b"\x82\x01"):  # indefinite, tag, truncated
        with pytest.raises(EncodingError):
            decode(bad * 40, max_items=8)
