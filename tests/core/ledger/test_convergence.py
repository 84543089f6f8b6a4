"""Randomized convergence of a private network.

Four profiles share one network: Alice founds it, Bob, Carol and Dan join through the
real invite flow with random roles. Then a seeded random history runs: posts, comments,
endorsements and edits; role changes, one or two removals, rotations, moderation,
invites made and revoked; and partial deliveries between random pairs (a random subset
of the source's events, or all of them shuffled) so that every profile works from its own
incomplete and out-of-order view. Removed profiles keep using their app, which must
refuse once they know. Finally everyone syncs with everyone, admins repair the keys, and
the test checks that every profile folds the same membership; that every member ends up
with the same library, rejections and derived tables; that a rebuild of each profile
changes nothing; that no removed member holds a seed made by an admin who knew of the
removal; and that members can still all read each other, and outsiders cannot.

Keys, nonces and clocks are drawn from the seed too (see ``deterministic``), so a seed
replays the same history, event ids and ``(lamport, id)`` tie-breaks on every run.

The random histories found the bugs reproduced at the end of this file (strict xfail);
the generator steers around the ones it cannot tell apart from real divergence (see
CONCURRENT_ADMIN_CHANGES), and the checks name the few they tolerate.
"""

from __future__ import annotations

import itertools
import os
import random
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from casebook.core.ledger import eventlog, kept_text
from casebook.core.ledger.eventlog import Outcome
from casebook.core.model import epochs
from casebook.core.model.events import EventError
from casebook.core.model.identity import Identity
from casebook.core.model.membership import RANK, ROLES, MembershipState
from casebook.core.network import governance, invitations
from casebook.core.profile import Profile
from casebook.errors import CasebookError
from netkit import deliver, fp, join, key, link_computer, raw_events, sync, titles

SEEDS = (16, 21, 35, 36, 116)
LAPTOP_SEEDS = (16, 35, 116)
# Changing the role of, or removing, a profile that acted as an admin in events the actor
# had not seen, or that goes on acting as one unaware of the change, voids those acts after
# the fact. That runs into the bugs the xfail tests at the end of this file reproduce
# (posts under a refused rotation's seed unreadable for good, a refused newcomer reading
# on, derived rows a rebuild would not make). Until they are fixed, such changes happen
# "in the open": the actor first takes in everything the target has, and the target hears
# of the change at once. Set this to True to make them as concurrent as everything else.
CONCURRENT_ADMIN_CHANGES = False
ADMIN_KINDS = (
    "network.policy",
    "invite.create",
    "invite.revoke",
    "member.role",
    "member.remove",
    "epoch.rotate",
)
STEPS = 25
NOW = 1 << 52  # a seq after every event: "the role now"
NAMES = ("Dr. Alice Moreau", "Dr. Bob Lee", "Dr. Carol Nakamura", "Dr. Dan Okafor")
WORDS = ("syncope", "troponin", "murmur", "runner", "echo", "biopsy", "rash", "fever")


def _tail(n: int) -> str:
    """Every other text long enough that its author keeps it in its open creation only
    (those who receive it whole keep it in a row): the texts must still read the same."""
    return " The history and the findings are in the notes of the clinic." * 3 if n % 2 else ""


ACTIONS = (
    ("post", 4),
    ("comment", 4),
    ("endorse", 2),
    ("edit", 1),
    ("role", 2),
    ("remove", 1),
    ("rotate", 1),
    ("moderate", 2),
    ("invite", 2),
    ("deliver", 8),
)

# Derived tables, without the local row ids (``rid``), which follow the order events were
# applied in and so legitimately differ between profiles and across a rebuild.
DUMP = {
    "networks": "SELECT * FROM networks ORDER BY id",
    "authors": "SELECT * FROM authors ORDER BY net, key",
    "cases": "SELECT * FROM cases ORDER BY id",
    "case_tags": "SELECT t.tag, c.id AS case_id FROM case_tags t "
    "LEFT JOIN cases c ON c.rid = t.case_rid ORDER BY t.tag, c.id",
    "comments": "SELECT cm.*, c.id AS case_of_rid FROM comments cm "
    "LEFT JOIN cases c ON c.rid = cm.case_rid ORDER BY cm.id",
    "revisions": "SELECT * FROM revisions ORDER BY target, event_id",
    "endorsements": "SELECT * FROM endorsements ORDER BY comment_id, author",
    "waiting": "SELECT * FROM waiting ORDER BY needs, event_id",
    "rejected": "SELECT * FROM rejected ORDER BY event_id",
    "membership_log": "SELECT * FROM membership_log ORDER BY net, lamport, id",
    "members": "SELECT * FROM members ORDER BY net, key",
    "invites": "SELECT * FROM invites ORDER BY net, key",
    "epochs": "SELECT * FROM epochs ORDER BY net, epoch",
    "moderation": "SELECT * FROM moderation ORDER BY target",
}
# The text of a case or comment is compared as it reads (core/ledger/kept_text.py): one
# profile keeps it in its row, another only in the open creation it holds.
LOCAL_IDS = frozenset({"rid", "case_rid", "body"})


def dump(profile: Profile) -> dict[str, Any]:
    out: dict[str, Any] = {
        name: [
            tuple((k, r[k]) for k in r.keys() if k not in LOCAL_IDS)  # noqa: SIM118
            for r in profile.db.all(sql)
        ]
        for name, sql in DUMP.items()
    }
    cases = f"SELECT c.id, {kept_text.COLUMNS} FROM cases c {kept_text.JOIN} ORDER BY c.id"
    out["case_text"] = [(bytes(r["id"]), kept_text.case_text(r)) for r in profile.db.all(cases)]
    bodies = f"SELECT m.id, {kept_text.COMMENT_COLUMNS} FROM comments m ORDER BY m.id"
    out["bodies"] = [(bytes(r["id"]), kept_text.comment_body(r)) for r in profile.db.all(bodies)]
    # What each word finds. Not bm25: FTS5's document statistics count every insert into
    # a contentless-delete table, deletes included, so they follow the order events were
    # applied in (see test_bm25_does_not_depend_on_arrival_order below).
    for table, items in (("case_fts", "cases"), ("comment_fts", "comments")):
        for word in WORDS:
            rows = profile.db.all(
                f"SELECT x.id FROM {table} JOIN {items} x ON x.rid = {table}.rowid "
                f"WHERE {table} MATCH ? ORDER BY x.id",
                (word,),
            )
            out[f"{table}:{word}"] = [bytes(r[0]) for r in rows]
    return out


def membership_view(state: MembershipState) -> dict[str, Any]:
    """Everything the fold decided, in comparable form."""
    return {
        "founder": state.founder,
        "policy": (state.invite_policy, state.default_role),
        "members": {
            k: (
                m.join_event,
                m.invite,
                tuple(m.roles),
                m.cut,
                m.removed_by,
                m.removal_event,
                m.admin_since,
            )
            for k, m in state.members.items()
        },
        "invites": {
            k: (i.inviter, i.role, i.uses, tuple(i.used_by), i.revoked_by, i.allowed)
            for k, i in state.invites.items()
        },
        "epochs": [(e.number, e.winner, e.author, tuple(e.candidates)) for e in state.epochs],
        "rejected": dict(state.rejected),
    }


def case_list(profile: Profile) -> list[tuple[Any, ...]]:
    rows = profile.db.all("SELECT id, title, hidden, pinned FROM cases ORDER BY id")
    return [(bytes(r[0]), r[1], r[2], r[3]) for r in rows]


def rejected(profile: Profile) -> dict[bytes, str]:
    return {bytes(r[0]): r[1] for r in profile.db.all("SELECT event_id, reason FROM rejected")}


def stuck(profile: Profile, final: MembershipState) -> list[tuple[bytes, bytes]]:
    """``(needs, event id)`` of waiting events that should not wait any more. An event
    may wait for good only on a profile never admitted (its join may yet come), or on an
    event that was refused, or on one that itself waits for good (a comment on a case
    written after its author's removal, an endorsement of that comment...)."""
    rows = [
        (bytes(r[0]), bytes(r[1]), bytes(r[2]))
        for r in profile.db.all(
            "SELECT w.needs, w.event_id, e.author FROM waiting w JOIN events e ON e.id = w.event_id"
        )
    ]
    dead = set(rejected(profile))
    while True:
        more = {
            event
            for needs, event, author in rows
            if event not in dead and (author not in final.members or needs in dead)
        }
        if not more:
            return [(needs, event) for needs, event, _ in rows if event not in dead]
        dead |= more


def without_stale_waits(tables: dict[str, Any], refused: dict[bytes, str]) -> dict[str, Any]:
    """BUG 4 (see test_waiting_row_of_a_later_refused_event_outlives_it): a refused event
    may be left waiting for a key the profile never gets; a rebuild does not make that row."""
    tables["waiting"] = [row for row in tables["waiting"] if dict(row)["event_id"] not in refused]
    return tables


def event_ids(profile: Profile) -> set[bytes]:
    return {bytes(r[0]) for r in profile.db.all("SELECT id FROM events")}


class World:
    """The profiles, the network, and what the random history did (for messages)."""

    def __init__(self, rng: random.Random, profiles: list[Profile], net: bytes) -> None:
        self.rng = rng
        self.profiles = profiles
        self.net = net
        self.removals = 0
        self.max_removals = rng.choice((1, 2))
        # (rotation id, keys its author knew to be removed when making it)
        self.rotations: list[tuple[bytes, frozenset[bytes]]] = []
        self.invites: list[bytes] = []
        self.trace: list[str] = []
        self.counter = 0
        self.done: dict[str, int] = {}
        self.refused: dict[str, int] = {}
        self.ingest_errors: list[str] = []

    # -- what a profile knows ------------------------------------------------------
    def state(self, profile: Profile) -> MembershipState:
        return profile.log.members.state(self.net)

    def role(self, profile: Profile) -> str | None:
        return self.state(profile).role_at(key(profile), NOW)

    def removed_anywhere(self, profile: Profile) -> bool:
        for viewer in self.profiles:
            member = self.state(viewer).members.get(profile.member)
            if member is not None and not member.active:
                return True
        return False

    def knows_removed(self, profile: Profile) -> bool:
        member = self.state(profile).members.get(profile.member)
        return member is not None and not member.active

    def name(self, profile: Profile) -> str:
        return profile.name.split()[1]

    def report(self) -> str:
        return "\n".join(self.trace)

    def word(self) -> str:
        return self.rng.choice(WORDS)

    def next(self) -> int:
        self.counter += 1
        return self.counter

    # -- acting through the app -------------------------------------------------------
    def attempt(self, actor: Profile, what: str, call: Callable[[], Any]) -> Any:
        """Run an app call; a CasebookError is a legitimate refusal. A profile that
        knows it was removed must be refused."""
        aware = self.knows_removed(actor)
        try:
            result = call()
        except CasebookError as exc:
            self.refused[what] = self.refused.get(what, 0) + 1
            self.trace.append(f"{self.name(actor)} {what}: refused ({exc.message})")
            return None
        self.done[what] = self.done.get(what, 0) + 1
        self.trace.append(f"{self.name(actor)} {what}: ok")
        assert not aware, f"{self.name(actor)} knows it was removed, yet {what} went through"
        return result

    def record_rotation(self, actor: Profile, rotation: bytes | None) -> None:
        if rotation is None:
            return
        state = self.state(actor)
        gone = frozenset(k for k, m in state.members.items() if not m.active)
        self.rotations.append((rotation, gone))

    def actor(self, *roles: str) -> Profile | None:
        """A profile that believes it has one of ``roles``; now and then, instead, a
        profile that was removed (its app must refuse once it knows)."""
        removed = [p for p in self.profiles if self.knows_removed(p)]
        if removed and self.rng.random() < 0.25:
            return self.rng.choice(removed)
        pool = [p for p in self.profiles if self.role(p) in roles]
        return self.rng.choice(pool) if pool else None

    # -- the steps ------------------------------------------------------------------
    def step(self) -> None:
        kinds, weights = zip(*ACTIONS, strict=True)
        kind = self.rng.choices(kinds, weights)[0]
        getattr(self, "do_" + kind)()

    def do_post(self) -> None:
        actor = self.actor(*ROLES)
        if actor is None:
            return
        n = self.next()
        title = f"{self.word()} case {n}"
        self.attempt(
            actor,
            "post",
            lambda: actor.library.post_case(
                self.net, title=title, body=f"{self.word()} body {n}{_tail(n)}", tags=[self.word()]
            ),
        )

    def do_comment(self) -> None:
        actor = self.actor(*ROLES)
        if actor is None:
            return
        cases = [
            bytes(r[0])
            for r in actor.db.all("SELECT id FROM cases WHERE hidden = 0 ORDER BY title")
        ]
        if not cases:
            return
        case = self.rng.choice(cases)
        n = self.next()
        body = f"{self.word()} comment {n}{_tail(n)}"
        self.attempt(actor, "comment", lambda: actor.library.comment(case, body))

    def do_endorse(self) -> None:
        actor = self.actor(*ROLES)
        if actor is None:
            return
        rows = actor.db.all(
            "SELECT id FROM comments WHERE author != ? AND id NOT IN "
            "(SELECT comment_id FROM endorsements WHERE author = ?) ORDER BY body",
            (actor.member, actor.member),
        )
        if not rows:
            return
        comment = bytes(self.rng.choice(rows)[0])
        self.attempt(actor, "endorse", lambda: actor.library.endorse(comment))

    def do_edit(self) -> None:
        actor = self.actor(*ROLES)
        if actor is None:
            return
        rows = actor.db.all("SELECT id FROM cases WHERE author = ? ORDER BY title", (actor.member,))
        if not rows:
            return
        case = bytes(self.rng.choice(rows)[0])
        title = f"{self.word()} case {self.next()} (edited)"
        self.attempt(actor, "edit", lambda: actor.library.edit_case(case, title=title))

    def do_role(self) -> None:
        actor = self.actor("admin")
        if actor is None:
            return
        state = self.state(actor)
        targets = [
            p
            for p in self.members_once()
            if p.member != actor.member
            and self.active_in(state, p)
            and (CONCURRENT_ADMIN_CHANGES or not self.removed_anywhere(p))
        ]
        if not targets:
            return
        target = self.rng.choice(targets)
        now = state.members[target.member].role
        role = self.rng.choice([r for r in ROLES if r != now])
        ref = fp(target)
        self.in_the_open(
            actor,
            target,
            role == "admin",
            lambda: self.attempt(
                actor,
                f"role {self.name(target)}->{role}",
                lambda: actor.governance.set_role(self.net, ref, role),
            ),
        )

    def had_power(self, profile: Profile) -> bool:
        """Whether ``profile`` is an admin in its own eyes, or ever acted as one."""
        marks = ",".join("?" * len(ADMIN_KINDS))
        acted = profile.db.scalar(
            f"SELECT 1 FROM events WHERE net = ? AND author = ? AND kind IN ({marks})",
            (self.net, key(profile), *ADMIN_KINDS),
        )
        return self.role(profile) == "admin" or acted is not None

    def in_the_open(
        self, actor: Profile, target: Profile, promotion: bool, change: Callable[[], Any]
    ) -> Any:
        """Make a role change or removal; see CONCURRENT_ADMIN_CHANGES."""
        careful = not CONCURRENT_ADMIN_CHANGES and (promotion or self.had_power(target))
        if careful:
            self.pass_all(target, actor)
        result = change()
        if careful and result is not None:
            self.pass_all(actor, target)
        return result

    def pass_all(self, source: Profile, target: Profile) -> None:
        outcomes = deliver(source, target, self.net)
        assert Outcome.FORK not in outcomes
        self.trace.append(f"deliver {self.name(source)} -> {self.name(target)} (in the open)")

    def active_in(self, state: MembershipState, profile: Profile) -> bool:
        member = state.members.get(profile.member)
        return member is not None and member.active

    def members_once(self) -> list[Profile]:
        """One profile per member: their first computer (a laptop is acted on as them)."""
        return [p for p in self.profiles if p.member == key(p)]

    def do_remove(self) -> None:
        if self.removals >= self.max_removals:
            return self.do_deliver()
        actor = self.actor("admin")
        if actor is None:
            return None
        state = self.state(actor)
        targets = [
            p
            for p in self.members_once()
            if p.member != actor.member
            and self.active_in(state, p)
            and not (state.members[p.member].role == "admin" and len(state.admins()) == 1)
        ]
        if not targets:
            return None
        target = self.rng.choice(targets)
        ref = fp(target)
        result = self.in_the_open(
            actor,
            target,
            False,
            lambda: self.attempt(
                actor,
                f"remove {self.name(target)}",
                lambda: actor.governance.remove(self.net, ref),
            ),
        )
        if result is not None:
            self.removals += 1
            self.record_rotation(actor, result["rotation"])
        return None

    def do_rotate(self) -> None:
        actor = self.actor("admin")
        if actor is None:
            return
        rotation = self.attempt(actor, "rotate", lambda: actor.governance.rotate(self.net))
        self.record_rotation(actor, rotation)

    def do_moderate(self) -> None:
        actor = self.actor("moderator", "admin")
        if actor is None:
            return
        rows = actor.db.all("SELECT id, hidden, pinned FROM cases ORDER BY title")
        if not rows:
            return
        row = self.rng.choice(rows)
        if row["hidden"]:
            action = "unhide"
        else:
            action = self.rng.choice(("hide", "hide", "unpin" if row["pinned"] else "pin"))
        ref = bytes(row["id"]).hex()
        self.attempt(
            actor,
            action,
            lambda: actor.governance.moderate(ref, action, reason="off topic"),
        )

    def do_invite(self) -> None:
        actor = self.actor("admin")
        if actor is None:
            return
        state = self.state(actor)
        open_ = [k for k in self.invites if k in state.invites and state.invites[k].open_at(0)]
        if open_ and self.rng.random() < 0.5:
            ref = self.rng.choice(open_).hex()
            self.attempt(actor, "revoke", lambda: actor.invitations.revoke(self.net, ref))
            return
        my_role = self.role(actor) or "member"
        role = self.rng.choice([r for r in ROLES if RANK[r] <= RANK[my_role]])
        made = self.attempt(
            actor, f"invite as {role}", lambda: actor.invitations.create(self.net, role=role)
        )
        if made is not None:
            self.invites.append(made.key)

    def do_deliver(self) -> None:
        source, target = self.rng.sample(self.profiles, 2)
        raws = raw_events(source, self.net)
        mode = self.rng.choice(("all", "subset", "shuffled", "subset shuffled"))
        if "subset" in mode:
            raws = [raw for raw in raws if self.rng.random() < 0.6]
        if "shuffled" in mode:
            self.rng.shuffle(raws)
        applied = 0
        for raw in raws:
            try:
                outcome = target.log.ingest(raw)
            except EventError as exc:  # nothing here is forged: should never happen
                self.ingest_errors.append(f"{self.name(target)}: {exc}")
                continue
            assert outcome != Outcome.FORK
            applied += outcome == Outcome.APPLIED
        self.trace.append(
            f"deliver {self.name(source)} -> {self.name(target)} ({mode}): "
            f"{len(raws)} sent, {applied} applied"
        )


# -- the scenario -------------------------------------------------------------------------


def deterministic(monkeypatch: pytest.MonkeyPatch, seed: int) -> None:
    """Keys, nonces, seeds and clocks follow the seed too, so event ids, and with them
    every ``(lamport, id)`` tie-break, are the same on every run: a failing seed replays."""
    entropy = random.Random(f"casebook-convergence-{seed}")
    clock = itertools.count(1_700_000_000_000, 1_000)

    class EphemeralKeys:  # what epochs.wrap draws its one-off X25519 key from
        from_private_bytes = staticmethod(X25519PrivateKey.from_private_bytes)

        @staticmethod
        def generate() -> X25519PrivateKey:
            return X25519PrivateKey.from_private_bytes(entropy.randbytes(32))

    def identity(cls: type[Identity]) -> Identity:
        return cls.from_private_bytes(entropy.randbytes(32), entropy.randbytes(32))

    def now() -> int:
        return next(clock)

    monkeypatch.setattr(os, "urandom", entropy.randbytes)
    monkeypatch.setattr(epochs, "X25519PrivateKey", EphemeralKeys)
    monkeypatch.setattr(Identity, "generate", classmethod(identity))
    for module in (eventlog, governance, invitations):
        monkeypatch.setattr(module, "now_ms", now)


def start(
    make_profile: Callable[..., Profile], rng: random.Random, laptop: Path | None = None
) -> World:
    profiles = [make_profile(name) for name in NAMES]
    alice = profiles[0]
    net = alice.library.create_network("Convergence Circle", alice.name)
    world = World(rng, profiles, net)
    for newcomer in profiles[1:]:
        inviters = [p for p in profiles if p is not newcomer and world.role(p) == "admin"]
        inviter = rng.choice(inviters)
        role = rng.choice(ROLES)
        join(newcomer, inviter, net, role=role)
        world.trace.append(f"{world.name(newcomer)} joins as {role} through {world.name(inviter)}")
    if laptop is not None:  # Alice's second computer, writing beside her first one
        profiles.append(link_computer(alice, laptop))
        world.trace.append("Alice links her laptop")
    return world


def settle(world: World) -> None:
    """Everyone gets everything; admins repair the keys until no one needs to."""
    sync(*world.profiles, net=world.net)
    sync(*world.profiles, net=world.net)
    for _ in range(5):
        rotated = False
        for profile in world.profiles:
            try:  # a no-op (None) for anyone not an admin, or when nothing is needed
                rotation = profile.governance.maintain(world.net)
            except CasebookError as exc:
                world.trace.append(f"{world.name(profile)} maintain: refused ({exc.message})")
                rotation = None
            world.trace.append(f"{world.name(profile)} maintain: {rotation is not None}")
            world.record_rotation(profile, rotation)
            rotated = rotated or rotation is not None
        sync(*world.profiles, net=world.net)
        if not rotated:
            return
    pytest.fail("admins kept rotating after every sync\n" + world.report())


@pytest.mark.parametrize("seed", SEEDS)
def test_random_history_converges(
    make_profile: Callable[..., Profile], monkeypatch: pytest.MonkeyPatch, seed: int
):
    deterministic(monkeypatch, seed)
    check_random_history(make_profile, seed)


@pytest.mark.parametrize("seed", LAPTOP_SEEDS)
def test_random_history_with_two_computers_of_one_member_converges(
    make_profile: Callable[..., Profile],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    seed: int,
):
    """Alice writes from her desktop and her laptop (two chains, one member) while the
    rest of the history runs: everything converges the same way, and both computers
    end with the same library."""
    deterministic(monkeypatch, seed)
    everyone = check_random_history(make_profile, seed, tmp_path / "laptop")
    alice, laptop = everyone[0], everyone[-1]
    try:
        assert laptop.fingerprint == alice.fingerprint and key(laptop) != key(alice)
        written = laptop.db.scalar("SELECT count(*) FROM events WHERE author = ?", (key(laptop),))
        assert written > 2  # its certificate, its final word, and some of the history
        assert titles(laptop) == titles(alice)
    finally:
        laptop.close()


def check_random_history(
    make_profile: Callable[..., Profile], seed: int, laptop: Path | None = None
) -> list[Profile]:
    rng = random.Random(seed)
    world = start(make_profile, rng, laptop)
    for _ in range(STEPS):
        world.step()
    settle(world)
    net, everyone, trace = world.net, world.profiles, world.report()
    assert world.ingest_errors == [], trace
    assert world.done, trace  # the history did something

    # Every profile, removed or not, holds every event, nothing held back or forked.
    ids = event_ids(everyone[0])
    for profile in everyone:
        assert event_ids(profile) == ids, trace
        assert profile.db.scalar("SELECT count(*) FROM held_events") == 0, trace
        assert profile.db.scalar("SELECT count(*) FROM forks") == 0, trace
        assert profile.log.verify_all() == [], trace

    # The membership needs only the clear headers: it is the same everywhere.
    final = world.state(everyone[0])
    view = membership_view(final)
    for profile in everyone:
        assert membership_view(world.state(profile)) == view, f"{profile.name}\n{trace}"
        assert not world.state(profile).needs_rotation(), trace
    members = [p for p in everyone if world.active_in(final, p)]
    # Not members in the end: removed, or never admitted (a join refused in the end, e.g.
    # through an invite a concurrent demotion or removal of its inviter voided).
    outsiders = [p for p in everyone if p not in members]
    removed = [p for p in outsiders if p.member in final.members]
    assert everyone[0] in members
    assert len({p.member for p in removed}) <= world.max_removals

    # Members see the same library, the same rejections, the same derived tables.
    first = members[0]
    reference = dump(first)
    for profile in members:
        assert case_list(profile) == case_list(first), f"{profile.name}\n{trace}"
        assert rejected(profile) == rejected(first), f"{profile.name}\n{trace}"
        assert titles(profile) == titles(first), f"{profile.name}\n{trace}"
        assert dump(profile) == reference, f"{profile.name}\n{trace}"
        assert stuck(profile, final) == [], f"{profile.name}\n{trace}"
        # ...and hold the latest epoch's seed, so they can write.
        assert profile.log.keys.candidates(net, final.current_epoch), trace

    # A rebuild from the events changes nothing, for anyone (but see BUG 4).
    for profile in everyone:
        before = without_stale_waits(dump(profile), rejected(profile))
        profile.log.rebuild()
        assert dump(profile) == before, f"rebuild of {profile.name}\n{trace}"

    # No removed member holds a seed made by an admin who knew of the removal, nor the
    # seed of any accepted candidate of the latest epoch (it may hold one it made itself
    # in a rotation the network refused: written after its removal).
    latest = {source for source, _ in final.epochs[-1].candidates}
    for profile in outsiders:
        held = {
            source
            for epoch in range(final.current_epoch + 1)
            for source, _ in profile.log.keys.candidates(net, epoch)
        }
        for rotation, gone in world.rotations:
            if profile.member in gone:
                assert rotation not in held, f"{profile.name}\n{trace}"
        mine = {s for s, _ in profile.log.keys.candidates(net, final.current_epoch)}
        assert not mine & latest, f"{profile.name}\n{trace}"

    # The network still works: each member posts, everyone syncs, members see it all.
    for profile in members:
        profile.library.post_case(net, title=f"final word from {world.name(profile)}")
    sync(*everyone, net=net)
    finals = {f"final word from {world.name(p)}" for p in members}
    for profile in members:
        assert finals <= set(titles(profile)), f"{profile.name}\n{trace}"
    for profile in outsiders:
        assert not finals & set(titles(profile)), f"{profile.name}\n{trace}"
    return everyone


# -- bugs the random histories ran into, each reduced to a minimal history ----------------


@pytest.fixture
def trio(make_profile: Callable[..., Profile]) -> tuple[Profile, Profile, Profile, bytes]:
    """Alice (founder), Bob (admin, joined through Alice) and Carol (not joined yet)."""
    alice, bob, carol = (make_profile(name) for name in NAMES[:3])
    net = alice.library.create_network("Convergence Circle", alice.name)
    join(bob, alice, net, role="admin")
    return alice, bob, carol, net


def test_demoted_admin_is_read_again_once_he_knows(trio: tuple[Profile, ...]):
    alice, bob, _, net = trio
    alice.governance.set_role(net, fp(bob), "member")  # Bob has not heard of it yet
    bob.governance.rotate(net)  # refused everywhere once the demotion is known
    sync(alice, bob, net=net)
    for admin in (alice, bob):
        admin.governance.maintain(net)
    sync(alice, bob, net=net)
    bob.library.post_case(net, title="Bob, knowing he is a member")
    sync(alice, bob, net=net)
    assert titles(alice) == ["Bob, knowing he is a member"]


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="BUG 1b: what members wrote under the seed of a rotation the fold later refuses "
    "(its author demoted or removed concurrently) stays unreadable for good to everyone who "
    "had not unwrapped it; nothing passes that seed on",
)
def test_post_under_a_rotation_refused_later_is_read_by_everyone(trio: tuple[Profile, ...]):
    alice, bob, carol, net = trio
    join(carol, alice, net)
    sync(alice, bob, carol, net=net)
    alice.governance.set_role(net, fp(bob), "member")  # Bob and Carol have not heard yet
    bob.governance.rotate(net)
    deliver(bob, carol, net)  # Carol takes Bob's new seed, as any member would
    carol.library.post_case(net, title="Carol under Bob's seed")
    sync(alice, bob, carol, net=net)
    for admin in (alice, bob):
        admin.governance.maintain(net)
    sync(alice, bob, carol, net=net)
    assert titles(carol) == ["Carol under Bob's seed"]
    assert titles(alice) == ["Carol under Bob's seed"]


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="BUG 1c: a rotation that loses the race for its epoch number ('out of sequence') "
    "is refused, and what its author wrote under it is unreadable for good to the others",
)
def test_post_under_an_out_of_sequence_rotation_is_read_by_everyone(trio: tuple[Profile, ...]):
    alice, bob, _, net = trio
    bob.governance.rotate(net)  # epochs 1 and 2, early in Lamport order
    bob.governance.rotate(net)
    for n in range(3):  # Alice's clock runs ahead of Bob's
        alice.library.post_case(net, title=f"Alice {n}")
    # Epoch 1 again, sorting after Bob's epoch 2: "out of sequence" once merged.
    alice.governance.rotate(net)
    alice.library.post_case(net, title="Alice under her own seed")
    sync(alice, bob, net=net)
    for admin in (alice, bob):
        admin.governance.maintain(net)
    sync(alice, bob, net=net)
    assert titles(bob) == titles(alice)


def test_refused_newcomer_reads_nothing_new(trio: tuple[Profile, ...]):
    alice, bob, carol, net = trio
    alice.governance.set_role(net, fp(bob), "member")  # Bob has not heard of it yet
    join(carol, bob, net)  # Bob, an admin in his own eyes, lets Carol in
    sync(alice, bob, carol, net=net)  # her join is refused: Bob's invite never counted
    for admin in (alice, bob):
        admin.governance.maintain(net)
    sync(alice, bob, carol, net=net)
    alice.library.post_case(net, title="Members only")
    sync(alice, bob, carol, net=net)
    state = alice.log.members.state(net)
    assert titles(bob) == ["Members only"]
    is_member = state.role_at(key(carol), NOW) is not None
    assert ("Members only" in titles(carol)) == is_member


def test_refused_join_leaves_no_author_name(trio: tuple[Profile, ...]):
    alice, bob, carol, net = trio
    alice.governance.set_role(net, fp(bob), "member")  # Bob has not heard of it yet
    join(carol, bob, net)  # Bob accepts Carol's join and shows her name
    deliver(alice, bob, net)  # now he learns his invite never counted: she is refused
    names = "SELECT key, name FROM authors ORDER BY key"
    before = [tuple(r) for r in bob.db.all(names)]
    bob.log.rebuild()
    assert [tuple(r) for r in bob.db.all(names)] == before


def test_waiting_row_of_a_later_refused_event_outlives_it(trio: tuple[Profile, ...]):
    alice, bob, carol, net = trio
    join(carol, alice, net)  # Bob does not know Carol: his rotation is not wrapped to her
    alice.governance.set_role(net, fp(bob), "member")  # Bob has not heard of it yet
    bob.governance.rotate(net)
    deliver(bob, carol, net)  # Carol cannot open the rotation: it waits for its key
    deliver(alice, carol, net)  # the demotion arrives: the rotation is refused
    waiting = "SELECT needs, event_id FROM waiting ORDER BY needs, event_id"
    before = [tuple(r) for r in carol.db.all(waiting)]
    carol.log.rebuild()
    assert [tuple(r) for r in carol.db.all(waiting)] == before


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="BUG 5: FTS5's document statistics in a contentless-delete table count every "
    "insert, deletes included, so bm25 ranks follow the order events were applied in "
    "(e.g. an edit released after a hide that arrived later): a rebuild changes them",
)
def test_bm25_does_not_depend_on_arrival_order(trio: tuple[Profile, ...]):
    alice, bob, carol, net = trio
    join(carol, alice, net, role="moderator")
    for title in ("syncope at rest", "fever", "rash"):
        alice.library.post_case(net, title=title)
    case = bob.library.post_case(net, title="syncope in a runner")
    sync(alice, bob, carol, net=net)
    alice.governance.rotate(net)
    deliver(alice, bob, net)
    bob.library.edit_case(case, title="syncope in a runner, edited")  # under epoch 1
    for raw in raw_events(bob, net)[-1:]:  # Carol gets the edit without the key: it waits
        carol.log.ingest(raw)
    carol.governance.moderate(case.hex(), "hide", reason="duplicate")
    deliver(alice, carol, net)  # the key arrives: the edit applies to a hidden case

    def ranks(profile: Profile) -> list[tuple[Any, ...]]:
        sql = (
            "SELECT c.title, round(bm25(case_fts), 6) FROM case_fts "
            "JOIN cases c ON c.rid = case_fts.rowid WHERE case_fts MATCH ?"
        )
        return sorted(tuple(r) for r in profile.db.all(sql, ("syncope",)))

    before = ranks(carol)
    assert [title for title, _ in before] == ["syncope at rest"]  # the premise
    carol.log.rebuild()
    assert ranks(carol) == before


@pytest.mark.xfail(
    strict=True,
    raises=AssertionError,
    reason="BUG 6: a concurrent candidate seed of an epoch reaches only the members its "
    "author knew; when the winner is wrapped to everyone, needs_rotation sees nothing to "
    "repair, so a member never reads what was written under the other candidate",
)
def test_post_under_a_losing_candidate_seed_is_read_by_everyone(trio: tuple[Profile, ...]):
    alice, bob, carol, net = trio
    join(carol, alice, net)  # Bob does not know Carol
    alice.governance.rotate(net)  # wrapped to Alice, Bob and Carol: the winner
    for n in range(3):  # Bob's clock runs ahead, so his rotation sorts after Alice's
        bob.library.post_case(net, title=f"Bob {n}")
    bob.governance.rotate(net)  # wrapped to Alice and Bob only
    bob.library.post_case(net, title="Bob under his candidate seed")
    sync(alice, bob, carol, net=net)
    for admin in (alice, bob):
        admin.governance.maintain(net)
    sync(alice, bob, carol, net=net)
    assert titles(carol) == titles(alice)
