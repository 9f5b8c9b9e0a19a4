"""Finding a sheet's header row and which column holds which value.

The header row is the first row with a cell whose folded text is the sheet's
marker (`Ngày phát hiện` on the first sheet); title rows above it are skipped.
A header written over two rows with merged cells (a group title above its
columns) is read as one: each column takes the lowest text in the block.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from app.domain.import_problems import Problem
from app.importing.columns import Column, SheetLayout
from app.importing.reader import Cell, SheetRows
from app.text import fold

# Where the header row may be: a few title rows, never a screenful.
SEARCH_ROWS = 30
MAX_HEADER_DEPTH = 3
_REQUIRED_MARK = re.compile(r"[\s:*]*(\(\s*\*\s*\))?[\s:*]*$")


def header_key(cell: Cell) -> str:
    """A header compared without case, diacritics or a trailing required mark (`*`, `(*)`)."""
    return _REQUIRED_MARK.sub("", fold(cell if isinstance(cell, str) else str(cell)))


@dataclass(frozen=True)
class Header:
    row: int  # Excel row number of the header's last row; the data starts below it
    columns: tuple[tuple[int, Column], ...]  # (position in a row list, column)
    problems: tuple[Problem, ...]

    @property
    def has_errors(self) -> bool:
        return any(not p.is_warning for p in self.problems)


@dataclass(frozen=True)
class _Block:
    first: int  # 0-based row index of the marker row
    last: int


def read_header(sheet: SheetRows, layout: SheetLayout, *, first_sheet: bool) -> Header | None:
    """The sheet's header, or None when no row of the first few has the layout's marker."""
    leading: list[list[Cell]] = []
    marker = fold(layout.marker)
    rows = sheet.rows()
    for _number, cells in itertools.islice(rows, SEARCH_ROWS):
        leading.append(cells)
        if any(isinstance(c, str) and header_key(c) == marker for c in cells):
            break
    else:
        return None
    block = _block(len(leading) - 1, sheet)
    leading.extend(cells for _n, cells in itertools.islice(rows, block.last + 1 - len(leading)))
    block = _Block(block.first, min(block.last, len(leading) - 1))
    return _map_columns(sheet, layout, leading, block, first_sheet)


def _block(found: int, sheet: SheetRows) -> _Block:
    last = found
    for (top, _left), (bottom, _right) in sheet.merged:
        if top == found:
            last = max(last, min(bottom, found + MAX_HEADER_DEPTH - 1))
    return _Block(found, last)


def _map_columns(sheet: SheetRows, layout: SheetLayout, rows: list[list[Cell]], block: _Block,
                 first_sheet: bool) -> Header:
    number = block.last + 1
    problems: list[Problem] = []

    def problem(column: str, message: str, warning: bool = False) -> None:
        problems.append(Problem(sheet.name, number, column, message, warning, first_sheet))

    width = max(len(rows[i]) for i in range(block.first, block.last + 1))
    texts: list[str] = []
    for position in range(width):
        lowest = ""
        for i in range(block.first, block.last + 1):
            cell = rows[i][position] if position < len(rows[i]) else ""
            if cell not in ("", None):
                lowest = str(cell).strip()
        texts.append(lowest)

    found: dict[str, int] = {}
    columns: list[tuple[int, Column]] = []
    for position, text in enumerate(texts):
        if not text:
            continue
        column = layout.by_folded.get(header_key(text))
        if column is None:
            problem(text, f"Cột «{text}» (cột {_letter(sheet, position)}) không có trong mẫu "
                          "nhập nên được bỏ qua.", warning=True)
        elif column.header in found:
            problem(column.header, f"Có hai cột «{column.header}» (cột "
                                   f"{_letter(sheet, found[column.header])} và cột "
                                   f"{_letter(sheet, position)}): hãy giữ một cột.")
        else:
            found[column.header] = position
            columns.append((position, column))
    for column in layout.columns:
        if column.required and column.header not in found:
            problem(column.header, f"Thiếu cột bắt buộc «{column.header}»: thêm cột có tiêu đề "
                                   "này vào dòng tiêu đề.")
    for (top, left), (_bottom, right) in sheet.merged:
        if block.first <= top <= block.last and right > left:
            first = left - sheet.first_column
            spanned = range(first + 1, right - sheet.first_column + 1)
            if 0 <= first < len(texts) and texts[first] and not any(
                p < len(texts) and texts[p] for p in spanned
            ):
                problem(texts[first], f"Tiêu đề «{texts[first]}» là ô gộp {right - left + 1} "
                                      f"cột: chỉ đọc cột {_letter(sheet, first)}, các cột gộp "
                                      "còn lại bị bỏ qua.", warning=True)
    return Header(number, tuple(columns), tuple(problems))


def _letter(sheet: SheetRows, position: int) -> str:
    return column_letter(sheet.first_column + position + 1)


def column_letter(number: int) -> str:
    """`1` → `A`, `28` → `AB`: a column as Excel names it. (XlsxWriter has this too, but
    reading a file should not load the writer.)"""
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters
