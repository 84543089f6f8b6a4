"""What the PyInstaller spec leaves out of the bundle (imported by casebook.spec).

Three rules, applied to PyInstaller's lists of (destination, source, kind) entries:

- UNUSED: parts of Qt the app never loads: its translations but qtbase's for the languages
  the app ships (resources/translations: Qt's words in its dialogs), the GTK theme
  (it pulls GTK, cairo and pango), the embedded-device platforms and inputs, and the
  network-information and TLS back-ends (Casebook's networking is Python's).
- SYSTEM (Linux): the machine's own display, font, bus and printing libraries, which must
  match the user's GL driver, fontconfig configuration, D-Bus daemon and CUPS (libcups
  would also bring avahi and GnuTLS), and the C++ runtime, which
  every Debian and Ubuntu has (the build machine's copy would raise the glibc the bundle
  needs to the build machine's own). The .deb depends on them instead.
- then every bundled library that nothing kept still names (DT_NEEDED), followed from
  the kept extension modules, plugins and executables.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import PurePosixPath

Entry = tuple[str, str, str]

SHIPPED = ("fr",)  # the languages of resources/translations/casebook_*.ts
UNUSED = re.compile(
    r"^PySide6/(Qt/)?("
    r"translations/(?!qtbase_(?:" + "|".join(SHIPPED) + r")\.qm$)"
    r"|plugins/platformthemes/libqgtk3"
    r"|plugins/(egldeviceintegrations|generic|networkinformation|tls)/"
    r"|plugins/platforms/libq(eglfs|linuxfb|minimalegl|vkkhrdisplay|vnc)\."
    r")"
)
SYSTEM = re.compile(
    r"^lib(X11|X11-xcb|Xau|Xdmcp|Xext|Xrender|xcb(-[a-z-]+)?|xkbcommon(-x11)?|wayland-\w+"
    r"|GL\w*|EGL|OpenGL|fontconfig|freetype|dbus-1|cups"
    r"|glib-2\.0|gio-2\.0|gobject-2\.0|gmodule-2\.0|gthread-2\.0|stdc\+\+|gcc_s)\.so"
)


def _posix(dest: str) -> str:
    return dest.replace(os.sep, "/")


def _name(dest: str) -> str:
    return PurePosixPath(_posix(dest)).name


def is_library(dest: str) -> bool:
    """A shared library others link to (not an extension module, plugin or libpython)."""
    name = _name(dest)
    return (
        name.startswith("lib")
        and ".so" in name
        and "/plugins/" not in _posix(dest)
        and not name.startswith("libpython")
    )


@cache
def needed(path: str) -> tuple[str, ...]:
    """The libraries an ELF file names itself (DT_NEEDED), not what those pull in (read
    once per file: package.py asks for the desktop's part and the rest separately)."""
    dump = subprocess.run(["objdump", "-p", path], capture_output=True, text=True, check=True)
    return tuple(re.findall(r"^\s+NEEDED\s+(\S+)$", dump.stdout, re.M))


def binaries(
    entries: Iterable[Entry],
    linux: bool = sys.platform.startswith("linux"),
    needs: Callable[[str], Sequence[str]] = needed,
) -> list[Entry]:
    kept = [
        e
        for e in entries
        if not UNUSED.match(_posix(e[0])) and not (linux and SYSTEM.match(_name(e[0])))
    ]
    if not linux:
        return kept
    libraries = {_name(dest): src for dest, src, _ in kept if is_library(dest)}
    reached: set[str] = set()
    todo = [src for dest, src, _ in kept if not is_library(dest)]
    while todo:
        for name in needs(todo.pop()):
            if name in libraries and name not in reached:
                reached.add(name)
                todo.append(libraries[name])
    return [e for e in kept if not is_library(e[0]) or _name(e[0]) in reached]


def datas(entries: Iterable[Entry], kept_binaries: Iterable[Entry]) -> list[Entry]:
    """Data without the unused parts, and links to libraries only if the library stays."""
    kept = {os.path.normpath(dest) for dest, _, _ in kept_binaries}
    out = []
    for dest, src, kind in entries:
        if kind == "SYMLINK":
            if os.path.normpath(os.path.join(os.path.dirname(dest), src)) in kept:
                out.append((dest, src, kind))
        elif not UNUSED.match(_posix(dest)):
            out.append((dest, src, kind))
    return out
