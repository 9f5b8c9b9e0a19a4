"""The particulars of one report document: number, date, subject, and the lines built from them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from app.domain.office import OfficeSettings, ReportIssuer
from app.domain.periods import Period
from app.domain.report import ReportText
from app.text import format_date

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TITLE = "BÁO CÁO"
ADDRESSED = "Kính gửi:"
RECIPIENTS = "Nơi nhận:"
# Over a workbook form's table, and its signatures under it.
MEASURE_UNITS = "Đơn vị tính: vụ việc; số tiền: đồng"
PREPARER = "Người lập biểu"
PREPARER_NOTE = "(Ký, ghi rõ họ tên)"
HEAD_OF_UNIT = "Thủ trưởng đơn vị"
HEAD_OF_UNIT_NOTE = "(Ký, đóng dấu, ghi rõ họ tên)"
# Room left for the number when the clerk writes it by hand (non-breaking spaces).
BLANK_NUMBER = "\u00a0" * 8
# The ends of an item the program punctuates itself (an office often types them too).
_ITEM_ENDS = ";,. \t"


def subject(period: Period) -> str:
    return f"Kết quả phát hiện, xử lý thông tin vi phạm trên mạng xã hội {period.phrase}"


def reference(issuer: ReportIssuer, number: str) -> str:
    """`05/BC-VHXH` (a symbol typed with the number is not repeated)."""
    own = number.split("/")[0].strip()
    return f"{own or BLANK_NUMBER}/{issuer.document_symbol}"


def number_line(issuer: ReportIssuer, number: str) -> str:
    return f"Số: {reference(issuer, number)}"


def place_date(office: OfficeSettings, day: date) -> str:
    """`<Địa danh>, ngày 05 tháng 02 năm 2026`: months 1 and 2 take a leading zero, 3–12 not."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    place = office.place_name or "\u00a0" * 12
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def annex_reference(issuer: ReportIssuer, text: ReportText) -> str:
    """`(Kèm theo Báo cáo số 05/BC-VHXH ngày 05/11/2026 của Phòng Văn hóa - Xã hội)`."""
    unit = f" của {issuer.in_sentence}" if issuer.in_sentence else ""
    return (f"(Kèm theo Báo cáo số {reference(issuer, text.number)} "
            f"ngày {format_date(text.issue_date)}{unit})")


def _bare(item: str) -> str:
    """An item without the dash and the end punctuation typed with it."""
    return item.strip().removeprefix("-").strip().rstrip(_ITEM_ENDS)


def listed(items: Sequence[str]) -> list[str]:
    """Nghị định 30/2020's list of addressees or recipients: `- X;` a line, the last `- Z.`;
    the punctuation comes once, whatever the office typed."""
    bare = [b for b in map(_bare, items) if b]
    return [f"- {item}{'.' if index == len(bare) - 1 else ';'}"
            for index, item in enumerate(bare)]


def addressed(addressees: Sequence[str]) -> list[str]:
    """`Kính gửi: X.` on one line for one addressee; for several `Kính gửi:` and then one
    `- X;` line each (Nghị định 30/2020, Phụ lục I)."""
    lines = listed(addressees)
    if len(lines) == 1:
        return [f"{ADDRESSED} {lines[0].removeprefix('- ')}"]
    return [ADDRESSED, *lines] if lines else []
