"""How the app words a failure: the core's own message (it says what happened and what
to do), or a plain sentence for anything unexpected."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from casebook.errors import worded


def error_text(error: object) -> str:
    if worded(error):
        return error.message
    return QCoreApplication.translate("Casebook", "Something unexpected went wrong: {0}").format(
        error
    )
