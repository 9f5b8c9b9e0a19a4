"""Purging deleted cases after their retention period leaves no trace of their text."""

from __future__ import annotations

import dataclasses
import json
import shutil
import unicodedata
from datetime import timedelta
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import event, func, select, update
from sqlalchemy.pool import ConnectionPoolEntry

from app.db import Database
from app.domain.case import ChildInput, DefamedInput
from app.domain.events import EventInput
from app.domain.vocabulary import EventKind
from app.errors import NotAllowed
from app.models import AuditEntry, Case, Child, DefamedParty, Event, Evidence
from app.models.base import utcnow
from app.services import audit, cases, events, evidence, purge, settings
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.search import CaseQuery, search_case_ids
from app.ui.admin import AdminScreen, purge_view
from app.ui.tasks import TaskRunner
from tests.conftest import ADMIN_PASSWORD, TODAY, make_case, open_unlocked

MARKER = "Zqxwvmarker"  # in the purged case's text, child, party, event and evidence
LATER = timedelta(days=400)  # past the default retention of 365 days


def _without_secure_delete(db: Database) -> None:
    """Connections that leave deleted bytes in place, as SQLite does by default on Windows
    (this Linux build zeroes them already, which would hide a missing erase)."""
    db.engine.dispose()

    def plain(dbapi_connection: object, _record: ConnectionPoolEntry) -> None:
        dbapi_connection.execute("PRAGMA secure_delete = OFF")  # type: ignore[attr-defined]

    event.listen(db.engine, "connect", plain)


def _traces(db: Database) -> list[str]:
    """Files of the data folder's database, WAL (their pages decrypted, free ones too) and
    evidence store holding the marker."""
    from tests.test_privacy import _texts

    needles = (MARKER.encode(), MARKER.lower().encode(), MARKER.encode("utf-16-le"))
    files = [db.paths.database, db.paths.database.with_name(db.paths.database.name + "-wal"),
             *db.paths.evidence.rglob("*")]
    return [p.name for p in files if p.is_file()
            and any(n in text for text in _texts(p, db.data_key) for n in needles)]


def _evidence_file(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.sqlite_only("reads the SQLite file and its WAL")
def test_a_purged_case_leaves_no_trace_in_database_wal_or_evidence(
        db: Database, admin: Actor, tmp_path: Path) -> None:
    _without_secure_delete(db)
    shared = _evidence_file(tmp_path / "tep", "chung.txt", "Ảnh chụp chung hai vụ việc")
    kept = cases.create_case(db, admin, make_case(account="Trang giữ lại"), today=TODAY)
    evidence.add_evidence(db, admin, kept.id, shared)
    doomed = cases.create_case(db, admin, make_case(
        group_code="TE", summary=f"Đăng ảnh cháu {MARKER} kèm địa chỉ nhà.",
        offender_name=f"Nguyễn {MARKER}", account=f"Trang {MARKER}",
        children=(ChildInput(f"Lê {MARKER}", 2014, school_class=f"Lớp 6A {MARKER}"),),
        secondary_groups=("DD",),
        defamed=(DefamedInput(f"Bà {MARKER}", words_complained=f"gọi là {MARKER}"),)),
        today=TODAY)
    events.add_event(db, admin, doomed.id, EventInput(
        EventKind.INVITE, TODAY, note=f"Mời anh {MARKER} làm việc"), today=TODAY)
    evidence.add_evidence(db, admin, doomed.id, shared)
    evidence.add_evidence(db, admin, doomed.id,
                          _evidence_file(tmp_path / "tep", "rieng.txt", f"Tin nhắn của {MARKER}"))
    cases.delete_case(db, admin, doomed.id, "Ghi trùng")
    with db.read() as session:
        files_before = session.execute(select(func.count(func.distinct(Evidence.sha256))))\
            .scalar_one()
    assert files_before == 2 and _traces(db)  # the marker is there to be found

    assert purge.find_expired(db, admin).count == 0  # deleted today: still restorable
    assert purge.purge_expired(db, admin) == purge.PurgeResult(cases=0, files=0)
    assert purge.find_expired(db, admin, now=utcnow() + LATER).count == 1

    assert purge.purge_expired(db, admin, now=utcnow() + LATER) == purge.PurgeResult(1, 1)

    assert _traces(db) == []
    assert db.paths.database.with_name(db.paths.database.name + "-wal").stat().st_size == 0
    with db.read() as session:
        for model in (Case, Child, DefamedParty, Event, Evidence):
            rows = session.execute(select(func.count()).select_from(model)).scalar_one()
            assert rows == (0 if model in (Child, DefamedParty, Event) else 1), model
        purges = list(session.execute(select(AuditEntry).where(
            AuditEntry.action == str(AuditAction.PURGE))).scalars())
        assert audit.verify_chain(session) == []
    assert [json.loads(p.detail)["cases"] for p in purges] == [0, 1]
    assert json.loads(purges[1].detail) == {"cases": 1, "codes": [doomed.code], "files": 1,
                                            "retention_days": 365}
    assert search_case_ids(db, CaseQuery(text=MARKER, deleted=True)) == []
    assert search_case_ids(db, CaseQuery(text="giu lai")) == [kept.id]
    db.dispose()
    assert _traces(db) == []


def test_the_retention_period_is_an_office_setting(db: Database, admin: Actor) -> None:
    settings.save_office(db, admin, dataclasses.replace(settings.load_office(db),
                                                        deleted_retention_days=30))
    case = cases.create_case(db, admin, make_case(), today=TODAY)
    cases.delete_case(db, admin, case.id, "Nhầm")
    expired = purge.find_expired(db, admin, now=utcnow() + timedelta(days=31))
    assert (expired.count, expired.retention_days) == (1, 30)
    assert expired.deleted_before == (utcnow() + timedelta(days=1)).astimezone().date()
    assert purge.find_expired(db, admin, now=utcnow() + timedelta(days=29)).count == 0


def test_a_pre_restore_folder_left_in_clear_is_named_not_removed(db: Database,
                                                                 admin: Actor) -> None:
    """A restore keeps the parts it replaced in clear only when their database could not be
    backed up: the only copy of them, for an administrator to look at."""
    folder = db.paths.backups / "truoc-khoi-phuc-20260101-080000"
    folder.mkdir(parents=True)
    (folder / "sovipham.sqlite3").write_bytes(b"SQLite format 3\x00")
    assert purge.purge_expired(db, admin).left == (folder,)
    assert folder.is_dir()


def test_only_administrators_purge(db: Database, leader: Actor) -> None:
    with pytest.raises(NotAllowed, match="xóa hẳn"):
        purge.purge_expired(db, leader)
    with pytest.raises(NotAllowed):
        purge.find_expired(db, leader)


def test_the_admin_screen_counts_confirms_and_purges(qtbot: QtBot, db: Database, admin: Actor,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:

    case = cases.create_case(db, admin, make_case(), today=TODAY)
    cases.delete_case(db, admin, case.id, "Ghi trùng")
    with db.write() as session:  # deleted long ago
        session.execute(update(Case).values(deleted_at=utcnow() - LATER))
    screen = AdminScreen(db, admin, TaskRunner(), lambda change: screen.refresh_for(change))
    qtbot.addWidget(screen)
    screen.show()
    screen.setCurrentWidget(screen.purge)
    view = screen.purge
    qtbot.waitUntil(lambda: view.purge_button.isEnabled())
    assert "Có 1 vụ việc đã xóa trước ngày" in view.summary.text()
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(purge_view.QMessageBox, "question", lambda *_: answers.pop(0))
    view.confirm_and_purge()  # "No": nothing happens
    assert search_case_ids(db, CaseQuery(deleted=True)) == [case.id]
    view.confirm_and_purge()
    qtbot.waitUntil(lambda: "Đã xóa hẳn 1 vụ việc" in view.feedback.text())
    qtbot.waitUntil(lambda: "Không có vụ việc nào" in view.summary.text())
    assert search_case_ids(db, CaseQuery(deleted=True)) == []
    assert not view.purge_button.isEnabled()


CHILD = "Đặng Thị Thuỳ Zuyến"
MINOR = "Hứa Vĩnh Khiêm"  # the offender, 13
SCHOOL = "Trường THCS Lê Lợi"
# Parts of their names no other text has, at least 6 characters so that no ciphertext
# matches by chance.
MARKERS = ("Thuỳ Zuyến", "Đặng Thị Thuỳ", "Vĩnh Khiêm", "Hứa Vĩnh")


def _unaccented(text: str) -> str:
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    return "".join(c for c in plain if not unicodedata.combining(c))


def _name_needles() -> list[bytes]:
    """The markers composed, decomposed, unaccented, in upper and lower case, as UTF-8 and
    UTF-16-LE."""
    forms = set()
    for marker in MARKERS:
        for text in (marker, _unaccented(marker)):
            for cased in (text, text.upper(), text.lower()):
                forms |= {unicodedata.normalize("NFC", cased), unicodedata.normalize("NFD", cased)}
    return [f.encode(encoding) for f in forms for encoding in ("utf-8", "utf-16-le")]


def _naming(*places: Path, data_key: bytes) -> list[str]:
    """Every file under `places` whose bytes, or the members of a workbook, the text of a
    PDF or the pages of an encrypted database (tests/test_privacy.py), hold a marker."""
    from tests.test_privacy import _texts

    needles = _name_needles()
    files = [f for place in places for f in place.rglob("*") if f.is_file()]
    assert files
    return [str(f) for f in files
            if any(n in text for text in _texts(f, data_key) for n in needles)]


def test_a_purged_case_leaves_no_name_in_any_file_the_program_wrote(
        qtbot: QtBot, db: Database, admin: Actor, leader: Actor, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    from app.db.migrate import backup_before_migration
    from app.domain.periods import Period
    from app.domain.report import ReportText
    from app.services import audit_log, backup, case_sheet, report_register, vocabulary
    from app.services.report_export import Targets, export_report
    from app.services.report_register import default_file
    from app.ui.case_list import CaseListView
    from app.ui.filters import drop_saved_search_text
    from app.ui.prefs import UiPrefs

    home, work = tmp_path / "nha", tmp_path / "thu-muc-lam-viec"  # where exports go by default
    for folder in (home, work):
        folder.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.chdir(work)
    paths, data_key = db.paths, db.data_key
    _without_secure_delete(db)
    kept = cases.create_case(db, admin, make_case(account="Trang giữ lại"), today=TODAY)
    doomed = cases.create_case(db, admin, make_case(
        group_code="TE", detected_on=TODAY, summary=f"Clip bắt nạt em {CHILD} bị phát tán.",
        notes=f"Mẹ em {CHILD} đã trình báo.", offender_name=MINOR, offender_birth_year=2013,
        offender_address=f"Cùng lớp với {CHILD}",
        children=(ChildInput(CHILD, 2013, school_class=f"Lớp 7A, {SCHOOL}",
                             address="Tổ 5, phường Minh Khai", notes=f"{CHILD} đang sợ hãi"),)),
        today=TODAY)
    photo = _evidence_file(tmp_path / "tep", f"Tin nhắn {CHILD}.txt", f"Gửi {CHILD}: …")
    item = evidence.add_evidence(db, admin, doomed.id, photo).record
    evidence.open_evidence(db, leader, item.id)  # a decrypted copy for the system viewer
    # Backups: automatic, a copy before an upgrade, a snapshot a crash left, a restore.
    archive = backup.automatic_backup(db, admin).path
    backup_before_migration(db.engine, paths, "0004", data_key)
    shutil.copy(paths.database, paths.backups / ".ban-chup-k2j4h.sqlite3")
    backup.restore_backup(paths, archive, current=db, actor=admin, username="admin",
                          secret=ADMIN_PASSWORD)  # the session is the leader's
    db = open_unlocked(paths)  # the next start
    db.unlock(data_key)
    _without_secure_delete(db)
    # The window: a filter saved with the name in the search box, one an older version left.
    old = UiPrefs(paths, "canbo")
    old.set_json("saved_filters", {"Cũ": {"text": CHILD, "has_children": True}})
    prefs = UiPrefs(paths, "lanhdao")
    runner = TaskRunner()
    view = CaseListView(db, leader, runner, prefs, vocabulary.load(db),
                        settings.load_office(db))
    qtbot.addWidget(view)
    view.filters.search.setText(CHILD)
    view.filters.save_filter("Vụ trẻ em tháng 11")
    runner.wait()
    drop_saved_search_text(paths)  # as the window does when it opens
    # The printout where it is offered by default (one in full is never in the data
    # folder); the log and the report exported.
    masked = case_sheet.print_case_sheet(db, leader, doomed.id,
                                         case_sheet.default_path(paths, doomed.code))
    audit_log.export(db, admin, Path("nhat-ky.xlsx"), audit_log.search(db, admin))
    month = Period.month(TODAY.year, TODAY.month)
    export_report(db, leader, month, Targets(home / default_file(month, ".xlsx"),
                                             home / default_file(month, ".pdf")))
    report_register.send_report(db, leader, month, ReportText("15", TODAY, "Báo cáo tháng."))
    everywhere = (paths.root, home, work)
    found = _naming(*everywhere, data_key=data_key)
    for place in (paths.database, paths.root / ".xem" / item.sha256[:16]):
        assert any(f.startswith(str(place)) for f in found), place  # the markers are there
    assert (work / "nhat-ky.xlsx").exists() and list(paths.reports.iterdir())

    cases.delete_case(db, admin, doomed.id, "Đã chuyển cơ quan khác")
    result = purge.purge_expired(db, admin, now=utcnow() + LATER)
    assert (result.cases, result.files, result.left) == (1, 1, ())
    assert result.backup is not None and not list(paths.backups.glob("truoc-nang-cap-*"))

    assert _naming(*everywhere, data_key=data_key) == []
    db.dispose()
    assert _naming(*everywhere, data_key=data_key) == []
    assert not masked.exists() and not list(paths.backups.glob(".ban-chup-*"))
    db = open_unlocked(paths)
    db.unlock(data_key)
    assert cases.get_case(db, admin, kept.id).data.account == "Trang giữ lại"
    db.dispose()
