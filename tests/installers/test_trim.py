"""installers/trim.py, what the bundle leaves out: unused Qt parts, the machine's own
libraries, and every library nothing kept still needs (followed through DT_NEEDED)."""

from __future__ import annotations

import shutil
from pathlib import Path

import trim

# What each file names (DT_NEEDED), by its source path.
LINKS = {
    "/src/_ssl.so": ["libssl.so.3", "libc.so.6"],
    "/src/libssl.so.3": ["libcrypto.so.3"],
    "/src/libcrypto.so.3": ["libz.so.1"],
    "/src/libz.so.1": [],
    "/src/libqxcb.so": ["libQt6XcbQpa.so.6", "libxcb.so.1"],
    "/src/libQt6XcbQpa.so.6": ["libQt6Gui.so.6", "libxcb-cursor.so.0"],
    "/src/libQt6Gui.so.6": ["libicuuc.so.73"],
    "/src/libicuuc.so.73": [],
    "/src/libqgtk3.so": ["libgtk-3.so.0", "libcairo.so.2"],
    "/src/libgtk-3.so.0": ["libcairo.so.2"],
    "/src/libcairo.so.2": ["libpixman-1.so.0"],
    "/src/libpixman-1.so.0": [],
    "/src/libxcb.so.1": [],
    "/src/libxcb-cursor.so.0": ["libxcb.so.1"],
    "/src/libQt6EglFsKmsSupport.so.6": ["libQt6Gui.so.6"],
    "/src/libqeglfs.so": ["libQt6EglFsKmsSupport.so.6"],
    "/src/libpython3.11.so.1.0": [],
    "/src/libcupsprintersupport.so": ["libQt6PrintSupport.so.6", "libcups.so.2"],
    "/src/libQt6PrintSupport.so.6": ["libQt6Gui.so.6"],
    "/src/libcups.so.2": ["libavahi-client.so.3", "libgnutls.so.30"],
    "/src/libavahi-client.so.3": [],
    "/src/libgnutls.so.30": [],
}


def entry(dest: str) -> tuple[str, str, str]:
    return (dest, "/src/" + Path(dest).name, "BINARY")


BUNDLE = [
    entry("_ssl.so"),
    entry("libssl.so.3"),
    entry("libcrypto.so.3"),
    entry("libz.so.1"),
    entry("libpython3.11.so.1.0"),
    entry("PySide6/Qt/plugins/platforms/libqxcb.so"),
    entry("PySide6/Qt/plugins/platforms/libqeglfs.so"),
    entry("PySide6/Qt/plugins/platformthemes/libqgtk3.so"),
    entry("PySide6/Qt/lib/libQt6XcbQpa.so.6"),
    entry("PySide6/Qt/lib/libQt6Gui.so.6"),
    entry("PySide6/Qt/lib/libQt6EglFsKmsSupport.so.6"),
    entry("PySide6/Qt/lib/libicuuc.so.73"),
    entry("libgtk-3.so.0"),
    entry("libcairo.so.2"),
    entry("libpixman-1.so.0"),
    entry("libxcb.so.1"),
    entry("libxcb-cursor.so.0"),
    entry("PySide6/Qt/plugins/printsupport/libcupsprintersupport.so"),
    entry("PySide6/Qt/lib/libQt6PrintSupport.so.6"),
    entry("libcups.so.2"),
    entry("libavahi-client.so.3"),
    entry("libgnutls.so.30"),
]


def kept_names(linux: bool) -> set[str]:
    return {Path(d).name for d, _, _ in trim.binaries(BUNDLE, linux=linux, needs=LINKS.__getitem__)}


def test_unused_plugins_and_what_only_they_needed_are_left_out() -> None:
    kept = kept_names(linux=True)
    # the GTK theme, and GTK, cairo and pixman that only it pulled in
    assert not kept & {"libqgtk3.so", "libgtk-3.so.0", "libcairo.so.2", "libpixman-1.so.0"}
    # the embedded-device platform and the library only it needed
    assert not kept & {"libqeglfs.so", "libQt6EglFsKmsSupport.so.6"}
    # what the kept X11 platform and Python's ssl module need stays, however deep
    assert {"libqxcb.so", "libQt6XcbQpa.so.6", "libQt6Gui.so.6", "libicuuc.so.73"} <= kept
    assert {"_ssl.so", "libssl.so.3", "libcrypto.so.3", "libz.so.1"} <= kept
    assert "libpython3.11.so.1.0" in kept


def test_the_machines_own_libraries_are_not_bundled_on_linux_only() -> None:
    assert not kept_names(linux=True) & {"libxcb.so.1", "libxcb-cursor.so.0"}
    elsewhere = kept_names(linux=False)
    assert {"libxcb.so.1", "libxcb-cursor.so.0", "libcairo.so.2"} <= elsewhere
    assert "libqgtk3.so" not in elsewhere  # unused parts go everywhere


def test_printing_uses_the_machines_cups_and_brings_nothing_of_it() -> None:
    """The print dialog (the recovery key's sheet) keeps Qt's CUPS plugin, but libcups is the
    machine's own (it must match its CUPS), so avahi and GnuTLS that only it needs go too."""
    kept = kept_names(linux=True)
    assert {"libcupsprintersupport.so", "libQt6PrintSupport.so.6"} <= kept
    assert not kept & {"libcups.so.2", "libavahi-client.so.3", "libgnutls.so.30"}


def test_translations_go_but_the_shipped_languages_and_links_follow_their_library() -> None:
    binaries = trim.binaries(BUNDLE, linux=True, needs=LINKS.__getitem__)
    datas = [
        ("PySide6/Qt/translations/qtbase_de.qm", "/src/qtbase_de.qm", "DATA"),
        ("PySide6/Qt/translations/qtbase_fr.qm", "/src/qtbase_fr.qm", "DATA"),
        ("PySide6/Qt/translations/qt_fr.qm", "/src/qt_fr.qm", "DATA"),
        ("resources/styles/light.qss", "/src/light.qss", "DATA"),
        ("libQt6Gui.so.6", "PySide6/Qt/lib/libQt6Gui.so.6", "SYMLINK"),
        ("libQt6EglFsKmsSupport.so.6", "PySide6/Qt/lib/libQt6EglFsKmsSupport.so.6", "SYMLINK"),
    ]
    assert [d for d, _, _ in trim.datas(datas, binaries)] == [
        "PySide6/Qt/translations/qtbase_fr.qm",
        "resources/styles/light.qss",
        "libQt6Gui.so.6",
    ]


def test_needed_reads_a_real_elf_header() -> None:
    assert "libc.so.6" in trim.needed(shutil.which("ls") or "/bin/ls")
