"""Writing cases in the template's columns and optional sheets (the complete record), and
writing a list of import problems (`app.reports.spreadsheet` makes the cells and the file:
nothing is left of it on an error, and a protected export reaches the disk encrypted)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from app.domain.case import PreparedCase
from app.domain.import_problems import Problem
from app.domain.sanctions import DecisionFollowUp
from app.domain.vocabulary import Vocabulary
from app.importing.columns import (
    CASES,
    CHILDREN,
    DEFAMED,
    EVENTS,
    EXPORT_BLANK_KEYS,
    FOLLOW_UP_KEYS,
    OPTIONAL_SHEETS,
    Column,
    Parse,
    SheetLayout,
)
from app.importing.parse import CHOICES, choice_label
from app.importing.workbook import (
    NUMBER_FORMATS,
    CaseLooks,
    HeaderSpec,
    add_table_sheet,
    layout_headers,
)
from app.reports.spreadsheet import Look, Sheet, writing

_LINKS = frozenset({"code", "case_code"})  # the case's code, on every sheet
_NOTHING_FOLLOWED = DecisionFollowUp()


@dataclass(frozen=True)
class ExportCase:
    code: str
    case: PreparedCase  # the record an import of the file makes again


class _Cells:
    """Turns a record's values into the cells of a sheet's columns: labels for codes,
    dates and numbers in their column's format, text as text."""

    def __init__(self, vocabulary: Vocabulary, citations: Mapping[int, str],
                 looks: CaseLooks) -> None:
        self._vocabulary = vocabulary
        self._citations = citations
        self._looks = {layout.name: [looks.number(NUMBER_FORMATS[c.parse])
                                     if c.parse in NUMBER_FORMATS else None
                                     for c in layout.columns]
                       for layout in (CASES, *OPTIONAL_SHEETS)}

    def append(self, sheet: Sheet, layout: SheetLayout, code: str, record: object,
               follow_up: DecisionFollowUp = _NOTHING_FOLLOWED) -> None:
        """A row of `record`; on the events sheet, `follow_up` fills the decision's columns."""
        values: list[object] = []
        for column in layout.columns:
            if column.key in _LINKS:
                value: object = code
            elif layout is CASES and column.key in EXPORT_BLANK_KEYS:
                value = None
            elif layout is EVENTS and column.key in FOLLOW_UP_KEYS:
                value = getattr(follow_up, column.key)
            else:
                value = getattr(record, column.key)
            values.append(self._value(column, value))
        looks: list[Look | None] = [look if value is not None else None
                                    for value, look in zip(values, self._looks[layout.name],
                                                           strict=True)]
        sheet.append(values, looks)

    def _value(self, column: Column, value: object) -> object:
        if value is None or value == "" or value == ():
            return None
        if column.parse in NUMBER_FORMATS:
            return value
        if column.parse in CHOICES:
            return choice_label(column.parse, value)
        if column.vocabulary is not None:
            codes = value if isinstance(value, tuple) else (value,)
            return "; ".join(self._vocabulary.label(column.vocabulary, str(c)) for c in codes)
        if column.parse is Parse.LEGAL_BASES and isinstance(value, tuple):
            return "; ".join(self._citations[i] for i in value)
        return str(value)


def write_cases(path: Path, cases: Iterable[ExportCase], vocabulary: Vocabulary,
                citations: Mapping[int, str], *, password: str | None = None) -> int:
    """Write every case of `cases` (consumed once) to `path`, encrypted with `password` when
    one is given; returns how many."""
    count = 0
    with writing(path, password=password) as book:
        looks = CaseLooks(book)
        sheets = {layout.name: add_table_sheet(book, looks, layout.name, layout_headers(layout),
                                               freeze="C2" if layout is CASES else "B2")
                  for layout in (CASES, *OPTIONAL_SHEETS)}
        cells = _Cells(vocabulary, citations, looks)

        def append(layout: SheetLayout, code: str, records: Iterable[object]) -> None:
            sheet = sheets[layout.name]
            for record in records:
                cells.append(sheet, layout, code, record)

        for exported in cases:
            code, case = exported.code, exported.case
            append(CASES, code, (case.data,))
            for index, event in enumerate(case.events):
                cells.append(sheets[EVENTS.name], EVENTS, code, event,
                             case.follow_ups.get(index, _NOTHING_FOLLOWED))
            append(CHILDREN, code, case.data.children)
            append(DEFAMED, code, case.data.defamed)
            count += 1
    return count


_PROBLEM_COLUMNS: tuple[tuple[HeaderSpec, Callable[[Problem], object]], ...] = (
    (HeaderSpec("Loại", 10), lambda p: p.kind_label),
    (HeaderSpec("Trang", 24), lambda p: p.sheet),
    (HeaderSpec("Dòng", 8), lambda p: p.row or None),
    (HeaderSpec("Cột", 26), lambda p: p.column or None),
    (HeaderSpec("Nội dung", 100), lambda p: p.message),
)


def write_problems(path: Path, problems: Iterable[Problem]) -> None:
    """The errors and warnings of an import, for the officer to correct the file."""
    with writing(path) as book:
        looks = CaseLooks(book)
        sheet = add_table_sheet(book, looks, "Danh sách lỗi",
                                [spec for spec, _ in _PROBLEM_COLUMNS])
        row_looks = [*([None] * (len(_PROBLEM_COLUMNS) - 1)), looks.wrap]
        for problem in problems:
            sheet.append([read(problem) for _spec, read in _PROBLEM_COLUMNS], row_looks)
