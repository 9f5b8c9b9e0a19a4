"""Frozen periods: a change that would alter a frozen report is found before it is saved,
the differences since freezing are listed, a re-issue is a new version under the same
number, and exporting a frozen period gives the files as sent."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest

from app.db import Database
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.labels import ClosingResult
from app.domain.periods import Period
from app.domain.report import ReportText
from app.errors import UserError
from app.services import cases, events, report_register, settings
from app.services.actor import Actor
from app.services.demo import demo_office
from app.services.records import CaseDetail
from app.services.report_export import Targets, draft_report, export_report
from app.services.report_register import PendingChange, frozen_reports_altered
from tests.conftest import TODAY, make_case

OCTOBER = Period.month(2026, 10)
TEXT = ReportText("12", date(2026, 11, 3), "Báo cáo tháng 10.")


@pytest.fixture
def frozen(db: Database, admin: Actor, officer: Actor, leader: Actor) -> CaseDetail:
    """October frozen with one case detected on 05/10, still open."""
    settings.save_office(db, admin, demo_office())
    detail = cases.create_case(db, officer, make_case(detected_on=date(2026, 10, 5)),
                               today=TODAY)
    report_register.send_report(db, leader, OCTOBER, TEXT)
    return detail


def _pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout


def _new_signer(db: Database, admin: Actor) -> None:
    """The office's signer changes after October was frozen."""
    office = settings.load_office(db)
    settings.save_office(db, admin, dataclasses.replace(office, unit_signer_name="Người Ký Mới"))


def _altered(db: Database, actor: Actor, change: PendingChange) -> list[str]:
    return [a.message for a in frozen_reports_altered(db, actor, change, today=TODAY)]


def test_a_removal_dated_in_a_frozen_month_is_found_before_it_is_saved(
        db: Database, officer: Actor, frozen: CaseDetail) -> None:
    removal = EventInput("GB", date(2026, 10, 30))
    found = frozen_reports_altered(db, officer, PendingChange(frozen.id, added=removal),
                                   today=TODAY)
    assert [a.report.number for a in found] == ["12/BC-VHXH"]
    assert found[0].message.startswith("Báo cáo số 12/BC-VHXH tháng 10/2026 đã chốt ngày ")
    assert "Biểu 01, dòng «Tổng cộng», cột «Đã gỡ bỏ» tăng 1" in found[0].message
    # Only checked: nothing was saved.
    assert cases.get_case(db, officer, frozen.id).events == ()
    assert draft_report(db, officer, OCTOBER).differences == ()


def test_changes_outside_the_frozen_figures_alter_nothing(
        db: Database, officer: Actor, frozen: CaseDetail) -> None:
    november = EventInput("GB", date(2026, 11, 2))
    assert _altered(db, officer, PendingChange(frozen.id, added=november)) == []
    # A new case detected after the frozen month, and an edit no column counts.
    assert _altered(db, officer, PendingChange(
        None, case=make_case(detected_on=date(2026, 11, 3)))) == []
    assert _altered(db, officer, PendingChange(
        frozen.id, case=dataclasses.replace(frozen.data, summary="Tóm tắt sửa lại."))) == []
    # A second removal in October of a case column 6 already counts once.
    events.add_event(db, officer, frozen.id, EventInput("GB", date(2026, 10, 20)), today=TODAY)
    assert _altered(db, officer, PendingChange(
        frozen.id, added=EventInput("GB", date(2026, 10, 25)))) == []


def test_every_kind_of_change_that_moves_a_frozen_figure_is_found(
        db: Database, officer: Actor, leader: Actor, frozen: CaseDetail) -> None:
    # A case recorded late, detected in October.
    assert _altered(db, officer, PendingChange(
        None, case=make_case(detected_on=date(2026, 10, 9)))) != []
    # The case moved to another group, its detection date moved out, a child added.
    for data in (dataclasses.replace(frozen.data, group_code="DD"),
                 dataclasses.replace(frozen.data, detected_on=date(2026, 9, 30)),
                 dataclasses.replace(frozen.data, group_code="TE", children=(
                     ChildInput("Trần Thị Bé", birth_year=2014),))):
        assert _altered(db, officer, PendingChange(frozen.id, case=data)) != []
    # Deleted, and restored once deleted.
    assert _altered(db, officer, PendingChange(frozen.id, deleted=True)) != []
    cases.delete_case(db, leader, frozen.id, "Nhập trùng")
    assert _altered(db, leader, PendingChange(frozen.id, deleted=False)) != []
    cases.restore_case(db, leader, frozen.id)
    # Closing in October, then voiding that closing (the case reopened).
    closing = EventInput("KT", date(2026, 10, 28), closing_result=ClosingResult.NO_VIOLATION)
    assert _altered(db, officer, PendingChange(frozen.id, added=closing)) != []
    closed = events.add_event(db, officer, frozen.id, closing, today=TODAY)
    assert _altered(db, officer, PendingChange(frozen.id, voided=closed.events[0].id)) != []
    # The closing's date moved to November.
    later = dataclasses.replace(closing, occurred_on=date(2026, 11, 4))
    assert _altered(db, officer, PendingChange(
        frozen.id, added=later, edited=closed.events[0].id)) != []


def test_a_change_the_services_refuse_warns_of_nothing(
        db: Database, officer: Actor, frozen: CaseDetail) -> None:
    before_detection = EventInput("GB", date(2026, 10, 1))
    assert _altered(db, officer, PendingChange(frozen.id, added=before_detection)) == []
    no_platform = dataclasses.replace(frozen.data, platform_code=None)
    assert _altered(db, officer, PendingChange(frozen.id, case=no_platform)) == []


def test_differences_since_freezing_are_listed_cell_by_cell(
        db: Database, officer: Actor, frozen: CaseDetail) -> None:
    events.add_event(db, officer, frozen.id, EventInput("GB", date(2026, 10, 30)), today=TODAY)
    drafted = draft_report(db, officer, OCTOBER)
    assert drafted.sent is not None and drafted.sent.record.number == "12/BC-VHXH"
    assert [c.words for c in drafted.differences] == [
        "Biểu 01, dòng «Tin giả, tin sai sự thật», cột «Đã gỡ bỏ»: 0 → 1",
        "Biểu 01, dòng «Tổng cộng», cột «Đã gỡ bỏ»: 0 → 1",
        "Biểu 02, dòng «Facebook», cột «Đã gỡ bỏ»: 0 → 1",
        "Biểu 02, dòng «Tổng cộng», cột «Đã gỡ bỏ»: 0 → 1",
    ]
    assert draft_report(db, officer, Period.month(2026, 9)).sent is None


def test_a_reissue_is_a_new_version_of_the_same_number_the_old_files_kept(
        db: Database, admin: Actor, officer: Actor, leader: Actor, frozen: CaseDetail,
        tmp_path: Path) -> None:
    first = report_register.list_sent_reports(db, leader)[0]
    events.add_event(db, officer, frozen.id, EventInput("GB", date(2026, 10, 30)), today=TODAY)
    _new_signer(db, admin)
    with pytest.raises(UserError, match="Cần ghi lý do"):
        report_register.reissue_report(db, leader, OCTOBER, TEXT, " ")
    second = report_register.reissue_report(
        db, leader, OCTOBER, ReportText("99", date(2026, 11, 25), "Báo cáo bổ sung."),
        "Bổ sung việc gỡ bỏ ghi muộn")
    assert (second.number, second.version, second.supersedes) == ("12/BC-VHXH", 2, first.uuid)
    assert [(r.number, r.version) for r in report_register.list_sent_reports(db, leader)] == [
        ("12/BC-VHXH", 2), ("12/BC-VHXH", 1)]
    old = report_register.get_sent_report(db, leader, first.uuid)
    assert old.figures.summary.total.removed == 0  # the first version as it was sent
    assert draft_report(db, officer, OCTOBER).differences == ()  # against the newest
    xlsx, pdf = report_register.save_sent_files(db, leader, first.uuid, tmp_path)
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == first.pdf_sha256
    assert hashlib.sha256(xlsx.read_bytes()).hexdigest() == first.xlsx_sha256
    assert pdf.name == "bao-cao-2026-10-so-12-v1.pdf"
    if shutil.which("pdftotext"):  # each version signed by the signer of its time
        _xlsx, reissued = report_register.save_sent_files(db, leader, second.uuid, tmp_path)
        old_text, new_text = (_pdf_text(f) for f in (pdf, reissued))
        assert "Số: 12/BC-VHXH" in old_text and "Số: 12/BC-VHXH" in new_text
        assert "Người Ký Mới" in new_text and "Người Ký Mới" not in old_text
    with pytest.raises(UserError, match="chưa chốt số liệu nên chưa phát hành lại"):
        report_register.reissue_report(db, leader, Period.month(2026, 9), TEXT, "Sửa")


def test_exporting_a_frozen_period_gives_the_files_as_sent(
        db: Database, admin: Actor, officer: Actor, leader: Actor, frozen: CaseDetail,
        tmp_path: Path) -> None:
    sent = report_register.list_sent_reports(db, leader)[0]
    events.add_event(db, officer, frozen.id, EventInput("GB", date(2026, 10, 30)), today=TODAY)
    _new_signer(db, admin)
    xlsx, pdf = tmp_path / "bc.xlsx", tmp_path / "bc.pdf"
    summary = export_report(db, officer, OCTOBER, Targets(xlsx=xlsx, pdf=pdf),
                            text=ReportText("", date(2026, 11, 25), "Văn bản khác."))
    assert hashlib.sha256(pdf.read_bytes()).hexdigest() == sent.pdf_sha256
    assert hashlib.sha256(xlsx.read_bytes()).hexdigest() == sent.xlsx_sha256
    assert summary.total.removed == 0
    if shutil.which("pdftotext"):
        assert "Số: 12/BC-VHXH" in _pdf_text(pdf) and "Người Ký Mới" not in _pdf_text(pdf)
    # A period never frozen is computed as today.
    export_report(db, officer, Period.month(2026, 9), Targets(pdf=tmp_path / "t9.pdf"))
    assert (tmp_path / "t9.pdf").read_bytes() != pdf.read_bytes()


def test_the_word_file_of_a_frozen_period_is_its_frozen_report(
        db: Database, officer: Actor, frozen: CaseDetail, tmp_path: Path) -> None:
    """Not kept when frozen, the Word file is drafted from what was: its number, date, text
    and figures, whatever changed or was typed since."""
    from docx import Document

    events.add_event(db, officer, frozen.id, EventInput("GB", date(2026, 10, 30)), today=TODAY)
    target = tmp_path / "bc.docx"
    summary = export_report(db, officer, OCTOBER, Targets(docx=target),
                            text=ReportText("", date(2026, 11, 25), "Văn bản khác."))
    assert summary.total.removed == 0
    document = Document(str(target))
    header = [cell.text for cell in document.tables[0].rows[1].cells]
    assert header[0] == "Số: 12/BC-VHXH" and header[1].endswith("ngày 03 tháng 11 năm 2026")
    texts = [p.text for p in document.paragraphs]
    assert "Báo cáo tháng 10./." in texts and "Văn bản khác./." not in texts
    form01 = next(t for t in document.tables if t.rows[0].cells[0].text == "STT")
    total = [cell.text for cell in form01.rows[-1].cells]
    assert total[1] == "Tổng cộng" and (total[3], total[6]) == ("1", "0")  # detected, removed
