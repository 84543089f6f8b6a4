"""What the CLI tests share: the passphrase of throwaway profiles and a command's result
(the ``cli`` fixture in ``conftest.py`` runs ``casebook`` in-process and returns one)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

PASSPHRASE = "correct horse battery staple"


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self) -> Any:
        return json.loads(self.out)


def ok(result: Any) -> Any:
    """``result`` of a command that must succeed (its stderr shown when it did not)."""
    assert result.code == 0, result.err
    return result
