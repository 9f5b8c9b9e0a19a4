"""The rows of an import file → cases ready to insert, with every problem located.

The rules are those of `app.domain`: `validate_case` for a case and its children,
`validate_event` for each handling event, `follow_up_problems` for what the events sheet
records after a decision. What is checked here is only what the
file itself adds: cells that cannot be read, duplicate codes in the file, a fine
amount without its decision date, rows of the optional sheets that name no case.
Checks against the database (codes already used, repeat offenders) are the
service's, on the compact record this scan keeps of each case.

A register of 100,000 rows is never held whole: the first sheet's cases are
handed out one at a time, so the import can insert them in chunks as it goes.
"""

from __future__ import annotations

import dataclasses
import re
from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Generic, TypeVar

from app.domain import checks
from app.domain.case import (
    CaseInput,
    ChildInput,
    DefamedInput,
    PreparedCase,
    child_age,
    validate_case,
)
from app.domain.events import EventFact, EventInput, validate_event
from app.domain.fields import EVENT_BY_KEY
from app.domain.import_problems import FileRefused, Problem
from app.domain.labels import ClosingResult, SanctionForm
from app.domain.sanctions import DecisionFollowUp, follow_up_problems
from app.domain.vocabulary import EventKind, Vocabulary
from app.importing.columns import (
    CASE_COLUMNS,
    CASES,
    CHILDREN,
    CODE_HEADER,
    DEFAMED,
    EVENTS,
    FIRST_SHEET_EVENTS,
    HELPER_SHEETS,
    OPTIONAL_SHEETS,
    FirstSheetEvent,
    SheetLayout,
)
from app.importing.headers import SEARCH_ROWS, Header, read_header
from app.importing.parse import CellError, CellReader, read_text
from app.importing.reader import MAX_CASE_ROWS, Cell, OpenedWorkbook, SheetRows
from app.progress import Progress
from app.text import fold, format_number

_T = TypeVar("_T")
_PROGRESS_EVERY = 1_000
_CASE_HEADERS = {c.key: c.header for c in CASE_COLUMNS}
_INDEXED = re.compile(r"(children|defamed)\[(\d+)\]")
# Where the problems of each first-sheet event are shown: field key → header.
_EVENT_HEADERS = {
    spec.kind: {key: _CASE_HEADERS[spec.column_for(key)]
                for key in ("occurred_on", "document_number", "sanction_form", "fine_amount")}
    for spec in FIRST_SHEET_EVENTS
}
_FIELD_NAMES: dict[type[Any], frozenset[str]] = {
    cls: frozenset(f.name for f in dataclasses.fields(cls))
    for cls in (CaseInput, ChildInput, DefamedInput, EventInput, DecisionFollowUp)
}
_NOTHING_FOLLOWED = DecisionFollowUp()
_Plan = list[tuple[int, str, Callable[[Cell], object]]]


@dataclass(frozen=True, slots=True)
class Origin:
    """Where an item came from, and in which column each of its problems is shown."""

    sheet: str
    row: int
    first_sheet: bool
    default_column: str
    columns: Mapping[str, str] = field(default_factory=dict)  # field key → header
    # Headers a rule's message may name (optional sheets), tried when the key is unknown.
    named: tuple[str, ...] = ()

    def problem(self, key: str, message: str, warning: bool = False) -> Problem:
        column = self.columns.get(key) or next(
            (h for h in self.named if fold(h) in fold(message)), self.default_column)
        return Problem(self.sheet, self.row, column, message, warning, self.first_sheet)


@dataclass(frozen=True, slots=True)
class Placed(Generic[_T]):
    item: _T
    origin: Origin
    unreadable: frozenset[str] = frozenset()  # fields whose cell could not be read


@dataclass(frozen=True, slots=True)
class _EventRow:
    """An event, with what followed it when the events sheet records that (a decision's)."""

    event: EventInput
    follow_up: DecisionFollowUp | None = None


@dataclass
class _Attached:
    """What the rows of a case hold: its events, children and defamed parties."""

    events: list[Placed[_EventRow]] = field(default_factory=list)
    children: list[Placed[ChildInput]] = field(default_factory=list)
    defamed: list[Placed[DefamedInput]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class CaseRecord:
    """What the scan keeps of each case once handed out: enough for the checks across the
    register (codes, repeat offenders), little enough for 100,000 of them."""

    row: int
    code: str | None
    account: str | None
    url: str | None


class FileScan:
    """One import file. Opening it reads the first sheet's header and codes and the
    optional sheets; `cases()` then checks and hands out each case of the first sheet."""

    def __init__(self, book: OpenedWorkbook, vocabulary: Vocabulary,
                 citations: Mapping[str, int], today: date, progress: Progress) -> None:
        if not book.sheet_names:
            raise FileRefused("Tệp không có trang tính nào.")
        self._reader = CellReader(vocabulary, citations)
        self._vocabulary = vocabulary
        self._today = today
        self._progress = progress
        self._total_rows = max(book.total_rows, 1)
        self._done = 0
        self.sheets = tuple(book.sheet_names)
        self.problems: list[Problem] = []
        self.error_count = 0
        self.records: list[CaseRecord] = []
        self.event_count = 0
        self.child_count = 0
        first = book.sheet(self.sheets[0])
        self._first: SheetRows | None = first  # released once its cases are read
        self._header = self._case_header(first)
        # Each code of the first sheet and the row that holds it first.
        self.codes: dict[str, int] = {}
        self._collect_codes()
        self._attached: dict[str, _Attached] = defaultdict(_Attached)
        layouts = {layout.folded_name: layout for layout in OPTIONAL_SHEETS}
        for name in self.sheets[1:]:
            layout = layouts.get(fold(name))
            if layout is not None:
                self._read_optional(book.sheet(name), layout)
            elif fold(name) not in HELPER_SHEETS:
                self._add(Problem(name, 0, "", f"Trang «{name}» không thuộc mẫu nhập nên được bỏ "
                                               "qua.", is_warning=True))

    @property
    def sheet(self) -> str:
        return self.sheets[0]

    @property
    def has_errors(self) -> bool:
        return self.error_count > 0

    def add(self, problems: list[Problem]) -> None:
        for problem in problems:
            self._add(problem)

    def _add(self, problem: Problem) -> None:
        self.problems.append(problem)
        if not problem.is_warning:
            self.error_count += 1

    def ordered_problems(self) -> tuple[Problem, ...]:
        """Every problem in the order of the file: sheet by sheet, row by row."""
        order = {name: index for index, name in enumerate(self.sheets)}
        return tuple(sorted(self.problems, key=lambda p: (order.get(p.sheet, 0), p.row)))

    # The first sheet's header and codes.

    def _case_header(self, first: SheetRows) -> Header:
        header = read_header(first, CASES, first_sheet=True)
        if header is None:
            raise FileRefused(f"Không tìm thấy dòng tiêu đề ở trang đầu «{first.name}»: cần một "
                              f"dòng có ô «{CASES.marker}» trong {SEARCH_ROWS} dòng đầu, các cột "
                              "như tệp mẫu.")
        if first.height - header.row > MAX_CASE_ROWS:
            raise FileRefused(f"Trang «{first.name}» có {format_number(first.height - header.row)}"
                              f" dòng, nhiều hơn giới hạn {format_number(MAX_CASE_ROWS)} vụ việc "
                              "của một lần nhập: hãy chia thành nhiều tệp.")
        self.add(list(header.problems))
        return header

    def _collect_codes(self) -> None:
        """The code column read ahead, so that rows of the optional sheets find their case
        and the numbering of code-less cases can skip every code the file uses."""
        position = next((p for p, c in self._header.columns if c.key == "code"), None)
        if position is None or self._first is None or self.has_errors:
            return
        for number, cell in self._first.column(position, self._header.row + 1):
            code = read_text(cell)
            if not code:
                continue
            if code in self.codes:
                self._add(Problem(self.sheet, number, CODE_HEADER,
                                  f"Mã vụ việc «{code}» trùng với dòng {self.codes[code]} của tệp: "
                                  "mỗi vụ việc cần một mã riêng."))
            else:
                self.codes[code] = number

    # Reading cells.

    def _plan(self, header: Header) -> _Plan:
        """For each mapped column: its position, its key and the function reading its cells."""
        return [(position, column.key, self._reader.reader_for(column))
                for position, column in header.columns]

    def _cells(self, origin: Origin, plan: _Plan,
               cells: list[Cell]) -> tuple[dict[str, Any], frozenset[str]]:
        """The row's readable values by column key, and the keys of unreadable cells."""
        values: dict[str, Any] = {}
        unreadable: set[str] = set()
        width = len(cells)
        for position, key, read in plan:
            raw = cells[position] if position < width else ""
            if raw == "":
                continue
            try:
                value = read(raw)
            except CellError as exc:
                self._add(origin.problem(key, exc.message))
                unreadable.add(key)
                continue
            if value is not None and value != ():
                values[key] = value
        return values, frozenset(unreadable)

    def _tick(self) -> None:
        self._done += 1
        if self._done % _PROGRESS_EVERY == 0:
            self._progress(min(self._done, self._total_rows), self._total_rows)

    # The optional sheets, read before the cases so each case gets its rows at once.

    def _read_optional(self, sheet: SheetRows, layout: SheetLayout) -> None:
        header = read_header(sheet, layout, first_sheet=False)
        if header is None:
            if sheet.height:
                self._add(Problem(sheet.name, 0, "", f"Trang «{sheet.name}» không có dòng tiêu đề "
                                                     f"(dòng có ô «{layout.marker}» trong "
                                                     f"{SEARCH_ROWS} dòng đầu) nên không đọc "
                                                     "được.", on_first_sheet=False))
            return
        self.add(list(header.problems))
        if header.has_errors:
            return
        headers = {c.key: c.header for c in layout.columns}
        named = tuple(sorted(headers.values(), key=len, reverse=True))
        plan = self._plan(header)
        for number, cells in sheet.rows(header.row + 1):
            self._tick()
            origin = Origin(sheet.name, number, False, layout.columns[1].header, headers, named)
            values, unreadable = self._cells(origin, plan, cells)
            if not values and not unreadable:
                continue
            code = self._owner(origin, values, unreadable)
            if code is not None:
                self._attach(self._attached[code], layout, origin, values, unreadable)

    def _owner(self, origin: Origin, values: dict[str, Any],
               unreadable: frozenset[str]) -> str | None:
        code = values.pop("case_code", None)
        if code is None:
            if "case_code" not in unreadable:
                self._add(origin.problem("case_code", (
                    f"Chưa nhập «{CODE_HEADER}»: cần mã của một vụ việc trên trang đầu.")))
            return None
        if code not in self.codes:
            self._add(origin.problem("case_code", (
                f"Mã vụ việc «{code}» không có trên trang đầu «{self.sheet}» của tệp: mỗi dòng ở "
                "trang này phải thuộc một vụ việc ghi trên trang đầu.")))
            return None
        return str(code)

    def _attach(self, attached: _Attached, layout: SheetLayout, origin: Origin,
                values: dict[str, Any], unreadable: frozenset[str]) -> None:
        if layout is EVENTS:
            kind = values.get("kind")
            if kind is None or "occurred_on" in unreadable:
                if "kind" not in unreadable and kind is None:
                    self._add(origin.problem("kind", checks.missing(EVENT_BY_KEY["kind"])))
                return
            if kind == EventKind.SANCTION:
                values.setdefault("sanction_form", SanctionForm.FINE)
            follow = _build(DecisionFollowUp, values)
            row = _EventRow(_build(EventInput, values, occurred_on=None),
                            None if follow == _NOTHING_FOLLOWED else follow)
            attached.events.append(Placed(row, origin, unreadable))
        elif layout is CHILDREN:
            attached.children.append(Placed(_build(ChildInput, values, full_name=""), origin,
                                            unreadable))
        elif layout is DEFAMED:
            attached.defamed.append(Placed(_build(DefamedInput, values, name=""), origin,
                                           unreadable))

    # The cases of the first sheet.

    def cases(self) -> Iterator[PreparedCase]:
        """Each case of the first sheet, checked (its problems recorded), in file order;
        nothing when the header itself is wrong."""
        first, self._first = self._first, None
        if first is None or self._header.has_errors:
            return
        plan = self._plan(self._header)
        for number, cells in first.rows(self._header.row + 1):
            self._tick()
            origin = Origin(self.sheet, number, True, CODE_HEADER, _CASE_HEADERS)
            values, unreadable = self._cells(origin, plan, cells)
            if not values and not unreadable:
                continue  # an empty row
            yield self._case(origin, values, unreadable)
        self._progress(self._total_rows, self._total_rows)

    def _case(self, origin: Origin, values: dict[str, Any],
              unreadable: frozenset[str]) -> PreparedCase:
        code: str | None = values.get("code")
        # The rows of the optional sheets go to the first row holding the code.
        own = (self._attached.pop(code, None)
               if code is not None and self.codes.get(code) == origin.row else None)
        rows = own or _Attached()
        events = [self._first_sheet_event(origin, values, unreadable, spec)
                  for spec in FIRST_SHEET_EVENTS if spec.date_key in values or spec.details]
        rows.events[:0] = [e for e in events if e is not None]
        if children := values.pop("children", ()):
            where = Origin(origin.sheet, origin.row, True, _CASE_HEADERS["children"])
            rows.children[:0] = [Placed(c, where) for c in children]
        if name := values.pop("defamed", None):
            rows.defamed.insert(0, Placed(DefamedInput(name), Origin(
                origin.sheet, origin.row, True, _CASE_HEADERS["defamed"])))
        data = _build(CaseInput, values, detected_on=None, platform_code=None, account=None,
                      group_code=None, summary=None,
                      children=tuple(c.item for c in rows.children),
                      defamed=tuple(d.item for d in rows.defamed))
        self._validate(origin, data, unreadable, rows)
        self.records.append(CaseRecord(origin.row, data.code, data.account, data.url))
        self.event_count += len(rows.events)
        self.child_count += len(data.children)
        return PreparedCase(data, tuple(e.item.event for e in rows.events),
                            {index: e.item.follow_up for index, e in enumerate(rows.events)
                             if e.item.follow_up is not None})

    def _first_sheet_event(self, origin: Origin, values: dict[str, Any],
                           unreadable: frozenset[str],
                           spec: FirstSheetEvent) -> Placed[_EventRow] | None:
        when = values.get(spec.date_key)
        if when is None:
            if spec.date_key not in unreadable:
                for key in spec.details.values():
                    if key in values:
                        self._add(origin.problem(key, (
                            f"Có «{_CASE_HEADERS[key]}» nhưng chưa có "
                            f"«{_CASE_HEADERS[spec.date_key]}»: ghi ngày đó, hoặc để trống "
                            "ô này.")))
            return None
        details: dict[str, Any] = {name: values.get(key) for name, key in spec.details.items()}
        if spec.kind == EventKind.SANCTION:
            details["sanction_form"] = details["sanction_form"] or SanctionForm.FINE
        # The first sheet has no result column: a closing date means the case was handled.
        result = ClosingResult.HANDLED if spec.kind == EventKind.CLOSE else None
        headers = _EVENT_HEADERS[spec.kind]
        return Placed(_EventRow(EventInput(spec.kind, when, closing_result=result, **details)),
                      Origin(origin.sheet, origin.row, True, headers["occurred_on"], headers),
                      frozenset(name for name, key in spec.details.items() if key in unreadable))

    def _validate(self, origin: Origin, data: CaseInput, unreadable: frozenset[str],
                  rows: _Attached) -> None:
        # import-template.md lists the errors of a file and a child of 18 or more is not
        # one of them: imported, and reported as a warning (the window refuses it).
        too_old = {age.message for child in data.children
                   if data.act_date and (age := child_age(child, data.act_date))}
        for problem in validate_case(data, self._vocabulary, self._today):
            if problem.field in unreadable:
                continue  # the unreadable cell is already reported
            warning = any(problem.message.endswith(message) for message in too_old)
            indexed = _INDEXED.fullmatch(problem.field)
            if indexed:
                items = rows.children if indexed.group(1) == "children" else rows.defamed
                placed: Placed[Any] = items[int(indexed.group(2)) - 1]
                if not placed.unreadable:
                    self._add(placed.origin.problem(problem.field, problem.message, warning))
            else:
                self._add(origin.problem(problem.field, problem.message, warning))
        self._check_events(rows.events, data.detected_on or date.min)

    def _check_events(self, events: list[Placed[_EventRow]], detected_on: date) -> None:
        """Each event against those before it; closings last, so that a closing dated before
        another event is the one reported. What followed a decision is checked as the window
        checks it."""
        def order(placed: Placed[_EventRow]) -> tuple[bool, date]:
            event = placed.item.event
            return event.kind == EventKind.CLOSE, event.occurred_on or date.min

        recorded: list[EventFact] = []
        for number, placed in enumerate(sorted(events, key=order)):
            event, follow = placed.item.event, placed.item.follow_up
            problems = validate_event(event, detected_on=detected_on, existing=recorded,
                                      vocabulary=self._vocabulary, today=self._today)
            if follow is not None:
                problems += follow_up_problems(follow, decision=event, today=self._today)
            for problem in problems:
                if problem.field not in placed.unreadable:
                    self._add(placed.origin.problem(problem.field, problem.message))
            if event.occurred_on is not None:
                recorded.append(EventFact(number, event.kind, event.occurred_on))


def _build(cls: type[_T], values: Mapping[str, Any], **defaults: Any) -> _T:
    """A record from the row's values that are its fields (the others belong to the sheet)."""
    names = _FIELD_NAMES[cls]
    return cls(**{**defaults, **{k: v for k, v in values.items() if k in names}})
