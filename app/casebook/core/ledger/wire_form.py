"""Events as they travel, from the events as this library keeps them.

A library keeps most of its events in their open form (``events.open_form``: the
payload packed beside the signed header, about half the bytes); every path that sends,
exports, re-verifies or re-reads a stored event goes through :class:`WireForms`, which
seals the payload again under its epoch's seed and proves by the header's body hash
that the bytes are those the author signed. An event kept in its wire form is returned
as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from casebook.core.ledger.seeds import EpochKeys
from casebook.core.model import events
from casebook.core.model.events import Event, EventError, Header
from casebook.errors import CasebookError, say
from casebook.store.database import Database


class DamagedEvent(CasebookError):
    """A stored event whose open form does not give back the bytes its author signed:
    it is not sent, exported or applied again (and what was being done is undone)."""

    exit_code = 3

    def __init__(self, stored: bytes, reason: str, *, sent: bool = True) -> None:
        try:
            which = events.stored_header(stored).kind
        except EventError:
            which = "?"
        if sent:
            message = say(
                "A stored event is damaged and was not sent; run 'casebook doctor' to list "
                "damaged events ({0}: {1}).",
                which,
                reason,
            )
        else:  # read for its text (core/ledger/kept_text.py)
            message = say(
                "A stored event is damaged and its text cannot be shown; run 'casebook "
                "doctor' to list damaged events ({0}: {1}).",
                which,
                reason,
            )
        super().__init__(message)
        self.reason = reason


class WireForms:
    def __init__(self, keys: EpochKeys) -> None:
        self.keys = keys

    def of(self, stored: bytes) -> bytes:
        """The signed bytes of a stored event (:class:`DamagedEvent` when its open form
        does not give them back)."""
        if not events.is_open_form(stored):
            return stored
        try:
            return events.sealed_again(stored, self._seeds)
        except EventError as exc:
            reason = str(exc)
        try:
            header: Header | None = events.open_header(stored)
        except EventError:
            header = None
        if header is not None and self.keys.forget(header.net, header.epoch):
            try:  # a seed of its epoch that another process (a second window) added since
                return events.sealed_again(stored, self._seeds)
            except EventError as exc:
                reason = str(exc)
        raise DamagedEvent(stored, reason)

    def all(self, stored: Iterable[bytes]) -> list[bytes]:
        return [self.of(s) for s in stored]

    def event(self, stored: bytes) -> Event:
        """A stored event, parsed without checking its signature again (the library
        checked it when it stored it); an open form stays its ``stored`` (what the
        projection saw when the event was applied: ``kept_text.keeps_row``)."""
        event = events.parse_trusted(self.of(stored))
        return replace(event, stored=stored) if events.is_open_form(stored) else event

    def _seeds(self, header: Header) -> list[bytes]:
        return [seed for _, seed in self.keys.candidates(header.net, header.epoch)]


def wire_forms(db: Database) -> WireForms:
    return WireForms(EpochKeys(db))


def wire(db: Database, stored: bytes) -> bytes:
    """:meth:`WireForms.of` for one event."""
    return wire_forms(db).of(stored)
