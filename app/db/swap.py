"""Replacing a data folder's contents with a restored copy, so that a crash at any
moment leaves the old contents or the new ones, never a mix.

The restored copy is complete and checked in a staging folder before anything moves.
Then a journal naming the staging and safety folders is written, the current parts
are moved into the safety folder and the restored ones into place, and the journal is
removed. Opening the folder finishes a swap the journal says was started; a staging
folder without a journal is an interrupted restore and is discarded.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from app.paths import DataPaths

JOURNAL = "khoi-phuc-dang-do.json"
STAGING_PREFIX = ".khoi-phuc-"


def parts(paths: DataPaths) -> list[str]:
    """What a restore replaces, as names in the data folder. The database goes with
    its WAL and shared-memory files (an old WAL applied to a new database corrupts it) and
    its key file (the wraps of the data key that encrypts it)."""
    name = paths.database.name
    return [name, f"{name}-wal", f"{name}-shm", paths.keys.name, paths.evidence.name,
            paths.reports.name, "giao-dien.ini"]


def fsync_dir(folder: Path) -> None:
    if os.name == "posix":
        handle = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)


def new_staging(paths: DataPaths) -> Path:
    staging = paths.root / f"{STAGING_PREFIX}{os.urandom(6).hex()}"
    staging.mkdir(parents=True)
    return staging


def swap_in(paths: DataPaths, staging: Path, safety: Path) -> None:
    """Move the current parts to `safety` and the staged ones into the data folder."""
    journal = paths.root / JOURNAL
    temp = journal.with_suffix(".tmp")
    present = [name for name in parts(paths) if (paths.root / name).exists()]
    with temp.open("w", encoding="utf-8") as handle:
        json.dump({"staging": staging.name, "safety": str(safety), "present": present}, handle)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temp, journal)
    fsync_dir(paths.root)
    _finish(paths, staging, safety, present, journal)


def _finish(paths: DataPaths, staging: Path, safety: Path, present: list[str],
            journal: Path) -> None:
    if present:
        safety.mkdir(parents=True, exist_ok=True)
    for name in parts(paths):
        current, restored, kept = paths.root / name, staging / name, safety / name
        # Each step is checked before it is taken, so finishing again after a crash
        # skips what was done: what was there at the start goes to safety once.
        if name in present and not kept.exists():
            os.replace(current, kept)
        if restored.exists():
            os.replace(restored, current)
    if present:
        fsync_dir(safety)
    fsync_dir(paths.root)
    journal.unlink()
    fsync_dir(paths.root)
    shutil.rmtree(staging, ignore_errors=True)


def finish_interrupted(paths: DataPaths) -> None:
    """At open: complete a swap that a crash interrupted; drop unfinished stagings."""
    journal = paths.root / JOURNAL
    if journal.exists():
        state = json.loads(journal.read_text(encoding="utf-8"))
        _finish(paths, paths.root / state["staging"], Path(state["safety"]), state["present"],
                journal)
    if paths.root.is_dir():
        for leftover in paths.root.glob(f"{STAGING_PREFIX}*"):
            shutil.rmtree(leftover, ignore_errors=True)
