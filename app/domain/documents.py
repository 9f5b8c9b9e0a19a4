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


# The placeholders of the letters' templates (`resources/templates/`, shared/domain/letters.md):
# names an administrator types in Word, in Vietnamese terms, with what each holds. Every
# letter's template may use these; each kind adds its own texts (`app.domain.letters.DETAILS`).
LETTER_PLACEHOLDERS: dict[str, str] = {
    "co_quan_chu_quan": "Cơ quan chủ quản (đầu văn bản)",
    "co_quan_ban_hanh": "Cơ quan ban hành (đầu văn bản)",
    "ten_co_quan": "Cơ quan ban hành, trên một dòng",
    "don_vi": "Cơ quan ban hành, viết trong câu",
    "so_ky_hieu": "Dòng «Số: …» của văn bản",
    "so_hieu": "Số, ký hiệu văn bản (15/GM-VHXH)",
    "ngay_ban_hanh": "Ngày ban hành (dd/mm/yyyy)",
    "dia_danh_ngay": "Địa danh, ngày tháng năm",
    "trich_yeu": "Trích yếu nội dung",
    "kinh_gui": "Kính gửi (danh sách nơi gửi)",
    "noi_nhan": "Nơi nhận (danh sách)",
    "chuc_vu_ky": "Thẩm quyền, chức vụ người ký (tối đa 3 dòng)",
    "nguoi_ky": "Họ tên người ký",
    "han": "Thời hạn văn bản đặt ra (dd/mm/yyyy)",
    "vu_viec": "Vụ việc (vụ đầu tiên hoặc duy nhất): vu_viec.ma, vu_viec.tom_tat, …",
    "cac_vu_viec": "Các vụ việc của văn bản (dùng trong vòng lặp {% for v in cac_vu_viec %})",
    "so_vu_viec": "Số vụ việc của văn bản",
    "phu_luc": "Phụ lục hồ sơ vụ việc (bảng chứng cứ; trống khi văn bản không kèm phụ lục)",
}
CASE_PLACEHOLDERS: dict[str, str] = {
    "ma": "Mã vụ việc",
    "nen_tang": "Nền tảng",
    "tai_khoan": "Tài khoản",
    "duong_dan": "Đường dẫn",
    "thoi_gian_dang": "Thời điểm đăng",
    "ngay_phat_hien": "Ngày phát hiện (dd/mm/yyyy)",
    "thoi_gian_thu_thap": "Thời điểm thu thập chứng cứ",
    "nhom_noi_dung": "Nhóm nội dung",
    "tom_tat": "Tóm tắt nội dung",
    "doi_tuong": "Đối tượng (người vi phạm)",
    "can_cu": "Căn cứ pháp lý (danh sách)",
    "hinh_thuc_xu_phat": "Hình thức xử phạt, số tiền bằng số và bằng chữ",
    "bien_phap_khac_phuc": "Biện pháp khắc phục hậu quả (danh sách)",
    "chung_cu": "Tệp chứng cứ (danh sách: ten, dung_luong, sha256, thu_thap_luc)",
}
EVIDENCE_PLACEHOLDERS: dict[str, str] = {
    "ten": "Tên tệp",
    "dung_luong": "Dung lượng (byte)",
    "sha256": "Mã SHA-256",
    "thu_thap_luc": "Thời điểm thu thập",
}
# A text the document needs but the program does not hold: a dotted line to fill by hand.
TO_FILL = "…………………"
# The dossier annex (letters.md): what lets a receiver trust files that travel separately.
ANNEX_CASE = "Vụ việc {}"
ANNEX_NO_EVIDENCE = "Chưa có tệp chứng cứ."
ANNEX_EVIDENCE_HEADERS = ("STT", "Tên tệp", "Dung lượng (byte)", "Thu thập lúc")
ANNEX_SHA256 = "SHA-256: "
# The letters that always carry the dossier annex (letters.md); any other may on request.
ANNEXED_KINDS = frozenset({DocumentKind.POLICE_TRANSFER, DocumentKind.ESCALATION})
