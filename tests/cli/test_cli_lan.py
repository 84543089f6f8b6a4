"""``casebook sync`` and the LAN, where no LAN is needed to check it: options that do not
go together, a computer where LAN sync is turned off, and what status says then. (The
LAN itself: tests/lan, in network namespaces.)"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from clikit import Result


@pytest.fixture
def founded(cli: Callable[..., Result]) -> str:
    assert cli("init", "--name", "Dr. Alice Moreau").code == 0
    return str(cli("network", "create", "Cardiology Circle", "--json").json["id"])


def test_options_that_do_not_go_together_are_one_line(cli, founded) -> None:
    for argv, words in (
        (("sync", "--no-lan"), "--no-lan goes with --watch"),
        (("sync", "--lan", "--watch"), "drop --lan"),
    ):
        result = cli(*argv, env={"CASEBOOK_LAN": "on"})
        assert result.code == 2 and words in result.err, result.err
        assert "Traceback" not in result.err
    with pytest.raises(SystemExit) as bad:
        cli("sync", "--lan", "--wait", "0")
    assert bad.value.code == 2


def test_a_computer_with_lan_sync_off_says_so(cli, founded) -> None:
    result = cli("sync", "--lan")  # the tests' environment: CASEBOOK_LAN=off
    assert result.code == 2
    assert result.err.strip() == (
        "casebook: LAN sync is turned off on this computer (CASEBOOK_LAN=off)."
    )
    status = cli("--json", "sync", "status")
    assert status.code == 0 and status.json["lan_peers"] == []
    assert "LAN sync is turned off" in cli("sync", "status").out
