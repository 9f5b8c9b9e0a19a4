"""The fields of a case, declared once: their Vietnamese label (also the import
template header), kind, length limit and whether they are required.

The form, the list columns, the import and the export read this table.
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


# Free text (summaries, notes, the words complained of): room for a long account, and a
# bound on what a paste can put into the register.
LONG_TEXT_LIMIT = 10_000


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: Kind
    required: bool = False
    max_length: int | None = None
    vocabulary: VocabList | None = None


CASE_FIELDS: tuple[Field, ...] = (
    Field("code", "Mã vụ việc", Kind.TEXT, max_length=40),
    Field("detected_on", "Ngày phát hiện", Kind.DATE, required=True),
    Field("source_code", "Nguồn phát hiện", Kind.CODE, vocabulary=VocabList.SOURCE),
    Field("platform_code", "Nền tảng", Kind.CODE, required=True, vocabulary=VocabList.PLATFORM),
    Field("content_form_code", "Hình thức", Kind.CODE, vocabulary=VocabList.CONTENT_FORM),
    Field("account", "Tài khoản, kênh", Kind.TEXT, required=True, max_length=300),
    Field("url", "Đường dẫn", Kind.TEXT, max_length=2000),
    Field("group_code", "Nhóm hành vi vi phạm", Kind.CODE, required=True,
          vocabulary=VocabList.GROUP),
    Field("child_subkind_code", "Loại xâm phạm quyền trẻ em", Kind.CODE,
          vocabulary=VocabList.CHILD_SUBKIND),
    Field("summary", "Tóm tắt nội dung", Kind.LONG_TEXT, required=True, max_length=LONG_TEXT_LIMIT),
    Field("reach_views", "Lượt xem", Kind.INTEGER),
    Field("reach_reactions", "Lượt thích, bày tỏ cảm xúc", Kind.INTEGER),
    Field("reach_shares", "Lượt chia sẻ", Kind.INTEGER),
    Field("reach_comments", "Lượt bình luận", Kind.INTEGER),
    Field("offender_name", "Họ tên đối tượng", Kind.TEXT, max_length=200),
    Field("offender_birth_date", "Ngày sinh đối tượng", Kind.DATE),
    Field("offender_birth_year", "Năm sinh đối tượng", Kind.YEAR),
    Field("offender_address", "Địa chỉ đối tượng", Kind.TEXT, max_length=500),
    Field("offender_id_number", "Số định danh đối tượng", Kind.TEXT, max_length=20),
    Field("area", "Địa bàn", Kind.TEXT, max_length=200),
    Field("notes", "Ghi chú", Kind.LONG_TEXT, max_length=LONG_TEXT_LIMIT),
)

CHILD_FIELDS: tuple[Field, ...] = (
    Field("full_name", "Họ tên", Kind.TEXT, required=True, max_length=200),
    Field("birth_year", "Năm sinh", Kind.YEAR),
    Field("sex", "Giới tính", Kind.TEXT, max_length=5),
    Field("school_class", "Trường, lớp", Kind.TEXT, max_length=200),
    Field("address", "Địa chỉ", Kind.TEXT, max_length=500),
    Field("notes", "Ghi chú", Kind.LONG_TEXT, max_length=LONG_TEXT_LIMIT),
)

EVENT_FIELDS: tuple[Field, ...] = (
    Field("kind", "Biện pháp", Kind.CODE, required=True, vocabulary=VocabList.EVENT),
    Field("occurred_on", "Ngày", Kind.DATE, required=True),
    Field("document_number", "Số văn bản", Kind.TEXT, max_length=100),
    Field("sanction_form", "Hình thức xử phạt", Kind.TEXT, max_length=20),
    Field("fine_amount", "Số tiền phạt (đồng)", Kind.INTEGER),
    Field("signer", "Người ký", Kind.TEXT, max_length=200),
    Field("remedies", "Biện pháp khắc phục hậu quả", Kind.LONG_TEXT, max_length=2000),
    Field("closing_result", "Kết quả", Kind.TEXT, max_length=60),
    Field("note", "Ghi chú", Kind.LONG_TEXT, max_length=LONG_TEXT_LIMIT),
)

DEFAMED_LABEL = "Tổ chức, cá nhân bị xúc phạm"

BY_KEY: dict[str, Field] = {f.key: f for f in CASE_FIELDS}
CHILD_BY_KEY: dict[str, Field] = {f.key: f for f in CHILD_FIELDS}
EVENT_BY_KEY: dict[str, Field] = {f.key: f for f in EVENT_FIELDS}
