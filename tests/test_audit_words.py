"""The audit log in words: every action, on a recorded example, shows who did what to which
case under Vietnamese labels, never JSON, a stored key, a code of the program or a record's
UUID; the Excel export shows the same words."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from python_calamine import CalamineWorkbook

from app.services import audit, audit_log
from app.services.audit import AuditAction
from app.services.audit_log import AuditLine
from tests.test_audit_completeness import ACTIONS, World, _last_id, _rows_after
from tests.test_audit_completeness import world as world  # the module's fixture

# Actions no operation of ACTIONS records (a restore, replacing the keys, a key found not to
# match, the keyed chain started over an older log, a case transfer): written as their
# services write them.
WRITTEN: dict[AuditAction, tuple[str | None, dict[str, Any]]] = {
    AuditAction.RESTORE: (None, {"file": "sao-luu.svpbak", "created_at":
                                 "2026-11-19T08:30:00+00:00", "format": 3,
                                 "safety": "truoc-khoi-phuc-20261120"}),
    AuditAction.KEY_ROTATE: (None, {"evidence_files": 12, "damaged_files": 0,
                                    "resumed": False}),
    AuditAction.KEY_MISMATCH: (None, {"what": "accounts_seal", "repaired": False}),
    AuditAction.AUDIT_CHAIN_START: (None, {"rows": 120, "problems": 0}),
    # A transfer needs a second office (tests/test_transfers.py).
    AuditAction.CASE_TRANSFER_OUT: ("case", {"code": "VV2026-00012", "unit": "00004",
                                             "to_unit": "00007", "sha256": "ab" * 32,
                                             "children_unmasked": False}),
    AuditAction.CASE_TRANSFER_IN: ("case", {"code": "VV2026-00012", "unit": "00004",
                                            "from_unit": "00004", "sha256": "ab" * 32,
                                            "updated": True, "kept": False}),
}

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# The program's own codes that a raw log shows (roles, reasons, kinds of export).
CODES = {"officer", "admin_", "leader", "viewer", "password", "unknown", "audit_log",
         "case_list", "case_list_print", "backup_key", "accounts_seal", "true", "false",
         "none", "null", "reset"}


def _keys(detail: Any) -> set[str]:
    """Every key a stored detail holds, and the field keys of an edit's `changed`."""
    if isinstance(detail, dict):
        found = set(detail)
        for key, value in detail.items():
            found |= _keys(value)
            if key == "changed":
                found |= set(value)
        return found
    if isinstance(detail, list):
        return set().union(*(_keys(v) for v in detail)) if detail else set()
    return set()


def _english(line: AuditLine, detail: dict[str, Any]) -> list[str]:
    text = " ".join(line.texts[2:])
    words = set(re.findall(r"[A-Za-z_]+", text))
    return sorted(({k for k in _keys(detail) if k in words}
                   | {w for w in words if w.lower() in CODES})
                  | set(UUID.findall(text)) | ({"{"} if "{" in text else set())
                  | ({"["} if "[" in text else set()))


@pytest.fixture(scope="module")
def examples(world: World) -> Iterator[list[tuple[str, AuditAction, AuditLine, dict[str, Any]]]]:
    """Each action's rows, in words, with the detail stored."""
    found: list[tuple[str, AuditAction, AuditLine, dict[str, Any]]] = []

    def lines_of(name: str, before: int) -> None:
        rows = _rows_after(world.db, before)
        lines = audit_log.search(world.db, world.admin, limit=len(rows))[::-1]
        for row, line in zip(rows, lines, strict=True):
            found.append((name, AuditAction(row.action), line, json.loads(row.detail)))

    lines_of("khởi tạo", 0)
    for audited in ACTIONS:
        if audited.action is None:
            continue
        act = audited.prepare(world)
        before = _last_id(world.db)
        act()
        lines_of(audited.name, before)
    for action, (entity, detail) in WRITTEN.items():
        before = _last_id(world.db)
        with world.db.write() as session:
            audit.record(session, "admin", action, entity=entity, detail=detail)
        lines_of(str(action), before)
    yield found


def test_every_action_has_a_recorded_example(
        examples: list[tuple[str, AuditAction, AuditLine, dict[str, Any]]]) -> None:
    assert {action for _, action, _, _ in examples} == set(AuditAction)


def test_every_row_reads_in_words(
        examples: list[tuple[str, AuditAction, AuditLine, dict[str, Any]]]) -> None:
    raw = {name: (line.texts, _english(line, detail))
           for name, _, line, detail in examples if _english(line, detail)}
    assert raw == {}


def _line(examples: list[tuple[str, AuditAction, AuditLine, dict[str, Any]]],
          name: str, action: AuditAction) -> AuditLine:
    return next(line for n, a, line, _ in examples if n == name and a == action)


def test_an_edit_names_the_case_the_fields_and_the_labels_of_codes(
        examples: list[tuple[str, AuditAction, AuditLine, dict[str, Any]]]) -> None:
    edit = _line(examples, "sửa vụ việc", AuditAction.CASE_UPDATE)
    assert edit.action == "Sửa vụ việc" and re.fullmatch(r"Vụ việc VV2026-\d{5}", edit.subject)
    assert edit.detail == ("Sửa: Nền tảng (Facebook → YouTube), Tóm tắt nội dung, Địa bàn")
    children = _line(examples, "sửa trẻ em của vụ việc", AuditAction.CASE_UPDATE)
    assert children.detail == "Sửa: Trẻ em liên quan (1 → 2 người)"
    account = _line(examples, "tạo tài khoản", AuditAction.USER_CREATE)
    assert account.subject.startswith("Người dùng moi") and account.detail == "Vai trò: Cán bộ"
    refused = _line(examples, "sai mật khẩu", AuditAction.LOGIN_FAILED)
    assert refused.detail.startswith("Lý do: sai mật khẩu; Lúc: ")
    voided = _line(examples, "hủy biện pháp", AuditAction.EVENT_VOID)
    assert voided.detail == "Biện pháp: Xác minh, thu thập chứng cứ ngày 20/11/2026"
    settings = _line(examples, "đổi cài đặt", AuditAction.SETTINGS_CHANGE)
    assert re.fullmatch(r"Cảnh báo vụ việc không có biện pháp mới sau \(ngày\): \d+ → \d+",
                        settings.detail)


def test_the_export_shows_the_same_words(
        world: World, examples: list[tuple[str, AuditAction, AuditLine, dict[str, Any]]],
        tmp_path: Any) -> None:
    lines = audit_log.search(world.db, world.admin)
    target = tmp_path / "nhat-ky.xlsx"
    audit_log.export(world.db, world.admin, target, lines)
    with CalamineWorkbook.from_path(str(target)) as book:
        rows = book.get_sheet_by_index(0).to_python()
    exported = [tuple(str(v) for v in row) for row in rows if row and row[0] != ""]
    assert [line.texts for line in lines] == [row for row in exported
                                              if row[0][:2].isdigit()]
    assert any(text.startswith("Sửa: Nền tảng (Facebook → YouTube)")
               for row in exported for text in row)

