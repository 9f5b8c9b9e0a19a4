"""The province's review of a received report (shared/spec/exchange.md): accepted, or
returned with a reason in a signed note the commune takes in, which its register of sent
reports shows until a re-issue answers it; every refusal of a note."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, select

from app.db import Database, open_database
from app.db.migrate import HEAD_REVISION, alembic_config, current_revision
from app.db.schema import changing_schema, migrate
from app.domain.labels import ReviewStatus, Role
from app.domain.periods import Period
from app.domain.report import ReportText
from app.errors import NotAllowed, UserError
from app.models import AuditEntry, ReportReturn, ReportReview
from app.paths import DataPaths
from app.security import unit_keys
from app.services import (
    accounts,
    cases,
    report_packages,
    report_register,
    report_reviews,
    settings,
    setup,
)
from app.services import unit_keys as unit_key_service
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.demo import demo_office
from tests.conftest import ADMIN_PASSWORD, PASSWORD, TODAY, folder_key, make_case

OCTOBER = Period.month(2026, 10)
REASON = "Biểu 02 thiếu số liệu nền tảng TikTok; đề nghị bổ sung."


@dataclass
class Commune:
    """Phường Ba Đình (00004): October frozen, packaged; the province's key registered."""

    db: Database
    admin: Actor
    package: Path

    def signed_in(self) -> Actor:
        self.admin = accounts.authenticate(self.db, "admin", ADMIN_PASSWORD)
        return self.admin


@pytest.fixture(scope="module")
def commune_folder(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """A commune's folder as each test starts from: October (version 1) frozen and
    packaged; its data folder, its package and its key file."""
    root = tmp_path_factory.mktemp("phuong")
    db = setup.init_data_folder(
        DataPaths(root / "data"), "admin", ADMIN_PASSWORD, "Quản trị viên",
        office=dataclasses.replace(demo_office(), unit_code="00004",
                                   unit_title="Phường Ba Đình"))
    try:
        admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
        cases.create_case(db, admin, make_case(detected_on=date(2026, 10, 5)), today=TODAY)
        report_register.send_report(db, admin, OCTOBER, ReportText("12", date(2026, 11, 3), ""))
        package, key_file = root / "t10-v1.svpbc", root / "khoa-00004.json"
        report_packages.write_package(db, admin, OCTOBER, package)
        unit_key_service.write_unit_key(db, admin, key_file)
    finally:
        db.dispose()
    return root / "data", package, key_file


@pytest.fixture
def province(db: Database, admin: Actor, commune_folder: tuple[Path, Path, Path],
             tmp_path: Path) -> Path:
    """Thành phố Hà Nội (01), the commune registered; its own key file."""
    settings.save_office(db, admin, dataclasses.replace(
        settings.load_office(db), unit_code="01", unit_title="Thành phố Hà Nội"))
    unit_key_service.trust_unit(db, admin, commune_folder[2])
    key_file = tmp_path / "khoa-01.json"
    unit_key_service.write_unit_key(db, admin, key_file)
    return key_file


def _commune(commune_folder: tuple[Path, Path, Path], tmp_path: Path, *,
             trusting: Path | None) -> Iterator[Commune]:
    data = tmp_path / "phuong"
    shutil.copytree(commune_folder[0], data)
    db = open_database(DataPaths(data))
    db.unlock(folder_key(data))
    try:
        admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
        if trusting is not None:
            unit_key_service.trust_unit(db, admin, trusting)
        yield Commune(db, admin, commune_folder[1])
    finally:
        db.dispose()


@pytest.fixture
def commune(commune_folder: tuple[Path, Path, Path], province: Path,
            tmp_path: Path) -> Iterator[Commune]:
    """The commune of this test, which registered the province's key."""
    yield from _commune(commune_folder, tmp_path, trusting=province)


def _audited(db: Database, action: AuditAction) -> list[dict[str, Any]]:
    with db.read() as session:
        return [json.loads(d) for d in session.execute(select(AuditEntry.detail).where(
            AuditEntry.action == action).order_by(AuditEntry.id)).scalars()]


def _returns(db: Database) -> int:
    with db.read() as session:
        return session.execute(select(func.count()).select_from(ReportReturn)).scalar_one()


def _reviews(db: Database) -> list[tuple[int, str]]:
    from app.models import ReceivedReport

    with db.read() as session:
        return [tuple(row) for row in session.execute(  # type: ignore[misc]
            select(ReceivedReport.version, ReportReview.status).join(
                ReportReview, ReportReview.received_report_id == ReceivedReport.id)
            .order_by(ReceivedReport.version))]


def _register(db: Database, actor: Actor) -> list[tuple[int, str]]:
    return [(r.version, r.return_text) for r in report_register.list_sent_reports(db, actor)
            if r.period == OCTOBER]


def _returned(db: Database, admin: Actor, tmp_path: Path) -> Path:
    note = tmp_path / "tra-lai.svptl"
    report_reviews.return_report(db, admin, "00004", OCTOBER, REASON, note, today=TODAY)
    return note


def test_returned_taken_in_shown_reissued_then_accepted(
        db: Database, admin: Actor, commune: Commune, tmp_path: Path) -> None:
    report_packages.receive_package(db, admin, commune.package)
    [sent] = report_packages.submissions(db, admin, OCTOBER)
    assert (sent.version, sent.review, sent.review_label) == (1, None, "Chờ xem xét")

    note = tmp_path / "tra-lai.svptl"
    returned = report_reviews.return_report(db, admin, "00004", OCTOBER, f"  {REASON} ", note,
                                            today=TODAY)
    assert (returned.outcome, returned.version, returned.number) == ("reviewed", 1, "12/BC-VHXH")
    [sent] = report_packages.submissions(db, admin, OCTOBER)
    assert sent.review is not None and sent.review_label == "Đã trả lại"
    assert (sent.review.status, sent.review.reason, sent.review.reviewed_by) == (
        ReviewStatus.RETURNED, REASON, "Quản trị viên")
    [audited] = _audited(db, AuditAction.REPORT_REVIEW)
    assert audited == {"action": "trả lại báo cáo", "unit": "00004", "period": "Tháng 10/2026",
                       "number": "12/BC-VHXH", "version": 1,
                       "sha256": hashlib.sha256(note.read_bytes()).hexdigest()}

    # The commune takes it in: its register shows the version returned, with the reason.
    taken = report_reviews.receive_return(commune.db, commune.admin, note)
    assert (taken.outcome, taken.note.province.name, taken.note.reason) == (
        "received", "Thành phố Hà Nội", REASON)
    assert _register(commune.db, commune.admin) == [
        (1, f"Bị trả lại ngày 20/11/2026: {REASON}")]
    assert report_reviews.receive_return(commune.db, commune.admin, note).outcome == "same"
    assert _returns(commune.db) == 1
    assert len(_audited(commune.db, AuditAction.REPORT_RETURN_RECEIVE)) == 1

    # The re-issue answers it; version 2 goes up and awaits review again.
    cases.create_case(commune.db, commune.admin, make_case(detected_on=date(2026, 10, 9)),
                      today=TODAY)
    report_register.reissue_report(commune.db, commune.admin, OCTOBER, ReportText(
        "", date(2026, 11, 21), ""), "Bổ sung theo yêu cầu của Sở")
    assert _register(commune.db, commune.admin) == [
        (2, ""), (1, f"Bị trả lại ngày 20/11/2026: {REASON}; đã phát hành lại (phiên bản 2)")]
    second = tmp_path / "t10-v2.svpbc"
    report_packages.write_package(commune.db, commune.signed_in(), OCTOBER, second)
    assert report_packages.receive_package(db, admin, second).replaced == 1
    [sent] = report_packages.submissions(db, admin, OCTOBER)
    assert (sent.version, sent.review, sent.review_label) == (2, None, "Chờ xem xét")

    accepted = report_reviews.accept_report(db, admin, "00004", OCTOBER, version=2)
    assert (accepted.outcome, accepted.version, accepted.review.status) == (
        "reviewed", 2, ReviewStatus.ACCEPTED)
    [sent] = report_packages.submissions(db, admin, OCTOBER)
    assert sent.review_label == "Đã chấp nhận"
    assert _reviews(db) == [(1, "returned"), (2, "accepted")]  # the return stays in history
    assert report_reviews.accept_report(db, admin, "00004", OCTOBER).outcome == "same"
    assert [d["action"] for d in _audited(db, AuditAction.REPORT_REVIEW)] == [
        "trả lại báo cáo", "chấp nhận báo cáo"]


def test_the_note_is_signed_json_naming_the_report_and_its_package(
        db: Database, admin: Actor, commune: Commune, tmp_path: Path) -> None:
    report_packages.receive_package(db, admin, commune.package)
    note = _returned(db, admin, tmp_path)
    data = note.read_bytes()
    content = json.loads(data.decode("utf-8"))
    assert data == json.dumps(content, ensure_ascii=False, sort_keys=True,
                              separators=(",", ":")).encode()
    assert {k: v for k, v in content.items() if k != "signature"} == {
        "format": "sovipham-report-return", "version": 1, "unit_code": "01",
        "unit_name": "Thành phố Hà Nội",
        "report": {"unit_code": "00004", "number": "12/BC-VHXH", "version": 1,
                   "period": {"kind": "month", "start": "2026-10-01", "end": "2026-10-31",
                              "label": "Tháng 10/2026"},
                   "package_sha256": hashlib.sha256(commune.package.read_bytes()).hexdigest()},
        "reason": REASON, "returned_on": "2026-11-20"}
    keys = unit_key_service.own_public_keys(db)
    assert keys is not None and unit_keys.signature_matches(
        keys.signing, report_packages.signed_part(content),
        base64.b64decode(content["signature"]))
    with db.read() as session:  # kept as written
        assert session.execute(select(ReportReview.note)).scalar_one() == data


def test_who_reviews_and_what_may_not_be_reviewed(
        db: Database, admin: Actor, commune: Commune, tmp_path: Path) -> None:
    note = tmp_path / "tra-lai.svptl"
    with pytest.raises(UserError, match="Chưa nhận báo cáo tháng 10/2026 của đơn vị 00004"):
        report_reviews.accept_report(db, admin, "00004", OCTOBER)
    report_packages.receive_package(db, admin, commune.package)
    for role in (Role.OFFICER, Role.VIEWER):
        accounts.create_user(db, admin, username=role.value, full_name=role.value, role=role,
                             password=PASSWORD)
        with pytest.raises(NotAllowed):
            report_reviews.accept_report(db, accounts.authenticate(db, role.value, PASSWORD),
                                         "00004", OCTOBER)
    accounts.create_user(db, admin, username="lanhdao", full_name="Lãnh Đạo", role=Role.LEADER,
                         password=PASSWORD)
    leader = accounts.authenticate(db, "lanhdao", PASSWORD)  # holds no signing key
    with pytest.raises(NotAllowed, match="nhờ quản trị viên trả lại"):
        report_reviews.return_report(db, leader, "00004", OCTOBER, REASON, note)
    admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    with pytest.raises(UserError, match="Cần ghi lý do trả lại"):
        report_reviews.return_report(db, admin, "00004", OCTOBER, "  ", note)
    with pytest.raises(UserError, match=r"vừa gửi lần phát hành 1 .* hãy xem"):
        report_reviews.accept_report(db, leader, "00004", OCTOBER, version=2)
    assert not note.exists() and _reviews(db) == []
    assert _audited(db, AuditAction.REPORT_REVIEW) == []

    report_reviews.return_report(db, admin, "00004", OCTOBER, REASON, note, today=TODAY)
    again = tmp_path / "lan-hai.svptl"
    with pytest.raises(UserError, match=r"đã bị trả lại ngày .*chờ đơn vị phát hành lại"):
        report_reviews.return_report(db, admin, "00004", OCTOBER, REASON, again)
    with pytest.raises(UserError, match="đã bị trả lại"):
        report_reviews.accept_report(db, leader, "00004", OCTOBER)
    assert not again.exists() and _reviews(db) == [(1, "returned")]


def test_an_accepted_version_is_not_returned(
        db: Database, admin: Actor, commune: Commune, tmp_path: Path) -> None:
    report_packages.receive_package(db, admin, commune.package)
    report_reviews.accept_report(db, admin, "00004", OCTOBER)
    note = tmp_path / "tra-lai.svptl"
    with pytest.raises(UserError, match=r"đã được chấp nhận .* không trả lại được"):
        report_reviews.return_report(db, admin, "00004", OCTOBER, REASON, note)
    assert not note.exists() and _reviews(db) == [(1, "accepted")]


# The commune's refusals ----------------------------------------------------------------------

def _province_signed(db: Database, content: dict[str, Any]) -> dict[str, Any]:
    """`content` signed again with the province's own key (as a program of another version,
    or one with a fault, would sign what it made)."""
    unsigned = {k: v for k, v in content.items() if k != "signature"}
    signature = unit_key_service.office_signature(db, report_packages.signed_part(unsigned))
    return {**unsigned, "signature": base64.b64encode(signature).decode()}


def _other_version(content: dict[str, Any]) -> None:
    content["report"]["version"] = 3


def _other_unit(content: dict[str, Any]) -> None:
    content["report"]["unit_code"] = "00007"


@pytest.mark.parametrize("alter, signed, why", [
    (lambda c: c.update(reason="Không có lý do"), False,
     "đã bị sửa đổi hoặc hỏng: chữ ký không khớp"),
    (lambda c: c.update(signature=""), False, "chữ ký không khớp"),
    (lambda c: c.pop("reason"), False, "thiếu thông tin"),
    (lambda c: c.update(version=2), True, "phiên bản mới hơn .* cập nhật chương trình"),
    (lambda c: c.update(sender="Sở"), True, "phiên bản mới hơn"),
    (lambda c: c["report"].update(district="Ba Đình"), True,
     "không đọc được.*cập nhật chương trình"),
    (lambda c: c["report"].update(version="1"), True, "cập nhật chương trình"),
    (_other_version, True, r"trả lại báo cáo Tháng 10/2026 số 12/BC-VHXH \(lần phát hành 3\) "
                           r"của đơn vị 00004, nhưng sổ báo cáo đã gửi của đơn vị không có"),
    (_other_unit, True, r"của đơn vị 00007, không phải báo cáo của đơn vị này \(00004\)"),
], ids=["altered", "unsigned", "missing-field", "newer-format", "unknown-field",
        "unknown-report-field", "wrong-type", "never-sent", "other-unit"])
def test_a_bad_note_is_refused_naming_the_file_and_nothing_is_stored(
        db: Database, admin: Actor, commune: Commune, tmp_path: Path,
        alter: Callable[[dict[str, Any]], None], signed: bool, why: str) -> None:
    report_packages.receive_package(db, admin, commune.package)
    content = json.loads(_returned(db, admin, tmp_path).read_text(encoding="utf-8"))
    alter(content)
    bad = tmp_path / "thong-bao.svptl"
    bad.write_text(json.dumps(_province_signed(db, content) if signed else content,
                              ensure_ascii=False), encoding="utf-8")
    with pytest.raises(UserError, match=why) as refused:
        report_reviews.receive_return(commune.db, commune.admin, bad)
    assert refused.value.message.startswith("Tệp «thong-bao.svptl» ")
    assert _returns(commune.db) == 0
    assert _audited(commune.db, AuditAction.REPORT_RETURN_RECEIVE) == []
    assert _register(commune.db, commune.admin) == [(1, "")]


def test_a_truncated_or_foreign_note_is_refused(
        db: Database, admin: Actor, commune: Commune, tmp_path: Path) -> None:
    report_packages.receive_package(db, admin, commune.package)
    cut = tmp_path / "cut.svptl"
    cut.write_bytes(_returned(db, admin, tmp_path).read_bytes()[:-100])
    with pytest.raises(UserError, match=r"«cut\.svptl» không phải thông báo trả lại báo cáo "
                                        "hoặc bị cắt"):
        report_reviews.receive_return(commune.db, commune.admin, cut)
    with pytest.raises(UserError, match=r"«t10-v1\.svpbc» không phải thông báo trả lại"):
        report_reviews.receive_return(commune.db, commune.admin, commune.package)
    assert _returns(commune.db) == 0


def test_a_note_from_a_province_not_registered_is_refused(
        db: Database, admin: Actor, commune_folder: tuple[Path, Path, Path], province: Path,
        tmp_path: Path) -> None:
    report_packages.receive_package(db, admin, commune_folder[1])
    note = _returned(db, admin, tmp_path)
    for commune in _commune(commune_folder, tmp_path, trusting=None):
        with pytest.raises(UserError, match=r"«tra-lai\.svptl» là thông báo trả lại báo cáo "
                                            r"của Thành phố Hà Nội \(mã 01\), đơn vị chưa được "
                                            r"đăng ký ở đây.*trust-unit"):
            report_reviews.receive_return(commune.db, commune.admin, note)
        assert _returns(commune.db) == 0


def test_migration_0024_adds_the_reviews_and_keeps_the_received_reports(
        db: Database, admin: Actor, commune: Commune, tmp_path: Path) -> None:
    """On an SQLCipher folder and on PostgreSQL: a province taken down to 0023 (without the
    reviews) and up again keeps what it received, and reviews."""
    report_packages.receive_package(db, admin, commune.package)
    report_reviews.accept_report(db, admin, "00004", OCTOBER)
    config = alembic_config()
    with changing_schema(db.engine) as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0023")
    with changing_schema(db.engine) as conn:
        migrate(conn)
    assert current_revision(db.engine) == HEAD_REVISION
    [sent] = report_packages.submissions(db, admin, OCTOBER)
    assert (sent.version, sent.review) == (1, None)
    _returned(db, admin, tmp_path)
    assert _reviews(db) == [(1, "returned")]
