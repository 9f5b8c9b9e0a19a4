"""Every action writes exactly one audit row, none names a child, and `check` finds an
edited, deleted or inserted row.

To audit a new action, add a line to ACTIONS: its name, the audit action expected (None
for an action that must leave no row) and a function that prepares what the action needs
and returns the action itself (rows written while preparing are not counted).
"""

from __future__ import annotations

import dataclasses
import io
import json
import sqlite3
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text

from app.cli import main
from app.db import Database, open_database
from app.domain.case import ChildInput
from app.domain.documents import DocumentKind
from app.domain.events import EventInput
from app.domain.labels import ClosingResult, Role
from app.domain.periods import parse_month
from app.domain.report import ReportText
from app.domain.vocabulary import EventKind, VocabList
from app.errors import NotAllowed
from app.models import AuditEntry
from app.models.base import utcnow
from app.paths import DataPaths
from app.services import (
    accounts,
    audit,
    audit_log,
    backup,
    case_sheet,
    cases,
    demo,
    documents,
    events,
    evidence,
    exporting,
    importing,
    integrity,
    legal_basis,
    list_export,
    purge,
    report_packages,
    report_register,
    report_reviews,
    settings,
    setup,
    templates,
    unit_keys,
    vocabulary,
)
from app.services.actor import Actor
from app.services.audit import AuditAction
from app.services.case_list import LIST_COLUMNS
from app.services.records import CaseDetail
from app.services.report_export import Targets, export_report
from app.text import fold
from tests.conftest import ADMIN_PASSWORD, PASSWORD, TODAY, make_case
from tests.test_import import case_row, write_book

CHILD = "Hoàng Thị Zuyên"  # a name no other text of the register contains
CHILD_SCHOOL = "Trường Tiểu học Zuyên Hà"
# Free text an officer may well write: the audit log must not keep it.
NAMING = f"nhầm với vụ của cháu {CHILD}"


@dataclass
class World:
    db: Database
    admin: Actor
    leader: Actor
    officer: Actor
    files: Path
    counter: int = 0

    def name(self, stem: str, suffix: str) -> Path:
        self.counter += 1
        return self.files / f"{stem}-{self.counter}{suffix}"

    def case(self, **changes: object) -> CaseDetail:
        return cases.create_case(self.db, self.officer, make_case(**changes), today=TODAY)

    def child_case(self, **changes: object) -> CaseDetail:
        return self.case(group_code="TE", children=(
            ChildInput(CHILD, 2014, school_class=CHILD_SCHOOL, address="Ấp Zuyên"),), **changes)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    root = tmp_path_factory.mktemp("nhat-ky")
    db = setup.init_data_folder(DataPaths(root / "data"), "admin", ADMIN_PASSWORD)
    admin = accounts.authenticate(db, "admin", ADMIN_PASSWORD)
    for name, role in (("lanhdao", Role.LEADER), ("canbo", Role.OFFICER)):
        accounts.create_user(db, admin, username=name, full_name=name, role=role,
                             password=PASSWORD)
    files = root / "tep"
    files.mkdir()
    yield World(db, admin, accounts.authenticate(db, "lanhdao", PASSWORD),
                accounts.authenticate(db, "canbo", PASSWORD), files)
    db.dispose()


Prepared = Callable[[], object]


def _login(w: World) -> Prepared:
    return lambda: accounts.authenticate(w.db, "canbo", PASSWORD)


def _refused(call: Callable[[], object]) -> Prepared:
    def run() -> None:
        with pytest.raises(NotAllowed):
            call()
    return run


def _refused_sign_in(w: World, username: str) -> Prepared:
    """A refused sign-in reaches the log with the next right one (the database cannot be
    read before): the row before that sign-in's."""
    refused = _refused(lambda: accounts.authenticate(w.db, username, "sai-mat-khau"))

    def run() -> None:
        refused()
        accounts.authenticate(w.db, "canbo", PASSWORD)

    return run


def _login_wrong_password(w: World) -> Prepared:
    return _refused_sign_in(w, "lanhdao")


def _login_unknown(w: World) -> Prepared:
    return _refused_sign_in(w, "khong-co")


def _create(w: World) -> Prepared:
    return lambda: w.case(account="Trang mới")


def _create_child_case(w: World) -> Prepared:
    return w.child_case


def _edit(w: World) -> Prepared:
    case = w.case()
    data = dataclasses.replace(case.data, platform_code="YT", summary="Tóm tắt đã sửa",
                               area="Ấp Mới")
    return lambda: cases.update_case(w.db, w.officer, case.id, data,
                                     expected_version=case.version, today=TODAY)


def _edit_children(w: World) -> Prepared:
    case = w.child_case()
    data = dataclasses.replace(case.data, children=(
        *case.data.children, ChildInput("Đặng Văn Zuyến", 2015)))
    return lambda: cases.update_case(w.db, w.officer, case.id, data,
                                     expected_version=case.version, today=TODAY)


def _delete(w: World) -> Prepared:
    case = w.case()
    return lambda: cases.delete_case(w.db, w.leader, case.id, NAMING)


def _restore(w: World) -> Prepared:
    case = w.case()
    cases.delete_case(w.db, w.leader, case.id, "Nhầm")
    return lambda: cases.restore_case(w.db, w.leader, case.id)


def _view_child_case(w: World) -> Prepared:
    case = w.child_case()
    return lambda: cases.get_case(w.db, w.officer, case.id)


def _view_plain_case(w: World) -> Prepared:
    case = w.case()
    return lambda: cases.get_case(w.db, w.officer, case.id)


def _add_event(w: World) -> Prepared:
    case = w.case()
    return lambda: events.add_event(w.db, w.officer, case.id,
                                    EventInput(EventKind.VERIFY, TODAY), today=TODAY)


def _added_event(w: World, event: EventInput) -> tuple[int, int]:
    """The ids of a new case and of `event` recorded on it."""
    case = w.case()
    return case.id, events.add_event(w.db, w.officer, case.id, event, today=TODAY).events[-1].id


def _edit_event(w: World) -> Prepared:
    _, event_id = _added_event(w, EventInput(EventKind.VERIFY, TODAY))
    return lambda: events.edit_event(w.db, w.officer, event_id,
                                     EventInput(EventKind.VERIFY, TODAY, note=NAMING),
                                     today=TODAY)


def _void_event(w: World) -> Prepared:
    _, event_id = _added_event(w, EventInput(EventKind.VERIFY, TODAY))
    return lambda: events.void_event(w.db, w.officer, event_id, NAMING)


def _reopen(w: World) -> Prepared:
    case_id, _ = _added_event(w, EventInput(EventKind.CLOSE, TODAY,
                                            closing_result=ClosingResult.HANDLED))
    return lambda: events.reopen_case(w.db, w.leader, case_id, NAMING)


def _evidence_file(w: World, content: str) -> Path:
    path = w.name(f"ảnh {CHILD}", ".txt")
    path.write_text(content, encoding="utf-8")
    return path


def _add_evidence(w: World) -> Prepared:
    case = w.child_case()
    source = _evidence_file(w, f"Ảnh chụp bài đăng {w.counter}")
    return lambda: evidence.add_evidence(w.db, w.officer, case.id, source)


def _added_evidence(w: World) -> int:
    case = w.child_case()
    source = _evidence_file(w, f"Ảnh chụp bài đăng {w.counter}")
    return evidence.add_evidence(w.db, w.officer, case.id, source).record.id


def _send_document(w: World) -> Prepared:
    case = w.child_case()
    return lambda: documents.enter_drafted(
        w.db, w.officer, DocumentKind.ESCALATION, [case.id], None, issued_on=TODAY,
        recipients=f"Bảo vệ trẻ em: {CHILD}", subject=NAMING, reply_by=TODAY + timedelta(15))


def _receive_document(w: World) -> Prepared:
    case = w.child_case()
    request = documents.enter_drafted(w.db, w.officer, DocumentKind.ESCALATION, [case.id], None,
                                      issued_on=TODAY)
    return lambda: documents.enter_received(w.db, w.officer, documents.ReceivedInput(
        "Sở Văn hóa, Thể thao và Du lịch", TODAY, their_number="12/SVHTTDL", subject=NAMING,
        answers_id=request.id))


def _attach_signed_copy(w: World) -> Prepared:
    case = w.child_case()
    sent = documents.enter_drafted(w.db, w.officer, DocumentKind.DECISION, [case.id], None,
                                   issued_on=TODAY)
    scan = w.name(f"quyết định {CHILD}", ".pdf")
    scan.write_bytes(b"%PDF-1.4\n%%EOF\n" + str(w.counter).encode())
    return lambda: documents.attach_signed_copy(w.db, w.officer, sent.id, scan)


def _edited_report_template(w: World) -> Path:
    from docx import Document

    from app.reports.docx_document import template_path
    from app.reports.docx_report import TEMPLATE

    document = Document(str(template_path(TEMPLATE)))
    document.add_paragraph("Đơn vị cam kết số liệu trên là trung thực.")
    path = w.name("mau-bao-cao", ".docx")
    document.save(str(path))
    return path


def _replace_template(w: World) -> Prepared:
    path = _edited_report_template(w)
    return lambda: templates.replace_template(w.db, w.admin, templates.REPORT, path)


def _restore_template(w: World) -> Prepared:
    templates.replace_template(w.db, w.admin, templates.REPORT, _edited_report_template(w))
    return lambda: templates.restore_default(w.db, w.admin, templates.REPORT)


def _export_template(w: World) -> Prepared:
    return lambda: templates.export_template(w.db, w.admin, templates.REPORT,
                                             w.name("mau-bao-cao", ".docx"))


def _view_evidence(w: World) -> Prepared:
    item = _added_evidence(w)
    return lambda: evidence.open_evidence(w.db, w.officer, item)


def _remove_evidence(w: World) -> Prepared:
    item = _added_evidence(w)
    return lambda: evidence.remove_evidence(w.db, w.officer, item, NAMING)


def _import(w: World) -> Prepared:
    path = write_book(w.name("nhap", ".xlsx"), [case_row(**{"Tài khoản, kênh": "Trang nhập"})])
    return lambda: importing.import_workbook(w.db, w.officer, path, today=TODAY)


def _export_cases(w: World) -> Prepared:
    w.child_case()
    return lambda: exporting.export_cases(w.db, w.admin, w.name("toan-bo", ".xlsx"),
                                          file_password="Khoa-tệp-2026!",
                                          purpose="Gửi Sở", recipient="Sở Văn hóa")


def _export_list(w: World) -> Prepared:
    ids = [w.child_case().id, w.case().id]
    return lambda: list_export.export_case_list(w.db, w.officer, w.name("ds", ".xlsx"), ids,
                                                LIST_COLUMNS)


def _print_list(w: World) -> Prepared:
    ids = [w.child_case().id]
    return lambda: list_export.list_printout(w.db, w.officer, ids, LIST_COLUMNS)


def _save_list_pdf(w: World) -> Prepared:
    ids = [w.child_case().id]
    return lambda: list_export.save_list_printout(w.db, w.officer, w.name("ds", ".pdf"), ids,
                                                  LIST_COLUMNS)


def _report(w: World) -> Prepared:
    w.child_case()
    targets = Targets(w.name("bc", ".xlsx"), w.name("bc", ".pdf"))
    return lambda: export_report(w.db, w.officer, parse_month("2026-10"), targets)


def _send_report(w: World) -> Prepared:
    text = ReportText("12", TODAY, "Tình hình tháng 9.")
    return lambda: report_register.send_report(w.db, w.leader, parse_month("2026-09"), text)


def _reissue_report(w: World) -> Prepared:
    report_register.send_report(w.db, w.leader, parse_month("2026-07"),
                                ReportText("7", TODAY, "Tháng 7."))
    return lambda: report_register.reissue_report(w.db, w.leader, parse_month("2026-07"),
                                                  ReportText("7", TODAY, "Tháng 7."), NAMING)


def _save_sent_files(w: World) -> Prepared:
    sent = report_register.send_report(w.db, w.leader, parse_month("2026-08"),
                                       ReportText("99", TODAY, "Tháng 8."))
    return lambda: report_register.save_sent_files(w.db, w.leader, sent.uuid, w.files)


def _signed_in_admin(w: World) -> Actor:
    """The administrator signed in again: a sign-in of another role before holds no
    administrators' key, which the unit's signing key needs."""
    return accounts.authenticate(w.db, "admin", ADMIN_PASSWORD)


def _unit(w: World) -> None:
    if not settings.load_office(w.db).unit_code:
        settings.save_office(w.db, w.admin, dataclasses.replace(
            settings.load_office(w.db), unit_code="00004", unit_title="Phường Ba Đình"))


def _package_report(w: World) -> Prepared:
    _unit(w)
    w.child_case(detected_on=date(2026, 6, 5))
    report_register.send_report(w.db, w.leader, parse_month("2026-06"),
                                ReportText("6", TODAY, "Tháng 6."))
    admin = _signed_in_admin(w)
    return lambda: report_packages.write_package(w.db, admin, parse_month("2026-06"),
                                                 w.name("goi", ".svpbc"))


def _receive_package(w: World) -> Prepared:
    """A package of another commune, whose key the office registered."""
    _unit(w)
    commune = setup.init_data_folder(DataPaths(w.files / "xa" / "data"), "admin", ADMIN_PASSWORD,
                                     office=dataclasses.replace(settings.load_office(w.db),
                                                                unit_code="00009",
                                                                unit_title="Xã Minh Tân"))
    try:
        admin = accounts.authenticate(commune, "admin", ADMIN_PASSWORD)
        report_register.send_report(commune, admin, parse_month("2026-06"),
                                    ReportText("6", TODAY, ""))
        package, key_file = w.name("xa", ".svpbc"), w.name("khoa", ".json")
        report_packages.write_package(commune, admin, parse_month("2026-06"), package)
        unit_keys.write_unit_key(commune, admin, key_file)
    finally:
        commune.dispose()
    unit_keys.trust_unit(w.db, _signed_in_admin(w), key_file)
    return lambda: report_packages.receive_package(w.db, w.officer, package)


MAY = parse_month("2026-05")


def _other_office(w: World, code: str, name: str) -> Database:
    return setup.init_data_folder(DataPaths(w.files / code / "data"), "admin", ADMIN_PASSWORD,
                                  office=dataclasses.replace(settings.load_office(w.db),
                                                             unit_code=code, unit_title=name))


def _received_from(w: World, code: str, name: str) -> None:
    """Another commune's May report, received here (its key registered)."""
    _unit(w)
    commune = _other_office(w, code, name)
    try:
        admin = accounts.authenticate(commune, "admin", ADMIN_PASSWORD)
        report_register.send_report(commune, admin, MAY, ReportText("5", TODAY, ""))
        package, key_file = w.name("goi", ".svpbc"), w.name("khoa", ".json")
        report_packages.write_package(commune, admin, MAY, package)
        unit_keys.write_unit_key(commune, admin, key_file)
    finally:
        commune.dispose()
    unit_keys.trust_unit(w.db, _signed_in_admin(w), key_file)
    report_packages.receive_package(w.db, w.officer, package)


def _accept_report(w: World) -> Prepared:
    _received_from(w, "00010", "Xã Tân Lập")
    return lambda: report_reviews.accept_report(w.db, w.leader, "00010", MAY)


def _return_report(w: World) -> Prepared:
    _received_from(w, "00011", "Xã Phú Mỹ")
    admin = _signed_in_admin(w)
    return lambda: report_reviews.return_report(w.db, admin, "00011", MAY, NAMING,
                                                w.name("tra-lai", ".svptl"))


def _receive_return_note(w: World) -> Prepared:
    """This office's May report, which its province received and returned."""
    _unit(w)
    report_register.send_report(w.db, w.leader, MAY, ReportText("5", TODAY, ""))
    admin = _signed_in_admin(w)
    package, key_file = w.name("goi", ".svpbc"), w.name("khoa", ".json")
    report_packages.write_package(w.db, admin, MAY, package)
    unit_keys.write_unit_key(w.db, admin, key_file)
    province = _other_office(w, "01", "Thành phố Hà Nội")
    try:
        province_admin = accounts.authenticate(province, "admin", ADMIN_PASSWORD)
        unit_keys.trust_unit(province, province_admin, key_file)
        report_packages.receive_package(province, province_admin, package)
        note, province_key = w.name("tra-lai", ".svptl"), w.name("khoa", ".json")
        report_reviews.return_report(province, province_admin, "00004", MAY, NAMING, note)
        unit_keys.write_unit_key(province, province_admin, province_key)
    finally:
        province.dispose()
    unit_keys.trust_unit(w.db, _signed_in_admin(w), province_key)
    return lambda: report_reviews.receive_return(w.db, w.officer, note)


def _export_audit_log(w: World) -> Prepared:
    records = audit_log.search(w.db, w.admin)
    return lambda: audit_log.export(w.db, w.admin, w.name("nhat-ky", ".xlsx"), records)


def _settings(w: World) -> Prepared:
    office = dataclasses.replace(settings.load_office(w.db), stale_case_days=45 + w.counter)
    return lambda: settings.save_office(w.db, w.admin, office)


def _vocabulary(w: World) -> Prepared:
    return lambda: vocabulary.add_entry(w.db, w.admin, VocabList.PLATFORM, f"M{w.counter}",
                                        f"Mạng mới {w.counter}")


def _legal_basis(w: World) -> Prepared:
    provision = legal_basis.all_provisions(w.db)[0]
    edited = dataclasses.replace(provision.as_input(), description=f"Mô tả đã sửa {w.counter}")
    return lambda: legal_basis.update_provision(w.db, w.admin, provision.id, edited)


def _add_provision(w: World) -> Prepared:
    provision = legal_basis.all_provisions(w.db)[0]
    added = dataclasses.replace(provision.as_input(), article=str(900 + w.counter))
    return lambda: legal_basis.add_provision(w.db, w.admin, added)


def _end_provision(w: World) -> Prepared:
    provision = legal_basis.all_provisions(w.db)[0]
    return lambda: legal_basis.end_provision(w.db, w.admin, provision.id, date(2030, 12, 31))


def _create_user(w: World) -> Prepared:
    return lambda: accounts.create_user(w.db, w.admin, username=f"moi{w.counter}",
                                        full_name="Cán bộ mới", role=Role.OFFICER,
                                        password=PASSWORD)


def _update_user(w: World) -> Prepared:
    user = next(u for u in accounts.list_users(w.db, w.admin) if u.username == "canbo")
    return lambda: accounts.update_user(w.db, w.admin, user.id, role=Role.OFFICER,
                                        new_password=PASSWORD)


def _change_password(w: World) -> Prepared:
    return lambda: accounts.change_password(w.db, w.officer, PASSWORD, PASSWORD)


def _check(w: World) -> Prepared:
    return lambda: integrity.check_data_folder(w.db, w.admin)


def _demo(w: World) -> Prepared:
    return lambda: demo.add_demo_cases(w.db, w.admin, 3, today=TODAY)


def _purge(w: World) -> Prepared:
    case = w.child_case()
    cases.delete_case(w.db, w.admin, case.id, "Hết thời hạn")
    return lambda: purge.purge_expired(w.db, w.admin, now=utcnow() + timedelta(days=400))


def _print_case_on_paper(w: World) -> Prepared:
    case = w.child_case()
    return lambda: case_sheet.case_sheet_printout(w.db, w.leader, case.id, unmask_children=True)


def _print_case(w: World, *, unmask: bool) -> Prepared:
    case = w.child_case()
    actor = w.leader if unmask else w.officer
    return lambda: case_sheet.print_case_sheet(w.db, actor, case.id,
                                               w.name(f"phieu {CHILD}", ".pdf"),
                                               unmask_children=unmask)


def _backup(w: World) -> Prepared:
    return lambda: backup.make_backup(w.db, w.admin, w.name("sao-luu", ".svpbak"))


def _automatic_backup(w: World) -> Prepared:
    return lambda: backup.automatic_backup(w.db, w.officer)


def _new_recovery_key(w: World) -> Prepared:
    return lambda: accounts.replace_recovery_key(w.db, w.admin)


def _use_recovery_key(w: World) -> Prepared:
    recovery_key = accounts.replace_recovery_key(w.db, w.admin)
    return lambda: accounts.recover_account(w.db, "canbo", recovery_key, PASSWORD)


EVIDENCE_DETAIL = {"code", "evidence", "sha256", "size"}  # never the file's name


@dataclass(frozen=True)
class Audited:
    name: str
    action: AuditAction | None
    prepare: Callable[[World], Prepared]
    detail: Callable[[dict[str, Any]], bool] = lambda _detail: True


ACTIONS = (
    Audited("đăng nhập", AuditAction.LOGIN, _login),
    Audited("sai mật khẩu", AuditAction.LOGIN_FAILED, _login_wrong_password,
            lambda d: d["reason"] == "password"),
    Audited("tài khoản không có", AuditAction.LOGIN_FAILED, _login_unknown,
            lambda d: d["reason"] == "unknown" and "khong-co" not in json.dumps(d)),
    Audited("ghi vụ việc", AuditAction.CASE_CREATE, _create),
    Audited("ghi vụ việc có trẻ em", AuditAction.CASE_CREATE, _create_child_case),
    Audited("sửa vụ việc", AuditAction.CASE_UPDATE, _edit,
            lambda d: d["changed"] == ["platform_code", "summary", "area"]
            and d["values"] == {"platform_code": ["FB", "YT"]}),
    Audited("sửa trẻ em của vụ việc", AuditAction.CASE_UPDATE, _edit_children,
            lambda d: d["changed"] == ["children"] and d["values"] == {"children": [1, 2]}),
    Audited("xóa vụ việc", AuditAction.CASE_DELETE, _delete,
            lambda d: set(d) == {"code"}),
    Audited("khôi phục vụ việc", AuditAction.CASE_RESTORE, _restore),
    Audited("xem vụ việc có trẻ em", AuditAction.CHILD_CASE_VIEW, _view_child_case),
    Audited("xem vụ việc không có trẻ em", None, _view_plain_case),
    Audited("ghi biện pháp", AuditAction.EVENT_ADD, _add_event),
    Audited("sửa biện pháp", AuditAction.EVENT_EDIT, _edit_event,
            lambda d: d["changed"] == ["note"] and d["values"] == {}),
    Audited("hủy biện pháp", AuditAction.EVENT_VOID, _void_event,
            lambda d: set(d) == {"code", "event"}),
    Audited("mở lại hồ sơ", AuditAction.CASE_REOPEN, _reopen,
            lambda d: set(d) == {"code", "event"}),
    Audited("ghi văn bản đi", AuditAction.DOCUMENT_SEND, _send_document,
            lambda d: d["document_number"].endswith("/BC-VHXH") and len(d["codes"]) == 1),
    Audited("ghi văn bản đến", AuditAction.DOCUMENT_RECEIVE, _receive_document,
            lambda d: d["answers"].endswith("/BC-VHXH")),
    Audited("đính kèm bản đã ký", AuditAction.DOCUMENT_SIGNED_COPY, _attach_signed_copy,
            lambda d: len(d["sha256"]) == 64),
    Audited("thay mẫu văn bản", AuditAction.TEMPLATE_REPLACE, _replace_template,
            lambda d: d["template"] == "bao-cao" and len(d["sha256"]) == 64),
    Audited("dùng mẫu mặc định", AuditAction.TEMPLATE_RESTORE, _restore_template),
    Audited("xuất mẫu văn bản", AuditAction.EXPORT, _export_template,
            lambda d: d["kind"] == "document_template"),
    Audited("thêm chứng cứ", AuditAction.EVIDENCE_ADD, _add_evidence,
            lambda d: set(d) == EVIDENCE_DETAIL),
    Audited("xem chứng cứ vụ có trẻ em", AuditAction.EVIDENCE_VIEW, _view_evidence),
    Audited("gỡ chứng cứ", AuditAction.EVIDENCE_REMOVE, _remove_evidence,
            lambda d: set(d) == EVIDENCE_DETAIL),
    Audited("nhập Excel", AuditAction.IMPORT, _import),
    Audited("xuất toàn bộ vụ việc", AuditAction.EXPORT, _export_cases,
            lambda d: (d["purpose"], d["recipient"]) == ("Gửi Sở", "Sở Văn hóa")),
    Audited("xuất danh sách", AuditAction.EXPORT, _export_list),
    Audited("in danh sách", AuditAction.EXPORT, _print_list,
            lambda d: d == {"kind": "case_list_print", "cases": 1}),
    Audited("lưu danh sách ra PDF", AuditAction.EXPORT, _save_list_pdf,
            lambda d: d["kind"] == "case_list_pdf"),
    Audited("lập báo cáo", AuditAction.REPORT, _report),
    Audited("chốt số liệu báo cáo", AuditAction.REPORT, _send_report),
    Audited("phát hành lại báo cáo", AuditAction.REPORT, _reissue_report,
            lambda d: d["version"] == 2 and "reason" not in d),
    Audited("lưu tệp báo cáo đã gửi", AuditAction.EXPORT, _save_sent_files),
    Audited("xuất nhật ký", AuditAction.EXPORT, _export_audit_log),
    Audited("đổi cài đặt", AuditAction.SETTINGS_CHANGE, _settings,
            lambda d: list(d) == ["stale_case_days"]),
    Audited("sửa danh mục", AuditAction.VOCABULARY_CHANGE, _vocabulary),
    Audited("sửa căn cứ pháp lý", AuditAction.LEGAL_BASIS_CHANGE, _legal_basis,
            lambda d: d["changed"] == ["description"] and d["values"] == {}),
    Audited("thêm căn cứ pháp lý", AuditAction.LEGAL_BASIS_CHANGE, _add_provision,
            lambda d: d["op"] == "add" and "description" not in d["values"]),
    Audited("kết thúc hiệu lực căn cứ pháp lý", AuditAction.LEGAL_BASIS_CHANGE, _end_provision,
            lambda d: d["op"] == "end" and d["values"] == {"valid_to": [None, "2030-12-31"]}),
    Audited("tạo tài khoản", AuditAction.USER_CREATE, _create_user),
    Audited("sửa tài khoản", AuditAction.USER_UPDATE, _update_user),
    Audited("đổi mật khẩu", AuditAction.PASSWORD_CHANGE, _change_password),
    Audited("kiểm tra dữ liệu", AuditAction.CHECK, _check),
    Audited("dữ liệu mẫu", AuditAction.DEMO, _demo),
    Audited("in phiếu vụ việc (che tên trẻ em)", AuditAction.CASE_PRINT,
            lambda w: _print_case(w, unmask=False),
            lambda d: d["children_unmasked"] is False and "file" not in d),
    Audited("in phiếu vụ việc (hiện tên trẻ em)", AuditAction.CASE_PRINT,
            lambda w: _print_case(w, unmask=True), lambda d: d["children_unmasked"] is True),
    Audited("in phiếu vụ việc ra giấy", AuditAction.CASE_PRINT, _print_case_on_paper,
            lambda d: d["children_unmasked"] is True),
    Audited("sao lưu ra tệp", AuditAction.BACKUP, _backup,
            lambda d: d["automatic"] is False),
    Audited("tự động sao lưu", AuditAction.BACKUP, _automatic_backup,
            lambda d: d["automatic"] is True),
    Audited("tạo khóa khôi phục mới", AuditAction.RECOVERY_KEY_NEW, _new_recovery_key),
    Audited("dùng khóa khôi phục", AuditAction.RECOVERY_KEY_USE, _use_recovery_key),
    Audited("xóa hẳn vụ việc quá hạn", AuditAction.PURGE, _purge,
            lambda d: d["cases"] == len(d["codes"]) >= 1),
    Audited("lập gói báo cáo", AuditAction.EXPORT, _package_report,
            lambda d: d["action"] == "lập gói báo cáo" and len(d["sha256"]) == 64),
    Audited("nhận gói báo cáo", AuditAction.REPORT_RECEIVE, _receive_package,
            lambda d: (d["unit"], d["version"], d["period"]) == ("00009", 1, "Tháng 6/2026")),
    Audited("chấp nhận báo cáo", AuditAction.REPORT_REVIEW, _accept_report,
            lambda d: (d["action"], d["unit"], d["version"]) == ("chấp nhận báo cáo", "00010", 1)),
    Audited("trả lại báo cáo", AuditAction.REPORT_REVIEW, _return_report,
            lambda d: (d["action"], d["unit"]) == ("trả lại báo cáo", "00011")
            and len(d["sha256"]) == 64 and "reason" not in d),
    Audited("nhận thông báo trả lại báo cáo", AuditAction.REPORT_RETURN_RECEIVE,
            _receive_return_note,
            lambda d: (d["unit"], d["version"], d["period"]) == ("01", 1, "Tháng 5/2026")),
)


def test_the_log_keeps_the_values_of_codes_dates_and_counts_only() -> None:
    """Pinned: a value that starts reaching the log (outliving purges) is a deliberate change."""
    from app.domain.fields import BY_KEY, CHILD_FIELDS, CHOICE_BY_KEY, EVENT_BY_KEY

    assert {k for k, f in {**BY_KEY, **CHOICE_BY_KEY}.items() if f.plain} == {
        "detected_on", "posted_on", "posted_until", "source_code", "platform_code",
        "content_form_code", "group_code", "child_subkind_code", "secondary_groups",
        "offender_kind", "reach_views", "reach_reactions", "reach_shares", "reach_comments"}
    assert {k for k, f in EVENT_BY_KEY.items() if f.plain} == {
        "kind", "occurred_on", "sanction_form", "fine_amount", "closing_result",
        "decision_time", "delivered_on", "paid_on", "paid_amount", "enforced_on"}
    assert not [f for f in CHILD_FIELDS if f.plain]


def _rows_after(db: Database, last_id: int) -> list[AuditEntry]:
    with db.read() as session:
        return list(session.execute(select(AuditEntry).where(AuditEntry.id > last_id)
                                    .order_by(AuditEntry.id)).scalars())


def _last_id(db: Database) -> int:
    with db.read() as session:
        return int(session.execute(select(func.coalesce(func.max(AuditEntry.id), 0)))
                   .scalar_one())


def _names_a_child(detail: str) -> bool:
    folded = fold(detail)
    return ("zuyen" in folded or "zuyến" in folded
            or any(unicodedata.normalize(form, CHILD) in detail for form in ("NFC", "NFD")))


@pytest.mark.parametrize("audited", ACTIONS, ids=[a.name for a in ACTIONS])
def test_each_action_writes_exactly_one_audit_row_without_a_childs_name(
        world: World, audited: Audited) -> None:
    act = audited.prepare(world)
    before = _last_id(world.db)
    act()
    rows = _rows_after(world.db, before)
    if audited.action is AuditAction.LOGIN_FAILED:
        assert rows[-1].action == AuditAction.LOGIN
        rows = rows[:-1]
    if audited.action is None:
        assert rows == []
        return
    assert [row.action for row in rows] == [audited.action]
    detail = json.loads(rows[0].detail)
    assert audited.detail(detail), detail
    assert not _names_a_child(rows[0].detail), rows[0].detail


def test_no_audit_row_names_a_child_and_the_chain_holds(world: World) -> None:
    with world.db.read() as session:
        details = list(session.execute(select(AuditEntry.detail)).scalars())
        assert audit.verify_chain(session) == []
    assert details and not [d for d in details if _names_a_child(d)]


# Tampering ------------------------------------------------------------------------------


def _check_command(paths: DataPaths) -> tuple[int, str]:
    err = io.StringIO()
    code = main(["--data-dir", str(paths.root), "--user", "admin", "--password-stdin",
                 "check"], stdin=io.StringIO(ADMIN_PASSWORD + "\n"), stdout=io.StringIO(),
                stderr=err)
    return code, err.getvalue()


@pytest.fixture
def logged(db: Database, admin: Actor) -> Database:
    for number in range(3):
        cases.create_case(db, admin, make_case(account=f"Trang {number}"), today=TODAY)
    return db


@pytest.mark.parametrize(("tampering", "found"), [
    ("UPDATE audit_log SET detail = '{\"code\": \"VV-KHAC\"}' WHERE id = 4",
     "bản ghi số 4 đã bị sửa"),
    ("UPDATE audit_log SET username = 'ke-gian' WHERE id = 3", "bản ghi số 3 đã bị sửa"),
    ("UPDATE audit_log SET at = '2020-01-01 00:00:00' WHERE id = 2", "bản ghi số 2 đã bị sửa"),
    ("DELETE FROM audit_log WHERE id = 3", "bản ghi số 4 không nối tiếp"),
    ("INSERT INTO audit_log (id, at, username, action, detail, prev_hash, hash) "
     "SELECT 1000, at, username, action, detail, prev_hash, hash FROM audit_log WHERE id = 2",
     "bản ghi số 1000 không nối tiếp"),
])
def test_check_finds_an_edited_deleted_or_inserted_audit_row(
        logged: Database, paths: DataPaths, tampering: str, found: str) -> None:
    assert _check_command(paths) == (0, "")
    with logged.engine.begin() as conn:
        conn.execute(text(tampering))
    logged.dispose()
    code, err = _check_command(paths)
    assert code == 1 and found in err, err



def test_upgrading_an_old_audit_log_keeps_the_breaks_it_had(paths: DataPaths) -> None:
    """Migration 0006 rewrites old rows and their hashes; it must not bless a row edited,
    deleted or inserted before it ran, nor must the keyed chain that starts after them."""
    from tests.test_privacy import old_audit_log

    old_audit_log(paths)
    with closing(sqlite3.connect(paths.database)) as conn, conn:
        ids = dict(conn.execute("SELECT action, id FROM audit_log").fetchall())
        edited, deleted = ids["case_delete"], ids["evidence_add"]
        conn.execute("UPDATE audit_log SET detail = '{\"code\": \"VV-KHAC\", "
                     "\"reason\": \"Trùng\"}' WHERE action = 'case_delete'")
        conn.execute("DELETE FROM audit_log WHERE action = 'evidence_add'")
    from tests.crash_writer import OLD_PASSWORD

    db = open_database(paths)
    try:
        accounts.authenticate(db, "admin", OLD_PASSWORD)  # encrypts, upgrades, keys the log
        with db.read() as session:
            assert audit.verify_chain(session, db.admin_key, keyed=True) == [
                f"Nhật ký kiểm tra: bản ghi số {deleted + 1} không nối tiếp bản ghi trước "
                "(có bản ghi đã bị xóa hoặc chèn).",
                f"Nhật ký kiểm tra: bản ghi số {edited} đã bị sửa."]
            start = session.execute(select(AuditEntry).where(
                AuditEntry.action == AuditAction.AUDIT_CHAIN_START)).scalar_one()
        assert json.loads(start.detail)["problems"] == 2 and start.sequence == 1
    finally:
        db.dispose()
