"""The draft of the report's text, written from the figures; the officer edits it before export.

One paragraph per line. A line starting with a Roman numeral and a dot is a
section heading; a line starting with "- " is an item of a list.
"""

from __future__ import annotations

import re

from app.domain.office import OfficeSettings
from app.domain.periods import Period
from app.domain.report import Counts, Line, ReportFigures
from app.text import format_date, format_money, format_number

HEADING = re.compile(r"^[IVX]+\.\s")
END_MARK = "./."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _percent(change: int, base: int) -> str:
    return f"{abs(change) * 100 / base:.1f}".replace(".", ",") + "%"


def compare(now: int, before: int, previous: Period, *, money: bool = False) -> str:
    """`tăng 12 vụ, tương ứng 10,6%, so với tháng 9/2026`, `giảm …`, `bằng …`."""
    def amount(value: int) -> str:
        return format_money(value) if money else f"{format_number(value)} vụ"

    if now == before:
        return f"bằng {previous.phrase}"
    change = now - before
    word = "tăng" if change > 0 else "giảm"
    rate = f", tương ứng {_percent(change, before)}," if before else ""
    return f"{word} {amount(abs(change))}{rate} so với {previous.phrase}"


def _breakdown(lines: tuple[Line, ...], *, lower: bool, by_size: bool) -> str:
    shown = [line for line in lines if line.counts.detected]
    if by_size:
        shown.sort(key=lambda line: -line.counts.detected)
    return "; ".join(f"{_lower_first(line.label) if lower else line.label} "
                     f"{format_number(line.counts.detected)} vụ" for line in shown)


def draft(figures: ReportFigures, office: OfficeSettings) -> str:
    period, previous = figures.period, figures.previous.period
    now, before = figures.summary.total, figures.previous.total
    unit = office.report_issuer.in_sentence or "Đơn vị"  # as the office typed it
    during = f"Trong {period.phrase}"
    lines = [
        f"Thực hiện nhiệm vụ quản lý, phát hiện, xử lý thông tin vi phạm pháp luật trên mạng "
        f"xã hội trên địa bàn, {unit} báo cáo kết quả thực hiện {period.phrase} như sau:",
        "I. KẾT QUẢ PHÁT HIỆN",
        *_detection(figures, now, before, during, previous),
        "II. KẾT QUẢ XỬ LÝ",
        *_handling(now, before, during, period, previous),
        "III. ĐỀ XUẤT, KIẾN NGHỊ",
        "Tiếp tục tăng cường rà quét, phát hiện và xử lý kịp thời thông tin vi phạm trên mạng "
        "xã hội; phối hợp với Công an xử lý các trường hợp có dấu hiệu tội phạm"
        + ("; đề nghị cấp trên hỗ trợ xác minh, ngăn chặn các trường hợp chưa xác định được "
           "đối tượng vi phạm." if now.unidentified else "."),
        "Số liệu chi tiết tại Biểu số 01, Biểu số 02 và Phụ lục danh sách vụ việc kèm theo.",
        f"Trên đây là báo cáo kết quả phát hiện, xử lý thông tin vi phạm trên mạng xã hội "
        f"{period.phrase} của {unit}{END_MARK}",
    ]
    return "\n".join(lines)


def _detection(figures: ReportFigures, now: Counts, before: Counts, during: str,
               previous: Period) -> list[str]:
    if not now.detected:
        lines = [f"{during}, không phát hiện vụ việc thông tin vi phạm nào trên mạng xã hội "
                 f"({compare(0, before.detected, previous)})."]
    else:
        lines = [
            f"{during}, đã phát hiện {format_number(now.detected)} vụ việc có thông tin vi phạm "
            f"trên mạng xã hội, {compare(now.detected, before.detected, previous)}; trong đó:",
            f"- Theo nhóm hành vi: "
            f"{_breakdown(figures.summary.groups, lower=True, by_size=False)};",
            f"- Theo nền tảng: "
            f"{_breakdown(figures.summary.platforms, lower=False, by_size=True)}.",
        ]
        if now.unidentified:
            lines.append(f"Có {format_number(now.unidentified)} vụ chưa xác định được đối tượng "
                         "vi phạm.")
        if now.children:
            lines.append(f"Các vụ việc phát hiện trong kỳ ảnh hưởng đến "
                         f"{format_number(now.children)} trẻ em; thông tin về các em được giữ "
                         "bí mật theo quy định của Luật Trẻ em, không nêu trong báo cáo này.")
    if now.carried_in:
        lines.append(f"Ngoài ra, còn {format_number(now.carried_in)} vụ việc từ các kỳ trước "
                     "chuyển sang tiếp tục xử lý.")
    return lines


def _handling(now: Counts, before: Counts, during: str, period: Period,
              previous: Period) -> list[str]:
    fines = (f", tổng số tiền phạt {format_money(now.fines)} "
             f"({compare(now.fines, before.fines, previous, money=True)})" if now.fines else "")
    return [
        f"{during}, đã thực hiện các biện pháp xử lý như sau:",
        f"- Gỡ bỏ thông tin vi phạm: {format_number(now.removed)} vụ;",
        f"- Xử phạt vi phạm hành chính: {format_number(now.sanctioned)} vụ{fines};",
        f"- Chuyển cơ quan Công an: {format_number(now.to_police)} vụ;",
        f"- Báo cáo, kiến nghị cấp trên hỗ trợ: {format_number(now.escalated)} vụ;",
        f"- Kết thúc xử lý: {format_number(now.closed)} vụ "
        f"({compare(now.closed, before.closed, previous)}).",
        f"Đến hết ngày {format_date(period.end)}, còn {format_number(now.carried_out)} vụ việc "
        "đang tiếp tục xử lý.",
    ]


def with_end_mark(text: str) -> str:
    """The text of a document ends with `./.` (Nghị định 30/2020)."""
    body = text.rstrip()
    if body.endswith(END_MARK):
        return body
    return body + ("/." if body.endswith(".") else END_MARK)
