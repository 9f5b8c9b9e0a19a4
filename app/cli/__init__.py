"""`python -m app` / `sovipham`: the window with no command, else one operation per command.

Exit status (shared/spec/cli.md): 0 done, 1 input refused, 2 wrong usage,
3 not allowed, 4 data folder broken or held by another program; 130 stopped by Ctrl+C.
"""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, NoReturn, TextIO

from app import __version__
from app.cli import argparse_vi
from app.cli.options import EXIT_DATA_FOLDER, EXIT_OK, EXIT_USAGE, common_options
from app.errors import DataFolderError
from app.paths import DataPaths

if TYPE_CHECKING:
    from app.cli.base import Command


def build_parser(commands: Sequence[Command]) -> argparse.ArgumentParser:
    # Here, not at the top: a line that opens the window never builds this parser, and
    # the labels' enums cost the sign-in dialog's first paint a millisecond.
    from app.domain.labels import PROGRAM_NAME, PROGRAM_SUMMARY

    argparse_vi.install()
    parser = argparse.ArgumentParser(
        prog="sovipham",
        parents=[common_options()],
        description=f"{PROGRAM_NAME} — {PROGRAM_SUMMARY[:1].lower()}{PROGRAM_SUMMARY[1:]} "
                    "Không có lệnh: mở cửa sổ chương trình.",
        # `--data` for `--data-dir`, `--mon` for `--month`: a typing slip is refused, not
        # guessed (and a later option would change what an abbreviation means).
        allow_abbrev=False,
    )
    parser.set_defaults(data_dir=None, database=None, user=None, password_stdin=False)
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}",
                        help=argparse_vi.VERSION_HELP)
    parser.add_argument("--selftest", action="store_true",
                        help="tự kiểm tra chương trình trên một thư mục dữ liệu tạm (nhập sổ, "
                             "ghi và kiểm tra báo cáo Excel, PDF) rồi thoát; không cần màn hình")
    sub = parser.add_subparsers(dest="command", metavar="LỆNH", title="các lệnh")
    for command in commands:
        command.configure(sub.add_parser(command.name, help=command.help,
                                         description=command.help, allow_abbrev=False,
                                         parents=[common_options()]))
    return parser


def _utf8_unless_console(stream: TextIO | None) -> None:
    """A file or a pipe gets UTF-8. Python would otherwise write it in the ANSI code page on
    Windows (cp1258 on a Vietnamese one cannot encode letters such as «ệ»); a console keeps
    Python's own handling, which writes Unicode to it on every system."""
    if isinstance(stream, io.TextIOWrapper) and not stream.isatty():
        stream.reconfigure(encoding="utf-8", errors="replace")


class _NotTheWindow(Exception):
    """A line `_WindowLine` leaves to the whole parser."""


class _WindowLine(argparse.ArgumentParser):
    """Reads a line that only opens the window; anything else is left to the whole parser."""

    def error(self, message: str) -> NoReturn:
        raise _NotTheWindow(message)


def _window_paths(argv: Sequence[str] | None) -> DataPaths | None:
    """The data folder of a line that opens the window (no command, no --help, --version
    or --selftest), read without loading the commands and the services, spreadsheet and
    encryption libraries they import: the sign-in dialog paints before them. None for any
    other line."""
    parser = _WindowLine(add_help=False, allow_abbrev=False, parents=[common_options()])
    try:
        args = parser.parse_args(argv)
    except _NotTheWindow:
        return None
    return DataPaths.resolve(getattr(args, "data_dir", None), getattr(args, "database", None))


def _run_window(paths: DataPaths) -> int:
    from app.ui.main import run_window

    try:
        return run_window(paths)
    except DataFolderError:
        return EXIT_DATA_FOLDER  # the window has said why


def main(argv: Sequence[str] | None = None, *, stdin: TextIO | None = None,
         stdout: TextIO | None = None, stderr: TextIO | None = None) -> int:
    # The process's own streams only (argparse's help and usage errors go there too).
    if stdout is None:
        _utf8_unless_console(sys.stdout)
    if stderr is None:
        _utf8_unless_console(sys.stderr)
    window = _window_paths(argv)
    if window is not None:
        return _run_window(window)
    from app.cli.base import Invocation, StdinLines, run_command
    from app.cli.commands import COMMANDS

    parser = build_parser(COMMANDS)
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    out, err = stdout or sys.stdout, stderr or sys.stderr
    if args.selftest:
        if args.command is not None:
            print(f"--selftest không dùng cùng lệnh «{args.command}»: hãy chạy riêng "
                  "«sovipham --selftest».", file=err)
            return EXIT_USAGE
        # Its own temporary data folders: no --data-dir, no account.
        from app.selftest import run_selftest

        return run_selftest(out)
    paths = DataPaths.resolve(args.data_dir, args.database)
    if args.command is None:  # an option of the whole parser alone, should one be added
        return _run_window(paths)
    command = next(c for c in COMMANDS if c.name == args.command)
    invocation = Invocation(args=args, paths=paths, stdin=StdinLines(stdin or sys.stdin),
                            out=out, err=err)
    return run_command(command, invocation)


__all__ = ["EXIT_OK", "main"]
