"""Office settings: everything about a particular unit, place or signer lives here."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.db import Database
from app.domain import deadlines
from app.errors import UserError
from app.models import Setting
from app.services import audit
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction

OFFICE_KEY = "office"


@dataclass(frozen=True)
class OfficeSettings:
    managing_body: str = ""
    unit_name: str = ""
    unit_short: str = ""
    place_name: str = ""
    document_symbol: str = "BC"
    signer_authority: str = "KT. TRƯỞNG PHÒNG"
    signer_title: str = "PHÓ TRƯỞNG PHÒNG"
    signer_name: str = ""
    addressees: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ("Như trên;", "Lưu: VT.")
    areas: tuple[str, ...] = ()
    case_code_pattern: str = "VV{year}-{seq:05d}"
    idle_lock_minutes: int = 10
    # The thresholds of the "needs action" lists: office practice (app.domain.deadlines).
    removal_overdue_days: int = deadlines.REMOVAL_OVERDUE_DAYS
    stale_case_days: int = deadlines.STALE_CASE_DAYS
    limitation_warning_days: int = deadlines.LIMITATION_WARNING_DAYS
    evidence_max_mb: int = 200
    backup_every_minutes: int = 30
    offsite_backup_days: int = 7
    # How long a deleted case stays restorable before it may be purged for good.
    deleted_retention_days: int = deadlines.DELETED_RETENTION_DAYS

    def validate(self) -> None:
        try:
            self.case_code_pattern.format(year=2026, seq=1)
        except (KeyError, IndexError, ValueError) as exc:
            raise UserError(
                "Mẫu mã vụ việc không hợp lệ: chỉ dùng {year} và {seq} (ví dụ VV{year}-{seq:05d}).",
                field="case_code_pattern",
            ) from exc
        if "{seq" not in self.case_code_pattern:
            raise UserError("Mẫu mã vụ việc phải có {seq} (số thứ tự).", field="case_code_pattern")
        for name in ("idle_lock_minutes", "removal_overdue_days", "stale_case_days",
                     "limitation_warning_days", "evidence_max_mb", "backup_every_minutes",
                     "offsite_backup_days", "deleted_retention_days"):
            if getattr(self, name) <= 0:
                raise UserError("Các ngưỡng phải là số dương.", field=name)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OfficeSettings:
        known = {f.name: f for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, value in data.items():
            if key in known:
                values[key] = tuple(value) if isinstance(value, list) else value
        return cls(**values)


def read_office(session: Session) -> OfficeSettings:
    row = session.get(Setting, OFFICE_KEY)
    return OfficeSettings.from_json(json.loads(row.value)) if row else OfficeSettings()


def load_office(db: Database) -> OfficeSettings:
    with db.read() as session:
        return read_office(session)


def write_office(session: Session, settings: OfficeSettings) -> None:
    settings.validate()
    text = json.dumps(dataclasses.asdict(settings), ensure_ascii=False)
    row = session.get(Setting, OFFICE_KEY)
    if row is None:
        session.add(Setting(key=OFFICE_KEY, value=text))
    else:
        row.value = text


def save_office(db: Database, actor: Actor, settings: OfficeSettings) -> None:
    actor.require(Permission.MANAGE_SETTINGS)
    with db.write() as session:
        before = dataclasses.asdict(read_office(session))
        write_office(session, settings)
        after = dataclasses.asdict(settings)
        changed = {k: [before[k], after[k]] for k in after if before.get(k) != after[k]}
        audit.record(session, actor.username, AuditAction.SETTINGS_CHANGE, detail=changed)



def read_value(session: Session, key: str) -> Any:
    """A value the program keeps for itself (not an office setting), or None."""
    row = session.get(Setting, key)
    return json.loads(row.value) if row else None


def write_value(session: Session, key: str, value: Any) -> None:
    text = json.dumps(value, ensure_ascii=False)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=text))
    else:
        row.value = text
