"""The model's names and error root are types now; what is stored and sent is not changed.

``Role`` and ``EventKind`` are string enums: every value must encode (CBOR, JSON, SQLite,
text) to exactly the bytes the plain string did, so events, invite codes and databases
written before and after read the same. Every error the core raises is a
``CasebookError``, and those that were ``ValueError`` still are.
"""

from __future__ import annotations

import json
import sqlite3

import pytest

from casebook import errors
from casebook.core.library.media.imagemeta_base import ImageMetadataError
from casebook.core.model import events, membership, payloads
from casebook.core.model.blobcrypt import BlobError
from casebook.core.model.content import DecryptionError
from casebook.core.model.encoding import EncodingError, decode, encode
from casebook.core.model.epochs import UnwrapError
from casebook.core.model.events import EventError, WrongKey
from casebook.core.model.fingerprint import FingerprintError
from casebook.core.model.identity import Identity
from casebook.core.model.ids import NetId
from casebook.core.model.invite_codes import InviteCode, InviteCodeError
from casebook.core.model.kinds import MEMBERSHIP_KINDS, EventKind, Role
from casebook.core.model.relayaddr import RelayAddress
from casebook.errors import CasebookError
from casebook.store.schema import SchemaTooNew

NET = bytes(range(16))
SEED = bytes(range(100, 132))


@pytest.mark.parametrize("value", [*Role, *EventKind])
def test_an_enum_value_is_stored_and_sent_as_its_plain_string(value: str) -> None:
    plain = str.__str__(value)
    assert type(plain) is str and value == plain and hash(value) == hash(plain)
    assert encode(value) == encode(plain)
    assert encode({"role": value, value: [value]}) == encode({"role": plain, plain: [plain]})
    assert encode(value, checked=True) == encode(plain, checked=True)
    assert json.dumps({value: value}) == json.dumps({plain: plain})
    assert f"{value}" == str(value) == plain
    with sqlite3.connect(":memory:") as db:
        assert db.execute("SELECT ?, typeof(?)", (value, value)).fetchone() == (plain, "text")
    assert decode(encode(value)) == plain


def test_the_role_and_kind_strings_are_the_ones_on_the_wire() -> None:
    assert [str(r) for r in Role] == ["member", "moderator", "admin"]
    # Command-line choices show plain text, lowest role first.
    assert membership.ROLES == ("member", "moderator", "admin")
    assert all(type(r) is str for r in membership.ROLES)
    assert [membership.RANK[r] for r in membership.ROLES] == [0, 1, 2]
    assert (
        membership.KINDS
        == MEMBERSHIP_KINDS
        == {
            "network.create",
            "network.policy",
            "invite.create",
            "invite.revoke",
            "member.join",
            "member.role",
            "member.remove",
            "epoch.rotate",
            "device.add",
            "device.revoke",
        }
    )
    assert len({str(k) for k in EventKind}) == len(EventKind) == 33
    assert EventKind.FLAG_CREATE == "flag.create" and EventKind.REMINDER_SET == "reminder.set"
    assert EventKind.CASE_REQUEST == "case.request"
    assert (EventKind.CONTENT_HOLD, EventKind.CONTENT_RELEASE) == (
        "content.hold",
        "content.release",
    )
    assert EventKind.MODERATION_POLICY == "moderation.policy"


def test_every_kind_has_its_payload_check_and_others_are_refused_as_before() -> None:
    assert set(payloads.VALIDATORS) == set(EventKind)
    with pytest.raises(EventError, match=r"^unknown event kind 'case\.delete'$"):
        payloads.validate("case.delete", {})
    assert payloads.validate(EventKind.MEMBER_ROLE, {}) == {}
    assert payloads.validate("content.pin", {"target": SEED}) == {"target": SEED}


def test_an_event_header_is_the_same_bytes_with_a_kind_or_its_string() -> None:
    alice = Identity.generate()
    made = {
        kind: events.create(
            alice,
            net=NetId(NET),
            seq=1,
            prev=None,
            lamport=1,
            ts=1_700_000_000_000,
            kind=kind,
            epoch=0,
            seed=SEED,
            payload={"target": SEED},
        )
        for kind in (EventKind.CONTENT_PIN, "content.pin")
    }
    enum_event, plain_event = made[EventKind.CONTENT_PIN], made["content.pin"]
    assert encode(enum_event.header.to_map()) == encode(plain_event.header.to_map())
    parsed = events.parse(enum_event.raw)
    assert type(parsed.kind) is str and parsed.kind == EventKind.CONTENT_PIN


def test_an_invite_code_with_a_role_reads_back_identical() -> None:
    alice = Identity.generate()
    relays = (RelayAddress("relay.example.org", 7447, bytes(32)),)
    code = InviteCode.make(alice, NetId(NET), relays, Role.MODERATOR, 1_800_000_000_000)
    text = code.encode()
    back = InviteCode.decode(text)
    assert back == code and back.role is Role.MODERATOR and back.encode() == text
    plain = InviteCode(
        code.net, code.secret, relays, "moderator", code.expires, code.inviter, code.signature
    )
    assert plain.encode() == text


ERRORS = [
    EventError,
    WrongKey,
    EncodingError,
    DecryptionError,
    BlobError,
    UnwrapError,
    FingerprintError,
    InviteCodeError,
    ImageMetadataError,
]


@pytest.mark.parametrize("error", ERRORS)
def test_the_core_errors_share_one_root_and_stay_value_errors(error: type[CasebookError]) -> None:
    assert issubclass(error, CasebookError) and issubclass(error, ValueError)
    made = (
        error("forged", "what went wrong") if error is InviteCodeError else error("what went wrong")
    )
    assert str(made) == made.message == "what went wrong"
    with pytest.raises(ValueError, match="what went wrong"):
        raise made


def test_an_event_error_keeps_the_exit_code_the_cli_gave_it_and_invalid_event_is_gone() -> None:
    assert EventError.exit_code == 3
    assert not hasattr(errors, "InvalidEvent")
    too_new = SchemaTooNew(99)
    assert isinstance(too_new, CasebookError) and too_new.version == 99
