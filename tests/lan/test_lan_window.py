"""The app on a LAN whose relay is down: the window says a colleague is nearby and the
relay offline, and the colleague's case arrives anyway. Real mDNS between namespaces;
the window runs offscreen inside one of them and saves a picture of itself."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest

pytest.importorskip("PySide6")

import lankit
from casebook.core.model.relayaddr import RelayAddress
from casebook.core.profile import Profile

REASON = lankit.unavailable()
pytestmark = pytest.mark.skipif(REASON is not None and not lankit.REQUIRED, reason=REASON or "")

WINDOW = r"""
import os, sys, time
from pathlib import Path
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtWidgets import QApplication
from casebook.gui.app import Shell
from casebook.gui.bridge import Core
from casebook.gui.screenshots import settle, wait

app = QApplication([sys.argv[0]])
app.setStyle("Fusion")
core = Core()
shell = Shell(core, Path(os.environ["CASEBOOK_PROFILE"]))
shell.show()
settle(core)
page = shell.onboarding.unlock_page
page.passphrase.setText(os.environ["CASEBOOK_PASSPHRASE"])
page.button.click()
wait(lambda: shell.library is not None, 30)
win = shell.library
win.resize(1200, 700)
titles = lambda: {win.model.rows[r].title for r in range(win.model.rowCount())}
label = win.sync_indicator.label.text
try:
    wait(lambda: "nearby" in label() and "Syncope after exertion" in titles(), 60)
    wait(lambda: "relay offline" in label(), 30)
except TimeoutError:
    print(f"gave up waiting; the status bar says {label()!r}; cases: {sorted(titles())}")
    print(win.sync_indicator.toolTip())
    raise
settle(core, 0.5)
win.grab().save(sys.argv[1] if len(sys.argv) > 1 else "__OUT__")
print(win.sync_indicator.label.text())
print(sorted(titles()))
win.close()
core.shutdown()
"""


def test_the_window_shows_a_colleague_nearby_while_the_relay_is_down(
    make_profile: Callable[..., Profile], tmp_path: Path
) -> None:
    with lankit.lan(2, tmp_path / "lan") as lan:
        # The network's relay is on the segment but not running: "offline".
        down = str(RelayAddress(lan.hub_address(), 7447, bytes(32)))
        alice, bob, net = lankit.pair(make_profile, [down])
        alice.library.post_case(net, title="Syncope after exertion", body="An athlete.")
        a_dir, b_dir = alice.directory, bob.directory
        alice.close()
        bob.close()
        lan.start(0, a_dir, "sync", "--watch")
        out = Path(os.environ.get("CASEBOOK_SHOTS", str(tmp_path))) / "lan-nearby.png"
        shown = lan.python(1, WINDOW.replace("__OUT__", str(out)), timeout=150, profile=b_dir)
        logs = "".join(p.read_text() for p in (tmp_path / "lan").iterdir())
        assert shown.returncode == 0, shown.stdout + shown.stderr[-3000:] + logs
    label, titles = shown.stdout.strip().splitlines()[-2:]
    assert label == "1 colleague nearby · relay offline"
    assert "Syncope after exertion" in titles
    assert out.stat().st_size > 10_000
