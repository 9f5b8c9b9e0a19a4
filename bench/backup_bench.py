"""Benchmark: backup, restore and `check` of a large register, against SQLCipher alone.

    python bench/backup_bench.py [--data-dir DIR] [--cases 100000] [--runs 3] [--json]

A demo data folder of `--cases` cases (kept in DIR when given; built if missing by
`demo_build.ensure_folder`, signed in as `admin` / `bench-tre-2026`) is measured, medians and
spread of `--runs`, each beside its baseline measured in the same run, done directly
through `sqlcipher3` keyed with the data key (the engine's own cost):

- backup: `make_backup` (snapshot, integrity check, encrypted archive of the database and
  evidence) against its bound (issue 17, at most 2 ×): SQLite's online backup API alone
  copying the database, plus AES-GCM alone (the `cryptography` library, the archive's
  cipher: a 256-bit key from HKDF, 1 MiB chunks) sealing as many bytes as the archive
  holds (the database and the evidence files, read from the OS cache outside the timing);
- restore: `restore_backup` into an empty folder (decrypt, unpack, check, swap) against
  the same backup API copying the snapshot back;
- check: `check_data_folder` (integrity, foreign keys, audit chain, evidence hashes)
  against `PRAGMA integrity_check` and `foreign_key_check`.

What the encryption costs: the backup API's copy and the two pragmas through SQLCipher,
against the same through plain `sqlite3` on an unencrypted copy of the database.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from typing import Any

from demo_build import PASSWORD, USER, ensure_folder  # bench/ is the script's folder
from keyed import sqlcipher, unencrypted_copy
from run_all import figure, print_json

from app.db import open_database
from app.paths import DataPaths
from app.security import cipher
from app.services import accounts, backup
from app.services.backup_archive import COPY_CHUNK
from app.services.integrity import check_data_folder

BOUND = "SQLCipher backup API + AES-GCM"
BACKUP_AT_MOST = 2.0  # issue 17
PAIRS = (("backup", BOUND), ("restore", "SQLCipher copy back"),
         ("check", "SQLCipher pragmas"))
# The engine's own work against the same on an unencrypted copy: the encryption's cost.
ENCRYPTION_PAIRS = (("SQLCipher backup API", "sqlite3 backup API, unencrypted"),
                    ("SQLCipher pragmas", "sqlite3 pragmas, unencrypted"))


def _timed(action: Callable[[], object]) -> float:
    """Seconds `action` takes, started once the files written before it are on the disk: a
    figure does not pay for the write-back of the one before (a copy leaves 300 MB)."""
    os.sync()
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def _connect(database: Path, key: bytes | None) -> Any:
    return closing(sqlite3.connect(database) if key is None else sqlcipher(database, key))


def _copy(source: Path, target: Path, key: bytes | None) -> None:
    """The backup API copying `source` to `target`, both keyed with `key` (or neither)."""
    target.unlink(missing_ok=True)
    with _connect(source, key) as src, _connect(target, key) as dest:
        src.backup(dest)


def _sealing(files: list[Path]) -> float:
    """Seconds AES-GCM alone takes over the bytes of `files`, as the archive seals them
    (`app/security/cipher.py`: a key from HKDF, one nonce a chunk); reading the files is
    not timed."""
    aead = cipher._file_key(bytes(32), bytes(cipher.SALT_SIZE))
    seconds, counter = 0.0, 0
    for path in files:
        with path.open("rb") as source:
            while chunk := source.read(COPY_CHUNK):
                started = time.perf_counter()
                aead.encrypt(cipher._nonce(counter, False), chunk, cipher.MAGIC)
                seconds += time.perf_counter() - started
                counter += 1
    return seconds


def _archived(paths: DataPaths) -> list[Path]:
    """The files a backup of `paths` seals: its database and its evidence files."""
    return [paths.database, *(p for p in sorted(paths.evidence.rglob("*")) if p.is_file())]


def _check(database: Path, key: bytes | None) -> None:
    with _connect(database, key) as connection:
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
        key = ensure_folder(paths.root, args.cases)
        unencrypted = unencrypted_copy(paths.database, key, scratch / "unencrypted.sqlite3")
        db = open_database(paths)
        actor = accounts.authenticate(db, USER, PASSWORD)
        figures: dict[str, list[float]] = {
            name: [] for pair in (*PAIRS, *ENCRYPTION_PAIRS) for name in (*pair, "AES-GCM alone")}
        archive = scratch / "bench.svpbak"
        target = DataPaths(scratch / "restored")
        copy, back = scratch / "copy.sqlite3", scratch / "back.sqlite3"
        for _ in range(args.runs):
            figures["SQLCipher backup API"].append(
                _timed(lambda: _copy(paths.database, copy, key)))
            figures["AES-GCM alone"].append(_sealing(_archived(paths)))
            figures[BOUND].append(figures["SQLCipher backup API"][-1]
                                  + figures["AES-GCM alone"][-1])
            figures["sqlite3 backup API, unencrypted"].append(
                _timed(lambda: _copy(unencrypted, back, None)))
            figures["backup"].append(_timed(lambda: backup.make_backup(db, actor, archive)))
            shutil.rmtree(target.root, ignore_errors=True)
            figures["restore"].append(_timed(lambda: backup.restore_backup(
                target, archive, current=None, actor=None, username=USER,
                secret=PASSWORD)))
            figures["SQLCipher copy back"].append(_timed(lambda: _copy(copy, back, key)))
            figures["check"].append(_timed(lambda: check_data_folder(db, actor)))
            figures["SQLCipher pragmas"].append(_timed(lambda: _check(paths.database, key)))
            figures["sqlite3 pragmas, unencrypted"].append(
                _timed(lambda: _check(unencrypted, None)))
        db.dispose()
        size = archive.stat().st_size / 2**20
        print(f"Database {paths.database.stat().st_size / 2**20:.1f} MB, backup {size:.1f} MB, "
              f"unencrypted copy {unencrypted.stat().st_size / 2**20:.1f} MB, {args.runs} runs")
        for name, base in (*PAIRS, *ENCRYPTION_PAIRS):
            ratio = statistics.median(figures[name]) / statistics.median(figures[base])
            limit = f" (at most {BACKUP_AT_MOST})" if name == "backup" else ""
            print(f"{name:20} {_spread(figures[name])}   {base:31} {_spread(figures[base])}"
                  f"   ratio {ratio:.2f}{limit}")
        print(f"{'':20} {'':30}   {'of which AES-GCM alone':31} "
              f"{_spread(figures['AES-GCM alone'])}")
    if args.json:
        what = {"backup": f"backup (database {paths.database.stat().st_size / 2**20:.0f} MB, "
                          f"archive {size:.0f} MB)",
                "restore": "restore into an empty folder", "check": "`check`",
                "SQLCipher backup API": "SQLCipher backup API (the database copied)",
                "SQLCipher pragmas": "SQLCipher pragmas (integrity and foreign keys)"}
        print_json("backup_bench", [
            figure(what[name], figures[name], baseline=base, baseline_values=figures[base],
                   ratio_at_most=BACKUP_AT_MOST if name == "backup" else None)
            for name, base in (*PAIRS, *ENCRYPTION_PAIRS)])

if __name__ == "__main__":
    main()
