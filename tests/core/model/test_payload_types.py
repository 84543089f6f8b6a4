"""Payloads parsed into small typed values (issue 12); what is signed does not change.

``payloads.validate`` still returns the normalised dict that is encoded and signed (the
samples' expected dicts and their CBOR bytes are those of the dict-only version);
``payloads.parse`` returns the same payload as its kind's dataclass, which the
projection's handlers take.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from typing import Any

import pytest

from casebook.core.ledger.projection import HANDLERS
from casebook.core.model import payload_types as pt
from casebook.core.model import payloads
from casebook.core.model.encoding import encode
from casebook.core.model.events import EventError
from casebook.core.model.kinds import EventKind
from casebook.core.model.relayaddr import RelayAddress

ID1, ID2, ID3 = bytes(32), bytes(range(32)), b"\xee" * 32
RELAY = str(RelayAddress("relay.example.org", 4433, bytes(range(32))))
ATTACHMENT = {"hash": ID3, "name": " scan\n one.png ", "mime": "image/png", "size": 1234}
CASE = {
    "title": "  Chest   pain\tafter  exercise ",
    "specialty": "Cardiology",
    "fields": {"presentation": "Cafe\u0301 owner, 54\r\nsmoker", "history": "none\x07"},
    "body": "Line one\nLine two\x00",
    "tags": ["ecg", "chest-pain", "ecg"],
    "attachments": [ATTACHMENT],
}

# One sample payload for every kind, as a writer hands it to validate().
# A box sealed to one device (flags and reminders carry nothing else on the wire).
SEALED = {"eph": ID1, "wraps": [[ID2, bytes(48)]], "box": bytes(2048)}  # a flag's size
REMINDED = {**SEALED, "box": bytes(256)}  # a reminder's
SAMPLES: dict[str, dict[str, Any]] = {
    EventKind.NETWORK_CREATE: {"name": " Ward  7 ", "founder_name": "Dr\tA", "relays": [RELAY]},
    EventKind.NETWORK_POLICY: {},
    EventKind.INVITE_CREATE: {"join": ID2},
    EventKind.INVITE_REVOKE: {},
    EventKind.MEMBER_JOIN: {"name": "Dr  B"},
    EventKind.MEMBER_ROLE: {},
    EventKind.MEMBER_REMOVE: {},
    EventKind.EPOCH_ROTATE: {"seeds": [[2, b"", ID2], [3, ID1, ID3]]},
    EventKind.DEVICE_ADD: {},
    EventKind.DEVICE_REVOKE: {},
    EventKind.NETWORK_UPDATE: {"relays": [RELAY, RELAY]},
    EventKind.CONTENT_HIDE: {"target": ID1, "reason": " off\ntopic "},
    EventKind.CONTENT_UNHIDE: {"target": ID1},
    EventKind.CONTENT_PIN: {"target": ID2},
    EventKind.CONTENT_UNPIN: {"target": ID2},
    EventKind.CASE_CREATE: CASE,
    EventKind.CASE_EDIT: {"case": ID1, "title": "New  title", "tags": ["b", "a"]},
    EventKind.CASE_STATUS: {"case": ID1, "status": "resolved"},
    EventKind.CASE_OUTCOME: {"case": ID1, "parent": None, "body": "Recovered.\r\n"},
    EventKind.COMMENT_CREATE: {"case": ID1, "parent": ID2, "body": "Agree\x01"},
    EventKind.COMMENT_EDIT: {"comment": ID2, "body": "Agree, mostly"},
    EventKind.COMMENT_ENDORSE: {"comment": ID2},
    EventKind.CASE_WITHDRAW: {"case": ID1, "reason": "Consent withdrawn"},
    EventKind.CASE_PURGED: {"case": ID1},
    EventKind.POLL_CREATE: {
        "case": ID1, "kind": "choice", "question": " What  next? ", "options": ["Wait", "Operate"]
    },
    EventKind.POLL_ANSWER: {
        "poll": ID2, "case": ID1, "choice": None, "ranks": ["Lymphoma "], "skip": False
    },
    EventKind.POLL_FINAL: {"poll": ID2, "case": ID1, "answer": 1},
    EventKind.FLAG_CREATE: SEALED,
    EventKind.REMINDER_SET: REMINDED,
    EventKind.CASE_REQUEST: {"case": ID1, "opinion": "urgent"},
    EventKind.CONTENT_HOLD: {"target": ID1},
    EventKind.CONTENT_RELEASE: {"target": ID2},
    EventKind.MODERATION_POLICY: {"hold_after": 3},
}  # fmt: skip

# What validate() returned for each sample before payloads were typed.
CLEAN_CASE = {
    "title": "Chest pain after exercise",
    "specialty": "Cardiology",
    "fields": {"presentation": "Caf\u00e9 owner, 54\nsmoker", "history": "none"},
    "body": "Line one\nLine two",
    "tags": ["chest-pain", "ecg"],
    "attachments": [{"hash": ID3, "name": "scan one.png", "mime": "image/png", "size": 1234}],
}
# Kinds added after the wire digest was taken.
NEWER = (
    EventKind.DEVICE_ADD,
    EventKind.DEVICE_REVOKE,
    EventKind.CASE_WITHDRAW,
    EventKind.CASE_PURGED,
    EventKind.POLL_CREATE,
    EventKind.POLL_ANSWER,
    EventKind.POLL_FINAL,
    EventKind.FLAG_CREATE,
    EventKind.REMINDER_SET,
    EventKind.CASE_REQUEST,
    EventKind.CONTENT_HOLD,
    EventKind.CONTENT_RELEASE,
    EventKind.MODERATION_POLICY,
)
EXPECTED: dict[str, dict[str, Any]] = {
    EventKind.NETWORK_CREATE: {"name": "Ward 7", "founder_name": "Dr A", "relays": [RELAY]},
    EventKind.NETWORK_POLICY: {},
    EventKind.INVITE_CREATE: {"join": ID2},
    EventKind.INVITE_REVOKE: {},
    EventKind.MEMBER_JOIN: {"name": "Dr B"},
    EventKind.MEMBER_ROLE: {},
    EventKind.MEMBER_REMOVE: {},
    EventKind.EPOCH_ROTATE: {"seeds": [[2, b"", ID2], [3, ID1, ID3]]},
    EventKind.DEVICE_ADD: {},
    EventKind.DEVICE_REVOKE: {},
    EventKind.NETWORK_UPDATE: {"relays": [RELAY]},
    EventKind.CONTENT_HIDE: {"target": ID1, "reason": "off topic"},
    EventKind.CONTENT_UNHIDE: {"target": ID1},
    EventKind.CONTENT_PIN: {"target": ID2},
    EventKind.CONTENT_UNPIN: {"target": ID2},
    EventKind.CASE_CREATE: CLEAN_CASE,
    EventKind.CASE_EDIT: {"case": ID1, "title": "New title", "tags": ["a", "b"]},
    EventKind.CASE_STATUS: {"case": ID1, "status": "resolved"},
    EventKind.CASE_OUTCOME: {"case": ID1, "parent": None, "body": "Recovered.\n"},
    EventKind.COMMENT_CREATE: {"case": ID1, "parent": ID2, "body": "Agree"},
    EventKind.COMMENT_EDIT: {"comment": ID2, "body": "Agree, mostly"},
    EventKind.COMMENT_ENDORSE: {"comment": ID2},
    EventKind.CASE_WITHDRAW: {"case": ID1, "reason": "Consent withdrawn"},
    EventKind.CASE_PURGED: {"case": ID1},
    EventKind.POLL_CREATE: {
        "case": ID1, "kind": "choice", "question": "What next?", "options": ["Wait", "Operate"]
    },
    EventKind.POLL_ANSWER: {
        "poll": ID2, "case": ID1, "choice": None, "ranks": ["Lymphoma"], "skip": False
    },
    EventKind.POLL_FINAL: {"poll": ID2, "case": ID1, "answer": 1},
    EventKind.FLAG_CREATE: SEALED,
    EventKind.REMINDER_SET: REMINDED,
    EventKind.CASE_REQUEST: {"case": ID1, "opinion": "urgent"},
    EventKind.CONTENT_HOLD: {"target": ID1},
    EventKind.CONTENT_RELEASE: {"target": ID2},
    EventKind.MODERATION_POLICY: {"hold_after": 3},
}  # fmt: skip
# SHA-256 over the canonical CBOR of every sample's validate() output, in kind order,
# as computed with the dict-only payloads module (the bytes that are sealed and signed).
WIRE_DIGEST = "d77c7049149fc26452ca38a6b510b8661eef38d7ef5d61402494e113c5265e59"


def test_every_kind_has_a_sample_a_type_and_a_handler_taking_it() -> None:
    assert set(SAMPLES) == set(EXPECTED) == set(pt.TYPES) == set(HANDLERS) == set(EventKind)
    for kind, handler in HANDLERS.items():
        value = payloads.parse(kind, SAMPLES[kind])
        assert isinstance(handler, pt.Handler)
        assert type(value) is handler.takes, kind
        assert dataclasses.is_dataclass(value) and not hasattr(value, "__dict__")  # slots
        for field in dataclasses.fields(value):
            with pytest.raises(dataclasses.FrozenInstanceError):
                setattr(value, field.name, None)


def test_validate_returns_the_same_dicts_and_wire_bytes_as_before() -> None:
    digest = hashlib.sha256()
    for kind in EventKind:
        clean = payloads.validate(kind, SAMPLES[kind])
        assert clean == EXPECTED[kind], kind
        assert encode(clean) == encode(EXPECTED[kind])
        if kind not in NEWER:
            digest.update(encode(clean))
    assert digest.hexdigest() == WIRE_DIGEST


def test_parse_reads_every_field_of_the_validated_payload() -> None:
    case = payloads.parse(EventKind.CASE_CREATE, CASE)
    assert case == pt.CaseCreate(
        title="Chest pain after exercise",
        specialty="Cardiology",
        fields=CLEAN_CASE["fields"],
        body="Line one\nLine two",
        tags=("chest-pain", "ecg"),
        attachments=(pt.Attachment(ID3, "scan one.png", "image/png", 1234),),
    )
    edit = payloads.parse(EventKind.CASE_EDIT, SAMPLES[EventKind.CASE_EDIT])
    assert edit == pt.CaseEdit(ID1, "New title", None, None, None, ("a", "b"), None)
    assert payloads.parse(EventKind.NETWORK_UPDATE, {"name": "W"}) == pt.NetworkUpdate("W", None)
    assert payloads.parse(EventKind.INVITE_CREATE, {}) == pt.InviteCreate(None)
    assert payloads.parse(EventKind.EPOCH_ROTATE, SAMPLES[EventKind.EPOCH_ROTATE]) == (
        pt.EpochRotate(((2, b"", ID2), (3, ID1, ID3)))
    )
    reply = payloads.parse(EventKind.COMMENT_CREATE, SAMPLES[EventKind.COMMENT_CREATE])
    assert reply == pt.CommentCreate(ID1, ID2, "Agree")
    outcome = payloads.parse(EventKind.CASE_OUTCOME, SAMPLES[EventKind.CASE_OUTCOME])
    assert outcome == pt.CommentCreate(ID1, None, "Recovered.\n")


def _revision_as_before(clean: dict[str, Any]) -> str:
    """The revision JSON the projection stored from a validated dict before (reference)."""
    stored = {k: v for k, v in clean.items() if k not in ("case", "comment")}
    if "attachments" in stored:
        stored["attachments"] = [{**a, "hash": a["hash"].hex()} for a in stored["attachments"]]
        if "case" in clean:  # an edit of the attachments carries the consent record too
            stored.setdefault("consent", None)
    return json.dumps(stored, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@pytest.mark.parametrize(
    ("kind", "payload"),
    [
        (EventKind.CASE_CREATE, CASE),
        (EventKind.CASE_CREATE, {**CASE, "tags": [], "attachments": [], "fields": {}}),
        (EventKind.CASE_EDIT, SAMPLES[EventKind.CASE_EDIT]),
        (EventKind.CASE_EDIT, {"case": ID1, "attachments": [ATTACHMENT], "body": ""}),
        (EventKind.CASE_EDIT, {"case": ID1, "fields": {"outcome": "ok"}, "specialty": ""}),
        (EventKind.COMMENT_EDIT, SAMPLES[EventKind.COMMENT_EDIT]),
    ],
)
def test_revision_content_is_stored_as_before(kind: str, payload: dict[str, Any]) -> None:
    value = payloads.parse(kind, payload)
    assert isinstance(value, pt.CaseCreate | pt.CaseEdit | pt.CommentEdit)
    assert _json(value.content()) == _revision_as_before(payloads.validate(kind, payload))


def test_a_comment_first_revision_is_its_body() -> None:
    for kind in (EventKind.COMMENT_CREATE, EventKind.CASE_OUTCOME):
        value = payloads.parse(kind, SAMPLES[kind])
        assert isinstance(value, pt.CommentCreate)
        assert value.content() == {"body": EXPECTED[kind]["body"]}


@pytest.mark.parametrize(
    ("kind", "payload", "message"),
    [
        ("case.delete", {}, "unknown event kind 'case.delete'"),
        (EventKind.CASE_CREATE, {**CASE, "title": "  "}, "a case needs a title"),
        (EventKind.CASE_EDIT, {"case": ID1}, "an edit must change something"),
        (EventKind.CASE_STATUS, {"case": ID1, "status": "x"}, "status must be open or resolved"),
        (EventKind.COMMENT_EDIT, {"comment": b"x", "body": "b"}, "comment must be an event id"),
        (EventKind.CONTENT_PIN, {"target": ID1, "x": 1}, "payload has missing or unknown fields"),
        (EventKind.NETWORK_UPDATE, {}, "an update must change something"),
        (EventKind.INVITE_CREATE, {"join": b"short"}, "bad join key"),
    ],
)
def test_parse_refuses_with_the_messages_of_validate(
    kind: str, payload: dict[str, Any], message: str
) -> None:
    for check in (payloads.validate, payloads.parse):
        with pytest.raises(EventError) as info:
            check(kind, payload)
        assert str(info.value) == message
