"""Issue 17, part 3: nothing left behind. Three profiles and the real relay; a case with
an image and a discussion is withdrawn by its author; then every profile's database is
read page by page with its key (pages in use, on the freelist and in the write-ahead log)
and the relay's files byte by byte, looking for the case's words, the image's bytes and
the ciphertext the relay held: no hit anywhere. A member who joins later, and a bundle
exported later, hold none of it either."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

import relaykit
from casebook.core.library import attachments
from casebook.core.model import events
from casebook.core.model.encoding import decode
from casebook.core.profile import Profile
from casebook.sync.engine import SyncEngine
from clikit import PASSPHRASE
from relaykit import RunningRelay, join, stored_bytes, sync
from scankit import database_key, first_page_is_sqlite, hits, noise_png, pages, pieces

pytestmark = pytest.mark.both_stores  # the relay suite: SQLite and PostgreSQL

WORDS = [
    b"Quokkalike",  # the title
    b"Xylophonic",  # the body
    b"Marzipanesque",  # a field
    b"Zeppelinoid",  # Bob's comment
    b"Kumquatish",  # Carol's reply
    b"Flamingoesque",  # Bob's edit
]


@pytest.fixture
def relay(tmp_path: Path) -> Iterator[RunningRelay]:
    running = RunningRelay(tmp_path / "relay-data")
    yield running
    running.stop()


def fetch(profile: Profile, digest: bytes) -> None:
    engine = SyncEngine(profile)
    try:
        asyncio.run(engine.fetch_attachment(digest))
    finally:
        engine.close()


def profile_pages(profile: Profile) -> list[bytes]:
    database, key, size = database_key(profile.directory, PASSPHRASE)
    assert first_page_is_sqlite(database, key, size)  # the scan reads real pages
    return list(pages(database, key, size))


def open_forms(profile: Profile) -> list[bytes]:
    """The case's events this computer keeps in their open form."""
    rows = profile.db.all("SELECT raw FROM events WHERE length(tag) = 16")
    return [bytes(r["raw"]) for r in rows if events.is_open_form(bytes(r["raw"]))]


def relay_files(tmp_path: Path) -> list[bytes]:
    return [stored_bytes(tmp_path / "relay-data")]


def relay_ciphertext(relay: RunningRelay, case_events: set[bytes]) -> tuple[list, list]:
    """Slices of what the relay holds of the case: its events' bodies, its chunks."""
    conn = relay.relay.store
    bodies: list[bytes] = []
    for ident, raw in conn.execute("SELECT id, raw FROM events").fetchall():
        if bytes(ident) in case_events:
            bodies += pieces(events.parse_trusted(bytes(raw)).body, 32, 4)
    chunks: list[bytes] = []
    for (data,) in conn.execute("SELECT data FROM blob_chunks").fetchall():
        chunks += pieces(bytes(data), 32, 4)
    return bodies, chunks


def test_a_withdrawn_case_leaves_nothing_on_any_computer_or_the_relay(
    make_profile: Callable[..., Profile], relay: RunningRelay, tmp_path: Path, _relay_store: str
) -> None:
    alice = make_profile("Dr. Alice Moreau")
    bob = make_profile("Dr. Bob Lee")
    carol = make_profile("Dr. Carol Ng")
    net = alice.library.create_network("Dermatology Circle", alice.name, relays=[relay.url])
    codes = [alice.invitations.create(net).code for _ in range(3)]
    sync(alice, net, relay)
    join(bob, codes[0])
    join(carol, codes[1])

    photo = attachments.prepare_bytes("rash.png", noise_png())
    case = alice.library.post_case(
        net,
        title="Quokkalike rash on the forearm",
        fields={"history": "Marzipanesque exposure at work"},
        body="Xylophonic pattern, itchy, three days.",
        tags=["derm"],
        files=[photo],
    )
    sync(alice, net, relay)
    sync(bob, net, relay)
    comment = bob.library.comment(case, "Zeppelinoid plaques suggest contact dermatitis.")
    bob.library.edit_comment(comment, "Zeppelinoid plaques: contact dermatitis, Flamingoesque.")
    sync(bob, net, relay)
    sync(carol, net, relay)
    carol.library.reply(comment, "Kumquatish agreement; patch test?")
    sync(carol, net, relay)
    for profile in (alice, bob, carol):
        sync(profile, net, relay)
    fetch(bob, photo.hash)
    fetch(carol, photo.hash)
    image = attachments.read(alice.db, photo.hash)
    needles = WORDS + pieces(image)
    case_events = {
        bytes(r["id"]) for r in alice.db.all("SELECT id, tag FROM events WHERE length(tag) = 16")
    }
    bodies, chunks = relay_ciphertext(relay, case_events)
    held = bodies + chunks
    # Each computer keeps the case's events in their open form (the payload packed, not
    # sealed) where that is smaller (these short texts: not all of them): what the page
    # scan below looks for is their packed bytes too.
    # A text never edited is kept there only (no derived row: docs/protocol.md, "The
    # text kept once"), so a word may be on a computer inside a packed frame alone.
    kept = {p.name: open_forms(p) for p in (alice, bob, carol)}
    assert any(kept.values())
    packed = [piece for forms in kept.values() for k in forms for piece in pieces(decode(k)[2])]
    assert len(bodies) == 4 * 4 and chunks  # the case, the comment, its edit, the reply
    # The scans can fail: before the withdrawal they find everything, each word as it is
    # or the packed bytes of the open form that holds it.
    for profile in (alice, bob, carol):
        forms = kept[profile.name]
        own = [piece for k in forms for piece in pieces(decode(k)[2])]
        found = hits(profile_pages(profile), needles + own)
        assert all(piece in found for piece in pieces(image) + own), profile.name
        for word in WORDS:
            assert word in found or any(word in events.open_payload(k) for k in forms), word
    database = relaykit.database_for(tmp_path / "relay-data")
    if database is not None:
        # PostgreSQL has the rows on disk in its WAL only until a checkpoint, and a WAL
        # page header can fall inside a 32-byte slice: write the table files too.
        with psycopg.connect(database, autocommit=True) as pg:
            pg.execute("CHECKPOINT")
    assert hits(relay_files(tmp_path), held) == held
    before = tmp_path / "before.casebook-bundle"
    bob.bundles.export(net, before)
    assert hits([before.read_bytes()], bodies) == bodies

    alice.library.withdraw(case, "Consent withdrawn by the patient")
    for profile in (alice, bob, carol, alice):
        assert sync(profile, net, relay).error is None
    detail = alice.queries.case(case)
    assert detail is not None and detail.summary.withdrawn is not None
    assert detail.purged_on == {"computers": 3, "members": 3}

    for profile in (alice, bob, carol):
        assert hits(profile_pages(profile), needles + packed) == [], profile.name
        assert not attachments.has(profile.db, photo.hash)
        assert profile.log.verify_all() == []
        rows = [
            bytes(r["raw"]) for r in profile.db.all("SELECT raw FROM events WHERE length(tag) = 16")
        ]
        assert rows and not any(events.is_open_form(r) for r in rows)
        assert all(events.parse_trusted(r).body == b"" for r in rows)
    # What the relay's store holds: nothing of the case (on either engine)...
    live = relay_ciphertext(relay, case_events)
    assert hits([b"".join(live[0] + live[1])], held) == []
    # ...and, with SQLite, nothing in its files either (secure_delete, the WAL emptied).
    # PostgreSQL keeps an updated row's old version until VACUUM reuses the space, and
    # its WAL and backups until they are recycled: docs/relay.md, "What a withdrawal
    # erases", says so; those bytes were always ciphertext the relay cannot open.
    if _relay_store == "sqlite":
        assert hits(relay_files(tmp_path), held) == []
    # The network's usage counters followed the purge (bodies and chunks gone).
    store = relay.relay.store
    assert relay.on_loop(store.usage, net) == relay.on_loop(store.measured_usage, net)
    assert relay.relay.store.execute("SELECT count(*) FROM blob_chunks").fetchone()[0] == 0

    # A member who joins a month later sees the tombstone only.
    dave = make_profile("Dr. Dave Roy")
    join(dave, codes[2])
    assert sync(dave, net, relay).error is None
    later = dave.queries.case(case)
    assert later is not None and later.summary.withdrawn is not None and later.body == ""
    assert hits(profile_pages(dave), needles) == []
    stored = dave.db.all("SELECT raw FROM events WHERE length(tag) = 16")
    assert stored and all(events.parse_trusted(bytes(r["raw"])).body == b"" for r in stored)

    # A bundle exported afterwards holds only stripped events of the case.
    bundle = tmp_path / "after.casebook-bundle"
    bob.bundles.export(net, bundle)
    assert hits([bundle.read_bytes()], held + needles) == []
