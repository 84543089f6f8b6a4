"""Withdrawing a case in the app: the confirmation that says what will happen, and what
cannot be recalled (the tombstone it leaves is drawn by :mod:`tombstone`)."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from casebook.gui.case_dialogs import TextDialog
from casebook.gui.i18n import tr


def dialog(parent: QWidget, title: str) -> TextDialog:
    """The confirmation: what withdrawing does, and the reason members will read."""
    prompt = tr(
        "Withdraw “{0}”?\n\n"
        "Its text, fields, discussion and attachments are deleted from your computers "
        "and from every member's as they sync, and the relay drops what it holds. "
        "This cannot be undone. A tombstone stays in its place with your name, the date "
        "and the reason below.\n\n"
        "Casebook cannot recall copies that members saved or exported outside Casebook, "
        "backups made before today, or computers that never sync again.\n\n"
        "Reason (members see it):"
    ).format(title)
    box = TextDialog(
        parent,
        tr("Withdraw case"),
        prompt,
        tr("Withdraw case"),
        text=tr("Consent withdrawn by the patient"),
        rows=2,
    )
    box.resize(560, 420)  # the whole explanation readable without scrolling
    return box
