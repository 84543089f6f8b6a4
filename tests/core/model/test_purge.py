"""Withdrawal's building blocks: purge tags bind a case's events and attachments without
linking them for anyone lacking the key; a stripped event still verifies, and only when
asked for, only for case kinds, and never with a forged header."""

from __future__ import annotations

import hashlib

import pytest

from casebook.core.model import blobcrypt, events, purge
from casebook.core.model.encoding import decode, encode
from casebook.core.model.events import EventError
from casebook.core.model.identity import Identity

NET = b"\x07" * 16


def event(
    identity: Identity,
    kind: str = "comment.create",
    pub: dict | None = None,
    *,
    payload: dict | None = None,
    seed: bytes = b"\x01" * 32,
) -> events.Event:
    """A first event of ``identity``'s chain (tests/core/model/test_open_form_model.py
    too)."""
    return events.create(
        identity,
        net=NET,
        seq=1,
        prev=None,
        lamport=1,
        ts=1,
        kind=kind,
        epoch=0,
        seed=seed,
        payload={"body": "Echo normal."} if payload is None else payload,
        pub=pub,
    )


def test_tags_are_bound_to_key_case_author_and_position() -> None:
    key, other = purge.new_key(), purge.new_key()
    author, case = b"\x02" * 32, b"\x09" * 32
    tag = purge.event_tag(key, case, author, 5)
    assert len(tag) == purge.TAG_BYTES
    assert tag != purge.event_tag(other, case, author, 5)
    assert tag != purge.event_tag(key, b"\x08" * 32, author, 5)  # the same key, another case
    assert tag != purge.event_tag(key, None, author, 5)  # a case's own creation
    assert tag != purge.event_tag(key, case, b"\x03" * 32, 5)
    assert tag != purge.event_tag(key, case, author, 6)
    assert purge.tagged(key, case, author, 5, {"w": tag})
    assert not purge.tagged(other, case, author, 5, {"w": tag})
    assert not purge.tagged(key, b"\x08" * 32, author, 5, {"w": tag})
    assert not purge.tagged(key, case, author, 5, {})
    assert not purge.tagged(key, case, author, 5, {"w": "text"})
    # An attachment's relay copy is bound to its case: another case's id never matches.
    inner = b"\x04" * 32
    assert blobcrypt.case_blob_id(case, inner) != blobcrypt.case_blob_id(b"\x0a" * 32, inner)
    assert blobcrypt.relay_id(b"\x05" * 32, None) == blobcrypt.blob_id(b"\x05" * 32)
    with pytest.raises(EventError):
        purge.event_tag(b"short", case, author, 1)


def test_a_stripped_event_verifies_only_when_asked_and_only_for_case_kinds() -> None:
    alice = Identity.generate()
    full = event(alice)
    stripped = purge.strip(full.raw)
    with pytest.raises(EventError, match="hash"):
        events.parse(stripped)  # by default a body must match its hash
    kept = events.parse(stripped, stripped_ok=True)
    assert kept.id == full.id and events.is_stripped(kept)
    assert not events.is_stripped(events.parse(full.raw))
    membership = event(alice, kind="member.join")
    with pytest.raises(EventError, match="hash"):
        events.parse(purge.strip(membership.raw), stripped_ok=True)


def test_a_stripped_event_with_a_changed_header_does_not_verify() -> None:
    alice = Identity.generate()
    header, _body, signature = decode(event(alice).raw)
    fields = decode(header)
    fields["kind"] = "case.edit"  # same author, another kind: the signature breaks
    forged = encode([encode(fields), b"", signature])
    with pytest.raises(EventError, match="signature"):
        events.parse(forged, stripped_ok=True)
    assert hashlib.sha256(b"").digest() != decode(header)["body"]
