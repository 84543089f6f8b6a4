"""Keeping what a person writes: the new-case form and the reply box save a draft in
the profile (``core/library/drafts.py``) a moment after each change, on the worker, so
Esc, a lock, a crash or a restart loses nothing; sending discards it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from casebook.gui.bridge import Core
from casebook.gui.mention_completer import MentionCompleter

SAVE_AFTER_MS = 800


class DraftKeeper(QObject):
    """Saves ``content()`` as the draft of (``kind``, ``ref``) shortly after changes."""

    def __init__(self, core: Core, kind: str, parent: QObject) -> None:
        super().__init__(parent)
        self.core = core
        self.kind = kind
        self.ref: bytes | None = None
        self.content: Callable[[], dict[str, Any]] | None = None
        self.dirty = False
        self.timer = QTimer(self, singleShot=True, interval=SAVE_AFTER_MS)
        self.timer.timeout.connect(self.flush)

    def follow(self, ref: bytes, content: Callable[[], dict[str, Any]]) -> None:
        """From now on the draft is ``ref``'s (what was pending for another is saved)."""
        self.flush()
        self.ref, self.content = ref, content

    def changed(self) -> None:
        if self.ref is not None:
            self.dirty = True
            self.timer.start()

    def flush(self) -> None:
        """Save now what changed since the last save."""
        self.timer.stop()
        if not self.dirty or self.ref is None or self.content is None:
            return
        self.dirty = False
        kind, ref, content = self.kind, self.ref, self.content()
        self.core.call(lambda s: s.p.drafts.save(kind, ref, content))

    def discard(self) -> None:
        self.timer.stop()
        self.dirty = False
        if self.ref is not None:
            kind, ref = self.kind, self.ref
            self.core.call(lambda s: s.p.drafts.discard(kind, ref))

    def load(self, ref: bytes, done: Callable[[bytes, object], None]) -> None:
        kind = self.kind
        self.core.call(lambda s: s.p.drafts.load(kind, ref), lambda found: done(ref, found))


class ReplyDrafts(QObject):
    """The reply box keeps one draft per case: switching cases saves the one being
    written and brings back the next case's."""

    def __init__(self, core: Core, box: QPlainTextEdit, parent: QObject) -> None:
        super().__init__(parent)
        self.keeper = DraftKeeper(core, "reply", self)
        self.box = box
        self.core = core
        self.names = MentionCompleter(box)  # @ completes a colleague's name
        self.case: bytes | None = None
        self._filling = False
        box.textChanged.connect(self._edited)

    def show(self, case_id: bytes) -> None:
        """A case was opened: its draft (if any) goes into the box."""
        if case_id == self.case:
            return
        self.keeper.flush()
        self.case = case_id
        self._fill("")
        self.keeper.follow(case_id, lambda: {"body": self.box.toPlainText()})
        self.keeper.load(case_id, self._loaded)
        names = self.names  # whom @ may complete; none if the core cannot tell (no box)
        self.core.call(
            lambda s: s.p.library.mentionable(case=case_id), names.set_names, names.set_names
        )

    def _loaded(self, case_id: bytes, content: object) -> None:
        if case_id != self.case or self.box.toPlainText() or not isinstance(content, dict):
            return
        text = content.get("body")
        if isinstance(text, str):
            self._fill(text)

    def _fill(self, text: str) -> None:
        self._filling = True
        try:
            self.box.setPlainText(text)
            self.box.moveCursor(QTextCursor.MoveOperation.End)  # writing goes on at the end
        finally:
            self._filling = False

    def _edited(self) -> None:
        if not self._filling:
            self.keeper.changed()

    def sent(self) -> None:
        self.keeper.discard()

    def flush(self) -> None:
        self.keeper.flush()
