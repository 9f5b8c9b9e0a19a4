"""Benchmark of crash safety: kill the program with SIGKILL at random moments.

    python bench/crash_bench.py [--kills 200] [--migration-kills 50] [--cases 5000] [--seed N]

Writer: a child writes cases (create_case, add_event, demo batches) and prints each id
after its commit; it is killed at a random moment, then the folder is checked (integrity,
audit chain, every printed id present, no half-written case, audit rows matching the
changes). Migration: a folder at revision 0002 with `--cases` cases is upgraded and killed
at a random moment; it must be at the old or the new revision with its data intact, and
the next opening finishes the upgrade. Prints the figures; exits 1 on any problem.
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

from app.db import open_database
from app.db.migrate import alembic_config
from app.paths import DataPaths
from app.services import setup
from tests.crash_writer import (
    CrashHarness,
    data_tables,
    old_register,
    problems_after,
    revision_of,
    rows_digest,
    schema,
)

PASSWORD = "bench-tre-2026"


def _spread(values: list[float]) -> str:
    return (f"median {statistics.median(values) * 1000:.0f} ms "
            f"(min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f})")


def writer(harness: CrashHarness, root: Path, kills: int, rng: random.Random) -> int:
    paths = DataPaths(root / "writer")
    setup.init_data_folder(paths, "admin", PASSWORD).dispose()
    printed: list[str] = []
    lifetimes: list[float] = []
    checks: list[float] = []
    problems: list[str] = []
    for _ in range(kills):
        result = harness.run(["write", str(paths.root), str(rng.randrange(1 << 30))],
                             kill_after=rng.uniform(0.0, 0.5))
        printed += result.lines
        lifetimes.append(result.seconds)
        started = time.perf_counter()
        db = open_database(paths)
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


def migration(harness: CrashHarness, root: Path, kills: int, cases: int,
              rng: random.Random) -> int:
    old = DataPaths(root / "v0002")
    old_register(old, cases, "0002")
    old_schema = schema(old.database)
    tables = data_tables(old_schema)
    rows = rows_digest(old.database, tables)
    head = str(ScriptDirectory.from_config(alembic_config()).get_current_head())
    schemas = {"0002": old_schema}
    outcomes = {"0002": 0, head: 0}
    reopening: list[float] = []
    problems: list[str] = []
    full = 0.0
    for number in range(kills + 1):
        copy = DataPaths(root / f"copy-{number}")
        shutil.copytree(old.root, copy.root)
        # The first run is not killed: it measures how long an upgrade takes.
        result = harness.run(["open", str(copy.root)],
                             kill_after=rng.uniform(0.0, full * 1.1) if number else None)
        revision = revision_of(copy.database)
        if number == 0:
            full = result.seconds
            schemas[head] = schema(copy.database)
        else:
            outcomes[revision] = outcomes.get(revision, 0) + 1
        if schema(copy.database) != schemas.get(revision):
            problems.append(f"kill {number}: the schema is not that of revision {revision}")
        if rows_digest(copy.database, tables) != rows:
            problems.append(f"kill {number}: the data changed")
        for backup in copy.backups.glob("truoc-nang-cap-*.sqlite3"):
            if rows_digest(backup, tables) != rows:
                problems.append(f"kill {number}: the backup before upgrading is not whole")
        started = time.perf_counter()
        open_database(copy).dispose()
        reopening.append(time.perf_counter() - started)
        if revision_of(copy.database) != head or rows_digest(copy.database, tables) != rows:
            problems.append(f"kill {number}: reopening did not finish the upgrade intact")
        shutil.rmtree(copy.root)
    print(f"migration of {cases} cases from 0002 to {head}: a full upgrade takes "
          f"{full * 1000:.0f} ms; {kills} kills left the folder at {outcomes}")
    print(f"  reopening after a kill (finishing the upgrade when needed) {_spread(reopening)}")
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
