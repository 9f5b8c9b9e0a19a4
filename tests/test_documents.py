"""The register of documents: numbering per symbol and year, never twice under officers
writing at once, a number typed by hand already used refused, replies ending a request's
wait, the overdue list, the signed copy."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from app.db import Database, open_database
from app.domain.documents import DocumentKind
from app.errors import NotAllowed, UserError
from app.models import AuditEntry, SentDocument
from app.services import audit_log, cases, documents, settings
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.documents import Direction, ReceivedInput, RegisterQuery
from tests.conftest import TODAY, make_case
from tests.stored import stored_bytes

DAY = timedelta(days=1)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def _case(db: Database, actor: Actor, **changes: object) -> int:
    return cases.create_case(db, actor, make_case(**changes), today=TODAY).id


def _send(db: Database, actor: Actor, kind: DocumentKind, case_ids: list[int], *,
          on: date = TODAY, **extra: object) -> documents.RegisterEntry:
    return documents.enter_drafted(db, actor, kind, case_ids, None, issued_on=on,
                                   **extra)  # type: ignore[arg-type]


def test_numbers_run_per_symbol_and_year(db: Database, officer: Actor) -> None:
    case_id = _case(db, officer)
    numbers = [_send(db, officer, kind, [case_id], on=on).number for kind, on in (
        (DocumentKind.INVITATION, date(2026, 3, 2)),
        (DocumentKind.INVITATION, date(2026, 3, 9)),
        (DocumentKind.DECISION, date(2026, 4, 1)),
        # Removal and lock requests are both công văn of the unit: one series.
        (DocumentKind.REMOVAL_REQUEST, date(2026, 4, 2)),
        (DocumentKind.LOCK_REQUEST, date(2026, 4, 3)),
        (DocumentKind.INVITATION, date(2026, 12, 30)),
        # A new year starts again at 1.
        (DocumentKind.INVITATION, date(2027, 1, 4)),
        (DocumentKind.DECISION, date(2027, 1, 5)),
    )]
    assert numbers == ["01/GM-VHXH", "02/GM-VHXH", "01/QĐ-XPHC", "01/VHXH", "02/VHXH",
                       "03/GM-VHXH", "01/GM-VHXH", "01/QĐ-XPHC"]


def test_symbols_are_the_offices_settings(db: Database, admin: Actor, officer: Actor) -> None:
    office = settings.load_office(db)
    symbols = {**office.document_symbols, DocumentKind.INVITATION: "GM-UBND"}
    settings.save_office(db, admin, dataclasses.replace(office, document_symbols=symbols))
    assert settings.load_office(db).document_symbols[DocumentKind.INVITATION] == "GM-UBND"
    [line] = audit_log.search(db, admin, limit=1)
    assert "GM GM-UBND" in line.texts[-1] and "{" not in " ".join(line.texts)
    case_id = _case(db, officer)
    assert _send(db, officer, DocumentKind.INVITATION, [case_id]).number == "01/GM-UBND"
    slash = {**symbols, DocumentKind.DECISION: "QĐ/XPHC"}
    with pytest.raises(UserError, match="dấu «/»"):
        settings.save_office(db, admin, dataclasses.replace(office, document_symbols=slash))


def test_a_number_typed_by_hand_already_used_is_refused(db: Database, officer: Actor) -> None:
    case_id = _case(db, officer)
    _send(db, officer, DocumentKind.INVITATION, [case_id], number=15)
    with pytest.raises(UserError) as refused:
        _send(db, officer, DocumentKind.INVITATION, [case_id], number=15)
    code = cases.get_case(db, officer, case_id).code
    assert str(refused.value).startswith(
        f"Số 15/GM-VHXH năm 2026 đã dùng cho giấy mời làm việc ngày 20/11/2026 "
        f"(vụ việc {code})")
    # Another year, or another symbol, may use it; the next automatic number follows 15.
    assert _send(db, officer, DocumentKind.INVITATION, [case_id], on=date(2027, 1, 2),
                 number=15).number == "15/GM-VHXH"
    assert _send(db, officer, DocumentKind.DECISION, [case_id], number=15).number \
        == "15/QĐ-XPHC"
    assert _send(db, officer, DocumentKind.INVITATION, [case_id]).number == "16/GM-VHXH"
    with db.read() as session:
        assert session.execute(select(SentDocument.id)).all().__len__() == 4


def test_entering_needs_a_case_the_right_and_writes_one_audit_row(
        db: Database, officer: Actor, viewer: Actor) -> None:
    case_id = _case(db, officer)
    with pytest.raises(NotAllowed):
        _send(db, viewer, DocumentKind.INVITATION, [case_id])
    with pytest.raises(UserError, match="ít nhất một vụ việc"):
        _send(db, officer, DocumentKind.INVITATION, [])
    with pytest.raises(UserError, match="Hạn trả lời"):
        _send(db, officer, DocumentKind.ESCALATION, [case_id], reply_by=TODAY - DAY)
    entry = _send(db, officer, DocumentKind.ESCALATION, [case_id],
                  recipients="Sở Văn hóa, Thể thao và Du lịch", subject="Kiến nghị hỗ trợ")
    with db.read() as session:
        row = session.execute(select(AuditEntry).order_by(AuditEntry.id.desc())).scalars().first()
    assert row is not None and row.action == AuditAction.DOCUMENT_SEND
    detail = json.loads(row.detail)
    assert detail["document_number"] == entry.number == "01/BC-VHXH"
    # No free text (recipients, subject) in the log.
    assert "Sở Văn hóa" not in row.detail and "Kiến nghị" not in row.detail


def test_one_letter_covers_several_cases(db: Database, officer: Actor) -> None:
    ids = [_case(db, officer, account=f"Tài khoản {n}") for n in range(3)]
    entry = _send(db, officer, DocumentKind.ESCALATION, ids)
    assert set(entry.case_ids) == set(ids) and len(entry.case_codes) == 3


def _enter_at_once(folder: Database, data_key: bytes, officer: Actor, case_id: int,
                   each: int) -> tuple[list[str], list[BaseException]]:
    """Two officers, each with a connection of their own to the folder, entering `each`
    documents of one symbol at the same moment."""
    start = threading.Barrier(2)
    numbers: list[str] = []
    errors: list[BaseException] = []

    def officer_at_desk() -> None:
        own = open_database(folder.paths)
        own.unlock(data_key)
        try:
            start.wait()
            for _ in range(each):
                numbers.append(_send(own, officer, DocumentKind.INVITATION, [case_id]).number)
        except BaseException as exc:  # reported by the test
            errors.append(exc)
        finally:
            own.dispose()

    desks = [threading.Thread(target=officer_at_desk) for _ in range(2)]
    for desk in desks:
        desk.start()
    for desk in desks:
        desk.join()
    return numbers, errors


def test_two_officers_writing_at_once_never_share_a_number(db: Database,
                                                            officer: Actor) -> None:
    case_id = _case(db, officer)
    numbers, errors = _enter_at_once(db, db.data_key, officer, case_id, each=15)
    assert errors == []
    assert sorted(numbers) == [f"{n:02d}/GM-VHXH" for n in range(1, 31)]


WRITER = """
import sys
from datetime import date
from app.db import open_database
from app.domain.documents import DocumentKind
from pathlib import Path
from app.paths import DataPaths
from app.services import accounts, documents
from tests.conftest import PASSWORD  # the suite's fast password hashing too
db = open_database(DataPaths(Path(sys.argv[1]), sys.argv[4] or None))  # or on a server
db.unlock(bytes.fromhex(sys.argv[2]))
officer = accounts.authenticate(db, "canbo", PASSWORD)
sys.stdout.write("ready\\n"); sys.stdout.flush()
sys.stdin.readline()
for _ in range(10):
    entry = documents.enter_drafted(db, officer, DocumentKind.INVITATION, [int(sys.argv[3])],
                                    None, issued_on=date(2026, 11, 20))
    print(entry.number, flush=True)
db.dispose()
"""


def test_two_programs_writing_at_once_never_share_a_number(db: Database,
                                                           officer: Actor) -> None:
    """Two processes on one encrypted folder, as two programs on a shared register."""
    case_id = _case(db, officer)
    root = Path(__file__).resolve().parent.parent
    programs = [subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db.paths.root), db.data_key.hex(), str(case_id),
         db.paths.server or ""],
        cwd=root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for _ in range(2)]
    for program in programs:
        assert program.stdout is not None and program.stdout.readline() == "ready\n"
    for program in programs:  # both released together
        assert program.stdin is not None
        program.stdin.write("go\n")
        program.stdin.flush()
    printed = []
    for program in programs:
        out, _ = program.communicate(timeout=120)
        assert program.returncode == 0
        printed += out.split()
    assert sorted(printed) == [f"{n:02d}/GM-VHXH" for n in range(1, 21)]


def test_a_reply_linked_ends_the_wait_and_the_overdue_list(db: Database,
                                                             officer: Actor) -> None:
    first, second = _case(db, officer), _case(db, officer, account="Trang khác")
    late = _send(db, officer, DocumentKind.ESCALATION, [first], on=TODAY - 20 * DAY,
                 reply_by=TODAY - 5 * DAY)
    answered = _send(db, officer, DocumentKind.POLICE_TRANSFER, [second],
                     on=TODAY - 20 * DAY, reply_by=TODAY - 5 * DAY)
    due_today = _send(db, officer, DocumentKind.LOCK_REQUEST, [second], on=TODAY - 3 * DAY,
                      reply_by=TODAY)
    _send(db, officer, DocumentKind.INVITATION, [first], on=TODAY - 30 * DAY)
    assert [r.id for r in documents.awaiting_reply(db, officer)] == [
        due_today.id, answered.id, late.id]
    reply = documents.enter_received(db, officer, ReceivedInput(
        "Công an tỉnh (PA05)", TODAY - 2 * DAY, their_number="123/CAT-PA05",
        their_date=TODAY - 3 * DAY, subject="Trả lời", answers_id=answered.id))
    # With no case chosen, a reply belongs to its request's cases.
    assert reply.case_ids == (second,) and reply.linked == (answered.number,)
    overdue = documents.overdue_replies(db, officer, today=TODAY)
    assert [(e.id, e.overdue) for e in overdue] == [(late.id, True)]
    assert [r.id for r in documents.awaiting_reply(db, officer)] == [due_today.id, late.id]
    # Due today is not yet late; tomorrow it is.
    assert {e.id for e in documents.overdue_replies(db, officer, today=TODAY + DAY)} == {
        late.id, due_today.id}
    sent = documents.register(db, officer, RegisterQuery(direction=Direction.SENT), today=TODAY)
    assert next(e for e in sent if e.id == answered.id).linked == ("123/CAT-PA05",)


def test_a_reply_before_its_request_is_refused(db: Database, officer: Actor) -> None:
    case_id = _case(db, officer)
    request = _send(db, officer, DocumentKind.REMOVAL_REQUEST, [case_id])
    with pytest.raises(UserError, match="trước ngày văn bản số 01/VHXH"):
        documents.enter_received(db, officer, ReceivedInput(
            "Công ty Meta", TODAY - DAY, answers_id=request.id))
    with pytest.raises(UserError, match="cơ quan, tổ chức gửi"):
        documents.enter_received(db, officer, ReceivedInput(" ", TODAY))


def test_the_register_filters_and_searches_folded_text(db: Database, officer: Actor) -> None:
    case_id = _case(db, officer)
    code = cases.get_case(db, officer, case_id).code
    invite = _send(db, officer, DocumentKind.INVITATION, [case_id], on=date(2026, 10, 1),
                   recipients="Ông Trần Văn Bình", subject="Mời làm việc về bài đăng")
    decision = _send(db, officer, DocumentKind.DECISION, [case_id], on=date(2026, 11, 2))
    received = documents.enter_received(db, officer, ReceivedInput(
        "Sở Văn hóa, Thể thao và Du lịch", date(2026, 11, 5), their_number="45/SVHTTDL",
        case_ids=(case_id,)))

    def ids(query: RegisterQuery) -> list[tuple[Direction, int]]:
        return [(e.direction, e.id) for e in documents.register(db, officer, query)]

    assert ids(RegisterQuery()) == [(Direction.RECEIVED, received.id),
                                    (Direction.SENT, decision.id), (Direction.SENT, invite.id)]
    assert ids(RegisterQuery(text="tran van binh")) == [(Direction.SENT, invite.id)]
    assert ids(RegisterQuery(text="SỞ VĂN HOÁ")) == [(Direction.RECEIVED, received.id)]
    assert ids(RegisterQuery(text=code.lower())) == ids(RegisterQuery())
    assert ids(RegisterQuery(kind=DocumentKind.DECISION)) == [(Direction.SENT, decision.id)]
    assert ids(RegisterQuery(direction=Direction.RECEIVED)) == [
        (Direction.RECEIVED, received.id)]
    assert ids(RegisterQuery(year=2027)) == []
    assert ids(RegisterQuery(date_from=date(2026, 11, 1), date_to=date(2026, 11, 3))) == [
        (Direction.SENT, decision.id)]
    assert ids(RegisterQuery(text="01/gm-vhxh")) == [(Direction.SENT, invite.id)]


def test_the_signed_copy_is_stored_encrypted_by_its_hash(db: Database, officer: Actor,
                                                          tmp_path: Path) -> None:
    case_id = _case(db, officer)
    entry = _send(db, officer, DocumentKind.DECISION, [case_id])
    scan = tmp_path / "QĐ 01 đã ký.pdf"
    scan.write_bytes(PDF)
    attached = documents.attach_signed_copy(db, officer, entry.id, scan)
    assert attached.signed_copy == "QĐ 01 đã ký.pdf"
    with db.read() as session:
        sha256 = session.get(SentDocument, entry.id).signed_sha256  # type: ignore[union-attr]
    assert sha256 is not None
    assert PDF not in (stored_bytes(db, sha256) or PDF)  # encrypted
    assert documents.open_signed_copy(db, officer, entry.id).read_bytes() == PDF
    # A second copy replaces the first, whose content no one else holds any more.
    again = tmp_path / "ban-ky-lai.pdf"
    again.write_bytes(PDF + b"% ky lai\n")
    documents.attach_signed_copy(db, officer, entry.id, again)
    assert stored_bytes(db, sha256) is None
    fake = tmp_path / "gia.pdf"
    fake.write_bytes(b"not a pdf at all")
    with pytest.raises(UserError, match="nội dung không phải"):
        documents.attach_signed_copy(db, officer, entry.id, fake)
    sheet = tmp_path / "bang.xlsx"
    sheet.write_bytes(b"PK\x03\x04")
    with pytest.raises(UserError, match="bản quét hoặc tệp đã ký"):
        documents.attach_signed_copy(db, officer, entry.id, sheet)


def test_a_signed_copy_outlives_the_same_file_removed_from_evidence_and_is_backed_up(
        db: Database, officer: Actor, tmp_path: Path) -> None:
    from app.services import backup, evidence

    case_id = _case(db, officer)
    entry = _send(db, officer, DocumentKind.DECISION, [case_id])
    scan = tmp_path / "quyet-dinh.pdf"
    scan.write_bytes(PDF)
    documents.attach_signed_copy(db, officer, entry.id, scan)
    added = evidence.add_evidence(db, officer, case_id, scan)
    evidence.remove_evidence(db, officer, added.record.id, "Ghi nhầm vào chứng cứ")
    assert stored_bytes(db, added.record.sha256) is not None
    _, stored, _ = backup._contents(db.engine)
    assert stored == [added.record.sha256]


def test_texts_naming_a_child_are_masked_for_a_viewer_and_in_the_file(
        db: Database, officer: Actor, viewer: Actor, tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    from app.domain.case import ChildInput

    case_id = _case(db, officer, group_code="TE", children=(ChildInput("Lê Thị Bống", 2014),))
    entry = _send(db, officer, DocumentKind.POLICE_TRANSFER, [case_id],
                  subject="Chuyển hồ sơ vụ việc liên quan cháu Lê Thị Bống")
    scan = tmp_path / "chuyen-ho-so.pdf"
    scan.write_bytes(PDF)
    documents.attach_signed_copy(db, officer, entry.id, scan)
    [seen] = documents.register(db, officer, RegisterQuery())
    assert "Lê Thị Bống" in seen.subject
    [masked] = documents.register(db, viewer, RegisterQuery())
    assert "Bống" not in masked.subject and masked.subject.startswith("Chuyển hồ sơ")
    with pytest.raises(NotAllowed):
        documents.open_signed_copy(db, viewer, entry.id)
    target = tmp_path / "so.xlsx"
    documents.export_register(db, officer, RegisterQuery(), target)
    rows = CalamineWorkbook.from_path(str(target)).get_sheet_by_index(0).to_python()
    assert "Bống" not in repr(rows) and rows[2][2] == entry.number


@pytest.mark.sqlite_only("an older version's SQLite folder")
def test_upgrade_to_the_register_keeps_an_encrypted_folders_cases(db: Database,
                                                                 officer: Actor) -> None:
    """A folder of the version before the register (0014) opens at the head with its cases,
    and documents can be entered at once."""
    from alembic import command

    from app.db.engine import make_engine
    from app.db.migrate import HEAD_REVISION, alembic_config, current_revision
    from tests.conftest import open_unlocked

    case_id = _case(db, officer)
    before = cases.get_case(db, officer, case_id)
    paths, data_key = db.paths, db.data_key
    db.dispose()
    engine = make_engine(paths.database, data_key)
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0015")
    engine.dispose()
    again = open_unlocked(paths)
    try:
        assert current_revision(again.engine) == HEAD_REVISION
        assert cases.get_case(again, officer, case_id).data == before.data
        assert _send(again, officer, DocumentKind.INVITATION, [case_id]).number == "01/GM-VHXH"
    finally:
        again.dispose()
