"""The template, the full export and its round trip: export → import into an empty data
folder gives the same cases, field for field."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import msoffcrypto
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from app.db import Database
from app.domain.case import CaseInput, ChildInput, DefamedInput, PreparedCase
from app.domain.checks import LARGEST_WHOLE_NUMBER
from app.domain.events import ADDRESSED_KINDS, EventInput
from app.domain.import_problems import Problem
from app.domain.labels import ClosingResult, DecisionTime, PartyKind, SanctionForm, Sex
from app.domain.passwords import FILE_PASSWORD_RULE
from app.domain.periods import Period
from app.domain.sanctions import DecisionFollowUp, compliance_deadline
from app.domain.vocabulary import BUILTIN, EventKind, VocabList
from app.errors import NotAllowed, UserError, ValidationError
from app.importing.columns import (
    CASE_COLUMNS,
    CASES,
    EVENTS,
    GUIDE_SHEET,
    LISTS_SHEET,
    OPTIONAL_SHEETS,
)
from app.importing.export import write_problems
from app.models import AuditEntry, Case
from app.paths import DataPaths
from app.progress import Cancelled, CancelToken
from app.services import cases, events, importing, setup
from app.services import settings as office_settings
from app.services.actor import Actor
from app.services.bulk import insert_cases
from app.services.case_list import LIST_COLUMNS
from app.services.exporting import (
    PASSWORD_REQUIRED,
    PURPOSE_REQUIRED,
    RECIPIENT_REQUIRED,
    check_export,
    export_cases,
    save_template,
)
from app.services.list_export import export_case_list
from app.services.records import case_detail
from app.services.report_export import Targets, export_report
from app.services.search import CaseQuery, search_case_ids
from tests.conftest import ADMIN_PASSWORD, TODAY, make_case, open_unlocked

FILE_PASSWORD = "Khoa-tệp-2026!"
TRANSFER = {"purpose": "Gửi Sở theo Công văn số 12/SVHTT", "recipient": "Sở Văn hóa và Thể thao"}

RISKY = ["=1+1", "=HYPERLINK(\"http://x.example\",\"bấm\")", "+84 912 345 678", "-5",
         "@quantri", "#N/A", "=cmd|' /C calc'!A0"]


def register(db: Database) -> list[tuple[Any, ...]]:
    """Every case as the program holds it, without the ids a new folder gives anew."""
    with db.read() as session:
        found = session.execute(select(Case).order_by(Case.code)).scalars().all()
        details = [case_detail(case) for case in found]
    return [(
        d.code, d.closed_on,
        dataclasses.replace(
            d.data, children=tuple(dataclasses.replace(c, uuid=None) for c in d.data.children),
            defamed=tuple(dataclasses.replace(p, uuid=None) for p in d.data.defamed)),
        [(e.kind, e.occurred_on, e.document_number, e.note, e.sanction_form, e.fine_amount,
          e.signer, e.remedies, e.closing_result, e.legal_basis_ids, e.addressee,
          e.decision_time, e.follow_up)
         for e in d.events if not e.voided],
    ) for d in details]


# --- The round trip, on generated cases.

_LETTERS = ("aăâbcdđeêghiklmnoôơpqrstuưvxyàáảãạằắẳẵặầấẩẫậèéẻẽẹềếểễệìíỉĩịòóỏõọồốổỗộờớởỡợ"
            "ùúủũụừứửữựỳýỷỹỵAĂÂĐÊÔƠƯ0123456789 .,;:()/-=+@#%&'\"!?«»")
_word = st.text(alphabet=_LETTERS, min_size=1, max_size=30).map(str.strip).filter(bool)
_text = st.one_of(_word, st.sampled_from(RISKY))
_long_text = st.lists(_text, min_size=1, max_size=3).map("\n".join)
_GROUPS = [code for code, _ in BUILTIN[VocabList.GROUP]]


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


@st.composite
def _born(draw: st.DrawFn, first: int, last: int) -> tuple[int | None, date | None]:
    year = draw(_maybe(st.integers(first, last)))
    if year is None:
        return None, None
    return year, draw(_maybe(st.dates(date(year, 1, 1), date(year, 12, 31))))


@st.composite
def _children(draw: st.DrawFn) -> ChildInput:
    year, born = draw(_born(2010, 2020))
    return ChildInput(draw(_word), year, born, draw(_maybe(st.sampled_from(list(Sex)))),
                      draw(_maybe(_text)), draw(_maybe(_text)), draw(st.booleans()),
                      draw(st.booleans()), draw(_maybe(_long_text)))


@st.composite
def _defamed(draw: st.DrawFn) -> DefamedInput:
    return DefamedInput(draw(_word), draw(st.sampled_from(list(PartyKind))), draw(st.booleans()),
                        draw(_maybe(st.dates(date(2024, 1, 1), TODAY))), draw(_maybe(_text)),
                        draw(st.booleans()))


def _from(day: date) -> st.SearchStrategy[date]:
    return st.dates(day, TODAY)


@st.composite
def _follow_up(draw: st.DrawFn, decision: EventInput) -> DecisionFollowUp:
    """What may follow `decision` by the rules of app.domain.sanctions: delivered, then a
    fine paid or, past the time to comply, enforced."""
    assert decision.occurred_on is not None
    delivered = draw(_maybe(_from(decision.occurred_on)))
    if decision.sanction_form is not SanctionForm.FINE:
        return DecisionFollowUp(delivered)
    if draw(st.booleans()):
        return DecisionFollowUp(delivered, draw(_from(decision.occurred_on)),
                                draw(st.integers(1, LARGEST_WHOLE_NUMBER)), draw(_word))
    if delivered is not None and compliance_deadline(delivered) < TODAY:
        enforced = draw(_from(compliance_deadline(delivered) + timedelta(days=1)))
        return DecisionFollowUp(delivered, enforced_on=enforced,
                                enforcement_note=draw(_maybe(_long_text)))
    return DecisionFollowUp(delivered)


@st.composite
def _events(draw: st.DrawFn,
            detected: date) -> tuple[tuple[EventInput, ...], dict[int, DecisionFollowUp]]:
    span = (TODAY - detected).days
    days = sorted(draw(st.lists(st.integers(0, span), max_size=4)))
    made: list[EventInput] = []
    follow_ups: dict[int, DecisionFollowUp] = {}
    for day in days:
        when = detected + timedelta(days=day)
        kind = draw(st.sampled_from([EventKind.VERIFY, EventKind.WARN, EventKind.REMOVED,
                                     EventKind.POLICE, EventKind.ESCALATE, EventKind.RECORD,
                                     EventKind.SANCTION]))
        note = draw(_maybe(_long_text))
        if kind != EventKind.SANCTION:
            made.append(EventInput(
                kind, when, draw(_maybe(_word)), note,
                addressee=draw(_maybe(_text)) if kind in ADDRESSED_KINDS else None,
                decision_time=draw(_maybe(st.sampled_from(list(DecisionTime))))
                if kind == EventKind.RECORD else None))
            continue
        fine = draw(st.booleans())
        made.append(EventInput(
            kind, when, draw(_maybe(_word)), note,
            SanctionForm.FINE if fine else SanctionForm.WARNING,
            draw(st.integers(1, LARGEST_WHOLE_NUMBER)) if fine else None, draw(_maybe(_word)),
            draw(_maybe(_long_text)),
            legal_basis_ids=tuple(draw(st.lists(st.integers(1, 23), max_size=2, unique=True)))))
        follow_ups[len(made) - 1] = draw(_follow_up(made[-1]))
    if draw(st.booleans()):
        last = made[-1].occurred_on if made and made[-1].occurred_on else detected
        made.append(EventInput(EventKind.CLOSE, last, note=draw(_maybe(_text)),
                               closing_result=draw(st.sampled_from(list(ClosingResult)))))
    return tuple(made), follow_ups


@st.composite
def _cases(draw: st.DrawFn, number: int) -> PreparedCase:
    detected = draw(st.dates(date(2024, 1, 1), TODAY))
    group = draw(st.sampled_from(_GROUPS))
    name = draw(_maybe(_word))
    year, born = draw(_born(1950, 2010))
    posted = draw(_maybe(st.dates(date(2023, 1, 1), detected)))
    data = CaseInput(
        code=f"HS-{number:03d}" if draw(st.booleans()) else None,
        detected_on=detected,
        posted_on=posted,
        posted_until=draw(_maybe(st.dates(posted or date(2023, 1, 1), TODAY))),
        platform_code=draw(st.sampled_from([c for c, _ in BUILTIN[VocabList.PLATFORM]])),
        account=draw(_text),
        group_code=group,
        summary=draw(_long_text),
        source_code=draw(_maybe(st.sampled_from([c for c, _ in BUILTIN[VocabList.SOURCE]]))),
        content_form_code=draw(_maybe(st.sampled_from(
            [c for c, _ in BUILTIN[VocabList.CONTENT_FORM]]))),
        url=draw(_maybe(_text)),
        child_subkind_code=draw(_maybe(st.sampled_from(
            [c for c, _ in BUILTIN[VocabList.CHILD_SUBKIND]]))) if group == "TE" else None,
        secondary_groups=tuple(sorted(draw(st.sets(st.sampled_from(
            [g for g in _GROUPS if g != group]), max_size=2)))),
        reach_views=draw(_maybe(st.integers(0, 10**9))),
        reach_reactions=draw(_maybe(st.integers(0, 10**6))),
        reach_shares=draw(_maybe(st.integers(0, 10**6))),
        reach_comments=draw(_maybe(st.integers(0, 10**6))),
        offender_kind=draw(st.sampled_from(list(PartyKind))) if name else None,
        offender_name=name,
        offender_birth_date=born,
        offender_birth_year=year,
        offender_address=draw(_maybe(_text)),
        offender_id_number=draw(_maybe(st.sampled_from(["079090001234", "123456789"]))),
        area=draw(_maybe(_word)),
        notes=draw(_maybe(_long_text)),
        children=tuple(draw(st.lists(_children(), max_size=2))),
        defamed=tuple(draw(st.lists(_defamed(), max_size=2))),
    )
    events, follow_ups = draw(_events(detected))
    return PreparedCase(data, events, follow_ups)


@st.composite
def _registers(draw: st.DrawFn) -> list[PreparedCase]:
    return [draw(_cases(n)) for n in range(draw(st.integers(1, 6)))]


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Actor]]:
    """An empty data folder made once; each example works on copies of its database."""
    from app.services import accounts

    paths = DataPaths(tmp_path_factory.mktemp("trong") / "data")
    db = setup.init_data_folder(paths, "admin", ADMIN_PASSWORD)
    actor = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    db.dispose()
    yield paths.database, actor


def _fresh(database: Path, folder: Path) -> Database:
    paths = DataPaths(folder)
    paths.create()
    shutil.copy(database, paths.database)
    shutil.copy(DataPaths(database.parent).keys, paths.keys)
    return open_unlocked(paths)


@pytest.mark.slow
@settings(max_examples=15, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(generated=_registers())
def test_round_trip_gives_the_same_cases_field_for_field(
    blank: tuple[Path, Actor], generated: list[PreparedCase]
) -> None:
    database, admin = blank
    with tempfile.TemporaryDirectory() as folder:
        source = _fresh(database, Path(folder) / "nguon")
        target = _fresh(database, Path(folder) / "dich")
        try:
            with source.write() as session:
                insert_cases(session, generated, username="admin",
                             code_pattern="VV{year}-{seq:05d}", recorded_unit=None)
            exported = export_cases(source, admin, Path(folder) / "so.xlsx",
                                    file_password=FILE_PASSWORD, **TRANSFER)
            assert exported.count == len(generated)
            result = importing.import_workbook(target, admin, exported.path,
                                               file_password=FILE_PASSWORD, today=TODAY)
            assert result.count == len(generated)
            assert register(target) == register(source)
        finally:
            source.dispose()
            target.dispose()


# --- The template.

def test_template_has_headers_lists_formats_and_a_guide(db: Database, officer: Actor,
                                                        tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    save_template(db, path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [CASES.name, GUIDE_SHEET, *(s.name for s in OPTIONAL_SHEETS),
                               LISTS_SHEET]
    sheet = book[CASES.name]
    assert [c.value for c in sheet[1]] == [c.header for c in CASE_COLUMNS]
    assert sheet.freeze_panes == "C2"
    letters = {c.header: openpyxl.utils.get_column_letter(i)
               for i, c in enumerate(CASE_COLUMNS, start=1)}
    lists = {str(v.sqref).split(":")[0]: v.formula1 for v in sheet.data_validations.dataValidation}
    coded = [c.header for c in CASE_COLUMNS if c.vocabulary or c.parse in
             {"sanction_form", "party_kind"}]
    assert sorted(lists) == sorted(f"{letters[h]}2" for h in coded)
    platforms = book[LISTS_SHEET]
    formula = lists[f"{letters['Nền tảng']}2"]
    column = formula.split("!")[1].split(":")[0].replace("$", "")[:-1]
    assert [platforms[f"{column}{r}"].value for r in range(3, 6)] == ["Facebook", "YouTube",
                                                                      "TikTok"]
    assert sheet.column_dimensions[letters["Ngày phát hiện"]].number_format == "DD/MM/YYYY"
    assert sheet.column_dimensions[letters["Ngày đăng tải"]].number_format == "DD/MM/YYYY"
    assert sheet.column_dimensions[letters["Số tiền phạt (đồng)"]].number_format == "#,##0"
    guide = " ".join(str(c.value) for row in book[GUIDE_SHEET].iter_rows() for c in row
                     if c.value)
    assert all(c.header in guide for c in CASE_COLUMNS)
    assert "7.500.000" in guide and "05/02/2026" in guide
    assert "Để trống khi không rõ: chương trình tạm tính theo ngày phát hiện" in guide
    # The empty template is a valid file with nothing to import, and no noise; filled in,
    # it imports.
    preview = importing.check_workbook(db, officer, path, today=TODAY)
    assert (preview.case_count, preview.problems) == (0, ())
    sheet.append([{"Ngày phát hiện": date(2026, 10, 5), "Nền tảng": "Facebook",
                   "Tài khoản, kênh": "Trang A", "Nhóm hành vi vi phạm": "Tin giả, tin sai sự thật",
                   "Tóm tắt nội dung": "Tin sai.", "Họ tên đối tượng": "Trần Văn Bình",
                   "Hình thức xử phạt": "Cảnh cáo",
                   "Ngày quyết định xử phạt": date(2026, 10, 9)}.get(c.header)
                  for c in CASE_COLUMNS])
    book.save(path)
    result = importing.import_workbook(db, officer, path, today=TODAY)
    assert (result.count, result.warnings) == (1, ())


# --- The export.

@pytest.mark.slow
def test_text_is_never_exported_as_a_formula(db: Database, admin: Actor, tmp_path: Path) -> None:
    for number, risky in enumerate(RISKY):
        cases.create_case(db, admin, make_case(code=f"R-{number}", account=risky, summary=risky,
                                               notes=risky), today=TODAY)
    path = export_cases(db, admin, tmp_path / "so.xlsx").path
    sheet = openpyxl.load_workbook(path)[CASES.name]
    account = [c.header for c in CASE_COLUMNS].index("Tài khoản, kênh")
    cells = [row[account] for row in sheet.iter_rows(min_row=2)]
    assert [(c.value, c.data_type) for c in cells] == [(r, "s") for r in RISKY]
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice is not installed")
    subprocess.run(["soffice", "--headless", "--convert-to", "csv:Text - txt - csv (StarCalc):"
                    "44,34,76", "--outdir", str(tmp_path), str(path)],
                   check=True, capture_output=True, timeout=180)
    rows = list(csv.reader(io.StringIO((tmp_path / "so.csv").read_text(encoding="utf-8"))))
    assert [row[account] for row in rows[1:]] == RISKY


def test_export_is_for_administrators_and_audited(db: Database, admin: Actor, officer: Actor,
                                                  tmp_path: Path) -> None:
    cases.create_case(db, officer, make_case(), today=TODAY)
    with pytest.raises(NotAllowed, match="xuất toàn bộ vụ việc"):
        export_cases(db, officer, tmp_path / "so.xlsx")
    assert not (tmp_path / "so.xlsx").exists()
    export_cases(db, admin, tmp_path / "so.xlsx", date_from=date(2026, 1, 1))
    with db.read() as session:
        entry = session.execute(select(AuditEntry).where(AuditEntry.action == "export")
                                ).scalar_one()
    assert entry.username == "admin"
    assert '"cases": 1' in entry.detail and '"from": "2026-01-01"' in entry.detail


def test_export_keeps_the_period_and_leaves_out_deleted_cases_and_voided_events(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    kept = cases.create_case(db, admin, make_case(code="A", detected_on=date(2026, 3, 1)),
                             today=TODAY)
    cases.create_case(db, admin, make_case(code="B", detected_on=date(2025, 12, 31)), today=TODAY)
    gone = cases.create_case(db, admin, make_case(code="C", detected_on=date(2026, 3, 2)),
                             today=TODAY)
    cases.delete_case(db, admin, gone.id, "ghi nhầm")
    events.add_event(db, admin, kept.id, EventInput("KT", date(2026, 3, 5),
                                                    closing_result=ClosingResult.HANDLED),
                     today=TODAY)
    events.reopen_case(db, admin, kept.id, "còn tái phạm")
    events.add_event(db, admin, kept.id, EventInput("XM", date(2026, 3, 6)), today=TODAY)
    path = export_cases(db, admin, tmp_path / "so.xlsx", date_from=date(2026, 1, 1),
                        date_to=date(2026, 12, 31)).path
    book = openpyxl.load_workbook(path)
    assert [r[0] for r in book[CASES.name].iter_rows(min_row=2, values_only=True)] == ["A"]
    assert [r[:3] for r in book["Biện pháp xử lý"].iter_rows(min_row=2, values_only=True)] == [
        ("A", datetime(2026, 3, 6), "Xác minh, thu thập chứng cứ")]


def test_the_export_writes_the_posting_dates_and_reads_them_back(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    cases.create_case(db, admin, make_case(code="A", detected_on=date(2026, 7, 5),
                                           posted_on=date(2026, 6, 20),
                                           posted_until=date(2026, 7, 10)), today=TODAY)
    cases.create_case(db, admin, make_case(code="B", detected_on=date(2026, 7, 5)), today=TODAY)
    before = register(db)
    path = export_cases(db, admin, tmp_path / "so.xlsx").path
    rows = list(openpyxl.load_workbook(path)[CASES.name].values)
    posted, until = rows[0].index("Ngày đăng tải"), rows[0].index("Ngày kết thúc đăng tải")
    assert [(r[posted], r[until]) for r in rows[1:]] == [
        (datetime(2026, 6, 20), datetime(2026, 7, 10)), (None, None)]
    with db.write() as session:
        session.execute(delete(Case))
    importing.import_workbook(db, admin, path, today=TODAY)
    assert register(db) == before


_FOLLOWED = ["Cơ quan nhận", "Thời hạn ra quyết định", "Ngày giao quyết định", "Ngày nộp phạt",
             "Số tiền đã nộp (đồng)", "Số biên lai, chứng từ nộp phạt", "Ngày cưỡng chế",
             "Nội dung cưỡng chế"]


def _decided(db: Database, admin: Actor, code: str, follow: DecisionFollowUp) -> None:
    """A case fined after a biên bản with a longer time to decide, the decision followed by
    `follow`, then escalated to the province."""
    case = cases.create_case(db, admin, make_case(code=code, detected_on=date(2026, 10, 1),
                                                  offender_name="Trần Văn Bình"), today=TODAY)
    events.add_event(db, admin, case.id, EventInput(
        EventKind.RECORD, date(2026, 10, 2), "12/BB-VPHC",
        decision_time=DecisionTime.EXPLANATION), today=TODAY)
    detail = events.add_event(db, admin, case.id, EventInput(
        EventKind.SANCTION, date(2026, 10, 8), "15/QĐ-XPHC", sanction_form=SanctionForm.FINE,
        fine_amount=7_500_000), today=TODAY)
    decision = next(e for e in detail.events if e.kind == EventKind.SANCTION)
    events.record_follow_up(db, admin, decision.id, follow, today=TODAY)
    events.add_event(db, admin, case.id, EventInput(
        EventKind.ESCALATE, date(2026, 11, 2), addressee="Sở Văn hóa, Thể thao và Du lịch"),
        today=TODAY)


def test_the_export_keeps_where_a_case_went_and_whether_its_fine_was_paid(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    _decided(db, admin, "A", DecisionFollowUp(date(2026, 10, 9), date(2026, 10, 15), 7_500_000,
                                              "BL 0001234"))
    _decided(db, admin, "B", DecisionFollowUp(
        date(2026, 10, 9), enforced_on=date(2026, 11, 3),
        enforcement_note="Khấu trừ một phần tiền lương, thu nhập"))
    before = register(db)
    path = export_cases(db, admin, tmp_path / "so.xlsx").path
    rows = list(openpyxl.load_workbook(path)[EVENTS.name].values)
    where = [rows[0].index(header) for header in ["Mã vụ việc", "Biện pháp", *_FOLLOWED]]
    assert [tuple(row[i] for i in where) for row in rows[1:]] == [
        ("A", "Lập biên bản vi phạm hành chính", None, "Có giải trình hoặc cần xác minh",
         None, None, None, None, None, None),
        ("A", "Quyết định xử phạt vi phạm hành chính", None, None, datetime(2026, 10, 9),
         datetime(2026, 10, 15), 7_500_000, "BL 0001234", None, None),
        ("A", "Báo cáo, kiến nghị cấp trên hỗ trợ", "Sở Văn hóa, Thể thao và Du lịch", None,
         None, None, None, None, None, None),
        ("B", "Lập biên bản vi phạm hành chính", None, "Có giải trình hoặc cần xác minh",
         None, None, None, None, None, None),
        ("B", "Quyết định xử phạt vi phạm hành chính", None, None, datetime(2026, 10, 9),
         None, None, None, datetime(2026, 11, 3), "Khấu trừ một phần tiền lương, thu nhập"),
        ("B", "Báo cáo, kiến nghị cấp trên hỗ trợ", "Sở Văn hóa, Thể thao và Du lịch", None,
         None, None, None, None, None, None),
    ]
    with db.write() as session:
        session.execute(delete(Case))
    importing.import_workbook(db, admin, path, today=TODAY)
    assert register(db) == before


def test_the_guide_names_every_closing_result_and_the_programs_own_event_columns(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    path = tmp_path / "mau.xlsx"
    save_template(db, path)
    book = openpyxl.load_workbook(path)
    hints: dict[str, dict[str, str]] = {}
    for column, _required, hint, _example in book[GUIDE_SHEET].iter_rows(values_only=True):
        if isinstance(column, str) and column.startswith("Trang «"):
            sheet = hints.setdefault(column.split("«")[1].split("»")[0], {})
        elif hint is not None:
            sheet[str(column)] = str(hint)
    events_hints = hints[EVENTS.name]
    # Generated from ClosingResult: the closing result added with the sanction path is there.
    assert [str(r) for r in ClosingResult if str(r) not in events_hints["Kết quả"]] == []
    for header in _FOLLOWED:
        assert events_hints[header].startswith("Không bắt buộc (cột thêm của chương trình)")
    assert "«Có giải trình hoặc cần xác minh»" in events_hints["Thời hạn ra quyết định"]
    headers = [c.value for c in book[EVENTS.name][1]]
    assert headers[-len(_FOLLOWED):] == _FOLLOWED
    choices = {str(v.sqref).split(":")[0]: v.formula1
               for v in book[EVENTS.name].data_validations.dataValidation}
    letter = openpyxl.utils.get_column_letter(headers.index("Thời hạn ra quyết định") + 1)
    source = choices[f"{letter}2"].split("!")[1].split(":")[0].replace("$", "")
    listed = book[LISTS_SHEET]
    assert [listed[f"{source[:-1]}{row}"].value for row in range(3, 6)] == [
        "Thông thường", "Có giải trình hoặc cần xác minh",
        "Đã gia hạn (giải trình, xác minh phức tạp)"]


def test_protected_export_opens_only_with_its_password(db: Database, admin: Actor,
                                                       tmp_path: Path) -> None:
    cases.create_case(db, admin, make_case(code="A-1"), today=TODAY)
    path = export_cases(db, admin, tmp_path / "so.xlsx", file_password="bí-mật-2026-xã").path
    office = msoffcrypto.OfficeFile(io.BytesIO(path.read_bytes()))
    assert office.is_encrypted()
    office.load_key(password="bí-mật-2026-xã", verify_password=True)
    plain = io.BytesIO()
    office.decrypt(plain)
    book = openpyxl.load_workbook(plain)
    assert book[CASES.name]["A2"].value == "A-1"
    with pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
        msoffcrypto.OfficeFile(io.BytesIO(path.read_bytes())).load_key(
            password="sai", verify_password=True)


def test_a_cancelled_or_failed_export_leaves_nothing(db: Database, admin: Actor,
                                                     tmp_path: Path) -> None:
    office = office_settings.load_office(db)
    with db.write() as session:
        insert_cases(session, [PreparedCase(make_case(account=f"T{i}")) for i in range(1_200)],
                     username="admin", code_pattern=office.case_code_pattern, recorded_unit=None)
    token = CancelToken()

    def progress(done: int, _total: int) -> None:
        token.cancel()

    with pytest.raises(Cancelled):
        export_cases(db, admin, tmp_path / "so.xlsx", progress=progress, token=token)
    assert list(tmp_path.iterdir()) == [db.paths.root]
    blocker = tmp_path / "tep"  # a file where the folder to save in should be
    blocker.write_bytes(b"")
    with pytest.raises(UserError, match="Không ghi được"):
        export_cases(db, admin, blocker / "so.xlsx")
    assert sorted(tmp_path.iterdir()) == sorted([db.paths.root, blocker])


def test_the_problem_list_is_a_workbook_with_plain_text(tmp_path: Path) -> None:
    problems = [Problem("Vụ việc", 5, "Tài khoản, kênh", "=1+1 không hợp lệ"),
                Problem("Thống kê", 0, "", "Trang «Thống kê» bị bỏ qua.", is_warning=True)]
    write_problems(tmp_path / "loi.xlsx", problems)
    sheet = openpyxl.load_workbook(tmp_path / "loi.xlsx").active
    assert sheet is not None
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows == [["Loại", "Trang", "Dòng", "Cột", "Nội dung"],
                    ["Lỗi", "Vụ việc", 5, "Tài khoản, kênh", "=1+1 không hợp lệ"],
                    ["Cảnh báo", "Thống kê", None, None, "Trang «Thống kê» bị bỏ qua."]]
    assert sheet["E2"].data_type == "s"


# --- An export holding children: always encrypted, with its purpose and recipient.

CHILD = ChildInput("Nguyễn Văn An", 2014)


def _refusal(db: Database, admin: Actor, path: Path, **kwargs: Any) -> list[tuple[str, str]]:
    """The problems export_cases refuses with, after checking that check_export (the window
    asks it before the file is picked) refuses the same, and that nothing was written."""
    with pytest.raises(ValidationError) as checked:
        check_export(db, admin, **kwargs)
    with pytest.raises(ValidationError) as refused:
        export_cases(db, admin, path, **kwargs)
    problems = [(p.field, p.message) for p in refused.value.problems]
    assert [(p.field, p.message) for p in checked.value.problems] == problems
    assert list(path.parent.iterdir()) == [db.paths.root]
    return problems


def _exports(db: Database) -> list[dict[str, Any]]:
    with db.read() as session:
        return [json.loads(d) for d in session.execute(
            select(AuditEntry.detail).where(AuditEntry.action == "export")).scalars()]


def test_an_export_holding_a_child_needs_a_password_a_purpose_and_a_recipient(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    cases.create_case(db, admin, make_case(code="TE-1", children=(CHILD,)), today=TODAY)
    path = tmp_path / "so.xlsx"
    assert _refusal(db, admin, path) == [("file_password", PASSWORD_REQUIRED),
                                         ("purpose", PURPOSE_REQUIRED),
                                         ("recipient", RECIPIENT_REQUIRED)]
    # Each message says why, and what to do.
    assert "có thông tin trẻ em" in PASSWORD_REQUIRED
    assert "Hãy đặt một mật khẩu mạnh" in PASSWORD_REQUIRED
    assert "phải ghi xuất để làm gì" in PURPOSE_REQUIRED
    assert "phải ghi tệp giao cho cơ quan, người nào" in RECIPIENT_REQUIRED
    assert _refusal(db, admin, path, file_password=FILE_PASSWORD, purpose="  ",
                    recipient=TRANSFER["recipient"]) == [("purpose", PURPOSE_REQUIRED)]
    assert _exports(db) == []
    export_cases(db, admin, path, file_password=FILE_PASSWORD, **TRANSFER)
    assert path.read_bytes().startswith(b"\xd0\xcf\x11\xe0")  # an encrypted (OLE) file


@pytest.mark.parametrize(("offender", "a_child"), [
    ({"offender_birth_year": 2011}, True),  # 14, or 15 on the last days of the year
    ({"offender_birth_year": 2010}, True),  # 15 until 31 December 2026: counted so
    ({"offender_birth_date": date(2010, 10, 6)}, True),  # 16 the day after detection
    ({"offender_birth_date": date(2010, 10, 5)}, False),  # 16 on the day it was detected
    ({"offender_birth_year": 2009}, False),
])
def test_an_offender_under_16_at_detection_counts_as_a_child(
    db: Database, admin: Actor, tmp_path: Path, offender: dict[str, Any], a_child: bool
) -> None:
    cases.create_case(db, admin, make_case(offender_kind=PartyKind.PERSON,
                                           offender_name="Lê Văn C", **offender), today=TODAY)
    path = tmp_path / "so.xlsx"
    if a_child:
        assert [field for field, _ in _refusal(db, admin, path)] == [
            "file_password", "purpose", "recipient"]
    else:
        assert export_cases(db, admin, path).count == 1


def test_only_the_cases_exported_count(db: Database, admin: Actor, tmp_path: Path) -> None:
    cases.create_case(db, admin, make_case(detected_on=date(2025, 6, 1), children=(CHILD,)),
                      today=TODAY)
    deleted = cases.create_case(db, admin, make_case(children=(CHILD,)), today=TODAY)
    cases.delete_case(db, admin, deleted.id, "ghi nhầm")
    cases.create_case(db, admin, make_case(), today=TODAY)
    assert export_cases(db, admin, tmp_path / "so.xlsx", date_from=date(2026, 1, 1)).count == 1
    assert _exports(db)[0]["children"] is False


def test_a_weak_file_password_is_refused_with_the_rule_even_without_children(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    cases.create_case(db, admin, make_case(), today=TODAY)
    path = tmp_path / "so.xlsx"
    for weak, reason in (("khoa", "Mật khẩu quá ngắn: cần ít nhất 12 ký tự."),
                         ("", "Mật khẩu quá ngắn: cần ít nhất 12 ký tự."),
                         ("matkhaurattotdaiqua", "Mật khẩu chỉ có một loại ký tự."),
                         ("abc123abc123", "Mật khẩu chỉ là một cụm ký tự lặp lại.")):
        assert _refusal(db, admin, path, file_password=weak) == [
            ("file_password", f"{reason} {FILE_PASSWORD_RULE}")]
    assert export_cases(db, admin, path).count == 1  # no children: no password is needed


def test_the_audit_log_records_the_purpose_and_recipient_of_the_transfer(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    cases.create_case(db, admin, make_case(children=(CHILD,)), today=TODAY)
    export_cases(db, admin, tmp_path / "so.xlsx", file_password=FILE_PASSWORD,
                 purpose=" Gửi Sở theo\u0301 Công văn số 12 ", recipient=TRANSFER["recipient"])
    [detail] = _exports(db)
    assert detail == {"file": "so.xlsx", "cases": 1, "from": None, "to": None,
                      "protected": True, "children": True,
                      "purpose": "Gửi Sở theó Công văn số 12",  # NFC and trimmed
                      "recipient": TRANSFER["recipient"]}
    assert CHILD.full_name not in json.dumps(detail, ensure_ascii=False)


def _decrypted(path: Path, password: str) -> bytes:
    office = msoffcrypto.OfficeFile(io.BytesIO(path.read_bytes()))
    office.load_key(password=password, verify_password=True)
    plain = io.BytesIO()
    office.decrypt(plain)
    return plain.getvalue()


def _cells(data: bytes) -> dict[str, list[tuple[object, ...]]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: [(c.coordinate, c.value, c.data_type, c.number_format, c.font.b,
                           c.fill.fgColor.rgb) for row in sheet.iter_rows() for c in row]
            for sheet in book.worksheets}


def test_a_protected_export_opens_with_its_password_and_has_the_cells_of_a_plain_one(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    for number, risky in enumerate(RISKY):
        created = cases.create_case(db, admin, make_case(
            code=f"R-{number}", account=risky, notes=risky, reach_views=1_234_567 * number,
            offender_name="Trần Văn Bình",
            defamed=(DefamedInput("Công ty A", PartyKind.ORGANISATION),)), today=TODAY)
        events.add_event(db, admin, created.id, EventInput("BB", date(2026, 10, 8)),
                         today=TODAY)
        events.add_event(db, admin, created.id, EventInput(
            "XP", date(2026, 10, 9), "12/QĐ-XPHC", sanction_form=SanctionForm.FINE,
            fine_amount=7_500_000, signer="Chủ tịch UBND", legal_basis_ids=(1,)), today=TODAY)
    plain = export_cases(db, admin, tmp_path / "mo.xlsx").path.read_bytes()
    protected = export_cases(db, admin, tmp_path / "khoa.xlsx", file_password=FILE_PASSWORD,
                             **TRANSFER).path
    with pytest.raises(msoffcrypto.exceptions.InvalidKeyError):
        _decrypted(protected, "Khoa-tệp-2025!")
    opened = _decrypted(protected, FILE_PASSWORD)
    # Cell for cell (the bytes differ: a workbook built in memory keeps its text in a shared
    # table, a streamed one in each cell).
    cells = _cells(opened)
    assert cells == _cells(plain)
    assert len(cells[CASES.name]) > len(CASE_COLUMNS) * len(RISKY)


def test_a_protected_export_leaves_nothing_in_the_system_temp_folder_nor_beside_its_target(
    db: Database, admin: Actor, tmp_path: Path, system_temp: Path,
    monkeypatch: pytest.MonkeyPatch
) -> None:
    office = office_settings.load_office(db)
    with db.write() as session:
        insert_cases(session, [PreparedCase(make_case(account=f"T{i}", children=(CHILD,)))
                               for i in range(1_200)],
                     username="admin", code_pattern=office.case_code_pattern, recorded_unit=None)
    out = tmp_path / "xuat"
    out.mkdir()
    protect = {"file_password": FILE_PASSWORD, **TRANSFER}
    token = CancelToken()
    with pytest.raises(Cancelled):
        export_cases(db, admin, out / "so.xlsx", progress=lambda *_: token.cancel(),
                     token=token, **protect)
    assert list(out.iterdir()) == []

    def broken(_plain: object) -> object:
        class Half:
            def encrypt(self, _password: str, target: io.BufferedWriter) -> None:
                target.write(b"\xd0\xcf\x11\xe0 half")
                raise OSError(28, "No space left on device")
        return Half()

    with monkeypatch.context() as patched:
        patched.setattr("msoffcrypto.format.ooxml.OOXMLFile", broken)
        with pytest.raises(UserError, match="Không ghi được tệp"):
            export_cases(db, admin, out / "so.xlsx", **protect)
    assert list(out.iterdir()) == []
    assert export_cases(db, admin, out / "so.xlsx", **protect).count == 1_200
    assert [p.name for p in out.iterdir()] == ["so.xlsx"]
    assert list(system_temp.iterdir()) == []
    assert [d["cases"] for d in _exports(db)] == [1_200]


def test_a_child_added_while_an_unprotected_export_runs_stops_it(
    db: Database, admin: Actor, tmp_path: Path
) -> None:
    office = office_settings.load_office(db)
    with db.write() as session:
        insert_cases(session, [PreparedCase(make_case(account=f"T{i}")) for i in range(600)],
                     username="admin", code_pattern=office.case_code_pattern, recorded_unit=None)
    last = cases.create_case(db, admin, make_case(detected_on=date(2026, 11, 1)), today=TODAY)

    def add_a_child(done: int, _total: int) -> None:
        if done == 500:  # the first batch is read, the last case not yet
            cases.update_case(db, admin, last.id, dataclasses.replace(last.data,
                                                                      children=(CHILD,)),
                              expected_version=last.version)

    with pytest.raises(UserError) as refused:
        export_cases(db, admin, tmp_path / "so.xlsx", progress=add_a_child)
    assert refused.value.message == PASSWORD_REQUIRED
    assert list(tmp_path.iterdir()) == [db.paths.root]
    assert _exports(db) == []


# --- The list export ("Xuất danh sách đang xem").

def _list_export(db: Database, actor: Actor, path: Path, **kwargs: Any) -> int:
    return export_case_list(db, actor, path, search_case_ids(db, CaseQuery(), today=TODAY),
                            LIST_COLUMNS, **kwargs)


def test_the_list_export_leaves_out_control_characters_xml_cannot_hold(
    db: Database, officer: Actor, tmp_path: Path
) -> None:
    cases.create_case(db, officer, make_case(summary="Clip\x07 quay lén \x1b[1mphát lại"),
                      today=TODAY)
    assert _list_export(db, officer, tmp_path / "ds.xlsx") == 1
    sheet = openpyxl.load_workbook(tmp_path / "ds.xlsx").active
    assert sheet is not None
    summary = [c.header for c in LIST_COLUMNS].index("Tóm tắt nội dung") + 1
    assert sheet.cell(row=3, column=summary).value == "Clip quay lén [1mphát lại"


def test_a_cancelled_list_export_leaves_nothing_anywhere(
    db: Database, officer: Actor, tmp_path: Path, system_temp: Path
) -> None:
    office = office_settings.load_office(db)
    with db.write() as session:
        insert_cases(session, [PreparedCase(make_case(account=f"T{i}")) for i in range(1_200)],
                     username="admin", code_pattern=office.case_code_pattern, recorded_unit=None)
    out = tmp_path / "xuat"
    out.mkdir()
    token = CancelToken()
    with pytest.raises(Cancelled):
        _list_export(db, officer, out / "ds.xlsx", progress=lambda *_: token.cancel(),
                     token=token)
    # Neither the file, nor a temporary one beside it, nor rows in the system's folder.
    assert list(out.iterdir()) == []
    assert list(system_temp.iterdir()) == []


# --- Text a user typed, in every workbook that holds it.

def _report(db: Database, actor: Actor, path: Path) -> None:
    export_report(db, actor, Period.month(2026, 10), Targets(xlsx=path))


def _problems(_db: Database, _actor: Actor, path: Path) -> None:
    write_problems(path, [Problem("Vụ việc", 2, "Tóm tắt nội dung", text)
                          for text in FORMULA_LIKE])


FORMULA_LIKE = ("=1+2", "+84 912 345 678")


@pytest.mark.parametrize("write", [_report, _list_export, export_cases, _problems],
                         ids=["report", "list", "full export", "problem list"])
def test_text_starting_like_a_formula_is_stored_as_text_in_every_workbook(
    db: Database, admin: Actor, tmp_path: Path, write: Any
) -> None:
    for text in FORMULA_LIKE:
        cases.create_case(db, admin, make_case(summary=text), today=TODAY)
    path = tmp_path / "so.xlsx"
    write(db, admin, path)
    book = openpyxl.load_workbook(path)
    found = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row
             if cell.value in FORMULA_LIKE]
    assert sorted({cell.value for cell in found}) == sorted(FORMULA_LIKE)
    # A string, and one Excel keeps a string when the cell is edited (the quote prefix).
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in found)
