"""Bugs a review found, each kept from coming back."""

import pytest

from casebook.core.library.search import Filters
from casebook.errors import UsageError


def test_a_very_deep_thread_still_shows(alice, network):
    case = alice.library.post_case(network, title="Deep thread")
    parent = alice.library.comment(case, "level 0")
    for i in range(1, 1100):
        parent = alice.library.reply(parent, f"level {i}")
    discussion = alice.queries.case(case).discussion
    assert len(discussion) == 1100 and discussion[-1].depth == 1099


def test_comments_keep_causal_order(alice, network):
    case = alice.library.post_case(network, title="Order")
    made = [alice.library.comment(case, f"c{i:02}") for i in range(30)]
    assert [c.id for c in alice.queries.case(case).discussion] == made


def test_one_busy_case_does_not_crowd_out_others(alice, network):
    busy = alice.library.post_case(network, title="Busy")
    for _ in range(10):
        alice.library.comment(busy, "zebra zebra")
    others = []
    for name in "BCD":
        others.append(alice.library.post_case(network, title=f"Case {name}"))
        alice.library.comment(others[-1], "a zebra")
    found = [r.case.id for r in alice.queries.search("zebra", Filters(), limit=3)]
    assert len(found) == 3 and found[0] == busy
    found = [r.case.id for r in alice.queries.search("zebra", Filters(net=network), limit=4)]
    assert set(found) == {busy, *others}


@pytest.mark.parametrize("query", ["straße", "STRASSE".lower().replace("ss", "ß"), "Straße"])
def test_sharp_s_is_found(alice, network, query):
    case = alice.library.post_case(network, title="Straße case")
    assert [r.case.id for r in alice.queries.search(query, Filters())] == [case]


def test_network_name_of_control_characters_is_refused(alice):
    with pytest.raises(UsageError, match="name"):
        alice.library.create_network("\x01\x02", alice.name)
