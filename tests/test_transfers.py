"""Case transfers between offices (shared/spec/exchange.md "Case transfer package"): a case
moves whole with its evidence to the one unit it is sealed for, arrives once, the newer
version wins, and a package altered, cut, foreign or unsigned is refused with nothing
written. The receiving register is the test's `db` (a server's in server mode); the other
offices are folders of their own."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import struct
import threading
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from pytestqt.qtbot import QtBot
from sqlalchemy import func, select, update

from app.db import Database
from app.db.migrate import HEAD_REVISION, alembic_config, current_revision
from app.db.schema import changing_schema, migrate
from app.domain.case import ChildInput
from app.domain.events import EventInput
from app.domain.labels import Role, TransferDirection, TransferOutcome
from app.domain.office import OfficeSettings
from app.errors import NotAllowed, UserError
from app.models import AuditEntry, Case, CaseTransfer, Child, Evidence
from app.paths import DataPaths
from app.services import (
    accounts,
    cases,
    events,
    evidence,
    evidence_store,
    settings,
    setup,
    transfer_package,
    transfers,
    unit_keys,
    vocabulary,
)
from app.services.actor import Actor
from app.services.audit import AuditAction
from tests.conftest import ADMIN_PASSWORD, TODAY, make_case, marker_forms
from tests.test_evidence import TINY_PNG

CHILD = "Nguyễn Văn An"
RECEIVER = ("00007", "Xã Minh Tân")


@dataclasses.dataclass
class Office:
    db: Database
    admin: Actor
    code: str
    key_file: Path


def _office(root: Path, code: str, name: str) -> Office:
    paths = DataPaths(root / f"don-vi-{code}")
    db = setup.init_data_folder(paths, "admin", ADMIN_PASSWORD, "Quản trị viên",
                                office=OfficeSettings(unit_code=code, unit_title=name))
    return _keyed(db, accounts.authenticate(db, "admin", ADMIN_PASSWORD), code, root)


def _keyed(db: Database, admin: Actor, code: str, root: Path) -> Office:
    key_file = root / f"khoa-{code}.json"
    unit_keys.write_unit_key(db, admin, key_file)
    return Office(db, admin, code, key_file)


def _trust(office: Office, *others: Office) -> None:
    for other in others:
        unit_keys.trust_unit(office.db, office.admin, other.key_file)


@pytest.fixture
def receiver(db: Database, admin: Actor, tmp_path: Path) -> Office:
    settings.save_office(db, admin, dataclasses.replace(
        settings.load_office(db), unit_code=RECEIVER[0], unit_title=RECEIVER[1]))
    return _keyed(db, admin, RECEIVER[0], tmp_path)


@pytest.fixture
def sender(tmp_path: Path, receiver: Office) -> Iterator[Office]:
    office = _office(tmp_path, "00004", "Phường Ba Đình")
    _trust(office, receiver)
    _trust(receiver, office)
    yield office
    office.db.dispose()


@pytest.fixture
def third(tmp_path: Path, receiver: Office, sender: Office) -> Iterator[Office]:
    """A third office that knows both others' keys."""
    office = _office(tmp_path, "00010", "Phường Hoàn Kiếm")
    _trust(office, receiver, sender)
    _trust(sender, office)
    yield office
    office.db.dispose()


def _evidence_file(folder: Path, name: str, content: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(content)
    return folder / name


def _case_with_evidence(office: Office, tmp_path: Path, **changes: Any) -> tuple[str, dict[str,
                                                                                         bytes]]:
    """A case with an event and two evidence files; its code and the files' contents."""
    made = cases.create_case(office.db, office.admin, make_case(**changes), today=TODAY)
    events.add_event(office.db, office.admin, made.id,
                     EventInput(kind="XM", occurred_on=TODAY, note="Đã xác minh tài khoản."))
    contents = {f"anh-{n}.png": TINY_PNG + f"chung-cu-{made.code}-{n}".encode() for n in (1, 2)}
    for name, content in contents.items():
        evidence.add_evidence(office.db, office.admin, made.id,
                              _evidence_file(tmp_path / "nguon", name, content))
    return made.code, contents


def _snapshot(db: Database) -> tuple[int, ...]:
    """What a refused package must leave as it was: the cases, their rows, the log, the
    provenance and the evidence store."""
    with db.read() as session:
        counted = tuple(session.execute(select(func.count()).select_from(model)).scalar_one()
                        for model in (Case, Child, Evidence, CaseTransfer, AuditEntry))
    staged = len(list(db.paths.evidence.glob(".incoming-*"))) if db.paths.evidence.exists() \
        else 0
    return (*counted, len(evidence_store.stored_hashes(db.paths)), staged)


def _received_case(db: Database, code: str, unit: str) -> Case:
    with db.read() as session:
        case = session.execute(select(Case).where(Case.code == code, Case.unit_code == unit)
                               ).scalar_one()
        session.expunge(case)
        return case


def _evidence_of(db: Database, code: str) -> dict[str, bytes]:
    with db.read() as session:
        rows = session.execute(select(Evidence.original_name, Evidence.sha256).join(Case)
                               .where(Case.code == code)).all()
    assert db.data_key is not None
    return {name: evidence_store.read_content(db.paths, sha, db.data_key)
            for name, sha in rows}


def test_a_case_arrives_whole_with_identical_hashes_and_twice_changes_nothing(
        sender: Office, receiver: Office, tmp_path: Path) -> None:
    code, contents = _case_with_evidence(sender, tmp_path)
    package = tmp_path / "chuyen.svpcase"
    sent = transfers.transfer_out(sender.db, sender.admin, [code], RECEIVER[0], package)
    assert (sent.codes, sent.evidence_files, sent.to_unit) == ((code,), 2, RECEIVER[0])

    received = transfers.transfer_in(receiver.db, receiver.admin, package)
    assert received.cases == (transfers.ReceivedCase("00004", code, TransferOutcome.ADDED),)
    assert received.evidence_files == 2 and not received.again
    assert received.sha256 == sent.sha256 == hashlib.sha256(package.read_bytes()).hexdigest()
    # The same contents under the same SHA-256s, the case under its own unit and code.
    assert _evidence_of(receiver.db, code) == contents
    with sender.db.read() as session:
        original = session.execute(select(Case).where(Case.code == code)).scalar_one()
        sent_uuid, sent_summary = original.uuid, original.summary
        sent_hashes = sorted(e.sha256 for e in original.evidence)
        sent_events = [(e.uuid, e.kind, e.note) for e in original.events]
    arrived = transfers_case(receiver.db, code)
    assert (arrived["uuid"], arrived["summary"]) == (sent_uuid, sent_summary)
    assert arrived["hashes"] == sent_hashes and arrived["events"] == sent_events
    # Provenance and audit on both sides.
    history = cases.get_case(receiver.db, receiver.admin, arrived["id"]).transfers
    assert [(h.direction, h.unit_code, h.outcome) for h in history] == [
        (TransferDirection.IN, "00004", TransferOutcome.ADDED)]
    with receiver.db.read() as session:
        excerpt = json.loads(session.execute(select(CaseTransfer.audit_excerpt)).scalar_one())
        actions = list(session.execute(select(AuditEntry.action).where(
            AuditEntry.entity_uuid == sent_uuid)).scalars())
    assert [row["action"] for row in excerpt][:1] == [AuditAction.CASE_CREATE]
    assert actions == [AuditAction.CASE_TRANSFER_IN]
    with sender.db.read() as session:
        assert session.execute(select(CaseTransfer.direction, CaseTransfer.other_unit_code)
                               ).all() == [("out", RECEIVER[0])]
        assert AuditAction.CASE_TRANSFER_OUT in session.execute(select(AuditEntry.action).where(
            AuditEntry.entity_uuid == sent_uuid)).scalars().all()

    # The same package again: nothing changes, nothing doubles.
    before = _snapshot(receiver.db)
    again = transfers.transfer_in(receiver.db, receiver.admin, package)
    assert again.again and again.cases == ()
    assert _snapshot(receiver.db) == before


def test_two_receivers_of_one_package_at_once_take_it_in_once(
        sender: Office, receiver: Office, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Two PCs of a server (here two threads) both past the first «received already?»
    before either writes: the second finds it received, no error, nothing doubled."""
    code, _ = _case_with_evidence(sender, tmp_path)
    package = _sent(sender, [code], tmp_path / "chuyen.svpcase")
    both_checked = threading.Barrier(2, timeout=60)
    opened = transfer_package.opened

    def opened_once_both_checked(*args: Any, **kwargs: Any) -> Any:
        both_checked.wait()
        return opened(*args, **kwargs)

    monkeypatch.setattr(transfer_package, "opened", opened_once_both_checked)
    results: list[transfers.Received] = []
    errors: list[BaseException] = []

    def receive() -> None:
        try:
            results.append(transfers.transfer_in(receiver.db, receiver.admin, package))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=receive) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(r.again for r in results) == [False, True]
    with receiver.db.read() as session:
        assert session.execute(select(func.count(CaseTransfer.id))).scalar_one() == 1
        assert session.execute(select(func.count(Case.id)).where(Case.code == code)
                               ).scalar_one() == 1


def transfers_case(db: Database, code: str) -> dict[str, Any]:
    with db.read() as session:
        case = session.execute(select(Case).where(Case.code == code)).scalar_one()
        return {"id": case.id, "uuid": case.uuid, "summary": case.summary,
                "hashes": sorted(e.sha256 for e in case.evidence),
                "events": [(e.uuid, e.kind, e.note) for e in case.events]}


def test_the_newer_version_wins_and_an_older_one_changes_nothing(
        sender: Office, receiver: Office, tmp_path: Path) -> None:
    code, _ = _case_with_evidence(sender, tmp_path)
    [case_id] = cases.ids_of_codes(sender.db, sender.admin, [code])

    def edited(summary: str, name: str) -> Path:
        current = cases.get_case(sender.db, sender.admin, case_id)
        cases.update_case(sender.db, sender.admin, case_id,
                          dataclasses.replace(current.data, summary=summary),
                          expected_version=current.version, today=TODAY)
        return _sent(sender, [code], tmp_path / name)

    first = _sent(sender, [code], tmp_path / "lan-1.svpcase")
    second = edited("Tin sai sự thật, đã được gỡ một phần.", "lan-2.svpcase")
    assert _outcomes(transfers.transfer_in(receiver.db, receiver.admin, second)) == [
        TransferOutcome.ADDED]
    # The older package arrives late: the register keeps the newer version.
    assert _outcomes(transfers.transfer_in(receiver.db, receiver.admin, first)) == [
        TransferOutcome.KEPT]
    assert _received_case(receiver.db, code, "00004").summary == (
        "Tin sai sự thật, đã được gỡ một phần.")
    third = edited("Tin sai sự thật, đã gỡ hẳn.", "lan-3.svpcase")
    assert _outcomes(transfers.transfer_in(receiver.db, receiver.admin, third)) == [
        TransferOutcome.UPDATED]
    received = _received_case(receiver.db, code, "00004")
    assert received.summary == "Tin sai sự thật, đã gỡ hẳn."
    with receiver.db.read() as session:
        assert session.execute(select(func.count()).select_from(Case)).scalar_one() == 1
        assert session.execute(select(func.count()).select_from(Evidence)).scalar_one() == 2


def test_the_receivers_event_dates_follow_its_own_events(
        sender: Office, receiver: Office, tmp_path: Path) -> None:
    """The dates each register keeps from a case's events (migration 0028) do not travel:
    the receiver's follow the events it holds, its own among them, through an update."""
    asked = TODAY - timedelta(days=20)
    code, _ = _case_with_evidence(sender, tmp_path, detected_on=asked)
    [sent_id] = cases.ids_of_codes(sender.db, sender.admin, [code])
    events.add_event(sender.db, sender.admin, sent_id, EventInput("YCG", asked), today=TODAY)
    transfers.transfer_in(receiver.db, receiver.admin, _sent(sender, [code], tmp_path / "1"))
    received = _received_case(receiver.db, code, "00004")
    assert (received.last_event_on, received.removal_asked_on) == (TODAY, asked)
    events.add_event(receiver.db, receiver.admin, received.id,
                     EventInput("GB", asked + timedelta(days=1)), today=TODAY)
    current = cases.get_case(sender.db, sender.admin, sent_id)
    cases.update_case(sender.db, sender.admin, sent_id,
                      dataclasses.replace(current.data, summary="Đã nhắc lại yêu cầu gỡ."),
                      expected_version=current.version, today=TODAY)
    update = _sent(sender, [code], tmp_path / "2")
    assert _outcomes(transfers.transfer_in(receiver.db, receiver.admin, update)) == [
        TransferOutcome.UPDATED]
    received = _received_case(receiver.db, code, "00004")
    assert received.summary == "Đã nhắc lại yêu cầu gỡ."
    assert (received.last_event_on, received.removal_asked_on) == (TODAY, None)
    sender_case = _received_case(sender.db, code, "00004")
    assert sender_case.removal_asked_on == asked  # the sender's own events say otherwise


def _sent(office: Office, codes: list[str], target: Path, **options: Any) -> Path:
    transfers.transfer_out(office.db, office.admin, codes, RECEIVER[0], target, **options)
    return target


def _outcomes(received: transfers.Received) -> list[TransferOutcome]:
    return [case.outcome for case in received.cases]


def test_a_third_office_cannot_open_it_and_the_file_reads_nothing_in_clear(
        sender: Office, receiver: Office, third: Office, tmp_path: Path) -> None:
    code, contents = _case_with_evidence(sender, tmp_path, group_code="TE", summary=(
        f"Đăng ảnh cháu {CHILD} kèm lời lẽ xúc phạm."), children=(ChildInput(CHILD, 2014),))
    package = _sent(sender, [code], tmp_path / "chuyen.svpcase",
                    children_basis="Công an xã đề nghị theo Điều 62 Luật XLVPHC")
    data = package.read_bytes()
    assert all(form not in data for form in marker_forms((CHILD,)))
    assert all(content[len(TINY_PNG):] not in data for content in contents.values())
    assert TINY_PNG[8:40] not in data
    before = _snapshot(third.db)
    with pytest.raises(UserError) as refused:
        transfers.transfer_in(third.db, third.admin, package)
    assert refused.value.message.startswith("Tệp «chuyen.svpcase» được lập cho đơn vị 00007")
    assert _snapshot(third.db) == before
    # Addressed to it by a forger's header: the signature no longer holds.
    forged = tmp_path / "gia.svpcase"
    forged.write_bytes(_with_header(data, lambda h: h.update(
        to_unit={"code": "00010", "name": "Phường Hoàn Kiếm"},
        to_fingerprint=unit_keys.own_public_keys(third.db).fingerprint)))  # type: ignore[union-attr]
    with pytest.raises(UserError, match="chữ ký của đơn vị 00004 không khớp"):
        transfers.transfer_in(third.db, third.admin, forged)
    assert _snapshot(third.db) == before


def _with_header(data: bytes, change: Callable[[dict[str, Any]], None]) -> bytes:
    start = len(transfer_package.MAGIC)
    (length,) = struct.unpack(">I", data[start:start + 4])
    header = json.loads(data[start + 4:start + 4 + length])
    change(header)
    raw = json.dumps(header, sort_keys=True, separators=(",", ":")).encode()
    return data[:start] + struct.pack(">I", len(raw)) + raw + data[start + 4 + length:]


ALTERATIONS: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "a byte changed": (lambda d: d[:len(d) // 2] + bytes([d[len(d) // 2] ^ 1])
                       + d[len(d) // 2 + 1:], "đã bị sửa đổi hoặc hỏng"),
    "cut in the middle": (lambda d: d[:len(d) // 2], "không có chữ ký"),
    "cut at the end": (lambda d: d[:-10], "không có chữ ký"),
    "unsigned": (lambda d: d[:-72], "không có chữ ký"),
    "cut in the header": (lambda d: d[:20], "bị cắt cụt"),
    "header altered": (lambda d: _with_header(d, lambda h: h.update(cases=9)),
                       "đã bị sửa đổi hoặc hỏng"),
    "a newer format": (lambda d: _with_header(d, lambda h: h.update(version=2)),
                       "phiên bản mới hơn"),
    "fields of a newer version": (lambda d: _with_header(d, lambda h: h.update(priority=1)),
                                  "phiên bản mới hơn"),
    "not a package": (lambda d: b"PK\x03\x04" + d[4:], "không phải gói chuyển vụ việc"),
}


@pytest.mark.parametrize("alteration", ALTERATIONS)
def test_an_altered_package_is_refused_whole_with_nothing_written(
        sender: Office, receiver: Office, tmp_path: Path, alteration: str) -> None:
    code, _ = _case_with_evidence(sender, tmp_path)
    package = _sent(sender, [code], tmp_path / "chuyen.svpcase")
    alter, why = ALTERATIONS[alteration]
    package.write_bytes(alter(package.read_bytes()))
    before = _snapshot(receiver.db)
    with pytest.raises(UserError) as refused:
        transfers.transfer_in(receiver.db, receiver.admin, package)
    assert refused.value.message.startswith("Tệp «chuyen.svpcase» ")
    assert why in refused.value.message
    assert _snapshot(receiver.db) == before


def test_a_package_from_an_unregistered_unit_is_refused(
        sender: Office, receiver: Office, third: Office, tmp_path: Path) -> None:
    code, _ = _case_with_evidence(third, tmp_path)
    package = tmp_path / "tu-00010.svpcase"
    transfers.transfer_out(third.db, third.admin, [code], RECEIVER[0], package)
    before = _snapshot(receiver.db)
    with pytest.raises(UserError, match="do đơn vị 00010 gửi, đơn vị này chưa được đăng ký"):
        transfers.transfer_in(receiver.db, receiver.admin, package)
    assert _snapshot(receiver.db) == before


def test_an_evidence_hash_that_does_not_match_is_refused(
        sender: Office, receiver: Office, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    code, _ = _case_with_evidence(sender, tmp_path)
    write = transfer_package.write
    fake = "0" * 64

    def lying(target: Path, header: dict[str, Any], manifest: dict[str, Any],
              files: Any, **options: Any) -> str:
        # A sender whose package states another hash than the content it carries.
        real = manifest["files"][0]["sha256"]
        manifest["files"][0]["sha256"] = fake
        for item in manifest["cases"]:
            for entry in item["evidence"]:
                if entry["sha256"] == real:
                    entry["sha256"] = fake
        return write(target, header, manifest, files, **options)

    monkeypatch.setattr(transfer_package, "write", lying)
    package = _sent(sender, [code], tmp_path / "chuyen.svpcase")
    before = _snapshot(receiver.db)
    with pytest.raises(UserError, match="không khớp mã băm"):
        transfers.transfer_in(receiver.db, receiver.admin, package)
    assert _snapshot(receiver.db) == before


def test_children_travel_masked_without_a_basis_and_whole_with_one(
        sender: Office, receiver: Office, tmp_path: Path) -> None:
    child_case = {"group_code": "TE", "summary": f"Đăng ảnh cháu {CHILD} kèm lời xúc phạm.",
                  "children": (ChildInput(CHILD, 2014, school_class="Lớp 6A"),)}
    masked_code, _ = _case_with_evidence(sender, tmp_path, **child_case)
    whole_code, contents = _case_with_evidence(sender, tmp_path, **child_case)
    plain = _sent(sender, [masked_code], tmp_path / "che.svpcase")
    basis = "Chuyển Công an xã thụ lý theo Điều 62 Luật Xử lý vi phạm hành chính"
    whole = _sent(sender, [whole_code], tmp_path / "day-du.svpcase", children_basis=basis)

    transfers.transfer_in(receiver.db, receiver.admin, plain)
    with receiver.db.read() as session:
        case = session.execute(select(Case).where(Case.code == masked_code)).scalar_one()
        [child] = case.children
        assert child.full_name.startswith("N.V.A.") and child.school_class is None
        assert CHILD not in case.summary and case.evidence == []
    transfers.transfer_in(receiver.db, receiver.admin, whole)
    with receiver.db.read() as session:
        case = session.execute(select(Case).where(Case.code == whole_code)).scalar_one()
        assert [(c.full_name, c.school_class) for c in case.children] == [(CHILD, "Lớp 6A")]
        assert CHILD in case.summary
    assert _evidence_of(receiver.db, whole_code) == contents
    with sender.db.read() as session:
        details = [json.loads(d) for d in session.execute(select(AuditEntry.detail).where(
            AuditEntry.action == AuditAction.CASE_TRANSFER_OUT).order_by(AuditEntry.id))
            .scalars()]
    assert [(d["code"], d["children_unmasked"], d.get("children_basis")) for d in details] == [
        (masked_code, False, None), (whole_code, True, basis)]
    # The masked case sent again with a basis: the same version, now whole, replaces it.
    again = _sent(sender, [masked_code], tmp_path / "bo-sung.svpcase", children_basis=basis)
    assert _outcomes(transfers.transfer_in(receiver.db, receiver.admin, again)) == [
        TransferOutcome.UPDATED]
    with receiver.db.read() as session:
        case = session.execute(select(Case).where(Case.code == masked_code)).scalar_one()
        assert [c.full_name for c in case.children] == [CHILD] and len(case.evidence) == 2


def test_only_an_administrator_transfers(sender: Office, receiver: Office,
                                          tmp_path: Path) -> None:
    code, _ = _case_with_evidence(sender, tmp_path)
    package = _sent(sender, [code], tmp_path / "chuyen.svpcase")
    accounts.create_user(sender.db, sender.admin, username="lanhdao", full_name="Lãnh Đạo",
                         role=Role.LEADER, password=ADMIN_PASSWORD)
    leader = accounts.authenticate(sender.db, "lanhdao", ADMIN_PASSWORD)
    with pytest.raises(NotAllowed):
        transfers.transfer_out(sender.db, leader, [code], RECEIVER[0], tmp_path / "x.svpcase")
    assert not (tmp_path / "x.svpcase").exists()
    # Opening a package needs the office's receiving key: an administrator's session.
    accounts.create_user(receiver.db, receiver.admin, username="canbo", full_name="Cán Bộ",
                         role=Role.OFFICER, password=ADMIN_PASSWORD)
    officer = accounts.authenticate(receiver.db, "canbo", ADMIN_PASSWORD)
    before = _snapshot(receiver.db)
    with pytest.raises(NotAllowed):
        transfers.transfer_in(receiver.db, officer, package)
    assert _snapshot(receiver.db) == before


def test_migration_0022_adds_the_provenance_and_keeps_the_register(
        sender: Office, receiver: Office, tmp_path: Path) -> None:
    """On the receiver's encrypted folder (a server's database in server mode): down to 0021
    and up again, every case and its evidence kept; the provenance table is back, empty,
    and takes the next transfer."""
    code, contents = _case_with_evidence(sender, tmp_path)
    package = _sent(sender, [code], tmp_path / "chuyen.svpcase")
    transfers.transfer_in(receiver.db, receiver.admin, package)
    [case_id] = cases.ids_of_codes(receiver.db, receiver.admin, [code])
    before = cases.get_case(receiver.db, receiver.admin, case_id)
    config = alembic_config()
    with changing_schema(receiver.db.engine) as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0021")
    with changing_schema(receiver.db.engine) as conn:
        migrate(conn)
    assert current_revision(receiver.db.engine) == HEAD_REVISION
    after = cases.get_case(receiver.db, receiver.admin, case_id)
    assert after == dataclasses.replace(before, transfers=())
    assert _evidence_of(receiver.db, code) == contents
    assert _outcomes(transfers.transfer_in(receiver.db, receiver.admin, package)) == [
        TransferOutcome.KEPT]
    assert len(cases.get_case(receiver.db, receiver.admin, case_id).transfers) == 1


def test_another_case_under_the_same_unit_and_code_refuses_the_package(
        sender: Office, receiver: Office, tmp_path: Path) -> None:
    """The receiver imported the sender's register earlier (other UUIDs): a second copy of
    the case under its code is never made."""
    code, _ = _case_with_evidence(sender, tmp_path)
    package = _sent(sender, [code], tmp_path / "chuyen.svpcase")
    imported = cases.create_case(receiver.db, receiver.admin, make_case(), today=TODAY)
    with receiver.db.write() as session:
        session.execute(update(Case).where(Case.id == imported.id).values(
            unit_code="00004", code=code))
    before = _snapshot(receiver.db)
    with pytest.raises(UserError, match=f"chứa vụ việc 00004/{code} mà sổ đã có một vụ việc "
                                        "khác"):
        transfers.transfer_in(receiver.db, receiver.admin, package)
    assert _snapshot(receiver.db) == before


def test_each_sides_timeline_shows_the_transfer(qtbot: QtBot, sender: Office,
                                                receiver: Office, tmp_path: Path) -> None:
    from app.ui.case_editor.timeline import TimelineSection

    code, _ = _case_with_evidence(sender, tmp_path)
    transfers.transfer_in(receiver.db, receiver.admin,
                          _sent(sender, [code], tmp_path / "chuyen.svpcase"))
    shown = []
    for office, actor in ((sender, sender.admin), (receiver, receiver.admin)):
        [case_id] = cases.ids_of_codes(office.db, actor, [code])
        section = TimelineSection(vocabulary.load(office.db))
        qtbot.addWidget(section)
        section.load(cases.get_case(office.db, actor, case_id), editable=True)
        assert not section.transfers.isHidden()
        shown.append(section.transfers.text())
        # Not an event: the handling history and its counts are as they were.
        assert [e.kind for e in section.events] == ["XM"]
    assert shown[0].startswith("Chuyển đi: gửi đơn vị 00007 (Xã Minh Tân) lúc ")
    assert shown[0].endswith(", người chuyển admin.")
    assert shown[1].startswith("Chuyển đến: từ đơn vị 00004 (Phường Ba Đình) lúc ")
    assert shown[1].endswith(", người nhận admin (thêm mới).")


def test_a_file_larger_than_a_chunk_travels_whole(sender: Office, receiver: Office,
                                                  tmp_path: Path) -> None:
    """Files are streamed in 1 MiB chunks both ways: one of 2.5 MiB crosses their edges."""
    made = cases.create_case(sender.db, sender.admin, make_case(), today=TODAY)
    content = TINY_PNG + bytes(range(256)) * (10 * 1024)  # 2.5 MiB after the picture
    evidence.add_evidence(sender.db, sender.admin, made.id,
                          _evidence_file(tmp_path / "nguon", "lon.png", content))
    package = _sent(sender, [made.code], tmp_path / "lon.svpcase")
    assert package.stat().st_size > len(content)
    transfers.transfer_in(receiver.db, receiver.admin, package)
    assert _evidence_of(receiver.db, made.code) == {"lon.png": content}


def test_a_legal_basis_the_receivers_catalog_lacks_is_said_not_dropped_silently(
        sender: Office, receiver: Office, tmp_path: Path) -> None:
    from app.domain.legal import InstrumentInput, ProvisionInput
    from app.services import legal_basis

    instrument = legal_basis.add_instrument(sender.db, sender.admin, InstrumentInput(
        "QĐ 12/2026/QĐ-UBND", "Quy chế của tỉnh", valid_from=date(2026, 1, 1)))
    provision = legal_basis.add_provision(sender.db, sender.admin, ProvisionInput(
        instrument.id, "5", "2", "", "Nhắc nhở, yêu cầu cam kết", ("TG",),
        valid_from=date(2026, 1, 1)))
    code = cases.create_case(sender.db, sender.admin, make_case(group_code="TG"),
                             today=TODAY).code
    [case_id] = cases.ids_of_codes(sender.db, sender.admin, [code])
    events.add_event(sender.db, sender.admin, case_id, EventInput(
        "NN", TODAY, legal_basis_ids=(provision.id,)), today=TODAY)
    received = transfers.transfer_in(receiver.db, receiver.admin,
                                     _sent(sender, [code], tmp_path / "chuyen.svpcase"))
    [arrived] = received.cases
    assert arrived.uncited == ("Khoản 2 Điều 5 QĐ 12/2026/QĐ-UBND",)
    assert arrived.words == (
        f"00004/{code}: thêm mới; căn cứ pháp lý chưa có trong danh mục của đơn vị nên chưa "
        "gắn vào biện pháp: Khoản 2 Điều 5 QĐ 12/2026/QĐ-UBND (thêm vào Quản trị → Căn cứ "
        "pháp lý rồi chọn lại ở biện pháp)")


def test_the_cases_chosen_are_named_as_codes_are_typed_here(
        sender: Office, receiver: Office, tmp_path: Path) -> None:
    """«Chuyển vụ việc…» fills in the list's selection: this office's cases by their code,
    another unit's as `UNIT/CODE`, in the order chosen."""
    code, _ = _case_with_evidence(sender, tmp_path)
    transfers.transfer_in(receiver.db, receiver.admin,
                          _sent(sender, [code], tmp_path / "chuyen.svpcase"))
    own = cases.create_case(receiver.db, receiver.admin, make_case(), today=TODAY)
    [moved] = cases.ids_of_codes(receiver.db, receiver.admin, [f"00004/{code}"])
    assert transfers.case_refs(receiver.db, receiver.admin, [own.id, moved]) == [
        own.code, f"00004/{code}"]
