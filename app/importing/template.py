"""The empty import template: the sheets of the spec with styled headers, drop-down lists
of labels for every coded column, date and number formats, a `Hướng dẫn` sheet
explaining each column with an example, and a `Danh mục` sheet the lists point to."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.domain.fields import BY_KEY, CHILD_BY_KEY, EVENT_BY_KEY
from app.domain.vocabulary import BUILTIN, LIST_TITLES, Entry, VocabList, Vocabulary
from app.importing.columns import (
    CASES,
    CODE_HEADER,
    GUIDE_SHEET,
    LISTS_SHEET,
    OPTIONAL_SHEETS,
    Column,
    Parse,
    SheetLayout,
)
from app.importing.headers import column_letter
from app.importing.parse import CHOICES
from app.importing.reader import MAX_CASE_ROWS
from app.importing.workbook import (
    CaseLooks,
    HeaderSpec,
    add_table_sheet,
    append_headers,
    layout_headers,
)
from app.reports.spreadsheet import Book, Look, PageSetup, writing
from app.text import format_number

_CHOICE_TITLES = {
    Parse.SANCTION_FORM: EVENT_BY_KEY["sanction_form"].label,
    Parse.CLOSING_RESULT: "Kết quả xử lý",
    Parse.DECISION_TIME: EVENT_BY_KEY["decision_time"].label,
    Parse.SEX: CHILD_BY_KEY["sex"].label,
    Parse.PARTY_KIND: "Cá nhân, tổ chức",
    Parse.YES_NO: "Có, không",
}
_LAST_ROW = MAX_CASE_ROWS + 1
_GUIDE_HEADERS = (HeaderSpec("Cột", 30), HeaderSpec("Bắt buộc", 10), HeaderSpec("Cách ghi", 70),
                  HeaderSpec("Ví dụ", 34))


def _named(names: list[str]) -> str:
    return ", ".join(f"«{name}»" for name in names)


_PROGRAM_ONLY = "; ".join(
    f"trang «{layout.name}»: {_named([c.header for c in layout.columns if c.program_only])}"
    for layout in (CASES, *OPTIONAL_SHEETS) if any(c.program_only for c in layout.columns))
_INTRODUCTION = (
    f"Trang «{CASES.name}» (trang đầu tiên): mỗi dòng là một vụ việc. Dòng tiêu đề là dòng có ô "
    f"«{CASES.marker}»; có thể có dòng tên sổ phía trên.",
    "Các cột được nhận theo tiêu đề, theo thứ tự nào cũng được; cột không có trong mẫu được bỏ "
    "qua (có cảnh báo); dòng trống được bỏ qua.",
    f"Cột có tiêu đề nền cam là bắt buộc. Mã hoặc tên trong trang «{LISTS_SHEET}» đều được nhận, "
    "không phân biệt chữ hoa, chữ thường, có dấu hay không dấu.",
    "Ngày ghi dạng dd/mm/yyyy (ô ngày của Excel hoặc chữ, ví dụ 05/02/2026). Số ghi số nguyên, "
    "có thể có dấu chấm phân cách hàng nghìn (7.500.000).",
    f"«{BY_KEY['posted_on'].label}» (và «{BY_KEY['posted_until'].label}» khi thông tin còn để "
    "trên mạng sau ngày đăng) là ngày của hành vi: căn cứ pháp lý, khung tiền phạt, thời hiệu "
    "xử phạt và tuổi của đối tượng tính theo ngày hành vi kết thúc. Để trống khi không rõ: "
    "chương trình tạm tính theo ngày phát hiện và ghi rõ điều đó.",
    "Khi nhập, chương trình kiểm tra mọi dòng và báo đủ các lỗi (trang, dòng, cột); chỉ khi "
    "không còn lỗi nào mới nhập, và nhập toàn bộ trong một lần.",
    f"Các trang {_named([layout.name for layout in OPTIONAL_SHEETS])} không bắt buộc: mỗi dòng "
    f"gắn với vụ việc có cùng «{CODE_HEADER}» trên trang «{CASES.name}».",
    f"Các cột thêm của chương trình ({_PROGRAM_ONLY}) không bắt buộc, có thể bỏ cả cột. Tệp "
    "«Xuất toàn bộ vụ việc» của chương trình ghi đủ các cột này, để khi chuyển sổ sang đơn vị "
    "khác không mất thông tin nào (nơi nhận hồ sơ chuyển, kiến nghị; việc nộp phạt, cưỡng chế).",
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
    with writing(path) as book:
        looks = CaseLooks(book)
        _data_sheet(book, looks, CASES, lists, placed, freeze="C2")
        _guide(book, looks)
        for layout in OPTIONAL_SHEETS:
            _data_sheet(book, looks, layout, lists, placed, freeze="B2")
        _lists_sheet(book, looks, lists, placed)


def _data_sheet(book: Book, looks: CaseLooks, layout: SheetLayout,
                lists: dict[VocabList | Parse, _List], placed: dict[VocabList | Parse, int], *,
                freeze: str) -> None:
    sheet = add_table_sheet(book, looks, layout.name, layout_headers(layout), freeze=freeze)
    for index, column in enumerate(layout.columns):
        key = _list_key(column)
        if key is None:
            continue
        source = column_letter(placed[key])
        sheet.choices(
            index, (2, _LAST_ROW),
            f"'{LISTS_SHEET}'!${source}$3:${source}${2 + len(lists[key].entries)}",
            title="Giá trị ngoài danh sách",
            message=f"«{column.header}»: nên chọn trong danh sách (trang «{LISTS_SHEET}»). Mã "
                    "của danh mục cũng được nhận.")


def _lines(text: str, width: int) -> int:
    """Lines `text` takes in a wrapped cell `width` characters wide (a generous estimate)."""
    per_line = max(width - 2, 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _height(lines: int) -> float | None:
    """A row's height in points for `lines` wrapped lines (Excel does not fit rows when it
    opens a file); one line keeps Excel's own height."""
    return 15 * lines + 3 if lines > 1 else None


def _guide(book: Book, looks: CaseLooks) -> None:
    """The `Hướng dẫn` sheet: paragraphs across its columns, and each sheet's columns."""
    sheet = book.sheet(GUIDE_SHEET)
    sheet.columns([spec.width for spec in _GUIDE_HEADERS])
    sheet.page(PageSetup(fit_width=True))
    across = sum(s.width for s in _GUIDE_HEADERS)

    def paragraph(text: str, look: Look) -> None:
        sheet.append_merged(text, look, len(_GUIDE_HEADERS), height=_height(_lines(text, across)))

    paragraph("HƯỚNG DẪN GHI TỆP NHẬP VỤ VIỆC", looks.title)
    for line in _INTRODUCTION:
        paragraph(line, looks.wrap)
    column_looks = [looks.bold_wrap, *([looks.wrap] * (len(_GUIDE_HEADERS) - 1))]
    for layout in (CASES, *OPTIONAL_SHEETS):
        sheet.append([], [])
        paragraph(f"Trang «{layout.name}». {layout.purpose}", looks.bold_wrap)
        append_headers(sheet, looks, _GUIDE_HEADERS)
        for column in layout.columns:
            texts = (column.header, "Có" if column.required else "", column.hint,
                     _example(column))
            sheet.append(texts, column_looks, height=_height(max(
                _lines(t, s.width) for t, s in zip(texts, _GUIDE_HEADERS, strict=True))))


def _example(column: Column) -> str:
    """The example as an officer would type it."""
    if column.example is None:
        return ""
    if column.parse is Parse.INTEGER and isinstance(column.example, int):
        return format_number(column.example)
    return str(column.example)


def _lists_sheet(book: Book, looks: CaseLooks, lists: dict[VocabList | Parse, _List],
                 placed: dict[VocabList | Parse, int]) -> None:
    sheet = book.sheet(LISTS_SHEET)
    sheet.freeze("A3")
    width = max(placed.values())
    widths: list[float | None] = [None] * width
    titles: list[object] = [None] * width
    heads: list[object] = [None] * width
    body: list[list[object]] = [[None] * width
                                for _ in range(max(len(x.entries) for x in lists.values()))]
    for key, found in lists.items():
        label = placed[key] - 1
        first = label - 1 if found.with_codes else label
        titles[first], heads[label] = found.title, "Tên"
        widths[label] = min(max(len(text) for _code, text in found.entries) + 2, 60)
        if found.with_codes:
            heads[first] = "Mã"
            widths[first] = 8
        for row, (code, text) in enumerate(found.entries):
            body[row][label] = text
            if found.with_codes:
                body[row][first] = code
    sheet.columns(widths)
    for names in (titles, heads):
        sheet.append(names, [looks.bold if name is not None else None for name in names])
    plain: list[Look | None] = [None] * width
    for values in body:
        sheet.append(values, plain)
