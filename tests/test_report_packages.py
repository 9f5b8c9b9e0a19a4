"""Report packages between offices (shared/spec/exchange.md): a commune's frozen report
packaged and signed, received at the province with every refusal, kept per unit and period
with its history, listed by `submissions` and given to the consolidation."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import func, select

from app.db import Database
from app.db.migrate import HEAD_REVISION, alembic_config, current_revision
from app.db.schema import changing_schema, migrate
from app.domain.case import ChildInput
from app.domain.labels import Role, Sex
from app.domain.periods import Period
from app.domain.report import ReportText, figures_to_json
from app.errors import NotAllowed, UserError
from app.models import AuditEntry, ReceivedReport
from app.paths import DataPaths
from app.security import unit_keys
from app.services import (
    accounts,
    cases,
    consolidation,
    report_packages,
    report_register,
    settings,
    setup,
)
from app.services import unit_keys as unit_key_service
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.demo import demo_office
from tests.conftest import ADMIN_PASSWORD, PASSWORD, TODAY, make_case, marker_forms

OCTOBER = Period.month(2026, 10)
SEPTEMBER = Period.month(2026, 9)
NARRATIVE = "Trong tháng, em Nguyễn Văn An bị đăng ảnh trái phép."


@dataclass
class Commune:
    """A commune's folder, its key file and the packages it made."""

    db: Database
    admin: Actor
    leader: Actor
    key_file: Path
    first: Path  # October, version 1
    second: Path  # October, version 2 (a re-issue)
    september: Path

    def sign(self, content: dict[str, Any]) -> dict[str, Any]:
        """`content` signed again with the commune's own key (as a program of another
        version, or one with a fault, would sign what it made)."""
        unsigned = {k: v for k, v in content.items() if k != "signature"}
        signature = unit_key_service.office_signature(self.db, json.dumps(
            unsigned, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode())
        return {**unsigned, "signature": base64.b64encode(signature).decode()}


def _signed_in_admin(db: Database) -> Actor:
    return accounts.authenticate(db, "admin", ADMIN_PASSWORD)


def _office(root: Path, code: str, name: str) -> tuple[Database, Actor]:
    db = setup.init_data_folder(
        DataPaths(root / "data"), "admin", ADMIN_PASSWORD, "Quản trị viên",
        office=dataclasses.replace(demo_office(), unit_code=code, unit_title=name))
    return db, _signed_in_admin(db)


def _leader(db: Database, admin: Actor) -> Actor:
    accounts.create_user(db, admin, username="lanhdao", full_name="Lãnh Đạo",
                         role=Role.LEADER, password=PASSWORD)
    return accounts.authenticate(db, "lanhdao", PASSWORD)


@pytest.fixture(scope="module")
def commune(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Commune]:
    """Phường Ba Đình: October frozen (a child's case among them), packaged, re-issued with
    one more case and packaged again; September frozen and packaged."""
    root = tmp_path_factory.mktemp("phuong")
    db, admin = _office(root, "00004", "Phường Ba Đình")
    leader = _leader(db, admin)
    cases.create_case(db, admin, make_case(
        detected_on=date(2026, 10, 5), group_code="TE",
        summary="Đăng ảnh em Nguyễn Văn An kèm bình luận xúc phạm.",
        children=(ChildInput("Nguyễn Văn An", birth_year=2014),)), today=TODAY)
    cases.create_case(db, admin, make_case(detected_on=date(2026, 10, 9)), today=TODAY)
    report_register.send_report(db, leader, OCTOBER, ReportText("12", date(2026, 11, 3),
                                                                NARRATIVE))
    report_register.send_report(db, leader, SEPTEMBER, ReportText("11", date(2026, 10, 3), ""))
    first, second, september = root / "t10-v1.svpbc", root / "t10-v2.svpbc", root / "t9.svpbc"
    admin = _signed_in_admin(db)  # the leader's sign-in held no administrators' key
    report_packages.write_package(db, admin, OCTOBER, first)
    report_packages.write_package(db, admin, SEPTEMBER, september)
    cases.create_case(db, admin, make_case(detected_on=date(2026, 10, 20)), today=TODAY)
    report_register.reissue_report(db, leader, OCTOBER, ReportText("", date(2026, 11, 10), ""),
                                   "Bổ sung vụ việc ghi muộn")
    admin = _signed_in_admin(db)
    report_packages.write_package(db, admin, OCTOBER, second)
    key_file = root / "khoa-00004.json"
    unit_key_service.write_unit_key(db, admin, key_file)
    yield Commune(db, admin, leader, key_file, first, second, september)
    db.dispose()


@pytest.fixture(scope="module")
def other_commune(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """Xã Minh Tân (00007): its key file and its October package (one case)."""
    root = tmp_path_factory.mktemp("xa")
    db, admin = _office(root, "00007", "Xã Minh Tân")
    cases.create_case(db, admin, make_case(detected_on=date(2026, 10, 7)), today=TODAY)
    report_register.send_report(db, admin, OCTOBER, ReportText("7", date(2026, 11, 2), ""))
    package, key_file = root / "t10.svpbc", root / "khoa-00007.json"
    report_packages.write_package(db, admin, OCTOBER, package)
    unit_key_service.write_unit_key(db, admin, key_file)
    db.dispose()
    return key_file, package


@pytest.fixture
def province(db: Database, admin: Actor, commune: Commune) -> Database:
    """Sở Văn hóa của Thành phố Hà Nội (01), with the commune registered."""
    settings.save_office(db, admin, dataclasses.replace(
        settings.load_office(db), unit_code="01", unit_title="Thành phố Hà Nội"))
    unit_key_service.trust_unit(db, admin, commune.key_file)
    return db


def _content(path: Path) -> dict[str, Any]:
    content: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return content


def _written(path: Path, content: dict[str, Any]) -> Path:
    path.write_text(json.dumps(content, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def _stored(db: Database) -> list[tuple[str, str, int]]:
    with db.read() as session:
        return [tuple(row) for row in session.execute(  # type: ignore[misc]
            select(ReceivedReport.unit_code, ReceivedReport.period_start,
                   ReceivedReport.version).order_by(ReceivedReport.id))]


def _receipts(db: Database) -> int:
    with db.read() as session:
        return session.execute(select(func.count()).where(
            AuditEntry.action == AuditAction.REPORT_RECEIVE)).scalar_one()


def test_a_package_holds_the_frozen_report_signed_and_names_no_child(
        commune: Commune) -> None:
    sent = report_register.latest_sent_report(commune.db, commune.admin, SEPTEMBER)
    assert sent is not None
    data = commune.first.read_bytes()
    assert not [form for form in marker_forms() if form in data]
    content = _content(commune.first)
    assert (content["format"], content["version"], content["unit_code"], content["unit_name"],
            content["number"], content["report_version"], content["issue_date"]) == (
        "sovipham-report-package", 1, "00004", "Phường Ba Đình", "12/BC-VHXH", 1, "2026-11-03")
    assert content["period"] == {"kind": "month", "start": "2026-10-01", "end": "2026-10-31",
                                 "label": "Tháng 10/2026"}
    [child_case, _other] = content["figures"]["cases"]
    assert "N.V.A." in child_case["summary"]
    assert content["totals"]["form_01"]["detected"] == 2
    # The October report as first frozen, exactly.
    [first] = [r for r in report_register.list_sent_reports(commune.db, commune.admin)
               if r.period == OCTOBER and r.version == 1]
    frozen = report_register.get_sent_report(commune.db, commune.admin, first.uuid)
    assert content["figures"] == figures_to_json(frozen.figures)
    # Signed by the unit's key over everything else.
    keys = unit_key_service.own_public_keys(commune.db)
    assert keys is not None
    unsigned = json.dumps({k: v for k, v in content.items() if k != "signature"},
                          ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    assert unit_keys.signature_matches(keys.signing, unsigned,
                                       base64.b64decode(content["signature"]))


def test_only_an_administrator_packages_and_only_a_frozen_report(
        commune: Commune, tmp_path: Path) -> None:
    target = tmp_path / "goi.svpbc"
    with pytest.raises(NotAllowed, match="quản trị viên lập"):
        report_packages.write_package(commune.db, commune.leader, OCTOBER, target)
    with pytest.raises(UserError, match=r"chưa chốt số liệu.*Hãy chốt số liệu"):
        report_packages.write_package(commune.db, commune.admin, Period.month(2026, 8), target)
    assert list(tmp_path.iterdir()) == []


def test_a_child_recorded_after_freezing_stops_the_package_until_a_reissue(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    settings.save_office(db, admin, dataclasses.replace(
        demo_office(), unit_code="00010", unit_title="Xã Tân Lập"))
    case = cases.create_case(db, admin, make_case(
        summary="Ảnh của cháu Phạm Thị Mơ bị đăng kèm lời lẽ xúc phạm."), today=TODAY)
    report_register.send_report(db, admin, OCTOBER, ReportText("3", date(2026, 11, 3), ""))
    detail = cases.get_case(db, admin, case.id)
    cases.update_case(db, admin, case.id, dataclasses.replace(
        detail.data, children=(ChildInput("Phạm Thị Mơ", birth_year=2015),)),
        expected_version=detail.version, today=TODAY)
    target = tmp_path / "goi.svpbc"
    with pytest.raises(UserError, match=f"trẻ em chưa được che ở vụ việc {case.code}.*phát hành"
                                        " lại"):
        report_packages.write_package(db, admin, OCTOBER, target)
    assert not target.exists()
    report_register.reissue_report(db, admin, OCTOBER, ReportText("", date(2026, 11, 4), ""),
                                   "Ghi thêm trẻ em")
    package = report_packages.write_package(db, admin, OCTOBER, target)
    assert package.version == 2
    assert "Mơ".encode() not in target.read_bytes()
    assert "P.T.M." in _content(target)["figures"]["cases"][0]["summary"]


def test_a_boy_called_nam_does_not_stop_his_own_report_being_packaged(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    """Form 03 describes him `C.H.N., 11 tuổi, nam`: the check must not take the sex for his
    given name (the demo's registers were refused six times in seven)."""
    settings.save_office(db, admin, dataclasses.replace(
        demo_office(), unit_code="00010", unit_title="Xã Tân Lập"))
    cases.create_case(db, admin, make_case(
        group_code="TE", summary="Clip em Châu Hữu Nam bị đánh.",
        children=(ChildInput("Châu Hữu Nam", birth_year=2015, sex=Sex.MALE),)), today=TODAY)
    report_register.send_report(db, admin, OCTOBER, ReportText("3", date(2026, 11, 3), ""))
    target = tmp_path / "goi.svpbc"
    report_packages.write_package(db, admin, OCTOBER, target)
    [row] = _content(target)["figures"]["cases"]
    assert "C.H.N." in row["summary"] and "Nam" not in row["summary"]


def test_received_twice_then_reissued_the_highest_version_is_current(
        province: Database, admin: Actor, commune: Commune,
        other_commune: tuple[Path, Path]) -> None:
    key_file, other_package = other_commune
    unit_key_service.trust_unit(province, admin, key_file)
    first = report_packages.receive_package(province, admin, commune.first)
    assert (first.outcome, first.replaced, first.package.version) == ("received", None, 1)
    assert report_packages.receive_package(province, admin, commune.first).outcome == "same"
    assert _stored(province) == [("00004", date(2026, 10, 1), 1)] and _receipts(province) == 1
    with province.read() as session:  # the SHA-256 the commune logged as it wrote the file
        assert session.execute(select(ReceivedReport.package_sha256)).scalar_one() == \
            hashlib.sha256(commune.first.read_bytes()).hexdigest()
    assert [(s.unit.code, s.unit.name, s.version) for s in report_packages.submissions(
        province, admin, OCTOBER)] == [("00004", "Phường Ba Đình", 1), ("00007", "Xã Minh Tân",
                                                                        None)]
    second = report_packages.receive_package(province, admin, commune.second)
    assert (second.outcome, second.replaced) == ("received", 1)
    # The first again: held already, as history.
    assert report_packages.receive_package(province, admin, commune.first).outcome == "same"
    report_packages.receive_package(province, admin, other_package)
    report_packages.receive_package(province, admin, commune.september)
    assert _receipts(province) == 4
    assert [(s.unit.code, s.version) for s in report_packages.submissions(
        province, admin, OCTOBER)] == [("00004", 2), ("00007", 1)]
    packages = report_packages.received_packages(province, admin, OCTOBER)
    assert [(p.unit.code, p.version, p.figures.summary.total.detected) for p in packages] == [
        ("00004", 2, 3), ("00007", 1, 1)]
    sent = report_register.latest_sent_report(commune.db, commune.admin, OCTOBER)
    assert sent is not None and packages[0].figures == sent.figures
    assert (packages[0].number, packages[0].issue_date, packages[0].period) == (
        "12/BC-VHXH", date(2026, 11, 10), OCTOBER)
    assert [p.period for p in report_packages.received_packages(
        province, admin, SEPTEMBER)] == [SEPTEMBER]
    # What the consolidation takes: the current versions, summed.
    summed = consolidation.consolidation_of(province, admin, OCTOBER, packages)
    assert summed.figures.summary.total.detected == 4 and summed.missing == ()


def test_an_older_version_after_a_newer_one_is_refused(province: Database, admin: Actor,
                                                        commune: Commune) -> None:
    report_packages.receive_package(province, admin, commune.second)
    with pytest.raises(UserError, match=r"lần phát hành 1 .* cũ hơn lần phát hành 2"):
        report_packages.receive_package(province, admin, commune.first)
    assert _stored(province) == [("00004", date(2026, 10, 1), 2)]


def test_another_content_under_a_version_held_is_refused(
        province: Database, admin: Actor, commune: Commune, tmp_path: Path) -> None:
    report_packages.receive_package(province, admin, commune.first)
    content = _content(commune.first)
    content["figures"]["cases"][1]["summary"] = "Nội dung khác"
    other = _written(tmp_path / "khac.svpbc", commune.sign(content))
    with pytest.raises(UserError, match="hai nội dung cùng một lần phát hành"):
        report_packages.receive_package(province, admin, other)
    assert _stored(province) == [("00004", date(2026, 10, 1), 1)] and _receipts(province) == 1


def _one_more_detected(content: dict[str, Any]) -> None:
    """One more case detected in the first group, the identity and totals kept."""
    for counts in (content["figures"]["summary"]["groups"][0], content["totals"]["form_01"]):
        counts["detected"] += 1
        counts["carried_out"] += 1


def _unbalanced(content: dict[str, Any]) -> None:
    for counts in (content["figures"]["summary"]["groups"][0], content["totals"]["form_01"]):
        counts["carried_out"] += 1


def _wrong_total(content: dict[str, Any]) -> None:
    content["totals"]["form_01"]["fines"] += 1


def _wrong_period(content: dict[str, Any]) -> None:
    content["period"] = {"kind": "month", "start": "2026-11-01", "end": "2026-11-30",
                         "label": "Tháng 11/2026"}


@pytest.mark.parametrize("alter, signed, why", [
    (_one_more_detected, False, "đã bị sửa đổi hoặc hỏng: chữ ký không khớp"),
    (lambda c: c.update(unit_code="00007"), False, "chưa được đăng ký"),
    (lambda c: c.update(signature=""), False, "chữ ký không khớp"),
    (lambda c: c.pop("totals"), False, "thiếu thông tin"),
    (lambda c: c.update(version=2), True, "phiên bản mới hơn .* cập nhật chương trình"),
    (lambda c: c.update(sender="Phòng VHXH"), True, "phiên bản mới hơn"),
    (lambda c: c["figures"]["cases"][0].update(district="Ba Đình"), True,
     "không đọc được.*cập nhật chương trình"),
    (lambda c: c.update(report_version="1"), True, "cập nhật chương trình"),
    (_unbalanced, True, "không cân đối ở biểu 01.*không khớp ở dòng .*tồn cuối kỳ là 2"),
    (_wrong_total, True, "dòng tổng cộng của biểu 01 khác tổng các dòng"),
    (_wrong_period, True, "ghi kỳ báo cáo Tháng 11/2026 nhưng số liệu là của Tháng 10/2026"),
], ids=["altered-figure", "other-unit", "unsigned", "missing-field", "newer-format",
        "unknown-field", "unknown-row-field", "wrong-type", "identity", "total", "period"])
def test_a_bad_package_is_refused_naming_the_file_and_nothing_is_stored(
        province: Database, admin: Actor, commune: Commune, tmp_path: Path,
        alter: Callable[[dict[str, Any]], None], signed: bool, why: str) -> None:
    content = _content(commune.first)
    alter(content)
    bad = _written(tmp_path / "bao-cao-xa.svpbc", commune.sign(content) if signed else content)
    with pytest.raises(UserError, match=why) as refused:
        report_packages.receive_package(province, admin, bad)
    assert refused.value.message.startswith("Tệp «bao-cao-xa.svpbc» ")
    assert _stored(province) == [] and _receipts(province) == 0


def test_a_truncated_or_foreign_file_is_refused(province: Database, admin: Actor,
                                                commune: Commune, tmp_path: Path) -> None:
    cut = tmp_path / "cut.svpbc"
    cut.write_bytes(commune.first.read_bytes()[:-200])
    with pytest.raises(UserError, match=r"«cut\.svpbc» không phải gói báo cáo hoặc bị cắt"):
        report_packages.receive_package(province, admin, cut)
    with pytest.raises(UserError, match=r"«khoa-00004\.json» không phải gói báo cáo"):
        report_packages.receive_package(province, admin, commune.key_file)
    assert _stored(province) == []


def test_a_package_from_an_unregistered_unit_is_refused(db: Database, admin: Actor,
                                                         commune: Commune) -> None:
    with pytest.raises(UserError, match=r"đơn vị 00004 \(Phường Ba Đình\), đơn vị chưa được "
                                        r"đăng ký.*trust-unit"):
        report_packages.receive_package(db, admin, commune.first)
    assert _stored(db) == []


def test_a_viewer_neither_receives_nor_reads_packages(province: Database, viewer: Actor,
                                                      commune: Commune) -> None:
    with pytest.raises(NotAllowed):
        report_packages.receive_package(province, viewer, commune.first)
    with pytest.raises(NotAllowed):
        report_packages.received_packages(province, viewer, OCTOBER)
    assert _stored(province) == []


def test_migration_0021_adds_the_received_reports_and_keeps_the_data(
        province: Database, admin: Actor, commune: Commune) -> None:
    """On an SQLCipher folder and on PostgreSQL: a register taken down to 0020 (without the
    table) and up again keeps its registered units and cases, and receives."""
    case = cases.create_case(province, admin, make_case(), today=TODAY)
    report_packages.receive_package(province, admin, commune.first)
    units = unit_key_service.registered_units(province, admin)
    config = alembic_config()
    with changing_schema(province.engine) as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0020")
    with changing_schema(province.engine) as conn:
        migrate(conn)
    assert current_revision(province.engine) == HEAD_REVISION
    assert unit_key_service.registered_units(province, admin) == units
    assert cases.get_case(province, admin, case.id).data.summary == make_case().summary
    assert _stored(province) == []
    report_packages.receive_package(province, admin, commune.first)
    assert _stored(province) == [("00004", date(2026, 10, 1), 1)]


def test_a_received_package_changed_outside_the_program_is_not_consolidated(
        province: Database, admin: Actor, commune: Commune) -> None:
    report_packages.receive_package(province, admin, commune.first)
    with province.write() as session:
        row = session.execute(select(ReceivedReport)).scalar_one()
        row.package = row.package.replace(b'"detected":1', b'"detected":9', 1)
    with pytest.raises(UserError, match=r"đơn vị 00004 .* bị sửa ngoài chương trình"):
        report_packages.received_packages(province, admin, OCTOBER)


def test_check_finds_a_kept_package_or_sent_report_changed_in_the_database(
        province: Database, admin: Actor, commune: Commune) -> None:
    from sqlalchemy import update

    from app.models import SentReport
    from app.services.integrity import check_data_folder

    report_packages.receive_package(province, admin, commune.first)
    report_register.send_report(province, admin, OCTOBER, ReportText("7", date(2026, 11, 3),
                                                                     ""))
    assert check_data_folder(province, admin).ok
    with province.write() as session:
        held = session.execute(select(ReceivedReport.package)).scalar_one()
        session.execute(update(ReceivedReport).values(package=held.replace(b'"12', b'"13', 1)))
        pdf = session.execute(select(SentReport.pdf)).scalar_one()
        session.execute(update(SentReport).values(pdf=pdf + b"\n"))
    problems = check_data_folder(province, admin).problems
    assert ("Gói báo cáo đã nhận (đơn vị 00004, 01/10/2026–31/10/2026, lần phát hành 1) đã bị "
            "thay đổi trong cơ sở dữ liệu: mã băm không khớp với mã ghi khi lập hoặc nhận."
            in problems)
    assert any(p.startswith("Bản PDF của báo cáo đã gửi (số 7/") for p in problems)
