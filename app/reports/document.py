"""The particulars of one report document: number, date, subject, and the lines built from them."""

from __future__ import annotations

from datetime import date

from app.domain.office import OfficeSettings
from app.domain.periods import Period
from app.domain.report import ReportText
from app.reports.narrative import unit_in_sentence
from app.text import format_date

NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
TITLE = "BÁO CÁO"
# Room left for the number when the clerk writes it by hand (non-breaking spaces).
BLANK_NUMBER = "\u00a0" * 8


def subject(period: Period) -> str:
    return f"Kết quả phát hiện, xử lý thông tin vi phạm trên mạng xã hội {period.phrase}"


def reference(office: OfficeSettings, number: str) -> str:
    """`05/BC-VHXH` (a symbol typed with the number is not repeated)."""
    own = number.split("/")[0].strip()
    return f"{own or BLANK_NUMBER}/{office.document_symbol}"


def number_line(office: OfficeSettings, number: str) -> str:
    return f"Số: {reference(office, number)}"


def place_date(office: OfficeSettings, day: date) -> str:
    """`<Địa danh>, ngày 05 tháng 02 năm 2026`: months 1 and 2 take a leading zero, 3–12 not."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    place = office.place_name or "\u00a0" * 12
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def annex_reference(office: OfficeSettings, text: ReportText) -> str:
    """`(Kèm theo Báo cáo số 05/BC-VHXH ngày 05/11/2026 của Phòng Văn hóa - Xã hội)`."""
    unit = f" của {unit_in_sentence(office.unit_name)}" if office.unit_name else ""
    return (f"(Kèm theo Báo cáo số {reference(office, text.number)} "
            f"ngày {format_date(text.issue_date)}{unit})")
