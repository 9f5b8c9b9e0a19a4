"""`template`, `import` and `export-cases` on the command line (shared/spec/cli.md)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import func, select

from app.domain.labels import Role
from app.domain.passwords import FILE_PASSWORD_RULE
from app.importing.columns import CASES, GUIDE_SHEET
from app.models import AuditEntry, Case
from app.paths import DataPaths
from app.services import accounts
from app.services.actor import SYSTEM
from app.services.exporting import PASSWORD_REQUIRED, PURPOSE_REQUIRED, RECIPIENT_REQUIRED
from tests.conftest import open_unlocked
from tests.test_cli import PASSWORD, run
from tests.test_import import case_row, write_book
from tests.test_import_hostile import ENDED, far_apart

OFFICER_PASSWORD = "canbo-2026-x"
FILE_PASSWORD = "Khoa-tep-2026"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "du lieu"
    assert run(["--data-dir", str(data), "init", "--admin", "admin", "--password-stdin"],
               PASSWORD + "\n")[0] == 0
    db = open_unlocked(DataPaths(data))
    accounts.create_user(db, SYSTEM, username="canbo", full_name="Cán bộ", role=Role.OFFICER,
                         password=OFFICER_PASSWORD)
    db.dispose()
    return data


def as_user(folder: Path, user: str, *args: str) -> list[str]:
    return ["--data-dir", str(folder), "--user", user, "--password-stdin", *args]


def cases_in(folder: Path) -> int:
    db = open_unlocked(DataPaths(folder))
    with db.read() as session:
        count = session.execute(select(func.count(Case.id))).scalar_one()
    db.dispose()
    return count


def good_file(path: Path) -> Path:
    return write_book(path, [
        case_row(**{"Mã vụ việc": "HS-1", "Ngày phát hiện": "05/10/2026"}),
        case_row(**{"Mã vụ việc": "HS-2", "Ngày phát hiện": date(2026, 10, 6),
                    "Tài khoản, kênh": "hóng biến minh tân"}),
    ])


def test_template_needs_no_account_nor_data_folder(tmp_path: Path) -> None:
    code, out, err = run(["--data-dir", str(tmp_path / "khong-co"), "template",
                          str(tmp_path / "mau.xlsx")])
    assert (code, err) == (0, "") and "Đã ghi tệp mẫu" in out
    with CalamineWorkbook.from_path(str(tmp_path / "mau.xlsx")) as book:
        assert book.sheet_names[:2] == [CASES.name, GUIDE_SHEET]
    assert not (tmp_path / "khong-co").exists()


def test_import_prints_the_summary_and_the_warnings(folder: Path, tmp_path: Path) -> None:
    code, out, err = run(as_user(folder, "canbo", "import", str(good_file(tmp_path / "a.xlsx"))),
                         OFFICER_PASSWORD + "\n")
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == "Đã nhập 2 vụ việc (HS-1 … HS-2)."
    assert lines[1] == "Cảnh báo (2):"
    assert lines[2].startswith('Dòng 2, cột "Tài khoản, kênh": Tài khoản «Hóng biến Minh Tân» '
                               "cũng có trong vụ việc HS-2 (dòng 3 của tệp)")
    assert cases_in(folder) == 2


def test_errors_go_to_stderr_one_per_line_and_nothing_is_written(folder: Path,
                                                                 tmp_path: Path) -> None:
    path = write_book(tmp_path / "a.xlsx", [
        case_row(**{"Mã vụ việc": "HS-1"}),
        case_row(**{"Mã vụ việc": "HS-2", "Nền tảng": "Myspace"}),
    ], sheets={"Biện pháp xử lý": [{"Mã vụ việc": "HS-9", "Ngày": "06/10/2026",
                                     "Biện pháp": "XM"}]})
    code, out, err = run(as_user(folder, "canbo", "import", str(path)), OFFICER_PASSWORD + "\n")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        'Dòng 3, cột "Nền tảng": «Nền tảng» không có mã «Myspace» (các mã hợp lệ: FB, YT, TT, '
        "ZL, IG, X, TLG, WEB, KHAC).",
        'Dòng 2, cột "Mã vụ việc": Trang «Biện pháp xử lý»: Mã vụ việc «HS-9» không có trên '
        "trang đầu «Vụ việc» của tệp: mỗi dòng ở trang này phải thuộc một vụ việc ghi trên "
        "trang đầu.",
        "Không nhập vụ việc nào: tệp có 2 lỗi.",
    ]
    assert cases_in(folder) == 0


def test_the_same_import_twice_reports_the_existing_codes(folder: Path, tmp_path: Path) -> None:
    path = str(good_file(tmp_path / "a.xlsx"))
    assert run(as_user(folder, "canbo", "import", path), OFFICER_PASSWORD + "\n")[0] == 0
    code, _out, err = run(as_user(folder, "canbo", "import", path), OFFICER_PASSWORD + "\n")
    assert code == 1
    assert 'Dòng 2, cột "Mã vụ việc": Mã vụ việc «HS-1» đã có trong sổ' in err
    assert 'Dòng 3, cột "Mã vụ việc": Mã vụ việc «HS-2» đã có trong sổ' in err
    assert cases_in(folder) == 2


def test_a_file_that_ends_the_reader_is_refused_and_the_next_import_runs(folder: Path,
                                                                          tmp_path: Path) -> None:
    code, out, err = run(as_user(folder, "canbo", "import", str(far_apart(tmp_path / "xa.xlsx"))),
                         OFFICER_PASSWORD + "\n")
    assert (code, out) == (1, "")
    assert err.startswith(f"Không đọc được tệp «xa.xlsx»: {ENDED}")
    code, out, _ = run(as_user(folder, "canbo", "import", str(good_file(tmp_path / "a.xlsx"))),
                       OFFICER_PASSWORD + "\n")
    assert code == 0 and cases_in(folder) == 2


def test_dry_run_checks_and_writes_nothing(folder: Path, tmp_path: Path) -> None:
    code, out, _ = run(as_user(folder, "canbo", "import", str(good_file(tmp_path / "a.xlsx")),
                               "--dry-run"), OFFICER_PASSWORD + "\n")
    assert code == 0
    assert out.startswith("Kiểm tra xong: 2 vụ việc, 0 biện pháp xử lý, 0 trẻ em; không có lỗi.")
    assert "Chạy thử nên chưa nhập gì" in out
    assert cases_in(folder) == 0


def test_viewers_may_not_import(folder: Path, tmp_path: Path) -> None:
    db = open_unlocked(DataPaths(folder))
    accounts.create_user(db, SYSTEM, username="xem", full_name="Xem", role=Role.VIEWER,
                         password=OFFICER_PASSWORD)
    db.dispose()
    code, _, err = run(as_user(folder, "xem", "import", str(good_file(tmp_path / "a.xlsx"))),
                       OFFICER_PASSWORD + "\n")
    assert code == 3 and "không có quyền nhập vụ việc từ Excel" in err


def test_export_protect_then_import_the_encrypted_file_elsewhere(folder: Path,
                                                                 tmp_path: Path) -> None:
    assert run(as_user(folder, "canbo", "import", str(good_file(tmp_path / "a.xlsx"))),
               OFFICER_PASSWORD + "\n")[0] == 0
    exported = str(tmp_path / "xuat.xlsx")
    code, _, err = run(as_user(folder, "canbo", "export-cases", exported),
                       OFFICER_PASSWORD + "\n")
    assert code == 3 and "xuất toàn bộ vụ việc" in err
    code, out, err = run(as_user(folder, "admin", "export-cases", exported, "--protect",
                                 "--from", "2026-10-06", "--to", "2026-12-31"),
                         f"{PASSWORD}\n{FILE_PASSWORD}\n")
    assert (code, err) == (0, "")
    assert out == f"Đã xuất 1 vụ việc vào {exported} (có mật khẩu mở tệp).\n"

    other = tmp_path / "noi khac"
    run(["--data-dir", str(other), "init", "--admin", "admin", "--password-stdin"],
        PASSWORD + "\n")
    code, _, err = run(as_user(other, "admin", "import", exported), PASSWORD + "\n")
    assert code == 1
    assert "được đặt mật khẩu" in err and "dòng thứ hai của đầu vào chuẩn" in err
    code, _, err = run(as_user(other, "admin", "import", exported), f"{PASSWORD}\nsai\n")
    assert code == 1 and "không đúng" in err
    code, out, _ = run(as_user(other, "admin", "import", exported),
                       f"{PASSWORD}\n{FILE_PASSWORD}\n")
    assert code == 0 and out.startswith("Đã nhập 1 vụ việc (HS-2 … HS-2).")


@pytest.mark.parametrize(("args", "stdin", "code", "words"), [
    (["export-cases", "x.xlsx", "--from", "05/10/2026"], PASSWORD + "\n", 2,
     "không phải ngày dạng YYYY-MM-DD"),
    (["export-cases", "x.xlsx", "--protect"], PASSWORD + "\n", 2, "mật khẩu mở tệp"),
    (["export-cases", "x.xlsx", "--from", "2026-12-01", "--to", "2026-01-01"], PASSWORD + "\n",
     1, "ngày bắt đầu 01/12/2026 sau ngày kết thúc"),
    (["import", "khong-co.xlsx"], PASSWORD + "\n", 1, "Không đọc được tệp «khong-co.xlsx»"),
])
def test_usage_and_refusals(folder: Path, args: list[str], stdin: str, code: int, words: str,
                            capsys: pytest.CaptureFixture[str], tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    got, _, err = run(as_user(folder, "admin", *args), stdin)
    err += capsys.readouterr().err  # argparse writes usage errors itself
    assert got == code
    assert words in err


def test_an_export_holding_a_child_is_refused_until_protected_with_purpose_and_recipient(
        folder: Path, tmp_path: Path) -> None:
    with_child = write_book(tmp_path / "a.xlsx", [case_row(**{
        "Mã vụ việc": "TE-1", "Trẻ em liên quan": "Nguyễn Văn An (2014, nam)"})])
    assert run(as_user(folder, "admin", "import", str(with_child)), PASSWORD + "\n")[0] == 0
    exported = tmp_path / "xuat" / "toan-bo.xlsx"
    exported.parent.mkdir()
    export = as_user(folder, "admin", "export-cases", str(exported))

    code, out, err = run(export, PASSWORD + "\n")
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        f"{PASSWORD_REQUIRED} Trên dòng lệnh: thêm --protect và ghi mật khẩu mở tệp ở dòng thứ "
        "hai của đầu vào chuẩn (dòng đầu là mật khẩu đăng nhập).",
        f'{PURPOSE_REQUIRED} Trên dòng lệnh: --purpose "…".',
        f'{RECIPIENT_REQUIRED} Trên dòng lệnh: --recipient "…".',
    ]
    code, _, err = run([*export, "--protect", "--purpose", "Gửi Sở", "--recipient", "Sở VHTT"],
                       f"{PASSWORD}\nkhoa-tep\n")
    assert code == 1
    assert err.splitlines() == [
        f"Mật khẩu quá ngắn: cần ít nhất 12 ký tự. {FILE_PASSWORD_RULE}"]
    code, _, err = run([*export, "--protect", "--purpose", " "], f"{PASSWORD}\n{FILE_PASSWORD}\n")
    assert code == 1
    assert err.splitlines() == [PURPOSE_REQUIRED,
                                f'{RECIPIENT_REQUIRED} Trên dòng lệnh: --recipient "…".']
    assert list(exported.parent.iterdir()) == []

    code, out, err = run([*export, "--protect", "--purpose", "Gửi Sở theo Công văn 12",
                          "--recipient", "Sở Văn hóa và Thể thao"],
                         f"{PASSWORD}\n{FILE_PASSWORD}\n")
    assert (code, err) == (0, "")
    assert out == f"Đã xuất 1 vụ việc vào {exported} (có mật khẩu mở tệp).\n"
    assert [p.name for p in exported.parent.iterdir()] == ["toan-bo.xlsx"]
    db = open_unlocked(DataPaths(folder))
    with db.read() as session:
        detail = json.loads(session.execute(select(AuditEntry.detail).where(
            AuditEntry.action == "export")).scalar_one())
    db.dispose()
    assert (detail["purpose"], detail["recipient"], detail["protected"]) == (
        "Gửi Sở theo Công văn 12", "Sở Văn hóa và Thể thao", True)
