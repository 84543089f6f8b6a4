"""The version is written once, in pyproject.toml: the package (``--version``, the GUI) and
the installers (.deb, Windows version resource, macOS Info.plist) all read the same one."""

from __future__ import annotations

import tomllib
from pathlib import Path

import casebook

ROOT = Path(__file__).resolve().parents[2]


def test_the_package_says_the_version_pyproject_declares() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert casebook.__version__ == declared
