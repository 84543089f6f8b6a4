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
from casebook.core.model.text import clean_text

MAX_REASON = 300
# The reasons the app offers; a member may write any other.
SUGGESTED = ("Possible patient identifier", "Clinically wrong", "Inappropriate")


def validate_inner(value: Any) -> dict[str, Any]:
    """What a flag says: ``{"target": case or comment id, "reason": one line}``."""
    if not isinstance(value, dict) or set(value) != {"target", "reason"}:
        raise EventError("a flag names its target and a reason")
    target = value["target"]
    if not isinstance(target, bytes) or len(target) != 32:
        raise EventError("a flag's target is a case or comment id")
    # As every published text: NFC, one line, no control character (no terminal escape).
    reason = clean_text(value["reason"], "a flag's reason", MAX_REASON, single_line=True)
    if not reason:
        raise EventError("say why you flag it")
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
