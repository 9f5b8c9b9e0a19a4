"""The file's checks run in the reading process, beside the parent's inserting.

The checks of `check.py` are pure functions of the rows, the vocabulary, the legal
bases' citations and today's date: the reading process (`worker.py`) runs them on the
workbook it holds and sends the cases ready to insert, in batches, with their problems
kept there. The parent asks for the next batch before it inserts the one it has, so the
two cores work at once. What needs the database (codes in use, repeat offenders) and
what the service adds for each case stays in the parent: its problems go to the process
with the next request and are ordered with the others there, so the list is the one the
checks made in one process.

The parent sees the scan as `FileCheck`; the process holds it as `CheckInProcess`.
"""

from __future__ import annotations

import copyreg
import dataclasses
import itertools
import operator
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from app.domain.case import PreparedCase
from app.domain.import_problems import Problem
from app.domain.vocabulary import Vocabulary
from app.importing import check
from app.importing.check import CaseRecord, FileScan
from app.importing.reader import OpenedWorkbook
from app.importing.worker import ChildBook
from app.progress import Progress


# Slotted frozen dataclasses pickle through `dataclasses.fields()` for each item (a second
# for 20,000 records): the records and problems sent go as their fields' values instead.
def _pickled_by_fields(kind: type[Any]) -> None:
    values = operator.attrgetter(*(f.name for f in dataclasses.fields(kind)))
    copyreg.pickle(kind, lambda item: (kind, values(item)))


_pickled_by_fields(CaseRecord)
_pickled_by_fields(Problem)

# Cases a batch: enough to amortise a request, few enough that the first ones reach the
# parent's inserting early (each is about a kilobyte pickled).
BATCH_CASES = 500


@dataclass(frozen=True, slots=True)
class _Opened:
    sheets: tuple[str, ...]
    codes: dict[str, int]
    has_errors: bool
    ticks: list[tuple[int, int]]


@dataclass(frozen=True, slots=True)
class _Batch:
    cases: list[tuple[CaseRecord, PreparedCase]]
    has_errors: bool
    event_count: int
    child_count: int
    ticks: list[tuple[int, int]]  # the progress reported while checking these
    last: bool


class FileCheck:
    """The parent's end of the scan: as `FileScan`, but the rows are read and checked in the
    reading process. `cases()` yields each case checked, in file order; `records`,
    `event_count` and `child_count` follow the cases handed out."""

    def __init__(self, book: OpenedWorkbook, vocabulary: Vocabulary,
                 citations: Mapping[str, int], today: date, progress: Progress) -> None:
        self._book = book
        self._progress = progress
        self._pending: list[Problem] = []  # added here, sent with the next request
        self._added_errors = False
        # The process applies this process's limit: it imports the modules afresh.
        opened: _Opened = book.call("check", book.total_rows, vocabulary, dict(citations),
                                    today, check.MAX_CASE_ROWS)
        self._replay(opened.ticks)
        self.sheets = opened.sheets
        self.codes = opened.codes
        self._found_errors = opened.has_errors
        self.records: list[CaseRecord] = []
        self.event_count = 0
        self.child_count = 0

    @property
    def sheet(self) -> str:
        return self.sheets[0]

    @property
    def has_errors(self) -> bool:
        return self._found_errors or self._added_errors

    def add(self, problems: list[Problem]) -> None:
        self._pending.extend(problems)
        self._added_errors = self._added_errors or any(not p.is_warning for p in problems)

    def cases(self) -> Iterator[PreparedCase]:
        self._book.send("cases", self._sent())
        while True:
            batch: _Batch = self._book.answer()
            if not batch.last:  # checked while this one is used
                self._book.send("cases", self._sent())
            self._replay(batch.ticks)
            self._found_errors = batch.has_errors
            self.event_count, self.child_count = batch.event_count, batch.child_count
            for record, case in batch.cases:
                self.records.append(record)
                yield case
            if batch.last:
                return

    def ordered_problems(self) -> tuple[Problem, ...]:
        problems: tuple[Problem, ...] = self._book.call("problems", self._sent())
        return problems

    def _sent(self) -> list[Problem]:
        sent, self._pending = self._pending, []
        return sent

    def _replay(self, ticks: list[tuple[int, int]]) -> None:
        for done, total in ticks:
            self._progress(done, total)


class CheckInProcess:
    """The scan in the reading process, on the workbook it holds."""

    def __init__(self, book: ChildBook, total_rows: int, vocabulary: Vocabulary,
                 citations: dict[str, int], today: date, max_case_rows: int) -> None:
        self._ticks: list[tuple[int, int]] = []
        self._scan = FileScan(OpenedWorkbook(book, total_rows), vocabulary, citations, today,
                              lambda done, total: self._ticks.append((done, total)),
                              max_case_rows)
        self._cases = self._scan.cases()

    def opened(self) -> _Opened:
        scan = self._scan
        return _Opened(scan.sheets, scan.codes, scan.has_errors, self._ticked())

    def answer(self, kind: str, problems: list[Problem]) -> Any:
        self._scan.add(problems)
        if kind == "problems":
            return self._scan.ordered_problems()
        return self._batch()

    def _batch(self) -> _Batch:
        scan = self._scan
        # Each case with the record the scan just kept of it.
        cases = list(itertools.islice(((scan.records[-1], case) for case in self._cases),
                                      BATCH_CASES))
        return _Batch(cases, scan.has_errors,
                      scan.event_count, scan.child_count, self._ticked(),
                      last=len(cases) < BATCH_CASES)

    def _ticked(self) -> list[tuple[int, int]]:
        ticks, self._ticks = self._ticks, []
        return ticks
