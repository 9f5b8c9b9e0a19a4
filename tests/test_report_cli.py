"""`report` on the command line (shared/spec/cli.md): periods, files, exit codes."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook
from sqlalchemy import update

from app.cli import main
from app.db import Database
from app.models import Case
from app.services import cases
from app.services.actor import Actor
from tests.conftest import ADMIN_PASSWORD, PASSWORD, make_case


def run(db: Database, *args: str, user: str = "admin",
        password: str = ADMIN_PASSWORD) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["--data-dir", str(db.paths.root), "--user", user, "--password-stdin",
                 "report", *args], stdin=io.StringIO(password + "\n"), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def register(db: Database, officer: Actor) -> Database:
    for day in (date(2026, 9, 30), date(2026, 10, 1), date(2026, 10, 31), date(2026, 12, 1)):
        cases.create_case(db, officer, make_case(detected_on=day), today=date(2026, 12, 2))
    return db


@pytest.mark.parametrize(
    ("period", "label", "detected"),
    [
        (["--month", "2026-10"], "tháng 10/2026", 2),
        (["--quarter", "2026-4"], "quý IV/2026", 3),
        (["--quarter", "2026-Q4"], "quý IV/2026", 3),
        (["--half", "2026-2"], "6 tháng cuối năm 2026", 4),
        (["--year", "2026"], "năm 2026", 4),
        (["--from", "2026-10-01", "--to", "2026-10-31"],
         "từ ngày 01/10/2026 đến ngày 31/10/2026", 2),
    ],
)
def test_each_kind_of_period_writes_both_files(register: Database, tmp_path: Path,
                                               period: list[str], label: str,
                                               detected: int) -> None:
    xlsx, pdf = tmp_path / "bc.xlsx", tmp_path / "bc.pdf"
    code, out, err = run(register, *period, "--xlsx", str(xlsx), "--pdf", str(pdf))
    assert (code, err) == (0, "")
    assert f"Đã ghi báo cáo {label}" in out and f"Phát hiện {detected} vụ" in out
    assert pdf.read_bytes().startswith(b"%PDF")
    with CalamineWorkbook.from_path(str(xlsx)) as book:
        rows = book.get_sheet_by_name("Tổng hợp").to_python()
    total_row = next(row for row in rows if row[1] == "Tổng cộng")  # signatures follow it
    assert total_row[3] == detected


def test_without_file_names_both_go_to_the_current_folder(
        register: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(register, "--month", "2026-10")[0] == 0
    assert sorted(p.name for p in tmp_path.glob("bao-cao-*")) == [
        "bao-cao-2026-10.pdf", "bao-cao-2026-10.xlsx"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--month", "2026-13"], "Tháng «2026-13» không hợp lệ (ví dụ: 2026-10)"),
        (["--quarter", "2026-5"], "Quý «2026-5» không hợp lệ"),
        (["--half", "2026-3"], "Nửa năm «2026-3» không hợp lệ"),
        (["--year", "26"], "Năm «26» không hợp lệ"),
        (["--from", "2026-10-01"], ""),
        (["--from", "2026-10-31", "--to", "2026-10-01"], ""),
        (["--month", "2026-10", "--year", "2026"], ""),
        ([], ""),
    ],
)
def test_wrong_usage_exits_2(register: Database, tmp_path: Path, args: list[str],
                             message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(register, *args, "--xlsx", str(tmp_path / "bc.xlsx"))
    assert code == 2
    assert not (tmp_path / "bc.xlsx").exists()
    assert message in err + capsys.readouterr().err  # argparse writes to sys.stderr


def test_a_viewer_may_not_write_a_report(register: Database, viewer: Actor,
                                         tmp_path: Path) -> None:
    code, _, err = run(register, "--month", "2026-10", "--xlsx", str(tmp_path / "bc.xlsx"),
                       user="xem", password=PASSWORD)
    assert code == 3 and "không có quyền lập báo cáo" in err
    assert not (tmp_path / "bc.xlsx").exists()


def test_figures_that_do_not_balance_are_refused_and_nothing_is_written(
        register: Database, tmp_path: Path) -> None:
    with register.write() as session:
        session.execute(update(Case).where(Case.detected_on == date(2026, 10, 31))
                        .values(closed_on=date(2026, 9, 30)))  # before its detection
    code, _, err = run(register, "--month", "2026-10", "--xlsx", str(tmp_path / "bc.xlsx"),
                       "--pdf", str(tmp_path / "bc.pdf"))
    assert code == 1 and "không khớp" in err
    assert list(tmp_path.glob("bc*")) == []


def test_docx_writes_the_editable_report_alone(register: Database, tmp_path: Path) -> None:
    from docx import Document

    target = tmp_path / "bc.docx"
    code, out, err = run(register, "--month", "2026-10", "--docx", str(target))
    assert (code, err) == (0, "")
    assert f"Đã ghi báo cáo tháng 10/2026: {target}." in out
    assert not list(tmp_path.glob("*.pdf")) and not list(tmp_path.glob("*.xlsx"))
    texts = [p.text for p in Document(str(target)).paragraphs]
    assert "BÁO CÁO" in texts


def test_a_frozen_period_writes_the_files_as_sent_and_says_so(
        register: Database, officer: Actor, leader: Actor, tmp_path: Path) -> None:
    from app.domain.periods import Period
    from app.services import report_register
    from app.services.report_register import ReportText

    report_register.send_report(register, leader, Period.month(2026, 10),
                                ReportText("12", date(2026, 11, 3), ""))
    # Recorded after the report went out: the files stay those sent.
    cases.create_case(register, officer, make_case(detected_on=date(2026, 10, 20)),
                      today=date(2026, 12, 2))
    xlsx = tmp_path / "bc.xlsx"
    code, out, err = run(register, "--month", "2026-10", "--xlsx", str(xlsx))
    assert (code, err) == (0, "")
    assert "Kỳ này đã chốt số liệu: các tệp là báo cáo số 12/" in out
    assert "(phiên bản 1) đúng như đã gửi" in out and "Phát hiện 2 vụ" in out
