"""Flags to moderators (docs/protocol.md, "Flags"): a member's note that a case or a
comment needs a moderator's eye, sealed (:mod:`sealed`, domain ``casebook/flag/v1``) so
only the network's moderators, its admins and the flagger's own computers read it.
Other members and the relay see that a member flagged something, never what or why.
"""

from __future__ import annotations

from typing import Any

from casebook.core.model import sealing
from casebook.core.model.events import EventError
from casebook.core.model.sealed import SealedKind

MAX_REASON = 300
# The reasons the app offers; a member may write any other.
SUGGESTED = ("Possible patient identifier", "Clinically wrong", "Inappropriate")


def validate_inner(value: Any) -> dict[str, Any]:
    """What a flag says: ``{"target": case or comment id, "reason": one line}``."""
    if not isinstance(value, dict) or set(value) != {"target", "reason"}:
        raise EventError("a flag names its target and a reason")
    target, reason = value["target"], value["reason"]
    if not isinstance(target, bytes) or len(target) != 32:
        raise EventError("a flag's target is a case or comment id")
    if not isinstance(reason, str):
        raise EventError("a flag's reason must be text")
    reason = " ".join(reason.split())
    if not reason:
        raise EventError("say why you flag it")
    if len(reason) > MAX_REASON:
        raise EventError(f"a flag's reason has at most {MAX_REASON} characters")
    return {"target": target, "reason": reason}


# A 32-byte target, a reason of 300 characters (up to 1,200 bytes), CBOR and the tag.
FLAG = SealedKind(
    sealing.Domain(info=b"casebook/flag/v1\x00", ad=b"casebook/flag-box/v1"),
    2048,
    validate_inner,
    "flag",
)
validate_sealed = FLAG.validate
seal = FLAG.seal
open_sealed = FLAG.open
