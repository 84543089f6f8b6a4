"""Follow-up reminders (docs/protocol.md, "Follow-up reminders"): when the author of a
case wants to be reminded to add its outcome. Sealed (:mod:`sealed`, domain
``casebook/reminder/v1``) to the author's own computers only, so they follow the author
from one computer to another and nobody else reads them.
"""

from __future__ import annotations

from typing import Any

from casebook.core.model import sealing
from casebook.core.model.events import EventError
from casebook.core.model.sealed import SealedKind

MAX_DUE = 2**53  # ms since the epoch; 0 clears the reminder


def validate_inner(value: Any) -> dict[str, Any]:
    """What a reminder says: ``{"case": case id, "due": ms since the epoch, 0 to clear}``."""
    if not isinstance(value, dict) or set(value) != {"case", "due"}:
        raise EventError("a reminder names its case and when it is due")
    case, due = value["case"], value["due"]
    if not isinstance(case, bytes) or len(case) != 32:
        raise EventError("a reminder's case is a case id")
    if type(due) is not int or not 0 <= due < MAX_DUE:
        raise EventError("a reminder's due time is a time, or 0 to clear it")
    return {"case": case, "due": due}


REMINDER = SealedKind(
    sealing.Domain(info=b"casebook/reminder/v1\x00", ad=b"casebook/reminder-box/v1"),
    256,
    validate_inner,
    "reminder",
)
