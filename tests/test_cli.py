"""The command line of shared/spec/cli.md: accounts, exit codes, messages."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.cli import main
from app.db import open_database
from app.models import AuditEntry
from app.paths import DataPaths

PASSWORD = "quantri-2026"


def run(args: list[str], stdin: str = "") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(args, stdin=io.StringIO(stdin), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    data = tmp_path / "du lieu"
    code, out, _ = run(["--data-dir", str(data), "init", "--admin", "admin",
                        "--password-stdin"], PASSWORD + "\n")
    assert code == 0 and "Đã khởi tạo" in out
    return data


def test_init_then_check_with_the_right_password(folder: Path) -> None:
    code, out, err = run(["--data-dir", str(folder), "--user", "admin", "--password-stdin",
                          "check"], PASSWORD + "\n")
    assert (code, err) == (0, "")
    assert "Dữ liệu toàn vẹn" in out


def test_wrong_password_exits_3_changes_nothing_and_both_attempts_are_audited(
    folder: Path,
) -> None:
    code, _, err = run(["--data-dir", str(folder), "--user", "admin", "--password-stdin",
                        "check"], "sai\n")
    assert code == 3 and "Sai mật khẩu" in err
    assert run(["--data-dir", str(folder), "--user", "admin", "--password-stdin", "check"],
               PASSWORD + "\n")[0] == 0
    db = open_database(DataPaths(folder))
    with db.read() as session:
        actions = list(session.execute(select(AuditEntry.action).order_by(AuditEntry.id))
                       .scalars())
    db.dispose()
    assert actions[-3:] == ["login_failed", "login", "check"]


@pytest.mark.parametrize(
    ("args", "stdin", "code", "words"),
    [
        (["check"], "", 3, "cần tài khoản"),
        (["--user", "ai", "--password-stdin", "check"], "x\n", 3, "không tồn tại"),
        (["--user", "admin", "check"], "", 2, "--password-stdin"),
        (["--user", "admin", "--password-stdin", "check"], "", 2, "Không đọc được mật khẩu"),
        (["--user", "admin", "--password-stdin", "demo", "--cases", "0"], PASSWORD + "\n", 2,
         "số dương"),
        (["khong-co-lenh"], "", 2, "lựa chọn không hợp lệ"),
        (["init", "--admin", "x", "--password-stdin"], "khac-2026\n", 4, "đã có dữ liệu"),
    ],
)
def test_exit_codes_and_vietnamese_messages(folder: Path, args: list[str], stdin: str,
                                            code: int, words: str,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    got, _out, err = run(["--data-dir", str(folder), *args], stdin)
    err += capsys.readouterr().err  # argparse writes usage errors itself
    assert got == code
    assert words in err


def test_missing_or_foreign_data_folder_exits_4(tmp_path: Path) -> None:
    code, _, err = run(["--data-dir", str(tmp_path / "khong-co"), "--user", "admin",
                        "--password-stdin", "check"], "x\n")
    assert code == 4 and "init" in err
    broken = tmp_path / "hong"
    broken.mkdir()
    (broken / "sovipham.sqlite3").write_bytes(b"khong phai sqlite" * 100)
    code, _, err = run(["--data-dir", str(broken), "--user", "admin", "--password-stdin",
                        "check"], "x\n")
    assert code == 4 and "bị hỏng" in err


def test_a_folder_made_by_a_newer_version_is_refused(folder: Path) -> None:
    db = open_database(DataPaths(folder))
    with db.engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = 'ffff_tuong_lai'"))
    db.dispose()
    code, _, err = run(["--data-dir", str(folder), "--user", "admin", "--password-stdin",
                        "check"], PASSWORD + "\n")
    assert code == 4 and "phiên bản mới hơn" in err


def test_password_stdin_after_the_command_and_demo(folder: Path) -> None:
    code, out, _ = run(["--data-dir", str(folder), "demo", "--cases", "30", "--user", "admin",
                        "--password-stdin"], PASSWORD + "\n")
    assert code == 0 and "30 vụ việc" in out


def test_console_entry_point_runs_without_a_display(folder: Path) -> None:
    env = {**os.environ, "SOVIPHAM_DATA_DIR": str(folder)}
    env.pop("DISPLAY", None)
    done = subprocess.run([sys.executable, "-m", "app", "--user", "admin", "--password-stdin",
                           "check"], input=PASSWORD + "\n", capture_output=True, text=True,
                          env=env, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert "PySide6" not in done.stderr
