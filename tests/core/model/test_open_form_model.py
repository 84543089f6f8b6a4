"""The open form of an event (``events.open_form``) seals again to the exact bytes
signed, for any payload, and under no other seed; kinds outside a case's events keep
their wire form."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_purge import event as first_event

from casebook.core.model import events, purge
from casebook.core.model.encoding import encode
from casebook.core.model.events import EventError
from casebook.core.model.identity import Identity

SEED = bytes(range(32))
ME = Identity.generate()
ENDOCARDITIS = {"body": "Endocarditis until proven otherwise. " * 20}


@settings(max_examples=60, deadline=None)
@given(body=st.text(min_size=0, max_size=3000), noise=st.binary(max_size=400))
def test_any_payload_seals_again_to_the_signed_bytes(body: str, noise: bytes) -> None:
    event = first_event(ME, "comment.create", payload={"body": body, "noise": noise}, seed=SEED)
    if event.stored is None:  # nothing gained: the wire form is kept
        return
    assert events.is_open_form(event.stored) and not events.is_open_form(event.raw)
    assert events.sealed_again(event.stored, lambda _h: [os.urandom(32), SEED]) == event.raw
    with pytest.raises(EventError, match="does not seal again"):
        events.sealed_again(event.stored, lambda _h: [os.urandom(32)])


def test_only_a_case_s_events_and_the_acts_on_them_are_kept_open() -> None:
    long = {"body": "Fever and a new murmur after a dental extraction. " * 20}
    assert first_event(ME, "comment.create", payload=long, seed=SEED).stored is not None
    assert first_event(ME, "network.create", payload=long, seed=SEED).stored is None
    # (a short one: the frame costs what the tag saves)
    short = first_event(ME, "comment.create", payload={"body": "ok"}, seed=SEED)
    assert short.stored is None or len(short.stored) < len(short.raw)


def test_a_stripped_open_form_is_the_stripped_wire_form() -> None:
    event = first_event(ME, payload=ENDOCARDITIS, seed=SEED)
    assert event.stored is not None
    assert purge.strip(event.stored) == purge.strip(event.raw)


@pytest.mark.parametrize(
    "damage",
    [
        lambda b: b[:-1],
        lambda b: b"\x84" + b[1:40],
        lambda b: b"\x84\x40\x40\x40\x40",
        lambda b: encode([b"", b"\x00" * 12, b"\xff" * 8, b""]),
    ],
)
def test_a_damaged_open_form_is_an_event_error(damage) -> None:
    event = first_event(ME, payload=ENDOCARDITIS, seed=SEED)
    assert event.stored is not None
    with pytest.raises(EventError):
        events.sealed_again(damage(event.stored), lambda _h: [SEED])
