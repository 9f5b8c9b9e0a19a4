"""Importing cases from an Excel workbook: check every row, then insert all of them or none.

`check_workbook` is the preview (nothing written); `import_workbook` checks the
file again inside the write transaction, so that the codes and repeat offenders
it checks against cannot change before the rows are inserted. Either streams the
file: a register of 100,000 rows is never held whole in memory.
"""

from __future__ import annotations

import itertools
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from app.db import Database
from app.db.storage import writing_in_bulk
from app.domain.case import PreparedCase
from app.domain.events import EventFact
from app.domain.import_problems import ImportRefused, Problem, errors_of, warnings_of
from app.domain.sanctions import Offender, RecordedDecision, case_problems
from app.domain.search_keys import account_key, url_key
from app.domain.units import case_ref, checked_unit_code
from app.domain.vocabulary import EventKind
from app.errors import UserError
from app.importing.check import FileScan
from app.importing.columns import CASE_COLUMNS, CODE_HEADER
from app.importing.export import write_problems
from app.importing.reader import OpenedWorkbook, open_workbook
from app.importing.template import builtin_vocabulary, write_template
from app.models import Case
from app.progress import CancelToken, Progress
from app.services import audit, events, legal_basis, settings, units, vocabulary
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction
from app.services.bulk import CHUNK, CaseRows, case_rows, insert_case_rows, settle
from app.services.legal_basis import Provision

_IN_CHUNK = 500
_AHEAD = 2  # chunks checked and waiting to be inserted
_NAMED = 5  # cases named in a repeat-offender warning; the rest are counted
_HEADERS = {c.key: c.header for c in CASE_COLUMNS}


@dataclass(frozen=True)
class ImportPreview:
    file_name: str
    case_count: int
    event_count: int
    child_count: int
    problems: tuple[Problem, ...]

    @property
    def errors(self) -> tuple[Problem, ...]:
        return errors_of(self.problems)

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return warnings_of(self.problems)

    @property
    def can_import(self) -> bool:
        return self.case_count > 0 and not self.errors


@dataclass(frozen=True)
class ImportResult:
    codes: tuple[str, ...]
    warnings: tuple[Problem, ...]

    @property
    def count(self) -> int:
        return len(self.codes)


def _stage(progress: Progress | None, token: CancelToken | None) -> Progress:
    """Report progress and give the user's cancel a chance between steps."""
    def report(done: int, total: int) -> None:
        if token is not None:
            token.raise_if_cancelled()
        if progress is not None:
            progress(done, total)
    return report


def _scan(db: Database, book: OpenedWorkbook, catalog: Mapping[int, Provision],
          today: date | None, progress: Progress) -> FileScan:
    citations = {p.citation: p.id for p in catalog.values()}
    return FileScan(book, vocabulary.load(db), citations, today or date.today(), progress)


def check_workbook(db: Database, actor: Actor, path: Path, *, file_password: str | None = None,
                   unit: str | None = None, today: date | None = None,
                   progress: Progress | None = None,
                   token: CancelToken | None = None) -> ImportPreview:
    """Read and check the whole file; nothing is written. `unit`: as for `import_workbook`."""
    actor.require(Permission.IMPORT)
    with db.read() as session:
        own = settings.read_office(session).unit_code
    unit = _other_unit(unit, own)
    with open_workbook(path, file_password, token) as book:
        catalog = _catalog(db)
        scan = _scan(db, book, catalog, today, _stage(progress, token))
        with db.read() as session:
            scan.add(_codes_in_use(session, scan, own if unit is None else unit))
        for case in scan.cases():  # each case is checked as it is read
            scan.add(_sanction_warnings(scan, case, catalog))
            scan.add(_code_needed(scan, case, unit))
    with db.read() as session:
        scan.add(_repeat_offenders(session, scan, before=_next_case_id(session), own=own))
    return ImportPreview(path.name, len(scan.records), scan.event_count, scan.child_count,
                         scan.ordered_problems())


def import_workbook(db: Database, actor: Actor, path: Path, *, file_password: str | None = None,
                    unit: str | None = None, today: date | None = None,
                    progress: Progress | None = None,
                    token: CancelToken | None = None) -> ImportResult:
    """Import every case of the file in one transaction, or none: raises `ImportRefused`
    with every problem when any row has an error.

    `unit` (an administrative code) imports another office's register: its cases keep
    their codes under that unit, beside this office's, and every row needs its code.

    Cases are inserted in chunks as the file is read, so a large register is never held
    whole in memory; an error anywhere stops the inserting, the rest of the file is still
    checked, and the transaction is rolled back. A chunk is inserted in a thread while the
    next ones are read and checked: the database's work lets go of the GIL, so the checking
    (Python) and the writing (SQLite) run on two cores; the chunks one at a time, in order,
    their rows made in turns with the checking (`_Turns`).
    """
    actor.require(Permission.IMPORT)
    with db.read() as session:
        unit = _other_unit(unit, settings.read_office(session).unit_code)
    with open_workbook(path, file_password, token) as book:
        catalog = _catalog(db)
        scan = _scan(db, book, catalog, today, _stage(progress, token))
        with db.write() as session:
            office = settings.read_office(session)
            into = office.unit_code if unit is None else unit
            scan.add(_codes_in_use(session, scan, into))
            first_new = _next_case_id(session)
            taken = frozenset(scan.codes)
            codes: list[str] = []

            def insert(cases: list[CaseRows], building: _Building) -> None:
                codes.extend(insert_case_rows(session, cases, username=actor.username,
                                              code_pattern=office.case_code_pattern,
                                              recorded_unit=office.unit_name or None,
                                              unit_code=into, taken=taken,
                                              building=building))

            with writing_in_bulk(session.connection()):
                _insert_as_checked(scan, catalog, unit, insert)
            scan.add(_repeat_offenders(session, scan, before=first_new, own=office.unit_code))
            problems = scan.ordered_problems()
            if scan.has_errors:
                raise ImportRefused(problems)
            if not codes:
                raise UserError(f"Tệp «{path.name}» không có vụ việc nào để nhập (các dòng sau "
                                "dòng tiêu đề đều trống).")
            audit.record(session, actor.username, AuditAction.IMPORT, detail={
                "file": path.name, **({"unit": unit} if unit else {}), "cases": len(codes),
                "events": scan.event_count,
                "children": scan.child_count, "warnings": len(warnings_of(problems)),
            })
    settle(db)
    return ImportResult(tuple(codes), warnings_of(problems))


_Building = Callable[[], AbstractContextManager[object]]


def _insert_as_checked(scan: FileScan, catalog: Mapping[int, Provision], unit: str | None,
                       insert: Callable[[list[CaseRows], _Building], None]) -> None:
    """Check each case of the file and `insert` the chunks of those checked while no error
    was found; the last chunk is inserted before returning.

    The session is the inserting thread's while chunks are inserted, one after the other:
    this one goes on checking while up to `_AHEAD` wait their turn, so that it is never idle
    while the database works; it waits for them all before the session is used again.
    Leaving (an error, a cancel) drops those not begun and waits for the one at work before
    the transaction rolls back."""
    turns = _Turns()
    chunk: list[CaseRows] = []
    with ThreadPoolExecutor(max_workers=1) as inserter:
        inserting: deque[Future[None]] = deque()
        try:
            for case in scan.cases():
                turns.wait()
                scan.add(_sanction_warnings(scan, case, catalog))
                scan.add(_code_needed(scan, case, unit))
                if scan.has_errors:  # the import is refused: chunks not begun are of no use
                    inserting = deque(f for f in inserting if not f.cancel())
                else:
                    chunk.append(case_rows(case))
                    if len(chunk) == CHUNK:
                        if len(inserting) == _AHEAD:
                            inserting.popleft().result()
                        inserting.append(inserter.submit(insert, chunk, turns.building))
                        chunk = []
            while inserting:
                inserting.popleft().result()
        finally:
            for waiting in inserting:
                waiting.cancel()
    if not scan.has_errors and chunk:
        insert(chunk, turns.building)


class _Turns:
    """The import's two threads take turns at Python: the checking waits while the
    inserting thread makes a chunk's rows, and goes on while the database writes them
    (which lets go of the GIL). Left to the GIL's switching, the checking, unblocked
    when a chunk is written, ran exactly while the next one's rows were made, and the
    database waited for both (the import of 100,000 rows 41.3 s; in turns 38.6 s)."""

    def __init__(self) -> None:
        self._free = threading.Event()
        self._free.set()

    @contextmanager
    def building(self) -> Iterator[None]:
        self._free.clear()
        try:
            yield
        finally:
            self._free.set()

    def wait(self) -> None:
        """Until no rows are being made."""
        self._free.wait()


def save_problems(path: Path, problems: Sequence[Problem]) -> None:
    """A refused file's problems as a workbook, for the officer to work through."""
    write_problems(path, problems)


def save_builtin_template(target: Path) -> None:
    """The empty import template with the lists of shared/spec/vocabulary.md: the `template`
    command without an account (a folder's own entries are encrypted with its data)."""
    write_template(target, builtin_vocabulary())


def _other_unit(unit: str | None, own: str) -> str | None:
    """The unit of another office's register, checked; None for this office's own."""
    if unit is None:
        return None
    code = checked_unit_code(unit)
    return None if code == own else code


def _code_needed(scan: FileScan, case: PreparedCase, unit: str | None) -> list[Problem]:
    """Another unit's case keeps the code that unit gave it: this office numbers only its
    own."""
    if unit is None or case.data.code:
        return []
    return [_problem(scan, scan.records[-1].row, "code",
                     f"Sổ của đơn vị {unit}: mỗi vụ việc cần có {CODE_HEADER} do đơn vị đó "
                     "cấp; chương trình chỉ cấp mã cho vụ việc của đơn vị mình.")]


def _next_case_id(session: Session) -> int:
    return session.execute(select(func.coalesce(func.max(Case.id), 0))).scalar_one() + 1


def _problem(scan: FileScan, row: int, key: str, message: str,
             warning: bool = False) -> Problem:
    return Problem(scan.sheet, row, _HEADERS[key], message, warning)


def _catalog(db: Database) -> dict[int, Provision]:
    return {p.id: p for p in legal_basis.all_provisions(db)}


def _sanction_warnings(scan: FileScan, case: PreparedCase,
                       catalog: Mapping[int, Provision]) -> list[Problem]:
    """The rules of the sanction path the case just read breaks (app.domain.sanctions), as
    warnings: a register kept before the program did not follow them, and the import
    template's errors are fixed by its specification; "chốt số liệu" refuses them later."""
    data = case.data
    act = data.act_date
    if act is None or not any(e.kind in (EventKind.SANCTION, EventKind.CLOSE)
                              for e in case.events):
        return []
    recorded = [RecordedDecision(
        EventFact(index, event.kind, event.occurred_on), event,
        events.adult_maximum(catalog[i] for i in event.legal_basis_ids if i in catalog))
        for index, event in enumerate(case.events) if event.occurred_on is not None]
    row = scan.records[-1].row  # the case just handed out
    return [_problem(scan, row, "closed_on" if problem.field == "closing_result"
                     else "sanction_on", problem.message, warning=True)
            for problem in case_problems(recorded, offender=Offender.of(data), act_on=act.day)]


def _codes_in_use(session: Session, scan: FileScan, unit: str) -> list[Problem]:
    """The file's codes the unit it is imported under already has in the register."""
    used = units.codes_in_unit(session, unit, list(scan.codes))
    return [
        _problem(scan, scan.codes[code], "code",
                 f"{CODE_HEADER} «{code}» đã có trong sổ: vụ việc này đã được nhập hoặc ghi "
                 "trước đây. Hãy bỏ dòng này, hoặc đổi mã nếu là vụ việc khác.")
        for code in scan.codes if code in used
    ]


def _repeat_offenders(session: Session, scan: FileScan, before: int,
                      own: str) -> list[Problem]:
    """A warning for each case whose account or URL is also another case's, in the
    database (cases numbered below `before`, not this import's) or in the file: a possible
    repeat offender, named with the other cases' codes."""
    records = scan.records

    def name_in_file(index: int) -> str:
        code, row = records[index].code, records[index].row
        return f"{code} (dòng {row} của tệp)" if code else f"dòng {row} của tệp"

    problems: list[Problem] = []
    for key, keyed, column, what in (
        ("account", account_key, Case.account_key, "Tài khoản «{value}»"),
        ("url", url_key, Case.url_key, "Đường dẫn «{value}»"),
    ):
        keys: list[str | None] = [keyed(getattr(r, key)) or None for r in records]
        in_file: dict[str, list[int]] = defaultdict(list)
        for index, value in enumerate(keys):
            if value:
                in_file[value].append(index)
        in_database = _codes_by_key(session, column, list(in_file), before, own)
        for index, value in enumerate(keys):
            if not value:
                continue
            stored = in_database.get(value, [])
            others = len(in_file[value]) - 1 + len(stored)
            if not others:
                continue
            named = list(itertools.islice(itertools.chain(
                stored, (name_in_file(j) for j in in_file[value] if j != index)), _NAMED))
            more = f" và {others - len(named)} vụ việc khác" if others > len(named) else ""
            subject = what.format(value=getattr(records[index], key))
            problems.append(_problem(scan, records[index].row, key,
                                     f"{subject} cũng có trong vụ việc {', '.join(named)}{more}: "
                                     "hãy xem các vụ việc này trước khi xử lý.", warning=True))
    return problems


def _codes_by_key(session: Session, column: InstrumentedAttribute[str] |
                  InstrumentedAttribute[str | None], keys: Sequence[str],
                  before: int, own: str) -> dict[str, list[str]]:
    """Codes of the (not deleted) cases numbered below `before` having each key, oldest
    first; another unit's as `UNIT/CODE`."""
    found: dict[str, list[str]] = defaultdict(list)
    if before <= 1:
        return found  # the register was empty
    for chunk in _chunks(keys):
        query = select(column, Case.unit_code, Case.code).where(
            column.in_(chunk), Case.id < before, Case.deleted_at.is_(None))
        for value, unit, code in session.execute(query.order_by(Case.detected_on, Case.code)):
            found[str(value)].append(case_ref(unit, code, own))
    return found


def _chunks(items: Sequence[str]) -> list[Sequence[str]]:
    return [items[i:i + _IN_CHUNK] for i in range(0, len(items), _IN_CHUNK)]
