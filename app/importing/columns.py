"""Every sheet and column of the case workbook, declared once.

The template, the import and the export all read these declarations: a column's
header is its identity in a file (compared folded), `parse` says how a cell is
read and written, `key` where the value goes. Columns of a field (of a case, a child,
a defamed party or an event) take their label, requirement and code list from
`app.domain.fields`, so a field added there needs one entry here; the first sheet's
columns that flatten events and lists of people are this file's own. The lists a hint
names (codes, choices) are generated from the domain's, never typed again.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from app.domain.deadlines import COMPLIANCE_CLOCK
from app.domain.events import ADDRESSED_KINDS
from app.domain.fields import (
    BY_KEY,
    CHILD_BY_KEY,
    CHILDREN_LABEL,
    CHOICE_BY_KEY,
    DEFAMED_BY_KEY,
    DEFAMED_LABEL,
    EVENT_BY_KEY,
    LEGAL_BASES_LABEL,
    Field,
    Kind,
)
from app.domain.labels import (
    DECISION_TIME_LABELS,
    PARTY_LABELS,
    ClosingResult,
    DecisionTime,
    PartyKind,
    SanctionForm,
    Sex,
)
from app.domain.protection import CHILD_AGE_LIMIT
from app.domain.sanctions import COMPLIANCE_BASIS, DECISION_TIME_BASIS, DecisionFollowUp
from app.domain.vocabulary import BUILTIN, EventKind, VocabList
from app.text import fold


class Parse(StrEnum):
    """How a cell is read (and written back)."""

    TEXT = "text"
    DATE = "date"
    INTEGER = "integer"
    YEAR = "year"
    CODE = "code"  # one code of a vocabulary list, given as code or label
    CODES = "codes"  # several codes separated by ";"
    CHILDREN = "children"  # `Tên (2014, nam); Tên 2`
    YES_NO = "yes_no"
    SEX = "sex"
    SANCTION_FORM = "sanction_form"
    CLOSING_RESULT = "closing_result"
    DECISION_TIME = "decision_time"
    PARTY_KIND = "party_kind"
    LEGAL_BASES = "legal_bases"


_PARSE_OF_KIND = {
    Kind.TEXT: Parse.TEXT,
    Kind.LONG_TEXT: Parse.TEXT,
    Kind.DATE: Parse.DATE,
    Kind.INTEGER: Parse.INTEGER,
    Kind.YEAR: Parse.YEAR,
    Kind.CODE: Parse.CODE,
    Kind.YES_NO: Parse.YES_NO,
}


@dataclass(frozen=True)
class Column:
    header: str
    key: str
    parse: Parse
    hint: str
    example: object = None
    required: bool = False
    vocabulary: VocabList | None = None
    width: int = 16
    # A column of the program's own, beyond the template of import-template.md: what the
    # window records and a full export carries so that a round trip loses nothing.
    program_only: bool = False

    @property
    def folded(self) -> str:
        return fold(self.header)


PROGRAM_ONLY_HINT = "Không bắt buộc (cột thêm của chương trình): "


def _from_field(source: Field, hint: str, example: object = None, width: int = 16,
                parse: Parse | None = None, program_only: bool = False) -> Column:
    """The column of a field; `parse` for a code the field's kind does not say how to read
    (a party kind, a sex, a sanction form)."""
    return Column(source.label, source.key, parse or _PARSE_OF_KIND[source.kind],
                  PROGRAM_ONLY_HINT + hint if program_only else hint, example, source.required,
                  source.vocabulary, width, program_only)


def _codes(name: VocabList, kinds: Iterable[str] | None = None) -> str:
    """The codes of a list of vocabulary.md (those of `kinds` only, when given), in its order."""
    wanted = None if kinds is None else frozenset(kinds)
    return ", ".join(code for code, _label in BUILTIN[name] if wanted is None or code in wanted)


def _pick(name: VocabList, lead: str = "Chọn") -> str:
    return f"{lead} trong danh sách hoặc ghi mã ({_codes(name)})."


def either(labels: Iterable[str]) -> str:
    """`«A» hoặc «B»`, `«A», «B» hoặc «C»`."""
    *most, last = (f"«{label}»" for label in labels)
    return f"{', '.join(most)} hoặc {last}" if most else last


def _case(key: str, hint: str, example: object = None, width: int = 16,
          program_only: bool = False) -> Column:
    return _from_field(BY_KEY[key], hint, example, width, program_only=program_only)


CODE_HEADER = BY_KEY["code"].label
DETECTED_HEADER = BY_KEY["detected_on"].label
CASES_SHEET = "Vụ việc"
EVENTS_SHEET = "Biện pháp xử lý"

_CASE_CODE = _case("code", "Mã vụ việc của cơ quan. Để trống: chương trình tự đánh số theo mẫu "
                           "mã trong phần cài đặt.", "VV2026-00015", 16)


def _link(sheet_hint: str) -> Column:
    """The `Mã vụ việc` column that ties a row of an optional sheet to its case."""
    return Column(CODE_HEADER, "case_code", Parse.TEXT,
                  f"Mã của vụ việc trên trang «{CASES_SHEET}» của cùng tệp; {sheet_hint}",
                  "VV2026-00015", required=True, width=16)


@dataclass(frozen=True)
class FirstSheetEvent:
    """First-sheet columns that together make one handling event."""

    kind: EventKind
    date_key: str
    # `EventInput` field → the first-sheet column holding it, besides the date.
    details: Mapping[str, str] = field(default_factory=dict)

    def column_for(self, field_key: str) -> str:
        """The first-sheet column where a problem with the event's `field_key` is shown."""
        return self.details.get(field_key, self.date_key)


FIRST_SHEET_EVENTS: tuple[FirstSheetEvent, ...] = (
    FirstSheetEvent(EventKind.REMOVED, "removed_on"),
    FirstSheetEvent(EventKind.SANCTION, "sanction_on", {
        "document_number": "sanction_number", "sanction_form": "sanction_form",
        "fine_amount": "sanction_amount"}),
    FirstSheetEvent(EventKind.POLICE, "police_on"),
    FirstSheetEvent(EventKind.ESCALATE, "escalated_on"),
    FirstSheetEvent(EventKind.CLOSE, "closed_on"),
)

_DATE_HINT = "dạng dd/mm/yyyy (ô ngày của Excel hoặc chữ)"
# How a yes/no cell is written (a hand-kept register's other ways: `app.importing.parse`).
YES_NO: dict[str, bool] = {"Có": True, "Không": False}
_YES_NO_HINT = f"{either(YES_NO)} (để trống: «Không»)."

CASE_COLUMNS: tuple[Column, ...] = (
    _CASE_CODE,
    _case("detected_on", f"Ngày phát hiện thông tin vi phạm, {_DATE_HINT}; không được sau "
                         "ngày hôm nay.", "05/02/2026", 16),
    _case("posted_on", f"Ngày thông tin được đăng tải, {_DATE_HINT}; không được sau ngày phát "
                       "hiện. Để trống khi không rõ: chương trình tạm tính theo ngày phát hiện.",
          "01/02/2026", 14),
    _case("posted_until", "khi thông tin còn để trên mạng sau ngày đăng, ngày thông tin bị gỡ, "
                          f"xóa hoặc thôi hiển thị, {_DATE_HINT}; không được trước ngày đăng tải.",
          None, 14, program_only=True),
    _case("source_code", _pick(VocabList.SOURCE), "Rà quét, theo dõi của cơ quan",
          22),
    _case("platform_code", _pick(VocabList.PLATFORM), "Facebook", 14),
    _case("content_form_code", _pick(VocabList.CONTENT_FORM), "Bài viết", 14),
    _case("account", "Tên tài khoản, trang, kênh hoặc nhóm đã đăng thông tin.",
          "Hóng biến Minh Tân", 24),
    _case("url", "Địa chỉ (URL) của bài viết, video, trang.",
          "https://www.facebook.com/hongbien/posts/123", 30),
    _case("group_code", "Nhóm chính của vụ việc (một nhóm), dùng để đếm trong biểu mẫu báo cáo; "
                        + _pick(VocabList.GROUP, "chọn"), "Tin giả, tin sai sự thật", 26),
    _from_field(CHOICE_BY_KEY["secondary_groups"],
                "Các nhóm khác vụ việc cũng liên quan (không được đếm), mã hoặc tên, cách nhau "
                "bằng dấu chấm phẩy.", "PC", 16, Parse.CODES),
    _case("child_subkind_code", "Chỉ ghi khi nhóm là Xâm phạm quyền trẻ em; "
          + _pick(VocabList.CHILD_SUBKIND, "chọn"), None, 24),
    _case("summary", "Tóm tắt nội dung vi phạm.",
          "Đăng tin sai sự thật về việc bắt cóc trẻ em tại chợ.", 40),
    _case("reach_views", "Số nguyên không âm; có thể ghi dấu chấm phân cách hàng nghìn (12.500).",
          12500, 12),
    _case("reach_reactions", "Số nguyên không âm.", 340, 12),
    _case("reach_shares", "Số nguyên không âm.", 56, 12),
    _case("reach_comments", "Số nguyên không âm.", 120, 12),
    _from_field(CHOICE_BY_KEY["offender_kind"],
                f"{either(PARTY_LABELS.values())}; để trống khi chưa xác định được đối tượng "
                f"(nếu có họ tên mà để trống: «{PARTY_LABELS[PartyKind.PERSON]}»).", "Cá nhân", 14,
                Parse.PARTY_KIND),
    _case("offender_name", "Họ tên cá nhân hoặc tên tổ chức đăng tin; để trống: chưa xác định "
                           "được đối tượng.", "Nguyễn Văn An", 22),
    _case("offender_birth_date", f"Ngày sinh của đối tượng, {_DATE_HINT}.", "12/03/1990", 14),
    _case("offender_birth_year", "Năm có 4 chữ số, từ 1900 đến năm nay.", 1990, 12),
    _case("offender_address", "Địa chỉ của đối tượng.", "Ấp 3, xã Minh Tân", 24),
    _case("offender_id_number", "12 chữ số (căn cước) hoặc 9 chữ số (chứng minh nhân dân cũ).",
          "079090001234", 16),
    _case("area", "Xã, phường, đặc khu nơi xảy ra vụ việc.", "Xã Minh Tân", 16),
    Column(CHILDREN_LABEL, "children", Parse.CHILDREN,
           "Họ tên các trẻ em, cách nhau bằng dấu chấm phẩy; sau mỗi tên có thể ghi (năm sinh, "
           f"{'/'.join(Sex)}). Thông tin chi tiết ghi ở trang «{CHILDREN_LABEL}».",
           "Trần Thị Bé (2014, nữ); Lê Văn Tí", width=26),
    Column(DEFAMED_LABEL, "defamed", Parse.TEXT,
           "Dùng cho nhóm Xúc phạm danh dự: tên cá nhân bị xúc phạm (tổ chức và chi tiết đơn "
           f"khiếu nại ghi ở trang «{DEFAMED_LABEL}»).", "Nguyễn Thị Hoa", width=24),
    Column("Ngày gỡ bỏ", "removed_on", Parse.DATE,
           f"Ngày xác nhận thông tin đã được gỡ bỏ, {_DATE_HINT}.", "07/02/2026", width=13),
    Column("Số quyết định xử phạt", "sanction_number", Parse.TEXT,
           "Số của quyết định xử phạt vi phạm hành chính.", "15/QĐ-XPHC", width=16),
    Column("Ngày quyết định xử phạt", "sanction_on", Parse.DATE,
           f"Ngày ký quyết định xử phạt, {_DATE_HINT}.", "20/02/2026", width=14),
    Column("Hình thức xử phạt", "sanction_form", Parse.SANCTION_FORM,
           f"{either(SanctionForm)}; để trống: «{SanctionForm.FINE}».", "Phạt tiền", width=14),
    Column("Số tiền phạt (đồng)", "sanction_amount", Parse.INTEGER,
           f"Số nguyên đồng, lớn hơn 0; bắt buộc khi {SanctionForm.FINE}, để trống khi "
           f"{SanctionForm.WARNING}. Có thể ghi 7.500.000.", 7_500_000, width=16),
    Column("Ngày chuyển Công an", "police_on", Parse.DATE,
           f"Ngày chuyển hồ sơ cho cơ quan Công an, {_DATE_HINT}.", None, width=14),
    Column("Ngày kiến nghị cấp trên", "escalated_on", Parse.DATE,
           f"Ngày báo cáo, kiến nghị cấp trên hỗ trợ, {_DATE_HINT}.", None, width=14),
    Column("Ngày kết thúc xử lý", "closed_on", Parse.DATE,
           f"Ngày kết thúc xử lý, đóng hồ sơ, {_DATE_HINT}; kết quả được ghi là "
           f"«{ClosingResult.HANDLED}» (kết quả khác: ghi ở trang «{EVENTS_SHEET}»).",
           "25/02/2026", width=14),
    _case("notes", "Ghi chú khác.", None, 30),
)


def _event(key: str, hint: str, example: object = None, width: int = 16,
           parse: Parse | None = None, program_only: bool = False) -> Column:
    return _from_field(EVENT_BY_KEY[key], hint, example, width, parse, program_only)


def _label(key: str) -> str:
    return f"«{EVENT_BY_KEY[key].label}»"


EVENT_COLUMNS: tuple[Column, ...] = (
    _link("mỗi dòng là một biện pháp xử lý của vụ việc đó."),
    _event("occurred_on", f"Ngày thực hiện biện pháp, {_DATE_HINT}.", "20/02/2026", 13),
    _event("kind", _pick(VocabList.EVENT), "Quyết định xử phạt vi phạm hành chính",
           30),
    _event("document_number", "Số biên bản, quyết định, công văn (nếu có).", "15/QĐ-XPHC", 16),
    _event("sanction_form",
           f"Chỉ cho Quyết định xử phạt: {either(SanctionForm)} (để trống: "
           f"«{SanctionForm.FINE}»).", "Phạt tiền", 14, Parse.SANCTION_FORM),
    _event("fine_amount", f"Chỉ cho {SanctionForm.FINE}: số nguyên đồng, lớn hơn 0.", 7_500_000,
           16),
    Column(LEGAL_BASES_LABEL, "legal_basis_ids", Parse.LEGAL_BASES,
           "Điểm, khoản, điều đã áp dụng, ghi như trong danh mục căn cứ pháp lý của chương "
           "trình; nhiều căn cứ cách nhau bằng dấu chấm phẩy.",
           "Điểm a Khoản 1 Điều 95 NĐ 174/2026/NĐ-CP", width=30),
    _event("signer", "Người ký quyết định.", "Nguyễn Văn Bình", 20),
    _event("remedies", "Biện pháp khắc phục hậu quả trong quyết định xử phạt.",
           "Buộc gỡ bỏ thông tin vi phạm pháp luật", 30),
    _event("closing_result",
           f"Chỉ cho Kết thúc xử lý (bắt buộc): {either(ClosingResult)}.", None, 22,
           Parse.CLOSING_RESULT),
    _event("note", "Ghi chú.", None, 30),
    _event("addressee", "cơ quan, người nhận khi chuyển, kiến nghị, đề nghị hoặc yêu cầu; chỉ cho "
                        f"các biện pháp {_codes(VocabList.EVENT, ADDRESSED_KINDS)}.",
           "Công an xã Minh Tân", 24, program_only=True),
    _event("decision_time", "chỉ cho Lập biên bản vi phạm hành chính: thời hạn ra quyết định xử "
                            f"phạt ({DECISION_TIME_BASIS}): "
                            f"{either(DECISION_TIME_LABELS.values())}; để trống: "
                            f"«{DECISION_TIME_LABELS[DecisionTime.STANDARD]}».",
           None, 22, Parse.DECISION_TIME, program_only=True),
    # What followed a sanction decision (app.domain.sanctions.DecisionFollowUp).
    _event("delivered_on", "chỉ cho Quyết định xử phạt: ngày giao quyết định cho người vi phạm, "
                           f"{_DATE_HINT}; không trước ngày quyết định.", "22/02/2026", 13,
           program_only=True),
    _event("paid_on", f"chỉ cho {SanctionForm.FINE}: ngày nộp tiền phạt, {_DATE_HINT}; ghi cùng "
                      f"{_label('paid_amount')} và {_label('receipt_number')}.", "28/02/2026", 13,
           program_only=True),
    _event("paid_amount", f"chỉ cho {SanctionForm.FINE}: số nguyên đồng đã nộp, lớn hơn 0.",
           7_500_000, 16, program_only=True),
    _event("receipt_number", "số biên lai thu tiền phạt hoặc chứng từ nộp tiền.", "0001234", 16,
           program_only=True),
    _event("enforced_on", f"chỉ cho {SanctionForm.FINE} chưa nộp: ngày cưỡng chế, khi đã giao "
                          "quyết định và hết thời hạn chấp hành "
                          f"({COMPLIANCE_CLOCK.days} ngày từ ngày nhận quyết định, "
                          f"{COMPLIANCE_BASIS}), {_DATE_HINT}.", None, 13, program_only=True),
    _event("enforcement_note", f"biện pháp cưỡng chế đã áp dụng; ghi cùng {_label('enforced_on')}.",
           None, 30, program_only=True),
)
# The events sheet's columns that hold what followed a decision, not the event itself.
FOLLOW_UP_KEYS = frozenset(f.name for f in dataclasses.fields(DecisionFollowUp))


def _child(key: str, hint: str, example: object = None, width: int = 16,
           parse: Parse | None = None) -> Column:
    return _from_field(CHILD_BY_KEY[key], hint, example, width, parse)


CHILD_COLUMNS: tuple[Column, ...] = (
    _link("mỗi dòng là một trẻ em liên quan đến vụ việc đó."),
    _child("full_name", f"Họ tên của trẻ em (dưới {CHILD_AGE_LIMIT} tuổi).", "Trần Thị Bé", 22),
    _child("birth_year", "Năm có 4 chữ số.", 2014, 10),
    _child("birth_date", f"Ngày sinh, {_DATE_HINT}.", None, 13),
    _child("sex", f"{either(Sex)}.", "nữ", 10, Parse.SEX),
    _child("school_class", "Trường, lớp đang học.", "Lớp 6A, Trường THCS Minh Tân", 26),
    _child("address", "Địa chỉ.", None, 24),
    _child("guardian_informed", _YES_NO_HINT, "Có", 16),
    _child("referred_to_protection", _YES_NO_HINT, "Không", 16),
    _child("notes", "Ghi chú.", None, 30),
)


def _defamed(key: str, hint: str, example: object = None, width: int = 16,
             parse: Parse | None = None) -> Column:
    return _from_field(DEFAMED_BY_KEY[key], hint, example, width, parse)


DEFAMED_COLUMNS: tuple[Column, ...] = (
    _link("mỗi dòng là một tổ chức, cá nhân bị xúc phạm trong vụ việc đó."),
    _defamed("name", "Họ tên cá nhân hoặc tên tổ chức.", "Nguyễn Thị Hoa", 26),
    _defamed("kind", f"{either(PARTY_LABELS.values())} (để trống: "
                     f"«{PARTY_LABELS[PartyKind.PERSON]}»).", "Cá nhân", 14, Parse.PARTY_KIND),
    _defamed("complaint_received", _YES_NO_HINT, "Có", 14),
    _defamed("complaint_date", f"{_DATE_HINT}.", "06/02/2026", 13),
    _defamed("words_complained", "Những lời lẽ xúc phạm được nêu trong đơn.", None, 30),
    _defamed("correction_published", _YES_NO_HINT, "Không", 16),
)


@dataclass(frozen=True)
class SheetLayout:
    name: str
    columns: tuple[Column, ...]
    # The header row is the first row with a cell whose folded text is this header's.
    marker: str
    purpose: str
    by_folded: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_folded", {c.folded: c for c in self.columns})

    @property
    def folded_name(self) -> str:
        return fold(self.name)


CASES = SheetLayout(CASES_SHEET, CASE_COLUMNS, DETECTED_HEADER,
                    "Mỗi dòng là một vụ việc. Trang này phải là trang đầu tiên của tệp.")
EVENTS = SheetLayout(EVENTS_SHEET, EVENT_COLUMNS, CODE_HEADER,
                     "Không bắt buộc: mỗi dòng là một biện pháp xử lý, dùng khi một vụ việc có "
                     f"nhiều biện pháp hơn các cột ngày trên trang «{CASES_SHEET}».")
CHILDREN = SheetLayout(CHILDREN_LABEL, CHILD_COLUMNS, CODE_HEADER,
                       "Không bắt buộc: mỗi dòng là một trẻ em, với đầy đủ thông tin.")
DEFAMED = SheetLayout(DEFAMED_LABEL, DEFAMED_COLUMNS, CODE_HEADER,
                      "Không bắt buộc: mỗi dòng là một tổ chức, cá nhân bị xúc phạm, với loại "
                      "và đơn khiếu nại.")
OPTIONAL_SHEETS: tuple[SheetLayout, ...] = (EVENTS, CHILDREN, DEFAMED)

GUIDE_SHEET = "Hướng dẫn"
LISTS_SHEET = "Danh mục"
# Sheets the template itself adds; an import reads nothing from them.
HELPER_SHEETS = frozenset(fold(name) for name in (GUIDE_SHEET, LISTS_SHEET))

FIRST_SHEET_EVENT_KEYS = frozenset(
    key for event in FIRST_SHEET_EVENTS for key in (event.date_key, *event.details.values())
)
# First-sheet columns an export leaves empty: the complete record is in the optional sheets.
EXPORT_BLANK_KEYS = FIRST_SHEET_EVENT_KEYS | {"children", "defamed"}
