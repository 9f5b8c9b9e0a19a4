"""A report for the window and the command line: its figures with a drafted text, and
its export to Excel, PDF and Word, audited.

One computation (`report_figures`) feeds the screen, the workbook and the PDF;
`app.reports` lays out the files. A period whose report was frozen ("chốt số liệu")
exports the files frozen, as they were sent (the Word file, not kept, drafted again from
the frozen figures and text), and its draft says how today's figures differ from them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.db import Database
from app.domain.periods import Period
from app.domain.report import ReportFigures, ReportOption, ReportText, Summary, chosen
from app.domain.report_forms import CellChange, changed_cells
from app.errors import UserError
from app.progress import CancelToken, Progress
from app.reports.export import Drafting, write_files
from app.reports.narrative import draft
from app.services import audit, report_register, templates
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.report_figures import compute_figures, streamed_figures
from app.services.report_register import SentReportDetail
from app.services.settings import load_office


@dataclass(frozen=True)
class Targets:
    xlsx: Path | None = None
    pdf: Path | None = None
    docx: Path | None = None  # the editable report, for the last edits before signing

    @property
    def paths(self) -> tuple[Path, ...]:
        return tuple(p for p in (self.xlsx, self.pdf, self.docx) if p is not None)


@dataclass(frozen=True)
class ReportDraft:
    """A period's figures and the text drafted from them, for the officer to edit; for a
    frozen period, its newest version as sent."""

    figures: ReportFigures
    narrative: str
    sent: SentReportDetail | None = None

    @property
    def differences(self) -> tuple[CellChange, ...]:
        """The cells of forms 01 and 02 whose figure changed since the report was frozen."""
        if self.sent is None:
            return ()
        return changed_cells(self.sent.figures.summary, self.figures.summary)


def counts_by_cut_off(db: Database) -> bool:
    """Whether the office's periods run over the cut-off days of NĐ 09/2019."""
    return chosen(load_office(db), ReportOption.CUT_OFF_PERIODS)


def office_period(db: Database, period: Period) -> Period:
    """`period` over the days the office counts (calendar or NĐ 09/2019 cut-off)."""
    return period.by_cut_off(counts_by_cut_off(db))


def draft_report(db: Database, actor: Actor, period: Period) -> ReportDraft:
    figures = compute_figures(db, period)
    return ReportDraft(figures, draft(figures, load_office(db)),
                       report_register.latest_sent_report(db, actor, period))


def export_report(db: Database, actor: Actor, period: Period, targets: Targets, *,
                  text: ReportText | None = None, progress: Progress | None = None,
                  token: CancelToken | None = None,
                  warn: Callable[[str], None] | None = None,
                  workbook_beside: bool | None = None) -> Summary:
    """Write the report of `period` to the files asked for, and log who exported what.
    Without `text`: no number yet (the clerk gives it), today's date, the drafted text.
    A frozen period gives the files of its newest version as sent, whatever `text` says:
    never a report that differs from the one sent under its number. The Word file in the
    office's template, in the default when that one fails (`warn` told why). Forms 01 and
    02 of the files written.

    The files are written within the read transaction of their figures, form 03's cases
    read a chunk at a time as each file reaches them: a year's take no more memory than a
    month's. A long workbook is written by a process of its own (`workbook_beside`: always
    or never, rather than by its length; the self-test asks for it)."""
    actor.require(Permission.REPORT)
    if not targets.paths:
        raise UserError("Chưa chọn tệp cần xuất (Excel, PDF hoặc Word).")
    if (sent := report_register.latest_sent_report(db, actor, period)) is not None:
        if targets.xlsx or targets.pdf:
            report_register.write_sent_files(db, actor, sent.record.uuid, xlsx=targets.xlsx,
                                             pdf=targets.pdf)
        if targets.docx:
            _frozen_docx(db, actor, sent, targets.docx, office_drafting(db, warn), progress, token)
        return sent.figures.summary
    office, drafting = load_office(db), office_drafting(db, warn)
    with streamed_figures(db, period, read_ahead=targets.xlsx is None) as figures:
        write_files(figures, office,
                    text or ReportText("", date.today(), draft(figures, office)),
                    xlsx=targets.xlsx, pdf=targets.pdf, docx=targets.docx, drafting=drafting,
                    progress=progress, token=token, workbook_beside=workbook_beside)
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.REPORT, entity="report",
                     detail={"period": period.label, "start": period.start.isoformat(),
                             "end": period.end.isoformat(),
                             "files": [str(p) for p in targets.paths],
                             "number": text.number if text else ""})
    return figures.summary


def office_drafting(db: Database, warn: Callable[[str], None] | None) -> Drafting:
    """The report's Word file in the office's template, or the default when it fails (`warn`
    told why)."""
    def draft(write: Callable[[Path | bytes], None]) -> None:
        warning = templates.drafted_with(db, templates.REPORT, write)
        if warning is not None and warn is not None:
            warn(warning)
    return draft


def _frozen_docx(db: Database, actor: Actor, sent: SentReportDetail, target: Path,
                 drafting: Drafting, progress: Progress | None,
                 token: CancelToken | None) -> None:
    """The Word file of a frozen report: not kept when it was frozen, so drafted from its
    frozen figures, number, date and text (masked when frozen); audited like its files."""
    record = sent.record
    write_files(sent.figures, load_office(db),
                ReportText(record.number, record.issue_date, sent.narrative), docx=target,
                drafting=drafting, progress=progress, token=token)
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.EXPORT, entity="sent_report",
                     entity_uuid=record.uuid, detail={"number": record.number,
                                                      "version": record.version,
                                                      "files": [str(target)]})
