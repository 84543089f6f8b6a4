"""The language chosen for a profile, read before it is unlocked."""

from __future__ import annotations

import pytest

from casebook import preferences


def test_no_choice_follows_the_computer(tmp_path):
    assert preferences.language(tmp_path) == "system"
    assert preferences.language(tmp_path / "missing") == "system"


def test_a_choice_is_kept(tmp_path):
    preferences.set_language(tmp_path, "fr")
    assert preferences.language(tmp_path) == "fr"
    preferences.set_language(tmp_path, "system")
    assert preferences.language(tmp_path) == "system"


def test_an_unknown_language_is_refused_and_a_damaged_file_ignored(tmp_path):
    with pytest.raises(ValueError):
        preferences.set_language(tmp_path, "xx")
    (tmp_path / preferences.LANGUAGE_FILE).write_bytes(b"\xff\xfe garbage")
    assert preferences.language(tmp_path) == "system"
    (tmp_path / preferences.LANGUAGE_FILE).write_text("klingon\n")
    assert preferences.language(tmp_path) == "system"
