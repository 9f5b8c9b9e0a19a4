"""Automatic case codes: a configurable pattern numbered per year, never reused, within
this office's unit (other units' cases keep their own codes beside)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Case, CaseCounter
from app.services import settings


def reserve_codes(session: Session, pattern: str, year: int, count: int,
                  taken_elsewhere: frozenset[str] = frozenset()) -> list[str]:
    """`count` unused codes for cases detected in `year`, in order.

    Codes typed by hand or imported may already use a number: those, and the
    codes of cases about to be written with them (`taken_elsewhere`), are skipped.

    The year's counter is locked until the transaction ends, so that a writer beside this
    one (on a server) waits and numbers after it: no code is handed out twice. The first
    case of a year makes the counter; when another writer made it at the same moment,
    its row is the one locked.
    """
    counter = _locked_counter(session, year)
    unit = settings.read_office(session).unit_code
    codes: list[str] = []
    number = counter.last_number
    while len(codes) < count:
        batch = [pattern.format(year=year, seq=number + i + 1) for i in range(count - len(codes))]
        number += len(batch)
        taken = set(taken_elsewhere)
        for start in range(0, len(batch), 500):
            chunk = batch[start:start + 500]
            taken.update(session.execute(select(Case.code).where(
                Case.unit_code == unit, Case.code.in_(chunk))).scalars())
        codes.extend(code for code in batch if code not in taken)
    counter.last_number = number
    session.flush()
    return codes


def _locked_counter(session: Session, year: int) -> CaseCounter:
    counter = session.get(CaseCounter, year, with_for_update=True, populate_existing=True)
    if counter is not None:
        return counter
    try:
        with session.begin_nested():
            session.add(CaseCounter(year=year, last_number=0))
    except IntegrityError:  # made meanwhile by another writer, who has committed
        pass
    counter = session.get(CaseCounter, year, with_for_update=True, populate_existing=True)
    assert counter is not None
    return counter
