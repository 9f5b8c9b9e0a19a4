"""Hostile or odd input through the services: each refused with a clear Vietnamese message,
or handled correctly, never an unexpected error."""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.db import Database
from app.domain.case import ChildInput, DefamedInput
from app.domain.events import EventInput
from app.domain.evidence_files import display_name
from app.domain.vocabulary import EventKind, VocabList
from app.errors import UserError
from app.models import AuditEntry, Case, Evidence
from app.paths import DataPaths
from app.services import (
    accounts,
    cases,
    events,
    evidence,
    importing,
    settings,
    setup,
    vocabulary,
)
from app.services.actor import Actor
from app.services.evidence_store import stored_path
from app.services.search import CaseQuery, search_case_ids
from tests.conftest import ADMIN_PASSWORD, TODAY, make_case
from tests.stored import stored_bytes
from tests.test_evidence import TINY_PNG
from tests.test_import import case_row, write_book

LONG = "x" * 100_000


def _files(folder: Path) -> set[Path]:
    return {p for p in folder.rglob("*") if p.is_file()}


# Evidence file names --------------------------------------------------------------------


@pytest.mark.parametrize(("name", "shown"), [
    ("..\\..\\Windows\\System32\\anh.png", "anh.png"),  # a Windows path inside a name
    ("CON.png", "CON.png"),  # reserved on Windows: a display name only
    ("nul.txt", "nul.txt"),
    ("ảnh\x07\x1b[31m\tchụp.png", "ảnh[31mchụp.png"),  # control characters dropped
    ("ả" * 80 + ".png", "ả" * 80 + ".png"),  # 244 bytes: as long as a file system allows
    (unicodedata.normalize("NFD", "Ảnh chụp màn hình.png"), "Ảnh chụp màn hình.png"),
])
def test_odd_evidence_names_are_display_text_and_the_file_is_stored_by_hash(
        db: Database, officer: Actor, tmp_path: Path, name: str, shown: str) -> None:
    case = cases.create_case(db, officer, make_case(), today=TODAY)
    source = tmp_path / "nguon" / name
    source.parent.mkdir()
    source.write_bytes(TINY_PNG if name.endswith(".png") else b"van ban")
    outside = _files(tmp_path) - _files(db.paths.evidence)
    added = evidence.add_evidence(db, officer, case.id, source).record
    assert added.original_name == shown
    assert unicodedata.is_normalized("NFC", added.original_name)
    assert stored_bytes(db, added.sha256) is not None
    # The data folder holds the stored file, none on a server (the database holds it).
    assert _files(db.paths.evidence) == (
        {stored_path(db.paths, added.sha256)} if db.paths.server is None else set())
    assert _files(tmp_path) - _files(db.paths.evidence) == outside  # nothing written elsewhere


@pytest.mark.parametrize(("raw", "shown"), [
    ("../../etc/passwd", "passwd"),
    ("..", ".."),
    ("\x00\x01", "tệp không tên"),
    ("a" * 300 + ".png", "a" * 251 + ".png"),  # cut to the column, extension kept
])
def test_names_are_never_paths(raw: str, shown: str) -> None:
    assert display_name(raw) == shown


def test_a_name_disguised_by_a_right_to_left_override_is_refused(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    case = cases.create_case(db, officer, make_case(), today=TODAY)
    source = tmp_path / "anh\u202egnp.exe"  # shows as «anhexe.png»
    source.write_bytes(b"MZ\x90\x00")
    with pytest.raises(UserError) as refused:
        evidence.add_evidence(db, officer, case.id, source)
    assert refused.value.message.startswith("Không nhận tệp «anhgnp.exe»: chỉ nhận ảnh")
    assert _files(db.paths.evidence) == set()


def test_an_oversize_file_is_refused_and_nothing_is_left(db: Database, admin: Actor,
                                                         tmp_path: Path) -> None:
    settings.save_office(db, admin, dataclasses.replace(settings.load_office(db),
                                                        evidence_max_mb=1))
    case = cases.create_case(db, admin, make_case(), today=TODAY)
    source = tmp_path / "video.txt"
    source.write_bytes(b"x" * ((1 << 20) + 1))
    with pytest.raises(UserError, match="lớn hơn giới hạn 1 MB"):
        evidence.add_evidence(db, admin, case.id, source)
    assert _files(db.paths.evidence) == set()


# Search -----------------------------------------------------------------------------------

ACCOUNTS = ("Trang 100% sự thật", "ten_tai_khoan", 'Nhóm "Hóng biến"',
            "O'Brien;-- DROP TABLE cases", "Bình thường")


@pytest.fixture(scope="module")
def register(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, dict[int, str]]]:
    """A register whose accounts are full of SQL and search syntax, and its case ids."""
    db = setup.init_data_folder(DataPaths(tmp_path_factory.mktemp("tim") / "data"), "admin",
                                ADMIN_PASSWORD)
    admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    ids = {cases.create_case(db, admin, make_case(account=account, summary="Tin giả"),
                             today=TODAY).id: account for account in ACCOUNTS}
    yield db, ids
    db.dispose()


@pytest.mark.parametrize(("query", "found"), [
    ("%", ["Trang 100% sự thật"]),
    ("100%", ["Trang 100% sự thật"]),
    ("_", ["ten_tai_khoan"]),
    ("n_t", ["ten_tai_khoan"]),
    ("'", ["O'Brien;-- DROP TABLE cases"]),
    ("o'brien", ["O'Brien;-- DROP TABLE cases"]),
    (";--", ["O'Brien;-- DROP TABLE cases"]),
    ("drop table", ["O'Brien;-- DROP TABLE cases"]),
    ('"', ['Nhóm "Hóng biến"']),
    ('"hong', ['Nhóm "Hóng biến"']),
    ("' OR 1=1 --", []),
    ("%_%", []),
    ('"""', []),
    ("binh thuong", ["Bình thường"]),
])
def test_sql_and_search_syntax_in_a_search_is_plain_text(
        register: tuple[Database, dict[int, str]], query: str, found: list[str]) -> None:
    db, ids = register
    assert sorted(ids[i] for i in search_case_ids(db, CaseQuery(text=query))) == sorted(found)
    with db.read() as session:  # and the register is still there
        assert session.execute(select(func.count(Case.id))).scalar_one() == len(ACCOUNTS)


# Very long text ---------------------------------------------------------------------------


def _case_with(**changes: object) -> Callable[[Database, Actor], object]:
    return lambda db, actor: cases.create_case(db, actor, make_case(**changes), today=TODAY)


def _on_a_case(action: Callable[[Database, Actor, int], object]
               ) -> Callable[[Database, Actor], object]:
    def run(db: Database, actor: Actor) -> object:
        case = cases.create_case(db, actor, make_case(account="Trang khác"), today=TODAY)
        return action(db, actor, case.id)
    return run


def _void(db: Database, actor: Actor, case_id: int) -> object:
    detail = events.add_event(db, actor, case_id, EventInput(EventKind.VERIFY, TODAY),
                              today=TODAY)
    return events.void_event(db, actor, detail.events[-1].id, LONG)


def _evidence_note(db: Database, actor: Actor, case_id: int) -> object:
    source = db.paths.root / "ghi-chu.txt"
    source.write_text("Ảnh chụp", encoding="utf-8")
    return evidence.add_evidence(db, actor, case_id, source, note=LONG)


@pytest.mark.parametrize(("write", "message"), [
    (_case_with(summary=LONG), "«Tóm tắt nội dung» dài 100000 ký tự, vượt quá giới hạn 10000"),
    (_case_with(notes=LONG), "«Ghi chú» dài 100000 ký tự, vượt quá giới hạn 10000"),
    (_case_with(group_code="TE", children=(ChildInput("Bé Hà", notes=LONG),)),
     "Trẻ em thứ 1: «Ghi chú» dài 100000 ký tự"),
    (_case_with(group_code="DD", defamed=(DefamedInput("Bà Hoa", words_complained=LONG),)),
     "lời lẽ bị khiếu nại dài 100000 ký tự, vượt quá giới hạn 10000"),
    (_on_a_case(lambda db, actor, case_id: events.add_event(
        db, actor, case_id, EventInput(EventKind.VERIFY, TODAY, note=LONG), today=TODAY)),
     "«Ghi chú» dài 100000 ký tự"),
    (_on_a_case(lambda db, actor, case_id: cases.delete_case(db, actor, case_id, LONG)),
     "Lý do dài 100000 ký tự, vượt quá giới hạn 2000"),
    (_on_a_case(_void), "Lý do dài 100000 ký tự"),
    (_on_a_case(_evidence_note), "Ghi chú của tệp dài 100000 ký tự, vượt quá giới hạn 10000"),
], ids=["tóm tắt", "ghi chú", "ghi chú trẻ em", "lời lẽ bị khiếu nại", "ghi chú biện pháp",
        "lý do xóa", "lý do hủy biện pháp", "ghi chú chứng cứ"])
def test_a_100000_character_text_is_refused_with_its_limit(
        db: Database, admin: Actor, write: Callable[[Database, Actor], object],
        message: str) -> None:
    with db.read() as session:
        audit_rows = session.execute(select(func.count(AuditEntry.id))).scalar_one()
    with pytest.raises(UserError) as refused:
        write(db, admin)
    assert message in refused.value.message
    with db.read() as session:  # only the case made to act on was written
        assert session.execute(select(func.count(AuditEntry.id))).scalar_one() <= audit_rows + 2
        assert session.execute(select(func.count(Evidence.id))).scalar_one() == 0
        assert not session.execute(select(Case.id).where(Case.summary == LONG)).first()


# Composed and decomposed text ---------------------------------------------------------------


def _nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_decomposed_input_is_stored_composed_and_found_either_way(db: Database,
                                                                  officer: Actor) -> None:
    typed = cases.create_case(db, officer, make_case(account=_nfd("Hội Phụ nữ Đồng Tâm"),
                                                     offender_name=_nfd("Trần Văn Đức")),
                              today=TODAY)
    assert typed.data.account == "Hội Phụ nữ Đồng Tâm"
    assert typed.data.offender_name == "Trần Văn Đức"
    for query in ("Hội Phụ nữ", _nfd("Hội Phụ nữ"), "hoi phu nu", _nfd("Văn Đức"), "van duc"):
        assert search_case_ids(db, CaseQuery(text=query)) == [typed.id], query


def test_codes_and_list_entries_are_unique_whatever_the_normal_form(
        db: Database, admin: Actor) -> None:
    cases.create_case(db, admin, make_case(code="VV-Đà-01"), today=TODAY)
    with pytest.raises(UserError, match="Mã vụ việc «VV-Đà-01» đã có trong sổ"):
        cases.create_case(db, admin, make_case(code=_nfd("VV-Đà-01")), today=TODAY)
    vocabulary.add_entry(db, admin, VocabList.PLATFORM, "ZLK", "Zalo Kinh doanh")
    with pytest.raises(UserError, match="đã có trong danh mục"):
        vocabulary.add_entry(db, admin, VocabList.PLATFORM, "ZLK2", _nfd("Zalo Kinh doanh"))


# Dates out of range ---------------------------------------------------------------------------


@pytest.mark.parametrize(("changes", "message"), [
    ({"detected_on": date(1800, 1, 1)}, "«Ngày phát hiện» là ngày 01/01/1800, trước năm 1900"),
    ({"detected_on": date(9999, 12, 31)}, "«Ngày phát hiện» là ngày 31/12/9999, sau ngày hôm nay"),
    ({"offender_name": "Lê Văn Tám", "offender_birth_date": date(1800, 5, 2)},
     "«Ngày sinh đối tượng» là ngày 02/05/1800, trước năm 1900"),
    ({"group_code": "TE", "children": (ChildInput("Bé Hà", birth_date=date(1800, 5, 2)),)},
     "Trẻ em thứ 1: ngày sinh 02/05/1800 trước năm 1900"),
    ({"group_code": "DD", "defamed": (DefamedInput("Bà Hoa", complaint_date=date(1800, 5, 2)),)},
     "ngày khiếu nại 02/05/1800 trước năm 1900"),
])
def test_dates_out_of_range_are_refused(db: Database, officer: Actor,
                                        changes: dict[str, object], message: str) -> None:
    with pytest.raises(UserError) as refused:
        cases.create_case(db, officer, make_case(**changes), today=TODAY)
    assert message in refused.value.message


@pytest.mark.parametrize(("cell", "message"), [
    ("30/02/2026", "Ngày «30/02/2026» không có thật trên lịch (ngày 30, tháng 2, năm 2026)"),
    ("01/01/1800", "«Ngày phát hiện» là ngày 01/01/1800, trước năm 1900"),
    ("31/12/9999", "«Ngày phát hiện» là ngày 31/12/9999, sau ngày hôm nay"),
    ("5/10/20266", "năm cần ghi đủ 4 chữ số"),
])
def test_dates_out_of_range_in_an_import(db: Database, officer: Actor, tmp_path: Path,
                                         cell: str, message: str) -> None:
    path = write_book(tmp_path / "so.xlsx", [case_row(**{"Ngày phát hiện": cell})])
    preview = importing.check_workbook(db, officer, path, today=TODAY)
    assert [(p.row, p.column) for p in preview.errors] == [(2, "Ngày phát hiện")]
    assert message in preview.errors[0].message
