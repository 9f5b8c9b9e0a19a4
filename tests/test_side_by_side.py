"""A report's statements run on two connections at once (`Database.read_side_by_side`):
both read the register in one state, whatever commits meanwhile, and the figures are the
same as read on one connection, with or without form 03's first lines read ahead."""

from __future__ import annotations

import dataclasses
import threading
import time
from datetime import date

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.db import Database
from app.domain.periods import Period
from app.models import Case
from app.services import cases, demo, report_figures, settings
from app.services.actor import Actor
from app.services.report_figures import figures_in
from tests.conftest import TODAY, make_case

YEAR = Period.year_of(2026)


def _count(session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Case)).scalar_one())


def test_both_sessions_read_one_state_and_not_a_later_commit(db: Database,
                                                             officer: Actor) -> None:
    cases.create_case(db, officer, make_case(), today=TODAY)
    with db.read_side_by_side() as (first, second):
        assert second is not None
        cases.create_case(db, officer, make_case(), today=TODAY)  # committed after both began
        assert _count(first) == _count(second) == 1
    with db.read() as session:
        assert _count(session) == 2


@pytest.mark.sqlite_only("SQLite's write lock: a server's snapshot is shared however busy")
def test_a_writer_holding_the_lock_leaves_one_session_and_is_not_waited_for(
        db: Database, officer: Actor) -> None:
    cases.create_case(db, officer, make_case(), today=TODAY)
    with db.write() as writing:
        writing.execute(text("SELECT 1"))  # the write lock taken
        started = time.perf_counter()
        with db.read_side_by_side() as (first, second):
            assert second is None
            assert _count(first) == 1
        assert time.perf_counter() - started < 1  # the busy timeout (10 s) not waited
    with db.read_side_by_side() as (_, second):  # the lock given back: two again
        assert second is not None


def test_commits_racing_the_start_never_split_the_state(db: Database, officer: Actor) -> None:
    """A thread commits case after case while pairs of sessions begin: each pair counts the
    same cases. (Beside a writer holding the lock a pair is not had: `second` None.)"""
    done = threading.Event()

    def write() -> None:
        while not done.is_set():
            cases.create_case(db, officer, make_case(), today=TODAY)
            time.sleep(0.005)  # the lock free now and then: a pair can begin

    writer = threading.Thread(target=write)
    writer.start()
    pairs, counts = 0, set()
    try:
        deadline = time.monotonic() + 30
        while (pairs < 25 or len(counts) < 5) and time.monotonic() < deadline:
            with db.read_side_by_side() as (first, second):
                if second is not None:
                    pairs += 1
                    count = _count(second)
                    assert _count(first) == count
                    counts.add(count)
            time.sleep(0.001)  # the writer's turn at the GIL
    finally:
        done.set()
        writer.join()
    assert pairs >= 25 and len(counts) >= 5  # the writer did commit between the pairs


@pytest.fixture
def register(db: Database, admin: Actor, officer: Actor) -> Database:
    settings.save_office(db, admin, demo.demo_office())
    demo.add_demo_cases(db, admin, 120, seed=5, today=TODAY)
    cases.create_case(db, officer, make_case(detected_on=date(2026, 3, 2)), today=TODAY)
    return db


def test_figures_side_by_side_are_those_read_on_one_session(
        register: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    """The other forms' statements slowed so that form 03's first lines are read ahead (a
    few chunks of 7, the rest streamed): the same figures as read on one session."""
    monkeypatch.setattr(report_figures, "CASES_PER_CHUNK", 7)
    monkeypatch.setattr(report_figures, "READ_AHEAD_CASES", 21)
    totals = report_figures._totals

    def slow_totals(*args: object, **kwargs: bool) -> object:
        time.sleep(0.3)
        return totals(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(report_figures, "_totals", slow_totals)
    with report_figures.streamed_figures(register, YEAR) as streamed:
        ahead = streamed.cases._ahead_cases  # type: ignore[attr-defined]
        side_by_side = dataclasses.replace(streamed, cases=tuple(streamed.cases))
    with register.read() as session:
        figures = figures_in(session, YEAR)
        one_session = dataclasses.replace(figures, cases=tuple(figures.cases))
    assert ahead == 21 and len(side_by_side.cases) > 3 * 21
    assert side_by_side == one_session


@pytest.mark.sqlite_only("SQLite's own allocator")
def test_sqlite_keeps_no_memory_statistics_for_connections_to_queue_on(db: Database) -> None:
    """Counted, every allocation of every connection took one mutex of the process, and the
    two sessions together ran slower than one after the other (docs/performance.md)."""
    import ctypes

    from sqlcipher3 import _sqlite3

    try:
        status = ctypes.CDLL(_sqlite3.__file__).sqlite3_status64
    except AttributeError:
        pytest.skip("this build of the driver exports no sqlite3_status64 (Windows)")
    with db.read() as session:
        assert _count(session) == 0  # the register read: its pages are in memory
        used, highest = ctypes.c_int64(-1), ctypes.c_int64(-1)
        assert status(0, ctypes.byref(used), ctypes.byref(highest), 0) == 0  # MEMORY_USED
    assert used.value == 0  # (the highest is what was counted before they were turned off)
