"""Report packages (`.svpbc`, shared/spec/exchange.md): what a unit sends the province
beside its signed PDF, and what the province keeps of those it received.

A package is made from the newest version of the period's report frozen at «chốt số
liệu» (`report_register`), never from today's figures, and signed with the unit's
signing key, which only an administrator's session opens (`services/unit_keys.py`).

The file is UTF-8 JSON, written with its keys sorted and without spaces (so that its
SHA-256, which the unit's audit log keeps, is the one the province's keeps). It holds:
  `format` ("sovipham-report-package") and `version` (1): the file's format;
  `unit_code`, `unit_name`: the unit that made the report;
  `period`: `kind`, `start`, `end` (ISO dates, both included) and `label` (its name);
  `number` (as printed, `12/BC-VHXH`), `report_version` (1, then one more for each
  re-issue) and `issue_date`;
  `figures`: the report's figures as frozen (`domain/report.py`'s `figures_to_json`:
  forms 01 and 02 in `summary`, form 03's rows in `cases`, children already masked);
  `totals`: the total rows of forms 01 (`form_01`) and 02 (`form_02`) as the workbook
  prints them;
  `program_version`: the program that made it;
  `signature`: the unit's signature (Ed25519, base64) over the JSON of every other field,
  keys sorted, without spaces, as the unit's key file is signed.

A received package is refused whole — a Vietnamese message naming the file and why,
nothing stored — when it is not one or is cut short, made by a newer format or holding
what this version does not know (update the program), its signature does not match its
unit's registered key, its unit is not registered (`trust-unit` first), its figures
break the counting identity or its totals are not the sum of its rows, or it is an older
version, or another content under a version already held (a unit cannot have two
reports of one version). The same package again changes nothing. Each version received
is kept; a unit's highest version of a period is its current report.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, defer

from app import __version__
from app.db import Database
from app.db.storage import serialise
from app.domain.exchange import ReportPackage
from app.domain.labels import AWAITING_REVIEW, REVIEW_LABELS, ReviewStatus
from app.domain.periods import Period, PeriodKind
from app.domain.protection import Masker
from app.domain.report import Counts, figures_from_json, figures_to_json, invariant_breach
from app.domain.units import Unit, unit_code_problem
from app.errors import NotAllowed, UserError
from app.models import Case, ReceivedReport, RegisteredUnit, ReportReview
from app.reports.files import written_atomically
from app.security import unit_keys
from app.security.unit_keys import PublicKeys
from app.services import audit, report_register, settings
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.protection import people_by_case
from app.services.unit_keys import office_signature
from app.text import format_date

PACKAGE_FORMAT = "sovipham-report-package"
PACKAGE_VERSION = 1
PACKAGE_SUFFIX = ".svpbc"
# Far above a province's biggest month (300 cases a commune make about 0.3 MB).
_MAX_FILE_BYTES = 256 * 1024 * 1024
_FIELDS = frozenset({"format", "version", "unit_code", "unit_name", "period", "number",
                     "report_version", "issue_date", "figures", "totals", "program_version",
                     "signature"})
# The texts of a row of form 03, where a child could be named.
_CASE_TEXTS = ("platform", "account", "url", "group", "summary", "offender", "results",
               "status")


@dataclass(frozen=True)
class Received:
    """What `receive_package` did: took the package in as the unit's current report of the
    period (`replaced`: the version it replaces as current, kept as history), or found it
    held already (nothing changed)."""

    package: ReportPackage
    outcome: str  # "received" or "same"
    replaced: int | None = None


@dataclass(frozen=True)
class Review:
    """The province's decision on one received version (`services/report_reviews.py`)."""

    status: ReviewStatus
    reason: str | None  # a return's
    reviewed_by: str  # the reviewer's full name
    reviewed_at: datetime


@dataclass(frozen=True)
class Submission:
    """A registered unit and its current report of a period, if it sent one, with the
    province's decision on that version (None: awaiting review)."""

    unit: Unit
    version: int | None
    received_at: datetime | None
    review: Review | None = None

    @property
    def sent(self) -> bool:
        return self.version is not None

    @property
    def review_label(self) -> str:
        """«Chờ xem xét», «Đã chấp nhận» or «Đã trả lại»; empty when nothing was sent."""
        if not self.sent:
            return ""
        return AWAITING_REVIEW if self.review is None else REVIEW_LABELS[self.review.status]


# Making a package ----------------------------------------------------------------------

def signed_part(content: dict[str, Any]) -> bytes:
    """What a signature covers: every field but the signature, canonical."""
    return json.dumps({k: v for k, v in content.items() if k != "signature"},
                      ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def canonical(content: dict[str, Any]) -> bytes:
    """JSON with its keys sorted and without spaces: the form a file is written and kept in."""
    return json.dumps(content, ensure_ascii=False, sort_keys=True,
                      separators=(",", ":")).encode()


def _content(package: ReportPackage) -> dict[str, Any]:
    """A package's fields but its signature."""
    summary = package.figures.summary
    return {"format": PACKAGE_FORMAT, "version": PACKAGE_VERSION,
            "unit_code": package.unit.code, "unit_name": package.unit.name,
            "period": {"kind": str(package.period.kind),
                       "start": package.period.start.isoformat(),
                       "end": package.period.end.isoformat(), "label": package.period.label},
            "number": package.number, "report_version": package.version,
            "issue_date": package.issue_date.isoformat(),
            "figures": figures_to_json(package.figures),
            "totals": {"form_01": dataclasses.asdict(summary.total),
                       "form_02": dataclasses.asdict(summary.platform_total)},
            "program_version": package.program_version}


def _named_children(session: Session, package: ReportPackage) -> list[str]:
    """The codes of form 03's rows where the masking rule finds a child of the report's
    cases as they are recorded today (a child recorded after «chốt số liệu»)."""
    rows = package.figures.cases
    ids: dict[str, list[int]] = {}
    for case_id, code in session.execute(select(Case.id, Case.code).where(
            Case.code.in_({line.code for line in rows}), Case.deleted_at.is_(None))):
        ids.setdefault(code, []).append(case_id)
    people = people_by_case(session, sorted(i for found in ids.values() for i in found))
    masker = Masker({case: found.all for case, found in people.items()})
    return [line.code for line in rows if any(
        masker.mask(text, case) != text for case in (None, *ids.get(line.code, ()))
        for text in (getattr(line, name) for name in _CASE_TEXTS))]


def package_file(package: ReportPackage, sign: Callable[[bytes], bytes]) -> bytes:
    """The file of `package`, signed by `sign` (its unit's signing key), in its canonical
    form: the SHA-256 the unit logs is the one the province logs."""
    content = _content(package)
    content["signature"] = base64.b64encode(sign(signed_part(content))).decode()
    return canonical(content)


def write_package(db: Database, actor: Actor, period: Period, target: Path) -> ReportPackage:
    """The package of `period`'s newest frozen report, signed, written to exactly `target`;
    audited. Only an administrator's session holds the unit's signing key."""
    if not actor.can(Permission.MANAGE_SETTINGS) or db.admin_key is None:
        raise NotAllowed("Gói báo cáo do quản trị viên lập: chỉ quản trị viên mở được khóa ký "
                         "của đơn vị. Hãy nhờ quản trị viên lập gói báo cáo.")
    sent = report_register.latest_sent_report(db, actor, period)
    if sent is None:
        raise UserError(f"Báo cáo {period.phrase} chưa chốt số liệu: gói báo cáo chỉ mang số "
                        "liệu đã chốt. Hãy chốt số liệu báo cáo kỳ này rồi lập gói.")
    record = sent.record
    with db.read() as session:
        office = settings.read_office(session)
        if not office.unit_code:
            raise UserError("Đơn vị chưa có mã đơn vị hành chính: hãy ghi mã và tên đơn vị "
                            "(Quản trị → Thông tin đơn vị) trước khi lập gói báo cáo.")
        package = ReportPackage(office.unit, record.period, record.number, record.version,
                                record.issue_date, sent.figures, __version__)
        if named := _named_children(session, package):
            raise UserError(
                f"Báo cáo số {record.number} (lần phát hành {record.version}) đã chốt còn "
                f"thông tin trẻ em chưa được che ở vụ việc {', '.join(named)}: không lập gói "
                "báo cáo. Hãy phát hành lại báo cáo (thông tin trẻ em sẽ được che) rồi lập gói.")
    data = package_file(package, lambda message: office_signature(db, message))
    with written_atomically(target) as temporary:
        temporary.write_bytes(data)
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.EXPORT, entity="sent_report",
                     entity_uuid=record.uuid,
                     detail={"action": "lập gói báo cáo", "number": record.number,
                             "version": record.version, "files": [str(target)],
                             "sha256": hashlib.sha256(data).hexdigest()})
    return package


# Reading a package ---------------------------------------------------------------------

def file_refusal(path: Path) -> Callable[[str], UserError]:
    """The refusal of a file received: `Tệp «NAME» why`."""
    def refused(why: str) -> UserError:
        return UserError(f"Tệp «{path.name}» {why}")
    return refused


@dataclass(frozen=True)
class SignedFile:
    """A kind of signed JSON file offices send each other: its `format` name and version,
    its fields, its largest size, what it is called and who is asked to send it again."""

    format: str
    version: int
    fields: frozenset[str]
    max_bytes: int
    called: str  # «gói báo cáo»
    sender: str  # «đơn vị»
    # How a refusal names the signing unit, in full and short: «đơn vị {code} ({name})»,
    # «đơn vị {code}».
    unit: str
    signer: str


PACKAGE_FILE = SignedFile(PACKAGE_FORMAT, PACKAGE_VERSION, _FIELDS, _MAX_FILE_BYTES,
                          "gói báo cáo", "đơn vị", "đơn vị {code} ({name})", "đơn vị {code}")


def parsed(path: Path, kind: SignedFile) -> dict[str, Any]:
    """The file's JSON with every field this version writes, nothing more; else refused
    (UserError naming the file and why)."""
    refused = file_refusal(path)
    try:
        if path.stat().st_size > kind.max_bytes:
            raise refused(f"không phải {kind.called} (quá lớn).")
        content = json.loads(path.read_bytes().decode("utf-8"))
    except OSError as exc:
        raise refused("không đọc được.") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise refused(f"không phải {kind.called} hoặc bị cắt, hỏng. Hãy xin {kind.sender} "
                      "gửi lại tệp.") from exc
    if not isinstance(content, dict) or content.get("format") != kind.format:
        raise refused(f"không phải {kind.called} của chương trình.")
    version = content.get("version")
    if not isinstance(version, int) or version > kind.version or set(content) - kind.fields:
        raise refused("do một phiên bản mới hơn của chương trình lập: hãy cập nhật chương "
                      "trình rồi nhận lại.")
    if set(content) != kind.fields:
        raise refused(f"thiếu thông tin: tệp bị cắt hoặc bị sửa. Hãy xin {kind.sender} gửi "
                      "lại tệp.")
    return content


def unreadable(path: Path) -> UserError:
    """The refusal of a signed file whose content this version cannot read."""
    return file_refusal(path)("có nội dung chương trình này không đọc được: có thể do phiên "
                              "bản mới hơn của chương trình lập. Hãy cập nhật chương trình "
                              "rồi nhận lại.")


def signed_by(path: Path, content: dict[str, Any], keys: PublicKeys | None,
              kind: SignedFile) -> Unit:
    """The unit that signed the file (its `unit_code` and `unit_name`), once its signature
    matches `keys`, that unit's registered keys (None: not registered); else refused."""
    refused = file_refusal(path)
    code, name = content["unit_code"], content["unit_name"]
    if not isinstance(code, str) or not isinstance(name, str) or not name.strip():
        raise refused(f"thiếu mã hoặc tên đơn vị. Hãy xin {kind.sender} gửi lại tệp.")
    if (problem := unit_code_problem(code)) is not None:
        raise refused(f"ghi mã đơn vị sai. {problem}")
    if keys is None:
        raise refused(f"là {kind.called} của {kind.unit.format(code=code, name=name)}, đơn vị "
                      "chưa được đăng ký ở đây: hãy đăng ký khóa công khai của đơn vị (lệnh "
                      "trust-unit, so dấu vân tay qua điện thoại) rồi nhận lại.")
    try:
        signature = base64.b64decode(str(content["signature"]), validate=True)
    except (ValueError, binascii.Error):
        signature = b""
    if not unit_keys.signature_matches(keys.signing, signed_part(content), signature):
        raise refused("đã bị sửa đổi hoặc hỏng: chữ ký không khớp với nội dung hoặc với khóa "
                      f"đã đăng ký của {kind.signer.format(code=code, name=name)}. Hãy xin "
                      f"{kind.sender} gửi lại tệp.")
    return Unit(code, name)


def _package(path: Path, content: dict[str, Any], unit: Unit) -> ReportPackage:
    """The package a signed content gives, its figures checked."""
    refused = file_refusal(path)
    newer = unreadable(path)
    try:
        period = content["period"]
        package = ReportPackage(
            unit, Period(PeriodKind(period["kind"]), date.fromisoformat(period["start"]),
                         date.fromisoformat(period["end"])),
            content["number"], content["report_version"],
            date.fromisoformat(content["issue_date"]), figures_from_json(content["figures"]),
            content["program_version"])
        totals = content["totals"]
        stated = (Counts(**totals["form_01"]), Counts(**totals["form_02"]))
        summary = package.figures.summary
        sums = (summary.total, summary.platform_total)
        breach = invariant_breach(summary)
    except (KeyError, TypeError, ValueError, AttributeError, UserError) as exc:
        raise newer from exc
    if summary.period != package.period:
        raise refused(f"ghi kỳ báo cáo {package.period.label} nhưng số liệu là của "
                      f"{summary.period.label}. Hãy xin đơn vị gửi lại tệp.")
    if breach is not None:
        raise refused(f"có số liệu không cân đối ở biểu 01. {breach} Hãy xin đơn vị kiểm tra "
                      "rồi gửi lại.")
    for form, total, of_rows in zip(("01", "02"), stated, sums, strict=True):
        if total != of_rows:
            raise refused(f"có dòng tổng cộng của biểu {form} khác tổng các dòng. Hãy xin đơn "
                          "vị kiểm tra rồi gửi lại.")
    # Exactly what this version writes for that package: nothing it would not understand.
    if type(package.version) is not int or package.version < 1 or not all(
            isinstance(text, str) for text in (package.number, package.program_version)) \
            or _content(package) != {k: v for k, v in content.items() if k != "signature"}:
        raise newer
    return package


def registered_keys(session: Session, code: object) -> PublicKeys | None:
    """The current keys of the unit `code` registered here (`trust-unit`), None if none."""
    row = session.execute(select(RegisteredUnit).where(
        RegisteredUnit.unit_code == str(code), RegisteredUnit.replaced_at.is_(None),
    )).scalar_one_or_none()
    return None if row is None else PublicKeys.from_json(
        {"signing_key": row.signing_key, "receiving_key": row.receiving_key})


# Receiving -----------------------------------------------------------------------------

def receive_package(db: Database, actor: Actor, path: Path) -> Received:
    """Check the package `path` whole and keep it: refused (UserError naming the file and
    why) with nothing stored, or received, or found held already."""
    actor.require(Permission.IMPORT)
    refused = file_refusal(path)
    content = parsed(path, PACKAGE_FILE)
    with db.read() as session:
        keys = registered_keys(session, content["unit_code"])
    package = _package(path, content, signed_by(path, content, keys, PACKAGE_FILE))
    stored = canonical(content)
    digest = hashlib.sha256(stored).hexdigest()
    with db.write() as session:
        # Two PCs receiving a unit's packages of one period: one after the other.
        serialise(session.connection(), f"received-report:{package.unit.code}:"
                                         f"{package.period.start}:{package.period.end}")
        held = session.execute(select(ReceivedReport).where(
            ReceivedReport.unit_code == package.unit.code,
            ReceivedReport.period_start == package.period.start,
            ReceivedReport.period_end == package.period.end,
        ).order_by(ReceivedReport.version.desc()).options(
            defer(ReceivedReport.package))).scalars().all()
        same = next((row for row in held if row.version == package.version), None)
        if same is not None and same.package_sha256 == digest:
            return Received(package, "same")
        what = f"báo cáo {package.period.label} của đơn vị {package.unit.code}"
        if same is not None:
            on = format_date(same.received_at.astimezone().date())
            raise refused(
                f"là lần phát hành {package.version} của {what} nhưng khác với lần phát hành "
                f"{package.version} đã nhận ngày {on}: một báo cáo không thể có hai nội dung "
                "cùng một lần phát hành. Không nhận; hãy hỏi lại đơn vị.")
        if held and held[0].version > package.version:
            raise refused(f"là lần phát hành {package.version} của {what}, cũ hơn lần phát "
                          f"hành {held[0].version} đã nhận: không nhận.")
        row = ReceivedReport(
            unit_code=package.unit.code, unit_name=package.unit.name,
            period_kind=str(package.period.kind), period_start=package.period.start,
            period_end=package.period.end, number=package.number, version=package.version,
            issue_date=package.issue_date, package=stored, package_sha256=digest,
            received_by=actor.username)
        session.add(row)
        session.flush()
        audit.record(session, actor.username, AuditAction.REPORT_RECEIVE,
                     entity="received_report",
                     entity_uuid=row.uuid,
                     detail={"action": "nhận gói báo cáo", "unit": package.unit.code,
                             "period": package.period.label, "number": package.number,
                             "version": package.version, "file": path.name,
                             "sha256": digest})
        return Received(package, "received", held[0].version if held else None)


def _stored_package(row: ReceivedReport) -> ReportPackage:
    """A package as received, read again and checked again."""
    try:
        if hashlib.sha256(row.package).hexdigest() != row.package_sha256:
            raise UserError("")
        return _package(Path(row.unit_code), json.loads(row.package),
                        Unit(row.unit_code, row.unit_name))
    except (UserError, ValueError) as exc:
        raise UserError(f"Gói báo cáo đã nhận của đơn vị {row.unit_code} (lần phát hành "
                        f"{row.version}) không còn như khi nhận: dữ liệu đã bị sửa ngoài chương "
                        "trình. Hãy chạy kiểm tra dữ liệu.") from exc


def _current(period: Period) -> Select[ReceivedReport]:
    """Each unit's highest version received for exactly the days of `period`, in unit-code
    order (a unit's versions of a period are those of its days, as its register numbers
    them)."""
    newest = select(ReceivedReport.unit_code, func.max(ReceivedReport.version).label("v")) \
        .where(ReceivedReport.period_start == period.start,
               ReceivedReport.period_end == period.end) \
        .group_by(ReceivedReport.unit_code).subquery()
    return select(ReceivedReport).join(newest, (
        ReceivedReport.unit_code == newest.c.unit_code) & (ReceivedReport.version == newest.c.v)) \
        .where(ReceivedReport.period_start == period.start,
               ReceivedReport.period_end == period.end) \
        .order_by(ReceivedReport.unit_code)


def received_packages(db: Database, actor: Actor, period: Period) -> list[ReportPackage]:
    """The current version of each unit's package for exactly `period`, in unit-code order
    (what the province consolidates)."""
    actor.require(Permission.REPORT)
    with db.read() as session:
        return [_stored_package(row) for row in session.execute(_current(period)).scalars()]


def review_of(row: ReportReview | None) -> Review | None:
    return None if row is None else Review(ReviewStatus(row.status), row.reason,
                                           row.reviewed_by_name, row.reviewed_at)


def submissions(db: Database, actor: Actor, period: Period) -> list[Submission]:
    """Every registered unit in code order, with the version it sent for exactly `period`,
    when that arrived (None when it sent nothing) and the province's decision on it."""
    actor.require(Permission.VIEW)
    with db.read() as session:
        current = {row.unit_code: row for row in session.execute(
            _current(period).options(defer(ReceivedReport.package))).scalars()}
        reviews = {row.received_report_id: row for row in session.execute(
            select(ReportReview).where(ReportReview.received_report_id.in_(
                [row.id for row in current.values()])).options(
                defer(ReportReview.note))).scalars()}
        units = session.execute(select(RegisteredUnit.unit_code, RegisteredUnit.unit_name)
                                .where(RegisteredUnit.replaced_at.is_(None))
                                .order_by(RegisteredUnit.unit_code)).all()
    return [Submission(Unit(code, name), sent.version, sent.received_at,
                       review_of(reviews.get(sent.id)))
            if (sent := current.get(code)) else Submission(Unit(code, name), None, None)
            for code, name in units]
