"""Calamine in a process of its own: a file that makes it fail ends that process, not the
program.

`package.py` bounds what a file may ask for before it is read; what a hostile file still
finds (calamine makes a sheet one dense table from its first filled cell to its last, so
two cells far apart ask for hundreds of gigabytes and the library aborts the process)
must not take the window or the command with it. The parent sends the checked bytes,
then either opens sheets and reads their rows in batches, or has the process check the
whole file itself (`checking.py`: the checks are pure functions of the rows, so they run
beside the parent's inserting); if the process ends without an answer the import is
refused with a message and the program goes on. On POSIX the process may not
map more than `MEMORY_LIMIT`, so such an allocation fails at once instead of swapping.

The process is spawned (not forked), the same on Windows and Linux; the packaged program
hands it over to `multiprocessing.freeze_support()` in `app/__main__.py`. The child loads
this module and the few small ones it imports (60 ms), then python-calamine, then for the
checks `checking.py` and the pure rules of `app.domain` it imports (never the database's
or Qt's modules).
"""

from __future__ import annotations

import contextlib
import io
import itertools
import logging
import multiprocessing
import os
import signal
import sys
from collections.abc import Iterator
from multiprocessing.connection import Connection, wait
from typing import Any

from app.domain.import_problems import FileRefused
from app.importing.package import DAMAGED, refuse
from app.progress import Cancelled, CancelToken

log = logging.getLogger(__name__)

# The largest register the checks let through takes under 1 GB to read (its bytes, the
# shared strings and their copies, 5 million cells of 32 bytes, Python's own).
MEMORY_LIMIT = 2 * 1024 * 1024 * 1024
# Cells sent at a time: few for the first rows (a header is looked for in the first 30),
# then up to a few MB pickled.
FIRST_BATCH_CELLS = 1_000
BATCH_CELLS = 50_000
_POLL_SECONDS = 0.1  # how often a wait looks at the cancel token
_CLOSE_SECONDS = 5

ENDED = ("Không đọc được tệp «{name}»: chương trình đọc tệp dừng bất thường (tệp bị hỏng, hoặc "
         "cần nhiều bộ nhớ hơn hẳn một sổ vụ việc). Chưa có gì được nhập. Hãy mở tệp bằng Excel, "
         "kiểm tra rồi lưu lại, hoặc chia sổ thành nhiều tệp nhỏ hơn.")


class ReadingProcess:
    """The parent's end: one request at a time, each answer awaited while watching the
    cancel token and the process itself."""

    def __init__(self, name: str, data: bytes, token: CancelToken | None) -> None:
        self._name = name
        self._token = token
        context = multiprocessing.get_context("spawn")
        self._connection, child = context.Pipe()
        self._process = context.Process(target=serve, args=(child, MEMORY_LIMIT), daemon=True,
                                        name="sovipham-doc-tep")
        self._process.start()
        child.close()
        self._awaited = 0  # requests sent whose answer is not received yet
        try:
            self._connection.send_bytes(data)
        except OSError as exc:  # the process ended before reading the file
            self.close()
            raise self._ended() from exc
        self._awaited = 1  # the file's sheet names
        self.sheet_names: list[str] = self.answer()

    def call(self, *request: object) -> Any:
        self.send(*request)
        return self.answer()

    def send(self, *request: object, answered: bool = True) -> None:
        """A request; `answer` awaits its answer (none when not `answered`). A request may be
        sent before the previous answer is received: the process works on it meanwhile."""
        try:
            self._connection.send(request)
        except OSError as exc:
            self.close()
            raise self._ended() from exc
        self._awaited += answered

    def close(self) -> None:
        process = self._process
        if process.is_alive():
            if self._awaited:  # left working (an interrupt): its work is of no use now
                process.kill()
            else:
                with contextlib.suppress(OSError):
                    self._connection.send(("close",))
                process.join(_CLOSE_SECONDS)
                if process.is_alive():
                    process.kill()
        process.join()
        self._connection.close()

    def answer(self) -> Any:
        """The answer to the oldest request not answered yet."""
        while True:
            if self._token is not None and self._token.cancelled:
                self._process.kill()
                self.close()
                raise Cancelled()
            ready = wait([self._connection, self._process.sentinel], _POLL_SECONDS)
            if self._connection in ready:
                break
            if ready:  # the process ended and left no answer
                self.close()
                raise self._ended()
        try:
            outcome, value = self._connection.recv()
        except (EOFError, OSError) as exc:
            self.close()
            raise self._ended() from exc
        self._awaited -= 1
        if outcome == "ok":
            return value
        self.close()
        if outcome == "refused":
            raise refuse(self._name, DAMAGED)
        if outcome == "not a register":  # the checks' own message (no header row…)
            raise FileRefused(value)
        log.info("import reader process failed: %s", value)
        raise FileRefused(ENDED.format(name=self._name))

    def _ended(self) -> FileRefused:
        self._process.join()
        log.info("import reader process ended with exit code %s", self._process.exitcode)
        return FileRefused(ENDED.format(name=self._name))


# ---------------------------------------------------------------------- the child


def serve(connection: Connection, memory_limit: int) -> None:
    """Read the file sent first, then answer requests until told to close or orphaned."""
    # The parent decides when to stop (a console's Ctrl+C reaches the whole group); what
    # calamine prints when it aborts is no message for the officer.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _quiet_stderr()
    _cap_memory(memory_limit)
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        data = connection.recv_bytes()
        try:
            book = ChildBook(CalamineWorkbook.from_filelike(io.BytesIO(data)))
        except CalamineError:
            connection.send(("refused", None))
            return
        del data
        connection.send(("ok", book.sheet_names))
        while True:
            request = connection.recv()
            if request[0] == "close":
                return
            try:
                book.send(*request)
            except CalamineError:
                connection.send(("refused", None))
                return
            except FileRefused as exc:
                connection.send(("not a register", str(exc)))
                return
            if request[0] != "release":
                connection.send(("ok", book.answer()))
    except EOFError:
        return  # the parent is gone
    except Exception as exc:  # reported to the parent, which logs it
        connection.send(("failed", type(exc).__name__))


class ChildBook:
    """The workbook calamine holds in the process, answering the parent's requests as the
    parent's end (`ReadingProcess`) does: the file's checks (`checking.py`) read it through
    the same requests, without the pipe."""

    def __init__(self, book: Any) -> None:
        self._book = book
        self.sheet_names: list[str] = list(book.sheet_names)
        self._sheets: dict[int, _Sheet] = {}
        self._opened = 0
        self._check: Any = None  # the file's checks, once asked for
        self._answer: object = None

    def call(self, *request: object) -> Any:
        self.send(*request)
        return self.answer()

    def send(self, *request: Any, answered: bool = True) -> None:
        """Answers the request at once; "release" (these sheets were dropped) has none."""
        kind, arguments = request[0], request[1:]
        if kind == "release":
            for number in arguments[0]:
                del self._sheets[number]
        elif kind == "open":
            sheet = _Sheet(self._book.get_sheet_by_name(arguments[0]))
            self._opened += 1
            self._sheets[self._opened] = sheet
            self._answer = (self._opened, sheet.height, sheet.first_column, sheet.merged)
        elif kind == "rows":
            self._answer = self._sheets[arguments[0]].batch(*arguments[1:])
        elif kind == "check":
            from app.importing.checking import CheckInProcess

            self._check = CheckInProcess(self, *arguments)
            self._answer = self._check.opened()
        else:  # the check's own requests
            self._answer = self._check.answer(kind, *arguments)

    def answer(self) -> Any:
        answer, self._answer = self._answer, None
        return answer

    def close(self) -> None:
        """Nothing to end: the book lasts as long as the process."""


class _Sheet:
    """A sheet calamine holds, and where its last batch of rows ended (rows are read again
    from the top several times; each pass goes on from where the previous batch ended)."""

    def __init__(self, sheet: Any) -> None:
        start = sheet.start  # None for an empty sheet
        self._sheet = sheet if start is not None else None
        self.height: int = sheet.height if start is not None else 0
        self.first_column: int = start[1] if start is not None else 0
        self.merged = tuple(sheet.merged_cell_ranges or ())
        self._next = 0  # 1-based number of the row `_rows` yields next; 0: none started
        self._rows: Iterator[list[object]] = iter(())

    def batch(self, start: int, size: int, column: int | None) -> tuple[list[object], bool]:
        """Rows from Excel row `start`, about `size` cells of them (only the cell at
        `column` of each, "" past its end, unless None), and whether the sheet ends there."""
        if self._sheet is None:
            return [], True
        if start != self._next:
            self._rows = itertools.islice(self._sheet.iter_rows(), start - 1, None)
        rows: list[object] = []
        cells = 0
        for row in self._rows:
            if column is None:
                rows.append(row)
                cells += len(row) or 1
            else:
                rows.append(row[column] if column < len(row) else "")
                cells += 1
            if cells >= size:
                self._next = start + len(rows)
                return rows, False
        self._next = 0
        return rows, True


def _quiet_stderr() -> None:
    try:
        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 2)
        os.close(quiet)
    except OSError:
        pass  # no standard error to silence (a window program on Windows)


def _cap_memory(limit: int) -> None:
    if sys.platform == "win32":
        return  # no address-space limit there; an absurd allocation still fails alone
    import resource

    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard == resource.RLIM_INFINITY or hard > limit:
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
