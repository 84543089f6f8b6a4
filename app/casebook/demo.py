"""A throwaway demo library: ``make demo`` opens the app on it.

Four fictional colleagues share a network of clearly fictional cases and discussions.
Everything is made the real way — real profiles, a real invite for each colleague,
signed and encrypted events — and the colleagues' events reach the demo profile as
received events, exactly as sync would bring them. No relay is involved.

    python -m casebook.demo DIR     # builds the demo profile in DIR (passphrase below)
"""

from __future__ import annotations

import sys
from pathlib import Path

from casebook.core.ledger.eventlog import now_ms
from casebook.core.ledger.wire_form import wire_forms
from casebook.core.profile import Profile
from casebook.demo_data import CASES, FLAGS, OPINIONS, PEOPLE, POLL_ANSWERS, POLL_CASE

PASSPHRASE = "casebook demo library"  # noqa: S105 - published: the demo is fictional
NETWORK = "Demo Circle (fictional cases)"
DAY, HOUR = 86_400_000, 3_600_000
_FAST_KDF_MS = 60  # a throwaway profile: unlock cost matters less than start-up time


def _deliver(source: Profile, target: Profile, net: bytes) -> None:
    rows = source.db.all("SELECT raw FROM events WHERE net = ? ORDER BY seqno", (net,))
    sent = wire_forms(source.db).all(bytes(row["raw"]) for row in rows)
    with target.log.batch():
        for raw in sent:
            target.log.ingest(raw)


class _Clock:
    """The demo's time: the network began seven weeks ago, its cases follow one another
    over the six weeks since (the last one's discussion ending minutes ago, so "ago"
    shows whatever the time of day), each discussion a little after
    its case, so the list shows every kind of date ("3 h ago", "yesterday", a weekday, a
    date). Deterministic but for today's date."""

    def __init__(self, cases: int) -> None:
        self.now = now_ms()
        self.cases = cases
        self.at = self.now - 49 * DAY

    def case(self, index: int, events: int = 1) -> None:
        """Time for case ``index`` and its ``events`` (itself, comments, outcome)."""
        if index == self.cases - 1:  # the newest: it ends minutes ago at any time of day
            self.at = self.now - events * 28 * 60_000
            return
        span = 45 * DAY - 5 * HOUR
        back = (self.cases - 1 - index) * span // max(self.cases - 1, 1)
        self.at = self.now - 5 * HOUR - back - (index * 7919 % 4) * HOUR

    def __call__(self) -> int:
        self.at += 23 * 60_000 + (self.at // 1000 % 5) * 60_000  # each event a little later
        return min(self.at, self.now)


def build(directory: Path) -> Path:
    """Create the demo profile in ``directory / "profile"``; returns its folder."""
    people = [
        Profile.create(directory / f"person-{i}", name, PASSPHRASE, kdf_target_ms=_FAST_KDF_MS)
        for i, name in enumerate(PEOPLE)
    ]
    clock = _Clock(len(CASES))
    for person in people:
        person.log.clock = clock
    try:
        me = people[0]
        net = me.library.create_network(NETWORK, me.name)
        for colleague in people[1:]:
            made = me.invitations.create(net)
            code = colleague.invitations.read_code(made.code)
            colleague.invitations.join(
                code,
                made.welcome,
                colleague.name,
                before_join=lambda c=colleague: _deliver(me, c, net),
            )
            _deliver(colleague, me, net)
        for colleague in people[1:]:
            _deliver(me, colleague, net)
        for index, (author, title, specialty, fields, tags, comments, outcome) in enumerate(CASES):
            clock.case(index, 1 + len(comments) + (2 if outcome else 0))
            _post(people, net, author, title, specialty, fields, tags, comments, outcome)
        _poll(people, net)
        _flags(people, net)
        for colleague in people[1:]:
            _deliver(colleague, me, net)
        # Fictional colleagues have no computers: the demo stays off the LAN.
        me.settings.set("lan_sync", False)
    finally:
        for person in people[1:]:
            person.close()
        people[0].close()
    target = directory / "profile"
    (directory / "person-0").rename(target)
    return target


def _post(
    people: list[Profile],
    net: bytes,
    author: int,
    title: str,
    specialty: str,
    fields: dict[str, str],
    tags: list[str],
    comments: list[tuple[int, str]],
    outcome: str | None,
) -> None:
    """One case and its discussion, each event written by its author's own profile and
    passed on to the next writer, as a relay would."""
    writer = people[author]
    case = writer.library.post_case(net, title=title, specialty=specialty, fields=fields, tags=tags)
    if title in OPINIONS:
        writer.library.request_opinion(case, OPINIONS[title])
    last = writer
    for who, text in comments:
        _deliver(last, people[who], net)
        people[who].library.comment(case, text)
        last = people[who]
    if outcome is not None:
        _deliver(last, writer, net)
        writer.library.add_outcome(case, outcome)
        writer.library.set_status(case, "resolved")
        last = writer
    for person in people:
        if person is not last:
            _deliver(last, person, net)


def _poll(people: list[Profile], net: bytes) -> None:
    """A differential the demo user asked on their open case, answered by three
    colleagues (the demo user has not answered: the results are hidden until they do)."""
    me = people[0]
    case = bytes(me.db.scalar("SELECT id FROM cases WHERE title = ?", (POLL_CASE,)))
    poll = me.polls.create(case, "differential", "What is your differential?")
    last = me
    for who, ranks in POLL_ANSWERS:
        _deliver(last, people[who], net)
        people[who].polls.answer(poll, ranks=ranks)
        last = people[who]
    for person in people:
        if person is not last:
            _deliver(last, person, net)


def _flags(people: list[Profile], net: bytes) -> None:
    """Colleagues' flags for the moderators, sealed to the demo user (the admin)."""
    for who, title, comment, reason in FLAGS:
        flagger = people[who]
        case = bytes(flagger.db.scalar("SELECT id FROM cases WHERE title = ?", (title,)))
        target = case
        if comment is not None:
            rows = flagger.queries.case(case)
            assert rows is not None
            target = rows.discussion[comment].id
        flagger.library.flag(target.hex(), reason)
        _deliver(flagger, people[0], net)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m casebook.demo DIR", file=sys.stderr)
        return 2
    folder = build(Path(args[0]).expanduser())
    print(f"Demo profile: {folder}\nPassphrase: {PASSPHRASE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
