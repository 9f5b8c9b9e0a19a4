"""Benchmark: verifying the keyed audit log (`check`), and writing one row of it.

    python bench/audit_bench.py [--rows 100000] [--runs 3] [--data-dir DIR] [--json]

A data folder whose log holds `--rows` rows (built if missing, each row by `audit.record`
in transactions of 1,000, signed in as `admin` / `bench-tre-2026`; kept in DIR when given)
is measured, medians and spread of `--runs`:

- the log verified with the administrators' key (every hash, every MAC and the chain's
  current key recomputed: an administrator's `check`) and without it (hashes, sequence
  numbers and the chain's state: any other account's `check`), each beside reading the
  same rows in plain SQL on the keyed sqlcipher3 connection, in the same run;
- one row written in a transaction of its own, as every change writes its row (median
  of 200 rows a run).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from contextlib import closing
from pathlib import Path

from demo_build import PASSWORD, USER  # bench/ is the script's folder
from run_all import figure, print_json
from sqlalchemy import func, select

from app.db import Database, open_database
from app.db.engine import keyed_connection
from app.models import AuditEntry
from app.paths import DataPaths
from app.services import accounts, audit, setup
from app.services.audit import AuditAction

BATCH = 1_000
APPENDS = 200


def build(paths: DataPaths, rows: int) -> None:
    db = setup.init_data_folder(paths, USER, PASSWORD)
    accounts.authenticate(db, USER, PASSWORD)
    print(f"writing {rows:,} audit rows in {paths.root} …", flush=True)
    for start in range(0, rows, BATCH):
        with db.write() as session:
            for number in range(start, min(start + BATCH, rows)):
                audit.record(session, "canbo", AuditAction.CASE_UPDATE, entity="case",
                             entity_uuid=f"00000000-0000-4000-8000-{number:012d}",
                             detail={"code": f"VV2026-{number:06d}",
                                     "changed": ["platform_code", "summary"],
                                     "values": {"platform_code": ["FB", "YT"]}})
    db.dispose()


def _timed_verify(db: Database, admin_key: bytes | None) -> float:
    started = time.perf_counter()
    with db.read() as session:
        problems = audit.verify_chain(session, admin_key, keyed=True)
    elapsed = time.perf_counter() - started
    assert problems == [], problems
    return elapsed


def _timed_read(db: Database) -> float:
    started = time.perf_counter()
    with closing(keyed_connection(db.paths.database, db.data_key)) as conn:
        conn.execute("SELECT * FROM audit_log ORDER BY id").fetchall()
    return time.perf_counter() - started


def _timed_append(db: Database) -> float:
    times = []
    for _ in range(APPENDS):
        started = time.perf_counter()
        with db.write() as session:
            audit.record(session, "canbo", AuditAction.CHILD_CASE_VIEW, entity="case",
                         entity_uuid="00000000-0000-4000-8000-000000000000")
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):7.3f} s ({min(values):.3f}–{max(values):.3f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="also print one JSON line last")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        paths = DataPaths(args.data_dir or Path(tmp) / "register")
        if not paths.database.exists():
            build(paths, args.rows)
        db = open_database(paths)
        accounts.authenticate(db, USER, PASSWORD)
        assert db.admin_key is not None
        figures: dict[str, list[float]] = {name: [] for name in (
            "with A", "without A", "plain read", "append")}
        for _ in range(args.runs):
            figures["plain read"].append(_timed_read(db))
            figures["with A"].append(_timed_verify(db, db.admin_key))
            figures["without A"].append(_timed_verify(db, None))
            figures["append"].append(_timed_append(db))
        with db.read() as session:
            rows = session.execute(select(func.count(AuditEntry.id))).scalar_one()
        db.dispose()
    print(f"Audit log of {rows:,} rows, {args.runs} runs")
    for name in ("with A", "without A", "plain read", "append"):
        print(f"{name:10} {_spread(figures[name])}")
    if args.json:
        base = "reading the rows in plain SQL"
        print_json("audit_bench", [
            figure(f"audit log of {rows:,} rows verified with the administrators' key",
                   figures["with A"], baseline=base, baseline_values=figures["plain read"]),
            figure(f"audit log of {rows:,} rows verified without it", figures["without A"],
                   baseline=base, baseline_values=figures["plain read"]),
            figure("one audit row written in its own transaction (median of "
                   f"{APPENDS})", figures["append"]),
        ])


if __name__ == "__main__":
    main()
