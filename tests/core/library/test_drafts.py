"""Drafts kept in the profile (issue 16, item 1): what was being written survives a
restart; an empty draft is no draft; nothing unbounded is kept."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casebook.core.library.drafts import MAX_DRAFT
from casebook.core.profile import Profile
from casebook.errors import UsageError
from clikit import PASSPHRASE


def test_a_draft_survives_closing_the_profile(make_profile: Callable[..., Profile]) -> None:
    alice = make_profile("Dr. Alice Moreau")
    net = alice.library.create_network("Cardiology Circle", alice.name)
    assert alice.drafts.save("case", net, {"title": "Syncope", "body": "At rest."})
    alice.drafts.save("reply", b"c" * 32, {"body": "Holter first?"})
    folder = alice.directory
    alice.close()
    with Profile.unlock(folder, PASSPHRASE) as again:
        assert again.drafts.load("case", net) == {"title": "Syncope", "body": "At rest."}
        assert again.drafts.load("reply", b"c" * 32) == {"body": "Holter first?"}
        assert again.drafts.load("reply", b"d" * 32) is None
        assert not again.drafts.save("case", net, {"title": "  ", "fields": {"history": ""}})
        assert again.drafts.load("case", net) is None and again.drafts.count() == 1
        again.drafts.discard("reply", b"c" * 32)
        assert again.drafts.count() == 0


def test_drafts_are_bounded_and_named(make_profile: Callable[..., Profile]) -> None:
    alice = make_profile("Dr. Alice Moreau")
    with pytest.raises(UsageError, match="too long"):
        alice.drafts.save("reply", b"c" * 32, {"body": "x" * MAX_DRAFT})
    with pytest.raises(UsageError, match="No such kind"):
        alice.drafts.save("poem", b"c" * 32, {"body": "x"})
    assert alice.drafts.count() == 0
