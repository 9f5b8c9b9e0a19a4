"""Benchmark: backup, restore and `check` of a large register, against SQLite alone.

    python bench/backup_bench.py [--data-dir DIR] [--cases 100000] [--runs 3] [--json]

A demo data folder of `--cases` cases (kept in DIR when given; built if missing by
`demo_build.ensure_folder`, signed in as `admin` / `bench-tre-2026`) is measured, medians and
spread of `--runs`, each beside its baseline measured in the same run:

- backup: `make_backup` (snapshot, integrity check, encrypted archive of the database and
  evidence) against SQLite's online backup API alone copying the database;
- restore: `restore_backup` into an empty folder (decrypt, unpack, check, swap) against
  the same backup API copying the snapshot back;
- check: `check_data_folder` (integrity, foreign keys, audit chain, evidence hashes)
  against `PRAGMA integrity_check` and `foreign_key_check` in plain sqlite3.
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from demo_build import PASSWORD, USER, ensure_folder  # bench/ is the script's folder
from run_all import figure, print_json

from app.db import open_database
from app.paths import DataPaths
from app.services import accounts, backup
from app.services.integrity import check_data_folder

PAIRS = (("backup", "sqlite backup API"), ("restore", "sqlite copy back"),
         ("check", "sqlite pragmas"))


def _timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _sqlite_copy(source: Path, target: Path) -> None:
    target.unlink(missing_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dest:
        src.backup(dest)


def _sqlite_check(database: Path) -> None:
    with sqlite3.connect(database) as connection:
        connection.execute("PRAGMA integrity_check").fetchall()
        connection.execute("PRAGMA foreign_key_check").fetchall()


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):7.2f} s ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", action="store_true", help="also print one JSON line last")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        paths = DataPaths(args.data_dir or scratch / "register")
        ensure_folder(paths.root, args.cases)
        db = open_database(paths)
        actor = accounts.authenticate(db, USER, PASSWORD)
        figures: dict[str, list[float]] = {name: [] for name in (
            "backup", "sqlite backup API", "restore", "sqlite copy back", "check",
            "sqlite pragmas")}
        archive = scratch / "bench.svpbak"
        target = DataPaths(scratch / "restored")
        for _ in range(args.runs):
            figures["sqlite backup API"].append(
                _timed(lambda: _sqlite_copy(paths.database, scratch / "copy.sqlite3")))
            figures["backup"].append(_timed(lambda: backup.make_backup(db, actor, archive)))
            shutil.rmtree(target.root, ignore_errors=True)
            figures["restore"].append(_timed(lambda: backup.restore_backup(
                target, archive, current=None, actor=None, username=USER,
                secret=PASSWORD)))
            figures["sqlite copy back"].append(
                _timed(lambda: _sqlite_copy(scratch / "copy.sqlite3", scratch / "back.sqlite3")))
            figures["check"].append(_timed(lambda: check_data_folder(db, actor)))
            figures["sqlite pragmas"].append(_timed(lambda: _sqlite_check(paths.database)))
        db.dispose()
        size = archive.stat().st_size / 2**20
        print(f"Database {paths.database.stat().st_size / 2**20:.1f} MB, backup {size:.1f} MB, "
              f"{args.runs} runs")
        for name, base in PAIRS:
            ratio = statistics.median(figures[name]) / statistics.median(figures[base])
            print(f"{name:8} {_spread(figures[name])}   {base:18} {_spread(figures[base])}"
                  f"   ratio {ratio:.2f}")
    if args.json:
        what = {"backup": f"backup (database {paths.database.stat().st_size / 2**20:.0f} MB, "
                          f"archive {size:.0f} MB)",
                "restore": "restore into an empty folder", "check": "`check`"}
        print_json("backup_bench", [figure(what[name], figures[name], baseline=base,
                                           baseline_values=figures[base])
                                    for name, base in PAIRS])


if __name__ == "__main__":
    main()
