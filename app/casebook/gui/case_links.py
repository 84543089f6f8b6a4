"""The links under each comment of the open case (Reply, Endorse, Edit, Hide…), by
what this reader may do; ``case_actions`` follows them."""

from __future__ import annotations

from casebook.core.library.queries import Comment
from casebook.gui.case_jobs import Loaded
from casebook.gui.i18n import tr


def comment_links(loaded: Loaded | None, c: Comment) -> str:
    if loaded is None or loaded.role is None or c.damaged:
        return ""  # (nothing to reply to, endorse or flag in a text nobody can read)
    mine = c.author == loaded.me
    links: list[tuple[str, str]] = []
    if not c.hidden:
        links.append(("reply", tr("Reply")))
        if not mine and c.id not in loaded.endorsed:
            links.append(("endorse", tr("Endorse")))
        if mine:
            links.append(("edit", tr("Edit")))
        if loaded.moderator:
            links.append(("hide", tr("Hide…")))
        if not mine:
            links.append(("flag", tr("Flag…")))
    elif loaded.role == "admin":
        links.append(("unhide", tr("Unhide")))
    parts = [f"<a href='casebook:{verb}/{c.id.hex()}'>{text}</a>" for verb, text in links]
    if c.id in loaded.endorsed:
        parts.insert(1, tr("Endorsed ✓"))  # said, not offered twice
    if c.id in loaded.unsent:  # written offline: it goes out once the relay is reached
        parts.append("<i>" + tr("not sent yet") + "</i>")
    anchors = " · ".join(parts)
    return f"<p class='acts'>{anchors}</p>" if anchors else ""
