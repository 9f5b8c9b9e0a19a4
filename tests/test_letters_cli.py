"""`letters`: the register of documents on the command line (shared/spec/cli.md)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from python_calamine import CalamineWorkbook

from app.domain.documents import DocumentKind
from app.paths import DataPaths
from app.services import accounts, cases, documents
from app.services.documents import REGISTER_COLUMNS, ReceivedInput
from tests.conftest import ADMIN_PASSWORD, make_case, open_unlocked
from tests.test_cli import run

TODAY = date.today()  # the command counts lateness from the real today
DAY = timedelta(days=1)


def _folder(tmp_path: Path) -> tuple[Path, str, str]:
    """A folder with a request answered, one overdue and an invitation; their numbers."""
    data = tmp_path / "du lieu"
    code, _, _ = run(["--data-dir", str(data), "init", "--admin", "admin", "--password-stdin"],
                     ADMIN_PASSWORD + "\n")
    assert code == 0
    db = open_unlocked(DataPaths(data))
    try:
        admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
        case = cases.create_case(db, admin, make_case(detected_on=TODAY - 40 * DAY),
                                 today=TODAY)
        late = documents.enter_drafted(
            db, admin, DocumentKind.ESCALATION, [case.id], None, issued_on=TODAY - 30 * DAY,
            recipients="Sở Văn hóa,\tThể thao và Du lịch", reply_by=TODAY - 15 * DAY)
        asked = documents.enter_drafted(
            db, admin, DocumentKind.POLICE_TRANSFER, [case.id], None,
            issued_on=TODAY - 30 * DAY, recipients="Công an tỉnh", reply_by=TODAY - 15 * DAY)
        documents.enter_received(db, admin, ReceivedInput(
            "Công an tỉnh", TODAY - 20 * DAY, their_number="77/CAT", answers_id=asked.id))
        documents.enter_drafted(db, admin, DocumentKind.INVITATION, [case.id], None,
                                issued_on=TODAY - 10 * DAY, recipients="Ông A")
    finally:
        db.dispose()
    return data, late.number, case.code


def _letters(data: Path, *args: str) -> tuple[int, list[list[str]], str]:
    code, out, err = run(["--data-dir", str(data), "--user", "admin", "--password-stdin",
                          "letters", *args], ADMIN_PASSWORD + "\n")
    return code, [line.split("\t") for line in out.splitlines()], err


def test_letters_lists_one_line_per_document_with_tabs(tmp_path: Path) -> None:
    data, late, code = _folder(tmp_path)
    status, lines, err = _letters(data)
    assert status == 0, err
    assert all(len(line) == len(REGISTER_COLUMNS) for line in lines)
    assert [(line[0], line[2]) for line in lines] == [
        ("Đi", "01/GM-VHXH"), ("Đến", "77/CAT"), ("Đi", "01/VHXH"), ("Đi", late)]
    escalation = lines[3]
    assert escalation[4] == "Sở Văn hóa, Thể thao và Du lịch"  # a tab typed is no column
    assert escalation[6] == code and escalation[9] == "Quá hạn"
    assert lines[2][8] == "77/CAT" and lines[1][8] == "01/VHXH"


def test_letters_overdue_and_dates(tmp_path: Path) -> None:
    data, late, _ = _folder(tmp_path)
    status, lines, _ = _letters(data, "--overdue")
    assert status == 0 and [line[2] for line in lines] == [late]
    start = (TODAY - 25 * DAY).isoformat()
    status, lines, _ = _letters(data, "--from", start, "--to", TODAY.isoformat())
    assert [line[2] for line in lines] == ["01/GM-VHXH", "77/CAT"]
    status, _, err = _letters(data, "--from", TODAY.isoformat(), "--to", start)
    assert status == 2 and "--from" in err
    status, _, err = _letters(data, "--from", "31/02/2026")
    assert status == 2


def test_letters_to_excel(tmp_path: Path) -> None:
    data, late, _ = _folder(tmp_path)
    target = tmp_path / "so van ban.xlsx"
    status, lines, err = _letters(data, "--xlsx", str(target))
    assert status == 0, err
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert rows[1] == [h for h, _ in REGISTER_COLUMNS]
    assert [row[2] for row in rows[2:]] == ["01/GM-VHXH", "77/CAT", "01/VHXH", late]
    assert "4 văn bản" in lines[0][0]


def test_letters_without_an_account_is_refused(tmp_path: Path) -> None:
    data, _, _ = _folder(tmp_path)
    code, _, _ = run(["--data-dir", str(data), "letters"])
    assert code == 3
