"""The payload of each event kind, validated strictly on creation and on apply.

A payload that does not match its kind's schema makes the event invalid. Text is
normalised (NFC, no control characters but newlines and tabs) and bounded.
:func:`validate` returns the normalised dict (what is encoded and signed); :func:`parse`
also returns it as its kind's typed value (:mod:`casebook.core.model.payload_types`).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from collections.abc import Set as AbstractSet
from typing import Any

from casebook.core.model import consent, flags, polls, relayaddr
from casebook.core.model.epochs import is_seed_list
from casebook.core.model.events import EventError
from casebook.core.model.kinds import EventKind
from casebook.core.model.mentions import MAX_MENTIONS
from casebook.core.model.payload_types import Payload, typed
from casebook.core.model.reminders import REMINDER
from casebook.core.model.text import clean_text
from casebook.errors import UsageError

STANDARD_FIELDS = ("presentation", "history", "findings", "question", "outcome")
STATUSES = ("open", "resolved")
OPINIONS = ("none", "requested", "urgent")  # a case asks for a second opinion
MAX_TITLE = 300
MAX_NAME = 120
MAX_FIELD = 50_000
MAX_FIELDS = 30  # a case's template fields
MAX_BODY = 200_000
MAX_TAGS = 20
MAX_ATTACHMENTS = 20
MAX_RELAYS = 8
_TAG = re.compile(r"^[a-z0-9][a-z0-9\-]{0,39}$")
_FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


def normalize_tag(tag: str) -> str:
    """User tag text → stored tag: lower case, spaces to hyphens."""
    text = unicodedata.normalize("NFKC", tag).strip().lower().lstrip("#")
    return re.sub(r"[\s_]+", "-", text)


def _tags(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_TAGS:
        raise EventError(f"tags must be a list of at most {MAX_TAGS}")
    tags: list[str] = []
    for tag in value:
        if not isinstance(tag, str) or not _TAG.fullmatch(tag):
            raise EventError(f"bad tag {tag!r}: use letters, digits and hyphens")
        if tag not in tags:
            tags.append(tag)
    return sorted(tags)


def _fields(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or len(value) > MAX_FIELDS:
        raise EventError(f"fields must be a map of at most {MAX_FIELDS} entries")
    out = {}
    for key, text in value.items():
        if not _FIELD_KEY.fullmatch(key):
            raise EventError(f"bad field name {key!r}")
        out[key] = clean_text(text, f"field {key}", MAX_FIELD)
    return out


def _ref(value: Any, name: str) -> bytes:
    if not isinstance(value, bytes) or len(value) != 32:
        raise EventError(f"{name} must be an event id")
    return value


_ATTACHMENT_KEYS = {"hash", "name", "mime", "size"}
_ATTACHMENT_MARKS = {"identifiable", "consent", "role"}


def _attachments(value: Any) -> list[dict[str, Any]]:
    """Each entry ``{hash, name, mime, size}``, with the optional marks ``identifiable:
    true``, ``consent`` (its own record) and ``role: "consent-form"``."""
    if not isinstance(value, list) or len(value) > MAX_ATTACHMENTS:
        raise EventError(f"at most {MAX_ATTACHMENTS} attachments")
    out = []
    for item in value:
        if not isinstance(item, dict) or not _ATTACHMENT_KEYS <= set(item) <= (
            _ATTACHMENT_KEYS | _ATTACHMENT_MARKS
        ):
            raise EventError("bad attachment entry")
        size = item["size"]
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            raise EventError("bad attachment size")
        entry: dict[str, Any] = {
            "hash": _ref(item["hash"], "attachment hash"),
            "name": clean_text(item["name"], "attachment name", 255, single_line=True),
            "mime": clean_text(item["mime"], "attachment type", 100, single_line=True),
            "size": size,
        }
        if "identifiable" in item:
            if item["identifiable"] is not True:
                raise EventError("identifiable is true or absent")
            entry["identifiable"] = True
        if "consent" in item:
            entry["consent"] = consent.validate(item["consent"])
        if "role" in item:
            if item["role"] not in consent.ROLES:
                raise EventError("unknown attachment role")
            entry["role"] = item["role"]
        out.append(entry)
    return out


def _exact(
    payload: dict[str, Any], required: AbstractSet[str], optional: AbstractSet[str] = frozenset()
) -> None:
    keys = set(payload)
    if not required <= keys or not keys <= required | optional:
        raise EventError("payload has missing or unknown fields")


_CASE_CONTENT = {"title", "specialty", "fields", "body", "tags", "attachments"}
_CASE_OPTIONAL = {"consent"}


def case_content(payload: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    out: dict[str, Any] = {}
    checks = {
        "title": lambda v: clean_text(v, "title", MAX_TITLE, single_line=True),
        "specialty": lambda v: clean_text(v, "specialty", MAX_NAME, single_line=True),
        "fields": _fields,
        "body": lambda v: clean_text(v, "body", MAX_BODY),
        "tags": _tags,
        "attachments": _attachments,
    }
    for key, check in checks.items():
        if key in payload:
            out[key] = check(payload[key])
        elif not partial:
            raise EventError(f"case is missing {key}")
    if "title" in out and not out["title"]:
        raise EventError("a case needs a title")
    if "consent" in payload:
        out["consent"] = consent.validate(payload["consent"])
    # The consent rules hold within one payload: an edit that changes the record or the
    # attachments carries both (no record: no consent key), so the case's folded pair
    # always comes from one validated event, whatever order edits arrive in.
    if "consent" in out and "attachments" not in out:
        raise EventError("an edit of the consent record carries the attachments too")
    if "attachments" in out:
        consent.check_case(out.get("consent"), out["attachments"])
    return out


def _relays(value: Any) -> list[str]:
    if not isinstance(value, list) or len(value) > MAX_RELAYS:
        raise EventError(f"a network has at most {MAX_RELAYS} relays")
    out: list[str] = []
    for item in value:
        if not isinstance(item, str):
            raise EventError("a relay must be a relay URL")
        try:
            url = str(relayaddr.parse(item))
        except UsageError as exc:
            raise EventError(str(exc)) from None
        if url not in out:
            out.append(url)
    return out


def _seeds(value: Any) -> list[list[Any]]:
    if not is_seed_list(value):
        raise EventError("bad seed list")
    return value


def _network_create(payload: dict[str, Any]) -> dict[str, Any]:
    _exact(payload, {"name", "founder_name", "relays"})
    name = clean_text(payload["name"], "network name", MAX_NAME, single_line=True)
    if not name:
        raise EventError("a network needs a name")
    return {
        "name": name,
        "founder_name": clean_text(payload["founder_name"], "name", MAX_NAME, single_line=True),
        "relays": _relays(payload["relays"]),
    }


def _network_update(payload: dict[str, Any]) -> dict[str, Any]:
    _exact(payload, set(), {"name", "relays"})
    out: dict[str, Any] = {}
    if "name" in payload:
        out["name"] = clean_text(payload["name"], "network name", MAX_NAME, single_line=True)
        if not out["name"]:
            raise EventError("a network needs a name")
    if "relays" in payload:
        out["relays"] = _relays(payload["relays"])
    if not out:
        raise EventError("an update must change something")
    return out


def _invite_create(payload: dict[str, Any]) -> dict[str, Any]:
    """``join``: the key that opens joins of this invite (clear rules live in the fold)."""
    _exact(payload, set(), {"join"})
    if "join" not in payload:
        return {}
    if not isinstance(payload["join"], bytes) or len(payload["join"]) != 32:
        raise EventError("bad join key")
    return {"join": payload["join"]}


def _empty(payload: dict[str, Any]) -> dict[str, Any]:
    """Kinds whose whole content is in the clear header (``pub``), judged by the fold."""
    _exact(payload, set())
    return {}


def _member_join(payload: dict[str, Any]) -> dict[str, Any]:
    _exact(payload, {"name"})
    return {"name": clean_text(payload["name"], "name", MAX_NAME, single_line=True)}


def _epoch_rotate(payload: dict[str, Any]) -> dict[str, Any]:
    _exact(payload, {"seeds"})
    return {"seeds": _seeds(payload["seeds"])}


def _content_hide(payload: dict[str, Any]) -> dict[str, Any]:
    _exact(payload, {"target", "reason"})
    reason = clean_text(payload["reason"], "reason", MAX_TITLE, single_line=True)
    if not reason:
        raise EventError("hiding needs a reason")
    return {"target": _ref(payload["target"], "target"), "reason": reason}


def _target(payload: dict[str, Any]) -> dict[str, Any]:
    _exact(payload, {"target"})
    return {"target": _ref(payload["target"], "target")}


MAX_HOLD_AFTER = 50  # flags by distinct members before an item is held (0: never)


def _moderation_policy(payload: dict[str, Any]) -> dict[str, Any]:
    """``hold_after``: hold an item for a moderator's look once this many members
    flagged it (0: never)."""
    _exact(payload, {"hold_after"})
    n = payload["hold_after"]
    if type(n) is not int or not 0 <= n <= MAX_HOLD_AFTER:
        raise EventError(f"hold_after is a number of flags from 0 to {MAX_HOLD_AFTER}")
    return {"hold_after": n}


def _mentions(payload: dict[str, Any], out: dict[str, Any]) -> None:
    """``mentions``: the members the text names (member keys, distinct, at most
    ``MAX_MENTIONS``), resolved by the author's computer (docs/protocol.md, "Mentions")."""
    if "mentions" not in payload:
        return
    value = payload["mentions"]
    if not isinstance(value, list) or not 1 <= len(value) <= MAX_MENTIONS:
        raise EventError(f"mentions must list 1 to {MAX_MENTIONS} members")
    if any(not isinstance(k, bytes) or len(k) != 32 for k in value) or len(set(value)) != len(
        value
    ):
        raise EventError("mentions must be distinct member keys")
    out["mentions"] = list(value)


def _case_create(payload: dict[str, Any]) -> dict[str, Any]:
    """``purge_key``: 32 random bytes that bind the case's events (core.model.purge)."""
    _exact(payload, _CASE_CONTENT, _CASE_OPTIONAL | {"purge_key", "mentions"})
    out = case_content(payload, partial=False)
    _mentions(payload, out)
    if "purge_key" in payload:
        key = payload["purge_key"]
        if not isinstance(key, bytes) or len(key) != 32:
            raise EventError("a purge key is 32 bytes")
        out["purge_key"] = key
    return out


def _case_edit(payload: dict[str, Any]) -> dict[str, Any]:
    _exact(payload, {"case"}, _CASE_CONTENT | _CASE_OPTIONAL)
    changes = case_content(payload, partial=True)
    if not changes:
        raise EventError("an edit must change something")
    return {"case": _ref(payload["case"], "case"), **changes}


def _case_status(payload: dict[str, Any]) -> dict[str, Any]:
    _exact(payload, {"case", "status"})
    if payload["status"] not in STATUSES:
        raise EventError("status must be open or resolved")
    return {"case": _ref(payload["case"], "case"), "status": payload["status"]}


def _case_request(payload: dict[str, Any]) -> dict[str, Any]:
    """Second opinion: ``requested``, ``urgent``, or ``none`` (no more)."""
    _exact(payload, {"case", "opinion"})
    if payload["opinion"] not in OPINIONS:
        raise EventError("a request is for a second opinion (requested or urgent) or none")
    return {"case": _ref(payload["case"], "case"), "opinion": payload["opinion"]}


def _comment_create(payload: dict[str, Any]) -> dict[str, Any]:
    """A comment, a reply (``parent``) or a case's outcome."""
    _exact(payload, {"case", "parent", "body"}, {"mentions"})
    parent = payload["parent"]
    body = clean_text(payload["body"], "comment", MAX_BODY)
    if not body.strip():
        raise EventError("a comment needs some text")
    out = {
        "case": _ref(payload["case"], "case"),
        "parent": None if parent is None else _ref(parent, "parent"),
        "body": body,
    }
    _mentions(payload, out)
    return out


def _comment_edit(payload: dict[str, Any]) -> dict[str, Any]:
    _exact(payload, {"comment", "body"})
    body = clean_text(payload["body"], "comment", MAX_BODY)
    if not body.strip():
        raise EventError("a comment needs some text")
    return {"comment": _ref(payload["comment"], "comment"), "body": body}


def _comment_endorse(payload: dict[str, Any]) -> dict[str, Any]:
    _exact(payload, {"comment"})
    return {"comment": _ref(payload["comment"], "comment")}


MAX_REASON = 300


def _case_withdraw(payload: dict[str, Any]) -> dict[str, Any]:
    """Why the case is withdrawn (shown on its tombstone); the key and the case travel
    in ``pub`` too (core.model.purge.withdrawal_pub)."""
    _exact(payload, {"case", "reason"})
    reason = clean_text(payload["reason"], "reason", MAX_REASON, single_line=True)
    if not reason:
        raise EventError("a withdrawal needs a reason")
    return {"case": _ref(payload["case"], "case"), "reason": reason}


def _case_purged(payload: dict[str, Any]) -> dict[str, Any]:
    _exact(payload, {"case"})
    return {"case": _ref(payload["case"], "case")}


# Every kind's validator: one entry for each :class:`EventKind`.
VALIDATORS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    EventKind.NETWORK_CREATE: _network_create,
    EventKind.NETWORK_POLICY: _empty,
    EventKind.INVITE_CREATE: _invite_create,
    EventKind.INVITE_REVOKE: _empty,
    EventKind.MEMBER_JOIN: _member_join,
    EventKind.MEMBER_ROLE: _empty,
    EventKind.MEMBER_REMOVE: _empty,
    EventKind.EPOCH_ROTATE: _epoch_rotate,
    EventKind.DEVICE_ADD: _empty,
    EventKind.DEVICE_REVOKE: _empty,
    EventKind.NETWORK_UPDATE: _network_update,
    EventKind.CONTENT_HIDE: _content_hide,
    EventKind.CONTENT_UNHIDE: _target,
    EventKind.CONTENT_PIN: _target,
    EventKind.CONTENT_UNPIN: _target,
    EventKind.CONTENT_HOLD: _target,
    EventKind.CONTENT_RELEASE: _target,
    EventKind.MODERATION_POLICY: _moderation_policy,
    EventKind.CASE_CREATE: _case_create,
    EventKind.CASE_EDIT: _case_edit,
    EventKind.CASE_STATUS: _case_status,
    EventKind.CASE_OUTCOME: _comment_create,
    EventKind.CASE_REQUEST: _case_request,
    EventKind.COMMENT_CREATE: _comment_create,
    EventKind.COMMENT_EDIT: _comment_edit,
    EventKind.COMMENT_ENDORSE: _comment_endorse,
    EventKind.CASE_WITHDRAW: _case_withdraw,
    EventKind.CASE_PURGED: _case_purged,
    EventKind.POLL_CREATE: polls.validate_create,
    EventKind.POLL_ANSWER: polls.validate_answer,
    EventKind.POLL_FINAL: polls.validate_final,
    EventKind.FLAG_CREATE: flags.validate_sealed,
    EventKind.REMINDER_SET: REMINDER.validate,
}


def validate(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """Return the normalised payload of ``kind`` or raise :class:`EventError`."""
    check = VALIDATORS.get(kind)
    if check is None:
        raise EventError(f"unknown event kind {kind!r}")
    return check(payload)


def parse(kind: str, payload: dict[str, Any]) -> Payload:
    """:func:`validate` ``payload``, then return it as the typed value of ``kind``."""
    return typed(kind, validate(kind, payload))
