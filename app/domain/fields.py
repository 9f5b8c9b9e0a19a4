"""The fields of a case, of its children, defamed parties and events, declared once: their
Vietnamese label (also the import template header), kind, length limit, whether they are
required and whether they hold a particular of a person.

The form, the list columns, the import, the export, the printout and the audit log read
this table.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from app.domain.vocabulary import VocabList


class Kind(StrEnum):
    TEXT = "text"
    LONG_TEXT = "long_text"
    DATE = "date"
    INTEGER = "integer"
    YEAR = "year"
    CODE = "code"
    YES_NO = "yes_no"


# Free text (summaries, notes, the words complained of): room for a long account, and a
# bound on what a paste can put into the register.
LONG_TEXT_LIMIT = 10_000

# Values that are neither an officer's words nor free text: codes, dates, numbers, ticks.
_PLAIN_KINDS = frozenset({Kind.CODE, Kind.DATE, Kind.INTEGER, Kind.YEAR, Kind.YES_NO})


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: Kind
    required: bool = False
    max_length: int | None = None
    vocabulary: VocabList | None = None
    # A particular of a person (name, address, birth, account): a data subject's, often a
    # child's.
    personal: bool = False

    @property
    def plain(self) -> bool:
        """Its value names nobody and says nothing in words: the audit log, which outlives
        a purge and is exported, keeps the value of such a field and only the key of others."""
        return self.kind in _PLAIN_KINDS and not self.personal


CASE_FIELDS: tuple[Field, ...] = (
    Field("code", "Mã vụ việc", Kind.TEXT, max_length=40),
    Field("detected_on", "Ngày phát hiện", Kind.DATE, required=True),
    # When the act happened: the content posted, and until when it stayed up (its end is
    # the act's date, `app.domain.case.ActDate`).
    Field("posted_on", "Ngày đăng tải", Kind.DATE),
    Field("posted_until", "Ngày kết thúc đăng tải", Kind.DATE),
    Field("source_code", "Nguồn phát hiện", Kind.CODE, vocabulary=VocabList.SOURCE),
    Field("platform_code", "Nền tảng", Kind.CODE, required=True, vocabulary=VocabList.PLATFORM),
    Field("content_form_code", "Hình thức", Kind.CODE, vocabulary=VocabList.CONTENT_FORM),
    Field("account", "Tài khoản, kênh", Kind.TEXT, required=True, max_length=300, personal=True),
    Field("url", "Đường dẫn", Kind.TEXT, max_length=2000, personal=True),
    Field("group_code", "Nhóm hành vi vi phạm", Kind.CODE, required=True,
          vocabulary=VocabList.GROUP),
    Field("child_subkind_code", "Loại xâm phạm quyền trẻ em", Kind.CODE,
          vocabulary=VocabList.CHILD_SUBKIND),
    Field("summary", "Tóm tắt nội dung", Kind.LONG_TEXT, required=True, max_length=LONG_TEXT_LIMIT),
    Field("reach_views", "Lượt xem", Kind.INTEGER),
    Field("reach_reactions", "Lượt thích, bày tỏ cảm xúc", Kind.INTEGER),
    Field("reach_shares", "Lượt chia sẻ", Kind.INTEGER),
    Field("reach_comments", "Lượt bình luận", Kind.INTEGER),
    Field("offender_name", "Họ tên đối tượng", Kind.TEXT, max_length=200, personal=True),
    Field("offender_birth_date", "Ngày sinh đối tượng", Kind.DATE, personal=True),
    Field("offender_birth_year", "Năm sinh đối tượng", Kind.YEAR, personal=True),
    Field("offender_address", "Địa chỉ đối tượng", Kind.TEXT, max_length=500, personal=True),
    Field("offender_id_number", "Số định danh đối tượng", Kind.TEXT, max_length=20, personal=True),
    Field("area", "Địa bàn", Kind.TEXT, max_length=200),
    Field("notes", "Ghi chú", Kind.LONG_TEXT, max_length=LONG_TEXT_LIMIT),
)

# The lists of people a case holds.
CHILDREN_LABEL = "Trẻ em liên quan"
DEFAMED_LABEL = "Tổ chức, cá nhân bị xúc phạm"

# Everything recorded of a child is a particular of the child.
CHILD_FIELDS: tuple[Field, ...] = (
    Field("full_name", "Họ tên", Kind.TEXT, required=True, max_length=200, personal=True),
    Field("birth_year", "Năm sinh", Kind.YEAR, personal=True),
    Field("birth_date", "Ngày sinh", Kind.DATE, personal=True),
    Field("sex", "Giới tính", Kind.TEXT, max_length=5, personal=True),  # Sex
    Field("school_class", "Trường, lớp", Kind.TEXT, max_length=200, personal=True),
    Field("address", "Địa chỉ", Kind.TEXT, max_length=500, personal=True),
    Field("guardian_informed", "Người giám hộ đã được thông báo", Kind.YES_NO, personal=True),
    Field("referred_to_protection", "Đã chuyển cơ quan bảo vệ trẻ em", Kind.YES_NO,
          personal=True),
    Field("notes", "Ghi chú", Kind.LONG_TEXT, max_length=LONG_TEXT_LIMIT, personal=True),
)

DEFAMED_FIELDS: tuple[Field, ...] = (
    Field("name", "Tên tổ chức, cá nhân", Kind.TEXT, required=True, max_length=300,
          personal=True),
    Field("kind", "Cá nhân hay tổ chức", Kind.CODE),  # PartyKind
    Field("complaint_received", "Đã nhận đơn khiếu nại", Kind.YES_NO),
    Field("complaint_date", "Ngày nhận đơn", Kind.DATE),
    # The words complained of quote the offender about the person offended.
    Field("words_complained", "Lời lẽ bị khiếu nại", Kind.LONG_TEXT,
          max_length=LONG_TEXT_LIMIT, personal=True),
    Field("correction_published", "Đã đính chính, xin lỗi công khai", Kind.YES_NO),
)

EVENT_FIELDS: tuple[Field, ...] = (
    Field("kind", "Biện pháp", Kind.CODE, required=True, vocabulary=VocabList.EVENT),
    Field("occurred_on", "Ngày", Kind.DATE, required=True),
    Field("document_number", "Số văn bản", Kind.TEXT, max_length=100),
    Field("sanction_form", "Hình thức xử phạt", Kind.CODE, max_length=20),  # SanctionForm
    Field("fine_amount", "Số tiền phạt (đồng)", Kind.INTEGER),
    Field("signer", "Người ký", Kind.TEXT, max_length=200),
    Field("remedies", "Biện pháp khắc phục hậu quả", Kind.LONG_TEXT, max_length=2000),
    Field("closing_result", "Kết quả", Kind.CODE, max_length=60),  # ClosingResult
    Field("note", "Ghi chú", Kind.LONG_TEXT, max_length=LONG_TEXT_LIMIT),
    Field("addressee", "Cơ quan nhận", Kind.TEXT, max_length=200),
    Field("decision_time", "Thời hạn ra quyết định", Kind.CODE, max_length=20),  # DecisionTime
    # What followed a sanction decision (app.domain.sanctions.DecisionFollowUp).
    Field("delivered_on", "Ngày giao quyết định", Kind.DATE),
    Field("paid_on", "Ngày nộp phạt", Kind.DATE),
    Field("paid_amount", "Số tiền đã nộp (đồng)", Kind.INTEGER),
    Field("receipt_number", "Số biên lai, chứng từ nộp phạt", Kind.TEXT, max_length=100),
    Field("enforced_on", "Ngày cưỡng chế", Kind.DATE),
    Field("enforcement_note", "Nội dung cưỡng chế", Kind.LONG_TEXT, max_length=2000),
)
# The provisions an event applies: a list of catalog entries, not a value of the event.
LEGAL_BASES_LABEL = "Căn cứ pháp lý"

# What a full export holding children records of where it goes: the legal basis when child
# data leaves the office (shared/domain/context.md), kept in the audit log.
TRANSFER_FIELDS: tuple[Field, ...] = (
    Field("purpose", "Mục đích", Kind.TEXT, max_length=500),
    Field("recipient", "Nơi nhận", Kind.TEXT, max_length=500),
)

# Case values with widgets and workbook columns of their own, outside the generic ones
# CASE_FIELDS drive. Children and defamed parties are lists of people, not fields.
CASE_CHOICE_FIELDS: tuple[Field, ...] = (
    Field("secondary_groups", "Nhóm phụ", Kind.CODE, vocabulary=VocabList.GROUP),
    Field("offender_kind", "Loại đối tượng", Kind.CODE),  # PartyKind
)

BY_KEY: dict[str, Field] = {f.key: f for f in CASE_FIELDS}
CHOICE_BY_KEY: dict[str, Field] = {f.key: f for f in CASE_CHOICE_FIELDS}
CHILD_BY_KEY: dict[str, Field] = {f.key: f for f in CHILD_FIELDS}
DEFAMED_BY_KEY: dict[str, Field] = {f.key: f for f in DEFAMED_FIELDS}
EVENT_BY_KEY: dict[str, Field] = {f.key: f for f in EVENT_FIELDS}
TRANSFER_BY_KEY: dict[str, Field] = {f.key: f for f in TRANSFER_FIELDS}
