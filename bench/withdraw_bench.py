"""What a withdrawal costs the withdrawing computer (issue 17): the purge of one case in a
library of N cases with three comments each, against a baseline of writing one new case
with a comment in the same library, in the same process.

    .venv/bin/python bench/withdraw_bench.py                # 2,000 cases, 5 withdrawals
    .venv/bin/python bench/withdraw_bench.py --cases 10000 --rounds 3

The purge reads every tagged event of the network (one HMAC each, so an event that
claims to predate its case is found too), deletes the case's rows and search entries,
merges the FTS segments ('optimize': the whole index, the part that grows with the
library) and empties the write-ahead log. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).parent)]
from casebook.core.profile import Profile  # noqa: E402
from corpus import Corpus  # noqa: E402

PASSPHRASE = "withdraw bench passphrase"


def build(folder: Path, cases: int) -> tuple[Profile, bytes, list[bytes]]:
    profile = Profile.create(folder, "Dr. Bench", PASSPHRASE, kdf_target_ms=10)
    net = profile.library.create_network("Bench Circle", profile.name)
    corpus = Corpus(seed=17)
    made = []
    with profile.log.batch():
        for _ in range(cases):
            case = profile.library.post_case(net, **corpus.case(), allow_identifiers=True)
            for _ in range(3):
                profile.library.comment(case, corpus.comment(), allow_identifiers=True)
            made.append(case)
    return profile, net, made


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="casebook-withdraw-bench-") as scratch:
        started = time.perf_counter()
        profile, net, cases = build(Path(scratch) / "p", args.cases)
        events = profile.db.scalar("SELECT count(*) FROM events")
        print(f"library: {args.cases:,} cases, {events:,} events, built in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        corpus = Corpus(seed=18)
        write, purge = [], []
        for round_ in range(args.rounds):
            started = time.perf_counter()
            case = profile.library.post_case(net, **corpus.case(), allow_identifiers=True)
            profile.library.comment(case, corpus.comment(), allow_identifiers=True)
            write.append(time.perf_counter() - started)
            target = cases[(round_ * 7919) % len(cases)]  # an old case, not the newest
            started = time.perf_counter()
            profile.library.withdraw(target, "Consent withdrawn")
            purge.append(time.perf_counter() - started)
        profile.close()
    print(f"baseline: write a case and a comment  median {statistics.median(write) * 1000:7.1f} ms")
    print(f"withdraw one case (purge, all of it)  median {statistics.median(purge) * 1000:7.1f} ms"
          f"  (max {max(purge) * 1000:.1f} ms, {len(purge)} rounds)")  # fmt: skip
    print(f"withdraw / baseline = {statistics.median(purge) / statistics.median(write):.1f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
