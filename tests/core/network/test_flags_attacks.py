"""Flags to moderators, attacked (docs/protocol.md, "Flags to moderators"): a hostile
member who signs whatever they like with their own keys, a curious ordinary member, a
relay that sees headers and sizes. Written by a hostile review; the eight findings it
made (sizes telling the reason, control characters and terminal escapes in a reason,
flags outliving a withdrawal, an item of another network, "reviewed" by the writers'
clocks, a far-future date, a box kept by a member who does not moderate) are fixed and
these tests keep them so."""

from __future__ import annotations

from typing import Any

import pytest

from casebook.core.library.deident import check_text
from casebook.core.model import events, flags, sealing
from casebook.core.model.encoding import encode
from casebook.core.model.events import EventError
from casebook.core.model.kinds import EventKind
from casebook.core.profile import Profile
from casebook.errors import IdentifiersFound, PermissionDenied
from netkit import join, link_computer, sync

MAX_TS = events.MAX_TS  # the latest timestamp a header may carry (year 9999)


# -- helpers -------------------------------------------------------------------------


def _inbox(profile: Profile, net: bytes) -> list[dict[str, Any]]:
    return [f.to_json() for f in profile.flag_inbox.inbox(net)]


def _device(profile: Profile) -> tuple[bytes, bytes]:
    """This computer as a recipient of a box: (device key, X25519 public key)."""
    return profile.log.chain, profile.log.identity.exchange_public_key


def _chain(source: Profile, target: Profile, author: Profile, net: bytes) -> None:
    """Deliver to ``target`` only the events of ``author``'s own chain that ``source``
    holds (a relay that has, so far, only that chain)."""
    rows = source.db.all(
        "SELECT raw FROM events WHERE net = ? AND author = ? ORDER BY seq",
        (net, author.log.chain),
    )
    for row in rows:
        target.log.ingest(source.log.wire.of(bytes(row["raw"])))


def _craft(author: Profile, net: bytes, plain: bytes, to: list[tuple[bytes, bytes]]) -> bytes:
    """A hostile client's flag: ``plain`` (any bytes) sealed exactly as a flag is, bound
    to ``author``'s member key and ``net``, signed and stored in ``author``'s chain. Only
    the network's outer check (``validate_sealed``) applies to it."""
    padded = flags.FLAG._pad(plain)  # the one size every flag has (any content inside)
    payload = sealing.seal_box(padded, flags.FLAG.domain, net, net + author.member, to)
    return author.log.append(net, EventKind.FLAG_CREATE, payload).id


def _forge(author: Profile, net: bytes, payload: dict[str, Any]) -> events.Event:
    """A correctly signed ``flag.create`` of ``author`` whose payload skips every check
    (a hostile client's): the next event of its chain, not stored anywhere."""
    row = author.db.one(
        "SELECT seq, id FROM events WHERE net = ? AND author = ? ORDER BY seq DESC LIMIT 1",
        (net, author.log.chain),
    )
    lamport = author.db.scalar("SELECT max(lamport) FROM events WHERE net = ?", (net,))
    epoch = author.log.current_epoch(net)
    return events.create(
        author.identity,
        net=net,
        seq=row["seq"] + 1,
        prev=bytes(row["id"]),
        lamport=lamport + 1,
        ts=author.log.clock(),
        kind=EventKind.FLAG_CREATE,
        epoch=epoch,
        seed=author.log.seed(net, epoch),
        payload=payload,
    )


def _flag_rows(profile: Profile) -> list[tuple[bytes, bytes, bytes, str]]:
    return [
        (bytes(r["target"]), bytes(r["flagger"]), bytes(r["net"]), r["reason"])
        for r in profile.db.all("SELECT target, flagger, net, reason FROM flags ORDER BY 1, 2")
    ]


# -- who reads what ------------------------------------------------------------------
def test_a_linked_computers_flag_reads_as_its_member_from_its_own_chain_alone(
    four, network, tmp_path
) -> None:
    """The box is bound to the member key (``Library.me``), the receiver checks it against
    ``who(event)``: a second computer of the flagger must agree, also when only that
    computer's chain (its self-certified ``device.add`` first) has arrived. A revoked
    computer's later flag is refused everywhere."""
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Vertigo", body="Head impulse test.")
    sync(alice, bob, carol, dave)
    laptop = link_computer(bob, tmp_path / "bob-laptop")
    sync(alice, bob, laptop)  # Dave and Carol have not heard of the laptop yet
    laptop.library.flag(case.hex(), "Clinically wrong: HINTS was not done")
    # Dave's relay has only the laptop's chain: its certificate, then the flag.
    _chain(laptop, dave, laptop, network)
    assert [(r[1], r[3]) for r in _flag_rows(dave)] == [
        (bob.member, "Clinically wrong: HINTS was not done")
    ]
    sync(alice, bob, carol, dave, laptop)
    for reader in (alice, dave):
        (item,) = _inbox(reader, network)
        assert item["reason"] == "Clinically wrong: HINTS was not done"
        assert item["reasons"][0]["name"] == "Dr. Bob Okafor"
    # The flagger's other computer reads it too (as his); Carol reads nothing.
    assert [r[3] for r in _flag_rows(bob)] == ["Clinically wrong: HINTS was not done"]
    assert _flag_rows(bob)[0][1] == bob.member
    assert carol.db.scalar("SELECT count(*) FROM flags") == 0
    # Bob revokes the laptop; the laptop, not yet told, flags again: refused everywhere.
    bob.devices.revoke(laptop.log.chain.hex()[:16])
    laptop.library.flag(case.hex(), "Written by a revoked computer")
    sync(alice, bob, carol, dave, laptop)
    for reader in (alice, dave):
        assert [i["reason"] for i in _inbox(reader, network)] == [
            "Clinically wrong: HINTS was not done"
        ]


def test_a_removed_moderator_loses_the_inbox_and_gets_no_later_flag(four, network) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Gout", body="Knee aspirate.")
    sync(alice, bob, carol, dave)
    alice.governance.remove(network, "Dave")
    sync(alice, bob, carol, dave)
    with pytest.raises(PermissionDenied):
        dave.flag_inbox.inbox(network)
    with pytest.raises(PermissionDenied):
        dave.flag_inbox.log_of(network)
    made = bob.library.flag(case.hex(), "Inappropriate")
    sync(alice, bob, carol, dave)
    _event, payload = alice.log._load(made)
    assert payload is not None
    wrapped = {bytes(w[0]) for w in payload["wraps"]}
    assert dave.log.chain not in wrapped and alice.log.chain in wrapped
    assert dave.db.scalar("SELECT count(*) FROM flags") == 0


def test_a_box_replayed_by_another_member_in_a_real_event_opens_nowhere(four, network) -> None:
    """Carol copies Bob's sealed flag into an event of her own: every recipient's wrap is
    bound to Bob's key, so no computer applies it as Carol's (or as Bob's)."""
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Hyponatraemia", body="SIADH?")
    sync(alice, bob, carol, dave)
    made = bob.library.flag(case.hex(), "Clinically wrong")
    sync(alice, bob, carol, dave)
    _event, payload = carol.log._load(made)
    assert payload is not None
    carol.log.append(network, EventKind.FLAG_CREATE, dict(payload))
    sync(alice, bob, carol, dave)
    for reader in (alice, dave):
        assert [(r[1], r[3]) for r in _flag_rows(reader)] == [(bob.member, "Clinically wrong")]


def test_an_ordinary_members_computer_keeps_nothing_of_what_a_flag_says(
    four, network, tmp_path
) -> None:
    """Carol's computer stores the event; no table of hers holds the reason, and nothing
    in her logs does."""
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Anaphylaxis", body="Peanut.")
    sync(alice, bob, carol, dave)
    secret = "Zebra-quartz-marker in the second photo"
    bob.library.flag(case.hex(), secret)
    sync(alice, bob, carol, dave)
    assert [r[3] for r in _flag_rows(alice)] == [secret]
    tables = [
        r[0]
        for r in carol.db.all("SELECT name FROM sqlite_master WHERE type = 'table'")
        if not r[0].endswith(("_data", "_idx", "_docsize", "_config", "_content"))
    ]
    needle = secret.encode()
    for table in tables:
        for row in carol.db.all(f'SELECT * FROM "{table}"'):
            for value in tuple(row):
                data = value.encode() if isinstance(value, str) else value
                if isinstance(data, bytes):
                    assert needle not in data, table
    for path in (tmp_path / "logs").rglob("*") if (tmp_path / "logs").exists() else ():
        if path.is_file():
            assert needle not in path.read_bytes(), path


def test_a_box_sealed_by_a_changed_client_to_an_ordinary_member_is_not_kept_by_her(
    four, network
) -> None:
    """Who may read a flag is a rule of the network (its moderators and admins, the
    flagger), not the flagger's choice: a changed client that seals a flag to Carol, an
    ordinary member, should not make her computer keep it, nor her inbox show it once
    she is promoted (docs: "A member who becomes a moderator reads the flags written
    after the promotion ..., not older ones")."""
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Migraine", body="Aura.")
    sync(alice, bob, carol, dave)
    plain = encode({"reason": "Sealed to Carol, a member", "target": case})
    _craft(bob, network, plain, [_device(carol), _device(alice)])
    sync(alice, bob, carol, dave)
    alice.governance.set_role(network, "Carol", "moderator")
    sync(alice, bob, carol, dave)
    assert _inbox(carol, network) == []


# -- hostile input -------------------------------------------------------------------
def test_malformed_sealed_flags_from_a_member_are_ignored_never_raised(four, network) -> None:
    """Boxes that open but say nothing a flag says, boxes that do not open, and a
    low-order ephemeral key: each is stored (it is the member's chain) and applied
    nowhere; nothing raises out of ingest, and a good flag after them still counts."""
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Sepsis", body="Lactate 4.")
    sync(alice, bob, carol, dave)
    to = [_device(alice), _device(dave), _device(bob)]
    nested: Any = "x"
    for _ in range(15):
        nested = [nested]
    bad_plains = [
        b"\x00",  # the integer 0
        b"\xff",
        b"\xa2\x66reason\x61x",  # truncated
        encode([case, "x"]),
        encode("just text"),
        encode(7),
        encode(None),
        encode({"reason": "x", "target": case[:31]}),
        encode({"reason": "x", "target": "not bytes" * 4}),
        encode({"reason": "", "target": case}),
        encode({"reason": " \n\t ", "target": case}),
        encode({"reason": "y" * 301, "target": case}),
        encode({"reason": 5, "target": case}),
        encode({"reason": "x", "target": case, "extra": 1}),
        encode({"reason": nested, "target": case}),
        bytes.fromhex("a2") + b"\x66target\x58\x20" + case + b"\x66reason\x61x",  # not canonical
        b"\xc1\x00",  # a tag
        b"\xfb" + bytes(8),  # a float
        b"\x7f\x61x\xff",  # indefinite length
        b"\x62\xff\xfe",  # text that is not UTF-8
        b"\xa1\x80\x00",  # a map with a list as its key
    ]
    for plain in bad_plains:
        _craft(bob, network, plain, to)
    # A box that does not open: its ciphertext altered after sealing.
    good = flags.seal({"target": case, "reason": "tampered"}, network, bob.member, to)
    tampered = {**good, "box": good["box"][:-1] + bytes([good["box"][-1] ^ 1])}
    bob.log.append(network, EventKind.FLAG_CREATE, tampered)
    # A low-order ephemeral key (all zeros): X25519 refuses it, nothing opens.
    low = {**good, "eph": bytes(32)}
    bob.log.append(network, EventKind.FLAG_CREATE, low)
    sync(alice, bob, carol, dave)
    for reader in (alice, bob, dave):
        assert reader.db.scalar("SELECT count(*) FROM flags") == 0
    bob.library.flag(case.hex(), "Clinically wrong")
    sync(alice, bob, carol, dave)
    for reader in (alice, dave):
        assert [i["reason"] for i in _inbox(reader, network)] == ["Clinically wrong"]
    before = _flag_rows(alice)
    alice.log.rebuild()
    assert _flag_rows(alice) == before


def test_malformed_outer_payloads_are_refused_in_words_before_anything_opens(four, network) -> None:
    """Shapes the network's validator must refuse before any X25519 or AEAD work: each
    forged event is kept as its author's (rejected) or refused by ``ingest`` with an
    EventError — never another exception."""
    alice, bob, _carol, _dave = four
    good = flags.seal({"target": b"\1" * 32, "reason": "x"}, network, bob.member, [_device(alice)])
    wrap = good["wraps"][0]
    shapes = [
        {},
        {"eph": good["eph"], "wraps": good["wraps"]},
        {**good, "extra": 1},
        {**good, "eph": good["eph"][:31]},
        {**good, "eph": "text" * 8},
        {**good, "box": b""},
        {**good, "box": bytes(16)},
        {**good, "box": bytes(2049)},
        {**good, "box": "not bytes"},
        {**good, "wraps": []},
        {**good, "wraps": {"a": 1}},
        {**good, "wraps": [wrap, wrap]},  # the same device twice
        {**good, "wraps": [[wrap[0], wrap[1][:47]]]},
        {**good, "wraps": [[wrap[0][:31], wrap[1]]]},
        {**good, "wraps": [[wrap[0], wrap[1], b""]]},
        {**good, "wraps": [wrap[0]]},
        {**good, "wraps": [[b"%c" % i + bytes(31), bytes(48)] for i in range(256)] * 40},
    ]
    for shape in shapes:
        with pytest.raises(EventError):
            flags.validate_sealed(shape)
    # Through ingest, as a relay would deliver them from a member with a changed client:
    # kept in the author's chain, rejected in words on every computer, nothing raised.
    for shape in (shapes[0], shapes[3], shapes[7], shapes[11]):
        forged = _forge(bob, network, shape)
        for reader in (bob, alice):
            reader.log.ingest(forged.raw)
            reason = reader.db.scalar(
                "SELECT reason FROM rejected WHERE event_id = ?", (forged.id,)
            )
            assert reason is not None and reason.startswith("unreadable payload: flag:")
    assert alice.db.scalar("SELECT count(*) FROM flags") == 0


# -- what a flag names ---------------------------------------------------------------
def test_a_flag_naming_an_item_of_another_network_is_not_applied(four, network) -> None:
    """Moderation refuses a target "of another network"; a flag should too. Here Bob, a
    member of both of Alice's networks, flags (in the first) a case of the second: it
    lands in the first network's inbox as an "unknown" item, and — since a flag row is
    keyed by (target, flagger) without the network — it then shadows his real flag of
    that case in the second network, whose moderators never see it."""
    alice, bob, _carol, _dave = four
    other = alice.library.create_network("Second Circle", alice.name)
    join(bob, alice, other)
    sync(alice, bob)
    elsewhere = alice.library.post_case(other, title="Case of the second", body="...")
    for _ in range(30):  # the first network's clock runs ahead of the second's
        alice.library.post_case(network, title="Filler", body=".")
    sync(alice, bob)
    bob.library._append(
        network, EventKind.FLAG_CREATE, {"target": elsewhere, "reason": "Cross-network"}
    )
    sync(alice, bob)
    first = _inbox(alice, network)
    bob.library.flag(elsewhere.hex(), "The real flag, in its own network")
    sync(alice, bob)
    second = [i["reason"] for i in _inbox(alice, other)]
    assert (first, second) == ([], ["The real flag, in its own network"]), (
        f"first network's inbox: {[(i['what'], i['reason']) for i in first]}; "
        f"second network's inbox: {second}"
    )


def test_flags_of_a_comment_this_computer_never_saw_go_with_its_withdrawn_case(
    four, network
) -> None:
    """Dave (a moderator) receives the case and its withdrawal, then Bob's flag of one of
    its comments, then the comment itself (its own author's chain, late). The comment
    becomes a purged item, but the opened flag — whose reason may quote the withdrawn
    case — stays on Dave's computer, while Alice's, which saw the comment first, has
    none: the two moderators' computers disagree, and the promise "a withdrawal deletes
    the flags ... of the case and its comments" is broken on Dave's."""
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Rash", body="Photos.")
    sync(alice, bob, carol, dave)
    comment = carol.library.comment(case, "Looks like erythema multiforme.")
    sync(alice, bob, carol)  # Dave does not get Carol's comment yet
    bob.library.flag(comment.hex(), "Quotes the patient's name from the photo label")
    alice.library.withdraw(case, "consent withdrawn")
    _chain(alice, dave, alice, network)  # the case's withdrawal
    _chain(bob, dave, bob, network)  # Bob's flag of the comment
    _chain(carol, dave, carol, network)  # the comment, last
    sync(alice, bob, carol)
    assert alice.db.scalar("SELECT count(*) FROM flags") == 0
    assert dave.db.scalar("SELECT count(*) FROM flags") == 0
    # And after a rebuild (the events in the order they arrived): still none.
    dave.log.rebuild()
    assert dave.db.scalar("SELECT count(*) FROM flags") == 0


def test_a_flag_of_a_comment_of_an_already_withdrawn_case_is_skipped(four, network) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Syncope", body="Tilt test.")
    sync(alice, bob, carol, dave)
    comment = carol.library.comment(case, "Vasovagal.")
    sync(alice, bob, carol, dave)
    bob.library.flag(comment.hex(), "Clinically wrong")  # not yet told of the withdrawal
    alice.library.withdraw(case, "consent withdrawn")
    sync(alice, carol, dave)
    sync(alice, bob, carol, dave)
    for reader in (alice, dave):
        assert reader.db.scalar("SELECT count(*) FROM flags") == 0


# -- the reason ----------------------------------------------------------------------
def test_a_flag_reason_with_control_characters_passes_no_identifier_check(four, network) -> None:
    """Every published text is cleaned (NFC, control characters dropped) before the
    de-identification check; a flag's reason is not (``flags.validate_inner`` only folds
    white space). "MRN 1234<U+0001>5678" is refused as a case title but goes out as a
    flag reason, and is stored so on the moderators' computers."""
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Chest pain", body="ECG.")
    sync(alice, bob, carol, dave)
    hidden = "MRN 1234\x015678, DOB 02\x01/03/1961"
    assert check_text(hidden.replace("\x01", ""), "reason")  # what a reader sees
    with pytest.raises(IdentifiersFound):
        bob.library.post_case(network, title=hidden, body=".")
    with pytest.raises(IdentifiersFound):
        bob.library.flag(case.hex(), hidden)


def test_a_flag_reason_keeps_no_terminal_escape_on_the_moderators_computer(four, network) -> None:
    """A changed client seals a reason holding ANSI escapes; ``casebook moderation
    inbox`` prints reasons as they are stored. Every other text from the network has
    its control characters dropped before it is kept."""
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Dyspnoea", body="CXR.")
    sync(alice, bob, carol, dave)
    evil = "\x1b[2J\x1b[1;1HAll flags reviewed\x1b]0;pwned\x07"
    _craft(bob, network, encode({"reason": evil, "target": case}), [_device(alice)])
    sync(alice, bob)
    for _target, _flagger, _net, reason in _flag_rows(alice):
        assert not any(ord(c) < 0x20 and c not in "\n\t" for c in reason), repr(reason)


# -- what the size says ----------------------------------------------------------------
def test_the_size_of_a_flag_does_not_tell_which_reason_was_chosen(four, network) -> None:
    """Other members open the network's encryption of every payload and see the box;
    the relay sees each event's size. The box is not padded, so its length is the
    reason's: the three reasons the app offers have three lengths, and anyone can tell
    which one a colleague chose ("never what or why")."""
    alice, bob, carol, dave = four
    cases = [alice.library.post_case(network, title=f"Case {i}", body=".") for i in range(3)]
    sync(alice, bob, carol, dave)
    made = [
        bob.library.flag(c.hex(), reason) for c, reason in zip(cases, flags.SUGGESTED, strict=True)
    ]
    sync(alice, bob, carol, dave)
    box_sizes, raw_sizes = set(), set()
    for event_id in made:
        event, payload = carol.log._load(event_id)
        assert payload is not None
        box_sizes.add(len(payload["box"]))
        raw_sizes.add(len(event.raw))
    assert (len(box_sizes), len(raw_sizes)) == (1, 1), (
        f"Carol tells the reasons apart by box size {sorted(box_sizes)}, "
        f"the relay by event size {sorted(raw_sizes)}"
    )


# -- the inbox's "reviewed" ------------------------------------------------------------
def test_a_flag_after_a_moderators_act_is_not_reviewed_whatever_the_flaggers_clock(
    four, network
) -> None:
    """Dave hides a case; Bob, having seen that, flags it again (his computer's clock an
    hour slow). The flag came after the act, so the item awaits a look; ``reviewed``
    compares wall-clock times written by two different computers, and says reviewed."""
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="Stroke", body="Thrombolysed.")
    sync(alice, bob, carol, dave)
    dave.governance.moderate(case.hex(), "hide", "Awaiting the author's edit")
    sync(alice, bob, carol, dave)
    real = bob.log.clock
    bob.log.clock = lambda: real() - 3_600_000
    bob.library.flag(case.hex(), "The edit made it worse")
    sync(alice, bob, carol, dave)
    (item,) = _inbox(alice, network)
    assert not item["reviewed"], "a flag written after the hide is shown as reviewed"


def test_a_flag_dated_in_the_far_future_can_still_be_reviewed(four, network) -> None:
    """A changed client dates its flag in year 9999: it sorts first for ever and no act
    of a moderator, however late, makes it reviewed."""
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="AKI", body="Creatinine up.")
    sync(alice, bob, carol, dave)
    bob.log.clock = lambda: MAX_TS
    bob.library.flag(case.hex(), "Inappropriate")
    sync(alice, bob, carol, dave)
    dave.governance.moderate(case.hex(), "hide", "Looked at it")  # after reading it
    sync(alice, bob, carol, dave)
    (item,) = _inbox(alice, network)
    assert item["hidden"]
    assert item["reviewed"], "no moderator's act can review a flag dated in the future"


# -- counting --------------------------------------------------------------------------
def test_one_member_flags_once_per_item_from_any_of_their_computers(
    four, network, tmp_path
) -> None:
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="PE", body="CTPA.")
    sync(alice, bob, carol, dave)
    laptop = link_computer(bob, tmp_path / "bob-laptop")
    sync(alice, bob, carol, dave, laptop)
    bob.library.flag(case.hex(), "First, from the desktop")
    laptop.library.flag(case.hex(), "Second, from the laptop")
    _craft(bob, network, encode({"reason": "Third, crafted", "target": case}), [_device(alice)])
    sync(alice, bob, carol, dave, laptop)
    (item,) = _inbox(alice, network)
    assert item["flags"] == 1
    # Every reader keeps the same newest flag, whatever order the chains arrived in.
    newest = {r[3] for r in _flag_rows(dave)}
    assert len(newest) == 1 and newest == {r[3] for r in _flag_rows(bob)}
    assert newest == {r[3] for r in _flag_rows(laptop)}


def test_a_reminder_box_replayed_as_a_flag_and_back_opens_nowhere(four, network) -> None:
    """Flags and reminders share the sealing; their domains keep them apart. Bob's own
    reminder (sealed to his computers) re-sent as a flag, and his flag re-sent as a
    reminder, open on none of the computers they are wrapped to."""
    alice, bob, carol, dave = four
    case = bob.library.post_case(network, title="Cellulitis", body="Day 3 of flucloxacillin.")
    sync(alice, bob, carol, dave)
    reminded = bob.library.remind(case, 1_900_000_000_000)
    flagged = bob.library.flag(case.hex(), "Clinically wrong")
    _e, reminder = bob.log._load(reminded)
    _e, flag = bob.log._load(flagged)
    assert reminder is not None and flag is not None
    # A box of the other kind does not even have the kind's size: refused as written.
    for kind, box in ((EventKind.FLAG_CREATE, reminder), (EventKind.REMINDER_SET, flag)):
        with pytest.raises(EventError, match=r"padded|impossible size"):
            bob.log.append(network, kind, dict(box))
    sync(alice, bob, carol, dave)
    for reader in (alice, bob, dave):
        assert [(r[0], r[3]) for r in _flag_rows(reader)] == [(case, "Clinically wrong")]
    assert [bytes(r[0]) for r in bob.db.all("SELECT event_id FROM reminders")] == [reminded]


def test_a_flag_applied_before_its_authors_removal_arrived_is_undone_by_it(
    four, network, tmp_path
) -> None:
    """The order the network settles, not the order of arrival: Dave's computer opens
    Bob's flag (and one from Carol's revoked laptop) first, then learns that both were
    written after their author was removed or the computer revoked. Both go, as on the
    computers that heard of the removal first."""
    alice, bob, carol, dave = four
    case = alice.library.post_case(network, title="DKA", body="pH 7.1.")
    sync(alice, bob, carol, dave)
    laptop = link_computer(carol, tmp_path / "carol-laptop")
    sync(alice, bob, carol, dave, laptop)
    alice.governance.remove(network, "Bob")
    carol.devices.revoke(laptop.log.chain.hex()[:16])
    sync(alice, carol)
    bob.library.flag(case.hex(), "After the removal")
    laptop.library.flag(case.hex(), "After the revocation")
    _chain(bob, dave, bob, network)
    _chain(laptop, dave, laptop, network)
    assert dave.db.scalar("SELECT count(*) FROM flags") == 2  # as far as Dave knows
    sync(alice, bob, carol, dave, laptop)
    for reader in (alice, dave):
        assert reader.db.scalar("SELECT count(*) FROM flags") == 0
        assert _inbox(reader, network) == []
