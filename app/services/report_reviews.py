"""The province's review of the reports units send, and the return note that carries a
return back to the unit (shared/spec/exchange.md).

At the province each version received (`received_reports`) awaits review until it is
accepted or returned with a reason (`report_reviews`, one decision per version). A newer
version received awaits its own review; a version returned stays returned in the history.
Reviewing takes the right to send reports (a leader or an administrator: the decision is
the office's, as sending its own report is); a return also signs a note with the office's
signing key, which only an administrator's session opens.

The return note (`.svptl`) is UTF-8 JSON, written with its keys sorted and without spaces
(the province keeps it as written). It holds:
  `format` ("sovipham-report-return") and `version` (1): the file's format;
  `unit_code`, `unit_name`: the province that returns the report;
  `report`: the version returned, as its package gave it: `unit_code` (the unit that sent
  it), `period` (`kind`, `start`, `end`, `label`), `number`, `version`, and
  `package_sha256` (the SHA-256 of the package received, which the unit's audit log keeps
  from when it made the package);
  `reason`: why it is returned;
  `returned_on`: the day it was returned (ISO date);
  `signature`: the province's signature (Ed25519, base64) over the JSON of every other
  field, keys sorted, without spaces, as a package is signed.

At the unit a note is taken in against the version of its sent reports it names. It is
refused whole — a Vietnamese message naming the file and why, nothing stored — when it is
not one or is cut short, made by a newer format, its province is not registered
(`trust-unit` the province's key first), its signature does not match, or it returns a
report this office never sent. The same note again changes nothing. The register of sent
reports shows the version returned, the day, the reason, and the re-issue that answered it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from app.db import Database
from app.db.storage import serialise
from app.domain.labels import ReviewStatus
from app.domain.periods import Period, PeriodKind
from app.domain.units import Unit
from app.errors import NotAllowed, UserError
from app.models import ReceivedReport, ReportReturn, ReportReview, SentReport
from app.reports.files import written_atomically
from app.services import audit, settings
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.report_packages import (
    Review,
    SignedFile,
    canonical,
    file_refusal,
    parsed,
    registered_keys,
    review_of,
    signed_by,
    signed_part,
    unreadable,
)
from app.services.unit_keys import office_signature, opens_own_keys
from app.text import clean, format_date

NOTE_FORMAT = "sovipham-report-return"
NOTE_VERSION = 1
NOTE_SUFFIX = ".svptl"
_MAX_NOTE_BYTES = 64 * 1024  # a reason of a few pages at most
_FIELDS = frozenset({"format", "version", "unit_code", "unit_name", "report", "reason",
                     "returned_on", "signature"})
NOTE_FILE = SignedFile(NOTE_FORMAT, NOTE_VERSION, _FIELDS, _MAX_NOTE_BYTES,
                       "thông báo trả lại báo cáo", "cấp trên", "{name} (mã {code})", "{name}")


@dataclass(frozen=True)
class ReturnNote:
    """What a return note says: `province` returns `unit_code`'s report of `period`
    (number, version, the package's SHA-256) for `reason`, on `returned_on`."""

    province: Unit
    unit_code: str
    period: Period
    number: str
    version: int
    package_sha256: str
    reason: str
    returned_on: date


@dataclass(frozen=True)
class Reviewed:
    """The decision on a unit's version of a period (`outcome` "same" when it was already
    that decision: nothing changed)."""

    unit: Unit
    period: Period
    number: str
    version: int
    review: Review
    outcome: str  # "reviewed" or "same"


@dataclass(frozen=True)
class ReturnTaken:
    """What `receive_return` did: took the note in, or found it held already."""

    note: ReturnNote
    outcome: str  # "received" or "same"


def _note_content(note: ReturnNote) -> dict[str, Any]:
    """A note's fields but its signature."""
    period = note.period
    return {"format": NOTE_FORMAT, "version": NOTE_VERSION,
            "unit_code": note.province.code, "unit_name": note.province.name,
            "report": {"unit_code": note.unit_code,
                       "period": {"kind": str(period.kind), "start": period.start.isoformat(),
                                  "end": period.end.isoformat(), "label": period.label},
                       "number": note.number, "version": note.version,
                       "package_sha256": note.package_sha256},
            "reason": note.reason, "returned_on": note.returned_on.isoformat()}


# The province's review --------------------------------------------------------------------

def _received(session: Session, unit_code: str, period: Period,
              version: int | None) -> ReceivedReport:
    """The unit's current version of `period`, which the reviewer saw as `version` (when
    given): a newer one arrived since is refused, to be looked at first."""
    row = session.execute(select(ReceivedReport).where(
        ReceivedReport.unit_code == unit_code, ReceivedReport.period_start == period.start,
        ReceivedReport.period_end == period.end,
    ).order_by(ReceivedReport.version.desc()).limit(1).options(
        defer(ReceivedReport.package))).scalar_one_or_none()
    if row is None:
        raise UserError(f"Chưa nhận báo cáo {period.phrase} của đơn vị {unit_code}: chưa có gì "
                        "để chấp nhận hay trả lại.")
    if version is not None and row.version != version:
        raise UserError(f"Đơn vị {unit_code} vừa gửi lần phát hành {row.version} của báo cáo "
                        f"{period.phrase}: hãy xem lần phát hành mới rồi quyết định.")
    return row


def _reviewed_already(session: Session, row: ReceivedReport) -> ReportReview | None:
    return session.execute(select(ReportReview).where(
        ReportReview.received_report_id == row.id)).scalar_one_or_none()


def _decided(row: ReceivedReport, review: ReportReview) -> UserError:
    on = format_date(review.reviewed_at.astimezone().date())
    what = (f"Báo cáo {row.number} (lần phát hành {row.version}) của đơn vị {row.unit_code} "
            f"đã {'được chấp nhận' if review.status == ReviewStatus.ACCEPTED else 'bị trả lại'}"
            f" ngày {on} ({review.reviewed_by_name})")
    if review.status == ReviewStatus.RETURNED:
        return UserError(f"{what}: chờ đơn vị phát hành lại rồi xem xét lần phát hành mới.")
    return UserError(f"{what}: không trả lại được lần phát hành đã chấp nhận.")


def _reviewed(row: ReceivedReport, period: Period, review: ReportReview,
              outcome: str) -> Reviewed:
    decided = review_of(review)
    assert decided is not None
    return Reviewed(Unit(row.unit_code, row.unit_name), period, row.number, row.version,
                    decided, outcome)


def _lock(session: Session, unit_code: str, period: Period) -> None:
    """One at a time with a receiver of the same unit's period (`receive_package`)."""
    serialise(session.connection(), f"received-report:{unit_code}:{period.start}:{period.end}")


def _audit(session: Session, actor: Actor, row: ReceivedReport, review: ReportReview,
           period: Period) -> None:
    # Not the reason: free text, kept on the review's row.
    detail: dict[str, Any] = {
        "action": "chấp nhận báo cáo" if review.status == ReviewStatus.ACCEPTED
        else "trả lại báo cáo", "unit": row.unit_code, "period": period.label,
        "number": row.number, "version": row.version}
    if review.note_sha256 is not None:
        detail["sha256"] = review.note_sha256
    audit.record(session, actor.username, AuditAction.REPORT_REVIEW, entity="received_report",
                 entity_uuid=row.uuid, detail=detail)


def note_file(unit_code: str, period: Period) -> str:
    """The return note's usual file name: `tra-lai-00004-2026-10.svptl`."""
    return f"tra-lai-{unit_code}-{period.slug}{NOTE_SUFFIX}"


def review_words(reviewed: Reviewed, note: Path | None = None) -> str:
    """What a decision did, in one sentence (`note`: where a return's note was written)."""
    what = (f"báo cáo {reviewed.period.label} của đơn vị {reviewed.unit.code} "
            f"({reviewed.unit.name}), số {reviewed.number}, lần phát hành {reviewed.version}")
    if reviewed.review.status is ReviewStatus.RETURNED:
        return (f"Đã trả lại {what}. Thông báo trả lại ghi vào {note}: hãy gửi tệp này cho "
                "đơn vị.")
    if reviewed.outcome == "same":
        return f"Đã chấp nhận {what} trước đây, không thay đổi gì."
    return f"Đã chấp nhận {what}."


def accept_report(db: Database, actor: Actor, unit_code: str, period: Period, *,
                  version: int | None = None) -> Reviewed:
    """Accept the unit's current report of `period` (seen as `version`, when given);
    audited. Accepting it again changes nothing; a version returned stays returned."""
    actor.require(Permission.SEND_REPORT)
    with db.write() as session:
        _lock(session, unit_code, period)
        row = _received(session, unit_code, period, version)
        held = _reviewed_already(session, row)
        if held is not None and held.status == ReviewStatus.ACCEPTED:
            return _reviewed(row, period, held, "same")
        if held is not None:
            raise _decided(row, held)
        review = ReportReview(received_report_id=row.id, status=str(ReviewStatus.ACCEPTED),
                              reviewed_by=actor.username, reviewed_by_name=actor.full_name)
        session.add(review)
        session.flush()
        _audit(session, actor, row, review, period)
        return _reviewed(row, period, review, "reviewed")


def return_report(db: Database, actor: Actor, unit_code: str, period: Period, reason: str,
                  target: Path, *, version: int | None = None,
                  today: date | None = None) -> Reviewed:
    """Return the unit's current report of `period` (seen as `version`, when given) for
    `reason`: the signed note written to exactly `target`, for the unit to take in, and kept
    with the decision; audited. Only an administrator's session holds the signing key."""
    actor.require(Permission.SEND_REPORT)
    if not opens_own_keys(db, actor):
        raise NotAllowed("Trả lại báo cáo cần ký thông báo trả lại bằng khóa ký của đơn vị, "
                         "chỉ quản trị viên mở được: hãy nhờ quản trị viên trả lại báo cáo.")
    why = clean(reason)
    if not why:
        raise UserError("Cần ghi lý do trả lại báo cáo để đơn vị biết phải sửa gì.",
                        field="reason")
    with db.read() as session:
        province = settings.read_office(session)
        if not province.unit_code:
            raise UserError("Đơn vị chưa có mã đơn vị hành chính: hãy ghi mã và tên đơn vị "
                            "(Quản trị → Thông tin đơn vị) trước khi trả lại báo cáo.")
        seen = _received(session, unit_code, period, version)
        if (held := _reviewed_already(session, seen)) is not None:
            raise _decided(seen, held)
        # The period as the unit's package named it: the note names what the unit sent.
        note = ReturnNote(province.unit, seen.unit_code,
                          Period(PeriodKind(seen.period_kind), seen.period_start,
                                 seen.period_end), seen.number, seen.version,
                          seen.package_sha256, why, today or date.today())
    content = _note_content(note)
    content["signature"] = base64.b64encode(
        office_signature(db, signed_part(content))).decode()
    data = canonical(content)
    # The note reaches `target` only once its decision is stored.
    with written_atomically(target) as temporary:
        temporary.write_bytes(data)
        with db.write() as session:
            _lock(session, unit_code, period)
            row = _received(session, unit_code, period, seen.version)
            if (held := _reviewed_already(session, row)) is not None:
                raise _decided(row, held)
            review = ReportReview(received_report_id=row.id,
                                  status=str(ReviewStatus.RETURNED), reason=why, note=data,
                                  note_sha256=hashlib.sha256(data).hexdigest(),
                                  reviewed_by=actor.username,
                                  reviewed_by_name=actor.full_name)
            session.add(review)
            session.flush()
            _audit(session, actor, row, review, period)
            reviewed = _reviewed(row, period, review, "reviewed")
    return reviewed


# The unit takes the note in ---------------------------------------------------------------

def is_return_note(path: Path) -> bool:
    """Whether `path` is meant as a return note: by its name, or by its `format` under
    another name; what it holds is checked as it is taken in."""
    if path.suffix.lower() == NOTE_SUFFIX:
        return True
    try:
        if path.stat().st_size > _MAX_NOTE_BYTES:
            return False
        content = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return False
    return isinstance(content, dict) and content.get("format") == NOTE_FORMAT


def _verified_note(path: Path, content: dict[str, Any], session: Session) -> ReturnNote:
    """The note `content` says, its signature checked against its province's registered
    key and its fields exactly what this version writes."""
    province = signed_by(path, content, registered_keys(session, content["unit_code"]),
                         NOTE_FILE)
    newer = unreadable(path)
    try:
        report, period = content["report"], content["report"]["period"]
        note = ReturnNote(
            province, report["unit_code"],
            Period(PeriodKind(period["kind"]), date.fromisoformat(period["start"]),
                   date.fromisoformat(period["end"])),
            report["number"], report["version"], report["package_sha256"], content["reason"],
            date.fromisoformat(content["returned_on"]))
        exact = _note_content(note) == {k: v for k, v in content.items() if k != "signature"}
    except (KeyError, TypeError, ValueError, AttributeError, UserError) as exc:
        raise newer from exc
    if not exact or type(note.version) is not int or not all(isinstance(text, str) for text in (
            note.unit_code, note.number, note.package_sha256, note.reason)):
        raise newer
    return note


def receive_return(db: Database, actor: Actor, path: Path) -> ReturnTaken:
    """Take in the return note `path` against this office's sent report it names: refused
    (UserError naming the file and why) with nothing stored, or taken in, or found held
    already."""
    actor.require(Permission.IMPORT)
    refused = file_refusal(path)
    content = parsed(path, NOTE_FILE)
    data = canonical(content)
    digest = hashlib.sha256(data).hexdigest()
    with db.write() as session:
        note = _verified_note(path, content, session)
        office = settings.read_office(session)
        what = (f"báo cáo {note.period.label} số {note.number} (lần phát hành {note.version}) "
                f"của đơn vị {note.unit_code}")
        if note.unit_code != office.unit_code:
            raise refused(f"trả lại {what}, không phải báo cáo của đơn vị này"
                          f"{f' ({office.unit_code})' if office.unit_code else ''}: không nhận.")
        sent = session.execute(select(SentReport).where(
            SentReport.period_start == note.period.start,
            SentReport.period_end == note.period.end, SentReport.version == note.version,
            SentReport.number == note.number).options(
            defer(SentReport.xlsx), defer(SentReport.pdf))).scalar_one_or_none()
        if sent is None:
            raise refused(f"trả lại {what}, nhưng sổ báo cáo đã gửi của đơn vị không có báo "
                          f"cáo này: không nhận. Hãy hỏi lại {note.province.name}.")
        held = session.execute(select(ReportReturn).where(
            ReportReturn.sent_report_uuid == sent.uuid)).scalar_one_or_none()
        if held is not None and held.note_sha256 == digest:
            return ReturnTaken(note, "same")
        if held is not None:
            raise refused(f"trả lại {what}, lần phát hành này đã bị trả lại ngày "
                          f"{format_date(held.returned_on)} theo một thông báo khác: không "
                          f"nhận. Hãy hỏi lại {note.province.name}.")
        row = ReportReturn(sent_report_uuid=sent.uuid, province_code=note.province.code,
                           province_name=note.province.name, reason=note.reason,
                           returned_on=note.returned_on, note=data, note_sha256=digest,
                           received_by=actor.username)
        session.add(row)
        session.flush()
        audit.record(session, actor.username, AuditAction.REPORT_RETURN_RECEIVE,
                     entity="sent_report", entity_uuid=sent.uuid,
                     detail={"action": "nhận thông báo trả lại báo cáo",
                             "unit": note.province.code, "period": note.period.label,
                             "number": note.number, "version": note.version,
                             "file": path.name, "sha256": digest})
        return ReturnTaken(note, "received")
