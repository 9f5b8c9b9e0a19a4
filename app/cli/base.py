"""What every command shares: the account check, error handling and exit codes."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from app.db import Database, open_database
from app.errors import DataFolderError, NotAllowed, UserError, ValidationError
from app.paths import DataPaths
from app.services import accounts
from app.services.actor import Actor

EXIT_OK = 0
EXIT_REFUSED = 1
EXIT_USAGE = 2
EXIT_NOT_ALLOWED = 3
EXIT_DATA_FOLDER = 4


class StdinLines:
    """Lines of standard input read one at a time (password, then file password)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def next_line(self, what: str) -> str:
        line = self._stream.readline() if self._stream is not None else ""
        if not line:
            raise UsageError(f"Không đọc được {what} từ đầu vào chuẩn (cần một dòng).")
        return line.rstrip("\r\n")


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


def sign_in(invocation: Invocation) -> Session:
    args = invocation.args
    if not args.user:
        raise NotAllowed("Lệnh này cần tài khoản: thêm --user TÊN --password-stdin.")
    if not args.password_stdin:
        raise UsageError("Cần --password-stdin để đọc mật khẩu từ đầu vào chuẩn.")
    password = invocation.stdin.next_line("mật khẩu")
    db = open_database(invocation.paths)
    try:
        actor = accounts.authenticate(db, args.user, password)
    except Exception:
        db.dispose()
        raise
    return Session(db, actor)


def run_command(command: Command, invocation: Invocation) -> int:
    session: Session | None = None
    try:
        if command.needs_account:
            session = sign_in(invocation)
        return command.run(invocation, session)
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
    finally:
        if session is not None:
            session.db.dispose()
