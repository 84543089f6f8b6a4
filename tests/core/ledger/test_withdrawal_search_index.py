"""A withdrawn case's words leave the search index's own pages: the FTS5 data blocks (the
contentless index only marks a deleted row until its segments are merged, so the purge
merges them). Checked on the raw blocks, where a page scan could miss a term stored
prefix-compressed; FTS5 'secure-delete' alone was tried and leaves terms behind."""

from __future__ import annotations

from casebook.core.profile import Profile


def test_a_withdrawn_cases_words_leave_the_search_index(alice: Profile, network: bytes) -> None:
    for i in range(30):
        alice.library.post_case(network, title=f"Background case {i}", body="ordinary words")
    case = alice.library.post_case(network, title="Zanzibarroid keloid", body="Quixoticum scar")
    alice.library.comment(case, "Try xylophonic steroid first.")
    alice.library.edit_case(case, title="Zanzibarroid keloid, edited")  # an earlier delete
    assert b"zibarroid" in blocks(alice) and b"lophonic" in blocks(alice)
    alice.library.withdraw(case, "Consent withdrawn")
    left = blocks(alice)
    for word in (b"zibarroid", b"xoticum", b"lophonic"):
        assert word not in left, word


def blocks(profile: Profile) -> bytes:
    return b"".join(
        bytes(r[0])
        for table in ("case_fts_data", "comment_fts_data")
        for r in profile.db.all(f"SELECT block FROM {table}")
        if r[0] is not None
    )
