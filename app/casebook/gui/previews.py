"""Pictures of a case shown without asking: a thumbnail for each PNG or JPEG attachment.

Those already on this computer come with the case (``case_jobs.load``). The others are
fetched by themselves, one worker job each and below ``PREVIEW_MAX_BYTES``, while the
case shows a placeholder saying how far the fetch has come; the thumbnail replaces it.
A fetch that fails says why in the placeholder and is tried again when the case is
opened again (Save… also fetches)."""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtGui import QImage, QTextDocument

from casebook.gui.bridge import Core
from casebook.gui.case_jobs import PREVIEW_SCHEME, Loaded, previewable, thumbnail
from casebook.gui.i18n import tr
from casebook.gui.messages import error_text
from casebook.session import Session


class Previews(QObject):
    """The thumbnails ``document`` (the case view's) holds, and those being fetched."""

    changed = Signal()  # a thumbnail came in, or a placeholder's words changed

    def __init__(self, core: Core, document: QTextDocument, parent: QObject) -> None:
        super().__init__(parent)  # owned by Qt: never deleted by Python's collector
        self.core = core
        self.document = document
        self.shown: frozenset[str] = frozenset()  # hashes whose thumbnail is in the document
        self.notes: dict[str, str] = {}  # hash → the placeholder's words
        self.fetching: set[str] = set()

    def take(self, loaded: Loaded) -> None:
        """The thumbnails that came with ``loaded``; fetch those of its other pictures."""
        for digest, image in loaded.previews.items():
            self._add(digest, image)
        self.fetch_missing(loaded, self.shown)

    def _add(self, digest: str, image: QImage) -> None:
        url = QUrl(f"{PREVIEW_SCHEME}:{digest}")
        self.document.addResource(QTextDocument.ResourceType.ImageResource, url, image)
        self.shown |= {digest}

    def links(self, item: dict[str, Any]) -> str:
        """What follows an attachment in the case: Save…, Open, and its picture (or the
        placeholder saying how its fetch goes)."""
        digest = item["hash"]
        save, open_ = tr("Save…"), tr("Open")
        out = (
            f" <a class='file' href='casebook:save/{digest}'>{save}</a>"
            f" · <a class='file' href='casebook:open/{digest}'>{open_}</a>"
        )
        image = self.document.resource(
            QTextDocument.ResourceType.ImageResource, QUrl(f"{PREVIEW_SCHEME}:{digest}")
        )
        if digest in self.shown and isinstance(image, QImage):
            out += (
                f"<br><a href='casebook:open/{digest}'><img src='{PREVIEW_SCHEME}:{digest}' "
                f"width='{image.width()}' height='{image.height()}'></a>"
            )
        elif self.notes.get(digest):  # being fetched, or why it is not shown
            out += f"<br><span class='meta'>{html.escape(self.notes[digest])}</span>"
        return out

    def fetch_missing(self, loaded: Loaded, shown: frozenset[str]) -> None:
        """Start fetching each picture of ``loaded`` with no thumbnail in ``shown``."""
        for item in loaded.case.attachments:
            digest = item["hash"]
            if digest in shown or digest in self.fetching or not previewable(item):
                continue
            self.fetching.add(digest)
            self.notes[digest] = tr("Fetching the picture…")
            self._start(digest)

    def _start(self, digest: str) -> None:
        tell = self.core.relay(self._advance)  # called on the worker, runs on the GUI thread

        async def job(s: Session) -> QImage | None:
            data = await s.attachment_data(
                bytes.fromhex(digest), lambda done, total: tell(digest, done, total)
            )
            return thumbnail(data)

        self.core.call(
            job, lambda image: self._done(digest, image), lambda e: self._failed(digest, e)
        )

    def _advance(self, digest: str, done: int, total: int) -> None:
        if digest in self.fetching and total > 1:
            self.notes[digest] = tr("Fetching the picture… {0}%").format(done * 100 // total)
            self.changed.emit()

    def _done(self, digest: str, image: object) -> None:
        self.fetching.discard(digest)
        if isinstance(image, QImage):
            self.notes.pop(digest, None)
            self._add(digest, image)
        else:
            self.notes[digest] = tr("No preview: this file is not a picture Casebook can show.")
        self.changed.emit()

    def _failed(self, digest: str, error: object) -> None:
        self.fetching.discard(digest)
        self.notes[digest] = tr("No preview yet: {0}").format(error_text(error))
        self.changed.emit()
