"""The documents on the command line (shared/spec/cli.md): `letters`, the register;
`letter`, drafting one; `attach` and `files`, a case's evidence files."""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from app.db import Database
from app.domain.documents import DocumentKind
from app.paths import DataPaths
from app.services import accounts, cases, documents
from app.services.actor import Actor
from app.services.documents import REGISTER_COLUMNS, ReceivedInput
from app.text import fold
from tests.conftest import ADMIN_PASSWORD, PASSWORD, make_case, marker_forms, open_unlocked
from tests.test_cli import run

CHILD = "Nguyễn Văn An"
TODAY = date.today()  # the command counts lateness from the real today
DAY = timedelta(days=1)


@contextmanager
def _new_folder(tmp_path: Path) -> Iterator[tuple[Path, Database, Actor]]:
    """A data folder made by `init`, open for the block as its administrator."""
    data = tmp_path / "du lieu"
    code, _, _ = run(["--data-dir", str(data), "init", "--admin", "admin", "--password-stdin"],
                     ADMIN_PASSWORD + "\n")
    assert code == 0
    db = open_unlocked(DataPaths(data))
    try:
        yield data, db, accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    finally:
        db.dispose()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A data folder with an officer, a viewer and two cases whose offender is unknown,
    the first naming a child."""
    from app.domain.case import ChildInput
    from app.domain.labels import Role

    with _new_folder(tmp_path) as (data, db, admin):
        for name, role in (("canbo", Role.OFFICER), ("xem", Role.VIEWER)):
            accounts.create_user(db, admin, username=name, full_name=name, role=role,
                                 password=PASSWORD)
        cases.create_case(db, admin, make_case(
            code="VV2026-00001", group_code="TE", summary=f"Đăng ảnh cháu {CHILD} bị đánh.",
            children=(ChildInput(CHILD, 2015),)), today=date(2026, 11, 20))
        cases.create_case(db, admin, make_case(code="VV2026-00002"), today=date(2026, 11, 20))
    return data


def _as(folder: Path, user: str, *args: str) -> tuple[int, str, str]:
    password = ADMIN_PASSWORD if user == "admin" else PASSWORD
    return run(["--data-dir", str(folder), "--user", user, "--password-stdin", *args],
               password + "\n")


def _inbox(tmp_path: Path, **files: bytes) -> list[Path]:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    paths = []
    for name, content in files.items():
        path = inbox / name.replace("_", ".")
        path.write_bytes(content)
        paths.append(path)
    return paths


def test_attach_then_files_lists_name_size_and_sha256(folder: Path, tmp_path: Path) -> None:
    sources = _inbox(tmp_path, chup_man_hinh_txt="Ảnh chụp màn hình bài đăng.".encode(),
                     binh_luan_txt=b"binh luan")
    code, out, err = _as(folder, "canbo", "attach", "VV2026-00002", *map(str, sources))
    assert (code, err) == (0, "")
    assert out.count("Đã thêm") == 2
    code, out, err = _as(folder, "canbo", "files", "VV2026-00002")
    assert (code, err) == (0, "")
    assert [line.split("\t") for line in out.splitlines()] == [
        [p.name, str(p.stat().st_size), hashlib.sha256(p.read_bytes()).hexdigest()]
        for p in sources]


def test_attach_refuses_bad_input_and_stores_nothing(folder: Path, tmp_path: Path) -> None:
    good, bad = _inbox(tmp_path, bai_dang_txt=b"bai dang", chuong_trinh_exe=b"MZ")
    for args, words in (
            (["VV2026-09999", str(good)], "Không có vụ việc mã VV2026-09999"),
            (["VV2026-00002", str(good), str(bad)], "Không nhận tệp «chuong.trinh.exe»"),
            (["VV2026-00002", str(good), str(tmp_path / "khong-co.png")], "Không tìm thấy tệp")):
        code, out, err = _as(folder, "canbo", "attach", *args)
        assert code == 1 and words in err and out == "", (args, err)
    assert _as(folder, "canbo", "files", "VV2026-00002") == (0, "", "")


def test_attach_stores_none_when_a_later_file_lies_about_its_type(folder: Path,
                                                               tmp_path: Path) -> None:
    sources = _inbox(tmp_path, mot_txt=b"mot", hai_txt=b"hai", anh_png=b"khong phai anh")
    code, out, err = _as(folder, "canbo", "attach", "VV2026-00002", *map(str, sources))
    assert code == 1 and out == ""
    assert "Tệp «anh.png» mang đuôi của" in err
    assert _as(folder, "canbo", "files", "VV2026-00002") == (0, "", "")
    assert [p for p in DataPaths(folder).evidence.rglob("*") if p.is_file()] == []


def test_attach_needs_the_right_to_edit_and_files_of_a_childs_case_are_withheld(
        folder: Path, tmp_path: Path) -> None:
    [source] = _inbox(tmp_path, anh_txt=b"anh")
    code, _, err = _as(folder, "xem", "attach", "VV2026-00002", str(source))
    assert code == 3 and "không có quyền" in err
    assert _as(folder, "canbo", "attach", "VV2026-00001", str(source))[0] == 0
    code, out, err = _as(folder, "xem", "files", "VV2026-00001")
    assert code == 3 and out == "" and "trẻ em" in err


def test_letter_drafts_both_files_and_enters_the_register(folder: Path, tmp_path: Path) -> None:
    docx, pdf = tmp_path / "ra" / "kn.docx", tmp_path / "ra" / "kn.pdf"
    code, out, err = _as(folder, "canbo", "letter", "KN", "--case", "VV2026-00001,VV2026-00002",
                         "--docx", str(docx), "--pdf", str(pdf))
    assert (code, err) == (0, "")
    assert "số 01/BC-VHXH" in out and docx.is_file() and pdf.is_file()
    with zipfile.ZipFile(docx) as archive:
        xml = "".join(archive.read(n).decode() for n in archive.namelist() if n.endswith(".xml"))
    assert "VV2026-00001" in xml and fold(CHILD) not in fold(xml)
    for needle in marker_forms((CHILD,)):
        assert needle not in pdf.read_bytes()
    code, out, _ = _as(folder, "canbo", "letters")
    [line] = [line.split("\t") for line in out.splitlines()]
    assert line[2] == "01/BC-VHXH" and line[6] == "VV2026-00001, VV2026-00002"
    # Only one file named: the other beside it.
    code, out, err = _as(folder, "canbo", "letter", "kn", "--case", "VV2026-00002",
                         "--to", "Sở Văn hóa, Thể thao và Du lịch", "--docx",
                         str(tmp_path / "ra" / "lan-2.docx"))
    assert (code, err) == (0, "") and "số 02/BC-VHXH" in out
    assert (tmp_path / "ra" / "lan-2.pdf").is_file()
    # No file named: the data folder's exports.
    code, out, err = _as(folder, "canbo", "letter", "KN", "--case", "VV2026-00002")
    assert (code, err) == (0, "") and "số 03/BC-VHXH" in out
    assert sorted(p.name for p in DataPaths(folder).exports.iterdir()) == [
        "KN-VV2026-00002.docx", "KN-VV2026-00002.pdf"]


def test_letter_refuses_what_does_not_fit_and_writes_nothing(folder: Path,
                                                            tmp_path: Path) -> None:
    out_dir = tmp_path / "ra"
    for args, status, words in (
            (["QD", "--case", "VV2026-00002"], 1, "chưa ghi họ tên đối tượng"),
            (["KN", "--case", "VV2026-00009"], 1, "Không có vụ việc mã VV2026-00009"),
            (["XX", "--case", "VV2026-00002"], 2, ""),  # argparse's message: on sys.stderr
            (["KN", "--case", "VV2026-00001", "--children-basis", "Điều 62"], 3,
             "không có quyền")):
        code, out, err = _as(folder, "canbo", "letter", *args, "--docx",
                             str(out_dir / "x.docx"))
        assert code == status and words in err and out == "", (args, err)
    assert not out_dir.exists()
    assert _as(folder, "canbo", "letters") == (0, "", "")


# `letters`: the register.

def _register(tmp_path: Path) -> tuple[Path, str, str]:
    """A folder with a request answered, one overdue and an invitation; their numbers."""
    with _new_folder(tmp_path) as (data, db, admin):
        case = cases.create_case(db, admin, make_case(detected_on=TODAY - 40 * DAY),
                                 today=TODAY)
        late = documents.enter_drafted(
            db, admin, DocumentKind.ESCALATION, [case.id], None, issued_on=TODAY - 30 * DAY,
            recipients="Sở Văn hóa,\tThể thao và Du lịch", reply_by=TODAY - 15 * DAY)
        asked = documents.enter_drafted(
            db, admin, DocumentKind.POLICE_TRANSFER, [case.id], None,
            issued_on=TODAY - 30 * DAY, recipients="Công an tỉnh", reply_by=TODAY - 15 * DAY)
        documents.enter_received(db, admin, ReceivedInput(
            "Công an tỉnh", TODAY - 20 * DAY, their_number="77/CAT", answers_id=asked.id))
        documents.enter_drafted(db, admin, DocumentKind.INVITATION, [case.id], None,
                                issued_on=TODAY - 10 * DAY, recipients="Ông A")
    return data, late.number, case.code


def _letters(data: Path, *args: str) -> tuple[int, list[list[str]], str]:
    code, out, err = _as(data, "admin", "letters", *args)
    return code, [line.split("\t") for line in out.splitlines()], err


def test_letters_lists_one_line_per_document_with_tabs(tmp_path: Path) -> None:
    data, late, code = _register(tmp_path)
    status, lines, err = _letters(data)
    assert status == 0, err
    assert all(len(line) == len(REGISTER_COLUMNS) for line in lines)
    assert [(line[0], line[2]) for line in lines] == [
        ("Đi", "01/GM-VHXH"), ("Đến", "77/CAT"), ("Đi", "01/VHXH"), ("Đi", late)]
    escalation = lines[3]
    assert escalation[4] == "Sở Văn hóa, Thể thao và Du lịch"  # a tab typed is no column
    assert escalation[6] == code and escalation[9] == "Quá hạn"
    assert lines[2][8] == "77/CAT" and lines[1][8] == "01/VHXH"


def test_letters_overdue_and_dates(tmp_path: Path) -> None:
    data, late, _ = _register(tmp_path)
    status, lines, _ = _letters(data, "--overdue")
    assert status == 0 and [line[2] for line in lines] == [late]
    start = (TODAY - 25 * DAY).isoformat()
    status, lines, _ = _letters(data, "--from", start, "--to", TODAY.isoformat())
    assert [line[2] for line in lines] == ["01/GM-VHXH", "77/CAT"]
    status, _, err = _letters(data, "--from", TODAY.isoformat(), "--to", start)
    assert status == 2 and "--from" in err
    status, _, err = _letters(data, "--from", "31/02/2026")
    assert status == 2


def test_letters_to_excel(tmp_path: Path) -> None:
    data, late, _ = _register(tmp_path)
    target = tmp_path / "so van ban.xlsx"
    status, lines, err = _letters(data, "--xlsx", str(target))
    assert status == 0, err
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert rows[1] == [h for h, _ in REGISTER_COLUMNS]
    assert [row[2] for row in rows[2:]] == ["01/GM-VHXH", "77/CAT", "01/VHXH", late]
    assert "4 văn bản" in lines[0][0]


def test_letters_without_an_account_is_refused(tmp_path: Path) -> None:
    data, _, _ = _register(tmp_path)
    code, _, _ = run(["--data-dir", str(data), "letters"])
    assert code == 3
