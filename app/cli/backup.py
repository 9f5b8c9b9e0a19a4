"""`backup`, `restore` and `recover`: copies of the data folder and the recovery key."""

from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.base import Command, Invocation, Session, UsageError
from app.cli.options import EXIT_OK
from app.errors import NotAllowed
from app.services import accounts, backup
from app.services.actor import Actor
from app.services.data_folder import Database, open_data_folder


def _configure_backup(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="TỆP", type=Path, nargs="?",
                        help="tệp sao lưu cần ghi (mặc định: thư mục backups của thư mục dữ "
                             "liệu); ghi ra USB để phòng máy hỏng")


def _run_backup(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    with invocation.job("Đang sao lưu") as job:
        result = backup.make_backup(session.db, session.actor, invocation.args.file,
                                    progress=job.progress, token=job.token)
    invocation.say(f"Đã sao lưu {result.cases} vụ việc và {result.evidence_files} tệp chứng cứ "
                   f"vào {result.path} ({result.size:,} byte).".replace(",", "."))
    return EXIT_OK


def _configure_restore(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="TỆP", type=Path, help="bản sao lưu (.svpbak)")
    parser.add_argument("--recovery-key-stdin", action="store_true",
                        help="mở bản sao lưu bằng khóa khôi phục (đọc từ đầu vào chuẩn) thay "
                             "cho mật khẩu; chỉ dùng cho thư mục dữ liệu trống")


def _run_restore(invocation: Invocation, _session: Session | None) -> int:
    """Signs in itself: on an empty folder the account is checked inside the backup."""
    args, paths = invocation.args, invocation.paths
    source: Path = args.file
    if not source.is_file():
        raise UsageError(f"Không tìm thấy tệp sao lưu {source}.")
    username: str | None = None
    if args.recovery_key_stdin:
        secret = invocation.stdin.next_line("khóa khôi phục")
    else:
        if not args.user:
            raise NotAllowed("Lệnh này cần người dùng quản trị: thêm --user TÊN "
                             "--password-stdin (hoặc --recovery-key-stdin trên thư mục trống).")
        if not args.password_stdin:
            raise UsageError("Cần --password-stdin để đọc mật khẩu từ đầu vào chuẩn.")
        username, secret = args.user, invocation.stdin.next_line("mật khẩu")
    current: Database | None = None
    actor: Actor | None = None
    if backup.has_data(paths):
        if username is None:
            raise NotAllowed("Thư mục dữ liệu đã có dữ liệu: cần đăng nhập với vai trò Quản "
                             "trị (--user TÊN --password-stdin) để khôi phục đè lên.")
        current = open_data_folder(paths)
    try:
        if current is not None:
            actor = accounts.authenticate(current, username or "", secret)
        with invocation.job(f"Đang khôi phục từ {source.name}") as job:
            result = backup.restore_backup(paths, source, current=current, actor=actor,
                                           username=username, secret=secret,
                                           progress=job.progress, token=job.token)
    finally:
        if current is not None:
            current.dispose()
    invocation.say(f"Đã khôi phục {result.cases} vụ việc và {result.evidence_files} tệp chứng "
                   f"cứ từ bản sao lưu ngày {result.created_at.astimezone():%d/%m/%Y %H:%M}.")
    if result.safety_note is not None:
        invocation.say(result.safety_note)
    if result.accounts_to_reset:
        invocation.say(backup.reset_note(result.accounts_to_reset))
    return EXIT_OK


def _configure_recover(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--recovery-key-stdin", action="store_true", required=True,
                        help="đọc khóa khôi phục (dòng 1) và mật khẩu mới (dòng 2) từ đầu vào "
                             "chuẩn")


def _run_recover(invocation: Invocation, _session: Session | None) -> int:
    if not invocation.args.user:
        raise UsageError("Cần --user TÊN: người dùng được đặt mật khẩu mới.")
    recovery_key = invocation.stdin.next_line("khóa khôi phục")
    password = invocation.stdin.new_secret("mật khẩu mới")
    db = open_data_folder(invocation.paths)
    try:
        accounts.recover_account(db, invocation.args.user, recovery_key, password)
    finally:
        db.dispose()
    invocation.say(f"Đã đặt mật khẩu mới cho «{invocation.args.user}» bằng khóa khôi phục.")
    return EXIT_OK


COMMANDS = (
    Command("backup", "sao lưu cơ sở dữ liệu và tệp chứng cứ vào một tệp mã hóa (quản trị)",
            _configure_backup, _run_backup),
    Command("restore", "thay dữ liệu bằng một bản sao lưu (giữ bản an toàn của dữ liệu cũ)",
            _configure_restore, _run_restore, needs_account=False, creates_data_folder=True),
    Command("recover", "đặt mật khẩu mới cho một người dùng bằng khóa khôi phục",
            _configure_recover, _run_recover, needs_account=False),
)
