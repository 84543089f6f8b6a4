"""Applying follow-up reminders: a ``reminder.set`` opens only on its writer's own
computers (docs/protocol.md, "Follow-up reminders"); there it sets the case's reminder,
the newest by ``(lamport, id)`` winning, so the writer's computers agree whatever order
they receive them in. Elsewhere it is stored and applies nothing."""

from __future__ import annotations

from casebook.core.ledger.projector_base import ProjectorBase, ordering
from casebook.core.model import payload_types as pt
from casebook.core.model.events import Event
from casebook.core.model.reminders import REMINDER


class Reminders(ProjectorBase):
    def _reminder_set(self, event: Event, payload: pt.Sealed) -> None:
        if self.device is None:
            return
        said = REMINDER.open(self.device, event.net, self.who(event), payload.sealed)
        if said is None:  # another member's: nothing here to apply
            return
        case = said["case"]
        if self.db.scalar("SELECT 1 FROM purged_items WHERE id = ?", (case,)):
            return  # a withdrawn case needs no outcome
        self.db.execute(
            "INSERT INTO reminders (case_id, net, due, event_id, ordering) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE SET due = excluded.due, "
            "event_id = excluded.event_id, ordering = excluded.ordering "
            "WHERE excluded.ordering > reminders.ordering",
            (case, event.net, said["due"], event.id, ordering(event)),
        )
