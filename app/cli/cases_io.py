"""`template`, `import` and `export-cases`: the case workbook of shared/spec/import-template.md."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TypeVar

from app.cli.base import Command, Invocation, Session, UsageError
from app.cli.options import EXIT_OK, EXIT_REFUSED
from app.domain.import_problems import ImportRefused, PasswordRequired, Problem, errors_of
from app.errors import FieldProblem, ValidationError
from app.services import exporting, importing
from app.services.exporting import export_cases

_R = TypeVar("_R")


def _configure_template(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="TỆP.xlsx", type=Path, help="tệp mẫu cần ghi")


def _run_template(invocation: Invocation, session: Session | None) -> int:
    path: Path = invocation.args.file
    if session is None:
        importing.save_builtin_template(path)
    else:
        exporting.save_template(session.db, path)
    invocation.say(f"Đã ghi tệp mẫu nhập vụ việc {path}.")
    return EXIT_OK


def _configure_import(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="TỆP.xlsx", type=Path, help="tệp Excel cần nhập")
    parser.add_argument("--dry-run", action="store_true",
                        help="chỉ kiểm tra và báo lỗi, cảnh báo; không nhập gì")
    parser.add_argument("--unit", metavar="MÃ_ĐƠN_VỊ",
                        help="sổ của đơn vị khác (mã đơn vị hành chính): vụ việc giữ mã của "
                             "đơn vị đó, không trùng với mã của đơn vị mình")


def _with_file_password(invocation: Invocation, action: Callable[[str | None], _R]) -> _R:
    """Run `action`; if the file is encrypted, again with the password read from the second
    line of standard input (the first is the account's)."""
    try:
        return action(None)
    except PasswordRequired as exc:
        try:
            password = invocation.stdin.next_line("mật khẩu mở tệp")
        except UsageError:
            raise PasswordRequired(f"{exc.message} Hãy ghi mật khẩu mở tệp ở dòng thứ hai của "
                                   "đầu vào chuẩn (dòng đầu là mật khẩu đăng nhập).") from exc
        return action(password)


def _print_lines(say: Callable[[str], None], title: str, problems: tuple[Problem, ...]) -> None:
    if problems:
        say(title)
        for problem in problems:
            say(problem.line())


def _run_import(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    path: Path = invocation.args.file
    if invocation.args.dry_run:
        def check(password: str | None) -> importing.ImportPreview:
            with invocation.job(f"Đang kiểm tra {path.name}") as job:
                return importing.check_workbook(session.db, session.actor, path,
                                                file_password=password, unit=invocation.args.unit,
                                                progress=job.progress, token=job.token)

        preview = _with_file_password(invocation, check)
        if preview.errors:
            return _refused(invocation, preview.problems)
        invocation.say(f"Kiểm tra xong: {preview.case_count} vụ việc, {preview.event_count} "
                       f"biện pháp xử lý, {preview.child_count} trẻ em; không có lỗi. Chạy thử "
                       "nên chưa nhập gì.")
        _print_lines(invocation.say, f"Cảnh báo ({len(preview.warnings)}):", preview.warnings)
        return EXIT_OK

    def import_file(password: str | None) -> importing.ImportResult:
        with invocation.job(f"Đang nhập {path.name}") as job:
            return importing.import_workbook(session.db, session.actor, path,
                                             file_password=password, unit=invocation.args.unit,
                                             progress=job.progress, token=job.token)

    try:
        result = _with_file_password(invocation, import_file)
    except ImportRefused as exc:
        return _refused(invocation, exc.problems)
    invocation.say(f"Đã nhập {result.count} vụ việc"
                   + (f" ({result.codes[0]} … {result.codes[-1]})." if result.codes else "."))
    _print_lines(invocation.say, f"Cảnh báo ({len(result.warnings)}):", result.warnings)
    return EXIT_OK


def _refused(invocation: Invocation, problems: tuple[Problem, ...]) -> int:
    errors = errors_of(problems)
    for problem in errors:
        invocation.warn(problem.line())
    invocation.warn(f"Không nhập vụ việc nào: tệp có {len(errors)} lỗi.")
    return EXIT_REFUSED


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"«{text}» không phải ngày dạng YYYY-MM-DD") from None


def _configure_export(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", metavar="TỆP.xlsx", type=Path, help="tệp Excel cần ghi")
    parser.add_argument("--from", dest="date_from", type=_iso_date, metavar="YYYY-MM-DD",
                        help="chỉ các vụ việc phát hiện từ ngày này")
    parser.add_argument("--to", dest="date_to", type=_iso_date, metavar="YYYY-MM-DD",
                        help="chỉ các vụ việc phát hiện đến ngày này")
    parser.add_argument("--protect", action="store_true",
                        help="đặt mật khẩu mở tệp, đọc ở dòng thứ hai của đầu vào chuẩn "
                             "(bắt buộc khi tệp có thông tin trẻ em)")
    parser.add_argument("--purpose", metavar="VĂN BẢN",
                        help="mục đích xuất tệp, ghi vào nhật ký (bắt buộc khi tệp có thông tin "
                             "trẻ em)")
    parser.add_argument("--recipient", metavar="VĂN BẢN",
                        help="cơ quan, người nhận tệp, ghi vào nhật ký (bắt buộc khi tệp có "
                             "thông tin trẻ em)")


# How to give on the command line what the export refused for being missing.
_EXPORT_OPTIONS = {
    "file_password": "Trên dòng lệnh: thêm --protect và ghi mật khẩu mở tệp ở dòng thứ hai của "
                     "đầu vào chuẩn (dòng đầu là mật khẩu đăng nhập).",
    "purpose": 'Trên dòng lệnh: --purpose "…".',
    "recipient": 'Trên dòng lệnh: --recipient "…".',
}


def _run_export(invocation: Invocation, session: Session | None) -> int:
    assert session is not None
    args = invocation.args
    password = invocation.stdin.new_secret("mật khẩu mở tệp") if args.protect else None
    given = {"file_password": args.protect, "purpose": args.purpose is not None,
             "recipient": args.recipient is not None}
    try:
        with invocation.job(f"Đang xuất vụ việc ra {args.file.name}") as job:
            result = export_cases(session.db, session.actor, args.file,
                                  date_from=args.date_from, date_to=args.date_to,
                                  file_password=password, purpose=args.purpose,
                                  recipient=args.recipient, progress=job.progress,
                                  token=job.token)
    except ValidationError as exc:
        raise ValidationError([
            FieldProblem(p.field, p.message if given[p.field]
                         else f"{p.message} {_EXPORT_OPTIONS[p.field]}")
            for p in exc.problems]) from exc
    invocation.say(f"Đã xuất {result.count} vụ việc vào {result.path}"
                   + (" (có mật khẩu mở tệp)." if password else "."))
    return EXIT_OK


COMMANDS = (
    Command("template", "ghi tệp mẫu Excel để nhập vụ việc", _configure_template,
            _run_template, needs_account=False, account_optional=True),
    Command("import", "kiểm tra rồi nhập toàn bộ vụ việc của tệp Excel, hoặc không nhập gì",
            _configure_import, _run_import),
    Command("export-cases", "xuất toàn bộ vụ việc, biện pháp xử lý, trẻ em ra tệp Excel "
                            "(chỉ quản trị)", _configure_export, _run_export),
)
