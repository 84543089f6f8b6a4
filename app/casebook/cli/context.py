"""What every command needs: the parsed arguments, the profile, and input helpers."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from casebook.cli import secrets_input
from casebook.core.library import attachments, refs
from casebook.core.library.search import Filters
from casebook.core.model.payloads import normalize_tag
from casebook.core.profile import Profile
from casebook.errors import UsageError, say
from casebook.paths import default_profile
from casebook.session import Session

Output = tuple[dict[str, Any], str]


class Context:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        chosen = getattr(args, "profile", None)
        self.directory = Path(chosen).expanduser() if chosen else default_profile()
        self._profile: Profile | None = None
        self._session: Session | None = None

    def passphrase(self, confirm: bool = False) -> str:
        return secrets_input.passphrase(
            getattr(self.args, "passphrase_file", None), confirm=confirm
        )

    @property
    def profile(self) -> Profile:
        if self._profile is None:
            self._profile = Profile.unlock(self.directory, self.passphrase())
        return self._profile

    @property
    def session(self) -> Session:
        """The application session over this command's profile (sync, join, relays)."""
        if self._session is None:
            self._session = Session.over(self.profile)
        return self._session

    def adopt(self, profile: Profile) -> None:
        self._profile = profile

    def close(self) -> None:
        if self._session is not None:
            self._session.close_engine()
            self._session = None
        if self._profile is not None:
            self._profile.close()
            self._profile = None


def read_text(inline: str | None, file: str | None, what: str, required: bool) -> str | None:
    if inline is not None and file is not None:
        raise UsageError(say("Give the {0} either inline or as a file, not both.", what))
    if file is not None:
        try:
            return Path(file).expanduser().read_text("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise UsageError(say("Cannot read {0}: {1}.", file, exc)) from None
    if inline is None and required:
        raise UsageError(say("Give the {0} with --body or --body-file.", what))
    return inline


def parse_fields(items: list[str]) -> dict[str, str]:
    fields: dict[str, str] = {}
    for item in items:
        name, sep, text = item.partition("=")
        name = name.strip().lower()
        if not sep or not name:
            raise UsageError(say("--field needs NAME=TEXT, got {0!r}.", item))
        fields[name] = text
    return fields


def parse_date(text: str | None, option: str) -> int | None:
    if text is None:
        return None
    try:
        day = datetime.strptime(text, "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise UsageError(
            say("{0} takes a date like 2026-03-31, got {1!r}.", option, text)
        ) from None
    return int(day.timestamp() * 1000)


def filters(ctx: Context) -> Filters:
    a = ctx.args
    profile = ctx.profile
    if getattr(a, "mine", False) and a.author:
        raise UsageError("Give --mine or --author, not both.")
    author = refs.author(profile.db, a.author) if a.author else None
    awaiting = getattr(a, "awaiting", False)
    return Filters(
        net=profile.library.network(a.network) if a.network else None,
        tag=normalize_tag(a.tag) if a.tag else None,
        author=profile.member if getattr(a, "mine", False) else author,
        awaiting=profile.member if awaiting else None,
        # Awaiting my reply means open cases unless asked otherwise, as in casebook queue.
        status=a.status or ("open" if awaiting else None),
        opinion=bool(getattr(a, "opinion", False)),
        since=parse_date(a.since, "--since"),
        until=parse_date(a.until, "--until"),
    )


def limit(value: int) -> int:
    if not 1 <= value <= 1000:
        raise UsageError("--limit must be between 1 and 1000.")
    return value


def prepare_files(paths: list[str]) -> list[attachments.Prepared]:
    return [attachments.prepare(Path(p).expanduser()) for p in paths]


def stripped_note(files: list[attachments.Prepared]) -> str:
    """What was removed from each file, and a warning for each file we could not check."""
    lines = [
        f"Removed from {f.name}: {', '.join(f.removed)} (it can identify a patient or place)."
        for f in files
        if f.removed
    ]
    lines += [f"Warning: {warning}" for warning in attachments.warnings(files)]
    return ("\n" + "\n".join(lines)) if lines else ""
