"""A program that tests/test_crash.py and bench/crash_bench.py kill at random moments.

    python tests/crash_writer.py write DATA_DIR KEY SEED   write cases until killed
    python tests/crash_writer.py open DATA_DIR             sign in (encrypting and migrating
                                                           a folder of an older version), end
    python tests/crash_writer.py export DATA_DIR KEY FILE  the full export, protected, to FILE
    python tests/crash_writer.py serve                 fork one such child per line of input

Each child takes the data folder's lock and opens it as the program does, then works
through the real services. KEY is the folder's data key in hex: the writers skip signing
in, whose audit rows and key derivation are not what they test. Every line it prints
follows a commit, so a printed line is
a promise the database must keep after the kill: `case ID` (create_case), `event ID N`
(the N-th add_event on that case), `batch FIRST LAST` (one demo batch through the bulk
path). Cases written by `create_case` carry in their notes how many children and parties
they were given, so a half-written one can be told from a whole one.

Starting Python and importing SQLAlchemy costs half a second; `serve` pays it once and
forks a fresh child per round, so that a test can afford fifty kills. `CrashHarness` runs
rounds either way (forking where the system can, a new process each round elsewhere).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import queue
import random
import signal
import subprocess
import sys
import threading
import time
import traceback
from contextlib import closing
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from alembic import command
from sqlalchemy import create_engine, func, inspect, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.db import Database, lock, open_database
from app.db.engine import keyed_connection
from app.db.migrate import alembic_config
from app.db.storage import storage_problems
from app.domain.events import EventFact, closing_date
from app.domain.labels import Role
from app.models import AuditEntry, Case, Child, DefamedParty, Event, User
from app.paths import DataPaths
from app.security import keyfile, keys
from app.services import accounts, audit, cases, demo, events, exporting, legal_basis, setup
from app.services.actor import SYSTEM, Actor
from app.services.audit import AuditAction

SCRIPT = Path(__file__).resolve()
TODAY = date(2026, 11, 20)
BULK_SHARE = 0.15
EXPORT_PASSWORD = "Khoa-tệp-2026!"
OLD_PASSWORD = "phien-ban-cu-2025"


def tag(children: int, parties: int) -> str:
    """What a case written by `create_case` records about itself, to be checked whole."""
    return f"crash-test children={children} parties={parties}"


def _say(line: str) -> None:
    # One write of a whole line, which a pipe keeps whole (POSIX, up to PIPE_BUF bytes):
    # a child killed while printing cannot leave half a line for the server's `end`.
    sys.stdout.flush()
    os.write(sys.stdout.fileno(), f"{line}\n".encode())


def _admin(db: Database) -> Actor:
    """The administrator, without signing in: the password hash would dominate each round."""
    with db.read() as session:
        user = session.execute(select(User).where(User.role == str(Role.ADMIN))
                               .order_by(User.id).limit(1)).scalar_one()
        return Actor(user.id, user.username, user.full_name, Role(user.role))


def _opened(paths: DataPaths, key: str) -> Database:
    db = open_database(paths)
    db.unlock(bytes.fromhex(key))
    return db


def write(paths: DataPaths, key: str, seed: int) -> None:
    lock.acquire(paths)  # the lock of the child killed before this one is taken over
    db = _opened(paths, key)
    actor = _admin(db)
    provisions = legal_basis.all_provisions(db)
    rng = random.Random(seed)
    while True:
        if rng.random() < BULK_SHARE:
            count = rng.randint(2, 30)
            demo.add_demo_cases(db, actor, count, seed=rng.randrange(1 << 30), today=TODAY)
            with db.read() as session:
                last = session.execute(select(func.max(Case.id))).scalar_one()
            _say(f"batch {last - count + 1} {last}")
            continue
        prepared = demo.generate(1, seed=rng.randrange(1 << 30), today=TODAY,
                                 provisions=provisions)[0]
        data = dataclasses.replace(prepared.data, notes=tag(len(prepared.data.children),
                                                            len(prepared.data.defamed)))
        case_id = cases.create_case(db, actor, data, today=TODAY).id
        _say(f"case {case_id}")
        for number, event in enumerate(prepared.events, start=1):
            events.add_event(db, actor, case_id, event, today=TODAY)
            _say(f"event {case_id} {number}")


def open_folder(paths: DataPaths) -> None:
    lock.acquire(paths)
    db = open_database(paths)
    accounts.authenticate(db, "admin", OLD_PASSWORD)
    db.dispose()
    _say("opened")


def export(paths: DataPaths, key: str, target: Path) -> None:
    lock.acquire(paths)
    db = _opened(paths, key)
    exporting.export_cases(db, _admin(db), target, file_password=EXPORT_PASSWORD,
                           purpose="Thử ngắt giữa chừng", recipient="Không ai")
    _say("exported")


def run(command: list[str]) -> None:
    match command:
        case ["write", folder, key, seed]:
            write(DataPaths(Path(folder)), key, int(seed))
        case ["open", folder]:
            open_folder(DataPaths(Path(folder)))
        case ["export", folder, key, target]:
            export(DataPaths(Path(folder)), key, Path(target))
        case _:
            raise SystemExit(f"unknown command {command}")


def serve() -> None:
    """One child per line of input; each says `pid N` first, and `end STATUS` follows its end."""
    from sqlalchemy.orm import configure_mappers

    import app.db.migrate  # noqa: F401  (loaded once here, not in every child)

    configure_mappers()
    while line := sys.stdin.readline():
        sys.stdout.flush()  # nothing buffered may be copied into the child
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                _say(f"pid {os.getpid()}")
                run(line.split())
            except BaseException:
                traceback.print_exc()
                status = 1
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(status)  # never back into the server's loop
        _, status = os.waitpid(pid, 0)
        _say(f"end {status}")


def problems_after(db: Database, printed: list[str]) -> list[str]:
    """Everything wrong with the folder after kills, given every line the children printed:
    storage and audit chain, promised rows missing, half-written cases, audit rows that
    do not match the changes they record."""
    problems = storage_problems(db.engine)
    with db.read() as session:
        problems += audit.verify_chain(session)
        live = set(session.execute(select(Case.id).where(Case.deleted_at.is_(None))).scalars())
        children = _count_by_case(session, Child.case_id)
        parties = _count_by_case(session, DefamedParty.case_id)
        event_rows = session.execute(select(Event.case_id, Event.id, Event.kind,
                                            Event.occurred_on, Event.voided_at)).all()
        notes = dict(session.execute(select(Case.id, Case.notes)).all())
        caches = session.execute(select(Case.id, Case.has_children, Case.closed_on)).all()
        actions = session.execute(select(AuditEntry.action, AuditEntry.detail)).all()
    facts: dict[int, list[EventFact]] = {}
    for case_id, event_id, kind, occurred_on, voided_at in event_rows:
        facts.setdefault(case_id, []).append(
            EventFact(event_id, kind, occurred_on, voided_at is not None))
    for line in printed:
        word, *numbers = line.split()
        values = [int(n) for n in numbers]
        if word == "case" and values[0] not in live:
            problems.append(f"case {values[0]} was committed but is missing")
        elif word == "event" and len(facts.get(values[0], [])) < values[1]:
            problems.append(f"case {values[0]} lost its event {values[1]}")
        elif word == "batch" and not set(range(values[0], values[1] + 1)) <= live:
            problems.append(f"batch {values[0]}–{values[1]} is not all there")
    for case_id, has_children, closed_on in caches:
        if has_children != (children.get(case_id, 0) > 0):
            problems.append(f"case {case_id}: has_children does not match its children")
        if closed_on != closing_date(facts.get(case_id, [])):
            problems.append(f"case {case_id}: closed_on does not match its events")
        note = notes[case_id] or ""
        if note.startswith("crash-test") and note != tag(children.get(case_id, 0),
                                                           parties.get(case_id, 0)):
            problems.append(f"case {case_id} is half written: {note}")
    tagged = {i for i, note in notes.items() if (note or "").startswith("crash-test")}
    created = sum(1 for action, _ in actions if action == AuditAction.CASE_CREATE)
    in_batches = sum(json.loads(detail)["cases"] for action, detail in actions
                     if action == AuditAction.DEMO)
    if created != len(tagged) or created + in_batches != len(notes):
        problems.append(f"{len(notes)} cases but {created} + {in_batches} audited")
    added = sum(1 for action, _ in actions if action == AuditAction.EVENT_ADD)
    if added != sum(len(facts.get(i, [])) for i in tagged):
        problems.append("events added one by one do not match their audit rows")
    return problems


def _count_by_case(session: Session, column: InstrumentedAttribute[int]) -> dict[int, int]:
    return {case_id: count for case_id, count in
            session.execute(select(column, func.count()).group_by(column)).all()}


def old_register(paths: DataPaths, cases: int, revision: str) -> None:
    """A data folder as a version at `revision` left it, with `cases` demo cases: made by
    this version, then its database decrypted to plain SQLite (versions before 0007 did not
    encrypt it) and brought down to `revision`, with the key's wraps back inside it from 0004
    on, and no key file."""
    db = setup.init_data_folder(paths, "admin", OLD_PASSWORD)
    demo.add_demo_cases(db, SYSTEM, cases, today=TODAY)
    data_key = db.data_key
    found = keyfile.load(paths.keys)
    assert found is not None
    db.dispose()
    plain = paths.root / "plain.tmp"
    with closing(keyed_connection(paths.database, data_key)) as connection:
        connection.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
        connection.execute("SELECT sqlcipher_export('plain')")
        connection.execute("DETACH DATABASE plain")
    os.replace(plain, paths.database)
    engine = create_engine(f"sqlite:///{paths.database}")
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)
        # Versions before this one sealed no accounts (services/accounts_seal.py).
        conn.exec_driver_sql("DELETE FROM settings WHERE key = 'accounts_seal'")
        if inspect(conn).has_table("key_wraps"):  # the data key alone, as then
            wrap = keys.wrap_for_password(data_key, OLD_PASSWORD)
            conn.exec_driver_sql(
                "INSERT INTO key_wraps (user_id, kind, wrap, key_id, created_at) "
                "VALUES (1, ?, ?, ?, '2026-01-01 00:00:00')",
                (wrap.kind, json.dumps(wrap.to_json()), found.key_id))
    engine.dispose()
    paths.keys.unlink()


def data_key_of(paths: DataPaths, password: str = OLD_PASSWORD) -> bytes | None:
    """The data key in the folder's key file (None without one)."""
    found = keyfile.load(paths.keys)
    if found is None:
        return None
    data_key = keys.unwrap(found.accounts[keyfile.account_tag("admin")], password)
    assert data_key is not None
    return data_key[:keys.KEY_SIZE]  # an administrator's wrap holds their key after it


def _connect(database: Path, data_key: bytes | None) -> Any:
    return closing(keyed_connection(database, data_key))


def schema(database: Path, data_key: bytes | None = None) -> list[tuple[str, ...]]:
    with _connect(database, data_key) as conn:
        return conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master "
                            "WHERE name NOT LIKE 'sqlite_%' ORDER BY type, name").fetchall()


def revision_of(database: Path, data_key: bytes | None = None) -> str:
    with _connect(database, data_key) as conn:
        return str(conn.execute("SELECT version_num FROM alembic_version").fetchone()[0])


# The accounts and the log change as the folder is signed in to (the lockout columns and
# the wraps move to the key file; a sign-in is logged): the rest must come through whole.
UNCOMPARED = ("users", "key_wraps", "audit_log", "alembic_version")
# Rows of compared tables an administrator's first sign-in writes: the accounts' seal.
WRITTEN_AT_SIGN_IN = {"settings": "key != 'accounts_seal'"}


# An old column a later migration moved, read back through the new schema.
MOVED_COLUMNS = {("legal_provisions", "instrument"): "(SELECT citation FROM legal_instruments "
                                                      "i WHERE i.id = instrument_id)"}


@dataclass(frozen=True)
class TableShape:
    """What a migration must carry over of a table: its columns and rows at the old
    revision (later ones add columns, and seeded rows after these)."""

    columns: tuple[str, ...]
    last_rowid: int


def data_shape(database: Path, data_key: bytes | None = None) -> dict[str, TableShape]:
    with _connect(database, data_key) as conn:
        tables = [name for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name") if name not in UNCOMPARED]
        return {table: TableShape(
            tuple(row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')),
            conn.execute(f'SELECT coalesce(max(rowid), 0) FROM "{table}"').fetchone()[0])
            for table in tables}


def rows_digest(database: Path, shape: dict[str, TableShape],
                data_key: bytes | None = None) -> str:
    """A digest of the rows and columns of `shape` (the data a migration must carry over),
    after checking the file's integrity."""
    digest = hashlib.sha256()
    with _connect(database, data_key) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)], database
        for table, old in shape.items():
            present = {row[1] for row in conn.execute(f'PRAGMA table_info("{table}")')}
            columns = ", ".join(f'"{c}"' if c in present else MOVED_COLUMNS[table, c]
                                for c in old.columns)
            where = WRITTEN_AT_SIGN_IN.get(table, "1")
            for row in conn.execute(f'SELECT {columns} FROM "{table}" WHERE {where} AND '
                                    f"rowid <= {old.last_rowid} ORDER BY rowid"):
                digest.update(repr(row).encode())
    return digest.hexdigest()


def _state(pid: int) -> str:
    """What the system says of a child that does not end: a kill waits for a process in
    uninterruptible I/O (state D) to come back from it."""
    try:
        return f"/proc/{pid}/stat: {Path(f'/proc/{pid}/stat').read_text().strip()}"
    except OSError as error:
        return f"no /proc entry for {pid} ({error.strerror})"


def _gone(pid: int) -> bool:
    """Whether the process is gone, reaped by its parent (a zombie still counts)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


class KillSchedule:
    """When to kill successive upgrades: first once in each slice of the duration a
    measuring run took, so that every stage (lock, backup copy, the DDL transaction, its
    commit) gets its share; then closing in on the commit, where a torn upgrade would show.
    Each outcome moves the bounds, so a machine slower or faster than during the measuring
    run still sees kills on both sides of the commit."""

    def __init__(self, duration: float, spread: int, rng: random.Random) -> None:
        self._span = duration * 1.1
        self._spread = spread
        self._rng = rng
        self._given = 0
        self._before = 0.0  # the latest kill that found the old schema
        self._after: float | None = None  # the earliest kill that found the upgrade done

    def next(self) -> float:
        self._given += 1
        if self._given <= self._spread:
            return (self._given - self._rng.random()) / self._spread * self._span
        if self._after is None:
            return max(2 * self._before, self._span)
        return (self._before + self._after) / 2

    def record(self, moment: float, upgraded: bool) -> None:
        # A run slower than the one before may contradict a bound: the newer outcome wins.
        if upgraded:
            self._after = moment if self._after is None else min(self._after, moment)
            if moment <= self._before:
                self._before = 0.0
        else:
            self._before = max(self._before, moment)
            if self._after is not None and moment >= self._after:
                self._after = None


@dataclass(frozen=True)
class Round:
    lines: list[str]  # what the child printed, each after a commit
    killed: bool  # still running when the kill came
    seconds: float  # from the child's start to its end


class CrashHarness:
    """Runs one child per round and kills it with SIGKILL (TerminateProcess on Windows)."""

    def __init__(self) -> None:
        self._forking = hasattr(os, "fork")
        self._server: subprocess.Popen[str] | None = None
        self._lines: queue.Queue[str | None] = queue.Queue()
        if self._forking:
            self._server = self._start([sys.executable, str(SCRIPT), "serve"])

    def _start(self, argv: list[str]) -> subprocess.Popen[str]:
        # This checkout's app package, not the one installed in the virtualenv: a git
        # worktree may share the virtualenv of another checkout.
        paths = [str(SCRIPT.parent.parent), os.environ.get("PYTHONPATH", "")]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in paths if p)}
        process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   text=True, encoding="utf-8", errors="replace", env=env)
        stream, lines = process.stdout, self._lines
        assert stream is not None

        def pump() -> None:
            for line in stream:
                lines.put(line.rstrip("\n"))
            lines.put(None)

        threading.Thread(target=pump, daemon=True).start()
        return process

    def _next(self, deadline: float) -> str | None:
        """The next line, or None at the deadline (or when the output ends)."""
        try:
            return self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            return None

    def run(self, command: list[str], kill_after: float | None,
            timeout: float = 300.0) -> Round:
        """Run `command`; kill it `kill_after` seconds after it started, if still running.

        A killed child stuck in a slow fsync (a busy disk) dies only when it returns: the
        generous timeout is for such a machine, not for a hang."""
        if self._forking:
            assert self._server is not None and self._server.stdin is not None
            self._server.stdin.write(" ".join(command) + "\n")
            self._server.stdin.flush()
            first = self._next(time.monotonic() + timeout)
            while first is not None and first.startswith("end "):  # a round given up on
                first = self._next(time.monotonic() + timeout)
            assert first is not None and first.startswith("pid "), first
            pid, process = int(first.split()[1]), None
        else:
            self._lines = queue.Queue()
            process = self._start([sys.executable, str(SCRIPT), *command])
            pid = process.pid
        started = time.monotonic()
        deadline = started + (kill_after if kill_after is not None else timeout)
        lines: list[str] = []
        killed = False
        while True:
            polling = killed and process is None  # a killed fork: watch it go
            line = self._next(min(deadline, time.monotonic() + 1.0) if polling else deadline)
            if line is None and polling and time.monotonic() < deadline:
                if _gone(pid):
                    break  # reaped, but its `end` is late: the next round skips it
                continue
            if line is None and time.monotonic() >= deadline:
                assert kill_after is not None and not killed, (
                    f"{command}: no end in {timeout} s; {_state(pid)}")
                killed = True
                if process is None:
                    try:
                        os.kill(pid, signal.SIGKILL)
                    except ProcessLookupError:
                        killed = False  # it ended by itself at that very moment
                else:
                    process.kill()
                deadline = time.monotonic() + timeout
                continue
            if line is None or line.startswith("end "):
                break
            if not line.startswith("pid "):
                lines.append(line)
        if process is not None:
            process.wait()
        return Round(lines, killed, time.monotonic() - started)

    def close(self) -> None:
        if self._server is not None:
            assert self._server.stdin is not None
            self._server.stdin.close()
            self._server.wait(timeout=30)


if __name__ == "__main__":
    if sys.argv[1:] == ["serve"]:
        serve()
    else:
        run(sys.argv[1:])
