"""Desktop notifications without a tray go to the freedesktop service through gdbus,
its arguments written as GVariant text (a quote in a title cannot break out of it)."""

from __future__ import annotations

import shutil

import pytest

from casebook.gui import notify


def test_the_gdbus_call_quotes_what_colleagues_wrote(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/bin/{name}")
    command = notify.freedesktop_command("Dr. O'Neil replied to your case", "a\\b 'c'")
    assert command is not None
    assert command[:2] == ["/usr/bin/gdbus", "call"]
    assert "--method=org.freedesktop.Notifications.Notify" in command
    assert command[-5:] == [
        "'Dr. O\\'Neil replied to your case'",
        "'a\\\\b \\'c\\''",
        "[]",
        "{}",
        str(notify.SHOWN_MS),
    ]


def test_without_gdbus_nothing_is_sent(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    assert notify.freedesktop_command("t", "b") is None
    assert notify.send_freedesktop("t", "b") is False


@pytest.mark.skipif(shutil.which("gdbus") is None, reason="gdbus is not installed")
def test_no_notification_service_is_a_quiet_false(monkeypatch, tmp_path):
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path}/no-bus")
    assert notify.send_freedesktop("t", "b") is False
