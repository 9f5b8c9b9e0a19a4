"""The office's settings as plain data: its units, place and signers, its thresholds.

Loaded and saved by `app.services.settings`; the report and printout writers lay them out.
Unit names and signer lines are kept as the office types them and printed so: the program
never re-cases a name (a heading in capitals and the same name inside a sentence are two
settings), and a line break typed in a heading is where the header breaks it.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from app.domain import deadlines
from app.domain.case_code import CaseCodeParts, check_pattern
from app.domain.documents import (
    DEFAULT_SYMBOLS,
    DocumentKind,
    document_kind,
    symbol_problem,
)
from app.domain.labels import DayUnit
from app.domain.units import Unit, unit_code_problem
from app.errors import UserError

# Nghị định 30/2020, Phụ lục I: the authority line, the title, and an acting or a deputy's
# line (`TM. ỦY BAN NHÂN DÂN` / `KT. CHỦ TỊCH` / `PHÓ CHỦ TỊCH`); the name comes under them.
MAX_SIGNER_LINES = 3
# NĐ 30/2020 Điều 13: «TM.» signs for a collective body; a document the Chairman issues in
# person (a sanction decision: Luật XLVPHC Điều 38) is signed «CHỦ TỊCH» or «KT. CHỦ TỊCH».
COLLECTIVE_SIGNING = "TM."


class Issuer(StrEnum):
    """Who issues and signs a document: the report's issuer is one of the first two."""

    UNIT = "unit"  # the office's own unit (Phòng Văn hóa - Xã hội): …/BC-VHXH
    COMMITTEE = "committee"  # its managing body, the commune's People's Committee: …/BC-UBND
    # The committee's Chairman in person, under the committee's heading (a sanction decision).
    CHAIRMAN = "chairman"


REPORT_ISSUERS = (Issuer.UNIT, Issuer.COMMITTEE)


def one_line(heading: str) -> str:
    """A name typed over several lines, on one (a window's title, a sentence)."""
    return " ".join(heading.split())


@dataclass(frozen=True)
class ReportIssuer:
    """The issuer of a report as its header, its sentences and its signature show it."""

    above: str  # the heading of the body it belongs to, printed over its name ("" for none)
    heading: str  # its name in the header, lines as typed
    in_sentence: str  # its name inside a sentence
    document_symbol: str
    signer_lines: tuple[str, ...]
    signer_name: str


@dataclass(frozen=True)
class OfficeSettings:
    # The administrative unit the office belongs to, as other offices know it
    # (`app.domain.units`): its code ("" until set) and its name (`Xã Minh Tân`).
    unit_code: str = ""
    unit_title: str = ""
    # Each name as printed in a heading (`ỦY BAN NHÂN DÂN\nXÃ MINH TÂN`) and as written inside
    # a sentence (`Ủy ban nhân dân xã Minh Tân`).
    managing_body: str = ""
    managing_body_in_sentence: str = ""
    unit_name: str = ""
    unit_in_sentence: str = ""
    unit_short: str = ""
    place_name: str = ""
    issuer: Issuer = Issuer.UNIT
    # What each issuer puts on a report. The defaults are generic titles only.
    unit_symbol: str = "BC"
    unit_signer: tuple[str, ...] = ("KT. TRƯỞNG PHÒNG", "PHÓ TRƯỞNG PHÒNG")
    unit_signer_name: str = ""
    committee_symbol: str = "BC-UBND"
    committee_signer: tuple[str, ...] = ("TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    committee_signer_name: str = ""
    # The Chairman's own signature (no symbol: a decision takes its kind's).
    chairman_signer: tuple[str, ...] = ("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH")
    chairman_signer_name: str = ""
    addressees: tuple[str, ...] = ()
    recipients: tuple[str, ...] = ("Như trên", "Lưu: VT")
    areas: tuple[str, ...] = ()
    case_code_pattern: str = CaseCodeParts().pattern
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
    # The time to issue a sanction decision after the biên bản (app.domain.sanctions).
    decision_days: int = deadlines.DECISION_CLOCK.days
    decision_days_explained: int = deadlines.DECISION_EXPLAINED_CLOCK.days
    decision_extension_days: int = deadlines.DECISION_EXTENSION_CLOCK.days
    # The bodies a transfer, escalation or request is addressed to, offered in the event
    # dialog (the officer may type another).
    addressee_suggestions: tuple[str, ...] = (
        "Công an xã", "Công an tỉnh (Phòng An ninh mạng và phòng, chống tội phạm sử dụng "
        "công nghệ cao - PA05)", "Chủ tịch Ủy ban nhân dân xã",
        "Sở Văn hóa, Thể thao và Du lịch",
        "Cục Phát thanh, truyền hình và thông tin điện tử - Bộ Văn hóa, Thể thao và Du lịch",
        "Phòng Văn hóa - Xã hội (bảo vệ trẻ em)",
    )
    # Whether the decision's time after the biên bản counts working days (app.domain.deadlines:
    # as Luật XLVPHC Điều 66 reads since 2022) or calendar days; the reply a request expects.
    decision_day_unit: DayUnit = deadlines.DECISION_CLOCK.unit
    reply_days: int = deadlines.REPLY_CLOCK.days
    reply_day_unit: DayUnit = deadlines.REPLY_CLOCK.unit
    # The symbol of each kind of document (`app.domain.documents`), numbered per symbol
    # and year in the register; a kind not set takes its default.
    document_symbols: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SYMBOLS))
    # At a province: the days after a period's last day by which a unit's report is due
    # (`app.domain.report_due`).
    report_due_days: int = deadlines.REPORT_DUE_DAYS

    def document_symbol(self, kind: DocumentKind) -> str:
        return (self.document_symbols.get(kind) or "").strip() or DEFAULT_SYMBOLS[kind]

    def issuer_details(self, issuer: Issuer) -> ReportIssuer:
        """A name not typed for sentences stands there as its heading, on one line."""
        if issuer is not Issuer.UNIT:
            signer, name = ((self.chairman_signer, self.chairman_signer_name)
                            if issuer is Issuer.CHAIRMAN
                            else (self.committee_signer, self.committee_signer_name))
            return ReportIssuer(
                "", self.managing_body,
                self.managing_body_in_sentence or one_line(self.managing_body),
                self.committee_symbol, signer, name)
        return ReportIssuer(
            self.managing_body, self.unit_name,
            self.unit_in_sentence or one_line(self.unit_name),
            self.unit_symbol, self.unit_signer, self.unit_signer_name)

    @property
    def unit(self) -> Unit:
        return Unit(self.unit_code, self.unit_title)

    @property
    def report_issuer(self) -> ReportIssuer:
        return self.issuer_details(self.issuer)

    def validate(self) -> None:
        check_pattern(self.case_code_pattern)
        if self.unit_code and (problem := unit_code_problem(self.unit_code)):
            raise UserError(problem, field="unit_code")
        if self.unit_code and not self.unit_title.strip():
            raise UserError("Cần ghi tên đơn vị hành chính đi kèm mã đơn vị (VD: Xã Minh Tân).",
                            field="unit_title")
        if self.issuer not in REPORT_ISSUERS:
            raise UserError("Báo cáo do đơn vị hoặc Ủy ban nhân dân ban hành.", field="issuer")
        for name in ("unit_signer", "committee_signer", "chairman_signer"):
            if len(getattr(self, name)) > MAX_SIGNER_LINES:
                raise UserError(
                    f"Khối chữ ký có tối đa {MAX_SIGNER_LINES} dòng (thẩm quyền ký, chức vụ, "
                    "ví dụ TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH); họ tên người ký "
                    "ghi ở ô riêng.", field=name)
        if any(line.upper().startswith(COLLECTIVE_SIGNING) for line in self.chairman_signer):
            raise UserError(
                "Chủ tịch ký quyết định xử phạt với tư cách cá nhân: ghi «CHỦ TỊCH», hoặc «KT. "
                "CHỦ TỊCH» / «PHÓ CHỦ TỊCH»; dòng «TM. ỦY BAN NHÂN DÂN» chỉ dùng cho văn bản "
                "của tập thể Ủy ban (Nghị định 30/2020, Điều 13).", field="chairman_signer")
        for name in ("idle_lock_minutes", "removal_overdue_days", "stale_case_days",
                     "limitation_warning_days", "evidence_max_mb", "backup_every_minutes",
                     "offsite_backup_days", "deleted_retention_days", "decision_days",
                     "decision_days_explained", "decision_extension_days", "reply_days",
                     "report_due_days"):
            if getattr(self, name) <= 0:
                raise UserError("Các ngưỡng phải là số dương.", field=name)
        for code, symbol in self.document_symbols.items():
            kind = document_kind(code)
            if kind is not None and (problem := symbol_problem(kind, symbol)):
                raise UserError(problem, field="document_symbols")

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> OfficeSettings:
        known = {f.name for f in dataclasses.fields(cls)}
        values: dict[str, Any] = {}
        for key, value in _renamed(data).items():
            if key in known:
                values[key] = tuple(value) if isinstance(value, list) else value
        if values.get("issuer") not in (None, *REPORT_ISSUERS):
            values["issuer"] = Issuer.UNIT  # a value this version does not know
        elif "issuer" in values:
            values["issuer"] = Issuer(values["issuer"])
        for unit in ("decision_day_unit", "reply_day_unit"):
            if unit in values:  # a value this version does not know: the default
                values[unit] = (DayUnit(values[unit]) if values[unit] in set(DayUnit)
                                else getattr(cls, unit))
        return cls(**values)


def _renamed(data: dict[str, Any]) -> dict[str, Any]:
    """Settings saved before the report could be issued by the People's Committee held one
    symbol and a signer of two lines: they were the unit's."""
    old = {key: data[key] for key in ("document_symbol", "signer_authority", "signer_title",
                                      "signer_name") if key in data}
    if not old:
        return data
    new = {key: value for key, value in data.items() if key not in old}
    if "document_symbol" in old:
        new.setdefault("unit_symbol", old["document_symbol"])
    if "signer_authority" in old or "signer_title" in old:
        new.setdefault("unit_signer", [line for line in (old.get("signer_authority", ""),
                                                         old.get("signer_title", "")) if line])
    if "signer_name" in old:
        new.setdefault("unit_signer_name", old["signer_name"])
    return new


# Each setting's name, as the office form and the audit log show it.
SETTING_LABELS: dict[str, str] = {
    "unit_code": "Mã đơn vị hành chính",
    "unit_title": "Tên đơn vị hành chính",
    # Not settings of the form: what the audit log shows of a unit's key registered.
    "registered_unit": "Đăng ký khóa công khai của đơn vị",
    "unit_key_fingerprint": "Dấu vân tay khóa",
    "managing_body": "Cơ quan chủ quản, như in ở đầu văn bản",
    "managing_body_in_sentence": "Cơ quan chủ quản, viết trong câu",
    "unit_name": "Tên đơn vị, như in ở đầu văn bản",
    "unit_in_sentence": "Tên đơn vị, viết trong câu",
    "unit_short": "Tên viết tắt",
    "place_name": "Địa danh",
    "issuer": "Báo cáo do",
    "unit_symbol": "Ký hiệu văn bản khi đơn vị ban hành",
    "unit_signer": "Thẩm quyền, chức vụ người ký khi đơn vị ban hành",
    "unit_signer_name": "Họ tên người ký khi đơn vị ban hành",
    "committee_symbol": "Ký hiệu văn bản khi Ủy ban nhân dân ban hành",
    "committee_signer": "Thẩm quyền, chức vụ người ký khi Ủy ban nhân dân ban hành",
    "committee_signer_name": "Họ tên người ký khi Ủy ban nhân dân ban hành",
    "chairman_signer": "Thẩm quyền, chức vụ người ký quyết định xử phạt (Chủ tịch)",
    "chairman_signer_name": "Họ tên người ký quyết định xử phạt (Chủ tịch)",
    "addressees": "Kính gửi",
    "recipients": "Nơi nhận",
    "areas": "Địa bàn",
    "case_code_pattern": "Mẫu mã vụ việc",
    "idle_lock_minutes": "Tự khóa sau (phút không thao tác)",
    "removal_overdue_days": "Cảnh báo yêu cầu gỡ chưa được đáp ứng sau (ngày)",
    "stale_case_days": "Cảnh báo vụ việc không có biện pháp mới sau (ngày)",
    "limitation_warning_days": "Cảnh báo trước khi hết thời hiệu (ngày)",
    "evidence_max_mb": "Dung lượng tối đa một tệp chứng cứ (MB)",
    "backup_every_minutes": "Tự sao lưu sau mỗi (phút làm việc)",
    "offsite_backup_days": "Nhắc sao lưu ra USB sau (ngày)",
    "deleted_retention_days": "Giữ vụ việc đã xóa trước khi xóa hẳn (ngày)",
    "report_options": "Tùy chọn của báo cáo",
    "decision_days": "Hạn ra quyết định xử phạt sau biên bản (ngày)",
    "decision_days_explained": "Hạn ra quyết định khi có giải trình, cần xác minh (ngày)",
    "decision_extension_days": "Gia hạn ra quyết định thêm tối đa (ngày)",
    "addressee_suggestions": "Cơ quan nhận khi chuyển, kiến nghị, đề nghị (gợi ý)",
    "decision_day_unit": "Hạn ra quyết định sau biên bản tính theo",
    "reply_days": "Hạn trả lời văn bản đề nghị, kiến nghị, chuyển hồ sơ (ngày)",
    "reply_day_unit": "Hạn trả lời tính theo",
    "document_symbols": "Ký hiệu từng loại văn bản (sổ văn bản đi)",
    "report_due_days": "Hạn đơn vị gửi báo cáo lên tỉnh, sau ngày cuối kỳ (ngày)",
}
