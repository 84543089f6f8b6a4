"""Attachments: content-addressed, chunked blobs inside the encrypted database.

A file is read once, capped in size, its type sniffed from its bytes, image metadata
stripped, and then stored under the SHA-256 of what remains. The name the user gave is
kept only as a display label (sanitised); it is never used to build a path. Reading a
blob back re-checks its hash.

Every attachment, from the app and from the command line, goes through :func:`prepare`
(or :func:`prepare_bytes`). Images keep only what is needed to show them; plain text has
nothing hidden. Any other file (PDF, Office, archives, unknown) is stored as it is, and
:func:`unchecked_warning` is the one sentence that says its own metadata was not checked.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casebook.core.library.media.imagemeta import ImageMetadataError, sniff, strip_metadata
from casebook.core.model import consent as consent_rules
from casebook.errors import AttachmentError, CasebookError, say
from casebook.store.database import Database

MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024
CHUNK = 256 * 1024
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\:*?\"<>|]")
_WINDOWS_DEVICES = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)
}


def display_name(name: str) -> str:
    """A label safe to show and to propose as a file name: no folders, no device names."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name))[-1]
    base = _UNSAFE.sub("_", base).strip(" .")
    stem = base.split(".")[0].upper()
    if not base or stem in _WINDOWS_DEVICES:
        base = f"attachment_{base}" if base else "attachment"
    return base[:255]


def metadata_checked(mime: str) -> bool:
    """Whether a prepared file of this (sniffed) type holds nothing hidden: images were
    cleaned (or refused) and plain text is all visible."""
    return mime.startswith("image/") or mime == "text/plain"


def unchecked_warning(name: str) -> str:
    """The one wording, in the app and the command line, for a file we cannot clean."""
    return (
        f"{name}: its own metadata (author, organisation, dates, comments, earlier "
        "versions) is not checked or removed; only images are cleaned. Remove anything "
        "that could identify a patient in the program that made the file."
    )


@dataclass
class Prepared:
    name: str
    mime: str
    data: bytes
    hash: bytes
    removed: list[str] = field(default_factory=list)
    # What the author says of it: shows a patient (needs written consent), its own
    # consent record (wire form, see core.model.consent), "consent-form" for the form.
    identifiable: bool = False
    consent: dict[str, Any] | None = None
    role: str = ""

    @property
    def size(self) -> int:
        return len(self.data)

    def entry(self) -> dict[str, Any]:
        """The case's attachment entry for this file (the payload's wire form)."""
        plain = {"hash": self.hash, "name": self.name, "mime": self.mime, "size": self.size}
        return plain | consent_rules.marks(self.identifiable, self.consent, self.role)

    @property
    def metadata_checked(self) -> bool:
        return metadata_checked(self.mime)

    @property
    def warning(self) -> str | None:
        return None if self.metadata_checked else unchecked_warning(self.name)


def warnings(items: Iterable[Prepared]) -> list[str]:
    """The warnings of ``items`` whose own metadata is not checked, in order."""
    return [item.warning for item in items if item.warning is not None]


def _human(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB"


def prepare(path: Path, max_bytes: int = MAX_ATTACHMENT_BYTES) -> Prepared:
    """Read ``path`` for attaching; raises :class:`AttachmentError` with what to do."""
    label = display_name(path.name)
    try:
        size = path.stat().st_size
        if not path.is_file():
            raise AttachmentError(say("{0}: not a regular file.", label))
        if size > max_bytes:
            raise AttachmentError(
                say(
                    (
                        "{0} is {1}; attachments are limited to {2}. Nothing was posted. Reduce"
                        " the file (export a smaller image or an excerpt)."
                    ),
                    label,
                    _human(size),
                    _human(max_bytes),
                )
            )
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise AttachmentError(say("{0}: cannot be read ({1}).", label, exc.strerror)) from None
    if len(data) > max_bytes:  # the file grew while we read it
        raise AttachmentError(say("{0} is over {1}; nothing was posted.", label, _human(max_bytes)))
    return prepare_bytes(label, data)


def prepare_bytes(name: str, data: bytes) -> Prepared:
    label = display_name(name)
    kind = sniff(data)
    removed: list[str] = []
    if kind.is_image:
        try:
            stripped = strip_metadata(data, label)
        except ImageMetadataError as exc:
            raise AttachmentError(str(exc)) from None
        data, removed = stripped.data, stripped.removed
    return Prepared(label, kind.mime, data, hashlib.sha256(data).digest(), removed)


def check(path: Path) -> str | None:
    """What to tell the author about ``path`` as it is added (on a worker, not the GUI
    thread): why it cannot be attached, or that its own metadata is not checked. The file
    goes through :func:`prepare`, exactly as when the case is sent."""
    try:
        return prepare(path).warning
    except CasebookError as exc:
        return exc.message


def store(db: Database, item: Prepared) -> None:
    """Store a prepared blob (idempotent: the same bytes are stored once)."""
    with db.transaction():
        if db.scalar("SELECT 1 FROM blobs WHERE hash = ?", (item.hash,)):
            return
        chunks = [item.data[i : i + CHUNK] for i in range(0, len(item.data), CHUNK)] or [b""]
        db.execute(
            "INSERT INTO blobs (hash, size, mime, chunks) VALUES (?, ?, ?, ?)",
            (item.hash, item.size, item.mime, len(chunks)),
        )
        db.executemany(
            "INSERT INTO blob_chunks (hash, idx, data) VALUES (?, ?, ?)",
            [(item.hash, i, c) for i, c in enumerate(chunks)],
        )


def has(db: Database, digest: bytes) -> bool:
    return bool(db.scalar("SELECT 1 FROM blobs WHERE hash = ?", (digest,)))


def read(db: Database, digest: bytes) -> bytes:
    rows = db.all("SELECT data FROM blob_chunks WHERE hash = ? ORDER BY idx", (digest,))
    if not rows:
        raise AttachmentError("This attachment is not on this computer yet; sync to fetch it.")
    data = b"".join(bytes(r["data"]) for r in rows)
    if hashlib.sha256(data).digest() != digest:
        raise CasebookError("The stored attachment is damaged (its hash does not match).")
    return data
