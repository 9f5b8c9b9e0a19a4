"""The command line of shared/spec/cli.md: accounts, exit codes, messages."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from app.cli import main
from app.models import AuditEntry
from app.paths import DataPaths
from app.services import accounts
from tests.conftest import ADMIN_PASSWORD as PASSWORD
from tests.conftest import open_unlocked


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
    assert code == 3 and accounts.SIGN_IN_REFUSED in err
    assert run(["--data-dir", str(folder), "--user", "admin", "--password-stdin", "check"],
               PASSWORD + "\n")[0] == 0
    db = open_unlocked(DataPaths(folder), password=PASSWORD)
    with db.read() as session:
        actions = list(session.execute(select(AuditEntry.action).order_by(AuditEntry.id))
                       .scalars())
    db.dispose()
    assert actions[-3:] == ["login_failed", "login", "check"]


@pytest.mark.parametrize(
    ("args", "stdin", "code", "words"),
    [
        (["check"], "", 3, "cần người dùng"),
        (["--user", "ai", "--password-stdin", "check"], "x\n", 3, "mật khẩu không đúng"),
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
    assert code == 4 and "tệp khóa" in err


def test_a_folder_made_by_a_newer_version_is_refused(folder: Path) -> None:
    db = open_unlocked(DataPaths(folder), password=PASSWORD)
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


# Tried as a new user would (issue 13) -------------------------------------------------


def as_admin(folder: Path, *args: str) -> list[str]:
    return ["--data-dir", str(folder), "--user", "admin", "--password-stdin", *args]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX mode bits")
def test_a_folder_other_accounts_can_read_is_warned_about_once_and_the_command_runs(
    folder: Path, tmp_path: Path
) -> None:
    folder.chmod(0o755)  # `template` without an account leaves the folder's rights alone
    code, out, err = run(["--data-dir", str(folder), "template", str(tmp_path / "mau.xlsx")])
    assert code == 0 and "Đã ghi tệp mẫu" in out and (tmp_path / "mau.xlsx").is_file()
    assert err.count("Cảnh báo:") == 1
    assert f"thư mục dữ liệu {folder.resolve()} để mọi tài khoản trên máy này đọc được" in err
    # Opening the database makes the folder private again: nothing is left to warn about.
    code, _, err = run(as_admin(folder, "check"), PASSWORD + "\n")
    assert (code, err) == (0, "") and folder.stat().st_mode & 0o777 == 0o700


@pytest.mark.parametrize("name", ["b.backup", "ban-sao", "ban-sao.svpbak"])
def test_backup_writes_exactly_the_file_named(folder: Path, tmp_path: Path, name: str) -> None:
    target = tmp_path / "usb" / name
    target.parent.mkdir()
    code, out, err = run(as_admin(folder, "backup", str(target)), PASSWORD + "\n")
    assert (code, err) == (0, "")
    assert [p.name for p in target.parent.iterdir()] == [name]
    assert str(target) in out
    restored = tmp_path / "khoi-phuc"
    assert run(["--data-dir", str(restored), "--user", "admin", "--password-stdin", "restore",
                str(target)], PASSWORD + "\n")[0] == 0


def test_the_help_is_vietnamese_down_to_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--help"])[0] == 0
    help_text = capsys.readouterr().out
    assert "--version           hiện phiên bản chương trình rồi thoát" in help_text
    assert "show" not in help_text


@pytest.mark.parametrize("args", [
    ["--data-d", "{folder}", "--user", "admin", "--password-stdin", "check"],
    ["--data-dir", "{folder}", "--us", "admin", "--password-stdin", "check"],
    ["--data-dir", "{folder}", "--user", "admin", "--password", "check"],
    ["--data-dir", "{folder}", "--user", "admin", "--password-stdin", "demo", "--ca", "5"],
    ["--data-dir", "{folder}", "--user", "admin", "--password-stdin", "report",
     "--month", "2026-10", "--xls", "{folder}/bc.xlsx"],
])
def test_abbreviated_options_are_refused(folder: Path, args: list[str],
                                         capsys: pytest.CaptureFixture[str]) -> None:
    audit_rows = _audit_rows(folder)
    code, out, _ = run([a.format(folder=folder) for a in args], PASSWORD + "\n")
    assert (code, out) == (2, "")
    assert ": lỗi: " in capsys.readouterr().err
    assert _audit_rows(folder) == audit_rows
    assert not (folder / "bc.xlsx").exists()


# A new interpreter runs `main` as `python -m app` does, the window replaced by a line
# naming its data folder, and tells whether any command's module was loaded.
_WINDOW_OR_COMMAND = """
import sys
import app.cli
app.cli._run_window = lambda paths: print("window", paths.root) or 0
code = app.cli.main(sys.argv[1:])
print("commands loaded" if "app.cli.commands" in sys.modules else "no command loaded")
sys.exit(code)
"""


def _window_or_command(*args: str) -> tuple[int, list[str]]:
    done = subprocess.run([sys.executable, "-c", _WINDOW_OR_COMMAND, *args],
                          capture_output=True, text=True, encoding="utf-8", timeout=120)
    return done.returncode, done.stdout.splitlines()


@pytest.mark.parametrize("args", [
    [], ["--data-dir", "{folder}"], ["--user", "admin", "--data-dir={folder}"],
])
def test_a_line_without_a_command_opens_the_window_without_loading_the_commands(
        folder: Path, args: list[str]) -> None:
    code, lines = _window_or_command(*(a.format(folder=folder) for a in args))
    assert code == 0
    assert lines[0].startswith("window ")
    if args:
        assert lines[0] == f"window {folder}"
    assert lines[-1] == "no command loaded"


@pytest.mark.parametrize("args", [
    ["--version"], ["--help"], ["--data-dir", "{folder}", "--data", "x"],
    ["--data-dir", "{folder}", "--"],
    ["--data-dir", "{folder}", "--user", "admin", "--password-stdin", "check"],
])
def test_any_other_line_goes_to_the_commands_and_never_opens_the_window(
        folder: Path, args: list[str]) -> None:
    code, lines = _window_or_command(*(a.format(folder=folder) for a in args))
    assert not any(line.startswith("window ") for line in lines)
    assert lines[-1] == "commands loaded"
    assert code in (0, 2, 3)  # printed and left, a usage error, no password given


def _audit_rows(folder: Path) -> int:
    db = open_unlocked(DataPaths(folder), password=PASSWORD)
    with db.read() as session:
        count = len(session.execute(select(AuditEntry.id)).all())
    db.dispose()
    return count


class Terminal(io.StringIO):
    """Standard error as a terminal shows it."""

    def isatty(self) -> bool:
        return True


def test_a_long_command_shows_its_progress_on_a_terminal_only(folder: Path) -> None:
    terminal = Terminal()
    code = main(as_admin(folder, "demo", "--cases", "1200"), stdin=io.StringIO(PASSWORD + "\n"),
                stdout=io.StringIO(), stderr=terminal)
    assert code == 0
    shown = terminal.getvalue()
    steps = [step.strip() for step in shown.split("\r") if step.strip()]
    assert steps[0] == "Đang thêm 1200 vụ việc mẫu…"
    assert steps[-1] == "Đang thêm 1200 vụ việc mẫu… 100%"
    assert "\n" not in shown and shown.endswith("\r") and not shown.split("\r")[-2].strip()
    # Into a file or a pipe, standard error keeps only messages.
    code, _, err = run(as_admin(folder, "demo", "--cases", "1200"), PASSWORD + "\n")
    assert (code, err) == (0, "")


def test_the_output_is_utf8_in_a_file_whatever_the_code_page(folder: Path,
                                                           tmp_path: Path) -> None:
    # A Vietnamese Windows writes files and pipes in cp1258, which has no «ệ».
    env = {**os.environ, "PYTHONIOENCODING": "cp1258", "LANG": "C", "LC_ALL": "C"}
    for args, stream, words in [
        (["--help"], "out", "hiện phiên bản chương trình rồi thoát"),
        (["--data-dir", str(folder), "template", str(tmp_path / "mẫu.xlsx")], "out",
         f"Đã ghi tệp mẫu nhập vụ việc {tmp_path / 'mẫu.xlsx'}."),
        (["--data-dir", str(folder), "check"], "err", "Lệnh này cần người dùng"),
    ]:
        with (tmp_path / "out.txt").open("wb") as out, (tmp_path / "err.txt").open("wb") as err:
            subprocess.run([sys.executable, "-m", "app", *args], stdout=out, stderr=err,
                           stdin=subprocess.DEVNULL, env=env, timeout=120, check=False)
        written = (tmp_path / f"{stream}.txt").read_bytes().decode("utf-8")
        assert words in written, (tmp_path / "err.txt").read_bytes()


# Ctrl+C in the middle of a long command: the real signal, sent from inside the step named.
_INTERRUPTED = """
import importlib, signal, sys
module, attribute = sys.argv.pop(1).split(":")
owner = importlib.import_module(module)
*path, name = attribute.split(".")
for part in path:
    owner = getattr(owner, part)
step, calls = getattr(owner, name), 0
def interrupted(*args, **kwargs):
    global calls
    calls += 1
    if calls == 1:
        signal.raise_signal(signal.SIGINT)
    return step(*args, **kwargs)
setattr(owner, name, interrupted)
from app.cli import main
sys.exit(main())
"""


@pytest.fixture(scope="module")
def demo_register(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("demo") / "du lieu"
    assert run(["--data-dir", str(data), "init", "--admin", "admin", "--password-stdin"],
               PASSWORD + "\n")[0] == 0
    assert run(as_admin(data, "demo", "--cases", "300"), PASSWORD + "\n")[0] == 0
    assert run(as_admin(data, "backup", str(data.parent / "sao-luu.svpbak")),
               PASSWORD + "\n")[0] == 0
    return data


def _import_file(path: Path) -> Path:
    from tests.test_import import case_row, write_book

    return write_book(path, [case_row(**{"Mã vụ việc": f"NH-{n}"}) for n in range(50)])


@pytest.mark.parametrize(("step", "args"), [
    ("app.services.bulk:rows_to_insert", ["demo", "--cases", "100"]),
    ("app.importing.check:FileScan._tick", ["import", "{out}/nhap.xlsx"]),
    ("app.reports.pdf:_PagedRows.split",
     ["report", "--from", "2000-01-01", "--to", "2100-12-31", "--pdf", "{out}/bc.pdf"]),
    ("app.reports.official:_SpooledStream.format",  # in the middle of the PDF's save
     ["report", "--from", "2000-01-01", "--to", "2100-12-31", "--pdf", "{out}/bc.pdf"]),
    ("app.importing.export:_Cells.append",
     ["export-cases", "{out}/xuat.xlsx", "--protect", "--purpose", "Thử", "--recipient", "Sở"]),
    ("app.services.backup_archive:_Hashing.read", ["backup", "{out}/sao-luu.svpbak"]),
    ("app.services.backup_archive:_unpack", ["restore", "{backup}"]),
])
def test_ctrl_c_stops_a_long_command_cleanly(demo_register: Path, tmp_path: Path, step: str,
                                            args: list[str]) -> None:
    data, out, system_temp = tmp_path / "du lieu", tmp_path / "ra", tmp_path / "tmp"
    shutil.copytree(demo_register, data)
    out.mkdir()
    system_temp.mkdir()
    _import_file(out / "nhap.xlsx")
    before = sorted(p.relative_to(data) for p in data.rglob("*") if "logs" not in p.parts)
    cases = _case_count(data)
    env = {**os.environ, "TMPDIR": str(system_temp), "TEMP": str(system_temp),
           "TMP": str(system_temp)}
    backup = demo_register.parent / "sao-luu.svpbak"
    done = subprocess.run(
        [sys.executable, "-c", _INTERRUPTED, step,
         *as_admin(data, *(a.format(out=out, backup=backup) for a in args))],
        input=f"{PASSWORD}\nKhoa-tep-2026-x\nKhoa-tep-2026-x\n", capture_output=True,
        text=True, env=env, timeout=300, check=False)
    assert (done.returncode, done.stdout) == (130, ""), done.stderr
    assert done.stderr == "Đã hủy: không có tệp nào bị ghi dở.\n"
    assert sorted(p.name for p in out.iterdir()) == ["nhap.xlsx"]
    assert list(system_temp.iterdir()) == []
    after = sorted(p.relative_to(data) for p in data.rglob("*") if "logs" not in p.parts)
    assert after == before
    assert _case_count(data) == cases


def _case_count(folder: Path) -> int:
    db = open_unlocked(DataPaths(folder), password=PASSWORD)
    with db.read() as session:
        count = session.execute(text("SELECT count(*) FROM cases")).scalar_one()
    db.dispose()
    return int(count)


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal is a POSIX device")
def test_a_password_typed_at_a_terminal_is_not_shown(folder: Path) -> None:
    import pty
    import select

    terminal, device = pty.openpty()
    # A session of its own: the pseudo-terminal is then the only terminal it can read.
    program = subprocess.Popen(
        [sys.executable, "-m", "app", *as_admin(folder, "check")], stdin=device,
        stdout=subprocess.PIPE, stderr=device, start_new_session=True)
    os.close(device)
    shown = b""

    def read_until(wanted: bytes) -> None:
        nonlocal shown
        while wanted not in shown and select.select([terminal], [], [], 120)[0]:
            try:
                shown += os.read(terminal, 1024)
            except OSError:  # the program has ended
                break

    read_until("Mật khẩu: ".encode())
    assert "Mật khẩu: ".encode() in shown
    os.write(terminal, f"{PASSWORD}\n".encode())
    stdout, _ = program.communicate(timeout=120)
    read_until(b"\n")
    os.close(terminal)
    assert program.returncode == 0
    assert "Dữ liệu toàn vẹn" in stdout.decode()
    assert PASSWORD.encode() not in shown


def test_a_new_password_typed_at_a_terminal_is_asked_twice(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import getpass

    asked: list[str] = []
    answers = iter(["quantri-2026", "quantri-2062"])

    def typed(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    monkeypatch.setattr(getpass, "getpass", typed)
    out, err = io.StringIO(), io.StringIO()
    code = main(["--data-dir", str(tmp_path / "d"), "init", "--admin", "admin",
                 "--password-stdin"], stdin=Terminal(), stdout=out, stderr=err)
    assert asked == ["Mật khẩu quản trị viên: ", "Nhập lại mật khẩu quản trị viên: "]
    assert (code, out.getvalue()) == (2, "")
    assert "không khớp" in err.getvalue()
    assert not DataPaths(tmp_path / "d").database.exists()


# Accounts from the command line (issue 21) ----------------------------------------------

OFFICER_PASSWORD = "cay-tre-xanh-ven-ao"


def as_account(folder: Path, user: str, *args: str) -> list[str]:
    return ["--data-dir", str(folder), "--user", user, "--password-stdin", *args]


def _accounts(folder: Path) -> list[list[str]]:
    code, out, err = run(as_admin(folder, "user", "list"), PASSWORD + "\n")
    assert (code, err) == (0, "")
    return [line.split("\t") for line in out.splitlines()]


def _signs_in(folder: Path, user: str, password: str) -> int:
    return run(as_account(folder, user, "check"), password + "\n")[0]


@pytest.mark.parametrize("role", ["officer", "Cán bộ", "CÁN BỘ", "can bo", "canbo"])
def test_user_add_takes_the_role_by_its_code_or_its_vietnamese_label(folder: Path,
                                                                     role: str) -> None:
    code, out, err = run(as_admin(folder, "user", "add", "canbo", "--role", role,
                                  "--full-name", "Nguyễn Văn Cán"),
                         f"{PASSWORD}\n{OFFICER_PASSWORD}\n")
    assert (code, err) == (0, "")
    assert out == "Đã tạo người dùng «canbo» (vai trò Cán bộ).\n"
    assert _accounts(folder) == [["admin", "admin", "Quản trị", "Đang dùng", ""],
                                 ["canbo", "Nguyễn Văn Cán", "Cán bộ", "Đang dùng", ""]]
    assert _signs_in(folder, "canbo", OFFICER_PASSWORD) == 0


def test_user_disable_then_enable_with_a_new_password(folder: Path) -> None:
    assert run(as_admin(folder, "user", "add", "canbo", "--role", "officer"),
               f"{PASSWORD}\n{OFFICER_PASSWORD}\n")[0] == 0
    code, out, err = run(as_admin(folder, "user", "disable", "CANBO"), PASSWORD + "\n")
    assert (code, err) == (0, "")
    assert out == "Đã khóa người dùng «canbo»: người dùng không đăng nhập được nữa.\n"
    assert _accounts(folder)[1] == ["canbo", "canbo", "Cán bộ", "Đã khóa", ""]
    assert _signs_in(folder, "canbo", OFFICER_PASSWORD) == 3
    # Enabling sets a new password, read as the next line.
    code, _, err = run(as_admin(folder, "user", "enable", "canbo"), PASSWORD + "\n")
    assert code == 2 and "Không đọc được mật khẩu mới của «canbo»" in err
    code, _, err = run(as_admin(folder, "user", "enable", "canbo"), f"{PASSWORD}\n1234567\n")
    assert code == 1 and "Mật khẩu quá ngắn" in err
    assert _accounts(folder)[1][3] == "Đã khóa"
    code, out, err = run(as_admin(folder, "user", "enable", "canbo"),
                         f"{PASSWORD}\ndu-dai-2026\n")
    assert (code, err) == (0, "")
    assert out == "Đã mở lại người dùng «canbo» với mật khẩu mới.\n"
    assert _accounts(folder)[1][3] == "Đang dùng"
    assert _signs_in(folder, "canbo", "du-dai-2026") == 0
    assert _signs_in(folder, "canbo", OFFICER_PASSWORD) == 3


def test_user_list_shows_a_locked_account(folder: Path) -> None:
    assert run(as_admin(folder, "user", "add", "xem", "--role", "Xem"),
               f"{PASSWORD}\n{OFFICER_PASSWORD}\n")[0] == 0
    for _ in range(5):
        assert _signs_in(folder, "xem", "sai") == 3
    admin, viewer = _accounts(folder)
    assert admin[4] == ""
    assert viewer[:4] == ["xem", "xem", "Xem", "Đang dùng"]
    assert viewer[4].startswith("Tạm khóa đến ")


@pytest.mark.parametrize("role", ["officer", "viewer", "leader"])
def test_only_an_administrator_manages_accounts_from_the_command_line(folder: Path,
                                                                      role: str) -> None:
    assert run(as_admin(folder, "user", "add", "nguoi", "--role", role),
               f"{PASSWORD}\ngio-dong-bac-2027\n")[0] == 0
    before = _accounts(folder)
    for action in (["add", "moi", "--role", "admin"], ["disable", "admin"],
                   ["enable", "admin"], ["list"]):
        # Refused before a second line (the new password) is asked for.
        code, out, err = run(as_account(folder, "nguoi", "user", *action),
                             "gio-dong-bac-2027\n")
        assert (code, out) == (3, ""), action
        assert "không có quyền quản lý người dùng" in err
    assert _accounts(folder) == before


def test_the_last_administrator_cannot_be_disabled(folder: Path) -> None:
    code, _, err = run(as_admin(folder, "user", "disable", "admin"), PASSWORD + "\n")
    assert code == 1 and "quản trị viên cuối cùng" in err
    assert _signs_in(folder, "admin", PASSWORD) == 0


@pytest.mark.parametrize(("args", "second", "code", "words"), [
    (["add", "qt2", "--role", "admin"], "12345678", 1,
     "Mật khẩu của người dùng Quản trị hoặc Lãnh đạo cần ít nhất 12 ký tự"),
    (["add", "qt2", "--role", "Lãnh đạo"], "admin2026", 1, "khó đoán"),
    (["add", "canbo2", "--role", "officer"], "matkhau123", 1, "mật khẩu hay dùng"),
    (["add", "qt2", "--role", "admin"], "", 2, "Không đọc được mật khẩu của người dùng mới"),
    (["add", "qt2", "--role", "thu-ky"], "gio-dong-bac-2027", 2, "không có vai trò «thu-ky»"),
    (["add", "qt2"], "gio-dong-bac-2027", 2, "thiếu tham số bắt buộc: --role"),
    (["add", "admin", "--role", "viewer"], OFFICER_PASSWORD, 1, "«admin» đã có"),
    (["enable", "ai"], "gio-dong-bac-2027", 1, "Không có người dùng «ai»"),
    (["disable", "ai"], "", 1, "Không có người dùng «ai»"),
    ([], "", 2, "thiếu tham số bắt buộc: VIỆC"),
])
def test_user_commands_refuse_bad_input_in_vietnamese(
        folder: Path, args: list[str], second: str, code: int, words: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    stdin = f"{PASSWORD}\n{second}\n" if second else PASSWORD + "\n"
    got, out, err = run(as_admin(folder, "user", *args), stdin)
    err += capsys.readouterr().err  # argparse writes usage errors itself
    assert (got, out) == (code, "")
    assert words in err
    assert [row[0] for row in _accounts(folder)] == ["admin"]


def test_the_help_of_user_list_gives_its_format(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["user", "list", "--help"])[0] == 0
    help_text = " ".join(capsys.readouterr().out.split())
    assert ("một dòng mỗi người dùng, các cột cách nhau bằng Tab: tên đăng nhập, họ tên, vai "
            "trò, «Đang dùng» hoặc «Đã khóa»") in help_text
    assert "«Tạm khóa đến GIỜ:PHÚT NGÀY/THÁNG/NĂM»" in help_text


def test_user_add_runs_as_a_program_with_the_passwords_piped(folder: Path) -> None:
    """As an administrator's script would run it: both passwords on standard input."""
    done = subprocess.run([sys.executable, "-m", "app", *as_admin(folder, "user", "add", "Đức",
                                                                  "--role", "Lãnh đạo")],
                          input=f"{PASSWORD}\ngio-dong-bac-2027\n", capture_output=True,
                          text=True, encoding="utf-8", timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Đã tạo người dùng «Đức» (vai trò Lãnh đạo).\n"
    assert _signs_in(folder, "đức", "gio-dong-bac-2027") == 0
