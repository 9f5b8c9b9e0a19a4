"""The kinds of document a case's handling produces, and how the register numbers them.

`../shared/domain/letters.md`: each kind has a code (`letter KIND`), a name, and a symbol
that is an office setting (`OfficeSettings.document_symbols`); a document's number counts
per symbol and year (`15/GM-VHXH`), so kinds sharing a symbol share one series (công văn
of one office, NĐ 30/2020 Phụ lục VI). Requests expect a reply by a date.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class DocumentKind(StrEnum):
    INVITATION = "GM"
    MEETING_RECORD = "BBLV"
    COMMITMENT = "CK"
    REMOVAL_REQUEST = "YCG"
    LOCK_REQUEST = "KTK"
    VIOLATION_RECORD = "BB"
    SUBMISSION = "TT"
    DECISION = "QD"
    POLICE_TRANSFER = "CA"
    ESCALATION = "KN"


DOCUMENT_KIND_LABELS: dict[DocumentKind, str] = {
    DocumentKind.INVITATION: "Giấy mời làm việc",
    DocumentKind.MEETING_RECORD: "Biên bản làm việc",
    DocumentKind.COMMITMENT: "Bản cam kết",
    DocumentKind.REMOVAL_REQUEST: "Văn bản yêu cầu gỡ bỏ thông tin",
    DocumentKind.LOCK_REQUEST: "Văn bản đề nghị tạm khóa tài khoản, trang, nhóm, kênh",
    DocumentKind.VIOLATION_RECORD: "Biên bản vi phạm hành chính",
    DocumentKind.SUBMISSION: "Tờ trình đề nghị ban hành quyết định xử phạt",
    DocumentKind.DECISION: "Quyết định xử phạt vi phạm hành chính",
    DocumentKind.POLICE_TRANSFER: "Văn bản chuyển hồ sơ vụ việc có dấu hiệu tội phạm",
    DocumentKind.ESCALATION: "Báo cáo, kiến nghị hỗ trợ xử lý",
}

# The requests that expect a reply (removal, lock, escalation, transfer: letters.md).
REQUEST_KINDS = frozenset({DocumentKind.REMOVAL_REQUEST, DocumentKind.LOCK_REQUEST,
                           DocumentKind.POLICE_TRANSFER, DocumentKind.ESCALATION})

# Default symbols, office practice under NĐ 30/2020 Phụ lục VI (type abbreviation, then
# the issuing unit's); a công văn carries the unit's abbreviation alone. The office sets
# its own (a commune's decision: QĐ-XPHC; its People's Committee's letters: …-UBND).
DEFAULT_SYMBOLS: dict[str, str] = {
    DocumentKind.INVITATION: "GM-VHXH",
    DocumentKind.MEETING_RECORD: "BB-VHXH",
    DocumentKind.COMMITMENT: "CK-VHXH",
    DocumentKind.REMOVAL_REQUEST: "VHXH",
    DocumentKind.LOCK_REQUEST: "VHXH",
    DocumentKind.VIOLATION_RECORD: "BB-VPHC",
    DocumentKind.SUBMISSION: "TTr-VHXH",
    DocumentKind.DECISION: "QĐ-XPHC",
    DocumentKind.POLICE_TRANSFER: "VHXH",
    DocumentKind.ESCALATION: "BC-VHXH",
}

SYMBOL_LIMIT = 40


def symbol_problem(kind: DocumentKind, symbol: str) -> str | None:
    """Why `symbol` cannot be `kind`'s, in Vietnamese; None when it can (empty: the
    default)."""
    if len(symbol) <= SYMBOL_LIMIT and "/" not in symbol:
        return None
    return (f"Ký hiệu «{symbol}» của {DOCUMENT_KIND_LABELS[kind].lower()} phải có tối đa "
            f"{SYMBOL_LIMIT} ký tự và không có dấu «/» (số văn bản đứng trước dấu «/»: "
            f"15/{DEFAULT_SYMBOLS[kind]}).")


def document_kind(code: str) -> DocumentKind | None:
    try:
        return DocumentKind(code.strip().upper())
    except ValueError:
        return None


@dataclass(frozen=True)
class DocumentNumber:
    number: int
    symbol: str
    year: int

    def __str__(self) -> str:
        """As printed after «Số:»: `15/GM-VHXH` (the year is the date's)."""
        return f"{self.number:02d}/{self.symbol}"
