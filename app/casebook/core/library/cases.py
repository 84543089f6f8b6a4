"""What a member does to the library: create networks, post and discuss cases.

Every action becomes one signed event (see :mod:`eventlog`); the checks here give a
clear message before an event is made, and the same rules are enforced again when any
computer applies it (:mod:`projection`). Every event that publishes text (a case, an
edit, a comment or reply, an outcome, and any content kind added later) passes the
de-identification check in :meth:`Library._append`, the one way in: it is refused with
:class:`IdentifiersFound` unless the author passes ``allow_identifiers=True``, before
anything (attachments included) is stored.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from typing import Any

from casebook.core.ledger import case_keys
from casebook.core.ledger.eventlog import EventLog
from casebook.core.library import attachments, deident, refs
from casebook.core.model import content, flags, mentions, payloads, purge, relayaddr
from casebook.core.model.events import EventError
from casebook.core.model.ids import EventId, NetId
from casebook.core.model.kinds import MODERATORS, EventKind, Role
from casebook.core.model.membership import INVITERS, ROLES, network_id
from casebook.core.model.payloads import (
    MAX_NAME,
    OPINIONS,
    STATUSES,
    clean_text,
    normalize_tag,
)
from casebook.core.model.reminders import REMINDER
from casebook.core.model.sealed import SealedKind
from casebook.errors import IdentifiersFound, NotFound, PermissionDenied, UsageError, say
from casebook.store.database import Database


def _wire_attachment(stored: dict[str, Any]) -> dict[str, Any]:
    """A stored attachment entry (JSON form) back in its wire form."""
    out = {**stored, "hash": bytes.fromhex(stored["hash"])}
    own = stored.get("consent")
    if own is not None:
        out["consent"] = _wire_consent(own)
    return out


def _wire_consent(stored: dict[str, Any]) -> dict[str, Any]:
    form = stored["form"]
    return {**stored, "form": None if form is None else bytes.fromhex(form)}


_MENTIONING = (EventKind.CASE_CREATE, EventKind.COMMENT_CREATE, EventKind.CASE_OUTCOME)


_SEALED: dict[str, SealedKind] = {
    EventKind.FLAG_CREATE: flags.FLAG,
    EventKind.REMINDER_SET: REMINDER,
}


def _as_written(kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    """The payload validated as its author wrote it: a flag or a reminder before it is
    sealed (the network's validator reads the sealed form)."""
    if kind in _SEALED:
        return _SEALED[kind].says(payload)
    return payloads.validate(kind, payload)


def _usage(exc: EventError) -> UsageError:
    return UsageError(str(exc)[:1].upper() + str(exc)[1:] + ".")


class Library:
    def __init__(self, db: Database, log: EventLog) -> None:
        self.db = db
        self.log = log
        self.me = log.member  # cases and comments are the member's, from any device

    def _append(
        self,
        net: bytes,
        kind: EventKind,
        payload: dict[str, Any],
        *,
        allow_identifiers: bool = False,
        files: Sequence[attachments.Prepared] = (),
        **kw: Any,
    ) -> EventId:
        """Write one event of ours (with the attachments it names). Text that looks like
        a patient identifier is refused before anything is stored, unless allowed."""
        if kind != EventKind.NETWORK_CREATE:
            state = self.log.members.state(net)
            mine = state.members.get(self.me)
            if mine is not None and not mine.active:
                raise PermissionDenied(
                    "You are no longer a member of this network; nothing you write there "
                    "would reach anyone."
                )
            device = state.devices.get(self.log.chain)
            if device is not None and not device.current:
                raise PermissionDenied(
                    "This computer was removed from your devices; nothing it writes would "
                    "reach anyone. Link it again from one of your other computers."
                )
        if kind in _MENTIONING:
            payload = self._with_mentions(net, payload)
        if not allow_identifiers:  # the text as it will be published: cleaned first
            try:
                clean = _as_written(kind, payload)
            except EventError:
                clean = payload  # (refused below; what it says is checked all the same)
            findings = deident.check_payload(kind, clean)
            if findings:
                raise IdentifiersFound(findings)
        if kind in _SEALED:
            payload = self._sealed(net, kind, payload)
        try:
            with self.db.transaction():
                for item in files:
                    attachments.store(self.db, item)
                return self.log.append(net, kind, payload, **kw).id
        except EventError as exc:
            raise _usage(exc) from None

    def _with_mentions(self, net: bytes, payload: dict[str, Any]) -> dict[str, Any]:
        """The payload with the members its text names (docs/protocol.md, "Mentions"),
        resolved here against the network's members; a part of a name that fits several
        is refused in words rather than guessed."""
        names = self.mentionable(net, me=True)
        text = "\n".join(str(payload.get(k, "")) for k in ("title", "body"))
        found = mentions.resolve(text, names, exclude=[self.me])
        if found.ambiguous:
            part, fits = found.ambiguous[0]
            raise UsageError(
                say(
                    "@{0} could be any of: {1}. Write more of the name.",
                    part,
                    ", ".join(sorted(names[k] for k in fits)),
                )
            )
        if not found.found:
            return payload
        return {**payload, "mentions": found.found}

    def _sealed(self, net: bytes, kind: EventKind, said: dict[str, Any]) -> dict[str, Any]:
        """What a flag or reminder says, sealed to every current device of this member
        and, for a flag, of the network's moderators and admins (docs/protocol.md)."""
        state = self.log.members.state(net)
        recipients = [
            (d.key, d.xkey)
            for m in state.active_members()
            if m.key == self.me or (kind == EventKind.FLAG_CREATE and m.role in MODERATORS)
            for d in state.current_devices(m)
        ]
        try:
            return _SEALED[kind].seal(said, net, self.me, recipients)
        except EventError as exc:
            raise _usage(exc) from None

    def request_opinion(self, case_id: bytes, opinion: str) -> EventId:
        """Ask the network for a second opinion on this member's case (``requested``,
        ``urgent``), or no more (``none``)."""
        row = self._own_case(case_id, "ask for a second opinion")
        if opinion not in OPINIONS:
            raise UsageError("Ask for a second opinion (requested or urgent), or none.")
        return self._append(
            bytes(row["net"]), EventKind.CASE_REQUEST, {"case": case_id, "opinion": opinion}
        )

    def remind(self, case_id: bytes, due: int) -> EventId:
        """Remind this member (on each of their computers) to add the outcome of their
        case at ``due`` (ms since the epoch); 0 clears the reminder."""
        row = self._own_case(case_id, "set its follow-up reminder")
        return self._append(
            bytes(row["net"]), EventKind.REMINDER_SET, {"case": case_id, "due": due}
        )

    def flag(self, ref: str, reason: str, *, allow_identifiers: bool = False) -> EventId:
        """Flag a case, a comment or a poll answer for the moderators, with a reason
        only they (and this member's computers) can read."""
        _what, target, net = refs.moderatable(self.db, ref)
        return self._append(
            net,
            EventKind.FLAG_CREATE,
            {"target": target, "reason": reason},
            allow_identifiers=allow_identifiers,
        )

    def mentionable(
        self, net: bytes | None = None, *, case: bytes | None = None, me: bool = False
    ) -> dict[bytes, str]:
        """The members a text in ``net`` (or in ``case``'s network) may mention: the
        active ones, by member key; this member too with ``me`` (the resolver needs every
        name to tell a title all share, such as "Dr", from a name)."""
        if case is not None:  # any case, withdrawn too (its tombstone names nobody)
            found = self.db.scalar("SELECT net FROM cases WHERE id = ?", (case,))
            net = None if found is None else bytes(found)
        if net is None:
            return {}
        members = self.log.members.state(net).members
        return {
            key: name
            for key, name in refs.names(self.db, net).items()
            if (me or key != self.me) and key in members and members[key].active
        }

    # -- networks -----------------------------------------------------------------
    def create_network(
        self,
        name: str,
        founder_name: str,
        *,
        relays: Sequence[str] = (),
        invite_policy: str = "admins",
        default_role: str = Role.MEMBER,
    ) -> NetId:
        try:
            name = clean_text(name, "network name", MAX_NAME, single_line=True)
        except EventError as exc:
            raise _usage(exc) from None
        if not name:
            raise UsageError("A network needs a name.")
        if invite_policy not in INVITERS:
            raise UsageError(say("Who may invite: one of {0}.", ", ".join(INVITERS)))
        if default_role not in ROLES:
            raise UsageError(say("The default role is one of: {0}.", ", ".join(ROLES)))
        urls = [str(relayaddr.parse(r)) for r in relays]
        self.log.me.needs_member_key("Create a network")
        nonce = os.urandom(16)
        net = network_id(self.me, nonce)
        with self.db.transaction():
            self.log.add_seed(net, 0, content.new_seed())
            self._append(
                net,
                EventKind.NETWORK_CREATE,
                {"name": name, "founder_name": founder_name, "relays": urls},
                pub={
                    "nonce": nonce,
                    "xkey": self.log.identity.exchange_public_key,
                    "policy": {"invite": invite_policy, "role": default_role},
                },
            )
        return net

    def network(self, ref: str) -> bytes:
        return refs.network(self.db, ref)

    def case(self, ref: str) -> bytes:
        return refs.by_prefix(self.db, "cases", ref, "case")

    def comment_ref(self, ref: str) -> bytes:
        return refs.by_prefix(self.db, "comments", ref, "comment")

    def _case_row(self, case_id: bytes) -> Any:
        row = self.db.one("SELECT id, net, author, withdrawn FROM cases WHERE id = ?", (case_id,))
        if row is None:
            raise NotFound("No such case.")
        if row["withdrawn"] is not None:
            raise UsageError("This case was withdrawn: it can no longer be discussed or changed.")
        return row

    def _own_case(self, case_id: bytes, action: str) -> Any:
        row = self._case_row(case_id)
        if bytes(row["author"]) != self.me:
            raise PermissionDenied(say("Only the case's author can {0}.", action))
        return row

    # -- cases --------------------------------------------------------------------
    def post_case(
        self,
        net: bytes,
        *,
        title: str,
        fields: dict[str, str] | None = None,
        body: str = "",
        tags: Sequence[str] = (),
        specialty: str = "",
        files: Sequence[attachments.Prepared] = (),
        consent: dict[str, Any] | None = None,
        allow_identifiers: bool = False,
    ) -> EventId:
        """``consent``: the case's record (see core.model.consent.record); each file may
        carry its own, and one marked identifiable needs written consent."""
        payload: dict[str, Any] = {
            "title": title,
            "specialty": specialty,
            "fields": dict(fields or {}),
            "body": body,
            "tags": [normalize_tag(t) for t in tags if t.strip()],
            "attachments": [f.entry() for f in files],
            "purge_key": purge.new_key(),  # binds the case's events, for a withdrawal
        }
        if consent is not None:
            payload["consent"] = consent
        return self._append(
            net, EventKind.CASE_CREATE, payload, files=files, allow_identifiers=allow_identifiers
        )

    def edit_case(
        self,
        case_id: bytes,
        files: Sequence[attachments.Prepared] = (),
        *,
        allow_identifiers: bool = False,
        **changes: Any,
    ) -> EventId:
        row = self._own_case(case_id, "edit it")
        payload: dict[str, Any] = {"case": case_id}
        for key in ("title", "specialty", "body", "fields", "consent"):
            if changes.get(key) is not None:
                payload[key] = changes[key]
        if changes.get("tags") is not None:
            payload["tags"] = [normalize_tag(t) for t in changes["tags"] if t.strip()]
        current = self.db.row("SELECT attachments, consent FROM cases WHERE id = ?", (case_id,))
        kept = [_wire_attachment(a) for a in json.loads(current["attachments"] or "[]")]
        if files or "consent" in payload:  # the record and the attachments go together
            new = {f.hash: f.entry() for f in files}  # a file attached again: its new entry
            payload["attachments"] = [a for a in kept if a["hash"] not in new] + list(new.values())
            if "consent" not in payload and current["consent"]:
                payload["consent"] = _wire_consent(json.loads(current["consent"]))
        if len(payload) == 1:
            raise UsageError(
                "Nothing to change: give a new title, field, body, tags, consent or file."
            )
        return self._append(
            bytes(row["net"]),
            EventKind.CASE_EDIT,
            payload,
            files=files,
            allow_identifiers=allow_identifiers,
        )

    def set_status(self, case_id: bytes, status: str) -> EventId:
        if status not in STATUSES:
            raise UsageError(say("Status must be one of: {0}.", ", ".join(STATUSES)))
        row = self._own_case(case_id, "change its status")
        return self._append(
            bytes(row["net"]), EventKind.CASE_STATUS, {"case": case_id, "status": status}
        )

    def add_outcome(self, case_id: bytes, text: str, *, allow_identifiers: bool = False) -> EventId:
        row = self._own_case(case_id, "add its outcome")
        return self._append(
            bytes(row["net"]),
            EventKind.CASE_OUTCOME,
            {"case": case_id, "parent": None, "body": text},
            allow_identifiers=allow_identifiers,
        )

    # -- discussion ---------------------------------------------------------------
    def comment(
        self,
        case_id: bytes,
        body: str,
        parent: bytes | None = None,
        *,
        allow_identifiers: bool = False,
    ) -> EventId:
        row = self._case_row(case_id)
        if parent is not None:
            parent_case = self.db.scalar("SELECT case_id FROM comments WHERE id = ?", (parent,))
            if parent_case is None or bytes(parent_case) != case_id:
                raise UsageError("The comment you reply to is not part of this case.")
        return self._append(
            bytes(row["net"]),
            EventKind.COMMENT_CREATE,
            {"case": case_id, "parent": parent, "body": body},
            allow_identifiers=allow_identifiers,
        )

    def reply(self, comment_id: bytes, body: str, *, allow_identifiers: bool = False) -> EventId:
        case_id = self.db.scalar("SELECT case_id FROM comments WHERE id = ?", (comment_id,))
        if case_id is None:
            raise NotFound("No such comment.")
        return self.comment(
            bytes(case_id), body, parent=comment_id, allow_identifiers=allow_identifiers
        )

    def edit_comment(
        self, comment_id: bytes, body: str, *, allow_identifiers: bool = False
    ) -> EventId:
        row = self.db.one("SELECT net, author FROM comments WHERE id = ?", (comment_id,))
        if row is None:
            raise NotFound("No such comment.")
        if bytes(row["author"]) != self.me:
            raise PermissionDenied("Only its author can edit a comment.")
        return self._append(
            bytes(row["net"]),
            EventKind.COMMENT_EDIT,
            {"comment": comment_id, "body": body},
            allow_identifiers=allow_identifiers,
        )

    def endorse(self, comment_id: bytes) -> EventId:
        row = self.db.one("SELECT net, author FROM comments WHERE id = ?", (comment_id,))
        if row is None:
            raise NotFound("No such comment.")
        if bytes(row["author"]) == self.me:
            raise PermissionDenied("You cannot endorse your own comment.")
        if self.db.scalar(
            "SELECT 1 FROM endorsements WHERE comment_id = ? AND author = ?", (comment_id, self.me)
        ):
            raise UsageError("You have already endorsed this comment.")
        return self._append(bytes(row["net"]), EventKind.COMMENT_ENDORSE, {"comment": comment_id})

    # -- withdrawal -----------------------------------------------------------------
    def withdraw(self, case_id: bytes, reason: str, *, allow_identifiers: bool = False) -> EventId:
        """Withdraw a case (its author, or an admin): every computer of the network
        purges it, and the relay drops what it holds of it (docs/protocol.md)."""
        row = self.db.one(
            "SELECT id, net, author, purge_key, withdrawn FROM cases WHERE id = ?", (case_id,)
        )
        if row is None:
            raise NotFound("No such case.")
        if row["withdrawn"] is not None:
            raise UsageError("This case is withdrawn already.")
        if not reason.strip():
            raise UsageError("Say why the case is withdrawn (--reason); members see it.")
        net = bytes(row["net"])
        role = self.log.members.state(net).role_now(self.log.chain)
        if bytes(row["author"]) != self.me and role != Role.ADMIN:
            raise PermissionDenied("Only the case's author or an admin can withdraw it.")
        key = None if row["purge_key"] is None else bytes(row["purge_key"])
        blobs = [] if key is None else self._relay_blob_ids(net, case_id)
        with self.db.transaction():
            event = self._append(
                net,
                EventKind.CASE_WITHDRAW,
                {"case": case_id, "reason": reason},
                pub=purge.Withdrawal(case_id, key, tuple(blobs)).to_pub(),
                allow_identifiers=allow_identifiers,
            )
            self.confirm_purges(net)  # this computer has purged it: the first to confirm
        return event

    def _relay_blob_ids(self, net: bytes, case_id: bytes) -> list[bytes]:
        """The relay ids of every attachment the case named, in any revision."""
        hashes = [bytes.fromhex(h) for h in sorted(case_keys.attachment_hashes(self.db, case_id))]
        return case_keys.inner_blob_ids(self.db, self.log.keys.seed, net, case_id, hashes)

    def confirm_purges(self, net: bytes) -> int:
        """Write this computer's ``case.purged`` for each case of ``net`` withdrawn here
        and not yet confirmed by it (the author counts them); returns how many."""
        rows = self.db.all(
            "SELECT c.id FROM cases c WHERE c.net = ? AND c.withdrawn IS NOT NULL "
            "AND NOT EXISTS (SELECT 1 FROM purge_confirmations p "
            "WHERE p.case_id = c.id AND p.device = ?)",
            (net, self.log.chain),
        )
        done = 0
        for row in rows:
            try:
                self._append(net, EventKind.CASE_PURGED, {"case": bytes(row["id"])})
            except (PermissionDenied, UsageError):
                break  # this computer can no longer write in the network
            done += 1
        return done
