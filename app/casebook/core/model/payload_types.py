"""Each event kind's payload as a small typed value, built from its validated dict.

:func:`casebook.core.model.payloads.validate` checks and normalises a payload and
returns the dict that is encoded and signed (the wire form, unchanged); :func:`typed`
turns such a normalised dict into the value of its kind, for the code that applies it
(:func:`casebook.core.model.payloads.parse` does both). Building one checks nothing
again: only dicts that came out of ``validate`` are given to it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from casebook.core.model import consent as consent_rules
from casebook.core.model.events import Event, EventError
from casebook.core.model.kinds import EventKind

Wire = dict[str, Any]  # a payload as validated: the dict that is encoded and signed


@dataclass(frozen=True, slots=True)
class Attachment:
    hash: bytes
    name: str
    mime: str
    size: int
    identifiable: bool = False
    consent: dict[str, Any] | None = None  # its own record, JSON form
    role: str = ""  # "consent-form" for the signed form, else ""

    @classmethod
    def from_clean(cls, item: Wire) -> Attachment:
        own = item.get("consent")
        return cls(
            item["hash"],
            item["name"],
            item["mime"],
            item["size"],
            bool(item.get("identifiable")),
            None if own is None else consent_rules.to_json(own),
            item.get("role", ""),
        )

    def to_json(self) -> dict[str, Any]:
        """As stored in the library's tables (the hash in hex; marks only when set)."""
        plain = {"hash": self.hash.hex(), "name": self.name, "mime": self.mime, "size": self.size}
        return plain | consent_rules.marks(self.identifiable, self.consent, self.role)


def _attachments(items: list[Wire]) -> tuple[Attachment, ...]:
    return tuple(Attachment.from_clean(a) for a in items)


# -- the membership log (folded from clear headers; the projection reads a few) -------
@dataclass(frozen=True, slots=True)
class NetworkCreate:
    name: str
    founder_name: str
    relays: tuple[str, ...]

    @classmethod
    def from_clean(cls, p: Wire) -> NetworkCreate:
        return cls(p["name"], p["founder_name"], tuple(p["relays"]))


@dataclass(frozen=True, slots=True)
class ClearOnly:
    """Kinds whose whole content is in the clear header (policy, revoke, role, remove)."""

    @classmethod
    def from_clean(cls, p: Wire) -> ClearOnly:
        return cls()


@dataclass(frozen=True, slots=True)
class InviteCreate:
    join: bytes | None  # the key that opens joins of this invite, if any

    @classmethod
    def from_clean(cls, p: Wire) -> InviteCreate:
        return cls(p.get("join"))


@dataclass(frozen=True, slots=True)
class MemberJoin:
    name: str

    @classmethod
    def from_clean(cls, p: Wire) -> MemberJoin:
        return cls(p["name"])


@dataclass(frozen=True, slots=True)
class EpochRotate:
    seeds: tuple[tuple[int, bytes, bytes], ...]  # (epoch, source, seed)

    @classmethod
    def from_clean(cls, p: Wire) -> EpochRotate:
        return cls(tuple((epoch, source, seed) for epoch, source, seed in p["seeds"]))


@dataclass(frozen=True, slots=True)
class NetworkUpdate:
    """What changes (``None``: unchanged; at least one is set)."""

    name: str | None
    relays: tuple[str, ...] | None

    @classmethod
    def from_clean(cls, p: Wire) -> NetworkUpdate:
        relays = p.get("relays")
        return cls(p.get("name"), None if relays is None else tuple(relays))


# -- moderation ----------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class ContentHide:
    target: bytes
    reason: str

    @classmethod
    def from_clean(cls, p: Wire) -> ContentHide:
        return cls(p["target"], p["reason"])


@dataclass(frozen=True, slots=True)
class CaseRequest:
    """A second opinion asked for (``requested``, ``urgent``) or no more (``none``)."""

    case: bytes
    opinion: str

    @classmethod
    def from_clean(cls, p: Wire) -> CaseRequest:
        return cls(p["case"], p["opinion"])


@dataclass(frozen=True, slots=True)
class Sealed:
    """A flag or a reminder as the network carries it: a box sealed to some devices
    (``sealed.SealedKind.open`` reads it)."""

    sealed: Wire

    @classmethod
    def from_clean(cls, p: Wire) -> Sealed:
        return cls(p)


@dataclass(frozen=True, slots=True)
class ContentTarget:
    """Unhide, pin, unpin, hold and release: the case or comment they act on."""

    target: bytes

    @classmethod
    def from_clean(cls, p: Wire) -> ContentTarget:
        return cls(p["target"])


@dataclass(frozen=True, slots=True)
class ModerationPolicy:
    """Hold an item for a moderator's look once ``hold_after`` members flagged it."""

    hold_after: int

    @classmethod
    def from_clean(cls, p: Wire) -> ModerationPolicy:
        return cls(p["hold_after"])


# -- cases and their discussion ------------------------------------------------------
@dataclass(frozen=True, slots=True)
class CaseCreate:
    title: str
    specialty: str
    fields: dict[str, str]
    body: str
    tags: tuple[str, ...]
    attachments: tuple[Attachment, ...]
    consent: dict[str, Any] | None = None  # JSON form
    purge_key: bytes | None = None  # binds the case's events (core.model.purge)
    mentions: tuple[bytes, ...] = ()  # members the text names (core.model.mentions)

    @classmethod
    def from_clean(cls, p: Wire) -> CaseCreate:
        attachments = _attachments(p["attachments"])
        return cls(
            p["title"],
            p["specialty"],
            p["fields"],
            p["body"],
            tuple(p["tags"]),
            attachments,
            _consent(p.get("consent")),
            p.get("purge_key"),
            tuple(p.get("mentions", ())),
        )

    def content(self) -> dict[str, Any]:
        """The case's content in JSON form (a revision; the search index reads it)."""
        return {
            "title": self.title,
            "specialty": self.specialty,
            "fields": self.fields,
            "body": self.body,
            "tags": list(self.tags),
            "attachments": [a.to_json() for a in self.attachments],
        } | ({} if self.consent is None else {"consent": self.consent})


def _consent(value: Wire | None) -> dict[str, Any] | None:
    return None if value is None else consent_rules.to_json(value)


@dataclass(frozen=True, slots=True)
class CaseEdit:
    """The fields an edit changes (``None``: unchanged; at least one is set)."""

    case: bytes
    title: str | None
    specialty: str | None
    fields: dict[str, str] | None
    body: str | None
    tags: tuple[str, ...] | None
    attachments: tuple[Attachment, ...] | None
    consent: dict[str, Any] | None = None

    @classmethod
    def from_clean(cls, p: Wire) -> CaseEdit:
        tags, attachments = p.get("tags"), p.get("attachments")
        return cls(
            p["case"],
            p.get("title"),
            p.get("specialty"),
            p.get("fields"),
            p.get("body"),
            None if tags is None else tuple(tags),
            None if attachments is None else _attachments(attachments),
            _consent(p.get("consent")),
        )

    def content(self) -> dict[str, Any]:
        """The changed fields in JSON form (the edit's revision)."""
        out: dict[str, Any] = {
            "title": self.title,
            "specialty": self.specialty,
            "fields": self.fields,
            "body": self.body,
            "tags": None if self.tags is None else list(self.tags),
            "attachments": None
            if self.attachments is None
            else [a.to_json() for a in self.attachments],
        }
        changed = {k: v for k, v in out.items() if v is not None}
        if self.attachments is not None:  # the record goes with them (None: no record)
            changed["consent"] = self.consent
        return changed


@dataclass(frozen=True, slots=True)
class CaseStatus:
    case: bytes
    status: str  # one of payloads.STATUSES

    @classmethod
    def from_clean(cls, p: Wire) -> CaseStatus:
        return cls(p["case"], p["status"])


@dataclass(frozen=True, slots=True)
class CommentCreate:
    """A comment, a reply (``parent``) or a case's outcome (``case.outcome``)."""

    case: bytes
    parent: bytes | None
    body: str
    mentions: tuple[bytes, ...] = ()  # members the text names (core.model.mentions)

    @classmethod
    def from_clean(cls, p: Wire) -> CommentCreate:
        return cls(p["case"], p["parent"], p["body"], tuple(p.get("mentions", ())))

    def content(self) -> dict[str, Any]:
        """The comment's content in JSON form (its first revision)."""
        return {"body": self.body}


@dataclass(frozen=True, slots=True)
class CommentEdit:
    comment: bytes
    body: str

    @classmethod
    def from_clean(cls, p: Wire) -> CommentEdit:
        return cls(p["comment"], p["body"])

    def content(self) -> dict[str, Any]:
        """The edit's revision in JSON form."""
        return {"body": self.body}


@dataclass(frozen=True, slots=True)
class CommentEndorse:
    comment: bytes

    @classmethod
    def from_clean(cls, p: Wire) -> CommentEndorse:
        return cls(p["comment"])


@dataclass(frozen=True, slots=True)
class CaseWithdraw:
    case: bytes
    reason: str

    @classmethod
    def from_clean(cls, p: Wire) -> CaseWithdraw:
        return cls(p["case"], p["reason"])


@dataclass(frozen=True, slots=True)
class CasePurged:
    case: bytes

    @classmethod
    def from_clean(cls, p: Wire) -> CasePurged:
        return cls(p["case"])


@dataclass(frozen=True, slots=True)
class PollCreate:
    case: bytes
    kind: str
    question: str
    options: tuple[str, ...]

    @classmethod
    def from_clean(cls, p: Wire) -> PollCreate:
        return cls(p["case"], p["kind"], p["question"], tuple(p["options"]))


@dataclass(frozen=True, slots=True)
class PollAnswer:
    poll: bytes
    case: bytes
    choice: int | None
    ranks: tuple[str, ...]
    skip: bool

    @classmethod
    def from_clean(cls, p: Wire) -> PollAnswer:
        return cls(p["poll"], p["case"], p["choice"], tuple(p["ranks"]), p["skip"])


@dataclass(frozen=True, slots=True)
class PollFinal:
    poll: bytes
    case: bytes
    answer: str | int

    @classmethod
    def from_clean(cls, p: Wire) -> PollFinal:
        return cls(p["poll"], p["case"], p["answer"])


Payload = (
    NetworkCreate
    | ClearOnly
    | InviteCreate
    | MemberJoin
    | EpochRotate
    | NetworkUpdate
    | ContentHide
    | Sealed
    | CaseRequest
    | ContentTarget
    | ModerationPolicy
    | CaseCreate
    | CaseEdit
    | CaseStatus
    | CommentCreate
    | CommentEdit
    | CommentEndorse
    | CaseWithdraw
    | CasePurged
    | PollCreate
    | PollAnswer
    | PollFinal
)

# Each kind's type: one entry for every :class:`EventKind` (as payloads.VALIDATORS).
TYPES: dict[str, Callable[[Wire], Payload]] = {
    EventKind.NETWORK_CREATE: NetworkCreate.from_clean,
    EventKind.NETWORK_POLICY: ClearOnly.from_clean,
    EventKind.INVITE_CREATE: InviteCreate.from_clean,
    EventKind.INVITE_REVOKE: ClearOnly.from_clean,
    EventKind.MEMBER_JOIN: MemberJoin.from_clean,
    EventKind.MEMBER_ROLE: ClearOnly.from_clean,
    EventKind.MEMBER_REMOVE: ClearOnly.from_clean,
    EventKind.EPOCH_ROTATE: EpochRotate.from_clean,
    EventKind.DEVICE_ADD: ClearOnly.from_clean,
    EventKind.DEVICE_REVOKE: ClearOnly.from_clean,
    EventKind.NETWORK_UPDATE: NetworkUpdate.from_clean,
    EventKind.CONTENT_HIDE: ContentHide.from_clean,
    EventKind.CONTENT_UNHIDE: ContentTarget.from_clean,
    EventKind.CONTENT_PIN: ContentTarget.from_clean,
    EventKind.CONTENT_UNPIN: ContentTarget.from_clean,
    EventKind.CONTENT_HOLD: ContentTarget.from_clean,
    EventKind.CONTENT_RELEASE: ContentTarget.from_clean,
    EventKind.MODERATION_POLICY: ModerationPolicy.from_clean,
    EventKind.CASE_CREATE: CaseCreate.from_clean,
    EventKind.CASE_EDIT: CaseEdit.from_clean,
    EventKind.CASE_STATUS: CaseStatus.from_clean,
    EventKind.CASE_OUTCOME: CommentCreate.from_clean,
    EventKind.COMMENT_CREATE: CommentCreate.from_clean,
    EventKind.COMMENT_EDIT: CommentEdit.from_clean,
    EventKind.COMMENT_ENDORSE: CommentEndorse.from_clean,
    EventKind.CASE_WITHDRAW: CaseWithdraw.from_clean,
    EventKind.CASE_PURGED: CasePurged.from_clean,
    EventKind.POLL_CREATE: PollCreate.from_clean,
    EventKind.POLL_ANSWER: PollAnswer.from_clean,
    EventKind.POLL_FINAL: PollFinal.from_clean,
    EventKind.FLAG_CREATE: Sealed.from_clean,
    EventKind.CASE_REQUEST: CaseRequest.from_clean,
    EventKind.REMINDER_SET: Sealed.from_clean,
}


R = TypeVar("R")
P = TypeVar("P", bound=Payload)


@dataclass(frozen=True, slots=True)
class Handler(Generic[R, P]):
    """What applying a kind does: ``run(owner, event, payload)``, given a payload of the
    type ``takes`` (so a table of handlers is checked: ``run`` takes what ``takes`` is)."""

    takes: type[P]
    run: Callable[[R, Event, P], None]

    def __call__(self, owner: R, event: Event, payload: Payload) -> None:
        if not isinstance(payload, self.takes):  # pragma: no cover - TYPES gives the type
            raise TypeError(f"{event.kind} payload is not a {self.takes.__name__}")
        self.run(owner, event, payload)


def typed(kind: str, clean: Wire) -> Payload:
    """The typed value of a payload :func:`payloads.validate` returned for ``kind``."""
    build = TYPES.get(kind)
    if build is None:
        raise EventError(f"unknown event kind {kind!r}")
    return build(clean)
