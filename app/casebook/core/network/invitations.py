"""Inviting people into a network and joining one with a code.

Making an invite appends an ``invite.create`` event holding only the invite's public key,
role, expiry and uses, and seals a welcome package (every epoch seed this profile holds)
under a key derived from the secret. The code and the welcome package stay in this
profile's encrypted database so the invite can be shown again and handed to a relay.

Joining checks the code (typo or forgery), opens the welcome package with the secret,
stores the seeds, and appends the newcomer's ``member.join``: the invite key's signature
over the network, the newcomer's keys and a fresh nonce.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from casebook.core.ledger.eventlog import EventLog, now_ms
from casebook.core.model import invite_codes, relayaddr
from casebook.core.model.epochs import is_seed_list
from casebook.core.model.events import EventError
from casebook.core.model.fingerprint import fingerprint
from casebook.core.model.ids import EventId, NetId
from casebook.core.model.invite_codes import InviteCode, InviteCodeError
from casebook.core.model.kinds import EventKind, Role
from casebook.core.model.membership import MAX_USES, RANK, ROLES
from casebook.core.model.payloads import MAX_NAME, clean_text
from casebook.errors import NotFound, PermissionDenied, UsageError, say
from casebook.store.database import Database, Row

DAY_MS = 86_400_000
DEFAULT_EXPIRY_MS = 7 * DAY_MS
MAX_EXPIRY_MS = 365 * DAY_MS
# (epoch, source, seed) from a welcome package; an alias, as ``Invitations.list`` hides
# the builtin inside the class.
Seeds = list[tuple[int, bytes, bytes]]


def date_text(ms: int) -> str:
    try:
        return datetime.fromtimestamp(ms / 1000, tz=UTC).strftime("%Y-%m-%d %H:%M UTC")
    except (ValueError, OverflowError, OSError):
        return "a date out of range"


@dataclass
class MadeInvite:
    code: str
    key: bytes
    role: Role
    uses: int
    expires: int
    welcome: bytes

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "id": self.key.hex(),
            "role": self.role,
            "uses": self.uses,
            "expires": date_text(self.expires),
            "expires_ms": self.expires,
            "chars": len(self.code),
        }


def code_error(exc: InviteCodeError) -> UsageError:
    return UsageError(str(exc))


class Invitations:
    def __init__(self, db: Database, log: EventLog) -> None:
        self.db = db
        self.log = log
        self.me = log.member

    # -- the inviter's side -------------------------------------------------------
    def create(
        self,
        net: bytes,
        *,
        role: str | None = None,
        uses: int = 1,
        expires_in_ms: int = DEFAULT_EXPIRY_MS,
    ) -> MadeInvite:
        state = self.log.members.state(net)
        my_role = state.role_now(self.log.chain)
        if my_role is None:
            raise PermissionDenied("You are not a member of this network.")
        if my_role != Role.ADMIN and state.invite_policy != "members":
            raise PermissionDenied("Only admins can invite in this network.")
        role = role or state.default_role
        if role not in ROLES:
            raise UsageError(say("Role must be one of: {0}.", ", ".join(ROLES)))
        offered = Role(role)
        if RANK[offered] > RANK[my_role]:
            raise PermissionDenied(
                say("As a {0} you cannot invite someone as {1}.", my_role, offered)
            )
        if not 1 <= uses <= MAX_USES:
            raise UsageError(say("An invite can be used 1 to {0} times.", MAX_USES))
        if not 60_000 <= expires_in_ms <= MAX_EXPIRY_MS:
            raise UsageError("An invite expires after at least a minute and at most a year.")
        row = self.db.one("SELECT name, relays FROM networks WHERE id = ?", (net,))
        if row is None:
            raise NotFound("This profile has not received that network's first event yet.")
        relays = tuple(relayaddr.parse(u) for u in json.loads(row["relays"]))
        expires = now_ms() + expires_in_ms
        code = InviteCode.make(self.log.identity, NetId(net), relays, offered, expires)
        key = code.key
        with self.db.transaction():
            try:
                event = self.log.append(
                    net,
                    EventKind.INVITE_CREATE,
                    {"join": invite_codes.join_seed(code.secret, net)},
                    pub={
                        "key": key,
                        "role": offered,
                        "expires": expires,
                        "uses": uses,
                        "join": 1,
                        "proof": invite_codes.sign_creation(
                            code.secret, code.net, self.log.chain, offered, expires, uses
                        ),
                    },
                )
            except EventError as exc:
                raise PermissionDenied(say("The invite was refused: {0}.", exc)) from None
            welcome = self._seal(code.secret, net, row["name"], event.header.lamport)
            text = code.encode()
            self.db.execute(
                "INSERT INTO invite_secrets (key, net, secret, code, welcome, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (key, net, code.secret, text, welcome, now_ms()),
            )
        return MadeInvite(text, key, offered, uses, expires, welcome)

    def list(self, net: bytes) -> list[dict[str, Any]]:
        now = now_ms()
        state = self.log.members.state(net)
        rows = self.db.all(
            "SELECT i.key, i.inviter, i.created_at, s.code, "
            "(SELECT name FROM authors a WHERE a.net = i.net AND a.key = i.inviter) AS by "
            "FROM invites i LEFT JOIN invite_secrets s ON s.key = i.key "
            "WHERE i.net = ? ORDER BY i.created_at DESC",
            (net,),
        )
        out = []
        for row in rows:
            invite = state.invites[bytes(row["key"])]
            out.append(
                {
                    "id": invite.key.hex(),
                    "role": invite.role,
                    "status": invite.status(now),
                    "uses": invite.uses,
                    "used": len(invite.used_by),
                    "expires": date_text(invite.expires),
                    "created": date_text(invite.created_at),
                    "inviter": fingerprint(invite.inviter),
                    "inviter_name": row["by"] or "",
                    "code": row["code"] if invite.status(now) == "open" else None,
                }
            )
        return out

    def find(self, net: bytes, ref: str) -> bytes:
        prefix = ref.strip().lower()
        if len(prefix) < 4 or any(c not in "0123456789abcdef" for c in prefix):
            raise UsageError(
                say("{0!r} is not an invite id (hexadecimal, at least 4 digits).", ref)
            )
        keys = [k for k in self.log.members.state(net).invites if k.hex().startswith(prefix)]
        if not keys:
            raise NotFound(say("No invite {0} in this network.", ref))
        if len(keys) > 1:
            raise UsageError(say("{0} matches more than one invite; type more of the id.", ref))
        return keys[0]

    def revoke(self, net: bytes, ref: str) -> bytes:
        key = self.find(net, ref)
        state = self.log.members.state(net)
        invite = state.invites[key]
        if invite.revoked_by is not None:
            raise UsageError("That invite is already revoked.")
        if state.role_now(self.log.chain) != Role.ADMIN and invite.inviter != self.me:
            raise PermissionDenied("Only the inviter or an admin can revoke an invite.")
        with self.db.transaction():
            try:
                joins = sorted(invite.used_by)  # the redemptions we have seen; no others
                self.log.append(
                    net, EventKind.INVITE_REVOKE, {}, pub={"invite": key, "joins": joins}
                )
            except EventError as exc:
                raise PermissionDenied(say("The revocation was refused: {0}.", exc)) from None
            self.db.execute("DELETE FROM invite_secrets WHERE key = ?", (key,))
        return key

    def _seal(self, secret: bytes, net: bytes, name: str, lamport: int) -> bytes:
        """A welcome package: every seed held now, for the holder of ``secret``."""
        seeds = self.log.keys.export(net)
        welcome = {"v": 1, "net": net, "name": name, "seeds": seeds, "lamport": lamport}
        return invite_codes.seal_welcome(secret, net, welcome)

    def _open_rows(self, net: bytes) -> Sequence[Row]:
        """This profile's invites of ``net`` that are still open, with secret and package."""
        state, now = self.log.members.state(net), now_ms()
        rows = self.db.all("SELECT key, secret, welcome FROM invite_secrets WHERE net = ?", (net,))
        return [
            r
            for r in rows
            if (i := state.invites.get(bytes(r["key"]))) is not None and i.status(now) == "open"
        ]

    def open_welcomes(self, net: bytes) -> dict[bytes, bytes]:
        """Invite key → sealed welcome package, for a relay or a bundle."""
        return {bytes(r["key"]): bytes(r["welcome"]) for r in self._open_rows(net)}

    def reseal(self, net: bytes) -> int:
        """After a rotation: seal this profile's open invites' welcome packages again
        with every seed held now, so a newcomer can read the newest epoch at once."""
        name = self.db.scalar("SELECT name FROM networks WHERE id = ?", (net,)) or ""
        lamport = int(self.db.scalar("SELECT max(lamport) FROM events WHERE net = ?", (net,)))
        rows = self._open_rows(net)
        for row in rows:
            welcome = self._seal(bytes(row["secret"]), net, name, lamport)
            self.db.execute(
                "UPDATE invite_secrets SET welcome = ? WHERE key = ?", (welcome, row["key"])
            )
        return len(rows)

    def welcome(self, key: bytes) -> bytes | None:
        value = self.db.scalar("SELECT welcome FROM invite_secrets WHERE key = ?", (key,))
        return None if value is None else bytes(value)

    # -- the newcomer's side --------------------------------------------------------
    @staticmethod
    def read_code(text: str) -> InviteCode:
        try:
            code = InviteCode.decode(text)
        except InviteCodeError as exc:
            raise code_error(exc) from None
        return code

    def join(
        self,
        code: InviteCode,
        sealed_welcome: bytes,
        name: str,
        nonce: bytes | None = None,
        before_join: Any = None,
    ) -> EventId:
        """Open the welcome package, store its seeds and append our ``member.join``.

        ``before_join`` (optional) runs after the seeds are stored and before the join is
        made, e.g. to ingest the network's events from a bundle. Returns the join's id.
        """
        welcome, seeds = self._welcome(code, sealed_welcome)
        with self.db.transaction():
            for epoch, source, seed in seeds:
                self.log.add_seed(code.net, epoch, seed, source)
            if before_join is not None:
                before_join()
            invite = self.log.members.state(code.net).invites.get(code.key)
            # An invite made by an older Casebook: its members open joins with epoch keys.
            sealed = invite is None or invite.sealed_join
            event_id = self.make_join(code, name, nonce, welcome["lamport"], sealed=sealed)
            reason = self.log.members.state(code.net).rejected.get(event_id)
            known = self.db.scalar("SELECT 1 FROM networks WHERE id = ?", (code.net,))
            if reason is not None and known:
                raise PermissionDenied(say("The network refuses this invite: {0}.", reason))
        return event_id

    def make_join(
        self,
        code: InviteCode,
        name: str,
        nonce: bytes | None,
        lamport: int,
        *,
        sealed: bool = True,
    ) -> EventId:
        """Append our ``member.join`` (in the caller's transaction), sealed under the
        invite's join key: it needs no epoch seed, so a relay can take the join before
        it hands over the welcome package. Returns the join's id."""
        self.may_join(code)
        name = clean_text(name, "name", MAX_NAME, single_line=True)
        nonce = nonce or os.urandom(16)
        xkey = self.log.identity.exchange_public_key
        proof = invite_codes.prove(code.secret, code.net, self.me, xkey, nonce)
        seed = invite_codes.join_seed(code.secret, code.net)
        if sealed:
            self.log.add_join_seed(code.net, code.key, seed)
        event = self.log.append(
            code.net,
            EventKind.MEMBER_JOIN,
            {"name": name},
            pub={"invite": code.key, "xkey": xkey, "nonce": nonce, "proof": proof},
            min_lamport=lamport,
            pending_ok=True,
            join_seed=seed if sealed else None,
        )
        return event.id

    def take_seeds(self, code: InviteCode, sealed_welcome: bytes) -> None:
        """Store the welcome package's seeds once our join is made (a relay hands the
        package over only after it took the join); call in the join's transaction."""
        _, seeds = self._welcome(code, sealed_welcome, check=False)
        for epoch, source, seed in seeds:
            self.log.add_seed(code.net, epoch, seed, source)

    def _welcome(
        self, code: InviteCode, sealed_welcome: bytes, check: bool = True
    ) -> tuple[dict[str, Any], Seeds]:
        """The opened welcome package and its seeds, once this profile may join."""
        if check:
            self.may_join(code)
        try:
            welcome = invite_codes.open_welcome(code.secret, code.net, sealed_welcome)
            seeds = _welcome_seeds(welcome, code.net)
        except InviteCodeError as exc:
            raise code_error(exc) from None
        return welcome, seeds

    def may_join(self, code: InviteCode) -> None:
        """Raise with a clear message unless this profile may join with ``code``: not
        expired, and not in (or once refused by) that network."""
        self.log.me.needs_member_key("Join a network")
        if code.expires < now_ms():
            raise UsageError(
                say("This invite expired on {0}; ask for a new one.", date_text(code.expires))
            )
        state = self.log.members.state(code.net)
        if self.me in state.members:
            raise UsageError("This profile is already in that network (or was removed from it).")
        if self.db.scalar(
            "SELECT 1 FROM events WHERE net = ? AND author = ? LIMIT 1", (code.net, self.me)
        ):
            reason = state.rejected.get(
                bytes(
                    self.db.scalar(
                        "SELECT id FROM events WHERE net = ? AND author = ? AND seq = 1",
                        (code.net, self.me),
                    )
                )
            )
            raise UsageError(
                "This profile already joined that network once"
                + (f" and the network refused it ({reason})" if reason else "")
                + "; a profile joins a network only once. Join with a new profile."
            )


def _welcome_seeds(welcome: dict[str, Any], net: bytes) -> Seeds:
    bad = InviteCodeError("forged", "The welcome package for this invite is malformed.")
    if welcome.get("v") != 1 or welcome.get("net") != net:
        raise bad
    seeds = welcome.get("seeds")
    lamport = welcome.get("lamport")
    if not isinstance(seeds, list) or not seeds or type(lamport) is not int or lamport < 0:
        raise bad
    if not is_seed_list(seeds):
        raise bad
    return [(item[0], item[1], item[2]) for item in seeds]
