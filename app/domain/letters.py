"""What a drafted document of a case's handling says, as plain data (letters.md).

The drafting service fills these from stored cases, already masked by the one masking rule;
the Word and PDF layers lay them out. A kind's `details` are the texts only that kind
carries: some the program computes, some the officer types (a meeting's time and place);
one left empty prints as a dotted line to fill in by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

from app.domain.documents import DocumentKind
from app.domain.office import ReportIssuer


@dataclass(frozen=True)
class EvidenceLine:
    """An evidence file as the dossier annex lists it: what lets the receiver trust a file
    that travels separately."""

    name: str
    size: int  # bytes
    sha256: str
    captured_at: datetime | None


@dataclass(frozen=True)
class LetterCase:
    """One case as a drafted document states it; its texts already masked."""

    code: str
    platform: str  # the platform's label
    account: str
    link: str
    posted: str  # "20/06/2026", "20/06/2026 – 05/07/2026", "chưa rõ (phát hiện ngày …)"
    detected_on: date
    group: str  # the content group's label
    summary: str
    offender: str  # particulars on one line, or "Chưa xác định được"
    legal_bases: tuple[str, ...]
    sanction: str  # "Phạt tiền 7.500.000 đồng (Bảy triệu năm trăm nghìn đồng)"; "" for none
    remedies: tuple[str, ...]
    evidence: tuple[EvidenceLine, ...]


@dataclass(frozen=True)
class Letter:
    kind: DocumentKind
    number: str  # "15/GM-VHXH"; "" for a sample
    issued_on: date
    issuer: ReportIssuer
    subject: str  # the trích yếu
    addressees: tuple[str, ...]  # Kính gửi
    recipients: tuple[str, ...]  # Nơi nhận
    cases: tuple[LetterCase, ...]
    deadline: date | None  # the date the document sets (reply by, comply by, …)
    details: Mapping[str, str]  # the kind's own texts, by the names of `DETAILS`
    annex: bool  # the dossier annex (always for KN and CA)


# Each kind's own texts: name → what it holds. `TYPED` ones the officer types when drafting.
DETAILS: dict[DocumentKind, dict[str, str]] = {
    DocumentKind.INVITATION: {"thoi_gian": "Thời gian làm việc", "dia_diem": "Địa điểm",
                              "mang_theo": "Giấy tờ, tài liệu mang theo"},
    DocumentKind.MEETING_RECORD: {"thoi_gian": "Thời gian làm việc", "dia_diem": "Địa điểm",
                                  "thanh_phan": "Thành phần tham dự",
                                  "noi_dung_thong_nhat": "Nội dung đã thống nhất"},
    DocumentKind.COMMITMENT: {},
    DocumentKind.REMOVAL_REQUEST: {"han_go": "Thời hạn gỡ bỏ"},
    DocumentKind.LOCK_REQUEST: {"so_vu_30_ngay": "Số vụ việc của tài khoản trong 30 ngày",
                                "so_vu_90_ngay": "Số vụ việc của tài khoản trong 90 ngày",
                                "ma_vu_lien_quan": "Mã các vụ việc liên quan"},
    DocumentKind.VIOLATION_RECORD: {"thoi_gian": "Thời gian lập biên bản",
                                    "dia_diem": "Địa điểm lập biên bản",
                                    "nguoi_chung_kien": "Người chứng kiến"},
    DocumentKind.SUBMISSION: {"bien_ban": "Số và ngày lập biên bản vi phạm hành chính"},
    DocumentKind.DECISION: {"bien_ban": "Số và ngày lập biên bản vi phạm hành chính",
                            "han_thi_hanh": "Thời hạn chấp hành",
                            "noi_nop_phat": "Nơi nộp tiền phạt"},
    DocumentKind.POLICE_TRANSFER: {"han_tra_loi": "Đề nghị trả lời trước ngày"},
    DocumentKind.ESCALATION: {"han_tra_loi": "Đề nghị trả lời trước ngày"},
}
TYPED: dict[DocumentKind, frozenset[str]] = {
    DocumentKind.INVITATION: frozenset({"thoi_gian", "dia_diem", "mang_theo"}),
    DocumentKind.MEETING_RECORD: frozenset({"thoi_gian", "dia_diem", "thanh_phan",
                                            "noi_dung_thong_nhat"}),
    DocumentKind.VIOLATION_RECORD: frozenset({"thoi_gian", "dia_diem", "nguoi_chung_kien"}),
    DocumentKind.DECISION: frozenset({"noi_nop_phat"}),
}
