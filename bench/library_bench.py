"""Benchmark of the encrypted library: write rate, unlock, search latency, size.

    make bench                      # the full 100,000 cases + 300,000 comments
    .venv/bin/python bench/library_bench.py --cases 5000 --comments 15000   # a quick look

Builds the library through the real write path (canonical events, ChaCha20-Poly1305,
Ed25519, SQLCipher, FTS5), then runs the same searches on it and on a plain SQLite copy
of the same database (``sqlcipher_export`` into an unkeyed file) in the same process,
and prints both and their ratio. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from casebook.core.ledger.eventlog import EventLog
from casebook.core.library.queries import MIN_PREFIX, Queries
from casebook.core.library.search import Filters, ranked_documents, terms
from casebook.core.model import invite_codes
from casebook.core.model.identity import Identity
from casebook.core.profile import Profile
from casebook.store.database import Database
from corpus import Corpus

PASSPHRASE = "benchmark passphrase, not secret"
BATCH = 1000


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def size_of(directory: Path) -> int:
    return sum(f.stat().st_size for f in directory.iterdir() if f.is_file())


def build(
    profile: Profile,
    corpus: Corpus,
    cases: int,
    comments: int,
    members: int,
    batch_size: int = BATCH,
) -> float:
    """Write the library batch by batch; returns events/s of the write path alone.

    Text is generated before each batch and not timed: the figure is what writing costs
    (validate, encrypt, sign, store, project, index, commit), not the synthetic corpus.
    """
    net = profile.library.create_network("Benchmark Circle", profile.name)
    seed = profile.log.seed(net, 0)
    authors = [profile.log] + [EventLog(profile.db, Identity.generate()) for _ in range(members)]
    # Every author joins with a real invite (one invite with enough uses).
    made = profile.invitations.create(net, uses=max(members, 1))
    secret = bytes(
        profile.db.scalar("SELECT secret FROM invite_secrets WHERE key = ?", (made.key,))
    )
    for number, log in enumerate(authors[1:]):
        log.add_seed(net, 0, seed)
        nonce, xkey = os.urandom(16), log.identity.exchange_public_key
        proof = invite_codes.prove(secret, net, log.identity.public_key, xkey, nonce)
        log.append(
            net,
            "member.join",
            {"name": f"Dr. Member {number:02d}"},
            pub={"invite": made.key, "xkey": xkey, "nonce": nonce, "proof": proof},
        )
    rng = random.Random(5)
    case_ids: list[bytes] = []
    per_case = comments / max(cases, 1)
    written = 0
    writing = 0.0
    last_report = time.perf_counter()
    db = profile.db
    owed = 0.0
    commits = 0.0  # of ``writing``: the COMMITs (pages encrypted and written)
    spans: list[tuple[int, float]] = []  # (events, seconds) of each transaction
    while len(case_ids) < cases:
        batch: list[tuple[EventLog, str, dict | None, str | None]] = []
        for _ in range(min(batch_size // 4, cases - len(case_ids) - len(batch))):
            batch.append((rng.choice(authors), "case", {**corpus.case(), "attachments": []}, None))
            owed += per_case
            while owed >= 1:
                owed -= 1
                batch.append((rng.choice(authors), "comment", None, corpus.comment()))
        started = time.perf_counter()
        with db.transaction():
            for log, what, payload, body in batch:
                if what == "case":
                    case_ids.append(log.append(net, "case.create", payload).id)  # type: ignore[arg-type]
                else:
                    back = min(len(case_ids) - 1, int(rng.expovariate(1 / 200)))
                    target = case_ids[-1 - back]
                    log.append(
                        net, "comment.create", {"case": target, "parent": None, "body": body}
                    )
                written += 1
            committing = time.perf_counter()
        done = time.perf_counter()
        writing += done - started
        commits += done - committing
        spans.append((len(batch), done - started))
        if done - last_report > 15:
            print(
                f"  … {written:,} events, {written / writing:,.0f}/s "
                f"(commits {commits / writing:.0%} of it)",
                flush=True,
            )
            last_report = time.perf_counter()
    print(f"commits: {commits:.1f} s of the {writing:.1f} s written ({commits / writing:.0%})")
    first, last = tenth(spans), tenth(spans[::-1])
    change = f"falls {1 - last / first:.0%}" if last < first else f"rises {last / first - 1:.0%}"
    print(
        f"write rate over the first tenth of the events {first:,.0f}/s, over the last tenth "
        f"{last:,.0f}/s: {change} (goal: falls 15 % at most)"
    )
    return written / writing


def tenth(spans: list[tuple[int, float]]) -> float:
    """Events/s over the transactions that hold the first tenth of the events written
    (of the last tenth: ``spans`` reversed)."""
    wanted = sum(n for n, _ in spans) / 10
    events, seconds = 0, 0.0
    for n, spent in spans:
        events, seconds = events + n, seconds + spent
        if events >= wanted:
            break
    return events / seconds


def timed_queries(queries: Queries, texts: list[str]) -> tuple[list[float], list[float]]:
    """(ranked FTS query ms, full search incl. case rows and snippets ms) per text."""
    ranked, full = [], []
    for text in texts:
        words = terms(text)
        t0 = time.perf_counter()
        ranked_documents(queries.db, words, Filters(), 20)
        t1 = time.perf_counter()
        queries.search(text, Filters(), 20)
        t2 = time.perf_counter()
        ranked.append((t1 - t0) * 1000)
        full.append((t2 - t1) * 1000)
    return ranked, full


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--comments", type=int, default=300_000)
    parser.add_argument("--members", type=int, default=30)
    parser.add_argument("--batch", type=int, default=BATCH, help="events per transaction")
    parser.add_argument("--queries", type=int, default=200, help="per query length")
    parser.add_argument("--dir", help="work directory (default: a temporary one, removed)")
    parser.add_argument(
        "--reuse", action="store_true", help="search the library already built in --dir"
    )
    parser.add_argument(
        "--page-size",
        type=int,
        help="pages of the library built (default: a new profile's, 16384); 4096 for before",
    )
    parser.add_argument(
        "--million",
        action="store_true",
        help="the 1,000,000-case library (3,000,000 comments): about an hour to build here",
    )
    args = parser.parse_args()
    if args.million:
        args.cases, args.comments = 1_000_000, 3_000_000
    if args.page_size:
        import casebook.core.profile as profile_module

        profile_module.DEFAULT_PAGE_SIZE = args.page_size  # what Profile.create writes

    work = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="casebook-bench-"))
    reuse = args.reuse and (work / "profile" / "profile.json").exists()
    if not reuse:
        shutil.rmtree(work / "profile", ignore_errors=True)
    corpus = Corpus()
    print(f"Casebook library benchmark — {args.cases:,} cases, {args.comments:,} comments")
    print(f"work dir: {work}   cores: {os.cpu_count()}")
    if not reuse:
        build_library(work, corpus, args)

    search_library(work, args)
    cleanup(work, args)


def build_library(work: Path, corpus: Corpus, args: argparse.Namespace) -> None:
    t0 = time.perf_counter()
    profile = Profile.create(work / "profile", "Dr. Bench Marker", PASSPHRASE, kdf_target_ms=500)
    print(f"profile created (incl. Argon2id calibration): {time.perf_counter() - t0:.2f} s")
    compiled = profile.db.compiled
    rate = build(profile, corpus, args.cases, args.comments, args.members, args.batch)
    compiled = profile.db.compiled - compiled
    events = profile.db.scalar("SELECT count(*) FROM events")
    print(
        f"write: {events:,} events at {rate:,.0f} events/s (signed, encrypted, indexed; "
        f"{args.batch} per transaction; {compiled:,} statements compiled)"
    )
    shown = profile.db.scalar("SELECT count(*) FROM cases")
    waiting = profile.db.scalar("SELECT count(*) FROM waiting")
    print(f"cases in the library: {shown:,} (events waiting: {waiting:,})")
    t0 = time.perf_counter()
    for table in ("case_fts", "comment_fts"):
        profile.db.execute(f"INSERT INTO {table} ({table}) VALUES ('optimize')")
    profile.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"fts optimize + checkpoint: {time.perf_counter() - t0:.1f} s")
    profile.close()


def search_library(work: Path, args: argparse.Namespace) -> None:
    unlocks = []
    for _ in range(3):
        opened = Profile.unlock(work / "profile", PASSPHRASE)
        unlocks.append(opened.unlock_seconds)
        opened.close()
    print(f"unlock (Argon2id + open + schema check): median {statistics.median(unlocks):.3f} s")
    print(f"database size: {size_of(work / 'profile') / 1e6:,.0f} MB")

    profile = Profile.unlock(work / "profile", PASSPHRASE)
    plain_path = work / "plain.db"
    plain_path.unlink(missing_ok=True)
    profile.db.export_plain(plain_path)
    plain = Database.open(plain_path, None)
    plain_queries = Queries(plain)
    print(f"plain SQLite copy: {plain_path.stat().st_size / 1e6:,.0f} MB")

    qrng = Corpus(seed=99)
    print("\nsearch (top 20, bm25), milliseconds        p50     p95   plain p50  p95   ratio p95")
    for words in (1, 2, 3):
        texts = [qrng.query(words) for _ in range(args.queries)]
        timed_queries(profile.queries, texts[:20])  # warm the caches of both the same way
        timed_queries(plain_queries, texts[:20])
        ranked, full = timed_queries(profile.queries, texts)
        plain_ranked, plain_full = timed_queries(plain_queries, texts)
        for label, enc, base in (("ranked", ranked, plain_ranked), ("full", full, plain_full)):
            print(table_row(f"{words}-word {label:<7}", enc, base))
    typeahead(profile.queries, plain_queries, qrng, args.queries)
    plain.close()
    profile.close()


def typed(text: str) -> list[str]:
    """What a search box holds key by key while ``text`` is typed, from the last word's
    second letter on (type-ahead starts there: ``MIN_PREFIX``)."""
    head, _, last = text.rpartition(" ")
    lead = head + " " if head else ""
    return [lead + last[:n] for n in range(MIN_PREFIX, len(last) + 1)]


def typeahead(queries: Queries, plain: Queries, qrng: Corpus, count: int) -> None:
    """The app's type-ahead search (last word a prefix, as the search box asks on each
    key): p95 over every key of ``count`` one- and two-word queries, and over the last
    key of each (the whole word typed: the search whose results stay on screen; the app
    skips a key's search when the next key came before it started)."""
    typings = [typed(qrng.query(1 + i % 2)) for i in range(count)]
    texts = [t for keys in typings for t in keys]
    last = set(itertools.accumulate(len(keys) for keys in typings))  # 1 + each last key

    def times(q: Queries) -> list[float]:
        out = []
        for text in texts:
            t0 = time.perf_counter()
            q.search(text, Filters(), 20, prefix=True)
            out.append((time.perf_counter() - t0) * 1000)
        return out

    times(queries), times(plain)  # warm the caches of both the same way
    enc, base = times(queries), times(plain)
    print(table_row(f"{'type-ahead':<13}", enc, base) + f"   ({len(texts):,} keys)")
    enc_last, base_last = ([ms for i, ms in enumerate(x, 1) if i in last] for x in (enc, base))
    print(table_row(f"{'  last key':<13}", enc_last, base_last) + f"   ({len(last):,} words)")


def table_row(label: str, enc: list[float], base: list[float]) -> str:
    """One line of the search table: p50 and p95 encrypted, then plain, then the ratio."""
    e50, e95, b50, b95 = (percentile(x, q) for x in (enc, base) for q in (50, 95))
    return f"  {label} SQLCipher {e50:7.1f} {e95:7.1f}   {b50:7.1f} {b95:7.1f}   {e95 / b95:5.2f}"


def cleanup(work: Path, args: argparse.Namespace) -> None:
    if not args.dir:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
