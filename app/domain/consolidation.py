"""The province's consolidated report (shared/spec/exchange.md, "Consolidated report"): the
received packages of one period added up into the forms of a unit's report, with a table
`Theo đơn vị` and the unit of each row of form 03.

Only sums: every figure was counted by its unit under the rules of `app.domain.report`, and
the consolidation checks before anything is written that its tables add up to the packages.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from app.domain.exchange import ReportPackage
from app.domain.labels import NOT_SENT
from app.domain.periods import Period
from app.domain.report import (
    Counts,
    FiguresInconsistent,
    Line,
    ReportFigures,
    Summary,
    Work,
    check_invariant,
    invariant_breach,
    total,
)
from app.domain.report_forms import (
    COUNT_COLUMNS,
    INDEX,
    TOTAL_LABEL,
    Cell,
    Column,
    Form,
    Kind,
    ReportForms,
    display,
    form_01,
    form_02,
    form_03,
)
from app.domain.units import UNIT_HEADER, Unit
from app.domain.vocabulary import GROUP_ORDER, VocabList, Vocabulary
from app.errors import UserError
from app.text import format_number

BY_UNIT_SHEET = "Theo đơn vị"
BY_UNIT_TITLE = ("KẾT QUẢ PHÁT HIỆN, XỬ LÝ THÔNG TIN VI PHẠM TRÊN MẠNG XÃ HỘI "
                 "THEO ĐƠN VỊ")
BY_UNIT_COLUMNS: tuple[Column, ...] = (
    INDEX,
    Column("Mã đơn vị", Kind.TEXT, 9),
    Column(UNIT_HEADER, Kind.TEXT, 24),
    *COUNT_COLUMNS.values(),
)


@dataclass(frozen=True)
class UnitLine:
    """A registered unit's row of `Theo đơn vị`: its report's form 01 total, zeros when it
    sent none."""

    unit: Unit
    package: ReportPackage | None

    @property
    def counts(self) -> Counts:
        return Counts() if self.package is None else self.package.figures.summary.total


@dataclass(frozen=True)
class Consolidation:
    """The consolidated figures of a period: forms 01 and 02 summed, form 03 every unit's
    rows (`case_units` holds the unit of each, in order), a line per registered unit."""

    figures: ReportFigures
    units: tuple[UnitLine, ...]  # every registered unit, in code order
    case_units: tuple[Unit, ...]

    @property
    def period(self) -> Period:
        return self.figures.period

    @property
    def packages(self) -> tuple[ReportPackage, ...]:
        return tuple(line.package for line in self.units if line.package is not None)

    @property
    def missing(self) -> tuple[Unit, ...]:
        """The registered units that sent no report of the period."""
        return tuple(line.unit for line in self.units if line.package is None)

    @property
    def unit_total(self) -> Counts:
        """`Tổng cộng` of `Theo đơn vị`."""
        return total(line.counts for line in self.units)


def _named(unit: Unit) -> str:
    return f"{unit.name} ({unit.code})" if unit.name else unit.code


def _checked_packages(period: Period, units: Sequence[Unit],
                      packages: Iterable[ReportPackage]) -> dict[str, ReportPackage]:
    """The packages by unit code; refused: another period, a unit not registered, a second
    package of a unit, figures that break the counting identity."""
    registered = {unit.code for unit in units}
    by_unit: dict[str, ReportPackage] = {}
    for package in packages:
        unit = package.unit
        if unit.code not in registered:
            raise UserError(f"Báo cáo số {package.number} của {_named(unit)} không được tổng "
                            "hợp: đơn vị này chưa được đăng ký. Hãy đăng ký khóa của đơn vị "
                            "(lệnh «trust-unit») rồi nhận lại báo cáo.")
        if (package.period.start, package.period.end) != (period.start, period.end):
            raise UserError(f"Báo cáo số {package.number} của {_named(unit)} là báo cáo "
                            f"{package.period.phrase}, không phải {period.phrase}: chỉ tổng "
                            "hợp báo cáo đúng kỳ.")
        if unit.code in by_unit:
            raise UserError(f"Có hai báo cáo {period.phrase} của {_named(unit)} (phiên bản "
                            f"{by_unit[unit.code].version} và {package.version}): chỉ tổng hợp "
                            "phiên bản mới nhất của mỗi đơn vị.")
        if (breach := invariant_breach(package.figures.summary)) is not None:
            raise FiguresInconsistent(
                f"Báo cáo số {package.number} (phiên bản {package.version}) của "
                f"{_named(unit)} không được tổng hợp: {breach[0].lower()}{breach[1:]} Hãy đề "
                "nghị đơn vị kiểm tra và gửi lại báo cáo.")
        by_unit[unit.code] = package
    return by_unit


def _summed(lines: Iterable[Line]) -> dict[str, tuple[str, Counts]]:
    """Lines of the same code added up, each with the first label it came with."""
    sums: dict[str, tuple[str, Counts]] = {}
    for line in lines:
        label, counts = sums.get(line.code, (line.label, Counts()))
        sums[line.code] = (label, counts + line.counts)
    return sums


def _summary(period: Period, summaries: Sequence[Summary], vocab: Vocabulary) -> Summary:
    """Forms 01 and 02 of `summaries` added up: the six groups always, the platforms with a
    figure in the province's vocabulary order (a unit's own platform after them), labels
    as the province names them."""
    groups = _summed(line for s in summaries for line in s.groups)
    platforms = _summed(line for s in summaries for line in s.platforms)
    listed = [e.code for e in vocab.entries(VocabList.PLATFORM, include_inactive=True)]
    order = [c for c in listed if c in platforms] + sorted(set(platforms) - set(listed))

    def line(name: VocabList, code: str, sums: Mapping[str, tuple[str, Counts]]) -> Line:
        label, counts = sums.get(code, (code, Counts()))
        return Line(code, vocab.label(name, code) if vocab.has(name, code) else label, counts)

    return Summary(period, tuple(line(VocabList.GROUP, c, groups) for c in GROUP_ORDER),
                   tuple(line(VocabList.PLATFORM, c, platforms) for c in order))


def consolidate(period: Period, units: Sequence[Unit], packages: Iterable[ReportPackage],
                vocab: Vocabulary) -> Consolidation:
    """The consolidated figures of `period` from the registered `units` (any order) and the
    received `packages` of that period, checked (`check_consolidation`)."""
    by_unit = _checked_packages(period, units, packages)
    lines = tuple(UnitLine(unit, by_unit.get(unit.code))
                  for unit in sorted(units, key=lambda u: u.code))
    sent = [(line.unit, line.package) for line in lines if line.package is not None]
    summaries = [package.figures for _unit, package in sent]
    figures = ReportFigures(
        _summary(period, [f.summary for f in summaries], vocab),
        # The narrative compares with nothing: the units sending differ from period to period.
        Summary(period.previous(), (), ()),
        tuple(case for f in summaries for case in f.cases),
        work=sum((f.work for f in summaries), Work()),
    )
    consolidation = Consolidation(
        figures, lines,
        tuple(unit for unit, package in sent for _case in package.figures.cases))
    check_consolidation(consolidation, tuple(by_unit.values()))
    return consolidation


def _mismatch(what: str, expected: Counts, found: Counts) -> FiguresInconsistent:
    cells = ", ".join(f"cột «{column.header}» {display(getattr(found, f), column.kind)} thay "
                      f"vì {display(getattr(expected, f), column.kind)}"
                      for f, column in COUNT_COLUMNS.items()
                      if getattr(found, f) != getattr(expected, f))
    return FiguresInconsistent(f"Số liệu tổng hợp không khớp với các báo cáo đã nhận ở {what}: "
                               f"{cells}. Báo cáo tổng hợp chưa được ghi; hãy báo cho quản trị.")


def check_consolidation(consolidation: Consolidation,
                        packages: Sequence[ReportPackage]) -> None:
    """Before anything is written, against the `packages` it was made of: every row keeps
    the counting identity, each group and platform and the total equal the sum of the
    packages, each unit's row its package's total (zeros without one) and `Theo đơn vị`
    adds up to the same total, and form 03 holds every package's rows."""
    figures = consolidation.figures
    summary = figures.summary
    check_invariant(summary)
    for form, lines in (("01", "groups"), ("02", "platforms")):
        for line in getattr(summary, lines):
            expected = total(x.counts for p in packages
                             for x in getattr(p.figures.summary, lines) if x.code == line.code)
            if line.counts != expected:
                raise _mismatch(f"Biểu số {form}, dòng «{line.label}»", expected, line.counts)
    for what, found, expected in (
            (f"Biểu số 01, dòng «{TOTAL_LABEL}»", summary.total,
             total(p.figures.summary.total for p in packages)),
            (f"Biểu số 02, dòng «{TOTAL_LABEL}»", summary.platform_total,
             total(p.figures.summary.platform_total for p in packages))):
        if found != expected:
            raise _mismatch(what, expected, found)
    sent = {p.unit.code: p.figures.summary.total for p in packages}
    for line in consolidation.units:
        if line.counts != (expected := sent.get(line.unit.code, Counts())):
            raise _mismatch(f"biểu «{BY_UNIT_SHEET}», dòng «{line.unit.name}»", expected,
                            line.counts)
    if consolidation.unit_total != summary.total:
        raise _mismatch(f"biểu «{BY_UNIT_SHEET}», dòng «{TOTAL_LABEL}»", summary.total,
                        consolidation.unit_total)
    rows = sum(len(p.figures.cases) for p in packages)
    if len(figures.cases) != rows or len(consolidation.case_units) != rows:
        raise FiguresInconsistent(
            f"Danh sách vụ việc tổng hợp có {len(figures.cases)} dòng, các báo cáo đã nhận có "
            f"{rows} dòng. Báo cáo tổng hợp chưa được ghi; hãy báo cho quản trị.")


def _unit_row(index: int, line: UnitLine) -> tuple[Cell, ...]:
    name = line.unit.name if line.package is not None else f"{line.unit.name} ({NOT_SENT})"
    counts = line.counts
    return (index, line.unit.code, name, *(getattr(counts, f) for f in COUNT_COLUMNS))


def missing_note(consolidation: Consolidation) -> str:
    """The line under the tables naming the units that sent nothing ("" when all did)."""
    missing = consolidation.missing
    if not missing:
        return ""
    return (f"Đơn vị chưa gửi báo cáo ({len(missing)}/{len(consolidation.units)}): "
            + "; ".join(_named(unit) for unit in missing) + ".")


def form_by_unit(consolidation: Consolidation) -> Form:
    """`Theo đơn vị`: each registered unit's form 01 total, then `Tổng cộng`."""
    unit_total = consolidation.unit_total
    return Form("", BY_UNIT_SHEET, BY_UNIT_TITLE, BY_UNIT_COLUMNS,
                [_unit_row(i, line) for i, line in enumerate(consolidation.units, start=1)],
                (None, None, TOTAL_LABEL, *(getattr(unit_total, f) for f in COUNT_COLUMNS)),
                missing_note(consolidation))


def consolidated_forms(consolidation: Consolidation) -> ReportForms:
    """Forms 01 and 02 of the sums and `Theo đơn vị`, each with the units not sent under
    it, and form 03 with the unit of each row."""
    note = missing_note(consolidation)
    summary = consolidation.figures.summary
    tables = (dataclasses.replace(form_01(summary), note=note),
              dataclasses.replace(form_02(summary), note=note),
              form_by_unit(consolidation))
    annex = form_03(consolidation.figures, [u.name for u in consolidation.case_units])
    # Every unit's cases (30,000 rows at a hundred communes) are no text to edit, and would
    # take python-docx minutes and a gigabyte: the Word file points to the other two.
    elsewhere = (f"Danh sách {format_number(len(annex.rows))} vụ việc của các đơn vị: xem "
                 "trang «Danh sách vụ việc» của tệp Excel và phụ lục của tệp PDF báo cáo "
                 "tổng hợp kèm theo.")
    return ReportForms(tables, annex, (*tables, annex), annex_elsewhere=elsewhere)
