"""Attacks on the computers' side of withdrawal (docs/protocol.md, "Withdrawal"), found
by a hostile review: a bodiless copy cannot censor a live event; moderation of a
withdrawn case converges whatever the order and keeps no reason; late events about a
withdrawn case or its comments lose their body instead of waiting with it."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from casebook.core.model import events, purge
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from netkit import deliver, join, key, raw_events
from rawkit import forge, found, rejected
from relaykit import RunningRelay
from relaykit import join as relay_join
from relaykit import sync as relay_sync


def stored_raw(profile: Profile, event_id: bytes) -> bytes:
    return bytes(profile.db.scalar("SELECT raw FROM events WHERE id = ?", (event_id,)))


def raw_of(profile: Profile, event_id: bytes) -> bytes:
    return stored_raw(profile, event_id)


@pytest.fixture
def bob(make_profile, alice: Profile, network: bytes) -> Profile:
    bob = make_profile("Dr. Bob Okafor")
    join(bob, alice, network)
    return bob


# -- 1. A stripped copy of an event nobody withdrew poisons it for good ----------------
def test_stripped_copy_of_a_live_case_censors_it_permanently(
    alice: Profile, bob: Profile, network: bytes, make_profile
) -> None:
    """A hostile relay (or member) hands Carol a stripped copy of Alice's case, which no
    one withdrew: it is kept bodiless, and the genuine event, arriving later from Alice
    herself (same id), takes its place and is applied."""
    carol = make_profile("Dr. Carol Diaz")
    join(carol, alice, network)
    case = alice.library.post_case(network, title="Pericarditis after flu")
    genuine = raw_of(alice, case)
    for raw in raw_events(alice, network):  # Alice's chain, but her case stripped
        carol.log.ingest(purge.strip(raw) if raw == genuine else raw)
    deliver(alice, carol, network)  # later: the genuine event, from Alice herself
    assert carol.queries.case(case) is not None


def test_member_pushes_stripped_copy_of_anothers_comment_to_the_relay(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """Bob got Alice's new case over the LAN before she synced with the relay and pushes
    it stripped: the relay takes a bodiless event only from its own author or for a
    case withdrawn there, so Alice's push stores the real one and Carol sees it."""
    relay = relays()
    alice, net = found(make_profile, relay)
    bob, carol = make_profile("Dr. Bob Lee"), make_profile("Dr. Carol Ng")
    for newcomer in (bob, carol):
        code = alice.invitations.create(net).code
        relay_sync(alice, net, relay)
        relay_join(newcomer, code)
        relay_sync(alice, net, relay)
    relay_sync(bob, net, relay)
    case = alice.library.post_case(net, title="Pericarditis after flu")
    bob.log.ingest(purge.strip(raw_of(alice, case)))  # got it over the LAN, stripped it
    assert relay_sync(bob, net, relay).error is None
    assert relay_sync(alice, net, relay).error is None
    assert relay_sync(carol, net, relay).error is None
    assert carol.queries.case(case) is not None


# -- 2. Moderation of a withdrawn case: order-dependent, keeps its reason, crashes ------
def moderated(alice: Profile, bob: Profile, network: bytes, make_profile):
    """Bob posts a case; Alice (admin) hides it offline, with a reason quoting the
    patient; Bob withdraws it. Carol gets Bob's chain first (withdrawal, then hide);
    Dave gets Alice's first (hide, then withdrawal)."""
    carol, dave = make_profile("Dr. Carol Diaz"), make_profile("Dr. Dave Wu")
    join(carol, alice, network)
    join(dave, alice, network)
    deliver(alice, bob, network)
    case = bob.library.post_case(network, title="Keloid on the earlobe")
    deliver(bob, alice, network)
    alice.governance.moderate(case.hex(), "hide", "Photo shows Mrs Quixotica's face")
    bob.library.withdraw(case, "Consent withdrawn")
    deliver(bob, carol, network)
    deliver(alice, carol, network)
    deliver(alice, dave, network)
    deliver(bob, dave, network)
    return case, carol, dave


def mod_rows(profile: Profile) -> list[tuple]:
    return [tuple(r) for r in profile.db.all("SELECT * FROM moderation ORDER BY target")]


def test_moderation_of_a_withdrawn_case_converges(
    alice: Profile, bob: Profile, network: bytes, make_profile
) -> None:
    case, carol, dave = moderated(alice, bob, network, make_profile)
    seen = [p.queries.case(case) for p in (carol, dave)]
    # Carol (hide after withdrawal) no longer even sees the tombstone; Dave does.
    assert [s is None for s in seen] == [False, False]
    assert seen[0].to_json() == seen[1].to_json()
    assert mod_rows(carol) == mod_rows(dave)


def test_a_moderation_reason_about_a_withdrawn_case_stays_in_the_derived_table(
    alice: Profile, bob: Profile, network: bytes, make_profile
) -> None:
    """The hide's reason (free text about the case) is not kept on a computer that got
    the hide after the withdrawal."""
    _case, carol, _dave = moderated(alice, bob, network, make_profile)
    assert not any("Quixotica" in str(row) for row in mod_rows(carol))


def test_a_moderation_reason_about_a_withdrawn_case_stays_in_the_log(
    alice: Profile, bob: Profile, network: bytes, make_profile
) -> None:
    """...nor in the stored hide event's body on any computer, whatever the order (the
    relay keeps that event's ciphertext: it cannot tell which case a hide is about)."""
    _case, carol, dave = moderated(alice, bob, network, make_profile)
    for profile in (dave, carol):
        for raw in raw_events(profile, network):
            event = events.parse_trusted(raw)
            if event.kind == EventKind.CONTENT_HIDE and event.body:
                payload = event.decrypt(profile.log.seed(network, event.header.epoch))
                assert "Quixotica" not in payload["reason"]


def test_unhide_of_a_withdrawn_case_does_not_crash_ingest(
    alice: Profile, bob: Profile, network: bytes, make_profile
) -> None:
    """An admin unhides the tombstone: the unhide is stripped like any moderation of a
    withdrawn case (it used to re-index from the deleted text and break ingest)."""
    case, carol, _dave = moderated(alice, bob, network, make_profile)
    alice.governance.moderate(case.hex(), "unhide")
    deliver(alice, carol, network)  # must not raise


# -- 3. Late events of a withdrawn case that keep their body -------------------------
def keyless_case(alice: Profile, network: bytes) -> bytes:
    """A case written before purge keys (an older version): no key, no tags."""
    raw = forge(
        alice,
        network,
        EventKind.CASE_CREATE,
        {
            "title": "Kawasaki in an adult",
            "specialty": "",
            "fields": {},
            "body": "",
            "tags": [],
            "attachments": [],
        },
    )
    alice.log.ingest(raw)
    return events.parse(raw).id


def test_late_comment_edit_of_a_keyless_withdrawn_case_loses_its_body(
    alice: Profile, bob: Profile, network: bytes
) -> None:
    """Bob edits his comment offline; the edit reaches Alice after her withdrawal of a
    case written before purge keys (no tags): it names a purged comment, so it loses its
    body instead of waiting for the comment with it."""
    case = keyless_case(alice, network)
    deliver(alice, bob, network)
    comment = bob.library.comment(case, "Coronary aneurysm? Echo now.")
    deliver(bob, alice, network)
    edit = bob.library.edit_comment(comment, "Coronary aneurysm, zanzibarroid pattern? Echo now.")
    alice.library.withdraw(case, "Consent withdrawn")
    deliver(bob, alice, network)
    assert events.parse_trusted(stored_raw(alice, edit)).body == b""


def test_late_hide_of_a_comment_of_a_withdrawn_case_loses_its_body(
    alice: Profile, bob: Profile, network: bytes, make_profile
) -> None:
    """A moderator's hide of a comment of the case, written before the withdrawal but
    received after it, loses its body (and its reason) instead of waiting."""
    case = bob.library.post_case(network, title="Keloid on the earlobe")
    deliver(bob, alice, network)
    comment = alice.library.comment(case, "Steroid injection first.")
    deliver(alice, bob, network)
    alice.governance.moderate(comment.hex(), "hide", "Names Mrs Quixotica")
    hide = bytes(
        alice.db.scalar("SELECT id FROM events WHERE kind = 'content.hide' ORDER BY seqno DESC")
    )
    bob.library.withdraw(case, "Consent withdrawn")
    deliver(alice, bob, network)
    waiting = bob.db.scalar("SELECT count(*) FROM waiting WHERE event_id = ?", (hide,))
    assert not waiting
    assert events.parse_trusted(stored_raw(bob, hide)).body == b""


# -- 4. A stripped event nobody explains is recorded, not applied -----------------------
def test_stripped_non_withdrawn_event_reason_is_recorded_not_applied(
    alice: Profile, bob: Profile, network: bytes
) -> None:
    case = alice.library.post_case(network, title="Myocarditis")
    raw = purge.strip(raw_of(alice, case))
    for r in raw_events(alice, network):
        bob.log.ingest(raw if events.parse_trusted(r).id == case else r)
    assert "without its body" in rejected(bob)[case]  # unexplained: sync asks for it
    assert key(alice)  # (alice's chain continues past the stripped event)
    assert json.dumps(bob.log.verify_all()) == "[]"
