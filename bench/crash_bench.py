"""Benchmark of crash safety: kill the program with SIGKILL at random moments.

    python bench/crash_bench.py [--kills 200] [--migration-kills 50] [--cases 5000] [--seed N]

Writer: a child writes cases (create_case, add_event, demo batches) and prints each id
after its commit; it is killed at a random moment, then the folder is checked (integrity,
audit chain, every printed id present, no half-written case, audit rows matching the
changes). Migration: a folder of a version before encryption (plain SQLite at revision
0002, `--cases` cases) is signed in to, which encrypts its database in place and upgrades
it, and killed at a random moment (`KillSchedule`, as tests/test_crash.py); it must be the
old plain folder, the encrypted one at the old revision or the encrypted one upgraded, its
data intact and its safety copies whole and encrypted, and the next sign-in finishes the
work. Prints the figures; exits 1 on any problem.
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.crash_writer

from alembic.script import ScriptDirectory

from app.db import encryption, open_database
from app.db.migrate import alembic_config
from app.paths import DataPaths
from app.services import accounts, setup
from tests.crash_writer import (
    OLD_PASSWORD,
    CrashHarness,
    KillSchedule,
    data_key_of,
    data_tables,
    old_register,
    problems_after,
    revision_of,
    rows_digest,
    schema,
)

PASSWORD = "bench-tre-2026"
OLD_REVISION = "0002"


def _spread(values: list[float]) -> str:
    return (f"median {statistics.median(values) * 1000:.0f} ms "
            f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})")


def writer(harness: CrashHarness, root: Path, kills: int, rng: random.Random) -> int:
    paths = DataPaths(root / "writer")
    db = setup.init_data_folder(paths, "admin", PASSWORD)
    key = db.data_key
    db.dispose()
    printed: list[str] = []
    lifetimes: list[float] = []
    checks: list[float] = []
    problems: list[str] = []
    for _ in range(kills):
        result = harness.run(["write", str(paths.root), key.hex(), str(rng.randrange(1 << 30))],
                             kill_after=rng.uniform(0.0, 0.5))
        printed += result.lines
        lifetimes.append(result.seconds)
        started = time.perf_counter()
        db = open_database(paths)
        db.unlock(key)
        problems += problems_after(db, printed)
        db.dispose()
        checks.append(time.perf_counter() - started)
    kinds = {word: sum(line.startswith(word) for line in printed)
             for word in ("case", "event", "batch")}
    size = paths.database.stat().st_size / (1 << 20)
    print(f"writer: {kills} kills; committed and printed {kinds['case']} cases, "
          f"{kinds['event']} events, {kinds['batch']} demo batches; database {size:.1f} MB")
    print(f"  child lifetime {_spread(lifetimes)}; reopen + full check {_spread(checks)}")
    print(f"  problems: {len(problems)}")
    for problem in problems[:20]:
        print(f"    {problem}")
    return len(problems)


def _state(copy: DataPaths) -> tuple[str, bytes | None]:
    """What a kill left (`plain 0002`, `encrypted 0002`, `encrypted HEAD`), and the key of
    what it encrypted (the key file is written before the encryption starts)."""
    key = data_key_of(copy)
    plain = encryption.is_plain(copy.database)
    revision = revision_of(copy.database, None if plain else key)
    return f"{'plain' if plain else 'encrypted'} {revision}", key


def _problems_of(copy: DataPaths, outcome: str, key: bytes | None,
                 schemas: dict[str, list[tuple[str, ...]]], tables: list[str],
                 rows: str) -> list[str]:
    """What is wrong with the folder a kill left in state `outcome`."""
    problems = []
    revision = outcome.split()[1]
    in_place = None if outcome.startswith("plain") else key
    if revision not in schemas:
        return [f"{outcome}: neither the old revision nor the new"]
    if schema(copy.database, in_place) != schemas[revision]:
        problems.append(f"{outcome}: the schema is not that of revision {revision}")
    if rows_digest(copy.database, tables, in_place) != rows:
        problems.append(f"{outcome}: the data changed")
    for backup in [*copy.backups.glob("truoc-nang-cap-*.sqlite3"),
                   *copy.backups.glob("truoc-ma-hoa-*.sqlite3")]:
        if encryption.is_plain(backup) or key is None:
            problems.append(f"{outcome}: {backup.name} is not encrypted")
        elif rows_digest(backup, tables, key) != rows:
            problems.append(f"{outcome}: {backup.name} is not whole")
    return problems


def migration(harness: CrashHarness, root: Path, kills: int, cases: int,
              rng: random.Random) -> int:
    old = DataPaths(root / "v0002")
    old_register(old, cases, OLD_REVISION)
    old_schema = schema(old.database)
    tables = data_tables(old_schema)
    rows = rows_digest(old.database, tables)
    head = str(ScriptDirectory.from_config(alembic_config()).get_current_head())
    schemas = {OLD_REVISION: old_schema}
    outcomes: dict[str, int] = {}
    reopening: list[float] = []
    problems: list[str] = []
    moments: KillSchedule | None = None
    full = 0.0
    for number in range(kills + 1):
        copy = DataPaths(root / f"copy-{number}")
        shutil.copytree(old.root, copy.root)
        # The first run is not killed: it measures how long the first sign-in takes.
        moment = moments.next() if moments is not None else None
        result = harness.run(["open", str(copy.root)], kill_after=moment)
        outcome, key = _state(copy)
        if moments is None:
            full = result.seconds
            moments = KillSchedule(full, kills * 2 // 3, rng)
            if outcome != f"encrypted {head}":
                problems.append(f"the first sign-in, not killed, left {outcome}")
            if key is not None:
                schemas[head] = schema(copy.database, key)
        else:
            assert moment is not None
            moments.record(moment, upgraded=outcome.startswith("encrypted"))
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            if not result.killed and outcome != f"encrypted {head}":
                problems.append(f"kill {number}: ended by itself, yet left {outcome}")
        problems += [f"kill {number}: {problem}"
                     for problem in _problems_of(copy, outcome, key, schemas, tables, rows)]
        started = time.perf_counter()
        again = open_database(copy)  # the next sign-in finishes the encryption and upgrade
        try:
            accounts.authenticate(again, "admin", OLD_PASSWORD)
        finally:
            again.dispose()
        reopening.append(time.perf_counter() - started)
        key = data_key_of(copy)
        if (key is None or revision_of(copy.database, key) != head
                or rows_digest(copy.database, tables, key) != rows):
            problems.append(f"kill {number}: the next sign-in did not finish the work intact")
        shutil.rmtree(copy.root)
    print(f"encryption and migration of {cases} cases from {OLD_REVISION} (plain) to {head}: "
          f"the first sign-in takes {full * 1000:.0f} ms; {kills} kills left the folder at "
          f"{dict(sorted(outcomes.items()))}")
    print(f"  signing in again after a kill (finishing the work when needed) "
          f"{_spread(reopening)}")
    print(f"  problems: {len(problems)}")
    for problem in problems[:20]:
        print(f"    {problem}")
    return len(problems)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--migration-kills", type=int, default=50)
    parser.add_argument("--cases", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=random.randrange(1 << 32))
    args = parser.parse_args()
    print(f"seed {args.seed}")
    rng = random.Random(args.seed)
    harness = CrashHarness()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            problems = writer(harness, Path(tmp), args.kills, rng)
            problems += migration(harness, Path(tmp), args.migration_kills, args.cases, rng)
    finally:
        harness.close()
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
