"""The append-only audit log, written in the same transaction as the change.

Each row carries the hash of the row before it, so an edited or deleted row
breaks the chain and `check` finds it. The log outlives a purge and is exported: it keeps
no free text and no particular of a person, only keys, codes, dates, numbers and counts.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.domain.fields import Field
from app.models import AuditEntry
from app.models.base import utcnow

GENESIS = "0" * 64


class AuditAction(StrEnum):
    INIT = "init"
    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    CASE_CREATE = "case_create"
    CASE_UPDATE = "case_update"
    CASE_DELETE = "case_delete"
    CASE_RESTORE = "case_restore"
    CHILD_CASE_VIEW = "child_case_view"
    CASE_PRINT = "case_print"
    EVENT_ADD = "event_add"
    EVENT_EDIT = "event_edit"
    EVENT_VOID = "event_void"
    CASE_REOPEN = "case_reopen"
    EVIDENCE_ADD = "evidence_add"
    EVIDENCE_REMOVE = "evidence_remove"
    EVIDENCE_VIEW = "evidence_view"
    IMPORT = "import"
    EXPORT = "export"
    REPORT = "report"
    USER_CREATE = "user_create"
    USER_UPDATE = "user_update"
    PASSWORD_CHANGE = "password_change"
    SETTINGS_CHANGE = "settings_change"
    VOCABULARY_CHANGE = "vocabulary_change"
    LEGAL_BASIS_CHANGE = "legal_basis_change"
    DEMO = "demo"
    CHECK = "check"
    PURGE = "purge"
    BACKUP = "backup"
    RESTORE = "restore"
    RECOVERY_KEY_NEW = "recovery_key_new"
    RECOVERY_KEY_USE = "recovery_key_use"
    KEY_ROTATE = "key_rotate"
    KEY_MISMATCH = "key_mismatch"


# Audited actions that change nothing in the register: the dashboard's figures and the
# last backup stay current after them. Any other action (one added later too) is a change.
UNCHANGING_ACTIONS = frozenset({
    AuditAction.LOGIN, AuditAction.LOGIN_FAILED, AuditAction.CHILD_CASE_VIEW,
    AuditAction.EVIDENCE_VIEW, AuditAction.CASE_PRINT, AuditAction.EXPORT, AuditAction.REPORT,
    AuditAction.BACKUP,
})

ACTION_LABELS: dict[AuditAction, str] = {
    AuditAction.INIT: "Khởi tạo dữ liệu",
    AuditAction.LOGIN: "Đăng nhập",
    AuditAction.LOGIN_FAILED: "Đăng nhập không thành công",
    AuditAction.CASE_CREATE: "Ghi vụ việc mới",
    AuditAction.CASE_UPDATE: "Sửa vụ việc",
    AuditAction.CASE_DELETE: "Xóa vụ việc",
    AuditAction.CASE_RESTORE: "Khôi phục vụ việc",
    AuditAction.CHILD_CASE_VIEW: "Xem vụ việc có trẻ em",
    AuditAction.CASE_PRINT: "In phiếu thông tin vụ việc",
    AuditAction.EVENT_ADD: "Ghi biện pháp xử lý",
    AuditAction.EVENT_EDIT: "Sửa biện pháp xử lý",
    AuditAction.EVENT_VOID: "Hủy biện pháp xử lý",
    AuditAction.CASE_REOPEN: "Mở lại hồ sơ",
    AuditAction.EVIDENCE_ADD: "Thêm tệp chứng cứ",
    AuditAction.EVIDENCE_REMOVE: "Gỡ tệp chứng cứ",
    AuditAction.EVIDENCE_VIEW: "Xem tệp chứng cứ của vụ việc có trẻ em",
    AuditAction.IMPORT: "Nhập từ Excel",
    AuditAction.EXPORT: "Xuất dữ liệu",
    AuditAction.REPORT: "Lập báo cáo",
    AuditAction.USER_CREATE: "Tạo tài khoản",
    AuditAction.USER_UPDATE: "Sửa tài khoản",
    AuditAction.PASSWORD_CHANGE: "Đổi mật khẩu",
    AuditAction.SETTINGS_CHANGE: "Thay đổi cài đặt",
    AuditAction.VOCABULARY_CHANGE: "Sửa danh mục",
    AuditAction.LEGAL_BASIS_CHANGE: "Sửa căn cứ pháp lý",
    AuditAction.DEMO: "Thêm dữ liệu mẫu",
    AuditAction.CHECK: "Kiểm tra dữ liệu",
    AuditAction.PURGE: "Xóa hẳn vụ việc đã xóa quá thời hạn lưu giữ",
    AuditAction.BACKUP: "Sao lưu",
    AuditAction.RESTORE: "Khôi phục từ bản sao lưu",
    AuditAction.RECOVERY_KEY_NEW: "Tạo khóa khôi phục mới",
    AuditAction.RECOVERY_KEY_USE: "Đặt lại mật khẩu bằng khóa khôi phục",
    AuditAction.KEY_ROTATE: "Thay khóa mã hóa dữ liệu",
    AuditAction.KEY_MISMATCH: "Khóa không khớp khi quản trị đăng nhập",
}


def action_label(action: str) -> str:
    try:
        return ACTION_LABELS[AuditAction(action)]
    except ValueError:  # written by a newer version
        return action


@dataclass(frozen=True)
class AuditRecord:
    id: int
    at: datetime
    username: str
    action: str
    entity: str | None
    entity_uuid: str | None
    detail: dict[str, Any]


def _digest(prev_hash: str, at: datetime, username: str, action: str,
            entity: str | None, entity_uuid: str | None, detail: str) -> str:
    payload = json.dumps(
        [prev_hash, at.isoformat(), username, action, entity, entity_uuid, detail],
        ensure_ascii=False,
    )
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def changes(before: Mapping[str, Any], after: Mapping[str, Any],
            fields: Mapping[str, Field]) -> dict[str, Any]:
    """What an edit changed: `changed`, the keys of every changed value, and `values`,
    old and new of the plain ones (`Field.plain`: codes, dates, numbers) and the length
    of a changed list of people (children, defamed parties)."""
    changed: list[str] = []
    values: dict[str, Any] = {}
    for key, new in after.items():
        old = before[key]
        if old == new:
            continue
        changed.append(key)
        field = fields.get(key)
        if field is not None and field.plain:
            values[key] = [old, new]
        elif field is None and isinstance(new, tuple):
            values[key] = [len(old), len(new)]
    return {"changed": changed, "values": values}


def record(
    session: Session,
    username: str,
    action: AuditAction,
    *,
    entity: str | None = None,
    entity_uuid: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Add one row to the log inside the caller's transaction."""
    last = session.execute(
        select(AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
    prev_hash = last or GENESIS
    at = utcnow()
    text = json.dumps(detail or {}, ensure_ascii=False, sort_keys=True, default=str)
    entry = AuditEntry(
        at=at,
        username=username,
        action=str(action),
        entity=entity,
        entity_uuid=entity_uuid,
        detail=text,
        prev_hash=prev_hash,
        hash=_digest(prev_hash, at, username, str(action), entity, entity_uuid, text),
    )
    session.add(entry)
    session.flush()


def verify_chain(session: Session) -> list[str]:
    """Vietnamese descriptions of every break in the chain (empty when intact)."""
    problems: list[str] = []
    prev_hash = GENESIS
    rows = session.execute(select(AuditEntry).order_by(AuditEntry.id)).scalars()
    for entry in rows:
        if entry.prev_hash != prev_hash:
            problems.append(
                f"Nhật ký kiểm tra: bản ghi số {entry.id} không nối tiếp bản ghi trước "
                "(có bản ghi đã bị xóa hoặc chèn)."
            )
        expected = _digest(entry.prev_hash, entry.at, entry.username, entry.action,
                           entry.entity, entry.entity_uuid, entry.detail)
        if entry.hash != expected:
            problems.append(f"Nhật ký kiểm tra: bản ghi số {entry.id} đã bị sửa.")
        prev_hash = entry.hash
    return problems


def entries(session: Session, *, username: str | None = None, action: str | None = None,
            since: datetime | None = None, until: datetime | None = None,
            limit: int = 2000) -> list[AuditRecord]:
    """The newest rows first, filtered."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if username:
        query = query.where(AuditEntry.username == username)
    if action:
        query = query.where(AuditEntry.action == action)
    if since:
        query = query.where(AuditEntry.at >= since)
    if until:
        query = query.where(AuditEntry.at < until)
    return [
        AuditRecord(e.id, e.at, e.username, e.action, e.entity, e.entity_uuid, json.loads(e.detail))
        for e in session.execute(query).scalars()
    ]


def last_change(session: Session) -> AuditEntry | None:
    """The newest audit row of a change: every change writes one in its own transaction."""
    return session.execute(
        select(AuditEntry).where(AuditEntry.action.not_in(UNCHANGING_ACTIONS))
        .order_by(AuditEntry.id.desc()).limit(1)
    ).scalar_one_or_none()
