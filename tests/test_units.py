"""Units (shared/spec/exchange.md): every case records the unit that numbered it; codes are
unique within a unit; another office's register is imported under its unit."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from pytestqt.qtbot import QtBot
from sqlalchemy import select, text

from app.db import Database
from app.db.engine import make_engine
from app.db.migrate import HEAD_REVISION, alembic_config, current_revision
from app.db.schema import changing_schema, migrate
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.import_problems import ImportRefused, errors_of
from app.domain.units import Unit, case_heading, case_ref, split_ref, unit_code_problem
from app.errors import UserError
from app.models import Case
from app.paths import DataPaths
from app.services import cases, events, importing, settings
from app.services.actor import Actor
from app.services.case_list import LIST_COLUMNS
from tests.conftest import TODAY, make_case, open_unlocked
from tests.test_cli import PASSWORD, run
from tests.test_import import case_row, write_book

OWN, NEIGHBOUR, THIRD = "00004", "00007", "00010"


def _set_unit(db: Database, admin: Actor, code: str, name: str = "Xã Minh Tân") -> None:
    office = settings.load_office(db)
    settings.save_office(db, admin, dataclasses.replace(office, unit_code=code, unit_title=name))


def _register(path: Path, *codes: str) -> Path:
    """Another office's register: cases numbered as every office numbers them."""
    return write_book(path, [case_row(**{"Mã vụ việc": code, "Ngày phát hiện": "05/10/2026",
                                         "Tài khoản, kênh": f"Trang {code}"})
                             for code in codes])


def _units_and_codes(db: Database) -> list[tuple[str, str]]:
    with db.read() as session:
        return [tuple(row) for row in session.execute(
            select(Case.unit_code, Case.code).order_by(Case.unit_code, Case.code))]


def test_unit_codes_are_five_digits_for_a_commune_two_for_a_province() -> None:
    assert unit_code_problem("00004") is None and unit_code_problem("01") is None
    for wrong in ("", "4", "0004", "000040", "0000A", "xã 4", "001"):
        problem = unit_code_problem(wrong)
        assert problem is not None and "5 chữ số" in problem and "2 chữ số" in problem
    assert split_ref("00007/VV2026-00001") == ("00007", "VV2026-00001")
    assert split_ref("VV2026-00001") is None
    assert split_ref("001/2026/MXH") is None  # a code with slashes, no unit in front
    assert case_ref(OWN, "VV2026-00001", OWN) == "VV2026-00001"
    assert case_ref(NEIGHBOUR, "VV2026-00001", OWN) == "00007/VV2026-00001"


def test_two_units_cases_of_the_same_code_coexist_and_numbering_stays_this_offices(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    _set_unit(db, admin, OWN)
    first = cases.create_case(db, admin, make_case(), today=TODAY)
    assert first.code == "VV2026-00001" and first.unit_code == OWN
    register = _register(tmp_path / "so-xa-ben.xlsx", "VV2026-00001", "VV2026-00002",
                         "VV2026-00003")
    imported = importing.import_workbook(db, admin, register, unit=NEIGHBOUR, today=TODAY)
    assert imported.codes == ("VV2026-00001", "VV2026-00002", "VV2026-00003")
    # The neighbour's numbers do not move this office's: its next case is its second.
    second = cases.create_case(db, admin, make_case(), today=TODAY)
    assert (second.code, second.unit_code) == ("VV2026-00002", OWN)
    assert _units_and_codes(db) == [
        (OWN, "VV2026-00001"), (OWN, "VV2026-00002"), (NEIGHBOUR, "VV2026-00001"),
        (NEIGHBOUR, "VV2026-00002"), (NEIGHBOUR, "VV2026-00003")]
    # Typing an own code that exists there too is refused within this office only.
    with pytest.raises(UserError, match="đã có trong sổ"):
        cases.create_case(db, admin, make_case(code="VV2026-00001"), today=TODAY)
    assert cases.create_case(db, admin, make_case(code="VV2026-00003"), today=TODAY).unit_code \
        == OWN
    # Another unit's case, edited, keeps its unit and code.
    [neighbours] = cases.ids_of_codes(db, admin, ["00007/VV2026-00002"])
    detail = cases.get_case(db, admin, neighbours)
    edited = cases.update_case(db, admin, neighbours,
                               dataclasses.replace(detail.data, summary="Đã sửa nội dung."),
                               expected_version=detail.version, today=TODAY)
    assert (edited.code, edited.unit_code) == ("VV2026-00002", NEIGHBOUR)


def test_a_code_is_this_offices_unless_its_unit_is_named_and_ambiguity_is_refused(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    _set_unit(db, admin, OWN)
    own = cases.create_case(db, admin, make_case(), today=TODAY)  # VV2026-00001
    importing.import_workbook(db, admin, _register(tmp_path / "b.xlsx", "VV2026-00001",
                                                   "VV2026-00002"), unit=NEIGHBOUR, today=TODAY)
    importing.import_workbook(db, admin, _register(tmp_path / "c.xlsx", "VV2026-00002",
                                                   "VV2026-00009"), unit=THIRD, today=TODAY)
    with db.read() as session:
        ids = {(u, c): i for u, c, i in session.execute(
            select(Case.unit_code, Case.code, Case.id))}
    assert cases.ids_of_codes(db, admin, ["VV2026-00001"]) == (own.id,)
    assert cases.ids_of_codes(db, admin, ["00007/VV2026-00001", "VV2026-00009"]) == (
        ids[(NEIGHBOUR, "VV2026-00001")], ids[(THIRD, "VV2026-00009")])
    with pytest.raises(UserError) as ambiguous:
        cases.ids_of_codes(db, admin, ["VV2026-00002"])
    assert ambiguous.value.message == (
        "Không rõ vụ việc nào: mã VV2026-00002 có ở 2 đơn vị, hãy ghi kèm mã đơn vị "
        "(00007/VV2026-00002, 00010/VV2026-00002).")
    assert cases.ids_of_codes(db, admin, ["00010/VV2026-00002"]) == (
        ids[(THIRD, "VV2026-00002")],)
    with pytest.raises(UserError, match="Không có vụ việc mã 00010/VV2026-00001 trong sổ"):
        cases.ids_of_codes(db, admin, ["00010/VV2026-00001"])


def test_importing_a_register_twice_under_its_unit_reports_its_duplicates(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    register = _register(tmp_path / "so.xlsx", "VV2026-00001", "VV2026-00002")
    importing.import_workbook(db, admin, register, unit=NEIGHBOUR, today=TODAY)
    preview = importing.check_workbook(db, admin, register, unit=NEIGHBOUR, today=TODAY)
    assert [p.message for p in preview.errors] == [
        f"Mã vụ việc «VV2026-0000{n}» đã có trong sổ: vụ việc này đã được nhập hoặc ghi "
        "trước đây. Hãy bỏ dòng này, hoặc đổi mã nếu là vụ việc khác." for n in (1, 2)]
    with pytest.raises(ImportRefused) as again:
        importing.import_workbook(db, admin, register, unit=NEIGHBOUR, today=TODAY)
    assert len(errors_of(again.value.problems)) == 2
    # The same file is another unit's register under another code: it comes in.
    assert importing.import_workbook(db, admin, register, unit=THIRD, today=TODAY).count == 2
    # As this office's own, its codes clash with nothing this office numbered.
    assert importing.import_workbook(db, admin, register, today=TODAY).count == 2


def test_another_units_register_keeps_its_codes_and_a_row_without_one_is_refused(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    register = write_book(tmp_path / "thieu-ma.xlsx", [
        case_row(**{"Mã vụ việc": "VV2026-00001", "Ngày phát hiện": "05/10/2026"}),
        case_row(**{"Ngày phát hiện": "06/10/2026", "Tài khoản, kênh": "Trang khác"})])
    with pytest.raises(ImportRefused) as refused:
        importing.import_workbook(db, admin, register, unit=NEIGHBOUR, today=TODAY)
    [problem] = refused.value.problems
    assert problem.row == 3 and problem.message.startswith(
        "Sổ của đơn vị 00007: mỗi vụ việc cần có Mã vụ việc do đơn vị đó cấp")
    assert _units_and_codes(db) == []
    with pytest.raises(UserError, match="Mã đơn vị «7» không đúng: mã đơn vị hành chính gồm 5"):
        importing.check_workbook(db, admin, register, unit="7", today=TODAY)


def test_setting_the_offices_code_gives_it_to_its_cases_and_a_clash_is_refused(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    cases.create_case(db, admin, make_case(), today=TODAY)
    importing.import_workbook(db, admin, _register(tmp_path / "a.xlsx", "VV2026-00001"),
                              unit=NEIGHBOUR, today=TODAY)
    assert _units_and_codes(db) == [("", "VV2026-00001"), (NEIGHBOUR, "VV2026-00001")]
    with pytest.raises(UserError, match="trùng mã với vụ việc của đơn vị mình \\(VV2026-00001\\)"):
        _set_unit(db, admin, NEIGHBOUR)
    assert settings.load_office(db).unit_code == ""
    _set_unit(db, admin, OWN)
    assert _units_and_codes(db) == [(OWN, "VV2026-00001"), (NEIGHBOUR, "VV2026-00001")]
    with pytest.raises(UserError, match="tên đơn vị hành chính"):
        _set_unit(db, admin, OWN, name=" ")


def _rows(conn: Any, table: str) -> list[dict[str, Any]]:
    return [dict(row._mapping) for row in conn.execute(text(f"SELECT * FROM {table}"))]


def _case_with_its_rows(db: Database, admin: Actor) -> int:
    case = cases.create_case(db, admin, make_case(
        children=(ChildInput("Nguyễn Văn An", 2014),), secondary_groups=("DD",)), today=TODAY)
    events.add_event(db, admin, case.id, EventInput("YCG", date(2026, 10, 6)), today=TODAY)
    return case.id


def test_migration_0020_keeps_every_case_and_its_rows_and_gives_them_the_offices_unit(
        db: Database, admin: Actor) -> None:
    """On SQLite and on PostgreSQL: down to 0019 and up again, nothing lost."""
    case_id = _case_with_its_rows(db, admin)
    _set_unit(db, admin, OWN)
    before = cases.get_case(db, admin, case_id)
    config = alembic_config()
    with changing_schema(db.engine) as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0019")
    with changing_schema(db.engine) as conn:
        migrate(conn)
    assert current_revision(db.engine) == HEAD_REVISION
    assert cases.get_case(db, admin, case_id) == before
    assert _units_and_codes(db) == [(OWN, before.code)]


@pytest.mark.sqlite_only("SQLite rebuilds the table of a folder at 0019")
def test_migration_0020_rebuilds_an_sqlite_folders_cases_without_losing_a_row(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    """A folder made at 0019 (the unique constraint in `cases` itself): `cases` is rebuilt
    with foreign keys off, so that its events, children and groups stay, and the full-text
    index still finds it."""
    case_id = _case_with_its_rows(db, admin)
    assert cases.get_case(db, admin, case_id).unit_code == ""
    tables = ("settings", "cases", "events", "children", "case_secondary_groups")
    with db.engine.connect() as conn:
        rows = {table: _rows(conn, table) for table in tables}
    old = make_engine(tmp_path / "0019.sqlite3", db.data_key)
    with old.begin() as conn:
        migrate(conn, "0019")
        for table in tables:
            for row in rows[table]:
                for later in ("unit_code", "last_event_on", "removal_asked_on"):
                    row.pop(later, None)  # columns of later revisions (0020, 0028)
                conn.execute(text(f"INSERT INTO {table} ({', '.join(row)}) VALUES "
                                  f"({', '.join(':' + k for k in row)})"), row)
    with old.begin() as conn, pytest.raises(RuntimeError, match="changing_schema"):
        migrate(conn)  # with foreign keys on, dropping `cases` would empty the others
    with changing_schema(old) as conn:
        migrate(conn)
    with old.connect() as conn:
        assert {table: len(_rows(conn, table)) for table in tables} == {
            table: len(rows[table]) for table in tables}
        assert conn.exec_driver_sql(
            "SELECT rowid FROM case_fts WHERE case_fts MATCH '\"bat coc\"'").scalars().all() == [
            case_id]
        triggers = conn.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'cases'")
        assert triggers.scalar() == 3
        assert conn.exec_driver_sql("SELECT unit_code FROM cases").scalars().all() == [""]
    old.dispose()


def test_init_records_the_unit_and_refuses_a_malformed_code(tmp_path: Path) -> None:
    data = tmp_path / "xa"
    code, _, err = run(["--data-dir", str(data), "init", "--admin", "admin", "--password-stdin",
                        "--unit-code", "0004", "--unit-name", "Xã Minh Tân"], PASSWORD + "\n")
    assert code == 1 and "Mã đơn vị «0004» không đúng" in err
    assert not DataPaths(data).database.exists() and not DataPaths(data).keys.exists()
    code, _, err = run(["--data-dir", str(data), "init", "--admin", "admin", "--password-stdin",
                        "--unit-code", OWN, "--unit-name", "Xã Minh Tân"], PASSWORD + "\n")
    assert (code, err) == (0, "")
    db = open_unlocked(DataPaths(data))
    assert settings.load_office(db).unit == Unit(OWN, "Xã Minh Tân")
    db.dispose()


def test_import_under_a_unit_on_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "xa"
    assert run(["--data-dir", str(data), "init", "--admin", "admin", "--password-stdin",
                "--unit-code", OWN, "--unit-name", "Xã Minh Tân"], PASSWORD + "\n")[0] == 0
    register = _register(tmp_path / "so.xlsx", "VV2026-00001")
    account = ["--data-dir", str(data), "--user", "admin", "--password-stdin"]
    code, _, err = run([*account, "import", str(register), "--unit", "7a"], PASSWORD + "\n")
    assert code == 1 and "Mã đơn vị «7a» không đúng" in err
    code, out, err = run([*account, "import", str(register), "--unit", NEIGHBOUR],
                         PASSWORD + "\n")
    assert (code, err) == (0, "") and out.startswith("Đã nhập 1 vụ việc")
    code, _, err = run([*account, "import", str(register), "--unit", NEIGHBOUR],
                       PASSWORD + "\n")
    assert code == 1 and "«VV2026-00001» đã có trong sổ" in err
    code, out, err = run([*account, "files", f"{NEIGHBOUR}/VV2026-00001"], PASSWORD + "\n")
    assert (code, err) == (0, "")


def test_the_list_shows_the_unit_column_only_once_another_units_cases_are_in(
        qtbot: QtBot, db: Database, admin: Actor, tmp_path: Path) -> None:
    from app.services import vocabulary
    from app.ui.case_list import CaseListView
    from app.ui.prefs import UiPrefs
    from app.ui.tasks import TaskRunner

    _set_unit(db, admin, OWN)
    cases.create_case(db, admin, make_case(), today=TODAY)
    runner = TaskRunner()
    view = CaseListView(db, admin, runner, UiPrefs(db.paths, admin.username),
                        vocabulary.load(db), settings.load_office(db))
    qtbot.addWidget(view)
    view.show()
    with qtbot.waitSignal(view.results_shown, timeout=5000):
        view.refresh()
    headers = [column.header for column in view.visible_columns()]
    assert "Đơn vị" not in headers
    importing.import_workbook(db, admin, _register(tmp_path / "a.xlsx", "VV2026-00001"),
                              unit=NEIGHBOUR, today=TODAY)
    with qtbot.waitSignal(view.results_shown, timeout=5000):
        view.refresh()
    assert view.visible_columns()[-1].header == "Đơn vị"
    model = view.model
    shown = {model.index(row, len(LIST_COLUMNS) - 1).data() for row in range(model.rowCount())}
    assert shown == {OWN, NEIGHBOUR}
    runner.wait()


def test_the_editor_names_another_units_case_by_its_unit() -> None:
    assert case_heading("VV2026-00001", NEIGHBOUR, OWN) == "Vụ việc VV2026-00001 (đơn vị 00007)"
    assert case_heading("VV2026-00001", OWN, OWN) == "Vụ việc VV2026-00001"
    assert case_heading("VV2026-00001", "", "") == "Vụ việc VV2026-00001"


@pytest.mark.parametrize("other", ["00001", "99999"])
def test_the_register_holds_other_units_whatever_their_code_beside_this_offices(
        db: Database, officer: Actor, other: str) -> None:
    """A unit code before or after this office's in the index's order (the list then shows
    each case's unit)."""
    from app.services import units

    own = settings.load_office(db).unit_code
    case_id = cases.create_case(db, officer, make_case(), today=TODAY).id
    assert not units.holds_other_units(db, own)
    with db.write() as session:
        session.get(Case, case_id).unit_code = other  # type: ignore[union-attr]
    assert units.holds_other_units(db, own)
