"""Exporting a report: one computation feeds the workbook and the PDF; the export is audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.db import Database
from app.errors import UserError
from app.reports.document import ReportText
from app.reports.figures import ReportFigures, compute_figures
from app.reports.narrative import draft
from app.reports.periods import Period
from app.services import audit
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.progress import CancelToken, Progress
from app.services.settings import OfficeSettings, load_office


def default_file(period: Period, suffix: str) -> str:
    """`bao-cao-2026-10.xlsx`."""
    return f"bao-cao-{period.slug}{suffix}"


def default_text(figures: ReportFigures, office: OfficeSettings, issue_date: date) -> ReportText:
    """No number yet (the clerk gives it), today's date, the drafted narrative."""
    return ReportText("", issue_date, draft(figures, office))


@dataclass(frozen=True)
class Targets:
    xlsx: Path | None = None
    pdf: Path | None = None

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(p for p in (self.xlsx, self.pdf) if p is not None)


def write_files(figures: ReportFigures, office: OfficeSettings, text: ReportText,
                targets: Targets, *, progress: Progress | None = None,
                token: CancelToken | None = None) -> None:
    """Both files from the same figures; progress runs once over the two (in thousandths)."""
    # The PDF takes several times longer per row than the workbook.
    pdf_start = 0.2 if targets.xlsx and targets.pdf else (1.0 if targets.xlsx else 0.0)

    def stage(start: float, end: float) -> Progress | None:
        if progress is None:
            return None
        return lambda done, total: progress(
            int(1000 * (start + (end - start) * done / max(total, 1))), 1000)

    # Imported here: XlsxWriter and reportlab would slow every start of the window.
    if targets.xlsx is not None:
        from app.reports.excel import write_workbook

        write_workbook(figures, office, targets.xlsx, progress=stage(0.0, pdf_start),
                       token=token)
    if targets.pdf is not None:
        from app.reports.pdf import write_pdf

        write_pdf(figures, office, text, targets.pdf, progress=stage(pdf_start, 1.0),
                  token=token)


def export_report(db: Database, actor: Actor, period: Period, targets: Targets, *,
                  text: ReportText | None = None, progress: Progress | None = None,
                  token: CancelToken | None = None) -> ReportFigures:
    """Write the report of `period` to the files asked for, and log who exported what."""
    actor.require(Permission.REPORT)
    if not targets.paths:
        raise UserError("Chưa chọn tệp cần xuất (Excel hoặc PDF).")
    figures = compute_figures(db, period)
    office = load_office(db)
    write_files(figures, office, text or default_text(figures, office, date.today()), targets,
                progress=progress, token=token)
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.REPORT, entity="report",
                     detail={"period": period.label, "start": period.start.isoformat(),
                             "end": period.end.isoformat(),
                             "files": [str(p) for p in targets.paths],
                             "number": text.number if text else ""})
    return figures
