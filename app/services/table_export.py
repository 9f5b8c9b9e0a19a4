"""A plain table written to an .xlsx file: the current case list, the audit log.

The cells are made as for every workbook of the program (`app.reports.spreadsheet`):
text typed by a user is a string cell whatever it starts with, without the control
characters XML cannot hold; the file appears only when complete, and a cancel leaves
nothing anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

from app.progress import CancelToken, Progress

TITLE_FONT = "Times New Roman"
ROWS_PER_TICK = 500


def write_table(path: Path, title: str, headers: Sequence[str], widths: Sequence[int],
                rows: Iterable[Sequence[object]], total: int, *,
                progress: Progress | None = None, token: CancelToken | None = None) -> None:
    # Imported here: XlsxWriter would slow every start of the window.
    from app.reports.spreadsheet import PageSetup, writing

    with writing(path) as book:
        title_look = book.look(font=TITLE_FONT, size=13, bold=True)
        header = book.look(font=TITLE_FONT, size=11, bold=True, border="auto", valign="top",
                           wrap=True)
        cell = book.look(font=TITLE_FONT, size=11, border="auto", valign="top", wrap=True)
        sheet = book.sheet(title[:31])
        sheet.columns(widths)
        sheet.freeze("A3")
        sheet.page(PageSetup(fit_width=True, title_row=2))
        sheet.append([title], [title_look])
        sheet.append(headers, [header] * len(headers))
        looks = [cell] * len(headers)
        for done, row in enumerate(rows, start=1):
            sheet.append(row, looks)
            if done % ROWS_PER_TICK == 0:
                if token is not None:
                    token.raise_if_cancelled()
                if progress is not None:
                    progress(done, total)
