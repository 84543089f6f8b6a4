"""Logging to a rotating file in the platform log folder. Logs never hold content."""

from __future__ import annotations

import logging
import logging.handlers

from casebook.paths import log_dir
from casebook.store.database import route_sqlcipher_log


def setup(name: str = "casebook") -> logging.Logger:
    logger = logging.getLogger("casebook")
    if logger.handlers:
        return logger
    logger.setLevel(logging.INFO)
    try:
        folder = log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.handlers.RotatingFileHandler(
            folder / f"{name}.log", maxBytes=1_000_000, backupCount=3, encoding="utf-8"
        )
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logger.addHandler(handler)
    # SQLCipher logs on its own (to stderr unless told): into the same file, not the terminal.
    route_sqlcipher_log(getattr(handler, "baseFilename", None))
    return logger
