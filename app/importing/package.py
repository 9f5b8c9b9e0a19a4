"""What an xlsx package may ask of the reader, checked on its bytes before calamine reads it.

python-calamine builds a whole sheet in memory, and a few kilobytes of zip can ask it for
gigabytes: a zip bomb, millions of rows, one long shared string copied into every cell
that refers to it, thousands of merged ranges. Each is bounded here, on the package's
parts, with work proportional to their size; what slips through can still only end the
reading process (`worker.py`), never the program.
"""

from __future__ import annotations

import io
import re
import zipfile
from xml.parsers import expat

from app.domain.import_problems import FileRefused
from app.text import format_number

KB = 1024
MB = 1024 * KB
MAX_UNPACKED_BYTES = 100 * MB
MAX_MEMBERS = 10_000
# An optional sheet holds a row per event or child: several per case.
MAX_SHEET_ROWS = 1_000_000
MAX_SHEET_CELLS = 5_000_000
# Calamine copies a shared string into every cell that refers to it. A register holds its
# text once (at most the 100 MB its unpacked parts may take); what it repeats are short
# labels (a platform, a group: tens of bytes × 100,000 rows × a few columns, ~10 MB).
# Twice the most a real register reaches; a hostile file asks for gigabytes.
MAX_SHARED_TEXT_BYTES = 256 * MB
# Excel keeps at most 32,767 characters in a cell: even written as `&#x10FFFF;` each, the
# longest string it saves is 320 KB of XML.
MAX_STRING_BYTES = MB
# The template and the export merge a few title cells; a header at most one range per
# column. Thousands are a layout the import cannot read (a value only in the top-left
# cell of each range) or a hostile file (20,000 ranges fit in 7 KB).
MAX_MERGED_RANGES = 1_000

SHARED_STRINGS = "xl/sharedstrings.xml"  # calamine finds parts by name whatever the case
# Start tags of rows and cells, with or without a namespace prefix (`<x:row `).
_ROW_TAGS = (b"<row ", b"<row>", b":row ", b":row>")
_CELL_TAGS = (b"<c ", b"<c>", b":c ", b":c>")
_PREFIX = rb'(?:[^\s<>/:="\']+:)?'
# A cell referring to a shared string as Excel and every common writer save it: `t="s"`
# last, the index alone in `<v>`, the cell closed right after; with namespace prefixes,
# searched only in a part that has some (the search costs twice as much).
_SHARED_CELL = re.compile(rb' t="s"><v>([0-9]{1,15})</v></c>')
_PREFIXED_SHARED_CELL = re.compile(rb' t="s"><' + _PREFIX + rb'v>([0-9]{1,15})</' + _PREFIX
                                   + rb'v></' + _PREFIX + rb'c>')

NOT_XLSX = ("Tệp «{name}» không phải tệp Excel .xlsx đọc được{why}. Hãy mở tệp bằng Excel "
            "hoặc LibreOffice và lưu lại dưới dạng «Sổ làm việc Excel (.xlsx)».")
DAMAGED = " (cấu trúc bên trong bị hỏng)"


def refuse(name: str, why: str = "") -> FileRefused:
    return FileRefused(NOT_XLSX.format(name=name, why=why))


def check_package(name: str, data: bytes) -> int:
    """Refuse a package that would cost far more than any register to read; returns the
    number of rows of all its sheets (for a progress bar).

    The declared sizes are summed first; then each part is inflated (zipfile stops at the
    declared size and checks the CRC, so the sum bounds the memory) and its rows, cells,
    merged ranges and shared-string references counted. Any part may be a sheet: calamine
    reads the ones the workbook's relationships name, whatever their name.
    """
    total_rows = shared_text = 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            members = package.infolist()
            names = [m.filename for m in members]
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise refuse(name, " (không có bảng tính Excel bên trong)")
            # Two names alike but for case: calamine could read another part than the one
            # checked.
            if len(members) > MAX_MEMBERS or len({n.lower() for n in names}) != len(names):
                raise refuse(name, " (cấu trúc nén bất thường)")
            unpacked = sum(m.file_size for m in members)
            if unpacked > MAX_UNPACKED_BYTES:
                raise _too_large(name, f"giải nén ra {unpacked // MB} MB, vượt giới hạn "
                                       f"{MAX_UNPACKED_BYTES // MB} MB")
            strings = next((shared_string_sizes(name, package.read(m)) for m in members
                            if m.filename.lower() == SHARED_STRINGS), [])
            for member in members:
                if member.filename.lower() == SHARED_STRINGS:
                    continue
                part = package.read(member)
                total_rows += _check_sheet(name, part)
                shared_text += shared_text_bytes(part, strings)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, EOFError) as exc:
        raise refuse(name, " (tệp nén bị hỏng hoặc dùng cách nén không hỗ trợ)") from exc
    if shared_text > MAX_SHARED_TEXT_BYTES:
        raise FileRefused(
            f"Tệp «{name}» không đọc được: có đoạn chữ được lặp lại ở nhiều ô, khi đọc sẽ chiếm "
            f"{format_number(shared_text // MB)} MB bộ nhớ, trong khi cả một sổ vụ việc cần "
            f"chưa tới {MAX_SHARED_TEXT_BYTES // MB} MB. Hãy mở tệp bằng Excel, kiểm tra các ô "
            "có chữ rất dài rồi lưu lại, hoặc chia sổ thành nhiều tệp nhỏ hơn.")
    return total_rows


def _too_large(name: str, why: str) -> FileRefused:
    return FileRefused(f"Tệp «{name}» lớn hơn nhiều so với một sổ vụ việc ({why}): chương "
                       "trình không đọc. Hãy chia sổ thành nhiều tệp nhỏ hơn.")


def _check_sheet(name: str, part: bytes) -> int:
    """The part's rows, refused when it is a sheet far larger than any register or merges
    far more ranges than one."""
    rows = sum(part.count(tag) for tag in _ROW_TAGS)
    cells = sum(part.count(tag) for tag in _CELL_TAGS)
    if rows > MAX_SHEET_ROWS or cells > MAX_SHEET_CELLS:
        raise _too_large(name, f"một trang có {format_number(rows)} dòng, "
                               f"{format_number(cells)} ô (giới hạn "
                               f"{format_number(MAX_SHEET_ROWS)} dòng, "
                               f"{format_number(MAX_SHEET_CELLS)} ô)")
    # `<mergeCell`, prefixed or not, but not its list `<mergeCells`; an end tag or the word
    # in a text counts too, which only errs on the safe side.
    merged = part.count(b"mergeCell") - part.count(b"mergeCells")
    if merged > MAX_MERGED_RANGES:
        raise FileRefused(
            f"Tệp «{name}» có một trang gộp {format_number(merged)} vùng ô (giới hạn "
            f"{format_number(MAX_MERGED_RANGES)}): mẫu nhập chỉ gộp ô ở tiêu đề, mỗi vụ việc "
            "một dòng. Hãy bỏ gộp ô (Excel: Trang đầu › Gộp và Căn giữa › Bỏ gộp ô) rồi lưu "
            "lại.")
    return rows


def shared_text_bytes(part: bytes, strings: list[int]) -> int:
    """The bytes calamine would copy out of the shared strings (`strings`: the size of each)
    for the cells of `part`.

    Every cell of type `s` holds its type as `"s"` (or `'s'`) in its tag, so counting those
    bounds the number of such cells; those written the common way are charged their own
    string, any other (another attribute order, a value calamine reads otherwise) the
    longest string.
    """
    longest = max(strings, default=0)
    cells = _PREFIXED_SHARED_CELL if b":v>" in part else _SHARED_CELL
    indexes = list(map(int, cells.findall(part)))
    others = part.count(b'"s"') + part.count(b"'s'") - len(indexes)
    if indexes and max(indexes) >= len(strings):
        # An index past the table: calamine refuses the sheet, or reads another string.
        charged = sum(strings[i] if i < len(strings) else longest for i in indexes)
    else:
        charged = sum(map(strings.__getitem__, indexes))
    return charged + others * longest


def shared_string_sizes(name: str, part: bytes) -> list[int]:
    """An upper bound of the size of each string calamine keeps from xl/sharedStrings.xml,
    by its index.

    Calamine keeps one string per `<si>`, made of the `<t>` texts inside it: the `<si>`'s
    extent in the XML (escapes and tags included) is at least its length in UTF-8. Which
    `<t>` count and whether an `<si>` without text is kept have changed between calamine's
    versions; the extent holds for any choice, and when an `<si>` has no text (any index
    after it could then name the next string) every string counts as the longest.
    """
    table = _SharedStrings()
    try:
        table.parse(part)
    except (expat.ExpatError, ValueError) as exc:
        raise refuse(name, DAMAGED) from exc
    sizes = table.sizes
    if max(sizes, default=0) > MAX_STRING_BYTES:
        raise FileRefused(
            f"Tệp «{name}» có một ô chữ dài {format_number(max(sizes) // KB)} KB, dài hơn mọi "
            "ô Excel lưu được (tối đa 32.767 ký tự): tệp bị hỏng hoặc không do Excel tạo ra, "
            "chương trình không đọc.")
    return [max(sizes)] * len(sizes) if table.textless else sizes


class _SharedStrings:
    """The extent of each `<si>` of a well-formed xl/sharedStrings.xml, in bytes of UTF-8;
    an `<si>` inside another (which no program writes, and calamine's versions read
    differently) is refused."""

    def __init__(self) -> None:
        self.sizes: list[int] = []
        self.textless = 0  # <si> holding neither <t> nor <r>
        self._depth = 0
        self._si: tuple[int, int] | None = None  # the open <si>: its depth and where it began
        self._text = False
        self._wide = False  # UTF-16 or Latin-1: up to three times more in UTF-8
        self._parser = expat.ParserCreate()
        self._parser.StartElementHandler = self._start
        self._parser.EndElementHandler = self._end
        self._parser.XmlDeclHandler = self._declaration
        self._parser.StartDoctypeDeclHandler = self._doctype

    def parse(self, part: bytes) -> None:
        self._wide = part.startswith((b"\xff\xfe", b"\xfe\xff"))
        self._parser.Parse(part, True)
        if self._wide:
            self.sizes = [3 * size for size in self.sizes]

    def _declaration(self, _version: str, encoding: str | None, _standalone: int) -> None:
        self._wide = self._wide or (encoding or "utf-8").lower() != "utf-8"

    def _doctype(self, *_args: object) -> None:
        raise ValueError("doctype")  # entities: calamine reads none, expat would expand them

    def _start(self, tag: str, _attributes: object) -> None:
        local = tag.split(":", 1)[-1]
        if local == "si":
            if self._si is not None:
                raise ValueError("nested si")
            self._si, self._text = (self._depth, self._parser.CurrentByteIndex), False
        elif local in ("t", "r"):
            self._text = True
        self._depth += 1

    def _end(self, _tag: str) -> None:
        self._depth -= 1
        if self._si is not None and self._si[0] == self._depth:
            self.sizes.append(self._parser.CurrentByteIndex - self._si[1])
            self.textless += not self._text
            self._si = None
