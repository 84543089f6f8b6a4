"""Sending a form's text through the core, with the "Post anyway" second click.

Every form that publishes text (a new case, an edit, a comment or reply, an outcome, an
edit of a comment) sends it with a :class:`Publisher`. The job runs on the worker while
the form stays open. When the core refuses the text because it looks like it identifies
a patient (:class:`IdentifiersFound`), the form lists what was found and its button reads
"Post anyway"; a second click with the same text sends it again with
``allow_identifiers=True``. Editing the text puts the button back at once, and, once
findings were shown, the text is checked again as it changes (on the worker, with the
core's own detectors): the list follows the text and goes when nothing is found. Other
failures are shown in the same place; the text stays in the form.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QAbstractButton, QLabel

from casebook.core.library import deident
from casebook.errors import IdentifiersFound
from casebook.gui.messages import error_text

if TYPE_CHECKING:
    from casebook.gui.bridge import Core, Job

SHOWN = 8  # findings listed in the form; the rest are counted


class Publisher(QObject):
    def __init__(
        self,
        core: Core,
        button: QAbstractButton,
        notice: QLabel,
        on_error: Callable[[object], None] | None = None,
    ) -> None:
        super().__init__(button)
        self.core = core
        self.button = button
        self.notice = notice
        self.on_error = on_error
        self.busy = False
        self._warned: object = None  # the text the findings were about
        self._label: str | None = None  # the button's own text while it says "Post anyway"
        self._watching = False  # findings were shown: check the text again as it changes
        self._pending: tuple[object, list[tuple[str, str]]] | None = None
        self._timer = QTimer(self, singleShot=True, interval=300)
        self._timer.timeout.connect(self._recheck)

    @property
    def warned(self) -> bool:
        return self._label is not None

    def send(
        self, key: object, make_job: Callable[[bool], Job], done: Callable[[Any], None]
    ) -> None:
        """Run ``make_job(allow_identifiers)`` on the worker; ``key`` is what the author
        wrote (the second click on the same ``key`` allows it); ``done`` gets the result."""
        if self.busy:
            return
        allow = self.warned and key == self._warned
        self.busy = True
        self.button.setEnabled(False)

        def ok(result: object) -> None:
            self.busy = False
            self.button.setEnabled(True)
            self.reset()
            done(result)

        def failed(error: object) -> None:
            self.busy = False
            self.button.setEnabled(True)
            if isinstance(error, IdentifiersFound):
                self._warn(key, error)
            elif self.on_error is not None:
                self.on_error(error)
            else:
                self.notice.setText(error_text(error))
                self.notice.show()

        self.core.call(make_job(allow), ok, failed)

    def _warn(self, key: object, error: IdentifiersFound) -> None:
        one_text = {f.field for f in error.findings} == {"body"}  # a comment, an outcome
        shown = [
            f"{f.what} — “{f.text}”" if one_text else f.describe() for f in error.findings[:SHOWN]
        ]
        more = len(error.findings) - len(shown)
        self.notice.setText(
            self.tr("This may identify the patient. Remove it, or post anyway:")
            + "\n• "
            + "\n• ".join(shown)
            + (self.tr("\n… and {0} more").format(more) if more > 0 else "")
        )
        self.notice.show()
        if self._label is None:
            self._label = self.button.text()
        self._relabel(self.tr("Post anyway"))
        self._warned = key

    def _relabel(self, text: str) -> None:
        shortcut = self.button.shortcut()  # setText would replace it with a mnemonic
        self.button.setText(text)
        self.button.setShortcut(shortcut)

    def reset(self) -> None:
        """The text went out (sent, or another case): check it afresh next time."""
        if self._label is not None:
            self._relabel(self._label)
            self._label = None
        self._warned = None
        self._watching, self._pending = False, None
        self.notice.hide()

    def changed(self, key: object, texts: list[tuple[str, str]]) -> None:
        """The author edited (``key``: the new text; ``texts``: (field, text) pairs).
        The button is back at once; once findings were shown, the new text is checked
        again shortly and its findings listed (with "Post anyway") if there are any."""
        watching = self.warned or self._watching
        self.reset()
        if watching and not self.busy:
            self._watching, self._pending = True, (key, texts)
            self._timer.start()

    def _recheck(self) -> None:
        if self._pending is None or self.busy:
            return
        key, texts = self._pending

        def job(_: object) -> list[deident.Finding]:
            return [f for field, text in texts for f in deident.check_text(text, field)]

        self.core.call(job, lambda found: self._rechecked(key, found))

    def _rechecked(self, key: object, found: object) -> None:
        if self.busy or self._pending is None or self._pending[0] != key:
            return  # sent meanwhile, or the text changed again
        if isinstance(found, list) and found:
            self._warn(key, IdentifiersFound(found))
            self._watching = True


class PublishingForm:
    """What a dialog that publishes text shares (mixed in before ``QDialog``): once
    :meth:`publish` is called, its send button runs the job on the worker while the form
    stays open, the form closes when it is done, and editing resets "Post anyway".
    Without :meth:`publish` the button simply accepts the dialog."""

    publisher: Publisher | None = None
    _send: tuple[Callable[[bool], Job], Callable[[Any], None]] | None = None

    def _publish_parts(self) -> tuple[QAbstractButton, QLabel]:
        """The form's send button and the label that lists what the core found."""
        raise NotImplementedError

    def accept(self) -> None:  # QDialog's, further along the class order
        super().accept()  # type: ignore[misc]

    def publish(
        self, core: Core, make_job: Callable[[bool], Job], done: Callable[[Any], None]
    ) -> None:
        """The send button sends from the open form: ``make_job(allow_identifiers)``
        runs on the worker, then ``done(result)`` and the form closes. What the core
        finds identifying is listed in the form, and the button becomes "Post anyway"."""
        button, notice = self._publish_parts()
        self.publisher = Publisher(core, button, notice)
        self._send = (make_job, done)

    @property
    def publishing(self) -> bool:
        return self.publisher is not None and self.publisher.busy

    def _text_changed(self) -> None:
        if self.publisher is not None:
            self.publisher.changed(*self._checked_texts())

    def _checked_texts(self) -> tuple[object, list[tuple[str, str]]]:
        """What the author wrote (the key a second click compares) and its texts by
        field, for checking again as they change."""
        raise NotImplementedError

    def _send_form(self, key: object) -> None:
        """Send what the author wrote (``key``: the second click on the same allows it)."""
        if self.publisher is None or self._send is None:
            self.accept()
            return
        make_job, done = self._send

        def sent(result: object) -> None:
            done(result)
            self.accept()

        self.publisher.send(key, make_job, sent)
