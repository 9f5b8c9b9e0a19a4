"""What offices send each other (shared/spec/exchange.md), as the program holds it once a
file has been read and checked: the file formats live in the services that read and write
them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.domain.periods import Period
from app.domain.report import ReportFigures
from app.domain.units import Unit


@dataclass(frozen=True)
class ReportPackage:
    """A unit's report of a period as its package gives it (`report --package`, `.svpbc`).

    `figures` are the report's as frozen at «chốt số liệu»: forms 01 and 02 in `summary`,
    form 03 in `cases`, children already masked (a package never names a child)."""

    unit: Unit
    period: Period
    number: str  # the report's number and symbol as printed, e.g. "12/BC-VHXH"
    version: int  # 1, then one more for each re-issue after «chốt số liệu»
    issue_date: date
    figures: ReportFigures
    program_version: str
