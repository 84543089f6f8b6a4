import cbor2
import pytest
from hypothesis import given
from hypothesis import strategies as st

from casebook.core.encoding import EncodingError, decode, encode

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
