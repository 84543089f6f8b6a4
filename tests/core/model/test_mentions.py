"""Mentions resolve against the network's members: full names (longest first), an
unambiguous part, folded case and accents; an ambiguous part is reported, not guessed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from casebook.core.model.mentions import MAX_MENTIONS, complete, resolve

BOB, ADA, ZOE, JR, ME = (bytes([i]) * 32 for i in range(1, 6))
MEMBERS = {
    BOB: "Dr. Bob Okafor",
    ADA: "Dr. Ada Okafor",
    ZOE: "Dr. Zoë Brandt",
    JR: "Dr. Bob Okafor Jr",
    ME: "Dr. Alice Moreau",
}


def test_a_full_display_name_mentions_that_member() -> None:
    found = resolve("What do you think, @Dr. Bob Okafor? The rash is new.", MEMBERS)
    assert found.found == [BOB]
    assert found.ambiguous == []


def test_the_longest_full_name_wins() -> None:
    assert resolve("@Dr. Bob Okafor Jr, please", MEMBERS).found == [JR]
    assert resolve("@Dr. Bob Okafor please", MEMBERS).found == [BOB]


def test_an_unambiguous_part_of_a_name_mentions_its_member() -> None:
    assert resolve("cc @Brandt", MEMBERS).found == [ZOE]
    assert resolve("cc @Ada Okafor and @Zoe", MEMBERS).found == [ADA, ZOE]


def test_an_ambiguous_part_is_reported_not_guessed() -> None:
    found = resolve("@Okafor, any thoughts?", MEMBERS)
    assert found.found == []
    assert found.ambiguous == [("Okafor", sorted([BOB, ADA, JR]))]


def test_case_and_accents_are_folded() -> None:
    assert resolve("@DR. ZOE BRANDT", MEMBERS).found == [ZOE]
    assert resolve("@zoë", MEMBERS).found == [ZOE]


def test_a_name_must_end_on_a_word_boundary() -> None:
    assert resolve("@Dr. Zoë Brandtner", MEMBERS).found == []
    assert resolve("@Brandts", MEMBERS).found == []


def test_an_email_address_and_a_stranger_mention_no_one() -> None:
    assert resolve("write to bob@okafor.example", MEMBERS).found == []
    assert resolve("@Dr. Nobody Here", MEMBERS).found == []
    assert resolve("@ alone", MEMBERS).found == []


def test_the_author_is_never_mentioned() -> None:
    assert resolve("as @Moreau said", MEMBERS, exclude=[ME]).found == []
    assert resolve("as @Moreau said", MEMBERS).found == [ME]


def test_each_member_once_in_order_and_bounded() -> None:
    assert resolve("@Brandt @Ada Okafor @Brandt", MEMBERS).found == [ZOE, ADA]
    many = {bytes([i]) * 32: f"Member{i} Surname{i}" for i in range(40)}
    text = " ".join(f"@Member{i}" for i in range(40))
    assert len(resolve(text, many).found) == MAX_MENTIONS


def test_completion_offers_full_names_then_word_matches() -> None:
    assert complete("Dr. B", MEMBERS) == ["Dr. Bob Okafor", "Dr. Bob Okafor Jr"]
    assert complete("oka", MEMBERS) == ["Dr. Ada Okafor", "Dr. Bob Okafor", "Dr. Bob Okafor Jr"]
    assert complete("zo", MEMBERS) == ["Dr. Zoë Brandt"]


_name = st.lists(
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzéß", min_size=2, max_size=8), min_size=1, max_size=3
).map(lambda ws: " ".join(w.capitalize() for w in ws))


@given(
    st.lists(_name, min_size=1, max_size=6, unique_by=lambda n: n.casefold()), st.text(max_size=40)
)
def test_any_members_full_name_resolves_to_them(names: list[str], noise: str) -> None:
    members = {bytes([i]) * 32: name for i, name in enumerate(names)}
    for key, name in members.items():
        found = resolve(f"{noise} @{name}.", members)
        assert (
            key in found.found
            or any(key in fits for _, fits in found.ambiguous)
            or any(n != name and n.casefold().startswith(name.casefold()) for n in names)
        )


def test_a_title_every_name_shares_names_no_one() -> None:
    found = resolve("ask @Dr. Nobody, or @Dr", MEMBERS)
    assert found.found == [] and [part for part, _ in found.ambiguous] == ["Dr", "Dr"]
    two = {BOB: "Dr. Bob Okafor", ME: "Dr. Alice Moreau"}
    assert resolve("@Dr. Nobody", two, exclude=[ME]).found == []  # Bob: the only one left
    # Only where not every name has it does "Dr" tell members apart.
    assert resolve("@Dr", {BOB: "Dr. Bob Okafor", ADA: "Ada Okafor"}).found == [BOB]
    assert resolve("@Okafor", {BOB: "Dr. Bob Okafor", ADA: "Ada Okafor"}).ambiguous == [
        ("Okafor", sorted([BOB, ADA]))
    ]
