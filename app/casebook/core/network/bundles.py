"""Bundle files for removable media: what a member does with them, in one place for the
terminal and the window (``casebook bundle``, ``join --bundle``, the app's Bundle files
window). The file format and its checks are :mod:`casebook.core.ledger.bundle`."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from casebook.core.ledger import bundle as files
from casebook.core.ledger.eventlog import EventLog, Outcome
from casebook.core.model.events import parse_trusted
from casebook.core.model.invite_codes import InviteCode
from casebook.core.network.governance import Governance
from casebook.core.network.invitations import Invitations
from casebook.errors import UsageError
from casebook.store.database import Database

Progress = Callable[[int, int], None]
# What a summary names, by kind: (one, several).
_WORDS = {
    "case.create": ("new case", "new cases"),
    "case.edit": ("case edit", "case edits"),
    "case.outcome": ("outcome", "outcomes"),
    "comment.create": ("comment", "comments"),
    "member.join": ("member joined", "members joined"),
    "member.remove": ("member removed", "members removed"),
}


@dataclass
class Exported:
    events: int
    welcomes: int
    path: Path

    def to_json(self) -> dict[str, object]:
        return {"events": self.events, "welcomes": self.welcomes, "path": str(self.path)}

    def text(self) -> str:
        return (
            f"Wrote {self.events} events and {self.welcomes} welcome package(s) to "
            f"{self.path}. It holds only encrypted content, but treat it as private."
        )


@dataclass
class TakenIn:
    """What an imported bundle brought."""

    net: bytes
    report: files.ImportReport
    kinds: Counter[str] = field(default_factory=Counter)
    rekeyed: bool = False

    def to_json(self) -> dict[str, object]:
        data = self.report.to_json()
        data.update(rekeyed=self.rekeyed, kinds=dict(self.kinds))
        return data

    def text(self) -> str:
        r = self.report
        parts = [f"{n} {_WORDS[k][n != 1]}" for k, n in sorted(self.kinds.items()) if k in _WORDS]
        what = f" ({', '.join(parts)})" if parts else ""
        text = f"Took in {r.applied} new events{what}; {r.duplicate} were already here."
        if r.held:
            text += f"\n{r.held} wait for earlier events another bundle or a sync will bring."
        if r.refused:
            text += f"\n{len(r.refused)} refused; first: {r.refused[0]}"
        if self.rekeyed:
            text += "\nStarted a new key epoch so every current member (and no one else) holds it."
        return text


class Bundles:
    def __init__(
        self, db: Database, log: EventLog, invitations: Invitations, governance: Governance
    ) -> None:
        self.db = db
        self.log = log
        self.invitations = invitations
        self.governance = governance

    def export(self, net: bytes, path: Path, progress: Progress | None = None) -> Exported:
        """``net``'s events and the welcome packages of our open invites, to ``path``."""
        made = files.export(self.db, net, path, self.invitations.open_welcomes(net))
        if progress is not None:
            progress(len(made.events), len(made.events))
        return Exported(len(made.events), len(made.welcomes), path)

    def take_in(self, path: Path, progress: Progress | None = None) -> TakenIn:
        """Verify and store a bundle's events (a network we are in); an admin then
        repairs the epoch if the bundle brought a removal."""
        loaded = files.Bundle.read(path)
        taken = self._ingest(loaded, progress)
        taken.rekeyed = self.governance.maintain(loaded.net) is not None
        return taken

    def join(
        self, code: InviteCode, path: Path, name: str, progress: Progress | None = None
    ) -> TakenIn:
        """Join with an invite code and a bundle a member made after the invite (it
        carries the invite's sealed welcome package); our join is then to be sent back
        (a bundle of our own, a relay, or a colleague on the LAN)."""
        loaded = files.Bundle.read(path)
        if loaded.net != code.net:
            raise UsageError("That bundle is for another network than this invite.")
        sealed = loaded.welcomes.get(code.key)
        if sealed is None:
            raise UsageError(
                "The bundle has no welcome package for this invite (made before the invite, "
                "or the invite is no longer open). Ask for a fresh bundle."
            )
        taken: list[TakenIn] = []
        self.invitations.join(
            code, sealed, name, before_join=lambda: taken.append(self._ingest(loaded, progress))
        )
        return taken[0] if taken else TakenIn(code.net, files.ImportReport())

    def _ingest(self, loaded: files.Bundle, progress: Progress | None) -> TakenIn:
        taken = TakenIn(loaded.net, files.ImportReport())

        def note(raw: bytes, outcome: Outcome) -> None:
            if outcome is Outcome.APPLIED:
                taken.kinds[parse_trusted(raw).kind] += 1

        taken.report = files.ingest(self.log, loaded, progress=progress, on_outcome=note)
        return taken
