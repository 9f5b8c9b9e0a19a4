"""A long workbook written by a process of its own, while this one makes its rows.

A period's workbook is two pieces of Python work of about the same size: making form 03's
lines (reading the register, masking every text) and writing them as XML (XlsxWriter). In
one process they take turns on one core, whatever the machine has (the GIL). Here the
parent makes the rows and sends them through a pipe a chunk at a time, while a spawned
child writes them with the same `excel.write_sheets` (docs/performance.md, sixth round).

The child is given what the file holds and nothing else: rows already masked, the office's
header and the path to write. It opens no database and never sees the data key. The pipe
holds about a chunk, so neither side runs far ahead: the parent holds a chunk of rows, the
child XlsxWriter's `constant_memory` buffers (~27 MB in all, its interpreter included). It
writes in a hidden folder of its own beside the target, which the parent removes whatever
happens: a cancel or an error of the parent's (the register unreadable mid-way) ends the
child at once, an error of the child's (the disk full) comes back as its message, and a
child that dies without an answer is reported as such; none leaves a file.

The process is spawned (not forked), the same on Windows and Linux; the packaged program
hands such a start to `multiprocessing.freeze_support()` in `app/__main__.py`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import itertools
import logging
import multiprocessing
import shutil
import signal
from collections.abc import Iterator, Sequence
from multiprocessing.connection import Connection, wait
from pathlib import Path

from app.domain.office import OfficeSettings
from app.domain.report import ReportFigures
from app.domain.report_forms import Form, ReportForms, Row, report_forms
from app.errors import UserError
from app.progress import CancelToken, Progress
from app.reports.files import moved_into_place, scratch_folder

log = logging.getLogger(__name__)

ROWS_PER_CHUNK = 500
# From this many rows on, the workbook is written beside: the child's start (~0.1 s here, the
# packaged program started again on Windows) is then small beside the writing, which below
# it takes under a second in place (docs/performance.md, sixth round).
ROWS_FOR_OWN_PROCESS = 5_000
_CLOSE_SECONDS = 10  # what a child that has answered may take to exit
_POLL_SECONDS = 0.1  # how often the wait for its answer looks at the cancel token

_END = None  # after a form's last chunk

ENDED = ("Không ghi được tệp «{name}»: chương trình ghi tệp dừng bất thường. Chưa có tệp nào "
         "được ghi; hãy xuất lại báo cáo.")


def write_report(figures: ReportFigures, office: OfficeSettings, target: Path, *,
                 forms: ReportForms | None = None, progress: Progress | None = None,
                 token: CancelToken | None = None, beside: bool | None = None) -> None:
    """`excel.write_workbook` of the same arguments, by a process of its own (`beside`)
    or by this one; None leaves it to the number of rows."""
    sheets = (forms or report_forms(figures)).sheets
    if beside is None:
        beside = sum(len(form.rows) for form in sheets) >= ROWS_FOR_OWN_PROCESS
    if beside:
        write_beside(sheets, office, figures.period.label, target, progress=progress,
                     token=token)
    else:
        from app.reports.excel import write_sheets

        write_sheets(sheets, office, figures.period.label, target, progress=progress,
                     token=token)


def write_beside(sheets: Sequence[Form], office: OfficeSettings, period_label: str,
                 target: Path, *, progress: Progress | None = None,
                 token: CancelToken | None = None) -> None:
    """`excel.write_sheets` of the same arguments, in a child process fed the forms' rows
    as this one makes them; progress and cancel as there, counted in rows sent. The child
    writes in a hidden folder of its own beside `target`: the finished file is renamed onto
    `target`, and the folder removed whatever happens, so that a child ended mid-way (a
    cancel, an error on this side) or dying leaves nothing."""
    folder = scratch_folder(target)
    try:
        context = multiprocessing.get_context("spawn")
        connection, child = context.Pipe()
        process = context.Process(target=serve, args=(child,), daemon=True,
                                  name="sovipham-ghi-bang-tinh")
        try:
            process.start()
        except OSError as exc:  # no process to be had (memory, a policy)
            connection.close()
            log.error("workbook writer process not started: %s", exc)
            raise _ended(target) from exc
        finally:
            child.close()
        try:
            _send(connection, sheets, office, period_label, folder / target.name, progress,
                  token)
            _answer(connection, process, folder / target.name, target, token)
        except BaseException:
            process.kill()  # what it wrote is in the folder, removed below
            raise
        finally:
            process.join(_CLOSE_SECONDS)  # after its answer, it only has to exit
            if process.is_alive():
                process.kill()
                process.join()
            connection.close()
        moved_into_place(folder / target.name, target)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _send(connection: Connection, sheets: Sequence[Form], office: OfficeSettings,
          period_label: str, written: Path, progress: Progress | None,
          token: CancelToken | None) -> None:
    """The forms, then each one's rows a chunk at a time; stopped early when the child
    stops reading (its answer says why)."""
    total = sum(len(form.rows) for form in sheets)
    done = 0
    if not _put(connection, (str(written), office, period_label,
                             [(dataclasses.replace(form, rows=()), len(form.rows))
                              for form in sheets])):
        return
    for form in sheets:
        rows = iter(form.rows)
        while chunk := list(itertools.islice(rows, ROWS_PER_CHUNK)):
            if token is not None:
                token.raise_if_cancelled()
            if not _put(connection, chunk):
                return
            done += len(chunk)
            if progress is not None:
                progress(done, total)
        if not _put(connection, _END):
            return


def _put(connection: Connection, message: object) -> bool:
    try:
        connection.send(message)
    except (BrokenPipeError, ConnectionResetError):
        return False
    return True


def _answer(connection: Connection, process: multiprocessing.process.BaseProcess,
            written: Path, target: Path, token: CancelToken | None) -> None:
    """The child's word once it has closed the workbook `written`, awaited while watching
    the cancel token (closing a long workbook takes a second or two) and the child."""
    while not wait([connection, process.sentinel], _POLL_SECONDS):
        if token is not None:
            token.raise_if_cancelled()
    try:
        outcome, value = connection.recv()
    except (EOFError, OSError) as exc:  # it ended without a word
        log.error("workbook writer process ended with exit code %s", process.exitcode)
        raise _ended(target) from exc
    if outcome == "written":
        return
    if outcome == "refused":  # its message names the file it wrote: the officer's is `target`
        raise UserError(value.replace(str(written), str(target))
                        .replace(str(written.parent), str(target.parent)))
    log.error("workbook writer process failed: %s", value)
    raise _ended(target)


def _ended(target: Path) -> UserError:
    return UserError(ENDED.format(name=target))


# ---------------------------------------------------------------------- the child


class _Received:
    """A form's rows as the parent sends them: one pass."""

    def __init__(self, connection: Connection, count: int) -> None:
        self._connection, self._count = connection, count

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[Row]:
        while (chunk := self._connection.recv()) is not _END:
            yield from chunk


def serve(connection: Connection) -> None:
    """Write the workbook the parent describes, then say how it went."""
    # The parent decides when to stop (a console's Ctrl+C reaches the whole group).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from app.reports.excel import write_sheets

    try:
        target, office, period_label, forms = connection.recv()
        sheets = [dataclasses.replace(form, rows=_Received(connection, count))
                  for form, count in forms]
        write_sheets(sheets, office, period_label, Path(target))
        answer: tuple[str, str] = ("written", "")
    except EOFError:
        return  # the parent is gone: it needs no answer
    except UserError as exc:  # the file could not be written (its message says why)
        answer = ("refused", str(exc))
    except Exception as exc:  # reported to the parent, which logs it
        answer = ("failed", f"{type(exc).__name__}: {exc}")
    with contextlib.suppress(OSError):
        connection.send(answer)
