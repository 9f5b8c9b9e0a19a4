"""Writing a report's files: the workbook, the PDF and the Word file from the same figures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from app.domain.office import OfficeSettings
from app.domain.report import ReportFigures, ReportText
from app.domain.report_forms import ReportForms
from app.progress import CancelToken, Progress

# The share of the time each file takes: the PDF several times the workbook per row.
_WEIGHTS = {"xlsx": 1.0, "pdf": 4.0, "docx": 1.5}

# How the Word file gets its template: called with the function that writes the file from
# a template (the service passes `app.services.templates.drafted_with`'s choice: the
# office's, the default when that one fails). None: the template shipped.
Drafting = Callable[[Callable[[Path | bytes], None]], None]


def write_files(figures: ReportFigures, office: OfficeSettings, text: ReportText, *,
                xlsx: Path | None = None, pdf: Path | None = None, docx: Path | None = None,
                forms: ReportForms | None = None, drafting: Drafting | None = None,
                progress: Progress | None = None, token: CancelToken | None = None,
                workbook_beside: bool | None = None) -> None:
    """Every file asked for from the same figures, laid out as `forms` (a unit's report's by
    default); progress runs once over them all (in thousandths). `workbook_beside`: see
    `workbook_process.write_report`."""
    # Imported here: XlsxWriter, reportlab and python-docx would slow every start of the
    # window.
    writers: list[tuple[str, Callable[[Progress | None], None]]] = []
    if xlsx is not None:
        from app.reports.workbook_process import write_report

        writers.append(("xlsx", lambda stage: write_report(
            figures, office, xlsx, forms=forms, progress=stage, token=token,
            beside=workbook_beside)))
    if pdf is not None:
        from app.reports.pdf import write_pdf

        writers.append(("pdf", lambda stage: write_pdf(
            figures, office, text, pdf, forms=forms, progress=stage, token=token)))
    if docx is not None:
        from app.reports.docx_report import write_docx

        def word(stage: Progress | None, template: Path | bytes | None = None) -> None:
            write_docx(figures, office, text, docx, forms=forms, template=template,
                       progress=stage, token=token)

        writers.append(("docx", lambda stage: word(stage) if drafting is None
                        else drafting(lambda template: word(stage, template))))
    whole = sum(_WEIGHTS[kind] for kind, _ in writers)
    start = 0.0
    for kind, write in writers:
        end = start + _WEIGHTS[kind] / whole
        write(_stage(progress, start, end))
        start = end


def _stage(progress: Progress | None, start: float, end: float) -> Progress | None:
    if progress is None:
        return None
    return lambda done, total: progress(
        int(1000 * (start + (end - start) * done / max(total, 1))), 1000)
