"""Core messages with values in them keep their template for the window's translation."""

from __future__ import annotations

import ast
import string
import subprocess
import sys
from pathlib import Path

from casebook.errors import Phrase, UsageError, say

ROOT = Path(__file__).resolve().parents[2]


def test_a_phrase_is_its_english_text_and_keeps_template_and_values():
    phrase = say("The disk holding {0} is full; {1:,} bytes were not written.", "/tmp", 12345)
    assert phrase == "The disk holding /tmp is full; 12,345 bytes were not written."
    assert isinstance(phrase, Phrase) and isinstance(phrase, str)
    assert phrase.template.startswith("The disk holding {0}")
    assert phrase.values == ("/tmp", 12345)
    assert UsageError(phrase).message is phrase


def test_every_say_in_the_core_gives_as_many_values_as_its_template_uses():
    """A template and its values disagreeing would fail only when the error is raised."""
    problems = []
    for path in (ROOT / "app" / "casebook").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", "") == "say"):
                continue
            template = node.args[0]
            assert isinstance(template, ast.Constant), f"{path}:{node.lineno}: not a literal"
            fields = {f for _, f, _, _ in string.Formatter().parse(template.value) if f}
            wanted = {str(i) for i in range(len(node.args) - 1)}
            if {f.split("!")[0].split(":")[0] for f in fields} != wanted:
                problems.append(f"{path.relative_to(ROOT)}:{node.lineno}: {template.value!r}")
    assert not problems, "\n".join(problems)


def test_the_translators_list_holds_the_cores_messages(tmp_path):
    out = tmp_path / "core.cpp"
    subprocess.run([sys.executable, str(ROOT / "tools" / "core_phrases.py"), str(out)], check=True)
    text = out.read_text("utf-8")
    assert 'QT_TRANSLATE_NOOP("core", "Wrong passphrase: the profile was not unlocked' in text
    assert "The passphrase must have at least {0} characters" in text  # a say() template
    assert "--limit must be between" not in text  # the command line's words stay English
