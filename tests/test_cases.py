"""Recording cases: validation, numbering, editing, concurrency, delete and restore."""

from __future__ import annotations

import dataclasses
import json
import unicodedata
from datetime import date

import pytest
from sqlalchemy import func, select

from app.db import Database
from app.domain.case import ChildInput, DefamedInput
from app.domain.labels import PartyKind, Sex
from app.errors import ConcurrentEditError, NotAllowed, UserError, ValidationError
from app.models import AuditEntry, Case
from app.services import cases, settings
from app.services.actor import Actor
from tests.conftest import TODAY, make_case


def _count(db: Database, model: type) -> int:
    with db.read() as session:
        return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_create_numbers_the_case_per_year_and_stores_nfc(db: Database, officer: Actor) -> None:
    nfd = unicodedata.normalize("NFD", "  Trang Tin Nóng Xã  ")
    first = cases.create_case(db, officer, make_case(account=nfd), today=TODAY)
    second = cases.create_case(db, officer, make_case(), today=TODAY)
    older = cases.create_case(db, officer, make_case(detected_on=date(2025, 12, 31)), today=TODAY)
    assert (first.code, second.code, older.code) == ("VV2026-00001", "VV2026-00002",
                                                     "VV2025-00001")
    assert first.data.account == unicodedata.normalize("NFC", "Trang Tin Nóng Xã")


def test_numbering_follows_the_office_pattern_and_skips_codes_typed_by_hand(
    db: Database, admin: Actor, officer: Actor
) -> None:
    office = settings.load_office(db)
    settings.save_office(db, admin, dataclasses.replace(office,
                                                        case_code_pattern="{seq:03d}/{year}/MXH"))
    cases.create_case(db, officer, make_case(code="002/2026/MXH"), today=TODAY)
    codes = [cases.create_case(db, officer, make_case(), today=TODAY).code for _ in range(2)]
    assert codes == ["001/2026/MXH", "003/2026/MXH"]


def test_invalid_pattern_is_refused_with_a_message(db: Database, admin: Actor) -> None:
    office = settings.load_office(db)
    with pytest.raises(UserError, match="Mẫu mã vụ việc"):
        settings.save_office(db, admin, dataclasses.replace(office, case_code_pattern="{nam}"))


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"detected_on": None}, "detected_on", "Chưa nhập «Ngày phát hiện»"),
        ({"detected_on": date(2026, 11, 21)}, "detected_on", "tương lai"),
        ({"platform_code": "MYSPACE"}, "platform_code", "không có mã «MYSPACE»"),
        ({"platform_code": None}, "platform_code", "Chưa nhập «Nền tảng»"),
        ({"group_code": "XX"}, "group_code", "Nhóm hành vi vi phạm"),
        ({"account": "   "}, "account", "Chưa nhập «Tài khoản, kênh»"),
        ({"summary": ""}, "summary", "Chưa nhập «Tóm tắt nội dung»"),
        ({"account": "x" * 301}, "account", "vượt quá giới hạn 300"),
        ({"offender_name": "Lê Văn Tám", "offender_birth_year": 1850}, "offender_birth_year",
         "từ 1900"),
        ({"offender_name": "Lê Văn Tám", "offender_id_number": "12ab"}, "offender_id_number",
         "12 chữ số"),
        ({"offender_kind": PartyKind.PERSON}, "offender_name", "chưa nhập «Họ tên đối tượng»"),
        ({"child_subkind_code": "TE-BL"}, "child_subkind_code", "Xâm phạm quyền trẻ em"),
        ({"reach_views": -5}, "reach_views", "số âm"),
        ({"children": (ChildInput(full_name=" "),)}, "children[1]", "Trẻ em thứ 1"),
        ({"children": (ChildInput(full_name="Bé A", birth_year=2030),)}, "children[1]",
         "Năm sinh"),
        ({"defamed": (DefamedInput(name=""),)}, "defamed[1]", "chưa nhập tên"),
    ],
)
def test_bad_input_is_refused_with_a_vietnamese_message_and_nothing_saved(
    db: Database, officer: Actor, changes: dict[str, object], field: str, words: str
) -> None:
    before = _count(db, Case)
    with pytest.raises(ValidationError) as caught:
        cases.create_case(db, officer, make_case(**changes), today=TODAY)
    assert any(p.field == field and words in p.message for p in caught.value.problems), (
        caught.value.problems
    )
    assert _count(db, Case) == before


def test_all_problems_are_reported_at_once(db: Database, officer: Actor) -> None:
    with pytest.raises(ValidationError) as caught:
        cases.create_case(db, officer, make_case(platform_code=None, summary=None, account=None),
                          today=TODAY)
    assert {p.field for p in caught.value.problems} == {"platform_code", "summary", "account"}


def test_duplicate_case_code_is_refused(db: Database, officer: Actor) -> None:
    cases.create_case(db, officer, make_case(code="A-1"), today=TODAY)
    with pytest.raises(ValidationError, match="«A-1» đã có"):
        cases.create_case(db, officer, make_case(code="A-1"), today=TODAY)


def test_codes_and_labels_are_fixed_codes(db: Database, officer: Actor) -> None:
    detail = cases.create_case(
        db, officer,
        make_case(group_code="TE", child_subkind_code="TE-TT", secondary_groups=("DD", "TE"),
                  children=(ChildInput("Nguyễn Văn An", 2014, sex=Sex.MALE),)),
        today=TODAY)
    # The main group is not repeated among the secondary ones.
    assert detail.data.secondary_groups == ("DD",)
    assert detail.data.children[0].full_name == "Nguyễn Văn An"


def test_update_keeps_child_identity_and_records_which_fields_changed(
    db: Database, officer: Actor
) -> None:
    created = cases.create_case(
        db, officer, make_case(group_code="TE", children=(ChildInput("Trần Thị Bé", 2015),)),
        today=TODAY)
    child = dataclasses.replace(created.data.children[0], school_class="Lớp 5A")
    edited = dataclasses.replace(created.data, summary="Tóm tắt mới", children=(child,))
    updated = cases.update_case(db, officer, created.id, edited,
                                expected_version=created.version, today=TODAY)
    assert updated.data.children[0].uuid == created.data.children[0].uuid
    assert updated.data.children[0].school_class == "Lớp 5A"
    assert updated.version == created.version + 1
    with db.read() as session:
        entry = session.execute(
            select(AuditEntry).where(AuditEntry.action == "case_update")
        ).scalar_one()
    # Which fields changed, and how many children; never free text or a child's particulars.
    assert json.loads(entry.detail) == {"code": created.code, "changed": ["summary", "children"],
                                        "values": {"children": [1, 1]}}


def test_concurrent_edit_is_refused_and_nothing_overwritten(db: Database, officer: Actor,
                                                            leader: Actor) -> None:
    created = cases.create_case(db, officer, make_case(), today=TODAY)
    cases.update_case(db, leader, created.id, dataclasses.replace(created.data, notes="lãnh đạo"),
                      expected_version=created.version, today=TODAY)
    with pytest.raises(ConcurrentEditError, match="lanhdao"):
        cases.update_case(db, officer, created.id,
                          dataclasses.replace(created.data, notes="cán bộ"),
                          expected_version=created.version, today=TODAY)
    assert cases.get_case(db, officer, created.id).data.notes == "lãnh đạo"


def test_soft_delete_needs_a_reason_and_can_be_restored(db: Database, officer: Actor,
                                                        leader: Actor) -> None:
    created = cases.create_case(db, officer, make_case(), today=TODAY)
    with pytest.raises(NotAllowed):
        cases.delete_case(db, officer, created.id, "trùng")
    with pytest.raises(UserError, match="lý do"):
        cases.delete_case(db, leader, created.id, "  ")
    cases.delete_case(db, leader, created.id, "Nhập trùng")
    deleted = cases.get_case(db, leader, created.id)
    assert deleted.deleted_reason == "Nhập trùng"
    with pytest.raises(UserError, match="đã bị xóa"):
        cases.update_case(db, leader, created.id, deleted.data,
                          expected_version=deleted.version, today=TODAY)
    assert cases.restore_case(db, leader, created.id).deleted_at is None


def test_read_only_user_cannot_change_anything(db: Database, viewer: Actor,
                                               officer: Actor) -> None:
    created = cases.create_case(db, officer, make_case(), today=TODAY)
    with pytest.raises(NotAllowed, match="Xem"):
        cases.create_case(db, viewer, make_case(), today=TODAY)
    with pytest.raises(NotAllowed):
        cases.update_case(db, viewer, created.id, created.data,
                          expected_version=created.version, today=TODAY)
    assert cases.get_case(db, viewer, created.id).code == created.code


def test_opening_a_child_case_is_audited(db: Database, officer: Actor) -> None:
    plain = cases.create_case(db, officer, make_case(), today=TODAY)
    child_case = cases.create_case(
        db, officer, make_case(group_code="TE", children=(ChildInput("Lê Bé Na"),)), today=TODAY)
    cases.get_case(db, officer, plain.id)
    cases.get_case(db, officer, child_case.id)
    with db.read() as session:
        views = session.execute(
            select(AuditEntry.entity_uuid).where(AuditEntry.action == "child_case_view")
        ).scalars().all()
    assert views == [child_case.uuid]
