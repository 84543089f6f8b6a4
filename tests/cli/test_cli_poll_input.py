"""`casebook poll final` with a malformed number (a superscript digit, 5,000 digits) is one
calm line, not an internal error. Found by a hostile review."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from clikit import ok


@pytest.mark.parametrize("answer", ["²", "9" * 5000])
def test_a_malformed_final_answer_is_a_calm_refusal(cli: Callable[..., Any], answer: str) -> None:
    ok(cli("init", "--name", "Dr. Alice Moreau", profile="a"))
    ok(cli("network", "create", "Cardiology", "--json", profile="a"))
    case = ok(cli("post", "--network", "Cardiology", "--title", "Chest pain", "--json",
                  profile="a")).json["id"]  # fmt: skip
    poll = ok(cli("poll", "create", case, "--kind", "choice", "--option", "CT",
                  "--option", "Echo", "--json", profile="a")).json["id"]  # fmt: skip
    result = cli("poll", "final", poll, answer, profile="a")
    assert result.code != 70 and "internal error" not in result.err, result.err
    assert "Traceback" not in result.err
