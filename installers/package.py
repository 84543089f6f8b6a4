"""Linux packages from the PyInstaller folder: a .deb and a .tar.xz, and what they cost.

    python installers/package.py [FOLDER]        (default: dist/casebook)

Writes ``dist/casebook_VERSION_ARCH.deb`` (built with dpkg-deb, no network) and
``dist/casebook-VERSION-linux-ARCH.tar.xz``, and prints the size of each part of the
folder, the glibc the bundle needs (the newest GLIBC_ symbol version any of its files
asks for) and the packages the .deb depends on and recommends. Those are found, not
typed: every library a bundled file needs that the bundle does not hold is looked up
with ``dpkg -S`` on this machine, so the list stays true when the bundle changes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import trim  # installers/trim.py, beside this file

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = ("casebook-gui", "casebook", "casebook-relay")
# Provided by the C library itself (libc6): never a separate dependency.
GLIBC = re.compile(r"^(libc|libm|libdl|libpthread|librt|libutil|libresolv|ld-linux[-\w]*)\.so")
# The desktop app's own parts: Qt, its bindings and the QR reader. What only they need goes
# in Recommends (apt installs it by default), so a relay server can install the same
# package with --no-install-recommends and go without a display stack (GL pulls LLVM).
DESKTOP = re.compile(r"^(PySide6/|shiboken6/|zxingcpp/|lib(Qt6|pyside6|shiboken6|icu))")
# What Qt needs that no ELF header names: its font configuration and a font, the
# display libraries it opens at run time, and a way to open files in other programs.
DESKTOP_ALSO = (
    "libgl1",
    "libegl1",
    "libxcb-cursor0",
    "libwayland-egl1",
    "fontconfig-config",
    "fonts-dejavu-core | fonts-liberation2 | fonts-noto-core",
    "xdg-utils",
)
# Ubuntu 24.04 renamed some libraries for 64-bit time (same ABI on 64-bit machines).
RENAMED = {"libglib2.0-0": "libglib2.0-0 | libglib2.0-0t64"}


def project() -> dict[str, str]:
    with open(ROOT / "pyproject.toml", "rb") as f:
        return tomllib.load(f)["project"]  # type: ignore[no-any-return]


def elf_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as f:
                if f.read(4) == b"\x7fELF":
                    yield path


@cache
def objdump(path: Path, flag: str) -> str:
    """One file's dump, read once per build: the glibc floor and the C++ floor both read
    ``-T``."""
    return subprocess.run(
        ["objdump", flag, str(path)], capture_output=True, text=True, check=True
    ).stdout


def glibc_floor(folder: Path) -> tuple[tuple[int, ...], Path]:
    """The newest GLIBC_x.y any bundled file needs, and the first file that needs it."""
    best: tuple[tuple[int, ...], Path] = ((0,), folder)
    for path in elf_files(folder):
        for found in re.findall(r"\(GLIBC_(\d+(?:\.\d+)+)\)", objdump(path, "-T")):
            version = tuple(int(p) for p in found.split("."))
            if version > best[0]:
                best = (version, path)
    return best


def cxx_floor(folder: Path) -> tuple[int, ...]:
    """The newest GLIBCXX_3.4.x the bundle asks of the system's C++ runtime."""
    best: tuple[int, ...] = (3, 4)
    for path in elf_files(folder):
        for found in re.findall(r"\*UND\*.*\(GLIBCXX_(\d+(?:\.\d+)+)\)", objdump(path, "-T")):
            best = max(best, tuple(int(p) for p in found.split(".")))
    return best


# GLIBCXX_3.4.N → the first libstdc++6 (GCC) release that has it.
GCC_OF_GLIBCXX = {25: 8, 26: 9, 28: 10, 29: 11, 30: 12, 31: 13, 32: 13, 33: 14}


def unbundled_libraries(folder: Path, desktop: bool | None = None) -> set[str]:
    """Sonames a bundled file needs (DT_NEEDED) that the bundle itself does not hold: of
    every file, or only of the desktop app's own parts (True) or of the rest (False)."""
    bundled = {p.name for p in folder.rglob("*.so*")}
    needed: set[str] = set()
    for path in elf_files(folder):
        inside = str(path.relative_to(folder / "_internal")) if path.parent != folder else ""
        if desktop is None or bool(DESKTOP.match(inside)) == desktop:
            needed.update(trim.needed(str(path)))
    return {name for name in needed - bundled if not GLIBC.match(name)}


def owning_package(soname: str) -> str:
    """The Debian package that holds a library on this machine (as dpkg-shlibdeps would)."""
    found = subprocess.run(
        ["dpkg", "-S", f"*/{soname}"], capture_output=True, text=True, check=False
    ).stdout
    triplet = sysconfig.get_config_var("MULTIARCH") or ""
    # "libx11-6:amd64: /usr/lib/x86_64-linux-gnu/libX11.so.6"; not diversions, not the
    # 32-bit copies (lib32*, :i386), and the native multiarch folder first
    lines = [
        line
        for line in found.splitlines()
        if not line.startswith(("diversion ", "local diversion ")) and ", " not in line
    ]
    lines.sort(key=lambda line: f"/{triplet}/" not in line)
    for line in lines:
        package = line.split(":", 1)[0].strip()
        if package and not package.startswith(("lib32", "libx32")):
            return package
    raise SystemExit(
        f"package: no installed package holds {soname}, which the bundle needs;"
        " install it (installers/system-deps.sh run) and build again."
    )


def relations(
    folder: Path, floor: tuple[int, ...], cxx: tuple[int, ...]
) -> tuple[list[str], list[str]]:
    """Depends (what the commands and the relay need) and Recommends (what the desktop
    app adds), as the .deb's control file lists them."""
    versions = {"libstdc++6": f"libstdc++6 (>= {GCC_OF_GLIBCXX.get(cxx[-1], 12)})"}

    def named(packages: set[str]) -> list[str]:
        return sorted(versions.get(p) or RENAMED.get(p, p) for p in packages)

    core = {owning_package(n) for n in unbundled_libraries(folder, desktop=False)}
    desktop = {owning_package(n) for n in unbundled_libraries(folder, desktop=True)}
    core.discard("libc6")
    desktop -= core | {"libc6"}
    depends = [f"libc6 (>= {'.'.join(map(str, floor))})", *named(core), "passwd"]
    return depends, named(desktop) + [p for p in DESKTOP_ALSO if p not in desktop]


def size(path: Path) -> int:
    if path.is_symlink():
        return 0
    if path.is_file():
        return path.stat().st_size
    return sum(size(p) for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def parts(folder: Path) -> list[tuple[str, int]]:
    """What each part of the folder costs, largest first."""
    internal = folder / "_internal"
    qt = internal / "PySide6" / "Qt"
    icu = sum(size(p) for p in (qt / "lib").glob("libicu*"))
    libraries = [p for p in internal.glob("lib*.so*") if not p.name.startswith("libpython")]
    groups = {
        "ICU (Unicode data for Qt)": icu,
        "Qt libraries": size(qt / "lib") - icu,
        "Qt plugins": size(qt / "plugins"),
        "PySide6 bindings": size(internal / "PySide6") - size(qt),
        "cryptography": size(internal / "cryptography"),
        "SQLCipher (sqlcipher3)": size(internal / "sqlcipher3"),
        "other libraries (OpenSSL, SQLite, Kerberos, zstd, xz, …)": sum(map(size, libraries)),
        "phonenumbers": size(internal / "phonenumbers"),
        "Casebook": size(internal / "casebook"),
        "the three executables": sum(size(folder / name) for name in COMMANDS),
    }
    groups["Python (libpython, standard library, small modules)"] = size(folder) - sum(
        groups.values()
    )
    return sorted(groups.items(), key=lambda item: -item[1])


def desktop_entry() -> str:
    return (ROOT / "resources" / "casebook.desktop").read_text(encoding="utf-8")


def relay_unit() -> str:
    return (ROOT / "installers" / "relay" / "casebook-relay.service").read_text(encoding="utf-8")


MAINTAINER_SCRIPTS = ("postinst", "prerm", "postrm")  # in installers/debian/

# What the bundle holds besides Casebook and Python's standard library, each under its own
# licence: by the name of a top-level library (its start) or Python package folder.
# copyright() refuses to build a package that holds anything not listed here.
LICENCES = {
    "libpython": "Python 3.11 (PSF-2.0)",
    "PySide6": "Qt 6, PySide6 and shiboken6 (LGPL-3.0; the libraries are separate files that"
    " can be replaced)",
    "shiboken6": "",
    "libQt6": "",
    "libpyside6": "",
    "libshiboken6": "",
    "libicu": "ICU (Unicode-3.0)",
    "libssl": "OpenSSL 3 (Apache-2.0)",
    "libcrypto": "",
    "cryptography": "pyca/cryptography (Apache-2.0 or BSD-3-Clause)",
    "_cffi_backend": "cffi (MIT)",
    "sqlcipher3": "SQLCipher and sqlcipher3 (BSD-3-Clause, zlib)",
    "libsqlite3": "SQLite (public domain)",
    "cbor2": "cbor2 (MIT)",
    "platformdirs": "platformdirs (MIT)",
    "markdown_it": "markdown-it-py (MIT)",
    "mdurl": "mdurl (MIT)",
    "segno": "segno (BSD-3-Clause)",
    "phonenumbers": "phonenumbers (Apache-2.0)",
    "zstandard": "python-zstandard, with the zstd library it carries (BSD-3-Clause)",
    "zxingcpp": "zxing-cpp (Apache-2.0)",
    "zeroconf": "python-zeroconf (LGPL-2.1-or-later; a separate, replaceable package)",
    "ifaddr": "ifaddr (MIT)",
    "libgssapi_krb5": "MIT Kerberos and com_err (MIT)",
    "libkrb5": "",
    "libk5crypto": "",
    "libcom_err": "",
    "libkeyutils": "keyutils (LGPL-2.1-or-later)",
    "libffi": "libffi (MIT)",
    "libz.": "zlib (Zlib)",
    "libzstd": "zstd (BSD-3-Clause)",
    "libbrotli": "Brotli (MIT)",
    "libbz2": "bzip2 (bzip2-1.0.6)",
    "liblzma": "XZ Utils' liblzma (0BSD)",
    "libuuid": "util-linux's libuuid (BSD-3-Clause)",
    "fpdf": "fpdf2 (LGPL-3.0-only; a separate, replaceable package)",
    "fontTools": "fontTools (MIT)",
    "PIL": "Pillow (MIT-CMU)",
    "pillow": "",
    "defusedxml": "defusedxml (PSF-2.0)",
    "DejaVu": "DejaVu fonts, in resources/fonts (Bitstream Vera and DejaVu licence, free)",
    # A relay's PostgreSQL store (casebook-relay serve --database): psycopg and the libpq
    # its binary wheel carries, with what libpq links.
    "psycopg": "psycopg 3 and psycopg-binary (LGPL-3.0-only; a separate, replaceable package)",
    "psycopg_binary": "",
    "libpq": "PostgreSQL's libpq (PostgreSQL licence)",
    "libldap": "OpenLDAP's libldap and liblber (OLDAP-2.8)",
    "liblber": "",
    "libsasl2": "Cyrus SASL (BSD-4-Clause-like CMU licence)",
    "libcrypt": "libxcrypt (LGPL-2.1-or-later)",
}


def copyright_text(folder: Path, version: str) -> str:
    """The copyright file, after checking that every bundled part has its licence listed."""
    internal = folder / "_internal"
    parts = [p.name for p in internal.glob("lib*.so*") if not p.is_symlink()]
    parts += [
        p.name.split(".")[0]
        for p in internal.iterdir()
        if (p.is_dir() or p.suffix == ".so")
        and p.name.split(".")[0] not in sys.stdlib_module_names
        and p.name not in {"casebook", "resources", "python3.11", "_pyi_rth_utils"}
        and not p.name.endswith(".dist-info")
        and not p.name.startswith("lib")
    ]
    unlisted = sorted(n for n in parts if not any(n.startswith(key) for key in LICENCES))
    if unlisted:
        raise SystemExit(
            f"package: the bundle holds {', '.join(unlisted)}, whose licence"
            " installers/package.py does not list (LICENCES); add it and build again."
        )
    listed = sorted({text for text in LICENCES.values() if text})
    return (
        f"Casebook {version}\n\n"
        "Bundled under /opt/casebook, unmodified, each under its own licence:\n"
        + "".join(f"- {text}\n" for text in listed)
    )


def stage(folder: Path, staging: Path, version: str, icons: Path) -> None:
    notice = copyright_text(folder, version)
    opt = staging / "opt" / "casebook"
    shutil.copytree(folder, opt, symlinks=True)
    (staging / "usr" / "bin").mkdir(parents=True)
    for name in COMMANDS:
        (staging / "usr" / "bin" / name).symlink_to(f"/opt/casebook/{name}")
    share = staging / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    (share / "applications" / "casebook.desktop").write_text(desktop_entry(), encoding="utf-8")
    for png in (icons / "hicolor").glob("*/apps/casebook.png"):
        target = share / "icons" / png.relative_to(icons)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, target)
    scalable = share / "icons" / "hicolor" / "scalable" / "apps"
    scalable.mkdir(parents=True)
    shutil.copyfile(ROOT / "resources" / "icons" / "casebook.svg", scalable / "casebook.svg")
    doc = share / "doc" / "casebook"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(notice, encoding="utf-8")
    unit = staging / "usr" / "lib" / "systemd" / "system"
    unit.mkdir(parents=True)
    (unit / "casebook-relay.service").write_text(relay_unit(), encoding="utf-8")
    for path in staging.rglob("*"):
        if not path.is_symlink():
            path.chmod(0o755 if path.is_dir() or os.access(path, os.X_OK) else 0o644)


def control(
    meta: dict[str, str], arch: str, installed_kib: int, deps: tuple[list[str], list[str]]
) -> str:
    return (
        f"Package: casebook\n"
        f"Version: {meta['version']}\n"
        f"Architecture: {arch}\n"
        f"Maintainer: Casebook developers <developers@casebook.invalid>\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(deps[0])}\n"
        f"Recommends: {', '.join(deps[1])}\n"
        f"Section: misc\n"
        f"Priority: optional\n"
        f"Description: {meta['description']}\n"
        " Casebook keeps a private, encrypted library of clinical cases and their\n"
        " discussion on your own computers, shared only with the members of your\n"
        " invitation-only network, through a relay that never reads a case.\n"
        " .\n"
        " Commands: casebook-gui (the app), casebook (the command line) and\n"
        " casebook-relay (run a relay; a systemd unit, casebook-relay.service, is\n"
        " installed but not enabled). The desktop app needs the recommended\n"
        " packages; a relay server can go without them (--no-install-recommends).\n"
    )


def build_deb(
    folder: Path,
    out: Path,
    meta: dict[str, str],
    arch: str,
    icons: Path,
    deps: tuple[list[str], list[str]],
) -> Path:
    deb = out / f"casebook_{meta['version']}_{arch}.deb"
    with tempfile.TemporaryDirectory(prefix="casebook-deb-") as scratch:
        staging = Path(scratch) / "root"
        stage(folder, staging, meta["version"], icons)
        (staging / "DEBIAN").mkdir()
        installed = (size(staging) + 1023) // 1024
        (staging / "DEBIAN" / "control").write_text(
            control(meta, arch, installed, deps), encoding="utf-8"
        )
        for script in MAINTAINER_SCRIPTS:
            shutil.copyfile(ROOT / "installers" / "debian" / script, staging / "DEBIAN" / script)
            (staging / "DEBIAN" / script).chmod(0o755)
        (staging / "DEBIAN").chmod(0o755)
        subprocess.run(
            ["dpkg-deb", "--root-owner-group", "-Zxz", "--build", str(staging), str(deb)],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return deb


def build_tar(folder: Path, out: Path, version: str, arch: str) -> Path:
    """The folder as ``casebook-VERSION/``, owned by root, compressed on every core."""
    tar = out / f"casebook-{version}-linux-{arch}.tar.xz"
    with tar.open("wb") as archive:
        pack = subprocess.Popen(
            [
                "tar",
                "-C",
                str(folder.parent),
                "--owner=0",
                "--group=0",
                "--numeric-owner",
                "--sort=name",
                f"--transform=s,^{folder.name},casebook-{version},",
                "-cf",
                "-",
                folder.name,
            ],
            stdout=subprocess.PIPE,
        )
        assert pack.stdout is not None
        subprocess.run(["xz", "-T0", "-6"], stdin=pack.stdout, stdout=archive, check=True)
        pack.stdout.close()
        if pack.wait() != 0:
            raise SystemExit(f"package: tar failed on {folder}")
    return tar


def mib(n: int) -> str:
    return f"{n / 2**20:7.1f} MB"


def main() -> int:
    folder = Path(sys.argv[1] if len(sys.argv) > 1 else "dist/casebook").resolve()
    if not (folder / "casebook-gui").exists():
        print(f"package: {folder} holds no PyInstaller build; run make installer.", file=sys.stderr)
        return 2
    out = folder.parent
    meta = project()
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    icons = ROOT / "build" / "pyinstaller" / "casebook" / "icons"
    if not (icons / "hicolor").is_dir():
        subprocess.run(
            [sys.executable, str(ROOT / "installers" / "icons.py"), str(icons)], check=True
        )
    for old in [*out.glob("casebook_*.deb"), *out.glob("casebook-*-linux-*.tar.xz")]:
        old.unlink()  # one package in dist/, the one just built (the container takes it)
    floor, first = glibc_floor(folder)
    cxx = cxx_floor(folder)
    deps = relations(folder, floor, cxx)
    deb = build_deb(folder, out, meta, arch, icons, deps)
    tar = build_tar(folder, out, meta["version"], arch)
    print(f"The folder {folder}: {mib(size(folder)).strip()} unpacked")
    for name, n in parts(folder):
        print(f"  {mib(n)}  {name}")
    where = first.relative_to(folder)
    print(f"glibc needed: {'.'.join(map(str, floor))} (first asked for by {where})")
    print(f"C++ runtime needed: GLIBCXX_{'.'.join(map(str, cxx))} (the system's libstdc++6)")
    print(f"Depends: {', '.join(deps[0])}")
    print(f"Recommends (the desktop app): {', '.join(deps[1])}")
    for built in (deb, tar):
        print(f"{built}: {mib(built.stat().st_size).strip()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
