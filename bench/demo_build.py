"""Benchmark: build a demo data folder of N cases (issue target: 100,000 in under 60 s).

    python bench/demo_build.py [--cases 100000] [--runs 3] [--data-dir DIR]
                               [--database URL] [--json]

Prints the median and spread of the wall time and the peak memory of the process. With
`--data-dir` whose folder has no database yet, the first run builds there and the folder is
kept for the other benchmarks (`ensure_folder`, signed in as `admin` / `bench-tre-2026`); the
other runs build in a temporary folder. A folder built by a version before the database was
encrypted, or with the earlier password, is refused: remove it and it is built again.

With `--database URL` (server mode, docs/architecture.md) the demo is built into that
PostgreSQL database, which must be empty or hold the demo already, and DIR is the PC's own
folder beside it. One server database holds one register: one run, the one that builds it
(none when it holds the demo already).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from keyed import data_key  # bench/ is the script's folder
from run_all import figure, print_json

from app.db.storage import server_holds_register
from app.paths import DataPaths
from app.services import accounts, demo, setup

USER, PASSWORD = "admin", "bench-tre-2026"
TARGET_CASES, TARGET_SECONDS = 100_000, 60.0


def build(paths: DataPaths, cases: int) -> float:
    """A new register in `paths` with `cases` demo cases; the seconds the cases took."""
    db = setup.init_data_folder(paths, USER, PASSWORD)
    actor = accounts.authenticate(db, USER, PASSWORD)
    started = time.perf_counter()
    demo.add_demo_cases(db, actor, cases)
    elapsed = time.perf_counter() - started
    db.dispose()
    return elapsed


def holds_register(paths: DataPaths) -> bool:
    if paths.server is None:
        return paths.database.exists()
    return server_holds_register(paths.server)


def ensure_folder(root: Path, cases: int, server: str | None = None) -> bytes | None:
    """The demo register the benchmarks share: built in `root` (or the `server` database)
    unless it holds one. Returns the folder's data key, for the baselines that read the
    database without the program; None on a server (those baselines are SQLite's)."""
    paths = DataPaths(root, server)
    if not holds_register(paths):
        print(f"building a demo register of {cases:,} cases in "
              f"{'the server database' if server else root} …", flush=True)
        build(paths, cases)
    if server is not None:
        return None
    key = data_key(root, USER, PASSWORD)
    if key is None:
        raise SystemExit(f"{root} was built by an earlier version (a database before "
                         f"encryption, or another password than {PASSWORD!r}): remove the "
                         "folder and it will be built again")
    return key


def one_run(cases: int, keep: DataPaths | None) -> float:
    if keep is not None:
        print(f"this run builds {'the server database' if keep.server else keep.root}, kept "
              "for the other benchmarks", flush=True)
        return build(keep, cases)
    with tempfile.TemporaryDirectory() as tmp:
        return build(DataPaths(Path(tmp) / "data"), cases)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=TARGET_CASES)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--data-dir", type=Path,
                        help="keep a demo folder here, built by the first run if missing")
    parser.add_argument("--database", metavar="URL",
                        help="build into this PostgreSQL database (server mode): one run")
    parser.add_argument("--json", action="store_true", help="also print one JSON line last")
    args = parser.parse_args()
    keep: DataPaths | None
    if args.database:
        if args.data_dir is None:
            parser.error("--database needs --data-dir (the PC's own folder beside it)")
        paths = DataPaths(args.data_dir, args.database)
        if holds_register(paths):
            print("the server database holds a register already: nothing to build")
            if args.json:
                print_json("demo_build", [])
            return
        runs, keep = 1, paths
    else:
        runs = args.runs
        keep = DataPaths(args.data_dir) if args.data_dir and not DataPaths(
            args.data_dir).database.exists() else None
    times = [one_run(args.cases, keep if run == 0 else None) for run in range(runs)]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"demo --cases {args.cases}: median {statistics.median(times):.1f} s "
          f"(min {min(times):.1f}, max {max(times):.1f}, {runs} runs); "
          f"peak memory {peak_mb:.0f} MB")
    if args.json:
        target = TARGET_SECONDS if args.cases == TARGET_CASES else None
        print_json("demo_build", [
            figure(f"`demo --cases {args.cases}`", times, at_most=target,
                   note="" if target else f"the target is for {TARGET_CASES:,} cases"),
            figure("demo build, peak memory", [peak_mb], unit="MB",
                   note="the largest resident size of the process over all its runs")])


if __name__ == "__main__":
    main()
