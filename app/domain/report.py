"""A report's content as plain data: the figures of forms 01, 02 and 03, the invariant
they keep, and the text the officer sets (shared/spec/report-forms.md).

`app.services.report_figures` computes the figures from the register; the Excel
workbook, the PDF, the register of sent reports and the dashboard take them as
they are, so every counting rule exists once.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Protocol

from app.domain.labels import Sex
from app.domain.office import OfficeSettings
from app.domain.periods import Period, PeriodKind
from app.domain.protection import CHILD_AGE_LIMIT, Masker
from app.errors import UserError


class ReportOption(StrEnum):
    """What an office may choose for its reports (`OfficeSettings.report_options`)."""

    # Periods over the cut-off days of NĐ 09/2019/NĐ-CP, Điều 12 (app.domain.periods).
    CUT_OFF_PERIODS = "cut_off_periods"
    # The children of the report's cases only as counts by kind, age band and sex: no
    # initials, age or sex of any one child in any of the report's files.
    CHILDREN_COUNTS_ONLY = "children_counts_only"


# Each option's name in the office form, and what it does.
REPORT_OPTION_LABELS: dict[ReportOption, tuple[str, str]] = {
    ReportOption.CUT_OFF_PERIODS: (
        "Kỳ báo cáo từ ngày 15 đến ngày 14",
        "Theo thời gian chốt số liệu của Nghị định 09/2019/NĐ-CP: báo cáo tháng tính từ "
        "ngày 15 tháng trước đến ngày 14 tháng báo cáo; quý, 6 tháng, năm cũng vậy."),
    ReportOption.CHILDREN_COUNTS_ONLY: (
        "Trẻ em: chỉ ghi số lượng",
        "Báo cáo chỉ ghi số trẻ em theo loại, độ tuổi, giới tính; không ghi chữ cái đầu "
        "tên, tuổi của từng em."),
}


def chosen(office: OfficeSettings, option: ReportOption) -> bool:
    return option in office.report_options


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


class CaseList(Protocol):
    """Form 03's rows in order, gone through as many times as needed: a tuple, or, for an
    export, rows read from the register a few hundred at a time on each pass, so that the
    memory a file takes does not grow with the period (`report_figures.streamed_figures`)."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[CaseLine]: ...


@dataclass(frozen=True)
class Work:
    """What the office did in a period besides the columns of form 01, counted from its
    recorded events dated in the period (voided events and deleted cases count nowhere):
    the cases with at least one event of the kind, one per case as form 01 counts."""

    invited: int = 0  # MLV Mời làm việc
    warned: int = 0  # NN Nhắc nhở, yêu cầu cam kết
    corrected: int = 0  # DC Đính chính, xin lỗi công khai
    lock_proposed: int = 0  # KTK Đề nghị khóa tài khoản, trang, nhóm, kênh
    violation_records: int = 0  # BB Lập biên bản vi phạm hành chính
    warning_decisions: int = 0  # XP with the form Cảnh cáo
    fine_decisions: int = 0  # XP with the form Phạt tiền (the amount is column 8)
    to_child_protection: int = 0  # CTE
    to_competent: int = 0  # CTQ Chuyển người có thẩm quyền xử phạt
    # Cases with any event in the period whose offender was under 18 at the act.
    minor_offenders: int = 0
    # Đồng paid in the period on decisions to fine (by the payment's date, as a receipt is
    # dated): what was collected, beside column 8's amount decided.
    fines_collected: int = 0

    def __add__(self, other: Work) -> Work:
        return Work(*(getattr(self, f) + getattr(other, f) for f in WORK_FIELDS))


WORK_FIELDS: tuple[str, ...] = tuple(f.name for f in dataclasses.fields(Work))


@dataclass(frozen=True)
class Totals:
    """A period's totals: form 01's total row and the office's work."""

    period: Period
    counts: Counts
    work: Work


@dataclass(frozen=True)
class Measure:
    """One row of the narrative's comparison table."""

    label: str
    value: Callable[[Counts, Work], int]
    money: bool = False


# How the narrative names each kind of work (`Work`'s fields).
WORK_LABELS: dict[str, str] = {
    "invited": "Mời làm việc",
    "warned": "Nhắc nhở, yêu cầu cam kết",
    "corrected": "Đính chính, xin lỗi công khai",
    "lock_proposed": "Đề nghị khóa tài khoản, trang, nhóm, kênh",
    "violation_records": "Lập biên bản vi phạm hành chính",
    "warning_decisions": "Quyết định xử phạt cảnh cáo",
    "fine_decisions": "Quyết định xử phạt tiền",
    "to_child_protection": "Chuyển xử lý theo quy định về bảo vệ trẻ em",
    "to_competent": "Chuyển người có thẩm quyền xử phạt",
    "minor_offenders": "Đối tượng là người chưa thành niên (dưới 18 tuổi)",
    "fines_collected": "Số tiền phạt đã thu (đồng)",
}
assert tuple(WORK_LABELS) == WORK_FIELDS


def _work_measure(name: str) -> Measure:
    return Measure(WORK_LABELS[name], lambda c, w: int(getattr(w, name)))


# The rows of the comparison table, in the order of the work: detection, then what was
# done with the cases, as a Sở reads a commune's report.
COMPARED: tuple[Measure, ...] = (
    Measure("Vụ việc phát hiện", lambda c, w: c.detected),
    _work_measure("invited"),
    _work_measure("warned"),
    _work_measure("corrected"),
    Measure("Gỡ bỏ thông tin vi phạm", lambda c, w: c.removed),
    _work_measure("lock_proposed"),
    _work_measure("violation_records"),
    Measure("Xử phạt vi phạm hành chính", lambda c, w: c.sanctioned),
    Measure("Số tiền phạt đã quyết định (đồng)", lambda c, w: c.fines, money=True),
    Measure(WORK_LABELS["fines_collected"], lambda c, w: w.fines_collected, money=True),
    Measure("Chuyển cơ quan Công an", lambda c, w: c.to_police),
    Measure("Kiến nghị cấp trên hỗ trợ", lambda c, w: c.escalated),
    Measure("Kết thúc xử lý", lambda c, w: c.closed),
)


def percent(value: float) -> str:
    """`25%`, `33,3%`: one decimal at most, none when it is 0 (never `300,0%`)."""
    text = f"{value:.1f}".replace(".", ",")
    return (text[:-2] if text.endswith(",0") else text) + "%"


def _times(value: float) -> str:
    text = f"{value:.1f}".replace(".", ",")
    return text[:-2] if text.endswith(",0") else text


def change_words(now: int, before: int) -> str:
    """How `now` compares with `before`, as a Vietnamese reader expects: `bằng`,
    `tăng 33,3%`, `gấp 3 lần` (from twice up), `giảm 25%`; only `tăng` from nothing,
    which no rate can describe."""
    if now == before:
        return "bằng"
    if now < before:
        return f"giảm {percent((before - now) * 100 / before)}"
    if not before:
        return "tăng"
    if now >= 2 * before:
        return f"gấp {_times(now / before)} lần"
    return f"tăng {percent((now - before) * 100 / before)}"


# --- the children's annex, counts only -------------------------------------------------------

# Age bands of the counts-only annex, on the day of the act: office practice, the school
# levels (mầm non, tiểu học, trung học cơ sở) up to the age of a child under the Luật Trẻ
# em 2016, Điều 1 (16); a child recorded older than that is counted in the last band.
CHILD_AGE_BANDS: tuple[tuple[int | None, str], ...] = (
    (6, "Dưới 6 tuổi"),
    (11, "Từ 6 đến dưới 11 tuổi"),
    (16, "Từ 11 đến dưới 16 tuổi"),
    (None, "Từ 16 tuổi trở lên"),
)
UNKNOWN_AGE = "Chưa rõ tuổi"
CHILD_SEXES: tuple[tuple[str | None, str], ...] = (
    (Sex.MALE, "Nam"), (Sex.FEMALE, "Nữ"), (None, "Chưa rõ giới tính"))
# What the report shows of a child when the office chose counts only: a name found in a text,
# and an offender under 16 at the act.
HIDDEN_CHILD = "[trẻ em]"
HIDDEN_MINOR_OFFENDER = f"Người dưới {CHILD_AGE_LIMIT} tuổi"
# Rows besides the sub-kinds of the group TE.
UNCLASSIFIED_CHILD_CASES = ("TE", "Xâm phạm quyền trẻ em chưa phân loại")
OTHER_GROUP_CHILD_CASES = ("", "Vụ việc thuộc nhóm hành vi khác")


def age_band(age: int | None) -> int:
    """The column of `age` among CHILD_AGE_BANDS, then one for an unknown age."""
    if age is None:
        return len(CHILD_AGE_BANDS)
    return next(i for i, (under, _label) in enumerate(CHILD_AGE_BANDS)
                if under is None or age < under)


def sex_column(sex: str | None) -> int:
    return next((i for i, (code, _label) in enumerate(CHILD_SEXES) if code == sex),
                len(CHILD_SEXES) - 1)


@dataclass(frozen=True)
class ChildrenLine:
    """Children of the cases detected in the period, for one kind of case: how many in
    each age band and of each sex, nothing else about them."""

    code: str
    label: str
    ages: tuple[int, ...]  # per CHILD_AGE_BANDS, then the unknown age
    sexes: tuple[int, ...]  # per CHILD_SEXES

    @property
    def total(self) -> int:
        return sum(self.ages)


@dataclass(frozen=True)
class ChildrenTable:
    lines: tuple[ChildrenLine, ...]

    @property
    def total(self) -> ChildrenLine:
        return ChildrenLine("", "Tổng cộng",
                            tuple(map(sum, zip(*(x.ages for x in self.lines), strict=True))),
                            tuple(map(sum, zip(*(x.sexes for x in self.lines), strict=True))))


def count_children(sub_kinds: Mapping[str, str],
                   children: Iterable[tuple[str, int | None, str | None]]) -> ChildrenTable:
    """The counts-only annex. `sub_kinds`: the sub-kinds of TE in order (code → label), a
    row each even at zero. `children`: one (row code, age at the act, sex) per child, the
    row code being its case's sub-kind, `UNCLASSIFIED_CHILD_CASES`' for a TE case without
    one, `OTHER_GROUP_CHILD_CASES`' for a case of another group; these two rows are shown
    only when they count someone."""
    extras = dict((UNCLASSIFIED_CHILD_CASES, OTHER_GROUP_CHILD_CASES))
    ages = {code: [0] * (len(CHILD_AGE_BANDS) + 1) for code in (*sub_kinds, *extras)}
    sexes = {code: [0] * len(CHILD_SEXES) for code in ages}
    for code, age, sex in children:
        row = code if code in ages else UNCLASSIFIED_CHILD_CASES[0]
        ages[row][age_band(age)] += 1
        sexes[row][sex_column(sex)] += 1
    labels = {**sub_kinds, **extras}
    return ChildrenTable(tuple(
        ChildrenLine(code, labels[code], tuple(ages[code]), tuple(sexes[code]))
        for code in ages if code in sub_kinds or any(ages[code])))


@dataclass(frozen=True)
class ReportFigures:
    summary: Summary
    previous: Summary  # the period before, for the comparison in the narrative
    cases: CaseList
    # Masks the narrative typed by the officer with the same names as form 03.
    masker: Masker = field(default_factory=Masker, compare=False, repr=False)
    work: Work = Work()
    # The year to the period's end and the same period a year before; None in a report
    # frozen before they were computed.
    year_to_date: Totals | None = None
    year_before: Totals | None = None
    children: ChildrenTable | None = None  # the counts-only annex, where the office chose it
    # Column 10's cases by the body each escalation went to, most first; "" when the
    # officer named none.
    escalations: tuple[tuple[str, int], ...] = ()

    @property
    def period(self) -> Period:
        return self.summary.period

    @property
    def totals(self) -> Totals:
        return Totals(self.period, self.summary.total, self.work)


class FiguresInconsistent(UserError):
    """A row breaks col3 + col4 − col11 = col12: the report is not written."""


def invariant_breach(summary: Summary) -> str | None:
    """Where `summary` breaks col3 + col4 − col11 = col12, in words; None when no row does."""
    for line in (*summary.groups, Line("", "Tổng cộng", summary.total)):
        c = line.counts
        if not c.balanced:
            return (f"Số liệu {summary.period.phrase} không khớp ở dòng «{line.label}»: tồn đầu "
                    f"kỳ {c.carried_in} + phát hiện trong kỳ {c.detected} − kết thúc trong kỳ "
                    f"{c.closed} = {c.carried_in + c.detected - c.closed}, nhưng tồn cuối kỳ là "
                    f"{c.carried_out}.")
    return None


def check_invariant(summary: Summary) -> None:
    if (breach := invariant_breach(summary)) is not None:
        raise FiguresInconsistent(f"{breach} Báo cáo chưa được ghi: hãy kiểm tra dữ liệu (lệnh "
                                  "«check») và báo cho quản trị.")


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


def _totals_json(totals: Totals | None) -> dict[str, Any] | None:
    if totals is None:
        return None
    return {"period": _period_json(totals.period), "counts": dataclasses.asdict(totals.counts),
            "work": dataclasses.asdict(totals.work)}


def _work_from_json(data: Mapping[str, int]) -> Work:
    return Work(**{f: data.get(f, 0) for f in WORK_FIELDS})


def _totals_from_json(data: Mapping[str, Any] | None) -> Totals | None:
    if data is None:
        return None
    return Totals(_period_from_json(data["period"]), Counts(**data["counts"]),
                  _work_from_json(data["work"]))


def _children_json(table: ChildrenTable | None) -> list[dict[str, Any]] | None:
    return None if table is None else [dataclasses.asdict(line) for line in table.lines]


def _children_from_json(data: list[dict[str, Any]] | None) -> ChildrenTable | None:
    if data is None:
        return None
    return ChildrenTable(tuple(ChildrenLine(x["code"], x["label"], tuple(x["ages"]),
                                            tuple(x["sexes"])) for x in data))


def figures_to_json(figures: ReportFigures) -> dict[str, Any]:
    return {
        "summary": _summary_json(figures.summary),
        "previous": _summary_json(figures.previous),
        "cases": [{**dataclasses.asdict(c), "detected_on": c.detected_on.isoformat()}
                  for c in figures.cases],
        "work": dataclasses.asdict(figures.work),
        "year_to_date": _totals_json(figures.year_to_date),
        "year_before": _totals_json(figures.year_before),
        "children": _children_json(figures.children),
        "escalations": [list(pair) for pair in figures.escalations],
    }


def figures_from_json(data: Mapping[str, Any]) -> ReportFigures:
    """A frozen report's figures; names in it were masked before it was frozen. A report
    frozen before the work and the comparisons were computed has none."""
    return ReportFigures(
        _summary_from_json(data["summary"]),
        _summary_from_json(data["previous"]),
        tuple(CaseLine(**{**c, "detected_on": date.fromisoformat(c["detected_on"])})
              for c in data["cases"]),
        work=_work_from_json(data.get("work", {})),
        year_to_date=_totals_from_json(data.get("year_to_date")),
        year_before=_totals_from_json(data.get("year_before")),
        children=_children_from_json(data.get("children")),
        escalations=tuple((str(to), int(n)) for to, n in data.get("escalations", ())),
    )
