"""Acting on the open case: status, outcome, edits, threaded replies, endorsements,
moderation and attachments.

:class:`CaseActions` is owned by the library window. It holds the bar of case actions
above the case, the "replying to …" line above the reply box, and it answers the
``casebook:<verb>/<hex id>`` links the rendered case carries (see :meth:`links`). Every
change goes through the core services on the worker (:meth:`Core.call`); afterwards the
window shows the case again and brings its list up to date. Text that is published (an
outcome, an edit of the case or of a comment) goes out from its open dialog, which shows
what the core's de-identification check found and offers "Post anyway".
"""

from __future__ import annotations

import atexit
import html
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QDesktopServices,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QTextBrowser,
    QToolBar,
    QToolButton,
    QWidget,
)

from casebook.core.library import attachments, consent_input
from casebook.core.library.queries import Comment
from casebook.gui import case_view, poll_view, withdraw_dialog
from casebook.gui.author_actions import AuthorActions
from casebook.gui.case_dialogs import EditCaseDialog, ElidedLabel, TextDialog, ask_reason
from casebook.gui.case_jobs import (
    Loaded,
    load,
    remove_folders,
    write_file,
)
from casebook.gui.case_links import comment_links
from casebook.gui.flag_actions import FlagActions
from casebook.gui.poll_actions import PollActions
from casebook.gui.previews import Previews
from casebook.gui.publish import PublishingForm

if TYPE_CHECKING:
    from casebook.gui.bridge import Core, Job
    from casebook.session import Session


class CaseActions(QObject):
    """What the reader can do to the open case; owned by the library window, which
    shows what it says (:attr:`message`, :attr:`failed`) and follows what it changes
    (:attr:`changed`, :attr:`reply_wanted`)."""

    message = Signal(str, int)  # a status line and how long it shows (ms; 0: until replaced)
    failed = Signal(object)  # an error to show
    changed = Signal(bytes)  # the id of a case that changed: show it again, update the list
    reply_wanted = Signal()  # the reader chose to reply: the reply box wants the focus

    def __init__(self, window: QWidget, core: Core, viewer: QTextBrowser) -> None:
        super().__init__(window)
        self.window = window  # the parent of this object's dialogs
        self.core = core
        self.viewer = viewer
        self.loaded: Loaded | None = None
        self.reply_to: bytes | None = None
        self.previews = Previews(core, viewer.document(), self)  # thumbnails of the pictures
        self.previews.changed.connect(self._render)
        self.scroll_to: bytes | None = None  # the comment to bring into view when shown
        # Attachments opened in other apps: removed when the library locks (this object
        # goes with its window) or, failing that, when the app quits.
        self._folders: list[Path] = []
        folders, core = self._folders, self.core
        self.destroyed.connect(lambda: core.call(lambda _: remove_folders(folders)))
        self._build_bar()
        self._build_reply_line()
        self.clear()

    # -- construction ---------------------------------------------------------------
    def _action(self, text: str, slot: Callable[[], None], key: str | None = None) -> QAction:
        action = QAction(text, self)
        action.setIconText(text)  # a tool button would drop the "…" that says a dialog opens
        action.triggered.connect(slot)
        if key:
            action.setShortcut(QKeySequence(key))
            action.setToolTip(f"{text.rstrip('…')} ({key})")
        self.bar.addAction(action)
        button = self.bar.widgetForAction(action)
        if button is not None:
            button.setAccessibleName(text.rstrip("…"))
        return action

    def _build_bar(self) -> None:
        self.bar = QToolBar(self.tr("Case actions"))
        self.bar.setAccessibleName(self.tr("Case actions"))
        self.bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.status_action = self._action(
            self.tr("Mark resolved"), self.toggle_status, "Ctrl+Shift+R"
        )
        self.outcome_action = self._action(
            self.tr("Add outcome…"), self.add_outcome, "Ctrl+Shift+O"
        )
        self.author = AuthorActions(self, self)  # "Follow up…", "Second opinion…"
        self.edit_action = self._action(self.tr("Edit…"), self.edit_case, "Ctrl+E")
        self.polls = PollActions(self, self)
        self.poll_action = self._action(self.tr("Ask a poll…"), self.polls.ask)
        self.withdraw_action = self._action(self.tr("Withdraw…"), self.withdraw_case)
        self.moderation_separator = self.bar.addSeparator()
        self.pin_action = self._action(self.tr("Pin"), self.toggle_pin, "Ctrl+Shift+P")
        self.hide_action = self._action(self.tr("Hide…"), self.hide_case)
        self.hide_action.setToolTip(self.tr("Hide this case from members, giving a reason"))
        self.flags = FlagActions(self, self)  # its "Flag…" action, last

    def _build_reply_line(self) -> None:
        self.reply_line = QWidget()
        row = QHBoxLayout(self.reply_line)
        row.setContentsMargins(4, 0, 0, 0)
        self.reply_label = ElidedLabel()
        self.reply_label.setAccessibleName(self.tr("Replying to"))
        row.addWidget(self.reply_label, 1)
        cancel = QToolButton()
        cancel.setText(self.tr("Cancel"))
        cancel.setAccessibleName(self.tr("Reply to the case instead"))
        cancel.setToolTip(self.tr("Reply to the case instead (Esc)"))
        cancel.setShortcut(QKeySequence("Esc"))
        cancel.clicked.connect(self.cancel_reply)
        row.addWidget(cancel)
        self.reply_line.hide()

    # -- showing a case ---------------------------------------------------------------
    def loader(self, case_id: bytes) -> Job:
        known = self.previews.shown
        return lambda s: load(s, case_id, known)

    def present(self, loaded: Loaded) -> None:
        """Show ``loaded`` in the viewer, keeping the reading place when it is the case
        already shown (after an action), and set the bar for it."""
        same = self.loaded is not None and self.loaded.case.summary.id == loaded.case.summary.id
        if not same:
            self.cancel_reply()
        self.loaded = loaded
        self.previews.take(loaded)
        self._render(keep_place=same)
        if self.scroll_to is not None:  # a reply just sent: shown where it landed
            self.viewer.scrollToAnchor(f"c{self.scroll_to.hex()}")
            self.scroll_to = None
        summary = loaded.case.summary
        member = loaded.role is not None
        resolved = summary.status == "resolved"
        for action, text in (
            (self.status_action, self.tr("Reopen") if resolved else self.tr("Mark resolved")),
            (self.pin_action, self.tr("Unpin") if summary.pinned else self.tr("Pin")),
        ):
            action.setText(text)
            action.setIconText(text)
            action.setToolTip(f"{text} ({action.shortcut().toString()})")
            button = self.bar.widgetForAction(action)
            if button is not None:
                button.setAccessibleName(text)
        for action in (self.status_action, self.outcome_action, self.edit_action, self.poll_action):
            action.setVisible(member and loaded.own)
        for action in (self.pin_action, self.hide_action):
            action.setVisible(loaded.moderator)
        self.flags.present(loaded)
        self.author.present(loaded)
        self.withdraw_action.setVisible(member and (loaded.own or loaded.role == "admin"))
        self.moderation_separator.setVisible(member and loaded.own and loaded.moderator)
        self.bar.setVisible(member and summary.withdrawn is None)

    def _render(self, keep_place: bool = True) -> None:
        """The case in the viewer again (a picture came in), at the same place."""
        if self.loaded is None:
            return
        scroll = self.viewer.verticalScrollBar()
        place = scroll.value()
        loaded, links = self.loaded, self.previews.links
        polls = poll_view.render(loaded.polls, loaded.role is not None, loaded.moderator)
        self.viewer.setHtml(case_view.render(loaded.case, self._comment_links, links, polls))
        if keep_place:
            scroll.setValue(place)

    def clear(self) -> None:
        """No case is shown."""
        self.loaded = None
        self.cancel_reply()
        self.bar.hide()

    def _comment_links(self, c: Comment) -> str:
        return comment_links(self.loaded, c)

    # -- the links in the case ------------------------------------------------------
    def link(self, url: QUrl) -> bool:
        """Act on a ``casebook:<verb>/<hex>`` link; False when it is not one of ours."""
        verb, _, ref = url.path().partition("/")
        handlers: dict[str, Callable[[bytes], None]] = {
            "reply": self.reply_to_comment,
            "endorse": self.endorse,
            "edit": self.edit_comment,
            "hide": self.hide_comment,
            "unhide": self.unhide_comment,
            "save": self.save_attachment,
            "open": self.open_attachment,
            "poll-answer": self.polls.answer,
            "poll-skip": self.polls.skip,
            "poll-final": self.polls.final,
            "poll-moderate": self.polls.moderate,
            "flag": self.flags.flag,
        }
        if url.scheme() != "casebook" or verb not in handlers:
            return False
        try:
            target = bytes.fromhex(ref)
        except ValueError:
            return False
        handlers[verb](target)
        return True

    def _comment(self, comment_id: bytes) -> Comment | None:
        if self.loaded is None:
            return None
        return next((c for c in self.loaded.case.discussion if c.id == comment_id), None)

    def _run(self, job: Job, done: str, after: Callable[[object], None] | None = None) -> None:
        """Run ``job`` on the worker; then say ``done``, show the case again, update the
        list (and call ``after`` with the result)."""
        if self.loaded is None:
            return
        ok = self._after(done, after)

        def failed(error: object) -> None:
            self.message.emit("", 0)
            self.failed.emit(error)

        self.core.call(job, ok, failed)

    def _after(
        self, done: str, after: Callable[[object], None] | None = None
    ) -> Callable[[object], None]:
        """What follows a change to the open case: say ``done``, call ``after`` with the
        result, show the case again and update the list."""
        assert self.loaded is not None
        case_id = self.loaded.case.summary.id

        def ok(result: object) -> None:
            self.message.emit(done, 5000)
            if after is not None:
                after(result)
            self.changed.emit(case_id)

        return ok

    def _publish(
        self,
        dialog: PublishingForm,
        make_job: Callable[[bool], Job],
        done: str,
        unchanged: str | None = None,
    ) -> None:
        """Show ``dialog``; its text goes out from it (see :class:`Publisher`). A job
        that returns None sent nothing: then only ``unchanged`` is said, if given."""
        after = self._after(done)

        def sent(result: object) -> None:
            if result is not None:
                after(result)
            elif unchanged is not None:
                self.message.emit(unchanged, 5000)

        dialog.publish(self.core, make_job, sent)
        assert isinstance(dialog, QDialog)
        dialog.exec()

    # -- replies ----------------------------------------------------------------------
    def reply_to_comment(self, comment_id: bytes) -> None:
        comment = self._comment(comment_id)
        if comment is None:
            return
        self.reply_to = comment_id
        first = " ".join(comment.body.split())
        quote = first[:60] + ("…" if len(first) > 60 else "")
        self.reply_label.setText(
            self.tr("Replying to {0}: “{1}”").format(comment.author_name, quote)
        )
        self.reply_line.show()
        self.reply_wanted.emit()

    def cancel_reply(self) -> None:
        self.reply_to = None
        self.reply_line.hide()

    # -- the case -------------------------------------------------------------------
    def toggle_status(self) -> None:
        if self.loaded is None:
            return
        case_id = self.loaded.case.summary.id
        if self.loaded.case.summary.status == "resolved":
            status, done = "open", self.tr("Case reopened.")
        else:
            status, done = "resolved", self.tr("Case marked resolved.")
        self._run(lambda s: s.p.library.set_status(case_id, status), done)

    def add_outcome(self) -> None:
        if self.loaded is None:
            return
        case_id = self.loaded.case.summary.id
        is_open = self.loaded.case.summary.status != "resolved"
        dialog = TextDialog(
            self.window,
            self.tr("Add outcome"),
            self.tr("What happened in the end: diagnosis, treatment, follow-up (Markdown)."),
            self.tr("Add outcome"),
            option=self.tr("Mark the case resolved") if is_open else None,
        )

        def make_job(allow: bool) -> Job:
            text, resolve = dialog.value(), dialog.checked()

            def job(s: Session) -> bytes:
                added = s.p.library.add_outcome(case_id, text, allow_identifiers=allow)
                if resolve:
                    s.p.library.set_status(case_id, "resolved")
                return added

            return job

        self._publish(dialog, make_job, self.tr("Outcome added."))

    def edit_case(self) -> None:
        if self.loaded is None or not self.loaded.own:
            return
        case_id = self.loaded.case.summary.id
        dialog = EditCaseDialog(self.loaded.case, self.window)

        def make_job(allow: bool) -> Job:
            changes, files = dialog.changes()
            if not changes and not files:
                return lambda s: None  # nothing to send

            def job(s: Session) -> bytes:
                record, prepared = consent_input.prepare(
                    files,
                    me=s.p.name,
                    case=changes.pop("consent", None),
                    identifiable=changes.pop("identifiable", set()),
                )
                return s.p.library.edit_case(
                    case_id, files=prepared, consent=record, allow_identifiers=allow, **changes
                )

            return job

        self._publish(dialog, make_job, self.tr("Case saved."), self.tr("Nothing was changed."))

    def withdraw_case(self) -> None:
        if self.loaded is None:
            return
        case_id = self.loaded.case.summary.id
        dialog = withdraw_dialog.dialog(self.window, self.loaded.case.summary.title)

        def make_job(allow: bool) -> Job:
            reason = dialog.value()
            return lambda s: s.p.library.withdraw(case_id, reason, allow_identifiers=allow)

        done = self.tr("Case withdrawn: every member's computer deletes it as it syncs.")
        self._publish(dialog, make_job, done)

    def toggle_pin(self) -> None:
        if self.loaded is None or not self.loaded.moderator:
            return
        ref = self.loaded.case.summary.id.hex()
        if self.loaded.case.summary.pinned:
            action, done = "unpin", self.tr("Case unpinned.")
        else:
            action, done = "pin", self.tr("Case pinned for the network.")
        self._run(lambda s: s.p.governance.moderate(ref, action), done)

    def hide_case(self) -> None:
        if self.loaded is None or not self.loaded.moderator:
            return
        ref = self.loaded.case.summary.id.hex()
        reason = ask_reason(self.window, self.tr("Hide case"))
        if reason is None:
            return

        def hidden(_: object) -> None:
            self.clear()
            self.viewer.setHtml(
                self.tr("<h3>Case hidden</h3><p class='meta'>Reason given: {0}</p>").format(
                    html.escape(reason)
                )
            )

        self._run(
            lambda s: s.p.governance.moderate(ref, "hide", reason), self.tr("Case hidden."), hidden
        )

    # -- comments -----------------------------------------------------------------------
    def endorse(self, comment_id: bytes) -> None:
        self._run(lambda s: s.p.library.endorse(comment_id), self.tr("Endorsed."))

    def edit_comment(self, comment_id: bytes) -> None:
        comment = self._comment(comment_id)
        if comment is None:
            return
        dialog = TextDialog(
            self.window,
            self.tr("Edit comment"),
            self.tr("Your comment (Markdown). Earlier versions stay in its history."),
            self.tr("Save"),
            text=comment.body,
        )

        def make_job(allow: bool) -> Job:
            body = dialog.value()
            if body == comment.body.strip():
                return lambda s: None  # unchanged: no new version
            return lambda s: s.p.library.edit_comment(comment_id, body, allow_identifiers=allow)

        self._publish(dialog, make_job, self.tr("Comment saved."))

    def hide_comment(self, comment_id: bytes) -> None:
        reason = ask_reason(self.window, self.tr("Hide comment"))
        if reason is None:
            return
        ref = comment_id.hex()
        self._run(
            lambda s: s.p.governance.moderate(ref, "hide", reason), self.tr("Comment hidden.")
        )

    def unhide_comment(self, comment_id: bytes) -> None:
        ref = comment_id.hex()
        self._run(lambda s: s.p.governance.moderate(ref, "unhide"), self.tr("Comment shown again."))

    # -- attachments --------------------------------------------------------------------
    def _attachment(self, digest: bytes) -> dict[str, Any] | None:
        if self.loaded is None:
            return None
        return next((a for a in self.loaded.case.attachments if a["hash"] == digest.hex()), None)

    def save_attachment(self, digest: bytes) -> None:
        item = self._attachment(digest)
        if item is None:
            return
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DownloadLocation)
        name = attachments.display_name(item["name"])
        path, _ = QFileDialog.getSaveFileName(
            self.window, self.tr("Save attachment"), str(Path(folder) / name)
        )
        if not path:
            return
        self.message.emit(self.tr("Saving {0}…").format(name), 0)

        async def job(s: Session) -> None:
            write_file(Path(path), await s.attachment_data(digest))

        self._run(job, self.tr("Saved {0}.").format(path))

    def open_attachment(self, digest: bytes) -> None:
        """Open with the system's viewer, from a private temporary folder that goes
        away when the library locks or the app quits."""
        item = self._attachment(digest)
        if item is None:
            return
        name = attachments.display_name(item["name"])
        self.message.emit(self.tr("Opening {0}…").format(name), 0)

        async def job(s: Session) -> Path:
            data = await s.attachment_data(digest)
            folder = Path(tempfile.mkdtemp(prefix="casebook-open-"))  # only we can read it
            write_file(folder / name, data)
            return folder / name

        def opened(path: object) -> None:
            if isinstance(path, Path):
                self._folders.append(path.parent)
                atexit.register(shutil.rmtree, path.parent, True)
                if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
                    self.message.emit(self.tr("Opened {0}.").format(name), 5000)
                else:
                    self.message.emit(
                        self.tr(
                            "No program on this computer opens {0}; use Save… to keep a "
                            "copy and open it elsewhere."
                        ).format(name),
                        20_000,
                    )

        self._run(job, "", opened)  # what happened is said once it is known
