"""Worker-side jobs of the case actions: loading a case with the reader's role and
image thumbnails, reading an attachment (fetched from a relay when not here yet), and
writing files. They run on the worker thread, never on the GUI thread."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage

from casebook.core.library import attachments
from casebook.core.library.polls import PollView
from casebook.core.library.queries import CaseDetail
from casebook.core.model import consent
from casebook.core.model.fingerprint import fingerprint
from casebook.core.model.kinds import MODERATORS
from casebook.errors import CasebookError
from casebook.gui.i18n import tr
from casebook.store.files import atomic_write

if TYPE_CHECKING:
    from casebook.session import Session

PREVIEWABLE = ("image/png", "image/jpeg")
PREVIEW_MAX_BYTES = 8 * 1024 * 1024  # larger images are not read just to show a thumbnail
PREVIEW_SIZE = (240, 160)
PREVIEW_SCHEME = "casebook-preview"


@dataclass
class Loaded:
    """A case as the window shows it, with what this reader may do to it."""

    case: CaseDetail
    me: str  # this profile's fingerprint
    role: str | None  # this profile's role in the case's network (None: not a member)
    previews: dict[str, QImage] = field(default_factory=dict)  # hash hex → thumbnail
    endorsed: frozenset[bytes] = frozenset()  # comments this reader has endorsed
    unsent: frozenset[bytes] = frozenset()  # comments written here that no relay has yet
    polls: list[PollView] = field(default_factory=list)  # as this reader may see them
    suggestions: list[str] = field(default_factory=list)  # the network's tags, for answers
    follow_up: int | None = None  # when this reader is reminded to add its outcome (ms)

    @property
    def own(self) -> bool:
        return self.case.summary.author == self.me

    @property
    def moderator(self) -> bool:
        return self.role in MODERATORS


def load(s: Session, case_id: bytes, known: frozenset[str] = frozenset()) -> Loaded | None:
    """On the worker: the case, the reader's role, and thumbnails of its images that are
    on this computer (except those in ``known``, which the viewer holds already)."""
    case = s.p.queries.case(case_id)
    if case is None:
        return None
    role = s.p.governance.show(case.summary.net)["your_role"]
    previews: dict[str, QImage] = {}
    for item in case.attachments:
        digest = bytes.fromhex(item["hash"])
        if not previewable(item) or item["hash"] in known or not attachments.has(s.p.db, digest):
            continue  # not here yet: gui/previews.py fetches it by itself
        try:
            image = thumbnail(attachments.read(s.p.db, digest))
        except CasebookError:
            continue  # shown without a preview; Save says what is wrong
        if image is not None:
            previews[item["hash"]] = image
    endorsed = s.p.queries.endorsed_by(case_id, s.p.member)
    relayed = bool(s.sync.relays(case.summary.net))  # with no relay, nothing "goes out"
    unsent = s.p.queries.unsent(case_id, s.p.log.chain) if relayed else frozenset()
    polls = s.p.polls.of_case(case_id)
    tags = [t.replace("-", " ") for t, _ in s.p.queries.tags(case.summary.net)] if polls else []
    follow_up = s.p.follow_ups.of_case(case_id)
    return Loaded(
        case, fingerprint(s.p.member), role, previews, endorsed, unsent, polls, tags, follow_up
    )


def previewable(item: dict[str, Any]) -> bool:
    """A picture small enough to be read (or fetched) just to show its thumbnail; never
    the signed consent form."""
    if item.get("role") == consent.FORM_ROLE:
        return False
    return item["mime"] in PREVIEWABLE and int(item["size"]) <= PREVIEW_MAX_BYTES


def thumbnail(data: bytes) -> QImage | None:
    """The picture scaled to fit the case view (made on the worker), or None."""
    image = QImage.fromData(data)
    if image.isNull():
        return None
    return image.scaled(
        *PREVIEW_SIZE,
        Qt.AspectRatioMode.KeepAspectRatio,
        Qt.TransformationMode.SmoothTransformation,
    )


def write_file(path: Path, data: bytes) -> None:
    try:
        atomic_write(path, data)  # never a half-written file
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise CasebookError(tr("Cannot write {0}: {1}.").format(path, reason)) from None


def remove_folders(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
