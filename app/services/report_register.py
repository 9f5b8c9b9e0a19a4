"""The register of reports sent to the province.

Marking a report as sent ("chốt số liệu") freezes its figures, text and files
under a number: later edits to cases do not change it. Sending the same period
again is a re-issue: a new version that names the one it replaces and why.
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, selectinload

from app.db import Database
from app.domain.labels import ClosingResult
from app.domain.periods import Period, PeriodKind
from app.domain.report import ReportFigures, ReportText, figures_from_json, figures_to_json
from app.domain.vocabulary import EventKind
from app.errors import UserError
from app.models import Case, Event, SentReport
from app.progress import CancelToken, Progress
from app.reports import document
from app.reports.export import write_files
from app.reports.files import written_atomically
from app.services import audit
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.events import Catalog, catalog, sanction_path_problems
from app.services.report_export import default_file
from app.services.report_figures import compute_figures
from app.services.settings import load_office
from app.text import clean, format_date


@dataclass(frozen=True)
class SentReportRecord:
    uuid: str
    period: Period
    version: int
    number: str  # the full reference as sent: `05/BC-VHXH`
    issue_date: date
    sent_by: str
    sent_by_name: str
    sent_at: datetime
    supersedes: str | None
    reissue_reason: str | None
    xlsx_sha256: str
    pdf_sha256: str

    @property
    def label(self) -> str:
        return self.period.label


@dataclass(frozen=True)
class SentReportDetail:
    record: SentReportRecord
    narrative: str  # as sent, children masked
    figures: ReportFigures


def _record(row: SentReport) -> SentReportRecord:
    period = Period(PeriodKind(row.period_kind), row.period_start, row.period_end)
    return SentReportRecord(row.uuid, period, row.version, row.number, row.issue_date,
                            row.sent_by, row.sent_by_name, row.sent_at, row.supersedes,
                            row.reissue_reason, row.xlsx_sha256, row.pdf_sha256)


@dataclass(frozen=True)
class CaseBreach:
    """A case of a period that breaks the sanction path, and each rule it breaks."""

    code: str
    problems: tuple[str, ...]


class SanctionPathBreaches(UserError):
    """"Chốt số liệu" refused: the period has cases whose sanctions the law does not allow."""

    def __init__(self, period: Period, breaches: list[CaseBreach]) -> None:
        self.breaches = tuple(breaches)
        listed = "\n".join(f"- {b.code}: {' '.join(b.problems)}" for b in breaches)
        super().__init__(
            f"Chưa chốt số liệu {period.phrase}: {len(breaches)} vụ việc có quyết định xử phạt "
            "hoặc kết quả xử lý không đúng quy định, nếu chốt sẽ được tính vào báo cáo. Hãy mở "
            "từng vụ việc, sửa (ghi biên bản, «Sửa quyết định…», ghi họ tên đối tượng, …) rồi "
            f"chốt lại.\n{listed}")


def sanction_breaches(session: Session, period: Period,
                      provisions: Catalog) -> list[CaseBreach]:
    """The cases of `period` (detected in it or with an event in it) that break a rule of the
    sanction path (app.domain.sanctions), by code. Only a decision or an "offender not
    identified" closing can break one: the others are not loaded."""
    live = and_(Event.case_id == Case.id, Event.voided_at.is_(None))
    in_period = or_(Case.detected_on.between(period.start, period.end),
                    select(Event.id).where(live, Event.occurred_on.between(
                        period.start, period.end)).exists())
    concerned = select(Event.id).where(live, or_(
        Event.kind == EventKind.SANCTION,
        Event.closing_result == ClosingResult.UNIDENTIFIED)).exists()
    found = session.execute(
        select(Case).where(Case.deleted_at.is_(None), in_period, concerned)
        .options(selectinload(Case.events).selectinload(Event.legal_bases))
        .order_by(Case.code)).scalars()
    return [CaseBreach(case.code, tuple(problems)) for case in found
            if (problems := sanction_path_problems(case, provisions))]


def _latest(session: Session, period: Period) -> SentReport | None:
    return session.execute(
        select(SentReport)
        .where(SentReport.period_start == period.start, SentReport.period_end == period.end)
        .order_by(SentReport.version.desc()).limit(1)
    ).scalar_one_or_none()


def _check_send(session: Session, period: Period, reference: str, issue_date: date,
                reason: str | None, provisions: Catalog) -> SentReport | None:
    """The version being replaced (None for a first issue); refuses what may not be sent."""
    if breaches := sanction_breaches(session, period, provisions):
        raise SanctionPathBreaches(period, breaches)
    latest = _latest(session, period)
    if latest is not None and not reason:
        raise UserError(
            f"Báo cáo {period.phrase} đã chốt số liệu (số {latest.number} ngày "
            f"{format_date(latest.issue_date)}, {latest.sent_by_name} chốt). Muốn sửa, hãy phát "
            "hành lại và ghi lý do: báo cáo cũ được giữ nguyên trong sổ.")
    taken = session.execute(
        select(SentReport.label).where(
            SentReport.number == reference,
            SentReport.issue_date >= date(issue_date.year, 1, 1),
            SentReport.issue_date <= date(issue_date.year, 12, 31))
    ).scalars().first()
    if taken is not None:
        raise UserError(f"Số {reference} năm {issue_date.year} đã dùng cho báo cáo {taken}; "
                        "hãy lấy số khác.", field="number")
    return latest


def send_report(db: Database, actor: Actor, period: Period, text: ReportText, *,
                reason: str | None = None, progress: Progress | None = None,
                token: CancelToken | None = None) -> SentReportRecord:
    """Freeze and number the report of `period`; with `reason`, re-issue it as a new version."""
    actor.require(Permission.SEND_REPORT)
    number, why = clean(text.number), clean(reason)
    if not number:
        raise UserError("Cần ghi số báo cáo trước khi chốt số liệu.", field="number")
    office = load_office(db)
    reference = document.reference(office.report_issuer, number)
    provisions = catalog(db)
    with db.read() as session:  # refuse early, before the files are written
        _check_send(session, period, reference, text.issue_date, why, provisions)
    figures = compute_figures(db, period)
    frozen = ReportText(number, text.issue_date, figures.masker.mask(text.narrative))
    with tempfile.TemporaryDirectory(prefix="sovipham-") as folder:
        xlsx_file, pdf_file = Path(folder) / "bao-cao.xlsx", Path(folder) / "bao-cao.pdf"
        write_files(figures, office, frozen, xlsx=xlsx_file, pdf=pdf_file, progress=progress,
                    token=token)
        xlsx, pdf = xlsx_file.read_bytes(), pdf_file.read_bytes()
    with db.write() as session:
        replaced = _check_send(session, period, reference, text.issue_date, why, provisions)
        # The log's newest row as the report is frozen: a log rolled back behind a report
        # that went out of the office is found by `check`.
        anchor = audit.anchor(session)
        row = SentReport(
            period_kind=str(period.kind), period_start=period.start, period_end=period.end,
            label=period.label, version=replaced.version + 1 if replaced else 1,
            number=reference, issue_date=text.issue_date, narrative=frozen.narrative,
            figures=json.dumps(figures_to_json(figures), ensure_ascii=False),
            xlsx=xlsx, xlsx_sha256=hashlib.sha256(xlsx).hexdigest(),
            pdf=pdf, pdf_sha256=hashlib.sha256(pdf).hexdigest(),
            sent_by=actor.username, sent_by_name=actor.full_name,
            supersedes=replaced.uuid if replaced else None, reissue_reason=why,
            audit_sequence=anchor.get("sequence"), audit_mac=anchor.get("mac"),
        )
        session.add(row)
        session.flush()
        audit.record(session, actor.username, AuditAction.REPORT, entity="sent_report",
                     entity_uuid=row.uuid,
                     # Not the re-issue reason: free text, kept on the report's row.
                     detail={"action": "chốt số liệu", "period": period.label,
                             "number": reference, "version": row.version,
                             "xlsx_sha256": row.xlsx_sha256, "pdf_sha256": row.pdf_sha256})
        record = _record(row)
    _materialise(db.paths.reports, record, xlsx, pdf)
    return record


def _file_names(record: SentReportRecord) -> tuple[str, str]:
    number = "".join(c for c in record.number.split("/")[0] if c.isalnum() or c == "-")
    stem = default_file(record.period, f"-so-{number}-v{record.version}")
    return f"{stem}.xlsx", f"{stem}.pdf"


def _materialise(folder: Path, record: SentReportRecord, xlsx: bytes,
                 pdf: bytes) -> tuple[Path, Path]:
    paths = tuple(folder / name for name in _file_names(record))
    for path, content in zip(paths, (xlsx, pdf), strict=True):
        with written_atomically(path) as temporary:
            temporary.write_bytes(content)
    return paths[0], paths[1]


def list_sent_reports(db: Database, actor: Actor) -> list[SentReportRecord]:
    """Every version of every report sent, newest first, with who sent it."""
    actor.require(Permission.VIEW)
    with db.read() as session:
        rows = session.execute(
            select(SentReport).order_by(SentReport.sent_at.desc(), SentReport.id.desc())
        ).scalars()
        return [_record(row) for row in rows]


def _load(session: Session, uuid: str) -> SentReport:
    row = session.execute(select(SentReport).where(SentReport.uuid == uuid)).scalar_one_or_none()
    if row is None:
        raise UserError("Không tìm thấy báo cáo này trong sổ báo cáo đã gửi.")
    return row


def get_sent_report(db: Database, actor: Actor, uuid: str) -> SentReportDetail:
    """A report exactly as sent: its frozen figures and text."""
    actor.require(Permission.REPORT)
    with db.read() as session:
        row = _load(session, uuid)
        return SentReportDetail(_record(row), row.narrative,
                                figures_from_json(json.loads(row.figures)))


def save_sent_files(db: Database, actor: Actor, uuid: str,
                    folder: Path | None = None) -> tuple[Path, Path]:
    """Write the files as sent (checked against their SHA-256) into `folder`."""
    actor.require(Permission.REPORT)
    with db.read() as session:
        row = _load(session, uuid)
        record, xlsx, pdf = _record(row), row.xlsx, row.pdf
    if (hashlib.sha256(xlsx).hexdigest(), hashlib.sha256(pdf).hexdigest()) != (
            record.xlsx_sha256, record.pdf_sha256):
        raise UserError(f"Tệp của báo cáo số {record.number} trong sổ không khớp mã băm: "
                        "dữ liệu đã bị sửa ngoài chương trình. Hãy chạy kiểm tra dữ liệu.")
    paths = _materialise(folder or db.paths.reports, record, xlsx, pdf)
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.EXPORT, entity="sent_report",
                     entity_uuid=uuid, detail={"number": record.number,
                                               "files": [str(p) for p in paths]})
    return paths
