"""Reading and exporting the audit log (administrators)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from app.db import Database
from app.services import audit
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction, AuditRecord, action_label
from app.services.table_export import write_table

HEADERS = ("Thời gian", "Người dùng", "Thao tác", "Đối tượng", "Chi tiết")


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone(UTC)


def search(db: Database, actor: Actor, *, username: str | None = None,
           action: str | None = None, day_from: date | None = None,
           day_to: date | None = None, limit: int = 2000) -> list[AuditRecord]:
    actor.require(Permission.MANAGE_SETTINGS)
    with db.read() as session:
        return audit.entries(
            session, username=username, action=action,
            since=_local_midnight(day_from) if day_from else None,
            until=_local_midnight(day_to + timedelta(days=1)) if day_to else None,
            limit=limit)


def row_texts(record: AuditRecord) -> tuple[str, str, str, str, str]:
    detail = json.dumps(record.detail, ensure_ascii=False) if record.detail else ""
    return (record.at.astimezone().strftime("%d/%m/%Y %H:%M:%S"), record.username,
            action_label(record.action), record.entity or "", detail)


def export(db: Database, actor: Actor, path: Path, records: list[AuditRecord]) -> None:
    actor.require(Permission.MANAGE_SETTINGS)
    write_table(path, "Nhật ký thao tác", HEADERS, (20, 14, 26, 12, 80),
                (row_texts(r) for r in records), len(records))
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.EXPORT,
                     detail={"kind": "audit_log", "rows": len(records), "file": path.name})
