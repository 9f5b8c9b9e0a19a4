"""`check`: the database, the audit log (against its anchors), the accounts seal, the
cases' closing dates, every evidence file and every file kept in the database with its
SHA-256 (the reports sent, the packages received, the return notes)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import Database, copies, encryption
from app.db.storage import storage_problems
from app.errors import UserError
from app.models import (
    AuditEntry,
    Case,
    Evidence,
    ReceivedReport,
    ReportReturn,
    ReportReview,
    SentReport,
)
from app.paths import DataPaths
from app.security import keys
from app.services import accounts_seal, audit, backup_archive, vault
from app.services.actor import Actor, Permission
from app.services.audit import Anchor, AuditAction
from app.services.evidence_store import content_sha256, is_stored


@dataclass(frozen=True)
class CheckReport:
    problems: tuple[str, ...]
    evidence_checked: int
    audit_rows: int

    @property
    def ok(self) -> bool:
        return not self.problems


def check_data_folder(db: Database, actor: Actor) -> CheckReport:
    actor.require(Permission.CHECK)
    problems = storage_problems(db.engine)
    problems += accounts_seal.problems(db)  # in an administrator's session
    problems += [f"Bản sao cơ sở dữ liệu chưa mã hóa (bị hỏng nên không mã hóa được): {copy}. "
                 "Hãy xem lại rồi xóa tệp này khi không còn cần."
                 for copy in encryption.plain_copies(db.paths)]
    keyed = db.admin_key is not None or vault.has_admin_key(db.paths)
    with db.read() as session:
        anchors = [*_backup_anchors(db.paths, session, keys.key_id(db.data_key)),
                   *_report_anchors(session)]
        problems += audit.verify_chain(session, db.admin_key, anchors, keyed=keyed)
        audit_rows = session.execute(select(func.count(AuditEntry.id))).scalar_one()
        stored = list(session.execute(
            select(Evidence.sha256, Evidence.original_name).distinct()
        ))
        problems += _kept_files_problems(session)
        problems += _closing_date_problems(session)
    for sha256, name in stored:
        if not is_stored(db.paths, sha256):
            problems.append(f"Thiếu tệp chứng cứ «{name}» ({sha256[:12]}…).")
        elif content_sha256(db.paths, sha256, db.data_key) != sha256:
            problems.append(f"Tệp chứng cứ «{name}» đã bị thay đổi hoặc hỏng (không giải mã "
                            "được hoặc mã băm không khớp).")
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.CHECK,
                     detail={"problems": len(problems)})
    return CheckReport(tuple(problems), len(stored), audit_rows)


def _closing_date_problems(session: Session) -> list[str]:
    """Cases closed before they were detected: the events' checks refuse such dates, and
    forms 01/02 read a case's own columns only from its detection to its closing
    (`report_figures._own_columns`), so one found here would be counted wrongly."""
    rows = session.execute(
        select(Case.code, Case.detected_on, Case.closed_on)
        .where(Case.deleted_at.is_(None), Case.closed_on < Case.detected_on)
        .order_by(Case.code))
    return [f"Vụ việc {code} kết thúc xử lý ngày {closed:%d/%m/%Y}, trước ngày phát hiện "
            f"{detected:%d/%m/%Y}: các biểu 01, 02 sẽ đếm sai vụ việc này. Hãy sửa ngày của "
            "bước xử lý kết thúc hoặc ngày phát hiện." for code, detected, closed in rows]


# Files kept in the database beside the SHA-256 recorded when they were made or received:
# (what the file is, its columns of bytes and of hash, the row's name for the message).
_KEPT_FILES: tuple[tuple[str, Any, Any, Callable[[Any], str]], ...] = (
    ("Bản Excel của báo cáo đã gửi", SentReport.xlsx, SentReport.xlsx_sha256,
     lambda row: f"số {row.number}, phiên bản {row.version}"),
    ("Bản PDF của báo cáo đã gửi", SentReport.pdf, SentReport.pdf_sha256,
     lambda row: f"số {row.number}, phiên bản {row.version}"),
    ("Gói báo cáo đã nhận", ReceivedReport.package, ReceivedReport.package_sha256,
     lambda row: f"đơn vị {row.unit_code}, {row.period_start:%d/%m/%Y}–"
                 f"{row.period_end:%d/%m/%Y}, lần phát hành {row.version}"),
    ("Thông báo trả lại báo cáo đã lập", ReportReview.note, ReportReview.note_sha256,
     lambda row: f"xem xét số {row.id}"),
    ("Thông báo trả lại báo cáo đã nhận", ReportReturn.note, ReportReturn.note_sha256,
     lambda row: f"của {row.province_code}, ngày {row.returned_on:%d/%m/%Y}"),
)


def _kept_files_problems(session: Session) -> list[str]:
    """Each kept file whose bytes no longer give the SHA-256 recorded with them, read a few
    rows at a time (a province keeps hundreds of packages)."""
    problems = []
    for what, content, digest, name in _KEPT_FILES:
        model = content.class_
        rows = session.execute(select(model).where(content.is_not(None))
                               .execution_options(yield_per=20)).scalars()
        for row in rows:
            data = getattr(row, content.key)
            if hashlib.sha256(data).hexdigest() != getattr(row, digest.key):
                problems.append(f"{what} ({name(row)}) đã bị thay đổi trong cơ sở dữ liệu: mã "
                                "băm không khớp với mã ghi khi lập hoặc nhận.")
            session.expunge(row)
    return problems


def _backup_anchors(paths: DataPaths, session: Session, key_id: str) -> list[Anchor]:
    """The anchor of the newest backup of this folder in its backups/ made since the log's
    last restore (a restore rolls the log back to its backup, legitimately: the backups
    made before it anchor the log it replaced). The last restore is its audit row, or its
    safety copy of the data it replaced: a restore finished at the next opening after a
    crash has no row."""
    found: list[tuple[backup_archive.BackupHeader, str]] = []
    for path in paths.backups.glob(f"*{backup_archive.SUFFIX}"):
        with suppress(UserError):  # damaged, or not a backup: nothing to compare with
            found.append((backup_archive.read_header(path), path.name))
    restores = [header.created_at for header, name in found
                if name.startswith(copies.RESTORE_PREFIX)]
    logged = session.execute(select(func.max(AuditEntry.at)).where(
        AuditEntry.action == AuditAction.RESTORE)).scalar_one()
    if logged is not None:
        restores.append(logged)
    restored = max(restores, default=None)
    for header, name in sorted(found, key=lambda pair: pair[0].created_at, reverse=True):
        if header.key_id != key_id or (restored is not None and header.created_at <= restored):
            continue
        newest = Anchor.from_json(f"bản sao lưu «{name}»", header.audit_anchor)
        if newest is not None:
            return [newest]
    return []


def _report_anchors(session: Session) -> list[Anchor]:
    """The anchor of the newest report frozen since the keyed chain started."""
    report = session.execute(
        select(SentReport.number, SentReport.version, SentReport.audit_sequence,
               SentReport.audit_mac)
        .where(SentReport.audit_sequence.is_not(None))
        .order_by(SentReport.audit_sequence.desc()).limit(1)
    ).first()
    if report is None or report.audit_mac is None:
        return []
    return [Anchor(f"báo cáo số {report.number} (lần {report.version}) đã chốt",
                   report.audit_sequence, report.audit_mac)]
