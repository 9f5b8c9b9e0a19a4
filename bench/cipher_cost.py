"""Benchmark: where the encryption costs, the program's own work on the encrypted database
against the same program on an unencrypted copy, and with a larger page cache.

    python bench/cipher_cost.py [--data-dir bench-out/ui-100k] [--runs 3]

On the demo folder (`demo_build.ensure_folder`), medians of `--runs`, each in turn on:

- `encrypted`: the database as the program opens it (SQLCipher, SQLite's default page
  cache of 2 MB a connection);
- `unencrypted`: the same engine settings on a plain copy through SQLAlchemy's pysqlite
  (the program as it was before issue 21);
- `encrypted, cache 256 MB`: the encrypted database with `PRAGMA cache_size` raised on
  every connection: SQLCipher decrypts a page each time it is read from the file, so a
  read that comes back to the same pages again and again (an integrity check, a search
  through the full-text index) pays the decryption each time the small cache let it go.

Measured: the dashboard's first view of a day, a broad search, the month report's figures
(SQL and masking), `PRAGMA integrity_check` on the engine's connection, and the check as
`check`, a backup and a restore run it (`storage_problems`: the integrity and foreign-key
pragmas on a connection whose cache is raised to hold the whole database for the check).
Not part of `run_all.py`: an explanation of its figures, not a target.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from demo_build import PASSWORD, USER, ensure_folder  # bench/ is the script's folder
from keyed import unencrypted_copy
from report_bench import busiest_month
from sqlalchemy import Engine, create_engine, event

from app.db import Database, open_database
from app.db import engine as db_engine
from app.db.storage import storage_problems
from app.paths import DataPaths
from app.services import accounts
from app.services.dashboard import load_dashboard
from app.services.report_figures import compute_figures
from app.services.search import CaseQuery, search_case_ids

LARGE_CACHE_KIB = 256 * 1024


def _with_cache(engine: Engine, kib: int) -> Engine:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.execute(f"PRAGMA cache_size = -{kib}")

    event.listen(engine, "connect", on_connect)
    return engine


def _plain_engine(database: Path) -> Engine:
    """The program's engine settings on an unencrypted file, through pysqlite."""
    engine = create_engine(f"sqlite:///{database}")
    event.listen(engine, "connect", db_engine._on_connect)
    event.listen(engine, "begin", db_engine._on_begin)
    return engine


@contextmanager
def _swapped(db: Database, engine: Engine) -> Iterator[Database]:
    """`db` running on `engine` for the block (its own engine put back after)."""
    own, makers = db._engine, db._makers
    db._engine, db._makers = engine, None
    try:
        yield db
    finally:
        engine.dispose()
        db._engine, db._makers = own, makers


def _median(runs: int, job: Callable[[], object]) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        job()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _integrity_check(db: Database) -> object:
    with db.engine.connect() as connection:
        return connection.exec_driver_sql("PRAGMA integrity_check").fetchall()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("bench-out/ui-100k"))
    parser.add_argument("--cases", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    folder = args.data_dir.resolve()
    key = ensure_folder(folder, args.cases)
    db = open_database(DataPaths(folder))
    accounts.authenticate(db, USER, PASSWORD)
    month, _ = busiest_month(db)
    days = iter(date.today() - timedelta(days=n) for n in range(1, 1000))
    with tempfile.TemporaryDirectory() as tmp:
        plain = unencrypted_copy(db.paths.database, key, Path(tmp) / "unencrypted.sqlite3")
        engines = {
            "encrypted": lambda: db_engine.make_engine(db.paths.database, key),
            "unencrypted": lambda: _plain_engine(plain),
            "encrypted, cache 256 MB": lambda: _with_cache(
                db_engine.make_engine(db.paths.database, key), LARGE_CACHE_KIB)}
        jobs: dict[str, Callable[[Database], object]] = {
            "dashboard, first view of a day": lambda d: load_dashboard(d, next(days)),
            "search 'facebook' (broad)": lambda d: search_case_ids(d, CaseQuery(text="facebook")),
            f"{month.label}: figures computed": lambda d: compute_figures(d, month),
            "PRAGMA integrity_check": _integrity_check,
            "storage_problems (check, backup)": lambda d: storage_problems(d.engine),
        }
        print(f"{folder}, medians of {args.runs} runs (seconds):")
        print(f"{'':34}" + "".join(f"{name:>26}" for name in engines))
        for what, job in jobs.items():
            seconds = []
            for make in engines.values():
                with _swapped(db, make()) as swapped:
                    job(swapped)  # the file in the OS cache, the engine's connection made
                    seconds.append(_median(args.runs, partial(job, swapped)))
            print(f"{what:34}" + "".join(f"{value:26.3f}" for value in seconds), flush=True)
    db.dispose()


if __name__ == "__main__":
    main()
