"""Completing ``@`` names in a text editor (issue 20): after ``@`` and the start of a
colleague's name, a list of the network's members whose name (or a word of it) starts
so; choosing one writes the full name. The names come from the core
(``Library.mentionable``), the matching from ``core/model/mentions.complete``, the same
rules that later resolve the mention."""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, QStringListModel, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QCompleter, QPlainTextEdit, QTextEdit

from casebook.core.model import mentions

# "@" at the start or after a space, then up to four words of a name, up to the cursor.
_TYPED = re.compile(r"(?:^|(?<=\s))@([^\s@][^@\n]{0,60})$")
MAX_WORDS = 4


class MentionCompleter(QObject):
    def __init__(self, editor: QPlainTextEdit | QTextEdit) -> None:
        super().__init__(editor)
        self.editor = editor
        self.names: dict[bytes, str] = {}
        self.model = QStringListModel(self)
        self.completer = QCompleter(self.model, self)
        self.completer.setWidget(editor)
        self.completer.setCompletionMode(QCompleter.CompletionMode.UnfilteredPopupCompletion)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.activated.connect(self.insert)
        editor.textChanged.connect(self._changed)

    def set_names(self, names: object) -> None:
        """The members one may mention here (member key → display name); anything else
        (the core's refusal, say) leaves none to offer."""
        self.names = dict(names) if isinstance(names, dict) else {}

    def typed(self) -> str | None:
        """What follows the ``@`` before the cursor, if the cursor is in a mention."""
        cursor = self.editor.textCursor()
        before = cursor.block().text()[: cursor.positionInBlock()]
        found = _TYPED.search(before)
        if found is None or len(found.group(1).split()) > MAX_WORDS:
            return None
        return found.group(1)

    def candidates(self) -> list[str]:
        typed = self.typed()
        if typed is None or not self.names:
            return []
        names = mentions.complete(typed, self.names)
        written = " ".join(typed.split()).casefold()
        return [] if any(n.casefold() == written for n in names) else names  # written out

    def _changed(self) -> None:
        names = self.candidates()
        if not names:
            self._hide()
            return
        self.model.setStringList(names)
        rect = self.editor.cursorRect()
        rect.setWidth(320)
        self.completer.complete(rect)

    def _hide(self) -> None:
        popup = self.completer.popup()
        if popup is not None:
            popup.hide()

    def insert(self, name: str) -> None:
        """Replace what was typed after ``@`` with ``name`` and a space."""
        typed = self.typed()
        if typed is None:
            return
        cursor = self.editor.textCursor()
        cursor.movePosition(
            QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, len(typed)
        )
        cursor.insertText(name + " ")
        self.editor.setTextCursor(cursor)
        self._hide()
