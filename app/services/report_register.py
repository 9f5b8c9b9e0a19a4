"""The register of reports sent to the province.

Marking a report as sent ("chốt số liệu") freezes its figures, text and files
under a number: later edits to cases do not change it, and a change that would
alter a frozen report's figures is found before it is saved so that the officer
is warned. Sending the same period again is a re-issue: a new version under the
same number that names the one it replaces and why; every version's files stay
as they were sent.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import tempfile
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, defer, selectinload

from app.db import Database
from app.domain.case import CaseInput, validate_case
from app.domain.events import EventInput, closing_date, validate_event
from app.domain.labels import RETURN_ANSWERED, RETURNED_REPORT, ClosingResult
from app.domain.periods import Period, PeriodKind
from app.domain.report import (
    ReportFigures,
    ReportText,
    Summary,
    figures_from_json,
    figures_to_json,
)
from app.domain.report_forms import CellChange, Kind, changed_cells
from app.domain.units import Unit
from app.domain.vocabulary import EventKind, Vocabulary
from app.errors import UserError
from app.models import Case, Child, Event, ReportReturn, SentReport
from app.models.base import utcnow
from app.progress import CancelToken, Progress
from app.reports import document
from app.reports.export import write_files
from app.reports.files import written_atomically
from app.services import audit, vocabulary
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.case_rows import case_columns, child_columns, event_columns
from app.services.cases import load_case
from app.services.events import Catalog, catalog, sanction_path_problems
from app.services.records import event_record
from app.services.report_figures import compute_figures, summaries_in
from app.services.settings import load_office
from app.text import clean, format_date, format_money


@dataclass(frozen=True)
class Returned:
    """The province returned a version, by a note taken in (`services/report_reviews.py`)."""

    province: Unit
    reason: str
    returned_on: date


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
    # In the register's list: the province's return of this version, and the version
    # re-issued since, which answers it.
    returned: Returned | None = None
    answered_by: int | None = None

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def return_text(self) -> str:
        """«Bị trả lại ngày 12/11/2026: <lý do>; đã phát hành lại (phiên bản 2)», or ""."""
        if self.returned is None:
            return ""
        text = RETURNED_REPORT.format(date=format_date(self.returned.returned_on),
                                      reason=self.returned.reason)
        if self.answered_by is not None:
            text += "; " + RETURN_ANSWERED.format(version=self.answered_by)
        return text


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


def _check_send(session: Session, period: Period, reason: str | None,
                provisions: Catalog) -> SentReport | None:
    """The version a re-issue (with `reason`) replaces, None for a first issue; refuses what
    may not be sent."""
    if breaches := sanction_breaches(session, period, provisions):
        raise SanctionPathBreaches(period, breaches)
    latest = _latest(session, period)
    if latest is not None and reason is None:
        raise UserError(
            f"Báo cáo {period.phrase} đã chốt số liệu (số {latest.number} ngày "
            f"{format_date(latest.issue_date)}, {latest.sent_by_name} chốt). Muốn sửa, hãy phát "
            "hành lại và ghi lý do: báo cáo cũ được giữ nguyên trong sổ.")
    if latest is None and reason is not None:
        raise UserError(f"Báo cáo {period.phrase} chưa chốt số liệu nên chưa phát hành lại "
                        "được; hãy chốt số liệu.")
    return latest


def _check_number(session: Session, period: Period, reference: str, issue_date: date) -> None:
    """A number is given once a year; the versions of one report share theirs."""
    taken = session.execute(
        select(SentReport.label).where(
            SentReport.number == reference,
            SentReport.issue_date >= date(issue_date.year, 1, 1),
            SentReport.issue_date <= date(issue_date.year, 12, 31),
            or_(SentReport.period_start != period.start, SentReport.period_end != period.end))
    ).scalars().first()
    if taken is not None:
        raise UserError(f"Số {reference} năm {issue_date.year} đã dùng cho báo cáo {taken}; "
                        "hãy lấy số khác.", field="number")


def send_report(db: Database, actor: Actor, period: Period, text: ReportText, *,
                progress: Progress | None = None,
                token: CancelToken | None = None) -> SentReportRecord:
    """Freeze and number the report of `period`: its first version."""
    return _freeze(db, actor, period, text, None, progress, token)


def reissue_report(db: Database, actor: Actor, period: Period, text: ReportText, reason: str,
                   *, progress: Progress | None = None,
                   token: CancelToken | None = None) -> SentReportRecord:
    """A new version of the frozen report of `period` under the same number: today's
    figures, the office's signer and texts of today, `text`'s issue date and narrative. The
    versions before stay in the register as they were sent."""
    why = clean(reason)
    if not why:
        raise UserError("Cần ghi lý do phát hành lại.", field="reason")
    return _freeze(db, actor, period, text, why, progress, token)


def _freeze(db: Database, actor: Actor, period: Period, text: ReportText, why: str | None,
            progress: Progress | None, token: CancelToken | None) -> SentReportRecord:
    actor.require(Permission.SEND_REPORT)
    office = load_office(db)
    provisions = catalog(db)
    with db.read() as session:  # refuse early, before the files are written
        latest = _check_send(session, period, why, provisions)
        replaced = _record(latest) if latest else None
        # A re-issue keeps the number of the report it replaces.
        number = replaced.number.split("/")[0] if replaced else clean(text.number)
        if not number:
            raise UserError("Cần ghi số báo cáo trước khi chốt số liệu.", field="number")
        reference = document.reference(office.report_issuer, number)
        _check_number(session, period, reference, text.issue_date)
    figures = compute_figures(db, period)
    frozen = ReportText(number, text.issue_date, figures.masker.mask(text.narrative))
    with tempfile.TemporaryDirectory(prefix="sovipham-") as folder:
        xlsx_file, pdf_file = Path(folder) / "bao-cao.xlsx", Path(folder) / "bao-cao.pdf"
        write_files(figures, office, frozen, xlsx=xlsx_file, pdf=pdf_file, progress=progress,
                    token=token)
        xlsx, pdf = xlsx_file.read_bytes(), pdf_file.read_bytes()
    with db.write() as session:
        again = _check_send(session, period, why, provisions)
        if (again.uuid if again else None) != (replaced.uuid if replaced else None):
            raise UserError(f"Báo cáo {period.phrase} vừa được người khác chốt hoặc phát hành "
                            "lại; hãy xem sổ báo cáo đã gửi rồi làm lại.")
        _check_number(session, period, reference, text.issue_date)
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


def default_file(period: Period, suffix: str) -> str:
    """`bao-cao-2026-10.xlsx`: a report's file, exported or kept in the register."""
    return f"bao-cao-{period.slug}{suffix}"


def _file_names(record: SentReportRecord) -> tuple[str, str]:
    number = "".join(c for c in record.number.split("/")[0] if c.isalnum() or c == "-")
    stem = default_file(record.period, f"-so-{number}-v{record.version}")
    return f"{stem}.xlsx", f"{stem}.pdf"


def _materialise(folder: Path, record: SentReportRecord, xlsx: bytes,
                 pdf: bytes) -> tuple[Path, Path]:
    paths = tuple(folder / name for name in _file_names(record))
    _write(zip(paths, (xlsx, pdf), strict=True))
    return paths[0], paths[1]


def _write(files: Iterable[tuple[Path | None, bytes]]) -> None:
    for path, content in files:
        if path is not None:
            with written_atomically(path) as temporary:
                temporary.write_bytes(content)


def list_sent_reports(db: Database, actor: Actor) -> list[SentReportRecord]:
    """Every version of every report sent, newest first, with who sent it, and the
    province's return of a version with the re-issue that answered it."""
    actor.require(Permission.VIEW)
    with db.read() as session:
        records = [_record(row) for row in session.execute(
            select(SentReport).options(defer(SentReport.xlsx), defer(SentReport.pdf),
                                       defer(SentReport.figures))
            .order_by(SentReport.sent_at.desc(), SentReport.id.desc())).scalars()]
        returns = {row.sent_report_uuid: row for row in session.execute(
            select(ReportReturn).options(defer(ReportReturn.note))).scalars()}
    versions: dict[tuple[date, date], set[int]] = {}
    for record in records:
        versions.setdefault((record.period.start, record.period.end), set()).add(
            record.version)
    return [dataclasses.replace(
        record, returned=Returned(Unit(row.province_code, row.province_name), row.reason,
                                  row.returned_on),
        answered_by=min((v for v in versions[record.period.start, record.period.end]
                         if v > record.version), default=None))
        if (row := returns.get(record.uuid)) is not None else record for record in records]


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


def latest_sent_report(db: Database, actor: Actor, period: Period) -> SentReportDetail | None:
    """The newest version of the report frozen for exactly `period`, None if none was."""
    actor.require(Permission.REPORT)
    with db.read() as session:
        row = _latest(session, period)
        if row is None:
            return None
        return SentReportDetail(_record(row), row.narrative,
                                figures_from_json(json.loads(row.figures)))


def write_sent_files(db: Database, actor: Actor, uuid: str, *, xlsx: Path | None = None,
                     pdf: Path | None = None) -> SentReportRecord:
    """Write the files of a report as sent, checked against their SHA-256, to the paths
    given; audited."""
    actor.require(Permission.REPORT)
    with db.read() as session:
        row = _load(session, uuid)
        record, files = _record(row), ((xlsx, row.xlsx), (pdf, row.pdf))
    if (hashlib.sha256(files[0][1]).hexdigest(), hashlib.sha256(files[1][1]).hexdigest()) != (
            record.xlsx_sha256, record.pdf_sha256):
        raise UserError(f"Tệp của báo cáo số {record.number} trong sổ không khớp mã băm: "
                        "dữ liệu đã bị sửa ngoài chương trình. Hãy chạy kiểm tra dữ liệu.")
    _write(files)
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.EXPORT, entity="sent_report",
                     entity_uuid=uuid, detail={"number": record.number, "version": record.version,
                                               "files": [str(p) for p in (xlsx, pdf) if p]})
    return record


def save_sent_files(db: Database, actor: Actor, uuid: str,
                    folder: Path | None = None) -> tuple[Path, Path]:
    """Write the files of a version as sent into `folder` (the data folder's `reports` by
    default) under the register's names: what the register opens."""
    with db.read() as session:
        record = _record(_load(session, uuid))
    xlsx, pdf = ((folder or db.paths.reports) / name for name in _file_names(record))
    write_sent_files(db, actor, uuid, xlsx=xlsx, pdf=pdf)
    return xlsx, pdf


# --- changes that would alter a frozen report ---------------------------------------------


@dataclass(frozen=True)
class PendingChange:
    """A change of one case about to be saved, as the services will store it: the case's
    fields (a new case when `case_id` is None), an event added or put in place of
    `edited`, an event struck out, the case deleted (True) or restored (False)."""

    case_id: int | None
    case: CaseInput | None = None
    added: EventInput | None = None
    edited: int | None = None
    voided: int | None = None
    deleted: bool | None = None


@dataclass(frozen=True)
class FrozenAlteration:
    """A frozen report whose forms 01 and 02 a change would alter, and how."""

    report: SentReportRecord
    changes: tuple[CellChange, ...]  # what the case adds to each cell, before and after

    @property
    def message(self) -> str:
        r = self.report
        shown = "; ".join(_delta(c) for c in self.changes[:MAX_LISTED_CHANGES])
        more = len(self.changes) - MAX_LISTED_CHANGES
        return (f"Báo cáo số {r.number} {r.period.phrase} đã chốt ngày "
                f"{format_date(r.sent_at.astimezone().date())}: thay đổi này làm thay đổi số "
                f"liệu đã gửi ({shown}{f'; và {more} ô khác' if more > 0 else ''}).")


MAX_LISTED_CHANGES = 4


def _delta(change: CellChange) -> str:
    """`Biểu 01, dòng «Tổng cộng», cột «Đã gỡ bỏ» tăng 1`."""
    step = change.after - change.before
    amount = format_money(abs(step)) if change.column.kind is Kind.MONEY else abs(step)
    return f"{change.place} {'tăng' if step > 0 else 'giảm'} {amount}"


def _frozen(session: Session) -> list[SentReport]:
    """The newest version of each frozen period."""
    newest: dict[tuple[date, date], SentReport] = {}
    for row in session.execute(select(SentReport).order_by(SentReport.version)).scalars():
        newest[row.period_start, row.period_end] = row
    return list(newest.values())


def frozen_reports_altered(db: Database, actor: Actor, change: PendingChange, *,
                           today: date | None = None) -> list[FrozenAlteration]:
    """The frozen reports whose forms 01 and 02 `change` would alter, before it is saved.

    Exact and cheap: the figures are sums over cases, so a change to one case alters a
    report exactly when it alters what that case adds to it. That is computed by the
    report's own rules (`summaries_in` over the one case) as the case is stored, then with
    the change applied inside a savepoint that is rolled back. A change the services would
    refuse alters nothing (its save says why)."""
    actor.require(Permission.VIEW)
    with db.read() as session:
        if not _frozen(session):
            return []
    with db.write() as session:
        reports = [_record(row) for row in _frozen(session)]
        periods = [r.period for r in reports]
        vocab = vocabulary.load_from(session)
        before = (summaries_in(session, periods, vocab, [change.case_id])
                  if change.case_id is not None else None)
        trial = session.begin_nested()
        try:
            case_id = _apply(session, change, vocab, today or date.today())
            after = (summaries_in(session, periods, vocab, [case_id])
                     if case_id is not None else None)
        finally:
            trial.rollback()
    if after is None:
        return []
    found = []
    for n, report in enumerate(reports):
        empty = Summary(report.period, (), ())
        if changes := changed_cells(before[n] if before else empty, after[n]):
            found.append(FrozenAlteration(report, changes))
    return found


def _apply(session: Session, change: PendingChange, vocab: Vocabulary,
           today: date) -> int | None:
    """Store `change` as the services would, as far as the report counts it (the case's
    columns, its children, its events and the closing date they give, its deletion); the
    case's id, None when the services would refuse the change."""
    if change.case_id is None:
        case = Case(code=f"~{uuid.uuid4().hex}", created_by="", updated_by="")
        session.add(case)
    else:
        case = load_case(session, change.case_id)
    if change.case is not None:
        data = change.case.normalised()
        if validate_case(data, vocab, today):
            return None
        for key, value in case_columns(data, case.code).items():
            setattr(case, key, value)
        case.children = [Child(**child_columns(child)) for child in data.children]
    if change.deleted is not None:
        case.deleted_at = utcnow() if change.deleted else None
    for event in case.events:
        if event.id == change.voided:
            event.voided_at = utcnow()
    if change.added is not None:
        data_event = change.added.normalised()
        existing = [event_record(e).fact for e in case.events]
        if validate_event(data_event, detected_on=case.detected_on, existing=existing,
                          vocabulary=vocab, today=today,
                          replacing=change.edited or change.voided):
            return None
        edited = next((e for e in case.events if e.id == change.edited), None)
        if edited is None:
            case.events.append(Event(officer="", **event_columns(data_event)))
        else:
            for key, value in event_columns(data_event).items():
                setattr(edited, key, value)
    session.flush()
    case.closed_on = closing_date(event_record(e).fact for e in case.events)
    session.flush()
    return case.id
