"""The file's checks run in the reading process, beside the parent's inserting.

The checks of `check.py`, and those the import adds for each case (the sanction path's
warnings, the code another unit's case needs), are pure functions of the rows and of
what the parent sends with the request (`FileRules`: the vocabulary, the legal bases'
citations and highest fines, today's date, the unit). The reading process (`worker.py`)
runs them on the workbook it holds and sends the cases ready to insert, in batches, with
a record of each; the problems stay there. The parent asks for the next batch before it
inserts the one it has, so the two cores work at once. The checks that need the
database (codes in use, repeat offenders) stay in the parent: their problems go to the
process with the next request and are ordered with the others there, so the list is the
one a single process made.

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
from app.domain.events import EventFact
from app.domain.import_problems import Problem
from app.domain.sanctions import Offender, RecordedDecision, case_problems, summed_maximum
from app.domain.vocabulary import EventKind, Vocabulary
from app.importing import check
from app.importing.check import CaseRecord, FileScan
from app.importing.columns import CASE_COLUMNS, CODE_HEADER
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

_HEADERS = {c.key: c.header for c in CASE_COLUMNS}
# Cases a batch: enough to amortise a request, few enough that the first ones reach the
# parent's inserting early (each is about a kilobyte pickled).
BATCH_CASES = 500


@dataclass(frozen=True)
class FileRules:
    """What the checks take from the register, sent with the request."""

    vocabulary: Vocabulary
    citations: dict[str, int]  # each legal basis's citation → its id
    adult_maxima: dict[int, int | None]  # each legal basis's highest fine for an adult
    today: date
    unit: str | None  # another office's register: its unit's code


@dataclass(frozen=True, slots=True)
class _Opened:
    sheets: tuple[str, ...]
    codes: dict[str, int]
    has_errors: bool
    ticks: list[tuple[int, int]]


@dataclass(frozen=True, slots=True)
class _Batch:
    records: list[CaseRecord]
    cases: list[PreparedCase]  # those kept, until the file has an error
    has_errors: bool
    event_count: int
    child_count: int
    ticks: list[tuple[int, int]]  # the progress reported while checking these
    last: bool


class FileCheck:
    """The parent's end of the scan: as `FileScan`, but the rows are read and checked in the
    reading process. `cases()` yields each case checked, in file order; `records`,
    `event_count` and `child_count` follow the cases handed out."""

    def __init__(self, book: OpenedWorkbook, rules: FileRules, progress: Progress) -> None:
        self._book = book
        self._progress = progress
        self._pending: list[Problem] = []  # added here, sent with the next request
        self._added_errors = False
        # The process applies this process's limit: it imports the modules afresh.
        opened: _Opened = book.call("check", book.total_rows, rules, check.MAX_CASE_ROWS)
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
        """Each case checked, in file order, until the file has an error: none after it."""
        return self._batches(keep=True)

    def check_all(self) -> None:
        """Every row checked, no case kept (the preview)."""
        for _case in self._batches(keep=False):
            pass

    def _batches(self, keep: bool) -> Iterator[PreparedCase]:
        self._book.send("cases", self._sent(), keep)
        while True:
            batch: _Batch = self._book.answer()
            if not batch.last:  # checked while this one is used
                self._book.send("cases", self._sent(), keep)
            self._replay(batch.ticks)
            self._found_errors = batch.has_errors
            self.event_count, self.child_count = batch.event_count, batch.child_count
            self.records.extend(batch.records)
            yield from batch.cases
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
    """The scan in the reading process, on the workbook it holds, and what the service adds
    for each case (the sanction path's warnings, the codes another unit's cases need)."""

    def __init__(self, book: ChildBook, total_rows: int, rules: FileRules,
                 max_case_rows: int) -> None:
        self._ticks: list[tuple[int, int]] = []
        self._rules = rules
        self._scan = FileScan(OpenedWorkbook(book, total_rows), rules.vocabulary,
                              rules.citations, rules.today,
                              lambda done, total: self._ticks.append((done, total)),
                              max_case_rows)
        self._cases = self._scan.cases()

    def opened(self) -> _Opened:
        scan = self._scan
        return _Opened(scan.sheets, scan.codes, scan.has_errors, self._ticked())

    def answer(self, kind: str, problems: list[Problem], *arguments: Any) -> Any:
        self._scan.add(problems)
        if kind == "problems":
            return self._scan.ordered_problems()
        return self._batch(*arguments)

    def _batch(self, keep: bool) -> _Batch:
        scan = self._scan
        cases: list[PreparedCase] = []
        start = len(scan.records)
        for case in itertools.islice(self._cases, BATCH_CASES):
            row = scan.records[-1].row  # the case just handed out
            scan.add(_sanction_warnings(scan.sheet, row, case, self._rules.adult_maxima))
            scan.add(_code_needed(scan.sheet, row, case, self._rules.unit))
            if keep and not scan.has_errors:
                cases.append(case)
        records = scan.records[start:]
        return _Batch(records, cases, scan.has_errors, scan.event_count, scan.child_count,
                      self._ticked(), last=len(records) < BATCH_CASES)

    def _ticked(self) -> list[tuple[int, int]]:
        ticks, self._ticks = self._ticks, []
        return ticks


def _sanction_warnings(sheet: str, row: int, case: PreparedCase,
                       adult_maxima: Mapping[int, int | None]) -> list[Problem]:
    """The rules of the sanction path the case breaks (app.domain.sanctions), as warnings: a
    register kept before the program did not follow them, and the import template's errors
    are fixed by its specification; "chốt số liệu" refuses them later."""
    data = case.data
    act = data.act_date
    if act is None or not any(e.kind in (EventKind.SANCTION, EventKind.CLOSE)
                              for e in case.events):
        return []
    recorded = [RecordedDecision(
        EventFact(index, event.kind, event.occurred_on), event,
        summed_maximum(adult_maxima[i] for i in event.legal_basis_ids if i in adult_maxima))
        for index, event in enumerate(case.events) if event.occurred_on is not None]
    return [Problem(sheet, row, _HEADERS["closed_on" if problem.field == "closing_result"
                                         else "sanction_on"], problem.message, is_warning=True)
            for problem in case_problems(recorded, offender=Offender.of(data), act_on=act.day)]


def _code_needed(sheet: str, row: int, case: PreparedCase, unit: str | None) -> list[Problem]:
    """Another unit's case keeps the code that unit gave it: this office numbers only its
    own."""
    if unit is None or case.data.code:
        return []
    return [Problem(sheet, row, _HEADERS["code"],
                    f"Sổ của đơn vị {unit}: mỗi vụ việc cần có {CODE_HEADER} do đơn vị đó "
                    "cấp; chương trình chỉ cấp mã cho vụ việc của đơn vị mình.")]
