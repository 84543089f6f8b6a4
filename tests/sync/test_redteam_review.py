"""A hostile review of the relay protocol and membership fold after the security fixes
of issue 11, attacked through the real relay (127.0.0.1:0); the last section judges the
fold alone, events travelling as they would in bundles.

Tests named ``test_attack_*`` each showed a hole and failed on the code they were
written against (commit 49dd362); they pass since the fixes that followed (the relay's
bound on clocks ahead of the network's and on back-dated membership events, invite
creation signed by the invite key, closing that names every join, demotion closing the
invite one joined with, re-keying past a closed invite's last re-sealed epoch, and
calm errors for malformed relay answers). ``test_defended_*`` are attacks that held.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging
import os
from collections.abc import Callable
from typing import Any

import pytest

from casebook.core.ledger.eventlog import now_ms
from casebook.core.model import content, events, invite_codes
from casebook.core.model.encoding import encode
from casebook.core.model.events import Header
from casebook.core.model.invite_codes import InviteCode
from casebook.core.profile import Profile
from casebook.errors import PermissionDenied
from casebook.protocol import wire
from casebook.sync.link import SyncError
from netkit import deliver, joins_with, key, role_in
from netkit import join as offline_join
from netkit import sync as deliver_all
from rawkit import Raw, found, invite_status, relay_member, run, sync_async
from rawkit import head as rawkit_head
from relaykit import RunningRelay, join, sync


# -- helpers -----------------------------------------------------------------------------
def crafted_join(
    newcomer: Profile,
    code: InviteCode,
    nonce: bytes,
    *,
    lamport: int,
    body: bytes | None = None,
    id_above: bytes | None = None,
    tries: int = 2_000_000,
) -> events.Event:
    """A genuine ``member.join`` of ``newcomer`` for ``code`` (valid proof, bound to
    ``nonce``), at the Lamport clock the attacker chooses. ``body`` replaces the sealed
    name by arbitrary bytes; ``id_above`` grinds the body's random nonce until the event
    id is at least that prefix (the id decides the order of events with equal clocks)."""
    net, me = code.net, key(newcomer)
    xkey = newcomer.identity.exchange_public_key
    pub = {
        "invite": code.key,
        "xkey": xkey,
        "nonce": nonce,
        "proof": invite_codes.prove(code.secret, net, me, xkey, nonce),
    }
    ts = now_ms()
    pre = Header(net, me, 1, None, lamport, ts, "member.join", 0, pub, b"")
    associated = events._AD_DOMAIN + events._pre_header_bytes(pre)
    aead = content.body_key(invite_codes.join_seed(code.secret, net), net, 0)
    plain = encode({"name": newcomer.name})
    placeholder = bytes(range(32))
    template = encode(Header(**{**pre.__dict__, "body_hash": placeholder}).to_map())
    assert template.count(placeholder) == 1
    for _ in range(tries):
        sealed = body if body is not None else content.seal(aead, plain, associated)
        header_bytes = template.replace(placeholder, hashlib.sha256(sealed).digest())
        event_id = hashlib.sha256(header_bytes).digest()
        if id_above is None or event_id >= id_above:
            break
    else:
        raise AssertionError("no id found")
    signature = newcomer.identity.sign(events._SIG_DOMAIN + event_id)
    event = events.parse(encode([header_bytes, sealed, signature]))
    assert event.id == event_id and event.header.lamport == lamport
    return event


async def join_by_hand(relay: RunningRelay, code: InviteCode, build: Callable[..., Any]) -> Any:
    """Redeem ``code`` on a bare connection, push the join ``build(raw, answer)`` makes,
    and return (ack, what followed: the sealed package or None)."""
    raw = await Raw.open(relay)
    try:
        answer = await raw.redeem(code)
        ack = await raw.push([build(raw, answer).raw])
        if ack["stored"] != 1:
            return ack, None
        sealed, _ = await raw.welcomed()
        return ack, sealed
    finally:
        await raw.close()


def readable_by(profile: Profile, raw: bytes) -> dict[str, Any] | None:
    """The payload of ``raw`` if any seed ``profile`` holds opens it (what an outsider
    holding the ciphertext, e.g. a relay operator, reads)."""
    event = events.parse(raw)
    for _, seed in profile.log.keys.candidates(event.net, event.header.epoch):
        try:
            return event.decrypt(seed)
        except events.WrongKey:
            continue
    return None


def _relay_rewrites(
    monkeypatch: pytest.MonkeyPatch, kind: str, change: Callable[[dict[str, Any]], None]
) -> None:
    """The relay (its operator, or a bug) alters every ``kind`` message it sends."""
    from casebook.relay.session import Session

    real = Session.send

    def send(self: Session, message: dict[str, Any]) -> None:
        if message.get("t") == kind:
            message = dict(message)
            change(message)
        real(self, message)

    monkeypatch.setattr(Session, "send", send)


# -- 1. the Lamport clock ----------------------------------------------------------------
def test_attack_a_join_at_the_lamport_cap_makes_an_unremovable_member(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """FINDING (high). The relay takes a join at any Lamport clock. A newcomer (anyone
    holding a code) joins at the cap, 2^53-1, with an event id ground to sort last
    among events at the cap (a second of hashing). Every later event of every member is
    clamped to the cap, so it is ordered by id, and the admin's removal sorts *before*
    the join it removes: "no such member", on every computer, at every attempt.
    docs/security.md says of a member who saturates the clock: "An admin can remove
    them." They cannot."""
    relay = relays()
    alice, net = found(make_profile, relay)
    made = alice.invitations.create(net)
    assert sync(alice, net, relay).error is None
    code = alice.invitations.read_code(made.code)
    mallory = make_profile("Dr. Mallory Stone")

    def capped(raw: Raw, answer: dict[str, Any]) -> events.Event:
        return crafted_join(mallory, code, raw.nonce, lamport=events.MAX_INT, id_above=b"\xff\xff")

    ack, sealed = run(join_by_hand(relay, code, capped))
    if ack["stored"] == 0:  # refused: what a fix may do
        assert sealed is None and not relay_member(relay, net, key(mallory))
        return
    assert sealed is not None  # the relay took it and welcomed her
    assert sync(alice, net, relay).error is None
    assert alice.log.members.state(net).role_now(key(mallory)) == "member"

    refusals = []
    for _ in range(3):  # the id of each attempt is fresh: a 2^-16 chance each to win
        try:
            alice.governance.remove(net, "Mallory")
            break
        except PermissionDenied as exc:
            refusals.append(str(exc))
    still = alice.log.members.state(net).role_now(key(mallory))
    assert still is None, f"Mallory is still a {still}; the removals said {refusals}"


def test_attack_once_the_clock_is_capped_a_newcomer_s_join_can_sort_before_its_invite(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """FINDING (medium, same root). After one member pushed an event at the Lamport cap,
    causality is gone from the membership order: an invite made afterwards and the join
    that redeems it are both at the cap and sorted by id, so about half of all joins
    sort before their own invite and are refused ("no such invite"); the relay refuses
    them too. Here the stock client joins; the test waits for a join whose id sorts
    first (what happens to every other newcomer by chance)."""
    relay = relays()
    alice, net = found(make_profile, relay)
    first = alice.invitations.create(net)
    assert sync(alice, net, relay).error is None
    code = alice.invitations.read_code(first.code)
    mallory = make_profile("Dr. Mallory Stone")

    def capped(raw: Raw, answer: dict[str, Any]) -> events.Event:
        return crafted_join(mallory, code, raw.nonce, lamport=events.MAX_INT)

    ack, _ = run(join_by_hand(relay, code, capped))
    if ack["stored"] == 0:  # refused: the clock is not capped, nothing more to show
        return
    assert sync(alice, net, relay).error is None

    made = alice.invitations.create(net, uses=50)
    invite_id = bytes(
        alice.db.scalar(
            "SELECT id FROM events WHERE kind = 'invite.create' ORDER BY seqno DESC LIMIT 1"
        )
    )
    assert alice.db.scalar("SELECT lamport FROM events WHERE id = ?", (invite_id,)) == (
        events.MAX_INT
    )
    assert sync(alice, net, relay).error is None
    newcomer_code = alice.invitations.read_code(made.code)
    bob = make_profile("Dr. Bob Lee")

    def stock(raw: Raw, answer: dict[str, Any]) -> events.Event:
        # What `casebook join` makes (the relay's clock, + 1, saturated), with a body
        # nonce that happens to give an id below the invite's.
        for _ in range(64):
            event = crafted_join(bob, newcomer_code, raw.nonce, lamport=events.MAX_INT)
            if event.id < invite_id:
                return event
        raise AssertionError("no such id in 64 tries")

    ack, sealed = run(join_by_hand(relay, newcomer_code, stock))
    assert ack["refused"] == [] and sealed is not None, ack["refused"]


def test_attack_the_relay_s_word_on_the_clock_saturates_the_network_through_a_stock_join(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FINDING (high, same root as above). ``redeemable.lamport`` is taken on the relay's
    word: the newcomer's client makes its join one past it, whatever it is. A relay
    (its operator) that says 2^53-1 saturates the network's clock through an honest
    newcomer running ``casebook join``: from then on every membership event of every
    member sits at the cap, ordered by id, with the effects shown above. The operator
    was to be able to "refuse service or withhold events", nothing more."""
    relay = relays()
    alice, net = found(make_profile, relay)
    made = alice.invitations.create(net)
    assert sync(alice, net, relay).error is None
    _relay_rewrites(monkeypatch, "redeemable", lambda m: m.update(lamport=events.MAX_INT))
    bob = make_profile("Dr. Bob Lee")
    with contextlib.suppress(SyncError, PermissionDenied):  # a client may refuse the claim
        join(bob, made.code)
    assert sync(alice, net, relay).error is None
    clock = int(alice.db.scalar("SELECT max(lamport) FROM events WHERE net = ?", (net,)))
    assert clock < 1_000_000, f"the network's clock is now {clock} (the cap is {events.MAX_INT})"


# -- 2. back-dating: an invite's key, a policy change -----------------------------------
def test_attack_a_member_takes_over_an_admin_s_single_use_invite_by_back_dating(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """FINDING (high). ``invite.create`` names the invite by its public key, and the fold
    keeps the first invite with a key *in Lamport order*. A member who may invite reads
    Alice's new invite (single use, 7 days) and writes her own ``invite.create`` with the
    same key, back-dated to sort just before Alice's: hers is the invite now (1,000 uses,
    a year), Alice's is refused ("invite key already used"). The code Alice handed out
    is still the key to it, so the relay admits as many holders of Alice's single-use
    code as the taker likes; she is also its inviter now (she may revoke it, newcomers
    are "invited by" her, their joins are sealed under whatever key she named)."""
    relay = relays()
    alice, net = found(make_profile, relay)
    alice.governance.set_policy(net, "members", None)
    for_mallory = alice.invitations.create(net)
    assert sync(alice, net, relay).error is None
    mallory = make_profile("Dr. Mallory Stone")
    join(mallory, for_mallory.code)
    assert sync(alice, net, relay).error is None
    alice.library.post_case(net, title="Moves the clock", body="one tick")
    made = alice.invitations.create(net)  # single use, 7 days
    assert made.uses == 1
    assert sync(alice, net, relay).error is None
    assert sync(mallory, net, relay).error is None

    joined_at = int(
        mallory.db.scalar(
            "SELECT lamport FROM events WHERE author = ? AND seq = 1", (key(mallory),)
        )
    )
    last = rawkit_head(mallory, net)
    taken = events.create(
        mallory.identity,
        net=net,
        seq=last.seq + 1,
        prev=last.id,
        lamport=joined_at + 1,  # after her join, before Alice's invite
        ts=now_ms(),
        kind="invite.create",
        epoch=0,
        seed=mallory.log.keys.seed(net, 0),
        payload={"join": os.urandom(32)},
        pub={
            "key": made.key,
            "role": "member",
            "expires": now_ms() + 365 * 86_400_000,
            "uses": 1000,
            "join": 1,
        },
    )
    mallory.log.ingest(taken.raw)
    assert sync(mallory, net, relay).error is None

    admitted = []
    for name in ("Dr. Bob Lee", "Dr. Carol Ng", "Dr. Dan Oak"):
        newcomer = make_profile(name)
        with contextlib.suppress(SyncError, PermissionDenied):
            join(newcomer, made.code)
        if relay_member(relay, net, key(newcomer)):
            admitted.append(name)
    assert sync(alice, net, relay).error is None
    state = alice.log.members.state(net)
    inviter = "Mallory" if state.invites[made.key].inviter == key(mallory) else "Alice"
    assert len(admitted) <= 1, (
        f"Alice's single-use code admitted {admitted}; its inviter is {inviter}"
    )


def test_attack_a_join_back_dated_before_a_policy_change_gets_in_through_the_relay(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """FINDING (medium). Members may invite; Alice switches the policy to "admins only"
    (say, because a member's codes went around). Nothing closes the members' open
    invites: joins through them are refused by the rule "judged by what the inviter may
    grant *when the join is applied*" - but "when" is the join's own Lamport clock. A
    holder of Erin's code makes the join with a clock just above Erin's invite, below the
    policy change; the relay takes it (its checks are expiry and uses) and every fold
    applies it while members could still invite. Unlike a removal, demotion or
    revocation, a policy change names no joins it had seen, so "Cuts are final" cannot
    exclude it."""
    relay = relays()
    alice, net = found(make_profile, relay)
    alice.governance.set_policy(net, "members", None)
    for_erin = alice.invitations.create(net)
    assert sync(alice, net, relay).error is None
    erin = make_profile("Dr. Erin Moss")
    join(erin, for_erin.code)
    by_erin = erin.invitations.create(net, uses=3)
    assert sync(erin, net, relay).error is None
    invite_clock = int(
        erin.db.scalar("SELECT max(lamport) FROM events WHERE author = ?", (key(erin),))
    )
    assert sync(alice, net, relay).error is None
    alice.library.post_case(net, title="Moves the clock", body="one tick")
    alice.governance.set_policy(net, "admins", None)
    assert sync(alice, net, relay).error is None
    code = erin.invitations.read_code(by_erin.code)
    newcomer = make_profile("Dr. New Comer")

    def back_dated(raw: Raw, answer: dict[str, Any]) -> events.Event:
        return crafted_join(newcomer, code, raw.nonce, lamport=invite_clock + 1)

    ack, sealed = run(join_by_hand(relay, code, back_dated))
    assert sync(alice, net, relay).error is None
    role = alice.log.members.state(net).role_now(key(newcomer))
    assert role is None and sealed is None, (
        f"admitted as {role} after only admins may invite; the relay said {ack}"
    )


# -- 3. a newcomer closed out keeps a re-sealed key -------------------------------------
def test_attack_a_join_closed_out_by_a_revocation_keeps_reading_after_it(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """FINDING (medium). Alice sends a code to the wrong person (Eve) and revokes it; Eve
    redeemed it at the relay just before, so the revocation (naming the joins Alice had
    seen: none) closes Eve out everywhere, as intended. But the package Eve received had
    been re-sealed by a rotation after the invite was made, so she holds the network's
    newest seed, and the fold's re-key rule (``outsider_epoch``) counts only the epoch
    the invite was *made* in. No admin re-keys: what Alice writes afterwards opens with
    Eve's seed (she needs only the ciphertext: a relay operator, a bundle)."""
    relay = relays()
    alice, net = found(make_profile, relay)
    for_zed = alice.invitations.create(net)
    for_eve = alice.invitations.create(net)  # made at epoch 0
    assert sync(alice, net, relay).error is None
    zed = make_profile("Dr. Zed Ray")
    join(zed, for_zed.code)
    assert sync(alice, net, relay).error is None
    alice.governance.remove(net, "Zed")  # epoch 1; Eve's package is re-sealed with it
    assert sync(alice, net, relay).error is None

    eve = make_profile("Dr. Eve Hart")
    join(eve, for_eve.code)  # through the relay, before Alice hears of it
    assert eve.log.keys.candidates(net, 1)

    alice.invitations.revoke(net, for_eve.key.hex())  # Alice has seen no join of it
    assert sync(alice, net, relay).error is None
    assert not relay_member(relay, net, key(eve))
    state = alice.log.members.state(net)
    assert key(eve) not in state.members  # closed out everywhere
    assert sync(alice, net, relay).error is None  # an admin's sync repairs the epoch

    alice.library.post_case(net, title="After Eve was shut out", body="not for Eve")
    raw = alice.log.wire.of(
        bytes(
            alice.db.scalar(
                "SELECT raw FROM events WHERE kind = 'case.create' ORDER BY seqno DESC LIMIT 1"
            )
        )
    )
    leaked = readable_by(eve, raw)
    assert leaked is None, (
        f"Eve reads {leaked.get('title')!r} (epoch {events.parse(raw).header.epoch})"
    )


# -- 4. a demotion sticks? ---------------------------------------------------------------
@pytest.mark.parametrize(("offered", "demoted_to"), [("admin", "member"), ("moderator", "member")])
def test_attack_a_demoted_member_comes_back_through_the_code_he_joined_with(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    offered: str,
    demoted_to: str,
) -> None:
    """FINDING (medium). A removal closes the invite the member joined with; a demotion
    does not. Alice invites two co-admins with one code (two uses); Dave joins with it.
    Alice demotes Dave; the code has a use left and Dave holds it: a second profile of
    his joins through the relay with the role Alice just took away."""
    relay = relays()
    alice, net = found(make_profile, relay)
    made = alice.invitations.create(net, role=offered, uses=2)
    assert sync(alice, net, relay).error is None
    dave = make_profile("Dr. Dave Quinn")
    join(dave, made.code)
    assert sync(alice, net, relay).error is None
    alice.governance.set_role(net, "Dave", demoted_to)
    assert sync(alice, net, relay).error is None
    assert alice.log.members.state(net).role_now(key(dave)) == demoted_to

    second = make_profile("Dr. Dave Quinn", folder="dave-second")
    with contextlib.suppress(SyncError, PermissionDenied):  # refused, as it should be
        join(second, made.code)
    assert sync(alice, net, relay).error is None
    back = alice.log.members.state(net).role_now(key(second))
    assert back is None, f"Dave's second profile has the role {back} again"


# -- 5. tracebacks ------------------------------------------------------------------------
def test_attack_a_member_closed_out_with_a_request_in_hand_costs_the_relay_a_traceback(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """FINDING (low). A connection the relay kicks (its member closed out by a
    revocation) still handles the one frame it has in hand. For ``welcome_get`` that
    looks the member up in the membership (``state.members[member]``), where a
    closed-out join no longer is: KeyError, logged by the relay as an unexpected error
    with a traceback. The throttle (a sender over its frame budget sleeps with the frame
    in hand) makes the window wide: Eve keeps asking while Alice revokes."""
    relay = relays(frames_per_second=20.0, frame_burst=2)
    alice, net = found(make_profile, relay)
    made = alice.invitations.create(net)
    assert sync(alice, net, relay).error is None
    eve = make_profile("Dr. Eve Hart")
    join(eve, made.code)

    async def scenario() -> str:
        raw = await Raw.open(relay)
        try:
            await raw.login(eve, net)
            for ref in range(100):
                raw.send({"t": "welcome_get", "id": ref})
            await asyncio.sleep(0.5)
            alice.invitations.revoke(net, made.key.hex())  # Alice has seen no join of it
            report = await sync_async(alice, net, relay.address)
            assert report.error is None
            for _ in range(1000):
                message = await raw.recv()
                if message["t"] == "error":
                    return str(message["code"])
            return "no error"
        finally:
            await raw.close()

    with caplog.at_level(logging.INFO, logger="casebook.relay"):
        code = run(scenario())
    assert code == "removed"
    assert not relay_member(relay, net, key(eve))
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [], errors


@pytest.mark.parametrize(
    ("kind", "change"),
    [
        ("redeemable", lambda m: m.pop("lamport")),
        ("redeemable", lambda m: m.update(lamport=-1)),
        ("ready", lambda m: m.update(sending="many")),
        ("welcome", lambda m: m.pop("sealed")),
    ],
    ids=["no-lamport", "negative-lamport", "bad-sending", "no-sealed"],
)
def test_attack_a_malformed_answer_to_a_join_is_an_internal_error_not_a_sentence(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    monkeypatch: pytest.MonkeyPatch,
    kind: str,
    change: Callable[[dict[str, Any]], None],
) -> None:
    """FINDING (low). ``SyncEngine._join_at`` and ``_welcomed`` check the relay's
    answers with ``wire.need_int``/``need_bytes``, which raise ``wire.ProtocolError`` -
    not a ``CasebookError``, not a ``SyncError``. A relay that answers a join out of
    shape (a bug, an operator) makes ``casebook join`` end in "internal error" (exit 70,
    a traceback in the log) instead of one sentence. The join must also leave nothing
    behind."""
    from casebook.errors import CasebookError

    relay = relays()
    alice, net = found(make_profile, relay)
    made = alice.invitations.create(net)
    assert sync(alice, net, relay).error is None
    _relay_rewrites(monkeypatch, kind, change)
    bob = make_profile("Dr. Bob Lee")
    try:
        join(bob, made.code)
        outcome = "joined"
    except CasebookError as exc:
        outcome = f"refused in words: {exc.message}"
    except Exception as exc:  # what the CLI turns into "internal error"
        outcome = f"{type(exc).__module__}.{type(exc).__name__}: {exc}"
    # Taken and recovered (welcome_get), or refused in words: anything but a traceback.
    assert outcome == "joined" or outcome.startswith("refused in words"), outcome


def test_attack_a_malformed_vector_from_the_relay_is_an_internal_error_not_a_sentence(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FINDING (low, same cause, in ``Exchange.go``): a ``ready`` whose ``have`` is not
    the version-2 byte string (e.g. the version-1 map) ends ``casebook sync`` with
    ``wire.ProtocolError`` instead of a SyncError in words."""
    from casebook.errors import CasebookError

    relay = relays()
    alice, net = found(make_profile, relay)
    _relay_rewrites(monkeypatch, "ready", lambda m: m.update(have=[[b"\x00" * 32, 1]]))
    try:
        sync(alice, net, relay)
        outcome = "synced"
    except CasebookError as exc:
        outcome = f"refused in words: {exc.message}"
    except Exception as exc:
        outcome = f"{type(exc).__module__}.{type(exc).__name__}: {exc}"
    assert outcome == "synced" or outcome.startswith("refused in words"), outcome


# -- 6. what the relay cannot see: a join's body -----------------------------------------
def test_defended_a_join_with_a_garbage_body_is_a_use_and_breaks_no_client(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """The relay cannot read bodies, so a join whose body is random bytes (valid proof,
    right nonce) is taken and welcomed: it costs a use like any join, and the holder of
    the code could have joined anyway. What must hold: every client takes the event
    without error, lists the newcomer (nameless), and a rebuild agrees."""
    relay = relays()
    alice, net = found(make_profile, relay)
    made = alice.invitations.create(net, uses=2)
    assert sync(alice, net, relay).error is None
    code = alice.invitations.read_code(made.code)
    mallory = make_profile("Dr. Mallory Stone")

    def garbage(raw: Raw, answer: dict[str, Any]) -> events.Event:
        return crafted_join(
            mallory, code, raw.nonce, lamport=answer["lamport"] + 1, body=os.urandom(64)
        )

    ack, sealed = run(join_by_hand(relay, code, garbage))
    assert ack["stored"] == 1 and sealed is not None
    assert invite_status(relay, net, made.key) == "open"  # one of two uses taken
    report = sync(alice, net, relay)
    assert report.error is None and not report.not_taken
    people = {m["fingerprint"]: m for m in alice.governance.members(net)}
    assert people[mallory.identity.fingerprint]["name"] == ""
    before = alice.governance.members(net)
    alice.log.rebuild()
    assert alice.governance.members(net) == before
    # A second newcomer still joins with the use left.
    bob = make_profile("Dr. Bob Lee")
    join(bob, made.code)
    assert relay_member(relay, net, key(bob))


# -- 7. a member stalls the relay: back-dated membership events fold from scratch -------
def test_attack_one_push_of_back_dated_membership_events_stalls_the_relay(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """FINDING (medium). The relay folds membership events on its one event loop,
    incrementally when an event sorts last and *from scratch* when it reaches back. A
    plain member pushes one batch of 1,024 ``network.policy`` events (refused by the
    fold - she is no admin - but kept, as every refused act is) all at one early Lamport
    clock: each reaches back, so each costs a fold of the whole log, O(n^2) per batch and
    growing with every batch stored (``invite.create`` batches measured by hand: 3.8 s,
    14 s, 25 s of blocked loop for the first three; here the second ``network.policy``
    batch keeps a ping waiting 4 to 7 s). Meanwhile nobody is served. Clients pay more:
    ``Memberships.add`` re-reads and re-parses every stored membership event for each
    entry that reaches back (measured by hand: 32 s, then 96 s, for a client to take in
    the two batches), and so does every future newcomer on its catch-up, long after the
    member is removed."""
    relay = relays()
    alice, net = found(make_profile, relay)
    made = alice.invitations.create(net)
    assert sync(alice, net, relay).error is None
    mallory = make_profile("Dr. Mallory Stone")
    join(mallory, made.code)
    last = rawkit_head(mallory, net)
    seed = mallory.log.keys.seed(net, 0)
    raws, prev = [], last.id
    for i in range(2 * wire.MAX_BATCH_EVENTS):
        event = events.create(
            mallory.identity,
            net=net,
            seq=last.seq + 1 + i,
            prev=prev,
            lamport=2,
            ts=now_ms(),
            kind="network.policy",
            epoch=0,
            seed=seed,
            payload={},
            pub={"policy": {"invite": "members", "role": "member"}},
        )
        raws.append(event.raw)
        prev = event.id
    first, second = raws[: wire.MAX_BATCH_EVENTS], raws[wire.MAX_BATCH_EVENTS :]

    async def acked(raw: Raw, ref: int) -> dict[str, Any]:
        for _ in range(1000):
            message = await raw.recv(timeout=300)
            if message["t"] == "ack" and message["id"] == ref:
                return message
        raise AssertionError("no ack")

    async def scenario() -> tuple[list[dict[str, Any]], float]:
        attacker, bystander = await Raw.open(relay), await Raw.open(relay)
        try:
            await attacker.login(mallory, net)
            await bystander.login(alice, net)
            attacker.send({"t": "push", "id": 1, "events": first})
            acks = [await acked(attacker, 1)]
            attacker.send({"t": "push", "id": 2, "events": second})
            await asyncio.sleep(0.5)  # the batch is verified and being folded
            started = asyncio.get_running_loop().time()
            bystander.send({"t": "ping"})
            for _ in range(10_000):
                if (await bystander.recv(timeout=300))["t"] == "pong":
                    break
            waited = asyncio.get_running_loop().time() - started
            acks.append(await acked(attacker, 2))
            return acks, waited
        finally:
            await attacker.close()
            await bystander.close()

    acks, _ = run(scenario())  # (the wait is a figure for the eye, never asserted)
    assert all(a["t"] == "ack" for a in acks)
    # The relay folds the whole log again for at most its budget of back-dated events
    # (16 at once, then one a second); the rest, and their chains, wait for later.
    stored = acks[0]["stored"] + acks[1]["stored"]
    assert stored <= hosted_budget() + 5, acks
    reasons = {r for a in acks for _, r in a["refused"]}
    assert any("back-dated" in r for r in reasons), reasons


def hosted_budget() -> int:
    from casebook.relay.hosted import REFOLD_BURST

    return REFOLD_BURST


# -- 8. what the relay keeps -------------------------------------------------------------
def test_attack_a_used_up_invite_s_package_outlives_its_expiry(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """FINDING (low). docs/protocol.md: the relay keeps a used-up invite's package for
    ``welcome_get`` "until the invite expires or is closed". ``Invite.status`` says
    "used" before it looks at the expiry, so ``closed_invites`` never counts a used-up
    invite as expired: its package (every seed up to its last sealing) stays at the relay
    for good and is served on ``welcome_get`` long after the invite expired."""
    relay = relays()
    alice, net = found(make_profile, relay)
    made = alice.invitations.create(net, expires_in_ms=60_000)
    assert sync(alice, net, relay).error is None
    bob = make_profile("Dr. Bob Lee")
    join(bob, made.code)
    assert invite_status(relay, net, made.key) == "used"

    later = now_ms() + 86_400_000  # the relay's clock, a day on
    import casebook.relay.server as server
    import casebook.relay.session as session

    monkeypatch.setattr(server, "now_ms", lambda: later)
    monkeypatch.setattr(session, "now_ms", lambda: later)
    alice.invitations.create(net)  # any membership change: the relay sweeps packages
    assert sync(alice, net, relay).error is None
    kept = relay.on_loop(lambda: relay.relay.store.welcome(net, made.key))

    async def ask() -> dict[str, Any]:
        raw = await Raw.open(relay)
        try:
            raw.send(raw.auth(bob, net, probe=True))
            assert (await raw.recv())["t"] == "ready"
            raw.send({"t": "welcome_get", "id": 7})
            return await raw.recv()
        finally:
            await raw.close()

    answer = run(ask())
    assert (kept is not None, "sealed" in answer) == (False, False), (
        "a day after expiry: (the relay keeps the package, serves it)"
    )


# -- 9. defended -------------------------------------------------------------------------
def test_defended_welcome_get_hands_out_only_the_package_of_the_invite_one_joined_with(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """A member asks for a welcome package: the relay answers with the one of the invite
    that member joined with, never another open one; the founder (no invite) and a
    member whose invite's package is gone get ``missing``."""
    relay = relays()
    alice, net = found(make_profile, relay)
    for_bob = alice.invitations.create(net)
    other = alice.invitations.create(net, uses=5)
    assert sync(alice, net, relay).error is None
    bob = make_profile("Dr. Bob Lee")
    join(bob, for_bob.code)

    def package(invite: bytes) -> bytes | None:
        return relay.on_loop(lambda: relay.relay.store.welcome(net, invite))

    async def ask(profile: Profile, extra: dict[str, Any]) -> dict[str, Any]:
        raw = await Raw.open(relay)
        try:
            raw.send(raw.auth(profile, net, probe=True))
            assert (await raw.recv())["t"] == "ready"
            raw.send({"t": "welcome_get", "id": 3, **extra})
            return await raw.recv()
        finally:
            await raw.close()

    mine = run(ask(bob, {}))
    assert mine["sealed"] == package(for_bob.key) != package(other.key)
    # naming another invite changes nothing: the field is not read
    assert run(ask(bob, {"invite": other.key}))["sealed"] == package(for_bob.key)
    assert run(ask(alice, {})).get("missing") is True
    assert sync(alice, net, relay).error is None  # Alice sees Bob's join
    alice.invitations.revoke(net, for_bob.key.hex())  # closes it: its package goes
    assert sync(alice, net, relay).error is None
    assert relay_member(relay, net, key(bob))  # named by the revocation: stays
    assert run(ask(bob, {})).get("missing") is True


def test_defended_a_stranger_s_vector_is_never_read(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """A stranger with a well-signed login (its own key) follows it with the header of a
    4 MiB ``have``: the relay refuses the login at once, without waiting for the body."""
    relay = relays(handshake_timeout=30.0, frame_timeout=30.0)
    _, net = found(make_profile, relay)
    stranger = make_profile("Dr. Nobody")

    async def scenario() -> str:
        raw = await Raw.open(relay)
        try:
            raw.send_raw(wire.frame(raw.auth(stranger, net)))
            raw.send_raw((wire.MAX_FRAME - 1).to_bytes(4, "big"))
            # a relay that waited for the body (30 s) would not answer within this bound
            return await raw.refused(timeout=5.0)
        finally:
            await raw.close()

    assert run(scenario()) == "denied"


def test_defended_a_back_dated_join_through_a_removed_inviter_s_code_is_refused(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """Erin (members may invite) makes a code and is removed. Its holder makes a join
    back-dated to just after the invite - before the removal - and has another member
    (Mallory) push it, which skips the redeem checks: the removal named no such join,
    so the relay refuses it (and no welcome is ever handed out on that path)."""
    relay = relays()
    alice, net = found(make_profile, relay)
    alice.governance.set_policy(net, "members", None)
    for_erin = alice.invitations.create(net)
    for_mallory = alice.invitations.create(net)
    assert sync(alice, net, relay).error is None
    erin, mallory = make_profile("Dr. Erin Moss"), make_profile("Dr. Mallory Stone")
    join(erin, for_erin.code)
    join(mallory, for_mallory.code)
    by_erin = erin.invitations.create(net, uses=3)
    assert sync(erin, net, relay).error is None
    invite_clock = int(
        erin.db.scalar("SELECT max(lamport) FROM events WHERE author = ?", (key(erin),))
    )
    assert sync(alice, net, relay).error is None
    alice.governance.remove(net, "Erin")
    assert sync(alice, net, relay).error is None
    assert invite_status(relay, net, by_erin.key) == "revoked"

    code = erin.invitations.read_code(by_erin.code)
    newcomer = make_profile("Dr. New Comer")
    back_dated = crafted_join(newcomer, code, os.urandom(16), lamport=invite_clock + 1)

    async def relayed() -> dict[str, Any]:
        raw = await Raw.open(relay)
        try:
            await raw.login(mallory, net)
            return await raw.push([back_dated.raw])
        finally:
            await raw.close()

    ack = run(relayed())
    assert ack["stored"] == 0 and len(ack["refused"]) == 1, ack
    assert not relay_member(relay, net, key(newcomer))


# -- 10. the fold alone (no relay: events travel as in bundles) -----------------------
# -- a demotion must not throw out the people the member brought in ---------------------
@pytest.mark.parametrize("how", ["revoked first", "demoted twice"])
def test_attack_demoting_an_inviter_throws_out_members_who_joined_long_before(
    make_profile: Callable[..., Profile], network: bytes, alice: Profile, how: str
) -> None:
    """FINDING (high). ``Governance.set_role`` names in ``joins`` only the joins of the
    invites it closes that are still open (``i.allowed is None``); the fold's ``_role``
    closes *every* invite the member can no longer grant, already-closed ones included,
    and closing intersects: ``allowed & joins``. So the joins of an invite closed before
    (revoked after use, or closed by an earlier demotion) are named by no one and become
    "late": members who joined months ago are excluded - on every computer, and the
    relay cuts them off.

    Dave, an admin, invited Eve (admin invite, two uses). Then either Dave revoked the
    invite (its second use not needed), or Alice demoted Dave admin -> moderator first.
    Alice demotes Dave to member: Eve is no longer a member of anything."""
    net = network
    dave, eve = make_profile("Dr. Dave Quinn"), make_profile("Dr. Eve Hart")
    offline_join(dave, alice, net, role="admin")
    made = dave.invitations.create(net, role="admin", uses=2)
    joins_with(eve, made, dave, net)
    deliver_all(alice, dave, eve, net=net)
    assert role_in(alice, net, eve) == "admin"

    if how == "revoked first":
        dave.invitations.revoke(net, made.key.hex())
        deliver_all(alice, dave, eve, net=net)
    else:
        alice.governance.set_role(net, "Dave", "moderator")
        deliver_all(alice, dave, eve, net=net)
        assert role_in(alice, net, eve) == "admin"  # named by that demotion: stays
    assert role_in(alice, net, eve) == "admin"

    alice.governance.set_role(net, "Dave", "member")
    deliver_all(alice, dave, eve, net=net)
    assert role_in(alice, net, dave) == "member"
    for profile in (alice, dave, eve):
        assert role_in(profile, net, eve) == "admin", "Eve was thrown out by Dave's demotion"


def test_attack_even_a_promotion_throws_out_members_who_joined_long_before(
    make_profile: Callable[..., Profile], network: bytes, alice: Profile
) -> None:
    """FINDING (high, same cause). While members may invite, Erin brings Bob in and then
    revokes her code (Bob named in the revocation). Admins alone may invite now; Alice
    *promotes* Erin to moderator - a moderator may no longer invite, so the fold closes
    Erin's invites again, naming no joins: Bob is out."""
    net = network
    alice.governance.set_policy(net, "members", None)
    erin, bob = make_profile("Dr. Erin Moss"), make_profile("Dr. Bob Lee")
    offline_join(erin, alice, net)
    made = erin.invitations.create(net, uses=3)
    joins_with(bob, made, erin, net)
    deliver_all(alice, erin, bob, net=net)
    erin.invitations.revoke(net, made.key.hex())
    deliver_all(alice, erin, bob, net=net)
    alice.governance.set_policy(net, "admins", None)
    assert role_in(alice, net, bob) == "member"

    alice.governance.set_role(net, "Erin", "moderator")
    deliver_all(alice, erin, bob, net=net)
    assert role_in(alice, net, erin) == "moderator"
    for profile in (alice, erin, bob):
        assert role_in(profile, net, bob) == "member", "Bob was thrown out by Erin's promotion"


def test_attack_a_revocation_naming_a_hidden_join_outlives_the_removal_of_its_author(
    make_profile: Callable[..., Profile], network: bytes, alice: Profile
) -> None:
    """A guard for the fix of the test above. Members may invite; Mallory makes a code,
    redeems it offline for a second profile of hers, and revokes the code naming that
    join - but keeps the join itself to herself. Alice sees the revocation (it names a
    key she does not know) and removes Mallory: the removal closes Mallory's invites
    naming the joins Alice has seen, none. Released afterwards, the hidden join must
    not count. (It passes on the committed fold, where closings intersect; "the first
    closing stays as it was" would let it in, and Alice's next sync would then re-key
    to Mallory's second profile.)"""
    net = network
    alice.governance.set_policy(net, "members", None)
    mallory = make_profile("Dr. Mallory Stone")
    offline_join(mallory, alice, net)
    made = mallory.invitations.create(net, uses=5)
    sock = make_profile("Dr. Mallory Stone", folder="mallory-second")
    hidden = joins_with(sock, made, mallory, net)
    deliver(sock, mallory, net)
    mallory.invitations.revoke(net, made.key.hex())  # names the hidden join
    for row in mallory.db.all(
        "SELECT raw FROM events WHERE net = ? AND author = ? ORDER BY seq", (net, key(mallory))
    ):
        alice.log.ingest(mallory.log.wire.of(bytes(row["raw"])))  # Mallory's own chain only
    assert alice.log.members.state(net).invites[made.key].revoked_by == key(mallory)
    for n in range(5):
        alice.library.post_case(net, title=f"Clock {n}", body="Alice's clock moves on")

    alice.governance.remove(net, "Mallory")
    alice.log.ingest(
        sock.log.wire.of(bytes(sock.db.scalar("SELECT raw FROM events WHERE id = ?", (hidden,))))
    )
    assert role_in(alice, net, mallory) is None
    assert role_in(alice, net, sock) is None, "Mallory's hidden second profile is a member"
