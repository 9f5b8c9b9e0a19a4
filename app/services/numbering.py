"""Automatic case codes: a configurable pattern numbered per year, never reused."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Case, CaseCounter


def reserve_codes(session: Session, pattern: str, year: int, count: int,
                  taken_elsewhere: frozenset[str] = frozenset()) -> list[str]:
    """`count` unused codes for cases detected in `year`, in order.

    Codes typed by hand or imported may already use a number: those, and the
    codes of cases about to be written with them (`taken_elsewhere`), are skipped.
    """
    counter = session.get(CaseCounter, year)
    if counter is None:
        counter = CaseCounter(year=year, last_number=0)
        session.add(counter)
    codes: list[str] = []
    number = counter.last_number
    while len(codes) < count:
        batch = [pattern.format(year=year, seq=number + i + 1) for i in range(count - len(codes))]
        number += len(batch)
        taken = set(taken_elsewhere)
        for start in range(0, len(batch), 500):
            chunk = batch[start:start + 500]
            taken.update(session.execute(select(Case.code).where(Case.code.in_(chunk))).scalars())
        codes.extend(code for code in batch if code not in taken)
    counter.last_number = number
    session.flush()
    return codes
