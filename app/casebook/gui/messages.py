"""How the app words a failure: the core's own message (it says what happened and what
to do), or a plain sentence for anything unexpected."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from casebook.errors import worded
from casebook.gui.i18n import core_text, tr


def tone(label: QWidget, name: str) -> None:
    """Colour ``label`` as the stylesheet colours ``name`` ("error", "busy"; "" plain):
    the stylesheet colours by object name, so it is polished again."""
    label.setObjectName(name)
    label.style().polish(label)


def error_text(error: object) -> str:
    if worded(error):
        return core_text(error.message)
    return tr("Something unexpected went wrong: {0}").format(error)
