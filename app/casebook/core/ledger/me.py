"""Who this computer writes as: its device keys and the member they belong to."""

from __future__ import annotations

from dataclasses import dataclass

from casebook.core.model.identity import Identity
from casebook.core.model.ids import MemberKey
from casebook.errors import UsageError, say


@dataclass(frozen=True)
class Me:
    identity: Identity  # this computer's device keys: what it signs with
    member: MemberKey  # the member's key (the device key itself on device zero)

    @property
    def chain(self) -> bytes:
        """This device's key: the chain it writes in every network."""
        return self.identity.public_key

    def needs_member_key(self, action: str) -> None:
        """Refuse ``action`` on a linked computer: founding a network or joining one
        writes the member's own first event, which only the member key's chain can."""
        if self.member != self.identity.public_key:
            raise UsageError(
                say(
                    (
                        "{0} from the computer that holds your recovery key (the first one you "
                        "used); this computer then receives the network at its next link."
                    ),
                    action,
                )
            )
