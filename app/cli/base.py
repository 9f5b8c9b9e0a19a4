"""What every command shares: the account check and the handling of errors."""

from __future__ import annotations

import argparse
import getpass
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from dataclasses import dataclass
from typing import TextIO

from app import errorlog, folder_rights
from app.cli.options import (
    EXIT_CANCELLED,
    EXIT_DATA_FOLDER,
    EXIT_NOT_ALLOWED,
    EXIT_REFUSED,
    EXIT_USAGE,
)
from app.cli.progress import Job, long_job
from app.errors import DataFolderError, NotAllowed, UserError, ValidationError
from app.paths import DataPaths
from app.progress import Cancelled
from app.services import accounts, data_folder
from app.services.actor import Actor
from app.services.data_folder import Database

CANCELLED = "Đã hủy: không có tệp nào bị ghi dở."


class StdinLines:
    """Lines of standard input read one at a time (password, then file password).

    From a pipe or a file each is a line; typed at a terminal, a secret is asked for
    without being shown (cli.md), and a new one twice, since a typing error is not seen."""

    def __init__(self, stream: TextIO | None) -> None:
        self._stream = stream

    def next_line(self, what: str) -> str:
        if self._stream is not None and self._stream.isatty():
            return self._typed(what)
        line = self._stream.readline() if self._stream is not None else ""
        if not line:
            raise UsageError(f"Không đọc được {what} từ đầu vào chuẩn (cần một dòng).")
        return line.rstrip("\r\n")

    def new_secret(self, what: str) -> str:
        """A password being set: at a terminal it is typed twice and must match."""
        secret = self.next_line(what)
        if self._stream is not None and self._stream.isatty() \
                and self._typed(f"nhập lại {what}") != secret:
            raise UsageError(f"Hai lần nhập {what} không khớp nhau; chưa có gì thay đổi.")
        return secret

    @staticmethod
    def _typed(what: str) -> str:
        try:
            return getpass.getpass(f"{what[:1].upper()}{what[1:]}: ")
        except EOFError:
            raise UsageError(f"Không đọc được {what}: chưa nhập gì.") from None


class UsageError(Exception):
    """The command was called the wrong way (exit 2)."""


@dataclass
class Invocation:
    args: argparse.Namespace
    paths: DataPaths
    stdin: StdinLines
    out: TextIO
    err: TextIO

    def say(self, text: str) -> None:
        print(text, file=self.out)

    def warn(self, text: str) -> None:
        print(text, file=self.err)

    def job(self, what: str) -> AbstractContextManager[Job]:
        """A long step: `what… N%` on a terminal's standard error, cancelled by Ctrl+C."""
        return long_job(self.err, what)


@dataclass(frozen=True)
class Session:
    """An opened data folder and the account acting on it."""

    db: Database
    actor: Actor


@dataclass(frozen=True)
class Command:
    name: str
    help: str
    configure: Callable[[argparse.ArgumentParser], None]
    # Commands that act as an account get a Session; the others only the invocation.
    run: Callable[[Invocation, Session | None], int]
    needs_account: bool = True
    # One that needs none may still act as an account when given one (`template` then reads
    # the folder's own lists, which are encrypted with its data).
    account_optional: bool = False
    # `init` makes the data folder; the others leave a missing one alone (and are refused).
    creates_data_folder: bool = False


def sign_in(invocation: Invocation) -> Session:
    args = invocation.args
    if not args.user:
        raise NotAllowed("Lệnh này cần người dùng: thêm --user TÊN --password-stdin.")
    if not args.password_stdin:
        raise UsageError("Cần --password-stdin để đọc mật khẩu từ đầu vào chuẩn.")
    password = invocation.stdin.next_line("mật khẩu")
    db = data_folder.open_data_folder(invocation.paths)
    try:
        actor = accounts.authenticate(db, args.user, password)
    except Exception:
        db.dispose()
        raise
    return Session(db, actor)


def run_command(command: Command, invocation: Invocation) -> int:
    """Run `command` holding the data folder for the whole run, mapping errors to exit codes."""
    try:
        with ExitStack() as held:
            uses_folder = command.creates_data_folder or invocation.paths.root.is_dir()
            if uses_folder:
                held.enter_context(data_folder.hold(invocation.paths))
            wanted = command.needs_account or (command.account_optional
                                               and getattr(invocation.args, "user", None))
            session = sign_in(invocation) if wanted else None
            if session is not None:
                held.callback(session.db.dispose)  # before the folder is let go
            status = command.run(invocation, session)
            if uses_folder:
                # Once the command has run: rights the program could not narrow itself
                # (on Windows, inherited from where the folder is).
                _warn_if_readable_by_others(invocation)
            return status
    except (Cancelled, KeyboardInterrupt):
        # What was being written is removed by the writer itself (a temporary file renamed
        # only when complete); a transaction is rolled back.
        invocation.warn(CANCELLED)
        return EXIT_CANCELLED
    except UsageError as exc:
        invocation.warn(str(exc))
        return EXIT_USAGE
    except NotAllowed as exc:
        invocation.warn(exc.message)
        return EXIT_NOT_ALLOWED
    except DataFolderError as exc:
        invocation.warn(exc.message)
        return EXIT_DATA_FOLDER
    except ValidationError as exc:
        for problem in exc.problems:
            invocation.warn(problem.message)
        return EXIT_REFUSED
    except UserError as exc:
        invocation.warn(exc.message)
        return EXIT_REFUSED
    except Exception as exc:
        # A bug: its details go to the data folder's log without personal data, never as a
        # traceback on the console; the exit status is Python's own after an uncaught error.
        invocation.warn(_unexpected(invocation, exc))
        return EXIT_REFUSED


def _warn_if_readable_by_others(invocation: Invocation) -> None:
    warning = folder_rights.exposure_warning(invocation.paths)
    if warning is not None:
        invocation.warn(warning)


def _unexpected(invocation: Invocation, error: Exception) -> str:
    message = "Có lỗi không mong đợi, thao tác chưa thực hiện được."
    if not invocation.paths.root.is_dir():
        return message + " Hãy báo cho quản trị."
    errorlog.write_error(invocation.paths, "unexpected error in a command", error)
    return (f"{message} Chi tiết kỹ thuật (không có dữ liệu cá nhân) đã được ghi vào "
            f"{errorlog.log_file(invocation.paths)}; hãy báo cho quản trị.")
