"""What every image cleaner shares: one forward pass over the input, the kept pieces and
the names of what was removed (shown to the user)."""

from __future__ import annotations

from casebook.errors import ModelError

__all__ = ["Cleaner", "ImageMetadataError"]

_SHOWN_UNKNOWN = 6


class ImageMetadataError(ModelError):
    """A user-facing reason why an image cannot be cleaned."""


class Cleaner:
    """Shared state of one forward pass: input, output pieces, removed names."""

    fmt = ""
    unknown_label = "private or unknown chunks"
    TRAILING = "data after the end of the image"

    def __init__(self, data: bytes, name: str) -> None:
        self.data = data
        self.view = memoryview(data)
        self.name = name
        self.out: list[bytes | memoryview] = []
        self.removed: list[str] = []
        self.unknowns: list[str] = []

    def damaged(self, reason: str) -> ImageMetadataError:
        return ImageMetadataError(f"{self.name}: the {self.fmt} file is damaged ({reason})")

    def drop(self, what: str) -> None:
        if what not in self.removed:
            self.removed.append(what)

    def unknown(self, kind: bytes) -> None:
        """Something not on the allow-list and without a better name was dropped."""
        label = "".join(chr(c) if 32 <= c < 127 else "?" for c in kind).strip()
        if label not in self.unknowns:
            self.unknowns.append(label)

    def removed_names(self) -> list[str]:
        if not self.unknowns:
            return self.removed
        shown = ", ".join(self.unknowns[:_SHOWN_UNKNOWN])
        more = ", …" if len(self.unknowns) > _SHOWN_UNKNOWN else ""
        return [*self.removed, f"{self.unknown_label} ({shown}{more})"]

    def result(self) -> tuple[bytes, list[str]]:
        return b"".join(self.out), self.removed_names()

    def run(self) -> tuple[bytes, list[str]]:
        raise NotImplementedError
