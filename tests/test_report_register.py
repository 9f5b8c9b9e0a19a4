"""The register of reports sent: frozen, numbered, re-issued as new versions; its migration."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, select, text, update

from app.db import Database, open_database
from app.db.migrate import alembic_config, current_revision
from app.domain.case import ChildInput
from app.domain.labels import Role
from app.domain.periods import Period
from app.domain.report import ReportText
from app.errors import NotAllowed, UserError
from app.models import AuditEntry, SentReport
from app.paths import DataPaths
from app.services import accounts, cases, report_register, settings
from app.services.actor import Actor
from app.services.demo import demo_office
from tests.conftest import PASSWORD, TODAY, make_case
from tests.crash_writer import OLD_PASSWORD, old_register

OCTOBER = Period.month(2026, 10)
TEXT = ReportText("12", date(2026, 11, 3), "Báo cáo có nhắc tên em Nguyễn Văn An.")


@pytest.fixture
def registered(db: Database, admin: Actor, officer: Actor) -> Database:
    settings.save_office(db, admin, demo_office())
    cases.create_case(db, officer, make_case(
        detected_on=date(2026, 10, 5), group_code="TE",
        children=(ChildInput("Nguyễn Văn An", birth_year=2013),)), today=TODAY)
    return db


def test_only_a_leader_marks_a_report_as_sent_and_it_needs_a_number(
        registered: Database, officer: Actor, leader: Actor) -> None:
    with pytest.raises(NotAllowed, match="chốt số liệu"):
        report_register.send_report(registered, officer, OCTOBER, TEXT)
    with pytest.raises(UserError, match="Cần ghi số báo cáo"):
        report_register.send_report(registered, leader, OCTOBER,
                                    ReportText(" ", TEXT.issue_date, TEXT.narrative))
    assert report_register.list_sent_reports(registered, leader) == []


def test_a_sent_report_is_frozen_against_later_edits(registered: Database, officer: Actor,
                                                     leader: Actor) -> None:
    sent = report_register.send_report(registered, leader, OCTOBER, TEXT)
    assert (sent.number, sent.version, sent.sent_by, sent.label) == (
        "12/BC-VHXH", 1, "lanhdao", "Tháng 10/2026")
    before = report_register.get_sent_report(registered, leader, sent.uuid)
    assert before.narrative == "Báo cáo có nhắc tên em N.V.A."
    assert before.figures.summary.total.detected == 1
    cases.create_case(registered, officer, make_case(detected_on=date(2026, 10, 6)), today=TODAY)
    after = report_register.get_sent_report(registered, leader, sent.uuid)
    assert after == before  # the register keeps what was sent
    files = sorted(registered.paths.reports.iterdir())
    assert [f.name for f in files] == ["bao-cao-2026-10-so-12-v1.pdf",
                                       "bao-cao-2026-10-so-12-v1.xlsx"]
    assert hashlib.sha256(files[0].read_bytes()).hexdigest() == sent.pdf_sha256


def test_a_sent_report_anchors_the_audit_log_as_it_stood(registered: Database,
                                                         leader: Actor) -> None:
    """The newest audit row when the report was frozen (`check` compares the log with it)."""
    sent = report_register.send_report(registered, leader, OCTOBER, TEXT)
    with registered.read() as session:
        row = session.execute(select(SentReport).where(SentReport.uuid == sent.uuid)).scalar_one()
        logged = session.execute(select(AuditEntry.sequence, AuditEntry.mac)
                                 .order_by(AuditEntry.id.desc()).limit(2)).all()
    assert row.audit_sequence is not None
    assert [r.sequence for r in logged] == [row.audit_sequence + 1, row.audit_sequence]
    assert row.audit_mac == logged[1].mac  # the row before the report's own


def test_sending_again_is_a_reissue_with_a_reason_and_a_new_version(
        registered: Database, leader: Actor, admin: Actor, tmp_path: Path) -> None:
    first = report_register.send_report(registered, leader, OCTOBER, TEXT)
    with pytest.raises(UserError, match="đã chốt số liệu"):
        report_register.send_report(registered, leader, OCTOBER,
                                    ReportText("13", date(2026, 11, 4), "Sửa"))
    with pytest.raises(UserError, match="đã dùng cho báo cáo Tháng 10/2026"):
        report_register.send_report(registered, admin, Period.month(2026, 9), TEXT)
    second = report_register.reissue_report(registered, admin, OCTOBER,
                                            ReportText("", date(2026, 11, 4), "Sửa số liệu"),
                                            "Bổ sung vụ việc nhập muộn")
    assert (second.version, second.supersedes, second.reissue_reason, second.sent_by) == (
        2, first.uuid, "Bổ sung vụ việc nhập muộn", "admin")
    listed = report_register.list_sent_reports(registered, leader)
    assert [(r.number, r.version, r.sent_by_name) for r in listed] == [
        ("12/BC-VHXH", 2, "Quản trị viên"), ("12/BC-VHXH", 1, "Lanhdao")]
    xlsx, pdf = report_register.save_sent_files(registered, leader, first.uuid, tmp_path)
    assert hashlib.sha256(xlsx.read_bytes()).hexdigest() == first.xlsx_sha256
    with registered.write() as session:  # a file changed behind the program's back
        session.execute(update(SentReport).where(SentReport.uuid == first.uuid)
                        .values(pdf=pdf.read_bytes() + b"%"))
    with pytest.raises(UserError, match="không khớp mã băm"):
        report_register.save_sent_files(registered, leader, first.uuid, tmp_path)


def test_a_database_at_revision_0001_with_data_upgrades(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path / "old")
    old_register(paths, 0, "0001")  # made by this version, then brought down to 0001
    engine = create_engine(f"sqlite:///{paths.database}")
    old = Database(paths)
    old._engine = engine  # the version at 0001 stored its settings as this one does
    with old.write() as session:
        settings.write_office(session, demo_office())
        # A case as that version stored it (today's services also write the keyed audit
        # chain, which it did not have).
        session.execute(text(
            "INSERT INTO cases (id, uuid, code, detected_on, platform_code, account, "
            "group_code, summary, has_children, search_key, account_key, created_at, "
            "created_by, updated_at, updated_by, version) VALUES (1, 'u-1', 'CU-1', "
            "'2026-10-05', 'FB', 'Trang cũ', 'TG', 'Tin giả cũ', 0, 'cu-1 | trang cu', "
            "'trang cu', '2026-10-05 00:00:00', 'admin', '2026-10-05 00:00:00', 'admin', 1)"))
    admin = Actor(1, "admin", "admin", Role.ADMIN)
    assert current_revision(engine) == "0001"
    engine.dispose()

    db = open_database(paths)
    accounts.authenticate(db, "admin", OLD_PASSWORD)  # encrypts it, then upgrades it
    try:
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert current_revision(db.engine) == head
        assert "sent_reports" in inspect(db.engine).get_table_names()
        assert list(paths.backups.glob("truoc-nang-cap-0001-*.sqlite3"))
        leader = accounts.create_user(db, admin, username="lanhdao", full_name="Lãnh đạo",
                                      role=Role.LEADER, password=PASSWORD)
        actor = Actor(leader.id, leader.username, leader.full_name, leader.role)
        sent = report_register.send_report(db, actor, OCTOBER, TEXT)
        assert sent.version == 1
        assert report_register.get_sent_report(db, actor, sent.uuid).figures.cases[0].code == "CU-1"
    finally:
        db.dispose()
