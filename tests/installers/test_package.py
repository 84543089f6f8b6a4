"""installers/package.py on a small stand-in bundle: the glibc floor and the dependencies
are read from real ELF files and this machine's dpkg database, and the .deb and .tar.xz
hold what a user's system expects where it expects it."""

from __future__ import annotations

import shutil
import subprocess
import tarfile
from pathlib import Path

import package
import pytest

XZ = shutil.which("xz")


def _libdir() -> Path:
    found = subprocess.run(["ldd", XZ or "/bin/xz"], capture_output=True, text=True).stdout
    path = next(line.split("=>")[1].split()[0] for line in found.splitlines() if "liblzma" in line)
    return Path(path)


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A folder shaped like PyInstaller's: three executables (copies of xz, which needs
    liblzma) and an _internal directory."""
    folder = tmp_path / "dist" / "casebook"
    (folder / "_internal" / "casebook").mkdir(parents=True)
    (folder / "_internal" / "casebook" / "__init__.pyc").write_bytes(b"x" * 1000)
    for name in package.COMMANDS:
        shutil.copy(XZ or "/bin/xz", folder / name)
    return folder


def test_the_dependencies_are_what_the_bundle_lacks(bundle: Path) -> None:
    floor, first = package.glibc_floor(bundle)
    assert floor >= (2, 2) and first.name in package.COMMANDS
    assert "liblzma.so.5" in package.unbundled_libraries(bundle)
    depends, recommends = package.relations(bundle, floor, (3, 4, 29))
    assert depends[0] == f"libc6 (>= {'.'.join(map(str, floor))})"
    assert "liblzma5" in depends and not [d for d in depends[1:] if d.startswith("libc6")]
    assert set(package.DESKTOP_ALSO) <= set(recommends)
    # once the bundle holds the library, the package no longer asks the system for it
    shutil.copy(_libdir(), bundle / "_internal" / "liblzma.so.5")
    assert "liblzma.so.5" not in package.unbundled_libraries(bundle)
    assert "liblzma5" not in package.relations(bundle, floor, (3, 4, 29))[0]


def test_what_only_the_desktop_app_needs_is_recommended_not_required(bundle: Path) -> None:
    """A relay server installs the package without Recommends: nothing only Qt's side
    needs may be in Depends. (bash stands in for a Qt library: it needs libtinfo.)"""
    qt = bundle / "_internal" / "PySide6" / "QtFake.abi3.so"
    qt.parent.mkdir()
    shutil.copy(shutil.which("bash") or "/bin/bash", qt)
    depends, recommends = package.relations(bundle, (2, 35), (3, 4, 29))
    assert "libtinfo6" in recommends and "libtinfo6" not in depends
    assert "liblzma5" in depends and "liblzma5" not in recommends
    assert "libgl1" in recommends and "libgl1" not in depends


def test_every_byte_is_counted_in_one_part(bundle: Path) -> None:
    parts = dict(package.parts(bundle))
    assert sum(parts.values()) == package.size(bundle)
    assert parts["Casebook"] == 1000
    assert parts["the three executables"] == 3 * (bundle / "casebook").stat().st_size


def test_the_deb_installs_under_opt_with_commands_menu_entry_icons_and_unit(
    bundle: Path, tmp_path: Path
) -> None:
    icons = tmp_path / "icons"
    for size in (16, 256):
        png = icons / "hicolor" / f"{size}x{size}" / "apps" / "casebook.png"
        png.parent.mkdir(parents=True)
        png.write_bytes(b"\x89PNG")
    meta = {"version": "1.2.3", "description": "Private case library"}
    relations = (["libc6 (>= 2.35)", "passwd"], ["libgl1", "xdg-utils"])
    deb = package.build_deb(bundle, tmp_path, meta, "amd64", icons, relations)
    info = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True).stdout
    assert "Package: casebook\nVersion: 1.2.3\nArchitecture: amd64" in info
    assert "Depends: libc6 (>= 2.35), passwd\nRecommends: libgl1, xdg-utils" in info
    listing = subprocess.run(["dpkg-deb", "-c", str(deb)], capture_output=True, text=True).stdout
    for path in (
        "./opt/casebook/casebook-gui",
        "./opt/casebook/_internal/casebook/__init__.pyc",
        "./usr/bin/casebook-relay -> /opt/casebook/casebook-relay",
        "./usr/share/applications/casebook.desktop",
        "./usr/share/icons/hicolor/256x256/apps/casebook.png",
        "./usr/share/icons/hicolor/scalable/apps/casebook.svg",
        "./usr/lib/systemd/system/casebook-relay.service",
        "./usr/share/doc/casebook/copyright",
    ):
        assert path in listing, path
    assert "root/root" in listing.splitlines()[0]  # owned by root, whoever built it
    assert "-rwxr-xr-x root/root" in next(
        line for line in listing.splitlines() if line.endswith("/opt/casebook/casebook")
    )


def test_the_tarball_unpacks_to_one_versioned_folder(bundle: Path, tmp_path: Path) -> None:
    tar = package.build_tar(bundle, tmp_path, "1.2.3", "amd64")
    with tarfile.open(tar) as archive:
        names = archive.getnames()
        owners = {(m.uid, m.gid) for m in archive.getmembers()}
    assert tar.name == "casebook-1.2.3-linux-amd64.tar.xz"
    assert {n.split("/")[0] for n in names} == {"casebook-1.2.3"}
    assert "casebook-1.2.3/casebook-gui" in names and owners == {(0, 0)}
