"""Killing the program at any moment loses nothing it reported saved and leaves nothing
half written: while it writes cases, while it migrates a folder of an older version.
A second writer waits for the first instead of failing."""

from __future__ import annotations

import random
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import event
from sqlalchemy.engine import Connection

from app.db import Database, encryption, open_database
from app.db.migrate import alembic_config
from app.paths import DataPaths
from app.services import accounts, cases
from app.services.actor import Actor
from app.services.search import CaseQuery, search_case_ids
from tests.conftest import TODAY, make_case
from tests.crash_writer import (
    OLD_PASSWORD,
    CrashHarness,
    KillSchedule,
    data_key_of,
    data_shape,
    old_register,
    problems_after,
    revision_of,
    rows_digest,
    schema,
)

KILLS = 50  # bench/crash_bench.py does 200
MIGRATION_KILLS = 12
OLD_REVISION = "0002"


@pytest.fixture(scope="module")
def harness() -> Iterator[CrashHarness]:
    started = CrashHarness()
    yield started
    started.close()


@pytest.mark.slow
@pytest.mark.sqlite_only("its writers open the folder's SQLite file")
def test_kills_while_writing_lose_no_committed_case_and_leave_none_half_written(
        db: Database, paths: DataPaths, harness: CrashHarness) -> None:
    data_key = db.data_key
    db.dispose()  # the folder belongs to the children now
    seed = random.randrange(1 << 32)
    rng = random.Random(seed)
    printed: list[str] = []
    for kill in range(KILLS):
        result = harness.run(["write", str(paths.root), data_key.hex(),
                              str(rng.randrange(1 << 30))], kill_after=rng.uniform(0.0, 0.5))
        assert result.killed, f"seed {seed}, kill {kill}: the writer stopped by itself"
        printed += result.lines
        after = open_database(paths)
        after.unlock(data_key)
        try:
            assert problems_after(after, printed) == [], f"seed {seed}, kill {kill}"
        finally:
            after.dispose()
    assert sum(line.startswith("case ") for line in printed) > KILLS, f"seed {seed}"
    assert any(line.startswith("batch ") for line in printed), f"seed {seed}"


@pytest.fixture(scope="module")
def old_folder(tmp_path_factory: pytest.TempPathFactory) -> DataPaths:
    """A register left by the version at revision 0002, big enough that upgrading it takes
    long enough to be killed in the middle."""
    paths = DataPaths(tmp_path_factory.mktemp("v0002") / "data")
    old_register(paths, 2_000, OLD_REVISION)
    return paths


@pytest.mark.slow
def test_kills_while_an_older_folder_is_encrypted_and_upgraded_leave_old_or_new(
        old_folder: DataPaths, tmp_path: Path, harness: CrashHarness) -> None:
    """The first sign-in to a folder of a version before encryption encrypts its database in
    place, then upgrades its schema: killed at any moment, the folder is the old plain one,
    the encrypted one at the old schema, or the encrypted one upgraded; never a mix."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None and head != OLD_REVISION
    old_schema = schema(old_folder.database)
    tables = data_shape(old_folder.database)
    rows = rows_digest(old_folder.database, tables)

    def fresh_copy(number: int) -> DataPaths:
        copy = DataPaths(tmp_path / f"lan-{number}")
        shutil.copytree(old_folder.root, copy.root)
        return copy

    def state(copy: DataPaths) -> tuple[str, bytes | None]:
        """What the kill left, and the key of what it encrypted (the key file is written
        before the encryption starts)."""
        data_key = data_key_of(copy)
        plain = encryption.is_plain(copy.database)
        revision = revision_of(copy.database, None if plain else data_key)
        return f"{'plain' if plain else 'encrypted'} {revision}", data_key

    reference = fresh_copy(0)
    full = harness.run(["open", str(reference.root)], kill_after=None)
    reference_key = data_key_of(reference)
    assert full.lines == ["opened"] and state(reference)[0] == f"encrypted {head}"
    schemas = {OLD_REVISION: old_schema, head: schema(reference.database, reference_key)}

    seed = random.randrange(1 << 32)
    moments = KillSchedule(full.seconds, MIGRATION_KILLS * 2 // 3, random.Random(seed))
    outcomes: list[str] = []
    for kill in range(1, MIGRATION_KILLS + 1):
        copy = fresh_copy(kill)
        moment = moments.next()
        finished = not harness.run(["open", str(copy.root)], kill_after=moment).killed
        outcome, data_key = state(copy)
        moments.record(moment, upgraded=outcome.startswith("encrypted"))
        revision = outcome.split()[1]
        where = f"seed {seed}, kill {kill}: {outcome}"
        assert outcome == f"encrypted {head}" if finished else revision in schemas, where
        in_place = None if outcome.startswith("plain") else data_key
        assert schema(copy.database, in_place) == schemas[revision], where
        assert rows_digest(copy.database, tables, in_place) == rows, where
        for backup in [*copy.backups.glob("truoc-nang-cap-*.sqlite3"),
                       *copy.backups.glob("truoc-ma-hoa-*.sqlite3")]:  # whole, encrypted
            assert data_key is not None and rows_digest(backup, tables, data_key) == rows, where
        outcomes.append(outcome.split()[0])
        again = open_database(copy)  # the next sign-in finishes the encryption and upgrade
        try:
            accounts.authenticate(again, "admin", OLD_PASSWORD)
            assert schema(copy.database, again.data_key) == schemas[head], where
            assert search_case_ids(again, CaseQuery(text="facebook"))  # the new index works
        finally:
            again.dispose()
        assert rows_digest(copy.database, tables, data_key_of(copy)) == rows, where
        shutil.rmtree(copy.root)
    assert "plain" in outcomes and "encrypted" in outcomes, f"seed {seed}: {outcomes}"


@pytest.mark.parametrize("slower", [0.5, 1.0, 1.5, 3.0])
def test_the_kill_schedule_reaches_both_sides_of_the_commit_on_a_slower_or_faster_machine(
        slower: float) -> None:
    """The measuring run took 1 s and committed at 0.9 s; the killed runs commit at 0.9 s
    times `slower`, give or take 10 %."""
    rng = random.Random(7)
    moments = KillSchedule(1.0, MIGRATION_KILLS * 2 // 3, rng)
    outcomes = set()
    for _ in range(MIGRATION_KILLS):
        moment = moments.next()
        upgraded = moment >= 0.9 * slower * rng.uniform(0.9, 1.1)
        moments.record(moment, upgraded)
        outcomes.add(upgraded)
    assert outcomes == {False, True}


BLOCKER = (
    "import sqlcipher3, sys\n"
    "conn = sqlcipher3.connect(sys.argv[1], isolation_level=None)\n"
    "conn.execute(f\"PRAGMA key = \\\"x'{sys.argv[2]}'\\\"\")\n"
    "conn.execute('BEGIN IMMEDIATE')\n"
    "print('locked', flush=True)\n"
    "sys.stdin.readline()\n"  # held until the test says so
    "conn.execute('COMMIT')\n"
)


@pytest.mark.sqlite_only("SQLite's write lock on the file")
def test_a_save_waits_for_another_process_holding_the_write_lock(db: Database,
                                                                  officer: Actor) -> None:
    blocker = subprocess.Popen([sys.executable, "-c", BLOCKER, str(db.paths.database),
                                db.data_key.hex()],
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert blocker.stdin is not None and blocker.stdout is not None
    assert blocker.stdout.readline() == "locked\n"
    asking = threading.Event()

    def before_execute(_conn: Connection, _cursor: object, statement: str, *_: object) -> None:
        if statement == "BEGIN IMMEDIATE":  # a writer asks for the write lock
            asking.set()

    event.listen(db.engine, "before_cursor_execute", before_execute)
    with ThreadPoolExecutor(1) as pool:
        saving = pool.submit(cases.create_case, db, officer, make_case(), today=TODAY)
        assert asking.wait(timeout=60), "the save never asked for the write lock"
        assert not saving.done()
        blocker.stdin.write("\n")  # the other process commits: the save may go on
        blocker.stdin.flush()
        saved = saving.result(timeout=60)  # not "database is locked"
    assert blocker.wait(timeout=30) == 0
    assert search_case_ids(db, CaseQuery(text=saved.code)) == [saved.id]
