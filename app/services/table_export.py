"""A plain table written to an .xlsx file: the current case list, the audit log.

Text a user typed is stored as a string cell even when it starts with `=`, `+`,
`-` or `@`, so no spreadsheet evaluates it. The file appears only when complete.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

from app.progress import CancelToken, Progress

TITLE_FONT = "Times New Roman"


def write_table(path: Path, title: str, headers: Sequence[str], widths: Sequence[int],
                rows: Iterable[Sequence[object]], total: int, *,
                progress: Progress | None = None, token: CancelToken | None = None) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Border, Font, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.worksheet import Worksheet

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title[:31])
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for number, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(number)].width = width
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "2:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0

    def cell(value: object, bold: bool = False) -> WriteOnlyCell:
        item = WriteOnlyCell(sheet, value=value)
        item.font = Font(name=TITLE_FONT, size=11, bold=bold)
        item.border = border
        item.alignment = Alignment(wrap_text=True, vertical="top")
        if isinstance(value, str):
            item.data_type = "s"  # never a formula, whatever the text starts with
        return item

    title_cell = WriteOnlyCell(sheet, value=title)
    title_cell.font = Font(name=TITLE_FONT, size=13, bold=True)
    title_cell.data_type = "s"
    sheet.append([title_cell])
    sheet.append([cell(h, bold=True) for h in headers])
    for done, row in enumerate(rows, start=1):
        sheet.append([cell(v) for v in row])
        if done % 500 == 0:
            if token is not None:
                token.raise_if_cancelled()
            if progress is not None:
                progress(done, total)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(suffix=".xlsx", dir=path.parent)
    os.close(handle)
    try:
        book.save(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
