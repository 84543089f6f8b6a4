"""The relay's side of a withdrawal (docs/protocol.md, "Withdrawal"), attacked: it strips
a case's events and drops its attachments only for a withdrawal by the case's author or
an admin with the case's own key; it drops only attachments the case's own events tag;
it strips later arrivals; a purged attachment cannot be uploaded again."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from casebook.core.ledger import case_keys
from casebook.core.library import attachments
from casebook.core.model import blobcrypt, events, purge
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from casebook.relay import requests
from netkit import key
from rawkit import forge, found_with_bob, head, stored_ids
from relaykit import RunningRelay, sync
from scankit import noise_png

pytestmark = pytest.mark.both_stores  # the relay suite: SQLite and PostgreSQL


def relay_body(relay: RunningRelay, event_id: bytes) -> bytes:
    def read() -> bytes:
        row = relay.relay.store.execute(
            "SELECT raw FROM events WHERE id = ?", (event_id,)
        ).fetchone()
        return events.parse_trusted(bytes(row[0])).body

    return relay.on_loop(read)


def chunks_of(relay: RunningRelay, blob_id: bytes) -> int:
    return relay.on_loop(
        lambda: relay.relay.store.execute(
            "SELECT count(*) FROM blob_chunks WHERE blob = ?", (blob_id,)
        ).fetchone()[0]
    )


def inner_id(profile: Profile, net: bytes, case: bytes, digest: bytes) -> bytes:
    """The id a withdrawal lists for an attachment of ``case``."""
    return case_keys.inner_blob_ids(profile.db, profile.log.keys.seed, net, case, [digest])[0]


def blob_id(profile: Profile, net: bytes, case: bytes, digest: bytes) -> bytes:
    """Where the relay keeps the case's copy: bound to the case."""
    return blobcrypt.case_blob_id(case, inner_id(profile, net, case, digest))


def purge_key(profile: Profile, case: bytes) -> bytes:
    return bytes(profile.db.scalar("SELECT purge_key FROM cases WHERE id = ?", (case,)))


def test_only_a_valid_withdrawal_strips_and_only_the_cases_own_blobs_go(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    relay = relays()
    alice, bob, net = found_with_bob(make_profile, relay)
    photo_a = attachments.prepare_bytes("a.png", noise_png(40))
    photo_b = attachments.prepare_bytes("b.png", noise_png(40))
    case_a = alice.library.post_case(net, title="Rash A", files=[photo_a])
    sync(alice, net, relay)
    case_b = bob.library.post_case(net, title="Rash B", files=[photo_b])
    sync(bob, net, relay)
    comment = bob.library.comment(case_a, "Contact dermatitis?")
    sync(bob, net, relay)
    sync(alice, net, relay)
    id_a = blob_id(alice, net, case_a, photo_a.hash)
    id_b = blob_id(bob, net, case_b, photo_b.hash)
    inner_a = inner_id(alice, net, case_a, photo_a.hash)
    inner_b = inner_id(bob, net, case_b, photo_b.hash)
    assert chunks_of(relay, id_a) and chunks_of(relay, id_b)

    # Bob (neither author nor admin) forges a withdrawal of Alice's case, with its key.
    hostile = forge(
        bob,
        net,
        EventKind.CASE_WITHDRAW,
        {"case": case_a, "reason": "Vandalism"},
        purge.Withdrawal(case_a, purge_key(bob, case_a), (inner_a,)).to_pub(),
    )
    bob.log.ingest(hostile)
    assert sync(bob, net, relay).error is None
    assert relay_body(relay, events.parse(hostile).id)  # stored (his chain goes on)...
    assert relay_body(relay, case_a) and relay_body(relay, comment)  # ...and ignored
    assert chunks_of(relay, id_a)

    # Alice (the author) with a wrong key: ignored too.
    wrong = forge(
        alice,
        net,
        EventKind.CASE_WITHDRAW,
        {"case": case_a, "reason": "Consent withdrawn"},
        purge.Withdrawal(case_a, b"\x05" * 32, ()).to_pub(),
    )
    alice.log.ingest(wrong)
    sync(alice, net, relay)
    assert relay_body(relay, case_a)

    # Alice's own withdrawal, naming Bob's case's attachment as well: hers go, his stays
    # (its copy is kept under an id bound to his case).
    greedy = forge(
        alice,
        net,
        EventKind.CASE_WITHDRAW,
        {"case": case_a, "reason": "Consent withdrawn"},
        purge.Withdrawal(case_a, purge_key(alice, case_a), (inner_a, inner_b)).to_pub(),
    )
    alice.log.ingest(greedy)
    assert sync(alice, net, relay).error is None
    assert relay_body(relay, case_a) == b"" and relay_body(relay, comment) == b""
    assert chunks_of(relay, id_a) == 0
    assert chunks_of(relay, id_b) > 0 and relay_body(relay, case_b)

    # Bob wrote another comment offline: it reaches the relay stripped.
    late = bob.library.comment(case_a, "One more thought, written offline.")
    assert sync(bob, net, relay).error is None
    assert relay_body(relay, late) == b""
    assert bob.queries.case(case_a).summary.withdrawn is not None

    # The purged attachment is neither asked for nor taken again.
    def upload() -> tuple[dict, dict]:
        hosted = relay.relay.networks[net]
        store = relay.relay.store
        have = requests.blob("blob_have", hosted, store, {"id": 1, "ids": [id_a, id_b]})
        put = requests.blob(
            "blob_put",
            hosted,
            store,
            {"id": 2, "blob": id_a, "idx": 0, "total": 1, "data": b"x" * 64},
        )
        return have, put

    have, put = relay.on_loop(upload)
    assert have["missing"] == [] and put["refused"] and chunks_of(relay, id_a) == 0


def test_a_relay_restarted_after_a_withdrawal_still_strips_late_events(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay], tmp_path
) -> None:
    relay = relays()
    alice, bob, net = found_with_bob(make_profile, relay)
    case = alice.library.post_case(net, title="Syncope")
    sync(alice, net, relay)
    sync(bob, net, relay)
    late = bob.library.comment(case, "Written offline before the withdrawal.")
    alice.library.withdraw(case, "Consent withdrawn")
    sync(alice, net, relay)
    relay.stop()
    again = relays(port=relay.relay.port)
    assert sync(bob, net, again).error is None
    assert relay_body(again, late) == b""


def two_members(make_profile, relays) -> tuple[RunningRelay, Profile, Profile, bytes]:
    relay = relays()
    alice, bob, net = found_with_bob(make_profile, relay)
    sync(alice, net, relay)
    return relay, alice, bob, net


def test_two_cases_with_the_same_image_keep_a_copy_each(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """Alice and Bob post the same (de-identified) image in two cases: each case's copy
    is kept under an id bound to it, so Bob's withdrawal leaves Alice's copy."""
    relay, alice, bob, net = two_members(make_profile, relays)
    png = noise_png(40)
    photo = attachments.prepare_bytes("a.png", png)
    case_a = alice.library.post_case(net, title="Rash A", files=[photo])
    sync(alice, net, relay)
    sync(bob, net, relay)
    case_b = bob.library.post_case(
        net, title="Rash B", files=[attachments.prepare_bytes("b.png", png)]
    )
    sync(bob, net, relay)
    id_a, id_b = blob_id(alice, net, case_a, photo.hash), blob_id(bob, net, case_b, photo.hash)
    assert id_a != id_b and chunks_of(relay, id_a) and chunks_of(relay, id_b)
    bob.library.withdraw(case_b, "Consent withdrawn")
    assert sync(bob, net, relay).error is None
    assert chunks_of(relay, id_b) == 0 and chunks_of(relay, id_a) > 0


def test_a_decoy_case_with_a_copied_key_cannot_drop_another_cases_attachment(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """Bob (any reader of Alice's case knows its key) writes a case of his own under
    Alice's key, withdraws it and lists Alice's attachment: the relay drops only copies
    bound to his case, and strips only his case's events."""
    relay, alice, bob, net = two_members(make_profile, relays)
    photo = attachments.prepare_bytes("a.png", noise_png(40))
    case_a = alice.library.post_case(net, title="Rash A", files=[photo])
    sync(alice, net, relay)
    sync(bob, net, relay)
    stolen = purge_key(bob, case_a)
    seq = head(bob, net).seq + 1
    decoy_raw = forge(
        bob,
        net,
        EventKind.CASE_CREATE,
        {
            "title": "Decoy",
            "specialty": "",
            "fields": {},
            "body": "",
            "tags": [],
            "attachments": [],
            "purge_key": stolen,
        },
        {"w": purge.event_tag(stolen, None, key(bob), seq)},
    )
    bob.log.ingest(decoy_raw)
    decoy = events.parse(decoy_raw).id
    inner = inner_id(alice, net, case_a, photo.hash)
    bob.log.ingest(
        forge(
            bob,
            net,
            EventKind.CASE_WITHDRAW,
            {"case": decoy, "reason": "Posted twice"},
            purge.Withdrawal(decoy, stolen, (inner,)).to_pub(),
        )
    )
    assert sync(bob, net, relay).error is None
    assert relay_body(relay, decoy) == b""  # his own case: withdrawn
    assert relay_body(relay, case_a) and chunks_of(relay, blob_id(alice, net, case_a, photo.hash))


def test_the_relay_refuses_clear_fields_beyond_a_cases_tag(
    make_profile: Callable[..., Profile], relays: Callable[..., RunningRelay]
) -> None:
    """A case event whose clear ``pub`` carries more than its 16-byte purge tag (here
    30,000 junk entries beside it) is refused by the relay before it is stored."""
    relay, _alice, bob, net = two_members(make_profile, relays)
    k = purge.new_key()
    seq = head(bob, net).seq + 1
    loud = forge(
        bob,
        net,
        EventKind.CASE_CREATE,
        {
            "title": "Decoy",
            "specialty": "",
            "fields": {},
            "body": "",
            "tags": [],
            "attachments": [],
            "purge_key": k,
        },
        {"w": purge.event_tag(k, None, key(bob), seq), "b": [bytes(16)] * 30_000},
    )
    bob.log.ingest(loud)
    report = sync(bob, net, relay)
    assert any("clear fields" in r for r in report.not_taken)
    assert events.parse(loud).id not in stored_ids(relay)


def test_a_withdrawal_reads_only_what_arrived_since_its_case(
    make_profile: Callable[..., Profile],
    relays: Callable[..., RunningRelay],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A member who posts and withdraws small cases costs the relay a scan of what
    arrived since each case, not of the network: counted here in purge tags computed on
    the relay's thread (40 older cases are never read)."""
    relay, alice, bob, net = two_members(make_profile, relays)
    for i in range(40):
        alice.library.post_case(net, title=f"Background case {i}")
    sync(alice, net, relay)
    sync(bob, net, relay)
    calls = {"n": 0}
    real = purge.event_tag

    def counting(*args):  # type: ignore[no-untyped-def]
        if threading.current_thread() is relay.thread:
            calls["n"] += 1
        return real(*args)

    monkeypatch.setattr(purge, "event_tag", counting)
    for i in range(5):
        case = bob.library.post_case(net, title=f"Throwaway {i}")
        bob.library.withdraw(case, "Throwaway")
    assert sync(bob, net, relay).error is None
    assert 5 <= calls["n"] <= 5 * 5
