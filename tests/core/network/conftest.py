"""What the flag tests share: a network of four (an admin, two members, a moderator)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from casebook.core.profile import Profile
from netkit import join, sync


@pytest.fixture
def four(
    alice: Profile, network: bytes, make_profile: Callable[..., Profile]
) -> tuple[Profile, Profile, Profile, Profile]:
    """Alice (admin), Bob and Carol (members), Dave (moderator)."""
    bob, carol, dave = (
        make_profile(n) for n in ("Dr. Bob Okafor", "Dr. Carol Lind", "Dr. Dave Ng")
    )
    join(bob, alice, network)
    join(carol, alice, network)
    join(dave, alice, network, role="moderator")
    sync(alice, bob, carol, dave)
    return alice, bob, carol, dave
