"""Where Casebook keeps things, from platformdirs (overridable for tests and scripts)."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "Casebook"


def default_profile() -> Path:
    env = os.environ.get("CASEBOOK_PROFILE")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_data_dir(APP, APP)) / "profiles" / "default"


def log_dir() -> Path:
    env = os.environ.get("CASEBOOK_LOG_DIR")
    if env:
        return Path(env).expanduser()
    return Path(platformdirs.user_log_dir(APP, APP))
