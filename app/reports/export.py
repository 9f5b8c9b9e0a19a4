"""Writing a report's files: the workbook and the PDF from the same figures."""

from __future__ import annotations

from pathlib import Path

from app.domain.office import OfficeSettings
from app.domain.report import ReportFigures, ReportText
from app.progress import CancelToken, Progress


def write_files(figures: ReportFigures, office: OfficeSettings, text: ReportText, *,
                xlsx: Path | None = None, pdf: Path | None = None,
                progress: Progress | None = None, token: CancelToken | None = None) -> None:
    """Both files from the same figures; progress runs once over the two (in thousandths)."""
    # The PDF takes several times longer per row than the workbook.
    pdf_start = 0.2 if xlsx and pdf else (1.0 if xlsx else 0.0)

    def stage(start: float, end: float) -> Progress | None:
        if progress is None:
            return None
        return lambda done, total: progress(
            int(1000 * (start + (end - start) * done / max(total, 1))), 1000)

    # Imported here: XlsxWriter and reportlab would slow every start of the window.
    if xlsx is not None:
        from app.reports.excel import write_workbook

        write_workbook(figures, office, xlsx, progress=stage(0.0, pdf_start), token=token)
    if pdf is not None:
        from app.reports.pdf import write_pdf

        write_pdf(figures, office, text, pdf, progress=stage(pdf_start, 1.0), token=token)
