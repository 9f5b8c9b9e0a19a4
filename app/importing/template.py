"""The empty import template: the sheets of the spec with styled headers, drop-down lists
of labels for every coded column, date and number formats, a `Hướng dẫn` sheet
explaining each column with an example, and a `Danh mục` sheet the lists point to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation

from app.domain.vocabulary import BUILTIN, LIST_TITLES, Entry, VocabList, Vocabulary
from app.importing.columns import (
    CASES,
    GUIDE_SHEET,
    LISTS_SHEET,
    OPTIONAL_SHEETS,
    Column,
    Parse,
    SheetLayout,
)
from app.importing.parse import CHOICES
from app.importing.reader import MAX_CASE_ROWS
from app.importing.workbook import (
    BOLD_FONT,
    TITLE_FONT,
    WRAP,
    HeaderSpec,
    add_sheet,
    add_table_sheet,
    header_cell,
    layout_headers,
    new_book,
    print_setup,
    save_book,
    text_cell,
    value_cell,
)
from app.text import format_number

_CHOICE_TITLES = {
    Parse.SANCTION_FORM: "Hình thức xử phạt",
    Parse.CLOSING_RESULT: "Kết quả xử lý",
    Parse.SEX: "Giới tính",
    Parse.PARTY_KIND: "Cá nhân, tổ chức",
    Parse.YES_NO: "Có, không",
}
_LAST_ROW = MAX_CASE_ROWS + 1
_GUIDE_HEADERS = (HeaderSpec("Cột", 30), HeaderSpec("Bắt buộc", 10), HeaderSpec("Cách ghi", 70),
                  HeaderSpec("Ví dụ", 34))
_INTRODUCTION = (
    "Trang «Vụ việc» (trang đầu tiên): mỗi dòng là một vụ việc. Dòng tiêu đề là dòng có ô "
    "«Ngày phát hiện»; có thể có dòng tên sổ phía trên.",
    "Các cột được nhận theo tiêu đề, theo thứ tự nào cũng được; cột không có trong mẫu được bỏ "
    "qua (có cảnh báo); dòng trống được bỏ qua.",
    "Cột có tiêu đề nền cam là bắt buộc. Mã hoặc tên trong trang «Danh mục» đều được nhận, "
    "không phân biệt chữ hoa, chữ thường, có dấu hay không dấu.",
    "Ngày ghi dạng dd/mm/yyyy (ô ngày của Excel hoặc chữ, ví dụ 05/02/2026). Số ghi số nguyên, "
    "có thể có dấu chấm phân cách hàng nghìn (7.500.000).",
    "Khi nhập, chương trình kiểm tra mọi dòng và báo đủ các lỗi (trang, dòng, cột); chỉ khi "
    "không còn lỗi nào mới nhập, và nhập toàn bộ trong một lần.",
    "Các trang «Biện pháp xử lý», «Trẻ em liên quan», «Tổ chức, cá nhân bị xúc phạm» không bắt "
    "buộc: mỗi dòng gắn với vụ việc có cùng «Mã vụ việc» trên trang «Vụ việc».",
    "Không dùng công thức: ô công thức chỉ được đọc giá trị đang hiển thị.",
)


@dataclass(frozen=True)
class _List:
    """One list on the `Danh mục` sheet: its title and (code, label) entries."""

    title: str
    entries: tuple[tuple[str, str], ...]
    with_codes: bool


def _lists(vocabulary: Vocabulary) -> dict[VocabList | Parse, _List]:
    found: dict[VocabList | Parse, _List] = {}
    for layout in (CASES, *OPTIONAL_SHEETS):
        for column in layout.columns:
            if column.vocabulary is not None:
                found.setdefault(column.vocabulary, _List(
                    LIST_TITLES[column.vocabulary],
                    tuple((e.code, e.label) for e in vocabulary.entries(column.vocabulary)),
                    with_codes=True))
            elif column.parse in CHOICES:
                found.setdefault(column.parse, _List(
                    _CHOICE_TITLES[column.parse],
                    tuple(("", label) for label in CHOICES[column.parse]), with_codes=False))
    return found


def _placed(lists: dict[VocabList | Parse, _List]) -> dict[VocabList | Parse, int]:
    """The 1-based column of each list's labels on the `Danh mục` sheet."""
    placed: dict[VocabList | Parse, int] = {}
    column = 1
    for key, entries in lists.items():
        column += 1 if entries.with_codes else 0
        placed[key] = column
        column += 2  # a blank column between lists
    return placed


def _list_key(column: Column) -> VocabList | Parse | None:
    if column.vocabulary is not None:
        return column.vocabulary
    return column.parse if column.parse in CHOICES else None


def builtin_vocabulary() -> Vocabulary:
    """The lists of shared/spec/vocabulary.md, for a template made without a data folder."""
    return Vocabulary({name: tuple(Entry(code, label, True, True) for code, label in entries)
                       for name, entries in BUILTIN.items()})


def write_template(path: Path, vocabulary: Vocabulary) -> None:
    lists = _lists(vocabulary)
    placed = _placed(lists)
    book = new_book()
    _data_sheet(book, CASES, lists, placed, freeze="C2")
    _guide(book)
    for layout in OPTIONAL_SHEETS:
        _data_sheet(book, layout, lists, placed, freeze="B2")
    _lists_sheet(book, lists, placed)
    save_book(book, path)


def _data_sheet(book: Workbook, layout: SheetLayout, lists: dict[VocabList | Parse, _List],
                placed: dict[VocabList | Parse, int], *, freeze: str) -> None:
    sheet = add_table_sheet(book, layout.name, layout_headers(layout), freeze=freeze)
    for index, column in enumerate(layout.columns, start=1):
        key = _list_key(column)
        if key is None:
            continue
        source = get_column_letter(placed[key])
        rule = DataValidation(
            type="list", allow_blank=True,
            formula1=f"'{LISTS_SHEET}'!${source}$3:${source}${2 + len(lists[key].entries)}",
            showErrorMessage=True, errorStyle="warning", errorTitle="Giá trị ngoài danh sách",
            error=f"«{column.header}»: nên chọn trong danh sách (trang «{LISTS_SHEET}»). Mã "
                  "của danh mục cũng được nhận.",
        )
        letter = get_column_letter(index)
        rule.add(f"{letter}2:{letter}{_LAST_ROW}")
        sheet.data_validations.append(rule)


def _bold(sheet: WriteOnlyWorksheet, text: str, font: Font = BOLD_FONT) -> WriteOnlyCell:
    cell = text_cell(sheet, text)
    cell.font = font
    return cell


class _Guide:
    """The `Hướng dẫn` sheet, written row by row with heights that fit the wrapped text
    (write-only sheets cannot be measured afterwards)."""

    def __init__(self, book: Workbook) -> None:
        self.sheet = add_sheet(book, GUIDE_SHEET)
        for index, spec in enumerate(_GUIDE_HEADERS, start=1):
            self.sheet.column_dimensions[get_column_letter(index)].width = spec.width
        print_setup(self.sheet, fit_width=True)
        self._row = 0

    def _append(self, values: list[object], lines: int = 1) -> None:
        self._row += 1
        if lines > 1:
            self.sheet.row_dimensions[self._row].height = 15 * lines + 3
        self.sheet.append(values)

    def paragraph(self, text: str, font: Font | None = None) -> None:
        cell = text_cell(self.sheet, text)
        cell.alignment = WRAP
        if font is not None:
            cell.font = font
        last = get_column_letter(len(_GUIDE_HEADERS))
        self.sheet.merged_cells.add(f"A{self._row + 1}:{last}{self._row + 1}")
        self._append([cell], _lines(text, sum(s.width for s in _GUIDE_HEADERS)))

    def header(self) -> None:
        self._append([header_cell(self.sheet, spec) for spec in _GUIDE_HEADERS])

    def column(self, column: Column) -> None:
        texts = (column.header, "Có" if column.required else "", column.hint, _example(column))
        cells = [text_cell(self.sheet, text) for text in texts]
        for cell in cells:
            cell.alignment = WRAP
        cells[0].font = BOLD_FONT
        self._append(cells, max(_lines(t, s.width) for t, s in zip(texts, _GUIDE_HEADERS,
                                                                      strict=True)))

    def blank(self) -> None:
        self._append([])


def _lines(text: str, width: int) -> int:
    """Lines `text` takes in a wrapped cell `width` characters wide (a generous estimate)."""
    per_line = max(width - 2, 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _guide(book: Workbook) -> None:
    guide = _Guide(book)
    guide.paragraph("HƯỚNG DẪN GHI TỆP NHẬP VỤ VIỆC", TITLE_FONT)
    for line in _INTRODUCTION:
        guide.paragraph(line)
    for layout in (CASES, *OPTIONAL_SHEETS):
        guide.blank()
        guide.paragraph(f"Trang «{layout.name}». {layout.purpose}", BOLD_FONT)
        guide.header()
        for column in layout.columns:
            guide.column(column)


def _example(column: Column) -> str:
    """The example as an officer would type it."""
    if column.example is None:
        return ""
    if column.parse is Parse.INTEGER and isinstance(column.example, int):
        return format_number(column.example)
    return str(column.example)


def _lists_sheet(book: Workbook, lists: dict[VocabList | Parse, _List],
                 placed: dict[VocabList | Parse, int]) -> None:
    sheet = add_sheet(book, LISTS_SHEET)
    sheet.freeze_panes = "A3"
    width = max(placed.values())
    titles: list[object] = [None] * width
    heads: list[object] = [None] * width
    body: list[list[object]] = [[None] * width
                                for _ in range(max(len(x.entries) for x in lists.values()))]
    for key, found in lists.items():
        label = placed[key] - 1
        first = label - 1 if found.with_codes else label
        titles[first] = _bold(sheet, found.title)
        heads[label] = _bold(sheet, "Tên")
        widest = max(len(text) for _code, text in found.entries)
        sheet.column_dimensions[get_column_letter(label + 1)].width = min(widest + 2, 60)
        if found.with_codes:
            heads[first] = _bold(sheet, "Mã")
            sheet.column_dimensions[get_column_letter(first + 1)].width = 8
        for row, (code, text) in enumerate(found.entries):
            body[row][label] = value_cell(sheet, text)
            if found.with_codes:
                body[row][first] = value_cell(sheet, code)
    for values in (titles, heads, *body):
        sheet.append(values)
