"""The open form of an event (``events.open_form``) seals again to the exact bytes
signed, for any payload, and under no other seed; kinds outside a case's events keep
their wire form."""

from __future__ import annotations

import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casebook.core.model import events, purge
from casebook.core.model.encoding import encode
from casebook.core.model.events import EventError
from casebook.core.model.identity import Identity

SEED = bytes(range(32))
NET = bytes(16)
ME = Identity.generate()


def _event(kind: str, payload: dict, seed: bytes = SEED) -> events.Event:
    return events.create(
        ME,
        net=NET,
        seq=1,
        prev=None,
        lamport=1,
        ts=1,
        kind=kind,
        epoch=0,
        seed=seed,
        payload=payload,
    )


@settings(max_examples=60, deadline=None)
@given(body=st.text(min_size=0, max_size=3000), noise=st.binary(max_size=400))
def test_any_payload_seals_again_to_the_signed_bytes(body: str, noise: bytes) -> None:
    event = _event("comment.create", {"body": body, "noise": noise})
    if event.stored is None:  # nothing gained: the wire form is kept
        return
    assert events.is_open_form(event.stored) and not events.is_open_form(event.raw)
    assert events.sealed_again(event.stored, lambda _h: [os.urandom(32), SEED]) == event.raw
    with pytest.raises(EventError, match="does not seal again"):
        events.sealed_again(event.stored, lambda _h: [os.urandom(32)])


def test_only_a_case_s_events_and_the_acts_on_them_are_kept_open() -> None:
    long = {"body": "Fever and a new murmur after a dental extraction. " * 20}
    assert _event("comment.create", long).stored is not None
    assert _event("network.create", long).stored is None
    short = _event("comment.create", {"body": "ok"})  # the frame costs what the tag saves
    assert short.stored is None or len(short.stored) < len(short.raw)


def test_a_stripped_open_form_is_the_stripped_wire_form() -> None:
    event = _event("comment.create", {"body": "Endocarditis until proven otherwise. " * 20})
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
    event = _event("comment.create", {"body": "Endocarditis until proven otherwise. " * 20})
    assert event.stored is not None
    with pytest.raises(EventError):
        events.sealed_again(damage(event.stored), lambda _h: [SEED])
