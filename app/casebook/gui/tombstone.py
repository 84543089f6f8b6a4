"""How a withdrawn case reads in the app: its line in the case list and its tombstone
in the case view (the confirmation that withdraws it is in :mod:`withdraw_dialog`)."""

from __future__ import annotations

import html
from datetime import datetime
from typing import Any

from casebook.core.library.queries import CaseDetail
from casebook.gui.i18n import tr


def withdrawn_line(record: dict[str, Any]) -> str:
    """Who withdrew the case, when and why (plain text)."""
    when = datetime.fromtimestamp(record["at"] / 1000).strftime("%Y-%m-%d")
    if record["admin"]:
        said = tr("Withdrawn by {0} (admin) on {1}: {2}")
    else:
        said = tr("Withdrawn by the author, {0}, on {1}: {2}")
    return said.format(record["by_name"], when, record["reason"])


def render(case: CaseDetail) -> str:
    """The tombstone as HTML."""
    s = case.summary
    assert s.withdrawn is not None
    purged = case.purged_on or {"computers": 0, "members": 0}
    posted = datetime.fromtimestamp(s.created_at / 1000).strftime("%Y-%m-%d")
    return "".join(
        [
            "<h2>" + html.escape(tr("Withdrawn case")) + "</h2>",
            f"<p><b>{html.escape(withdrawn_line(s.withdrawn))}</b></p>",
            "<p class='meta'>"
            + html.escape(
                tr(
                    "Posted by {0} on {1}. Its text, discussion and attachments have been "
                    "deleted from this computer."
                ).format(s.author_name, posted)
            )
            + "</p>",
            "<p class='meta'>"
            + html.escape(
                tr(
                    "Deletion confirmed so far by {0} computer(s) of {1} member(s); the "
                    "others confirm as they sync."
                ).format(purged["computers"], purged["members"])
            )
            + "</p>",
        ]
    )
