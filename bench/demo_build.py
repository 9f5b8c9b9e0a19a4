"""Benchmark: build a demo data folder of N cases (issue target: 100,000 in under 60 s).

    python bench/demo_build.py [--cases 100000] [--runs 3]

Prints the median and spread of the wall time and the peak memory of the process.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import tempfile
import time
from pathlib import Path

from app.paths import DataPaths
from app.services import accounts, demo, setup


def one_run(cases: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        paths = DataPaths(Path(tmp) / "data")
        db = setup.init_data_folder(paths, "admin", "bench-2026")
        actor = accounts.authenticate(db, "admin", "bench-2026")
        started = time.perf_counter()
        demo.add_demo_cases(db, actor, cases)
        elapsed = time.perf_counter() - started
        db.dispose()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    times = [one_run(args.cases) for _ in range(args.runs)]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"demo --cases {args.cases}: median {statistics.median(times):.1f} s "
          f"(min {min(times):.1f}, max {max(times):.1f}, {args.runs} runs); "
          f"peak memory {peak_mb:.0f} MB")


if __name__ == "__main__":
    main()
