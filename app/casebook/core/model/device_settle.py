"""Settling a network's devices before its membership is folded.

Which device certificates count, where each device's chain is cut and which of the
devices it certified stay depend on the device events alone (their signatures and
their places in their own chains), never on the order the fold applies entries in. So
they are settled once, here, before the fold (:func:`casebook.core.model.membership.fold`
hands the result to every round), in one pass down the tree of certificates:

- A revocation counts when it carries the member key's signature (``msig``: any device
  of the member, cut at the signed ``upto``; device zero's own events are signed by the
  member key, so its revocations count while it is not revoked), or when a device
  revokes itself (cut at that event). Nothing else: a device never revokes another
  without the member key, so no revocation depends on another's and no thief can answer
  one.
- A device's certificate counts when its signer is the member key, or a device of the
  member whose own certificate counts and that is not revoked, or is revoked and keeps
  it: every revocation of the signer by the member key names it in ``keeps`` (a device
  revoking itself keeps nothing, so a thief cannot keep keys it signs later).
- A member has at most :data:`MAX_DEVICES` current devices (device zero among them):
  admitted nearest the member key first (a device the member key certified before any
  a device certified), then in fold order, so a thief's back-dated certificates never
  push out a computer the member key certified.

The fold then judges what depends on order (the member being a member when a device is
added, the signer known by then) and applies the cuts settled here from the start.
Because the settlement needs every device event, a device event is never applied on
its own (``membership.applies_in_place``): membership books and the relay fold the
whole log for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from casebook.core.model.identity import verify_again
from casebook.core.model.kinds import EventKind
from casebook.core.model.membership_state import (
    MAX_DEVICE_NAME,
    MAX_DEVICES,
    MAX_WRAPS,
    Entry,
    _is_bytes,
    _is_int,
    _keys,
    device_cert_message,
    device_revoke_message,
)

CAPPED = f"a member has at most {MAX_DEVICES} computers; revoke one first"
NOT_KEPT = "certified by a device that was revoked before"
ADD_KEYS = {"member", "xkey", "name", "created", "by", "sig"}
REVOKE_KEYS = {"device", "upto", "keeps"}


@dataclass
class Settled:
    cuts: dict[bytes, int] = field(default_factory=dict)  # device → its cut
    kept: dict[bytes, frozenset[bytes]] = field(default_factory=dict)  # revoked → stays
    judged: set[bytes] = field(default_factory=set)  # device.add ids whose signature held
    refused: dict[bytes, str] = field(default_factory=dict)  # device.add id → why not
    counted: set[bytes] = field(default_factory=set)  # device.revoke ids that count
    depth: dict[bytes, int] = field(default_factory=dict)  # device → certificates to M


def cert_shape(e: Entry) -> bool:
    """Whether a ``device.add``'s ``pub`` has the certificate's keys and types."""
    p = e.pub
    return (
        set(p) in (ADD_KEYS, ADD_KEYS | {"holds"})
        and _is_bytes(p["member"], 32)
        and _is_bytes(p["xkey"], 32)
        and _is_bytes(p["by"], 32)
        and _is_bytes(p["sig"], 64)
        and _is_int(p["created"])
        and isinstance(p["name"], str)
        and len(p["name"]) <= MAX_DEVICE_NAME
        and ("holds" not in p or _is_int(p["holds"]))
    )


def cert_verifies(e: Entry) -> bool:
    p = e.pub
    message = device_cert_message(e.net, p["member"], e.author, p["xkey"], p["created"], p["name"])
    return verify_again(p["by"], p["sig"], message)


def revocation_counts(e: Entry, member: bytes) -> tuple[int, frozenset[bytes]] | None:
    """The cut and keeps of a ``device.revoke`` written by a chain of ``member``, when
    it counts: signed by the member key, or a device revoking itself; else None."""
    p = e.pub
    keeps = _keys(p.get("keeps"), MAX_WRAPS)
    if keeps is None or not _is_bytes(p.get("device"), 32) or not _is_int(p.get("upto")):
        return None
    if "msig" in p:
        if set(p) != REVOKE_KEYS | {"msig"} or not _is_bytes(p["msig"], 64):
            return None
        message = device_revoke_message(e.net, p["device"], p["upto"], sorted(keeps))
        return (p["upto"], keeps) if verify_again(member, p["msig"], message) else None
    if set(p) != REVOKE_KEYS:
        return None
    if p["device"] == e.author:
        return e.seq, keeps
    # Device zero writes with the member key itself: its event's signature is M's.
    return (p["upto"], keeps) if e.author == member else None


def settle(entries: Sequence[Entry]) -> Settled:
    """The settled devices of a network's membership entries (in fold order)."""
    out = Settled()
    adds: dict[bytes, Entry] = {}
    for e in entries:
        if (
            e.kind == EventKind.DEVICE_ADD
            and e.seq == 1
            and e.author not in adds
            and cert_shape(e)
            and e.pub["by"] != e.author
            and cert_verifies(e)
        ):
            adds[e.author] = e
            out.judged.add(e.id)
    revokes = [e for e in adds_and_revokes(entries) if e.kind == EventKind.DEVICE_REVOKE]

    def member(key: bytes) -> bytes:
        return adds[key].pub["member"] if key in adds else key

    out.depth = _depths(adds)
    # Device zero's own revocations of others count while device zero does: after
    # every signed revocation and self-revocation (which settle its cut) is counted.
    first = [e for e in revokes if "msig" in e.pub or e.pub.get("device") == e.author]
    later = [e for e in revokes if "msig" not in e.pub and e.pub.get("device") != e.author]
    signed_keeps: dict[bytes, frozenset[bytes]] = {}
    for e in first + later:
        owner = member(e.author)
        target = e.pub.get("device")
        if not isinstance(target, bytes) or member(target) != owner:
            continue
        if "msig" not in e.pub and target != e.author and e.seq > out.cuts.get(owner, e.seq):
            continue  # device zero wrote it after its own cut
        counted = revocation_counts(e, owner)
        if counted is None:
            continue
        cut, keeps = counted
        out.cuts[target] = min(out.cuts.get(target, cut), cut)
        out.counted.add(e.id)
        if target != e.author or e.author == owner:  # the member key's word on keeps
            held = signed_keeps.get(target)
            signed_keeps[target] = keeps if held is None else held & keeps
    # What stays of a revoked device's certificates is the member key's to say: a
    # device revoking itself keeps nothing of its own accord.
    for target in out.cuts:
        out.kept[target] = signed_keeps.get(target, frozenset())
    _admit(adds, out)
    return out


def adds_and_revokes(entries: Sequence[Entry]) -> list[Entry]:
    return [e for e in entries if e.kind in (EventKind.DEVICE_ADD, EventKind.DEVICE_REVOKE)]


def _depths(adds: dict[bytes, Entry]) -> dict[bytes, int]:
    """For each device, the certificates from it up to its member key (1: certified by
    the member key); left out when its chain of signers leaves the member or loops."""
    depth: dict[bytes, int] = {}
    bad: set[bytes] = set()
    for key in adds:
        path: list[bytes] = []
        at, base = key, -1
        while at not in depth and at not in bad:
            if at in path or at not in adds:
                break
            path.append(at)
            p = adds[at].pub
            if p["by"] == p["member"]:
                base = 0
                break
            signer = adds.get(p["by"])
            if signer is None or signer.pub["member"] != p["member"]:
                break
            at = p["by"]
        else:
            base = depth.get(at, -1)
        if base < 0:
            bad.update(path)
            continue
        for node in reversed(path):
            base += 1
            depth[node] = base
    return depth


def _admit(adds: dict[bytes, Entry], out: Settled) -> None:
    """Which certificates count (signer counting and keeping it), then the cap."""
    counting: set[bytes] = set()
    current: dict[bytes, int] = {}
    ranked = sorted(
        (e for e in adds.values() if e.author in out.depth),
        key=lambda e: (out.depth[e.author], e.order),
    )
    for e in ranked:
        device, by, owner = e.author, e.pub["by"], e.pub["member"]
        if by != owner:
            if by not in counting:
                out.refused[e.id] = (
                    NOT_KEPT if by in out.cuts else "its signer's certificate does not count"
                )
                continue
            if by in out.cuts and device not in out.kept.get(by, frozenset()):
                out.refused[e.id] = NOT_KEPT
                continue
        if device not in out.cuts:
            count = current.get(owner, 0 if owner in out.cuts else 1)  # device zero
            if count >= MAX_DEVICES:
                out.refused[e.id] = CAPPED
                continue
            current[owner] = count + 1
        counting.add(device)
