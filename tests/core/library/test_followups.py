"""Follow-up reminders (docs/protocol.md, "Follow-up reminders"): set by a case's author,
sealed to the author's own computers (a second computer has them after a sync, nobody
else can read them), the newest setting wins on every one of them, a reminder fires
once due and stops once the outcome is added, and a withdrawal takes it away. The
moderators' list of open cases still awaiting an outcome is theirs only."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from casebook.core.ledger.eventlog import now_ms
from casebook.core.library.followups import DAY_MS
from casebook.core.model.reminders import REMINDER
from casebook.core.profile import Profile
from casebook.errors import PermissionDenied
from netkit import deliver, join, link_computer, sync


def _bob(alice: Profile, network: bytes, make_profile: Callable[..., Profile]) -> Profile:
    bob = make_profile("Dr. Bob Okafor")
    join(bob, alice, network)
    deliver(alice, bob, network)
    return bob


def test_a_reminder_follows_its_author_to_each_computer_and_nobody_else(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile], tmp_path: Path
) -> None:
    bob = _bob(alice, network, make_profile)
    laptop = link_computer(alice, tmp_path / "laptop")
    sync(alice, bob, laptop)
    case = alice.library.post_case(network, title="Sarcoidosis", body="Steroids started.")
    made = alice.library.remind(case, now_ms() + 14 * DAY_MS)
    sync(alice, bob, laptop)
    later = now_ms() + 15 * DAY_MS
    for computer in (alice, laptop):
        assert [f.case for f in computer.follow_ups.due(later)] == [case]
        assert computer.follow_ups.upcoming(now_ms())[0].title == "Sarcoidosis"
    assert bob.db.scalar("SELECT count(*) FROM reminders") == 0
    _event, payload = bob.log._load(made)
    assert (
        payload is not None
        and REMINDER.open(bob.log.identity, network, alice.member, payload) is None
    )
    # Due, then done once the outcome is added (from the other computer).
    assert alice.follow_ups.due(now_ms()) == []
    laptop.library.add_outcome(case, "Better at three months.")
    sync(alice, laptop)
    assert alice.follow_ups.due(later) == [] and laptop.follow_ups.due(later) == []


def test_only_the_author_sets_one_and_the_newest_setting_wins(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile], tmp_path: Path
) -> None:
    bob = _bob(alice, network, make_profile)
    laptop = link_computer(alice, tmp_path / "laptop")
    sync(alice, bob, laptop)
    case = alice.library.post_case(network, title="Uveitis", body="HLA-B27 positive.")
    sync(alice, bob, laptop)
    with pytest.raises(PermissionDenied, match="author"):
        bob.library.remind(case, now_ms() + DAY_MS)
    alice.library.remind(case, now_ms() + 7 * DAY_MS)
    sync(alice, laptop)
    laptop.library.remind(case, 0)  # cleared on the laptop, after it saw the first
    deliver(laptop, alice, network)
    assert alice.follow_ups.of_case(case) is None
    assert laptop.follow_ups.of_case(case) is None
    alice.log.rebuild()
    assert alice.follow_ups.of_case(case) is None


def test_a_withdrawn_case_has_no_reminder(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    case = alice.library.post_case(network, title="Gout", body="Allopurinol.")
    alice.library.remind(case, now_ms() + DAY_MS)
    alice.library.withdraw(case, "consent withdrawn")
    assert alice.db.scalar("SELECT count(*) FROM reminders") == 0
    alice.log.rebuild()
    assert alice.db.scalar("SELECT count(*) FROM reminders") == 0


def test_moderators_list_open_cases_awaiting_an_outcome(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> None:
    bob = _bob(alice, network, make_profile)
    real = bob.log.clock
    bob.log.clock = lambda: real() - 20 * DAY_MS  # written three weeks ago
    old = bob.library.post_case(network, title="Old fever", body="Still open.")
    done = bob.library.post_case(network, title="Old rash", body="Resolved.")
    bob.library.add_outcome(done, "Drug rash; settled.")
    bob.log.clock = real
    bob.library.post_case(network, title="New cough", body="Yesterday.")
    sync(alice, bob)
    waiting = alice.flag_inbox.awaiting_outcome(network, now_ms())
    assert [(r["title"], r["name"]) for r in waiting] == [("Old fever", "Dr. Bob Okafor")]
    assert waiting[0]["days"] >= 19 and waiting[0]["case"] == old.hex()
    with pytest.raises(PermissionDenied, match="Only moderators and admins"):
        bob.flag_inbox.awaiting_outcome(network, now_ms())
