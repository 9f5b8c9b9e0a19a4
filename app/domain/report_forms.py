"""The three forms as tables: columns declared once, rows from the computed figures.

The Excel writer, the PDF writer and the window's tables all read these, so a
header, a column's kind or its order exists in one place.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from app.domain.report import (
    CHILD_AGE_BANDS,
    CHILD_SEXES,
    PLATFORM_FIELDS,
    UNKNOWN_AGE,
    CaseLine,
    CaseList,
    ChildrenLine,
    Counts,
    Line,
    ReportFigures,
    Summary,
)
from app.domain.units import UNIT_HEADER
from app.text import format_date, format_number

Cell = str | int | date | None
Row = tuple[Cell, ...]
TOTAL_LABEL = "Tổng cộng"


class Rows(Protocol):
    """A form's rows in order, gone through once per file: a list, or form 03's rows made
    from its case lines as they come (`CaseList`)."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[Row]: ...


class Kind(StrEnum):
    INDEX = "index"  # STT
    TEXT = "text"  # short text from the vocabulary or the program
    USER_TEXT = "user_text"  # typed by an officer: never evaluated, may be long
    COUNT = "count"
    MONEY = "money"
    DATE = "date"


@dataclass(frozen=True)
class Column:
    header: str
    kind: Kind
    width: float  # Excel character widths; the PDF scales them to the page


@dataclass(frozen=True)
class Form:
    number: str  # "01", "02", "03"
    sheet: str
    title: str
    columns: tuple[Column, ...]
    rows: Rows
    total: Row | None  # written as values, never formulas
    note: str = ""  # a line under the table (the consolidated report's units not sent)

    @property
    def label(self) -> str:
        """`Biểu số 01`; "" for a table the forms do not number (`Theo đơn vị`)."""
        return f"Biểu số {self.number}" if self.number else ""


@dataclass(frozen=True)
class ReportForms:
    """A report's forms as its files lay them out: `tables` after the report's text (forms
    01 and 02, then 04 or the consolidated report's `Theo đơn vị`), `annex` its Phụ lục
    (form 03), and the workbook's sheets in their order. `annex_elsewhere`: what the Word
    file says in place of the annex when it leaves it to the workbook and the PDF."""

    tables: tuple[Form, ...]
    annex: Form
    sheets: tuple[Form, ...]
    annex_elsewhere: str | None = None


# Form 01 columns 3–13, keyed by the Counts field that holds the figure.
COUNT_COLUMNS: dict[str, Column] = {
    "carried_in": Column("Tồn đầu kỳ", Kind.COUNT, 8),
    "detected": Column("Phát hiện trong kỳ", Kind.COUNT, 9),
    "unidentified": Column("Trong đó: chưa xác định được đối tượng", Kind.COUNT, 12),
    "removed": Column("Đã gỡ bỏ", Kind.COUNT, 8),
    "sanctioned": Column("Xử phạt VPHC (số vụ)", Kind.COUNT, 9),
    "fines": Column("Số tiền phạt (đồng)", Kind.MONEY, 14),
    "to_police": Column("Chuyển cơ quan Công an", Kind.COUNT, 9),
    "escalated": Column("Kiến nghị cấp trên hỗ trợ", Kind.COUNT, 9),
    "closed": Column("Kết thúc xử lý trong kỳ", Kind.COUNT, 9),
    "carried_out": Column("Tồn cuối kỳ", Kind.COUNT, 8),
    "children": Column("Số trẻ em bị ảnh hưởng", Kind.COUNT, 9),
}
INDEX = Column("STT", Kind.INDEX, 6)

FORM01_TITLE = "TỔNG HỢP KẾT QUẢ PHÁT HIỆN, XỬ LÝ THÔNG TIN VI PHẠM TRÊN MẠNG XÃ HỘI"
FORM02_TITLE = "KẾT QUẢ PHÁT HIỆN, XỬ LÝ THÔNG TIN VI PHẠM THEO NỀN TẢNG MẠNG XÃ HỘI"
FORM03_TITLE = "DANH SÁCH VỤ VIỆC VI PHẠM TRÊN MẠNG XÃ HỘI"
CHILDREN_ROWS_TITLE = "CÁC DÒNG VỀ VỤ VIỆC CÓ TRẺ EM, NHƯ SẼ IN TRONG BÁO CÁO"
FORM04_TITLE = "SỐ TRẺ EM BỊ ẢNH HƯỞNG THEO LOẠI VỤ VIỆC, ĐỘ TUỔI VÀ GIỚI TÍNH"
FORM04_COLUMNS: tuple[Column, ...] = (
    INDEX,
    Column("Loại vụ việc", Kind.TEXT, 34),
    Column("Tổng số trẻ em", Kind.COUNT, 9),
    *(Column(label, Kind.COUNT, 10) for _under, label in CHILD_AGE_BANDS),
    Column(UNKNOWN_AGE, Kind.COUNT, 9),
    *(Column(label, Kind.COUNT, 8) for _code, label in CHILD_SEXES),
)

_SUMMARY_COLUMN = Column("Tóm tắt nội dung", Kind.USER_TEXT, 36)
FORM03_COLUMNS: tuple[Column, ...] = (
    INDEX,
    Column("Mã vụ việc", Kind.TEXT, 15.5),
    Column("Ngày phát hiện", Kind.DATE, 12),
    Column("Nền tảng", Kind.TEXT, 10),
    Column("Tài khoản, kênh", Kind.USER_TEXT, 16),
    Column("Đường dẫn", Kind.USER_TEXT, 20),
    Column("Nhóm hành vi vi phạm", Kind.TEXT, 16),
    _SUMMARY_COLUMN,
    Column("Đối tượng", Kind.USER_TEXT, 14),
    Column("Kết quả xử lý", Kind.USER_TEXT, 30),
    Column("Số tiền phạt (đồng)", Kind.MONEY, 12.5),
    Column("Tình trạng", Kind.TEXT, 11),
)


# Form 03 of the consolidated report: the unit of each case after STT, its width taken from
# the summary's so that the other columns keep theirs on the page (a case code unbroken).
UNIT_COLUMN = Column(UNIT_HEADER, Kind.TEXT, 14)
FORM03_UNIT_COLUMNS: tuple[Column, ...] = (
    INDEX, UNIT_COLUMN,
    *(dataclasses.replace(c, width=c.width - UNIT_COLUMN.width)
      if c is _SUMMARY_COLUMN else c for c in FORM03_COLUMNS[1:]))


def display(value: Cell, kind: Kind) -> str:
    """A cell as read on paper or on screen: `1.234.567`, `05/10/2026`."""
    if value is None:
        return ""
    if isinstance(value, int) and kind in (Kind.COUNT, Kind.MONEY):
        return format_number(value)
    if isinstance(value, date):
        return format_date(value)
    return str(value)


def _counts_rows(lines: Sequence[Line], fields: Sequence[str]) -> list[tuple[Cell, ...]]:
    return [(index, line.label, *(getattr(line.counts, f) for f in fields))
            for index, line in enumerate(lines, start=1)]


def _total_row(counts: Counts, fields: Sequence[str]) -> tuple[Cell, ...]:
    return (None, TOTAL_LABEL, *(getattr(counts, f) for f in fields))


def form_01(summary: Summary) -> Form:
    fields = tuple(COUNT_COLUMNS)
    return Form("01", "Tổng hợp", FORM01_TITLE,
                (INDEX, Column("Nhóm hành vi vi phạm", Kind.TEXT, 30),
                 *COUNT_COLUMNS.values()),
                _counts_rows(summary.groups, fields), _total_row(summary.total, fields))


def form_02(summary: Summary) -> Form:
    return Form("02", "Theo nền tảng", FORM02_TITLE,
                (INDEX, Column("Nền tảng", Kind.TEXT, 22),
                 *(COUNT_COLUMNS[f] for f in PLATFORM_FIELDS)),
                _counts_rows(summary.platforms, PLATFORM_FIELDS),
                _total_row(summary.platform_total, PLATFORM_FIELDS))


def _case_row(index: int, line: CaseLine) -> Row:
    return (index, line.code, line.detected_on, line.platform, line.account, line.url,
            line.group, line.summary, line.offender, line.results, line.fines, line.status)


@dataclass(frozen=True)
class _CaseRows:
    """Rows made from case lines each time they are gone through, none of them kept."""

    lines: CaseList
    row: Callable[[int, CaseLine], Row]

    def __len__(self) -> int:
        return len(self.lines)

    def __iter__(self) -> Iterator[Row]:
        row = self.row
        return (row(index, line) for index, line in enumerate(self.lines, start=1))


def form_03(figures: ReportFigures, units: Sequence[str] | None = None) -> Form:
    """The list of cases; with `units` (the unit of each case, in order) the consolidated
    report's, a column `Đơn vị` after STT."""
    if units is None:
        return Form("03", "Danh sách vụ việc", FORM03_TITLE, FORM03_COLUMNS,
                    _CaseRows(figures.cases, _case_row), None)
    rows = [_case_row(i, line) for i, line in enumerate(figures.cases, start=1)]
    return Form("03", "Danh sách vụ việc", FORM03_TITLE, FORM03_UNIT_COLUMNS,
                [(row[0], unit, *row[1:]) for row, unit in zip(rows, units, strict=True)], None)


def children_rows(figures: ReportFigures) -> Form:
    """Form 03's rows of the cases with protected people, numbered as in form 03: the
    officer reads them once more before the figures are frozen."""
    return Form("03", "Danh sách vụ việc", CHILDREN_ROWS_TITLE, FORM03_COLUMNS,
                [_case_row(i, line) for i, line in enumerate(figures.cases, start=1)
                 if line.protected], None)


def _children_row(index: int | None, line: ChildrenLine) -> tuple[Cell, ...]:
    return (index, line.label, line.total, *line.ages, *line.sexes)


def form_04(figures: ReportFigures) -> Form | None:
    """The children of the period's cases as counts only, where the office chose it."""
    table = figures.children
    if table is None:
        return None
    return Form("04", "Trẻ em", FORM04_TITLE, FORM04_COLUMNS,
                [_children_row(i, line) for i, line in enumerate(table.lines, start=1)],
                _children_row(None, table.total))


def all_forms(figures: ReportFigures) -> tuple[Form, Form, Form]:
    return form_01(figures.summary), form_02(figures.summary), form_03(figures)


def report_forms(figures: ReportFigures) -> ReportForms:
    """A unit's report: forms 01, 02 and 03, and 04 where the office chose it."""
    form01, form02, form03 = all_forms(figures)
    children = form_04(figures)
    extra = (children,) if children else ()
    return ReportForms((form01, form02, *extra), form03, (form01, form02, form03, *extra))


# --- a frozen report against today's figures ---------------------------------------------


@dataclass(frozen=True)
class CellChange:
    """One figure of form 01 or 02 that differs between two computations of a period."""

    form: str  # "01", "02"
    row: str  # the group's or platform's label, or `TOTAL_LABEL`
    column: Column
    before: int
    after: int

    @property
    def place(self) -> str:
        """`Biểu 01, dòng «Tổng cộng», cột «Đã gỡ bỏ»`."""
        return f"Biểu {self.form}, dòng «{self.row}», cột «{self.column.header}»"

    @property
    def words(self) -> str:
        """`Biểu 01, dòng «Tổng cộng», cột «Đã gỡ bỏ»: 3 → 4`."""
        return (f"{self.place}: {display(self.before, self.column.kind)} → "
                f"{display(self.after, self.column.kind)}")


def _line_changes(form: str, before: Sequence[Line], after: Sequence[Line],
                  fields: Sequence[str]) -> list[CellChange]:
    """Rows matched by code (a label renamed since is the same row), in the order of
    `after`, then the rows only `before` has; a missing row counts zeros."""
    old = {line.code: line for line in before}
    new = {line.code: line for line in after}
    changes = []
    for code in [*new, *(c for c in old if c not in new)]:
        label = (new.get(code) or old[code]).label
        was, now = (x.counts if x else Counts() for x in (old.get(code), new.get(code)))
        changes += [CellChange(form, label, COUNT_COLUMNS[f], getattr(was, f), getattr(now, f))
                    for f in fields if getattr(was, f) != getattr(now, f)]
    return changes


def changed_cells(before: Summary, after: Summary) -> tuple[CellChange, ...]:
    """Every cell of forms 01 and 02, total rows included, whose figure differs."""
    fields = tuple(COUNT_COLUMNS)
    return tuple(
        _line_changes("01", before.groups, after.groups, fields)
        + _line_changes("01", [Line("", TOTAL_LABEL, before.total)],
                        [Line("", TOTAL_LABEL, after.total)], fields)
        + _line_changes("02", before.platforms, after.platforms, PLATFORM_FIELDS)
        + _line_changes("02", [Line("", TOTAL_LABEL, before.platform_total)],
                        [Line("", TOTAL_LABEL, after.platform_total)], PLATFORM_FIELDS))
