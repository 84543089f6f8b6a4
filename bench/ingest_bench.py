"""Benchmark of a catch-up's serial part: storing events already verified and opened.

    .venv/bin/python bench/ingest_bench.py                 # 20,000 events, three runs
    .venv/bin/python bench/ingest_bench.py --statements    # and what each statement costs

A founder writes the sync bench's corpus (a case, then three comments, in turn); a member
who joined through an invite takes them in three ways, each into a library of its own
and in the same process:

- **stored** — verified and opened first on this thread, as sync's worker threads do
  (``sync.ingest.parse_all``), then only the storing is timed (``sync.ingest.ingest``,
  transactions of ``MAX_TRANSACTION`` events, as a catch-up stores them): the part of a
  catch-up that runs on one thread whatever the number of cores;
- **the baseline**: the same events verified, opened and stored on one thread
  (``EventLog.ingest``), the figure ``sync_bench.py`` prints as "from memory";
- with ``--statements``, the stored part again with each SQL statement timed (a wrapper
  around the connection; it slows what it watches a little).

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from casebook.core.profile import Profile
from casebook.store.database import Database
from casebook.sync.ingest import MAX_TRANSACTION, SyncReport, Verified, ingest, parse_all
from sync_bench import write_content

PASSPHRASE = "benchmark passphrase, not secret"


class Timed:
    """A connection whose statements are timed, by their text."""

    def __init__(self, conn: Any) -> None:
        self._conn = conn
        self.spent: dict[str, list[float]] = defaultdict(lambda: [0, 0.0])

    def _timed(self, method: str, sql: str, *args: Any) -> Any:
        started = time.perf_counter()
        try:
            return getattr(self._conn, method)(sql, *args)
        finally:
            entry = self.spent[" ".join(sql.split())[:90]]
            entry[0] += 1
            entry[1] += time.perf_counter() - started

    def execute(self, sql: str, *args: Any) -> Any:
        return self._timed("execute", sql, *args)

    def executemany(self, sql: str, *args: Any) -> Any:
        return self._timed("executemany", sql, *args)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


def member(root: Path, founder: Profile, net: bytes, name: str) -> Profile:
    """A member who joined with an invite, holding what the founder held then."""
    profile = Profile.create(root / name, f"Dr. {name.title()}", PASSPHRASE, kdf_target_ms=50)
    made = founder.invitations.create(net)
    code = profile.invitations.read_code(made.code)

    def before_join() -> None:
        for raw in founder.log.wire.all(stored(founder, net)):
            profile.log.ingest(raw)

    profile.invitations.join(code, made.welcome, profile.name, before_join=before_join)
    return profile


def stored(profile: Profile, net: bytes, after: int = 0) -> list[bytes]:
    rows = profile.db.all(
        "SELECT raw FROM events WHERE net = ? AND seqno > ? ORDER BY seqno", (net, after)
    )
    return [bytes(r["raw"]) for r in rows]


def store(profile: Profile, net: bytes, verified: list[Verified | str]) -> float:
    """Seconds to store ``verified`` as a catch-up does."""
    report = SyncReport(net, "memory")
    started = time.perf_counter()
    for start in range(0, len(verified), MAX_TRANSACTION):
        ingest(profile.log, [verified[start : start + MAX_TRANSACTION]], report, {})
    elapsed = time.perf_counter() - started
    if report.applied != len(verified):
        raise SystemExit(f"only {report.applied} of {len(verified)} events were applied")
    return elapsed


def one_thread(profile: Profile, raws: list[bytes]) -> float:
    started = time.perf_counter()
    for start in range(0, len(raws), MAX_TRANSACTION):
        with profile.log.batch():
            for raw in raws[start : start + MAX_TRANSACTION]:
                profile.log.ingest(raw)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--statements", action="store_true", help="time each SQL statement")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casebook-ingest-bench-") as tmp:
        root = Path(tmp)
        founder = Profile.create(root / "founder", "Dr. Founder", PASSPHRASE, kdf_target_ms=50)
        net = founder.library.create_network("Bench Circle", founder.name)
        members = [member(root, founder, net, f"m{i}") for i in range(2 * args.runs + 1)]
        first = int(founder.db.scalar("SELECT max(seqno) FROM events"))
        for profile in members:  # (the invites made after its own)
            for raw in founder.log.wire.all(stored(founder, net)):
                profile.log.ingest(raw)
        write_content(founder, net, args.events)
        raws = founder.log.wire.all(stored(founder, net, first))
        print(f"{len(raws):,} events of the sync bench's corpus; {args.runs} runs of each")
        stored_s, baseline_s = [], []
        for run in range(args.runs):  # alternating, so both see the same machine
            reader = members[2 * run]
            seeds = {e: [reader.log.seed(net, e)] for e in range(reader.log.current_epoch(net) + 1)}
            verified = parse_all(raws, seeds)
            stored_s.append(store(reader, net, verified))
            baseline_s.append(one_thread(members[2 * run + 1], raws))
        rates = [len(raws) / s for s in stored_s]
        base = [len(raws) / s for s in baseline_s]
        print(
            f"stored (verified on another thread first): median {statistics.median(rates):,.0f}"
            f" events/s ({', '.join(f'{r:,.0f}' for r in rates)})"
        )
        print(
            f"baseline, verified and stored on one thread: median {statistics.median(base):,.0f}"
            f" events/s ({', '.join(f'{r:,.0f}' for r in base)}); storing is "
            f"{statistics.median(base) / statistics.median(rates):.0%} of its time"
        )
        if args.statements:
            statements(members[-1], net, raws)


def statements(reader: Profile, net: bytes, raws: list[bytes]) -> None:
    db: Database = reader.db
    timed = Timed(db.conn)
    seeds = {e: [reader.log.seed(net, e)] for e in range(reader.log.current_epoch(net) + 1)}
    verified = parse_all(raws, seeds)
    db.conn = timed
    total = store(reader, net, verified)
    db.conn = timed._conn
    sql = sum(t for _, t in timed.spent.values())
    print(f"stored again with each statement timed: {total:.2f} s, {sql:.2f} s of it in SQL")
    print("    s   calls   µs each  share  statement")
    for text, (calls, spent) in sorted(timed.spent.items(), key=lambda kv: -kv[1][1])[:10]:
        print(
            f"{spent:5.2f} {int(calls):7,} {spent / calls * 1e6:9.1f} {spent / total:6.0%}  {text}"
        )


if __name__ == "__main__":
    main()
