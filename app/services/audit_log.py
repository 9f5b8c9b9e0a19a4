"""Reading and exporting the audit log (administrators), in words: who did what to which
case, each detail under its Vietnamese label (fields by their labels in
`app.domain.fields`, codes by their vocabulary labels, roles by their names), never the
stored keys and codes. The screen and the Excel export show the same words."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from app.db import Database
from app.domain import legal
from app.domain.documents import DOCUMENT_KIND_LABELS, document_kind
from app.domain.fields import (
    BY_KEY,
    CHILDREN_LABEL,
    CHOICE_BY_KEY,
    DEFAMED_LABEL,
    EVENT_BY_KEY,
    TRANSFER_BY_KEY,
    Field,
    Kind,
)
from app.domain.labels import DECISION_TIME_LABELS, PARTY_LABELS, ROLE_LABELS, DecisionTime
from app.domain.office import SETTING_LABELS
from app.domain.vocabulary import LIST_TITLES, VocabList, Vocabulary
from app.models import Event
from app.services import audit, templates, vocabulary
from app.services.actor import Actor, Permission
from app.services.audit import AuditAction, AuditRecord, action_label
from app.services.table_export import write_table
from app.text import format_date, format_number

HEADERS = ("Thời gian", "Người dùng", "Thao tác", "Đối tượng", "Chi tiết")


@dataclass(frozen=True)
class AuditLine:
    """One row of the log as shown and exported: the texts of `HEADERS`."""

    at: str
    username: str
    action: str
    subject: str
    detail: str

    @property
    def texts(self) -> tuple[str, str, str, str, str]:
        return (self.at, self.username, self.action, self.subject, self.detail)


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time()).astimezone(UTC)


def search(db: Database, actor: Actor, *, username: str | None = None,
           action: str | None = None, day_from: date | None = None,
           day_to: date | None = None, limit: int = 2000) -> list[AuditLine]:
    actor.require(Permission.MANAGE_SETTINGS)
    with db.read() as session:
        records = audit.entries(
            session, username=username, action=action,
            since=_local_midnight(day_from) if day_from else None,
            until=_local_midnight(day_to + timedelta(days=1)) if day_to else None,
            limit=limit)
        event_uuids = {str(r.detail[key]) for r in records for key in _EVENT_KEYS
                       if key in r.detail and _names_event(r, key)}
        events = {row.uuid: (row.kind, row.occurred_on) for row in session.execute(
            select(Event.uuid, Event.kind, Event.occurred_on)
            .where(Event.uuid.in_(event_uuids)))} if event_uuids else {}
        words = _Words(vocabulary.load_from(session), events)
    return [words.line(record) for record in records]


def export(db: Database, actor: Actor, path: Path, lines: list[AuditLine]) -> None:
    actor.require(Permission.MANAGE_SETTINGS)
    write_table(path, "Nhật ký thao tác", HEADERS, (20, 14, 26, 16, 80),
                (line.texts for line in lines), len(lines))
    with db.write() as session:
        audit.record(session, actor.username, AuditAction.EXPORT,
                     detail={"kind": "audit_log", "rows": len(lines), "file": path.name})


# The words ------------------------------------------------------------------------------

# Keys naming an event: its uuid, except under EVENT_ADD's "event", its kind's code.
_EVENT_KEYS = ("event", "corrected_by", "corrects")


def _names_event(record: AuditRecord, key: str) -> bool:
    return not (key == "event" and record.action == AuditAction.EVENT_ADD)


_SUBJECTS = {
    "case": "Vụ việc", "user": "Người dùng", "report": "Báo cáo", "sent_report": "Báo cáo",
    "received_report": "Báo cáo của đơn vị",
    "legal_instrument": "Văn bản pháp luật", "legal_provision": "Điều khoản xử phạt",
    "authority_limit": "Mức phạt tối đa của chức danh",
    "document": "Sổ văn bản",
    "document_template": "Mẫu văn bản",
}

# What was exported, printed or reported (the "kind" of an export).
_EXPORT_KINDS = {"audit_log": "nhật ký thao tác", "case_list": "danh sách vụ việc",
                 "case_list_print": "in danh sách vụ việc",
                 "document_register": "sổ văn bản đi, đến",
                 "document_template": "mẫu văn bản"}
_SIGN_IN_REFUSALS = {
    "password": "sai mật khẩu", "unknown": "tên đăng nhập không có",
    "locked": "người dùng đang bị tạm khóa",
    "dropped": "lần đăng nhập sai không còn ghi chi tiết (quá nhiều)",
}
_KEY_PROBLEMS = {"backup_key": "khóa mở bản sao lưu", "accounts_seal": "dấu xác thực danh sách "
                 "người dùng"}
_LEGAL_OPS = {"add": "thêm", "edit": "sửa", "end": "kết thúc hiệu lực", "delete": "xóa"}
_LEGAL_FIELDS: dict[str, Mapping[str, Field]] = {
    "legal_instrument": legal.INSTRUMENT_BY_KEY, "legal_provision": legal.PROVISION_BY_KEY,
    "authority_limit": legal.LIMIT_BY_KEY,
}
_CASE_FIELDS: Mapping[str, Field] = {**BY_KEY, **CHOICE_BY_KEY}
_PEOPLE = {"children": CHILDREN_LABEL, "defamed": DEFAMED_LABEL}

# The label of every other key a detail may hold, in the order they are shown.
DETAIL_LABELS: dict[str, str] = {
    "op": "Việc", "action": "Việc", "kind": "Nội dung", "template": "Mẫu",
    "default": "Mẫu mặc định", "event": "Biện pháp",
    "corrected_by": "Thay bằng", "corrects": "Thay cho", "date": "Ngày",
    "amount": "Số tiền phạt", "reason": "Lý do", "at": "Lúc", "count": "Số lần",
    "username": "Người dùng", "role": "Vai trò", "changes": "Thay đổi", "active": "Đang dùng",
    "password": "Mật khẩu", "unit": "Đơn vị", "period": "Kỳ báo cáo", "start": "Từ ngày",
    "end": "Đến ngày",
    "number": "Số báo cáo", "version": "Lần phát hành", "from": "Phát hiện từ ngày",
    "to": "Phát hiện đến ngày", "list": "Danh mục", "code": "Mã vụ việc", "codes": "Mã vụ việc",
    "label": "Tên hiển thị", "added": "Thêm mục", "cases": "Số vụ việc",
    "events": "Số biện pháp", "children": "Số trẻ em", "warnings": "Số cảnh báo",
    "rows": "Số dòng", "problems": "Số vấn đề", "provisions": "Số điều khoản",
    "automatic": "Tự động", "evidence_files": "Số tệp chứng cứ", "damaged_files": "Số tệp hỏng",
    "resumed": "Làm tiếp sau khi bị ngắt", "created_at": "Bản sao lưu lập lúc",
    "format": "Định dạng bản sao lưu", "safety": "Bản lưu dữ liệu cũ", "what": "Khóa",
    "repaired": "Đã sửa", "children_unmasked": "Hiện tên trẻ em", "protected": "Có mật khẩu",
    **{f.key: f.label for f in TRANSFER_BY_KEY.values()},
    "retention_days": "Thời hạn lưu giữ (ngày)", "seed": "Số khởi tạo ngẫu nhiên",
    "data_dir": "Thư mục dữ liệu", "file": "Tệp", "files": "Tệp", "size": "Dung lượng (byte)",
    "document_number": "Số, ký hiệu văn bản", "document_kind": "Loại văn bản",
    "answers": "Trả lời văn bản số", "children_basis": "Căn cứ nêu tên trẻ em",
    "recipients": "Nơi nhận",
    "to_unit": "Chuyển đến đơn vị", "from_unit": "Đơn vị chuyển",
    "updated": "Thay bản cũ trong sổ", "kept": "Giữ bản trong sổ (bản nhận không mới hơn)",
    "sha256": "Mã băm tệp", "xlsx_sha256": "Mã băm tệp Excel", "pdf_sha256": "Mã băm tệp PDF",
}
_ORDER = {key: index for index, key in enumerate(DETAIL_LABELS)}
# A key whose label depends on the action or on its value.
_OTHER_LABELS: dict[tuple[str, str], str] = {
    (AuditAction.VOCABULARY_CHANGE, "code"): "Mã",
    (AuditAction.EXPORT, "children"): "Có dữ liệu trẻ em",
    (AuditAction.PURGE, "files"): "Số tệp chứng cứ xóa hẳn",
}
# Keys not shown: an evidence file's record (its hash names the file).
_UNSHOWN = frozenset({"evidence"})


class _Words:
    """The texts of a row, with the vocabulary and the events its details name."""

    def __init__(self, vocab: Vocabulary, events: dict[str, tuple[str, date]]) -> None:
        self.vocab = vocab
        self.events = events

    def line(self, record: AuditRecord) -> AuditLine:
        code = record.detail.get("code")
        subject = _SUBJECTS.get(record.entity or "", record.entity or "")
        if record.entity == "case" and isinstance(code, str):
            subject = f"Vụ việc {code}"
        elif record.entity == "user" and isinstance(record.detail.get("username"), str):
            subject = f"Người dùng {record.detail['username']}"
        return AuditLine(record.at.astimezone().strftime("%d/%m/%Y %H:%M:%S"),
                         record.username, action_label(record.action), subject,
                         self.detail(record))

    def detail(self, record: AuditRecord) -> str:
        detail = dict(record.detail)
        if record.entity in ("case", "user"):
            detail.pop("code" if record.entity == "case" else "username", None)
        parts: list[str] = []
        if "changed" in detail:
            parts.append(self._changes(record, detail.pop("changed"), detail.pop("values", {}),
                                       str(detail.pop("op", "edit"))))
        settings = record.action == AuditAction.SETTINGS_CHANGE
        for key in sorted(detail, key=lambda k: _ORDER.get(k, len(_ORDER))):
            value = detail[key]
            if key in _UNSHOWN or value is None or value == "":
                continue
            label = SETTING_LABELS.get(key, key) if settings else \
                _OTHER_LABELS.get((record.action, key), DETAIL_LABELS.get(key, key))
            parts.append(f"{label}: {self.value(record, key, value)}")
        return "; ".join(part for part in parts if part)

    def _changes(self, record: AuditRecord, changed: list[str],
                 values: dict[str, list[Any]], op: str) -> str:
        """`Sửa: Nền tảng (Facebook → YouTube), Tóm tắt nội dung`; a catalog entry added
        or deleted with its values only."""
        fields = self._fields(record)
        said = []
        for key in changed:
            label = self._field_label(key, fields)
            if key in values and key in _PEOPLE:
                old, new = values[key]
                said.append(f"{label} ({old} → {new} người)")
            elif key in values:
                old, new = (self._field_value(key, fields, v) for v in values[key])
                said.append(f"{label} {new}" if op == "add" else f"{label} {old}"
                            if op == "delete" else f"{label} ({old or 'trống'} → "
                            f"{new or 'trống'})")
            else:
                said.append(label)
        head = _LEGAL_OPS.get(op, "sửa").capitalize()
        return f"{head}: " + ", ".join(said) if said else "Không thay đổi gì"

    def _fields(self, record: AuditRecord) -> Mapping[str, Field]:
        if record.action == AuditAction.EVENT_EDIT:
            return EVENT_BY_KEY
        if record.action == AuditAction.LEGAL_BASIS_CHANGE:
            return _LEGAL_FIELDS.get(record.entity or "", {})
        return _CASE_FIELDS

    @staticmethod
    def _field_label(key: str, fields: Mapping[str, Field]) -> str:
        field = fields.get(key)
        return field.label if field is not None else _PEOPLE.get(key, key)

    def _field_value(self, key: str, fields: Mapping[str, Field], value: Any) -> str:
        field = fields.get(key)
        if value is None or value == "" or value == []:
            return ""
        if isinstance(value, list):
            return ", ".join(self._field_value(key, fields, v) for v in value)
        if key == "decision_time" and value in DecisionTime.__members__.values():
            return DECISION_TIME_LABELS[DecisionTime(value)]
        if key in ("offender_kind", "stated_for", "party") and value in PARTY_LABELS:
            return PARTY_LABELS[value]
        if key == "group_codes":
            return ", ".join(self.vocab.label(VocabList.GROUP, c) for c in str(value).split())
        if field is not None and field.vocabulary is not None:
            return self.vocab.label(field.vocabulary, str(value))
        if field is not None and field.kind is Kind.DATE:
            return _date(value)
        if field is not None and field.kind is Kind.YES_NO:
            return _yes_no(value)
        return _plain(value)

    def value(self, record: AuditRecord, key: str, value: Any) -> str:
        special = _VALUES.get(key)
        if key in _EVENT_KEYS and _names_event(record, key):
            return self._event(str(value))
        if key == "event":
            return self.vocab.label(VocabList.EVENT, str(value))
        if key == "list":
            return _list_title(str(value))
        if key == "code" and record.action == AuditAction.VOCABULARY_CHANGE:
            return str(value)
        if key == "label" and isinstance(value, list):
            return " → ".join(f"«{v}»" for v in value)
        if key == "changes" and isinstance(value, dict):
            return ", ".join(f"{DETAIL_LABELS.get(k, k)} {self.value(record, k, v)}"
                             for k, v in value.items()) or "không"
        if record.action == AuditAction.SETTINGS_CHANGE and isinstance(value, list) \
                and len(value) == 2:
            return f"{_setting(value[0])} → {_setting(value[1])}"
        if special is not None:
            return special(value)
        return _plain(value)

    def _event(self, uuid: str) -> str:
        found = self.events.get(uuid)
        if found is None:
            return "(không còn trong sổ)"
        kind, day = found
        return f"{self.vocab.label(VocabList.EVENT, kind)} ngày {format_date(day)}"


def _list_title(name: str) -> str:
    try:
        return LIST_TITLES[VocabList(name)]
    except ValueError:
        return name


def _date(value: Any) -> str:
    try:
        return format_date(date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def _moment(value: Any) -> str:
    try:
        return f"{datetime.fromisoformat(str(value)).astimezone():%H:%M ngày %d/%m/%Y}"
    except ValueError:
        return str(value)


def _yes_no(value: Any) -> str:
    return "có" if value else "không"


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return _yes_no(value)
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value) or "không"
    if isinstance(value, dict):
        return ", ".join(f"{DETAIL_LABELS.get(k, k)} {_plain(v)}" for k, v in value.items())
    return "không" if value is None else str(value)


def _setting(value: Any) -> str:
    if isinstance(value, dict):  # the symbol of each kind of document
        return "; ".join(f"{key} {item}" for key, item in value.items()) or "trống"
    if isinstance(value, list):
        return "; ".join(str(v) for v in value) or "trống"
    return _plain(value) if value not in ("", None) else "trống"


def _role(value: Any) -> str:
    if isinstance(value, list):
        return " → ".join(_role(v) for v in value)
    labels = {str(role): label for role, label in ROLE_LABELS.items()}
    return labels.get(str(value), str(value))


_VALUES: dict[str, Callable[[Any], str]] = {
    "date": _date, "start": _date, "end": _date, "from": _date, "to": _date,
    "created_at": _moment, "at": _moment,
    "amount": lambda v: "" if v is None else f"{format_number(v)} đồng",
    "role": _role,
    "active": lambda v: " → ".join(_yes_no(x) for x in v) if isinstance(v, list)
    else _yes_no(v),
    "password": lambda v: "đặt lại" if v == "reset" else str(v),
    "reason": lambda v: _SIGN_IN_REFUSALS.get(str(v), str(v)),
    "kind": lambda v: _EXPORT_KINDS.get(str(v), str(v)),
    "what": lambda v: _KEY_PROBLEMS.get(str(v), str(v)),
    "files": lambda v: ", ".join(Path(str(f)).name for f in v) if isinstance(v, list)
    else _plain(v),
    "seed": str,
    "document_kind": lambda v: DOCUMENT_KIND_LABELS[kind] if (kind := document_kind(str(v)))
    else str(v),
    "template": lambda v: templates.label_of(str(v)),
}

