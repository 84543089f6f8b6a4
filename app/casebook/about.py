"""What Casebook says about itself: its version, and the libraries it is built on with
their licences, read from their installed metadata (an installer's copyright file lists
every bundled part as well). Headless: the CLI and the window's About both use it."""

from __future__ import annotations

import importlib.metadata
from dataclasses import dataclass

from casebook import __version__

# The libraries Casebook runs on (not the tools that build or test it).
LIBRARIES = (
    "PySide6-Essentials",
    "shiboken6",
    "cryptography",
    "cffi",
    "sqlcipher3",
    "cbor2",
    "platformdirs",
    "markdown-it-py",
    "mdurl",
    "segno",
    "zxing-cpp",
    "zeroconf",
    "ifaddr",
    "phonenumbers",
    "zstandard",
)
# Where a library's metadata names no licence in a form worth showing.
KNOWN = {"sqlcipher3": "zlib (SQLCipher: BSD-3-Clause)"}
QT = "Qt 6 (LGPL-3.0-only), through PySide6"


@dataclass(frozen=True)
class Library:
    name: str
    version: str
    licence: str


def version() -> str:
    return __version__


def libraries() -> list[Library]:
    """Each library of :data:`LIBRARIES` found here, with its version and licence."""
    out = []
    for name in LIBRARIES:
        try:
            meta = importlib.metadata.metadata(name)
        except importlib.metadata.PackageNotFoundError:
            continue  # not installed here (the relay has no window, for one)
        out.append(Library(name, meta["Version"] or "", _licence(name, meta)))
    return out


def _licence(name: str, meta: importlib.metadata.PackageMetadata) -> str:
    expression = meta["License-Expression"]
    if expression:
        return str(expression)
    if name in KNOWN:
        return KNOWN[name]
    classifiers = [
        c.split("::")[-1].strip()
        for c in (meta.get_all("Classifier") or [])
        if c.startswith("License ::")
    ]
    if classifiers:
        return ", ".join(classifiers)
    text = (meta["License"] or "").strip().splitlines()
    return text[0][:60] if text else "see its distribution"
