"""The office's settings as plain data: its unit, place and signer, its thresholds.

Loaded and saved by `app.services.settings`; the report and printout writers lay them out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from app.domain import deadlines
from app.errors import UserError


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
    # The report's options the office chose (`app.domain.report.ReportOption` codes).
    report_options: tuple[str, ...] = ()

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
