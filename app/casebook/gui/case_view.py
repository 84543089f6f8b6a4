"""A case rendered for reading: fields, Markdown body, attachments, the discussion."""

from __future__ import annotations

import html
from collections.abc import Callable
from datetime import datetime
from typing import Any

from markdown_it import MarkdownIt

from casebook.core.library.queries import HELD, CaseDetail, Comment
from casebook.core.model import consent
from casebook.gui import tombstone
from casebook.gui.consent_box import kind_label, scope_label
from casebook.gui.i18n import QT_TR_NOOP, core_text, tr

# Raw HTML in posts is shown as text, never interpreted.
_MD = MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")

FIELD_TITLES = {
    "presentation": QT_TR_NOOP("Presentation"),
    "history": QT_TR_NOOP("History"),
    "findings": QT_TR_NOOP("Findings"),
    "question": QT_TR_NOOP("Question"),
    "outcome": QT_TR_NOOP("Outcome"),
}


def markdown(text: str) -> str:
    return _MD.render(text)


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000).strftime("%Y-%m-%d %H:%M")


def render(
    case: CaseDetail,
    comment_links: Callable[[Comment], str] | None = None,
    attachment_links: Callable[[dict[str, Any]], str] | None = None,
    polls: str = "",
) -> str:
    """The case as HTML; the two callables add what the reader can do (links, previews)
    after each comment and each attachment; ``polls``: the case's polls, as HTML. A
    withdrawn case: its tombstone."""
    s = case.summary
    if s.withdrawn is not None:
        return tombstone.render(case)
    status = tr("Resolved") if s.status == "resolved" else tr("Open")
    if s.pinned:
        status += " · " + tr("Pinned")
    if s.status == "open" and s.opinion != "none":
        asked = tr("Urgent second opinion asked") if s.opinion == "urgent" else None
        status += " · " + (asked or tr("Second opinion asked"))
    tags = " ".join(f"<span class='tag'>#{html.escape(t)}</span>" for t in s.tags)
    parts = [
        f"<h2>{html.escape(s.title)}</h2>",
        f"<p class='meta'>{html.escape(s.author_name)} · {_when(s.created_at)} · "
        f"<b>{status}</b>{' · ' + html.escape(s.specialty) if s.specialty else ''}</p>",
        f"<p>{tags}</p>" if tags else "",
    ]
    # The template's order (presentation, history, findings, question), then the rest.
    order = list(FIELD_TITLES)
    keys = sorted(case.fields, key=lambda k: (order.index(k) if k in order else len(order), k))
    for key, value in ((k, case.fields[k]) for k in keys):
        title = tr(FIELD_TITLES[key]) if key in FIELD_TITLES else key.replace("_", " ").capitalize()
        parts.append(f"<h4>{html.escape(title)}</h4>{markdown(value)}")
    if case.body:
        parts.append(markdown(case.body))
    if case.consent is not None:
        parts.append(f"<p class='consent'>{consent_line(case.consent)}</p>")
    if case.attachments:
        items = "".join(
            f"<li>{html.escape(a['name'])} <span class='meta'>({html.escape(a['mime'])}, "
            f"{a['size'] / 1024:.0f} KB){attachment_marks(a)}</span>"
            f"{attachment_links(a) if attachment_links else ''}</li>"
            for a in case.attachments
        )
        parts.append("<h4>" + tr("Attachments") + f"</h4><ul>{items}</ul>")
    edits = max(0, len(case.revisions) - 1)
    if edits:
        said = tr("Edited once.") if edits == 1 else tr("Edited {0} times.").format(edits)
        parts.append(f"<p class='meta'>{said}</p>")
    parts.append(polls)  # the case's polls (gui/poll_view.py), before the discussion
    parts.append("<h3>" + tr("Discussion ({0})").format(len(case.discussion)) + "</h3>")
    for c in case.discussion:
        label = "<b>" + tr("Outcome") + "</b> · " if c.kind == "outcome" else ""
        endorsed = f" · ✓ {c.endorsements}" if c.endorsements else ""
        indent = 18 * c.depth
        if c.hidden:
            reason = html.escape(c.hidden_reason or "")
            hidden = tr("Hidden by a moderator: {0}").format(reason)
            if c.hidden_reason == HELD:
                hidden = tr("Held for a moderator's look after members flagged it.")
            text = f"<p class='meta'><i>{hidden}</i></p>"
        elif c.damaged:
            text = f"<p class='meta'><i>{html.escape(core_text(c.damaged))}</i></p>"
        else:
            text = markdown(c.body)
        edited = " · " + tr("edited") if c.revisions > 1 else ""
        parts.append(
            f"<a name='c{c.id.hex()}'></a>"
            f"<div style='margin-left:{indent}px'><p class='meta'>{label}"
            f"{html.escape(c.author_name)} · {_when(c.created_at)}{edited}{endorsed}</p>"
            f"{text}{comment_links(c) if comment_links else ''}</div>"
        )
    if not case.discussion:
        parts.append("<p class='meta'>" + tr("No replies yet.") + "</p>")
    return "".join(parts)


def consent_line(record: dict[str, Any]) -> str:
    """A stored consent record as one line of HTML: kind, scope, date, recorder, form."""
    scope = ", ".join(scope_label(s) for s in record["scope"])
    text = tr("Consent: {0} · covers {1} · given {2} · recorded by {3}").format(
        kind_label(record["kind"]), scope, record["date"], record["recorded_by"]
    )
    if record.get("form"):
        text += " · " + tr("signed form on file")
    return "<b>" + html.escape(text) + "</b>"


def attachment_marks(item: dict[str, Any]) -> str:
    """What the author said of an attachment, after its size."""
    out = ""
    if item.get("role") == consent.FORM_ROLE:
        out += " · " + html.escape(tr("signed consent form, not previewed"))
    if item.get("identifiable"):
        out += " · " + html.escape(tr("shows the patient"))
    own = item.get("consent")
    if own is not None:
        said = tr("consent: {0}, covers {1}").format(
            kind_label(own["kind"]), ", ".join(scope_label(s) for s in own["scope"])
        )
        out += " · " + html.escape(said)
    return out


STYLE = """
h2 { margin-bottom: 2px; }
h4 { margin-bottom: 0px; margin-top: 14px; }
.meta { color: palette(mid); }
.acts { margin-top: 0px; font-size: small; }
.acts a { text-decoration: none; }
a.file { text-decoration: none; }
"""


def style(link: str) -> str:
    """The case's stylesheet, its links and tags in ``link`` (the palette's link colour:
    readable on the theme's background, so set again when the theme changes)."""
    return STYLE + f"a {{ color: {link}; }}\n.tag, .bar {{ color: {link}; }}\n"
