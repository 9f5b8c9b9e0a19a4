"""Every workbook the program writes, on XlsxWriter's public API.

One place decides how a value becomes a cell (`Sheet.append`): text is always a
string cell, never a formula, a link or a number (a leading `=`, `+`, `-` or `@`
stays text and gets Excel's quote prefix, so that editing the cell keeps it text);
characters XML cannot hold are removed; text longer than a cell holds is cut at
Excel's limit of 32,767 characters (XlsxWriter counts them in UTF-16, as Excel
does). Dates and numbers are typed cells in the look's number format.

`writing` writes to a hidden file beside the target and renames it onto the target
only when the workbook is complete. XlsxWriter's own scratch files (the rows of
`constant_memory` mode, streamed as they come, and the parts of the package) go to
a hidden folder beside it too, never to the system's temporary folder, and are
removed whatever happens: a cancel or an error leaves nothing. A workbook with a
password is built in memory instead, and only its encrypted bytes reach the disk.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import xlsxwriter
from xlsxwriter.exceptions import FileCreateError
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from app.errors import UserError
from app.reports.files import scratch_folder, written_atomically

# Text a spreadsheet would read as a formula (or a formula's start) when typed.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold (it can hold tab, line feed and carriage return).
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
# Strings are strings: XlsxWriter would otherwise turn "=…" into a formula and links into
# hyperlinks when given to its generic `write` (which `merge_range` uses).
_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False}
# Pixels of a character of column width: a digit of the default font, Calibri 11.
_PIXELS_PER_CHARACTER = 7
A4 = 9  # Excel's number for the paper size


class Look:
    """A cell format, created once per workbook, and its twin with the quote prefix (made
    when first needed) for text that starts like a formula."""

    __slots__ = ("_book", "_properties", "_quoted", "format")

    def __init__(self, book: xlsxwriter.Workbook, properties: dict[str, Any]) -> None:
        self._book, self._properties = book, properties
        self.format: Format = book.add_format(properties)
        self._quoted: Format | None = None

    @property
    def quoted(self) -> Format:
        if self._quoted is None:
            self._quoted = self._book.add_format({**self._properties, "quote_prefix": True})
        return self._quoted


@dataclass(frozen=True)
class Margins:
    """In inches; by default the ones every sheet of the program has always printed with."""

    left: float = 0.75
    right: float = 0.75
    top: float = 1.0
    bottom: float = 1.0
    header: float = 0.5
    footer: float = 0.5


@dataclass(frozen=True)
class PageSetup:
    """How a sheet prints: A4 landscape, and optionally shrunk to the page's width (as many
    pages down as it takes), rows repeated at the top of every page, centred."""

    fit_width: bool = False
    title_row: int | None = None  # 1-based, as Excel numbers rows
    title_rows: int = 1  # how many rows repeat, from `title_row` down
    centred: bool = False
    margins: Margins = Margins()


class Sheet:
    """A worksheet whose rows are appended in order (`constant_memory` writes each row out
    once the next one starts: heights and merges belong to the row being appended)."""

    def __init__(self, worksheet: Worksheet, plain: Look) -> None:
        self._sheet = worksheet
        self._plain = plain  # Excel's own "General" look, so a column's format stays its own
        self.rows = 0  # rows appended so far: the 0-based index of the next one
        self._margins(Margins())

    def columns(self, widths: Sequence[float | None],
                looks: Sequence[Look | None] = ()) -> None:
        """Each column's width in characters as Excel stores it (`None`: Excel's default),
        and the look of cells typed into it later (a date column shows a date as a date)."""
        for index, width in enumerate(widths):
            look = looks[index] if index < len(looks) else None
            if width is None and look is None:
                continue
            # In pixels: XlsxWriter's `set_column` takes the width Excel's dialog shows and
            # stores it with the cell padding added (6 → 6.71), a wider column than asked.
            pixels = None if width is None else int(width * _PIXELS_PER_CHARACTER + 0.5)
            self._sheet.set_column_pixels(index, index, pixels,
                                          look.format if look is not None else None)

    def freeze(self, cell: str) -> None:
        """Rows above and columns left of `cell` (`"C2"`) stay in view."""
        self._sheet.freeze_panes(cell)

    def _margins(self, margins: Margins) -> None:
        self._sheet.set_margins(margins.left, margins.right, margins.top, margins.bottom)
        self._sheet.set_header("", {"margin": margins.header})
        self._sheet.set_footer("", {"margin": margins.footer})

    def page(self, setup: PageSetup) -> None:
        self._sheet.set_landscape()
        self._sheet.set_paper(A4)
        if setup.fit_width:
            self._sheet.fit_to_pages(1, 0)
        if setup.title_row is not None:
            self._sheet.repeat_rows(setup.title_row - 1, setup.title_row + setup.title_rows - 2)
        if setup.centred:
            self._sheet.center_horizontally()
        self._margins(setup.margins)

    def append(self, values: Sequence[object], looks: Sequence[Look | None], *,
               height: float | None = None) -> None:
        """The next row: each value in its look (`None`: Excel's own; an empty value with a
        look is a blank cell of that look, without one no cell at all). `height` in points."""
        row = self.rows
        if height is not None:
            self._sheet.set_row(row, height)
        write = self._write
        for column, (value, look) in enumerate(zip(values, looks, strict=True)):
            write(row, column, value, look)
        self.rows = row + 1

    def append_merged(self, value: object, look: Look | None, columns: int, *,
                      height: float | None = None) -> None:
        """The next row: one value across its first `columns` columns."""
        self.append_spans([(0, columns - 1, value, look)], height=height)

    def append_spans(self, spans: Sequence[tuple[int, int, object, Look | None]], *,
                     height: float | None = None) -> None:
        """The next row: each value across its columns `first` to `last` (0-based, both
        included), in their order; the other cells empty."""
        row = self.rows
        if height is not None:
            self._sheet.set_row(row, height)
        for first, last, value, look in spans:
            if last > first:
                self._sheet.merge_range(row, first, row, last, "",
                                        look.format if look is not None else None)
            self._write(row, first, value, look)
        self.rows = row + 1

    def choices(self, column: int, rows: tuple[int, int], source: str, *, title: str,
                message: str) -> None:
        """A drop-down list in `column` (0-based) over Excel rows `rows` (1-based, inclusive),
        its entries the cells of `source` (`'Danh mục'!$B$3:$B$9`); a value outside the list
        only warns, with `title` and `message`."""
        self._sheet.data_validation(rows[0] - 1, column, rows[1] - 1, column, {
            "validate": "list", "source": f"={source}", "ignore_blank": True,
            "show_input": False, "show_error": True, "error_type": "warning",
            "error_title": title, "error_message": message,
        })

    def _write(self, row: int, column: int, value: object, look: Look | None) -> None:
        sheet = self._sheet
        if isinstance(value, str):
            # `isprintable` is a quick test that no control character is there.
            text = value if value.isprintable() else _ILLEGAL.sub("", value)
            if text:
                shown = look or self._plain
                sheet.write_string(row, column, text, shown.quoted
                                   if text.startswith(FORMULA_STARTS) else shown.format)
                return
        elif isinstance(value, date):  # a datetime is a date too
            sheet.write_datetime(row, column, value, (look or self._plain).format)
            return
        elif isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row, column, value, (look or self._plain).format)
            return
        elif value is not None:
            raise TypeError(f"a cell cannot hold a {type(value).__name__}")
        if look is not None:
            sheet.write_blank(row, column, None, look.format)


class _StreamedWorksheet(Worksheet):  # type: ignore[misc]
    """A `constant_memory` worksheet that forgets a row's height once the row is in the
    file: XlsxWriter keeps every row's (two objects and two dict entries a row, for each of
    a year's 64,000 rows of form 03), needed again only to place images or charts, which
    these sheets have none of."""

    def _write_single_row(self, current_row_num: int = 0) -> None:
        written = self.previous_row
        super()._write_single_row(current_row_num)
        self.row_info.pop(written, None)
        self.row_sizes.pop(written, None)


class Book:
    """The workbook being written: its looks and its sheets, in order."""

    def __init__(self, workbook: xlsxwriter.Workbook, *, streamed: bool = False) -> None:
        self._book = workbook
        self._plain = Look(workbook, {})
        self._worksheet_class = _StreamedWorksheet if streamed else None

    def look(self, *, font: str | None = None, size: float | None = None, bold: bool = False,
             italic: bool = False, border: str | None = None, align: str | None = None,
             valign: str | None = None, wrap: bool = False, number_format: str | None = None,
             fill: str | None = None) -> Look:
        """A look for cells; `border` is a thin line's colour (`"auto"` for Excel's black),
        `fill` a solid background's, as `RRGGBB`. Make each once per workbook."""
        properties: dict[str, Any] = {}
        if font is not None:
            properties["font_name"] = font
        if size is not None:
            properties["font_size"] = size
        if bold:
            properties["bold"] = True
        if italic:
            properties["italic"] = True
        if border is not None:
            properties["border"] = 1
            if border != "auto":
                properties["border_color"] = f"#{border}"
        if align is not None:
            properties["align"] = align
        if valign is not None:
            properties["valign"] = valign
        if wrap:
            properties["text_wrap"] = True
        if number_format is not None:
            properties["num_format"] = number_format
        if fill is not None:
            properties.update(pattern=1, bg_color=f"#{fill}")
        return Look(self._book, properties)

    def sheet(self, name: str) -> Sheet:
        return Sheet(self._book.add_worksheet(name, self._worksheet_class), self._plain)


@contextmanager
def writing(target: Path, *, password: str | None = None) -> Iterator[Book]:
    """The workbook written in the block, at `target` once the block ends without an error
    (encrypted with `password` when one is given); nothing of it anywhere otherwise."""
    if password is None:
        with _streamed(target) as book:
            yield book
    else:
        with _encrypted(target, password) as book:
            yield book


@contextmanager
def _streamed(target: Path) -> Iterator[Book]:
    with written_atomically(target) as temporary:
        scratch = scratch_folder(target)
        try:
            workbook = xlsxwriter.Workbook(str(temporary), {
                **_OPTIONS, "constant_memory": True, "tmpdir": str(scratch)})
            try:
                yield Book(workbook, streamed=True)
            except BaseException:
                # Closing is XlsxWriter's only public way to let go of its scratch files
                # (Windows cannot delete an open file); what it writes is removed below.
                with suppress(Exception):
                    workbook.close()
                raise
            _close(workbook, target)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)


@contextmanager
def _encrypted(target: Path, password: str) -> Iterator[Book]:
    plain = io.BytesIO()
    workbook = xlsxwriter.Workbook(plain, {**_OPTIONS, "in_memory": True})
    yield Book(workbook)
    _close(workbook, target)
    plain.seek(0)
    # Loaded here, for the rare workbook with a password: msoffcrypto and its cryptography
    # weigh on every process that writes one without.
    from msoffcrypto.format.ooxml import OOXMLFile

    with written_atomically(target) as temporary:
        try:
            with temporary.open("wb") as out:
                OOXMLFile(plain).encrypt(password, out)
        except OSError as exc:
            raise _not_written(target, exc) from exc


def _close(workbook: xlsxwriter.Workbook, target: Path) -> None:
    try:
        workbook.close()
    except FileCreateError as exc:  # it carries the OSError
        cause = next((a for a in exc.args if isinstance(a, OSError)), None)
        raise _not_written(target, cause) from exc


def _not_written(target: Path, exc: OSError | None) -> UserError:
    why = f": {exc.strerror or exc}" if exc is not None else ""
    return UserError(f"Không ghi được tệp «{target}»{why}.")
