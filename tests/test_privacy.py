"""No child's name reaches a log, a temporary file or a report: realistic flows on the
command line and in the window's task runner, then a scan of every place they may write."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import logging
import random
import shutil
import sqlite3
import subprocess
import unicodedata
import zipfile
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import msoffcrypto
import pytest
from pytestqt.qtbot import QtBot
from python_calamine import CalamineWorkbook
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import errorlog
from app.db import Database, open_database
from app.db.migrate import HEAD_REVISION, current_revision
from app.domain.case import ChildInput, PreparedCase
from app.domain.events import EventInput
from app.domain.labels import PartyKind
from app.domain.vocabulary import EventKind
from app.models import AuditEntry, Case
from app.paths import DataPaths
from app.progress import CancelToken, Progress
from app.services import accounts, audit, audit_log, cases, events, evidence, setup
from app.services import settings as office_settings
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.bulk import insert_cases
from app.text import fold
from tests.cipher_pages import plain_database, plain_wal
from tests.conftest import TODAY, make_case
from tests.crash_writer import OLD_PASSWORD, CrashHarness, old_register
from tests.test_cli import PASSWORD, run
from tests.test_import import case_row, write_book

FILE_PASSWORD = "Khoa-tep-2026"
PROTECTED = ("--protect", "--purpose", "Gửi Sở", "--recipient", "Sở Văn hóa")
CHILDREN = ("Phạm Thị Zuyên Mai", "Đỗ Văn Khzải")
MADE_UP = ("Zuyên", "Khzải")  # the words of those names no other text contains


def _needles() -> list[bytes]:
    """The children's made-up names as they could be written: composed, decomposed, folded."""
    forms = {form for word in MADE_UP for form in (unicodedata.normalize("NFC", word),
                                                   unicodedata.normalize("NFD", word),
                                                   fold(word))}
    return [f.encode(encoding) for f in forms
            for encoding in ("utf-8", "utf-16-le", "utf-16-be")]


def _opened(encrypted: Path, plain: Path) -> Path:
    office = msoffcrypto.OfficeFile(io.BytesIO(encrypted.read_bytes()))
    office.load_key(password=FILE_PASSWORD, verify_password=True)
    with plain.open("wb") as out:
        office.decrypt(out)
    return plain


def _texts(path: Path, data_key: bytes | None = None) -> Iterator[bytes]:
    """The bytes of `path`, and of what it holds when it is a workbook or a PDF, or, with
    the folder's `data_key`, an encrypted database or WAL (every page, free ones too)."""
    data = path.read_bytes()
    yield data
    if data_key is not None and path.name.endswith((".sqlite3", ".sqlite3-wal")) \
            and not data.startswith(b"SQLite format 3"):
        yield (plain_wal if path.name.endswith("-wal") else plain_database)(path, data_key)
    if data.startswith(b"PK"):
        with zipfile.ZipFile(path) as book:
            for member in book.namelist():
                yield book.read(member)
    if data.startswith(b"%PDF") and shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                              check=True).stdout
        yield text.encode() + fold(text).encode()


def _naming_a_child(*places: Path, data_key: bytes | None = None) -> list[str]:
    """The files among `places` (files, or folders searched through) naming a child; with
    `data_key`, in the pages of an encrypted database too."""
    needles = _needles()
    files = [f for place in places
             for f in ([place] if place.is_file() else place.rglob("*")) if f.is_file()]
    return [str(f) for f in files
            if any(n in text for text in _texts(f, data_key) for n in needles)]


def _as_admin(data: Path, *args: str) -> tuple[int, str, str]:
    file_password = f"{FILE_PASSWORD}\n" if "--protect" in args else ""
    return run(["--data-dir", str(data), "--user", "admin", "--password-stdin", *args],
               f"{PASSWORD}\n{file_password}")


def _register(path: Path, *, broken: bool = False) -> Path:
    rows = [case_row(**{"Mã vụ việc": f"TE-{n}", "Nhóm hành vi vi phạm": "TE",
                        "Tài khoản, kênh": f"Trang {n}",
                        "Trẻ em liên quan": f"{child} ({2014 if not broken else 2031}, nữ)"})
            for n, child in enumerate(CHILDREN, start=1)]
    return write_book(path, rows)


def test_command_line_flows_leave_no_childs_name_in_logs_temporary_files_or_reports(
        tmp_path: Path, system_temp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data, out = tmp_path / "du-lieu", tmp_path / "xuat"
    out.mkdir()
    assert run(["--data-dir", str(data), "init", "--admin", "admin", "--password-stdin"],
               PASSWORD + "\n")[0] == 0
    # Failing validation, then the import itself.
    code, _, err = _as_admin(data, "import", str(_register(tmp_path / "loi.xlsx", broken=True)))
    assert code == 1 and "Không nhập vụ việc nào" in err
    assert _as_admin(data, "import", str(_register(tmp_path / "so.xlsx")))[0] == 0
    # The report and a full export, then one that fails once its rows are written (where
    # the folder to save in should be is a file): the rows must not wait anywhere.
    assert _as_admin(data, "report", "--month", "2026-10", "--xlsx", str(out / "bc.xlsx"),
                     "--pdf", str(out / "bc.pdf"))[0] == 0
    assert _as_admin(data, "export-cases", str(tmp_path / "toan-bo.xlsx"), *PROTECTED)[0] == 0
    (out / "tep").write_bytes(b"")
    code, _, err = _as_admin(data, "export-cases", str(out / "tep" / "toan-bo.xlsx"),
                             *PROTECTED)
    assert code == 1 and "Không ghi được" in err
    # A bug whose error messages carry a child's name, down to the database's parameters.

    def broken_export(*_args: object, **_kwargs: object) -> None:
        try:
            raise IntegrityError("INSERT INTO children ...", {"full_name": CHILDREN[0]},
                                 sqlite3.IntegrityError("UNIQUE constraint failed"))
        except IntegrityError as exc:
            raise RuntimeError(f"không xuất được vụ việc có trẻ {CHILDREN[1]}") from exc

    monkeypatch.setattr("app.cli.cases_io.export_cases", broken_export)
    code, _, err = _as_admin(data, "export-cases", str(out / "loi.xlsx"))
    assert code == 1 and "Có lỗi không mong đợi" in err and CHILDREN[1] not in err

    log = errorlog.log_file(DataPaths(data)).read_text(encoding="utf-8")
    assert "builtins.RuntimeError" in log and "sqlalchemy.exc.IntegrityError" in log
    assert "in broken_export" in log  # where it was raised, without what it said
    paths = DataPaths(data)
    # Everything but the register itself (database, evidence, backups), which must hold them.
    beside_the_register = [p for p in data.iterdir() if not p.name.startswith(
        paths.database.name) and p not in (paths.evidence, paths.backups)]
    assert beside_the_register and _naming_a_child(*beside_the_register) == []
    assert _naming_a_child(out, system_temp) == []
    assert sorted(p.name for p in out.iterdir()) == ["bc.pdf", "bc.xlsx", "tep"]
    assert list(system_temp.iterdir()) == []
    # The full export names them, encrypted: the scan finds them once it is opened.
    assert _naming_a_child(tmp_path / "toan-bo.xlsx") == []
    assert _naming_a_child(_opened(tmp_path / "toan-bo.xlsx", tmp_path / "mo.xlsx"))


def test_a_failed_task_in_the_window_is_logged_without_its_message(
        tmp_path: Path, qtbot: QtBot) -> None:
    from app.ui.tasks import TaskRunner

    paths = DataPaths(tmp_path / "du-lieu")
    root = logging.getLogger()
    level = root.level
    handler = errorlog.install(paths)  # as the window does
    failures: list[str] = []
    try:
        def task(_p: Progress, _t: CancelToken) -> None:
            raise ValueError(f"Trẻ em {CHILDREN[0]} không hợp lệ")

        runner = TaskRunner()
        runner.start(task, on_failure=failures.append)
        qtbot.waitUntil(lambda: bool(failures))
        runner.wait()
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        handler.close()
    log = errorlog.log_file(paths).read_text(encoding="utf-8")
    assert "background task failed" in log and "builtins.ValueError" in log
    assert _naming_a_child(paths.logs) == []


# The audit log ---------------------------------------------------------------------------


def _names_a_child(text: str) -> bool:
    """Whether `text` holds a made-up word, in any form, or once folded."""
    forms = {form for word in MADE_UP for form in (unicodedata.normalize("NFC", word),
                                                   unicodedata.normalize("NFD", word))}
    return any(form in text for form in forms) or any(
        fold(word) in fold(text) for word in MADE_UP)


def _audit_details(db: Database) -> list[tuple[str, str]]:
    with db.read() as session:
        return [(row.action, row.detail) for row in session.execute(
            select(AuditEntry).order_by(AuditEntry.id)).scalars()]


def _details_of(db: Database, action: AuditAction) -> list[dict[str, Any]]:
    return [json.loads(detail) for name, detail in _audit_details(db) if name == action]


def test_the_audit_log_and_its_export_say_what_changed_without_free_text_or_particulars(
        db: Database, admin: Actor, officer: Actor, leader: Actor, tmp_path: Path) -> None:
    reason = f"Ghi trùng với vụ của cháu {CHILDREN[0]}"
    child = ChildInput(CHILDREN[0], 2014, school_class="Lớp 3A", address="Ấp Khzải")
    case = cases.create_case(db, officer, make_case(group_code="TE", children=(child,)),
                             today=TODAY)
    moved = dataclasses.replace(child, uuid=case.data.children[0].uuid,
                                school_class="Trường Tiểu học Zuyên Hà")
    edited = dataclasses.replace(
        case.data, platform_code="YT", summary=f"Đăng ảnh cháu {CHILDREN[0]} bị đánh",
        offender_kind=PartyKind.PERSON, offender_name=CHILDREN[1],
        offender_address="Xóm Zuyên", children=(moved,))
    case = cases.update_case(db, officer, case.id, edited, expected_version=case.version,
                             today=TODAY)
    case = events.add_event(db, officer, case.id, EventInput(EventKind.VERIFY, TODAY),
                            today=TODAY)
    event_id = case.events[-1].id
    events.edit_event(db, officer, event_id, EventInput(
        EventKind.VERIFY, TODAY, document_number="12/Zuyên", note=reason), today=TODAY)
    events.void_event(db, officer, event_id, reason)
    inbox = tmp_path / "tep"
    inbox.mkdir()
    (inbox / f"{CHILDREN[0]}.txt").write_text("Ảnh chụp bài đăng", encoding="utf-8")
    added = evidence.add_evidence(db, officer, case.id, inbox / f"{CHILDREN[0]}.txt")
    evidence.remove_evidence(db, officer, added.record.id, reason)
    cases.delete_case(db, leader, case.id, reason)

    assert [a for a, d in _audit_details(db) if _names_a_child(d)] == []
    [update] = _details_of(db, AuditAction.CASE_UPDATE)
    assert update == {"code": case.code,
                      "changed": ["platform_code", "summary", "offender_kind", "offender_name",
                                  "offender_address", "children"],
                      "values": {"platform_code": ["FB", "YT"],
                                 "offender_kind": [None, "person"], "children": [1, 1]}}
    [edit] = _details_of(db, AuditAction.EVENT_EDIT)
    assert (edit["changed"], edit["values"]) == (["document_number", "note"], {})
    # The reason stays with what it explains.
    with db.read() as session:
        deleted = session.get(Case, case.id)
        assert deleted is not None and deleted.deleted_reason == reason

    book = tmp_path / "nhat-ky.xlsx"
    audit_log.export(db, admin, book, audit_log.search(db, admin))
    with CalamineWorkbook.from_path(str(book)) as workbook:
        cells = [str(value) for name in workbook.sheet_names
                 for row in workbook.get_sheet_by_name(name).to_python() for value in row
                 if value != ""]
    assert any("Nền tảng (Facebook → YouTube)" in cell for cell in cells)
    assert [cell for cell in cells if _names_a_child(cell)] == []


# Audit rows as the version at revision 0005 wrote them.
OLD_AUDIT_ROWS: tuple[tuple[AuditAction, dict[str, Any]], ...] = (
    (AuditAction.CASE_UPDATE, {
        "Tóm tắt nội dung": ["Tin cũ", f"Bài đăng về cháu {CHILDREN[0]}"],
        "Nền tảng": ["FB", "YT"], "Họ tên đối tượng": [None, CHILDREN[1]],
        "children": [["P.T.Z.M."], ["P.T.Z.M.", "Đ.V.K."]], "defamed": [[], ["Bà Zuyên"]],
        "Nhãn đã bỏ": [None, "Zuyên"]}),
    (AuditAction.EVENT_EDIT, {"code": "VV-1", "event": "e-1", "changes": {
        "kind": ["XM", "MLV"], "note": [None, f"Gọi cháu {CHILDREN[1]}"]}}),
    (AuditAction.EVENT_VOID, {"code": "VV-1", "event": "e-1", "reason": "Nhầm cháu Zuyên"}),
    (AuditAction.CASE_REOPEN, {"code": "VV-1", "event": "e-2", "reason": "Cháu Khzải"}),
    (AuditAction.EVIDENCE_ADD, {"code": "VV-1", "evidence": "f-1", "sha256": "ab", "size": 3,
                                "name": "Zuyen-Mai.png"}),
    (AuditAction.EVIDENCE_REMOVE, {"code": "VV-1", "evidence": "f-1", "sha256": "ab",
                                   "size": 3, "name": "Zuyen-Mai.png", "reason": "Khzải"}),
    (AuditAction.CASE_PRINT, {"code": "VV-1", "children": 0, "children_unmasked": False,
                              "file": "phieu Khzải.pdf"}),
    (AuditAction.REPORT, {"action": "chốt số liệu", "period": "Tháng 9 năm 2026",
                          "number": "12/BC", "version": 2, "reason": "Thiếu vụ cháu Zuyên"}),
    (AuditAction.CASE_DELETE, {"code": "VV-1", "reason": f"Trùng, cháu {CHILDREN[0]}"}),
)


def old_audit_log(paths: DataPaths) -> None:
    """A data folder at revision 0005 whose audit log names children as that version did
    (its database not yet encrypted), each row hashed into the chain as it did."""
    old_register(paths, 0, "0005")
    with closing(sqlite3.connect(paths.database)) as conn, conn:
        (prev_hash,) = conn.execute("SELECT hash FROM audit_log ORDER BY id DESC").fetchone()
        for action, detail in OLD_AUDIT_ROWS:
            at = datetime.now(UTC)
            row = ["canbo", str(action), "case", "u-1",
                   json.dumps(detail, ensure_ascii=False, sort_keys=True)]
            row_hash = hashlib.sha256(json.dumps([prev_hash, at.isoformat(), *row],
                                                 ensure_ascii=False).encode()).hexdigest()
            conn.execute("INSERT INTO audit_log (at, username, action, entity, entity_uuid, "
                         "detail, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                         (f"{at:%Y-%m-%d %H:%M:%S.%f}", *row, prev_hash, row_hash))
            prev_hash = row_hash


def test_upgrading_strips_old_audit_rows_of_free_text_and_leaves_no_trace_in_the_file(
        paths: DataPaths) -> None:
    old_audit_log(paths)
    assert _naming_a_child(paths.database)  # the scan finds names where they are
    db = open_database(paths)
    accounts.authenticate(db, "admin", OLD_PASSWORD)
    try:
        assert current_revision(db.engine) == HEAD_REVISION
        assert [a for a, d in _audit_details(db) if _names_a_child(d)] == []
        with db.read() as session:
            assert audit.verify_chain(session) == []
        [update] = _details_of(db, AuditAction.CASE_UPDATE)
        assert sorted(update["changed"]) == sorted([
            "summary", "platform_code", "offender_name", "children", "defamed", "Nhãn đã bỏ"])
        assert update["values"] == {"platform_code": ["FB", "YT"], "children": [1, 2],
                                    "defamed": [0, 1]}
        [edit] = _details_of(db, AuditAction.EVENT_EDIT)
        assert edit == {"code": "VV-1", "event": "e-1", "changed": ["kind", "note"],
                        "values": {"kind": ["XM", "MLV"]}}
        [removed] = _details_of(db, AuditAction.EVIDENCE_REMOVE)
        assert removed == {"code": "VV-1", "evidence": "f-1", "sha256": "ab", "size": 3}
        files = list(paths.database.parent.glob(paths.database.name + "*"))
        assert paths.database in files
        assert _naming_a_child(*files, data_key=db.data_key) == []
        data_key = db.data_key
    finally:
        db.dispose()
    files = list(paths.database.parent.glob(paths.database.name + "*"))
    assert _naming_a_child(*files, data_key=data_key) == []


@pytest.mark.slow
def test_a_protected_export_killed_at_any_moment_leaves_no_plain_text_anywhere(
        tmp_path: Path, system_temp: Path) -> None:
    """SIGKILL at moments spread over the export (more of them near its end, where the file
    is put together and written), then a scan of the system's temporary folder (the child's
    own) and of the target's folder: encrypted bytes at most, never a workbook in the clear."""
    paths = DataPaths(tmp_path / "du-lieu")
    db = setup.init_data_folder(paths, "admin", PASSWORD)
    office = office_settings.load_office(db)
    with db.write() as session:
        insert_cases(session, [PreparedCase(make_case(
            account=f"Trang {n}", children=(ChildInput(CHILDREN[n % 2], 2014),)))
            for n in range(2_000)], username="admin", code_pattern=office.case_code_pattern,
            recorded_unit=None)
    data_key = db.data_key
    db.dispose()
    out = tmp_path / "xuat"
    out.mkdir()
    target = out / "toan-bo.xlsx"
    command = ["export", str(paths.root), data_key.hex(), str(target)]
    harness = CrashHarness()  # started now, so that its children have the private temp folder
    try:
        full = harness.run(command, kill_after=None)
        assert full.lines == ["exported"]
        assert target.read_bytes().startswith(b"\xd0\xcf\x11\xe0")  # encrypted: an OLE file
        target.unlink()
        seed = random.randrange(1 << 32)
        rng = random.Random(seed)
        moments = [(k + rng.random()) / 4 * full.seconds for k in range(4)]
        moments += [(0.75 + 0.15 * rng.random()) * full.seconds for _ in range(3)]
        killed = 0
        for moment in moments:
            result = harness.run(command, kill_after=moment)
            killed += result.killed
            where = f"seed {seed}, kill at {moment:.2f} of {full.seconds:.2f} s"
            files = [f for folder in (out, system_temp) for f in folder.rglob("*")]
            assert [f for f in files if f.read_bytes().startswith(b"PK")] == [], where
            assert _naming_a_child(out, system_temp) == [], where
        # A killed run may be faster than the measured one: a late kill may find it done.
        assert killed >= len(moments) // 2, f"seed {seed}: the export ended before most kills"
    finally:
        harness.close()
    assert list(system_temp.iterdir()) == []
