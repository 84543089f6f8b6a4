"""What an event waiting in ``waiting`` waits for (its ``needs``): an event id (its case,
its parent, its target), or one of these marks, released when the thing arrives."""

from __future__ import annotations


def key(net: bytes, epoch: int) -> bytes:
    """The seed of an epoch."""
    return b"key:" + net + epoch.to_bytes(8, "big")


def invite(net: bytes, invite_key: bytes) -> bytes:
    """The join key of an invite (a newcomer's join)."""
    return b"invite:" + net + invite_key


def member(net: bytes, author: bytes) -> bytes:
    """An author's membership (their join, or their device's certificate)."""
    return b"member:" + net + author


def withdrawn(case_id: bytes) -> bytes:
    """The withdrawal of a case (a computer's ``case.purged`` of it)."""
    return b"withdrawn:" + case_id
