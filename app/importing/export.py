"""Writing cases in the template's columns and optional sheets (the complete record), and
writing a list of import problems. Both stream rows into deflated memory (workbook.py):
nothing reaches the disk before the finished, optionally encrypted, file."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.domain.case import CaseInput
from app.domain.events import EventInput
from app.domain.import_problems import Problem
from app.domain.vocabulary import Vocabulary
from app.importing.columns import (
    CASES,
    CHILDREN,
    DEFAMED,
    EVENTS,
    EXPORT_BLANK_KEYS,
    OPTIONAL_SHEETS,
    Column,
    Parse,
    SheetLayout,
)
from app.importing.parse import CHOICES, choice_label
from app.importing.workbook import (
    NUMBER_FORMATS,
    WRAP,
    HeaderSpec,
    add_table_sheet,
    discard_book,
    layout_headers,
    new_book,
    save_book,
    text_cell,
    value_cell,
)

_LINKS = frozenset({"code", "case_code"})  # the case's code, on every sheet


@dataclass(frozen=True)
class ExportCase:
    code: str
    data: CaseInput
    events: tuple[EventInput, ...]


class _Cells:
    """Turns a record's values into the cells of a sheet's columns: labels for codes,
    date and number cells with their formats, text never read as a formula."""

    def __init__(self, vocabulary: Vocabulary, citations: Mapping[int, str]) -> None:
        self._vocabulary = vocabulary
        self._citations = citations

    def row(self, sheet: WriteOnlyWorksheet, layout: SheetLayout, code: str,
            record: object) -> list[object]:
        cells: list[object] = []
        for column in layout.columns:
            if column.key in _LINKS:
                value: object = code
            elif layout is CASES and column.key in EXPORT_BLANK_KEYS:
                value = None
            else:
                value = getattr(record, column.key)
            cells.append(self._cell(sheet, column, value))
        return cells

    def _cell(self, sheet: WriteOnlyWorksheet, column: Column, value: object) -> object:
        if value is None or value == "" or value == ():
            return None
        if column.parse in NUMBER_FORMATS:
            return value_cell(sheet, value, NUMBER_FORMATS[column.parse])
        if column.parse in CHOICES:
            return choice_label(column.parse, value)
        if column.vocabulary is not None:
            codes = value if isinstance(value, tuple) else (value,)
            return value_cell(sheet, "; ".join(self._vocabulary.label(column.vocabulary, str(c))
                                               for c in codes))
        if column.parse is Parse.LEGAL_BASES and isinstance(value, tuple):
            return value_cell(sheet, "; ".join(self._citations[i] for i in value))
        return value_cell(sheet, str(value))


def write_cases(path: Path, cases: Iterable[ExportCase], vocabulary: Vocabulary,
                citations: Mapping[int, str], *, password: str | None = None) -> int:
    """Write every case of `cases` (consumed once) to `path`; returns how many."""
    book = new_book()
    sheets = {layout.name: add_table_sheet(book, layout.name, layout_headers(layout),
                                           freeze="C2" if layout is CASES else "B2")
              for layout in (CASES, *OPTIONAL_SHEETS)}
    cells = _Cells(vocabulary, citations)

    def append(layout: SheetLayout, code: str, records: Iterable[object]) -> None:
        sheet = sheets[layout.name]
        for record in records:
            sheet.append(cells.row(sheet, layout, code, record))

    count = 0
    try:
        for case in cases:
            append(CASES, case.code, (case.data,))
            append(EVENTS, case.code, case.events)
            append(CHILDREN, case.code, case.data.children)
            append(DEFAMED, case.code, case.data.defamed)
            count += 1
    except BaseException:
        discard_book(book)
        raise
    save_book(book, path, password)
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
    book = new_book()
    sheet = add_table_sheet(book, "Danh sách lỗi", [spec for spec, _ in _PROBLEM_COLUMNS])
    for problem in problems:
        row = [value_cell(sheet, read(problem)) for _spec, read in _PROBLEM_COLUMNS]
        message = text_cell(sheet, problem.message)
        message.alignment = WRAP
        sheet.append([*row[:-1], message])
    save_book(book, path)
