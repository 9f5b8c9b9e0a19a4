"""The case printout: every fact, event and file; children masked unless a leader chooses."""

from __future__ import annotations

import json
import shutil
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest

from app.db import Database
from app.domain.case import ChildInput, DefamedInput
from app.domain.events import EventInput
from app.domain.labels import ClosingResult, SanctionForm, Sex
from app.errors import NotAllowed, UserError
from app.services import audit, cases, events, evidence, settings
from app.services.actor import Actor
from app.services.case_sheet import default_path, print_case_sheet
from app.services.demo import demo_office
from app.services.records import CaseDetail
from app.text import fold
from tests.conftest import TODAY, make_case

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None,
                                reason="poppler-utils is not installed")
CHILD = "Nguyễn Thị Ánh Dương"
MINOR = "Phạm Gia Bảo"  # an offender of 14: a child too, only warned
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
                    "0000000d4944415478da63f8cfc0f01f0005000201a0c3a35a0000000049454e44"
                    "ae426082")


def _text(path: Path) -> str:
    """The PDF's text with its line breaks and runs of spaces made single spaces."""
    output = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                            text=True).stdout
    return " ".join(output.split())


def _prints(db: Database) -> list[audit.AuditRecord]:
    with db.read() as session:
        return audit.entries(session, action="case_print")


@pytest.fixture
def child_case(db: Database, admin: Actor, officer: Actor, tmp_path: Path) -> CaseDetail:
    settings.save_office(db, admin, demo_office())
    detail = cases.create_case(db, officer, make_case(
        detected_on=date(2026, 10, 3), posted_on=date(2026, 10, 1), group_code="TE",
        child_subkind_code="TE-BL",
        secondary_groups=("DD",), platform_code="TT",
        summary=f"Phát trực tiếp cảnh bạo hành cháu {unicodedata.normalize('NFD', CHILD)}.",
        offender_name=MINOR, offender_birth_year=2011, offender_address="Ấp 3, xã Minh Tân",
        children=(ChildInput(CHILD, birth_year=2016, sex=Sex.FEMALE,
                             school_class="Lớp 4A, Trường Tiểu học Minh Tân",
                             guardian_informed=True),),
        defamed=(DefamedInput("Lê Thị Hoa", complaint_received=True,
                              words_complained="Gọi là kẻ lừa đảo"),)), today=TODAY)
    for event in (EventInput("XM", date(2026, 10, 3), note=f"Làm việc với mẹ em {CHILD}"),
                  EventInput("XP", date(2026, 10, 9), document_number="15/QĐ-XPHC",
                             sanction_form=SanctionForm.WARNING),
                  EventInput("KT", date(2026, 10, 10), closing_result=ClosingResult.HANDLED)):
        events.add_event(db, officer, detail.id, event, today=TODAY)
    events.reopen_case(db, officer, detail.id, "Tài khoản đăng lại clip")
    picture = tmp_path / f"anh {CHILD}.png"
    picture.write_bytes(PNG)
    evidence.add_evidence(db, officer, detail.id, picture)
    return cases.get_case(db, officer, detail.id)


def test_children_are_masked_by_default_as_in_the_monthly_report(
        db: Database, officer: Actor, child_case: CaseDetail, tmp_path: Path) -> None:
    target = print_case_sheet(db, officer, child_case.id, tmp_path / "phieu.pdf")
    text = _text(target)
    for name in (CHILD, MINOR):
        assert fold(name) not in fold(text)  # not in the facts, texts, events or file names
    for expected in ("N.T.Á.D., 9 tuổi, nữ", "bạo hành cháu N.T.Á.D.", "mẹ em N.T.Á.D.",
                     "P.G.B., 14 tuổi", "anh N.T.Á.D.png"):
        assert expected in text
    assert "Lớp 4A" not in text and "Ấp 3" not in text  # a child's school, a minor's address
    assert "Người giám hộ đã được thông báo Có" in text
    [row] = _prints(db)
    assert row.username == officer.username and row.entity_uuid == child_case.uuid
    assert row.detail["children_unmasked"] is False


def test_a_leader_may_print_children_in_full_and_it_is_audited_without_their_names(
        db: Database, leader: Actor, child_case: CaseDetail, tmp_path: Path) -> None:
    target = print_case_sheet(db, leader, child_case.id, tmp_path / "phieu.pdf",
                              unmask_children=True)
    text = _text(target)
    for expected in (CHILD, "Lớp 4A, Trường Tiểu học Minh Tân", MINOR, "Ấp 3, xã Minh Tân",
                     "đầy đủ thông tin bí mật đời sống riêng tư của trẻ em"):
        assert expected in text
    [row] = _prints(db)
    assert row.detail["children_unmasked"] is True and row.detail["code"] == child_case.code
    logged = json.dumps(row.detail, ensure_ascii=False)
    assert fold(CHILD) not in fold(logged) and fold(MINOR) not in fold(logged)


@pytest.mark.parametrize("unmask", [True, False])
def test_who_may_not_is_refused_and_nothing_is_written(
        db: Database, officer: Actor, viewer: Actor, child_case: CaseDetail, tmp_path: Path,
        unmask: bool) -> None:
    actor = officer if unmask else viewer
    with pytest.raises(NotAllowed) as refused:
        print_case_sheet(db, actor, child_case.id, tmp_path / "phieu.pdf",
                         unmask_children=unmask)
    expected = "xem tên trẻ em trong bản in" if unmask else "lập báo cáo"
    assert actor.username in refused.value.message and expected in refused.value.message
    assert not (tmp_path / "phieu.pdf").exists() and _prints(db) == []


def test_every_fact_event_and_file_is_printed_with_the_status(
        db: Database, officer: Actor, child_case: CaseDetail, tmp_path: Path) -> None:
    text = _text(print_case_sheet(db, officer, child_case.id, tmp_path / "phieu.pdf"))
    for expected in (
        "ỦY BAN NHÂN DÂN XÃ MINH TÂN", "PHÒNG VĂN HÓA - XÃ HỘI",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "PHIẾU THÔNG TIN VỤ VIỆC", f"Mã vụ việc: {child_case.code}", "Tình trạng: Đang xử lý",
        "Ngày phát hiện 03/10/2026", "Ngày đăng tải 01/10/2026", "Ngày kết thúc đăng tải —",
        "Nền tảng TikTok", "Nhóm phụ Xúc phạm danh dự",
        "Loại xâm phạm quyền trẻ em Hình ảnh, video bạo lực", "Tên tổ chức, cá nhân Lê Thị Hoa",
        "Lời lẽ bị khiếu nại Gọi là kẻ lừa đảo", "Số văn bản: 15/QĐ-XPHC",
        "Hình thức xử phạt: Cảnh cáo", "ĐÃ HỦY (không tính): Tài khoản đăng lại clip",
        "Kết quả: Đã xử lý", child_case.evidence[0].sha256, "ảnh PNG",
        f"người in: {officer.full_name} ({officer.username}, Cán bộ)", "NGƯỜI IN PHIẾU",
    ):
        assert expected in text
    assert "Số: " not in text  # printed from the register, not a numbered document
    days = [text.index(d) for d in ("03/10/2026 Xác minh", "09/10/2026 Quyết định xử phạt",
                                    "10/10/2026 Kết thúc xử lý")]
    assert days == sorted(days)


def test_fonts_embedded_and_pages_numbered_from_the_second(
        db: Database, officer: Actor, child_case: CaseDetail, tmp_path: Path) -> None:
    target = print_case_sheet(db, officer, child_case.id, tmp_path / "phieu.pdf")
    fonts = subprocess.run(["pdffonts", str(target)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[0].split("+")[-1].startswith("LiberationSerif")
                         and line.split()[-5] == "yes" for line in fonts)
    second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(target), "-"], check=True,
                            capture_output=True, text=True).stdout
    assert second.split()[0] == "2"


def test_default_file_is_in_the_exports_folder_and_deleted_cases_are_refused(
        db: Database, officer: Actor, leader: Actor, tmp_path: Path) -> None:
    created = cases.create_case(db, officer, make_case(code="12/VHXH"), today=TODAY)
    assert default_path(db.paths, created.code) == db.paths.exports / "phieu-12-VHXH.pdf"
    cases.delete_case(db, leader, created.id, "Ghi trùng")
    with pytest.raises(UserError, match="đã bị xóa"):
        print_case_sheet(db, officer, created.id, tmp_path / "phieu.pdf")
    assert _prints(db) == []
