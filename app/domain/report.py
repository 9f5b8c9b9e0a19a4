"""A report's content as plain data: the figures of forms 01, 02 and 03, the invariant
they keep, and the text the officer sets (shared/spec/report-forms.md).

`app.services.report_figures` computes the figures from the register; the Excel
workbook, the PDF, the register of sent reports and the dashboard take them as
they are, so every counting rule exists once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.domain.periods import Period, PeriodKind
from app.domain.protection import Masker
from app.errors import UserError


@dataclass(frozen=True)
class Counts:
    """Columns 3 to 13 of form 01 for a set of cases (form 02 uses 4, 6, 7 and 8)."""

    carried_in: int = 0  # 3 Tồn đầu kỳ
    detected: int = 0  # 4 Phát hiện trong kỳ
    unidentified: int = 0  # 5 Trong đó: chưa xác định được đối tượng
    removed: int = 0  # 6 Đã gỡ bỏ
    sanctioned: int = 0  # 7 Xử phạt VPHC (số vụ)
    fines: int = 0  # 8 Số tiền phạt (đồng)
    to_police: int = 0  # 9 Chuyển cơ quan Công an
    escalated: int = 0  # 10 Kiến nghị cấp trên hỗ trợ
    closed: int = 0  # 11 Kết thúc xử lý trong kỳ
    carried_out: int = 0  # 12 Tồn cuối kỳ
    children: int = 0  # 13 Số trẻ em bị ảnh hưởng

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(getattr(self, f) + getattr(other, f) for f in COUNT_FIELDS))

    @property
    def balanced(self) -> bool:
        """The invariant of the spec: col3 + col4 − col11 = col12."""
        return self.carried_in + self.detected - self.closed == self.carried_out


COUNT_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Counts))
# Where form 02 looks in Counts (columns 4, 6, 7 and 8 of form 01).
PLATFORM_FIELDS: tuple[str, ...] = ("detected", "removed", "sanctioned", "fines")


def total(counts: Iterable[Counts]) -> Counts:
    return sum(counts, Counts())


@dataclass(frozen=True)
class Line:
    """One row of form 01 (a violation group) or form 02 (a platform)."""

    code: str
    label: str
    counts: Counts


@dataclass(frozen=True)
class Summary:
    """Forms 01 and 02 of a period: what the dashboard shows."""

    period: Period
    groups: tuple[Line, ...]  # the six groups, in the order of the spec
    platforms: tuple[Line, ...]  # platforms with a non-zero figure, in vocabulary order

    @property
    def total(self) -> Counts:
        return total(line.counts for line in self.groups)

    @property
    def platform_total(self) -> Counts:
        return total(line.counts for line in self.platforms)


@dataclass(frozen=True)
class CaseLine:
    """One row of form 03; children's names are already replaced by initials."""

    code: str
    detected_on: date
    platform: str
    account: str
    url: str
    group: str
    summary: str
    offender: str
    results: str
    fines: int
    status: str
    protected: bool = False  # the case has children or a child offender: read before freezing


@dataclass(frozen=True)
class ReportFigures:
    summary: Summary
    previous: Summary  # the period before, for the comparison in the narrative
    cases: tuple[CaseLine, ...]
    # Masks the narrative typed by the officer with the same names as form 03.
    masker: Masker = field(default_factory=Masker, compare=False, repr=False)

    @property
    def period(self) -> Period:
        return self.summary.period


class FiguresInconsistent(UserError):
    """A row breaks col3 + col4 − col11 = col12: the report is not written."""


def check_invariant(summary: Summary) -> None:
    for line in (*summary.groups, Line("", "Tổng cộng", summary.total)):
        c = line.counts
        if not c.balanced:
            raise FiguresInconsistent(
                f"Số liệu {summary.period.phrase} không khớp ở dòng «{line.label}»: tồn đầu kỳ "
                f"{c.carried_in} + phát hiện trong kỳ {c.detected} − kết thúc trong kỳ "
                f"{c.closed} = {c.carried_in + c.detected - c.closed}, nhưng tồn cuối kỳ là "
                f"{c.carried_out}. Báo cáo chưa được ghi: hãy kiểm tra dữ liệu (lệnh «check») "
                "và báo cho quản trị."
            )


@dataclass(frozen=True)
class ReportText:
    """What the officer sets before export: number (may be blank), issue date, narrative."""

    number: str
    issue_date: date
    narrative: str


# --- frozen copies for the register ----------------------------------------------------------


def _period_json(period: Period) -> dict[str, str]:
    return {"kind": str(period.kind), "start": period.start.isoformat(),
            "end": period.end.isoformat()}


def _period_from_json(data: Mapping[str, str]) -> Period:
    return Period(PeriodKind(data["kind"]), date.fromisoformat(data["start"]),
                  date.fromisoformat(data["end"]))


def _summary_json(summary: Summary) -> dict[str, Any]:
    def lines(items: tuple[Line, ...]) -> list[dict[str, Any]]:
        return [{"code": x.code, "label": x.label, **dataclasses.asdict(x.counts)} for x in items]

    return {"period": _period_json(summary.period), "groups": lines(summary.groups),
            "platforms": lines(summary.platforms)}


def _summary_from_json(data: Mapping[str, Any]) -> Summary:
    def lines(items: list[dict[str, Any]]) -> tuple[Line, ...]:
        return tuple(Line(x["code"], x["label"], Counts(*(x[f] for f in COUNT_FIELDS)))
                     for x in items)

    return Summary(_period_from_json(data["period"]), lines(data["groups"]),
                   lines(data["platforms"]))


def figures_to_json(figures: ReportFigures) -> dict[str, Any]:
    return {
        "summary": _summary_json(figures.summary),
        "previous": _summary_json(figures.previous),
        "cases": [{**dataclasses.asdict(c), "detected_on": c.detected_on.isoformat()}
                  for c in figures.cases],
    }


def figures_from_json(data: Mapping[str, Any]) -> ReportFigures:
    """A frozen report's figures; names in it were masked before it was frozen."""
    return ReportFigures(
        _summary_from_json(data["summary"]),
        _summary_from_json(data["previous"]),
        tuple(CaseLine(**{**c, "detected_on": date.fromisoformat(c["detected_on"])})
              for c in data["cases"]),
    )
