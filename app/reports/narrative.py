"""The draft of the report's text, written from the figures; the officer edits it before export.

One paragraph per line. A line starting with a Roman numeral and a dot is a
section heading; a line starting with "- " is an item of a list; lines starting and
ending with "|" are the rows of a table, cells between the bars, the first row its
header (the comparison with the year to date and the same period a year before).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from app.domain.consolidation import Consolidation, missing_note
from app.domain.office import OfficeSettings
from app.domain.periods import Period
from app.domain.report import (
    COMPARED,
    WORK_LABELS,
    Counts,
    Line,
    ReportFigures,
    Totals,
    Work,
    change_words,
)
from app.text import format_date, format_money, format_number

HEADING = re.compile(r"^[IVX]+\.\s")
TABLE_ROW = re.compile(r"^\|.*\|$")
END_MARK = "./."


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]




def compare(now: int, before: int, previous: Period, *, money: bool = False) -> str:
    """`tăng 3 vụ (33,3%) so với tháng 9/2026`, `tăng 8 vụ (gấp 3 lần) …`,
    `giảm 1 vụ (25%) …`, `bằng …`; from nothing, no rate. The period compared with is
    named without its dates: the reader has those of the report's own."""
    def amount(value: int) -> str:
        return format_money(value) if money else f"{format_number(value)} vụ"

    before_name = _lower_first(previous.name)
    if now == before:
        return f"bằng {before_name}"
    word = "tăng" if now > before else "giảm"
    rate = ""
    if before:
        words = change_words(now, before)
        rate = f" ({words.removeprefix(word).strip()})"
    return f"{word} {amount(abs(now - before))}{rate} so với {before_name}"


def table_cells(row: str) -> list[str]:
    """The cells of a table row of the text: `| a | b |` → `["a", "b"]`."""
    return [cell.strip() for cell in row.strip()[1:-1].split("|")]


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def comparison_table(figures: ReportFigures) -> list[str]:
    """The period beside the year to its end (when longer than the period) and the same
    period a year before, as rows of the text; none for a report frozen without them."""
    to_date, year_before = figures.year_to_date, figures.year_before
    if to_date is None or year_before is None:
        return []
    columns: list[Totals] = [figures.totals]
    header = ["Chỉ tiêu (số vụ việc)", figures.period.name]
    if to_date.period.start != figures.period.start:
        columns.append(to_date)
        header.append(f"Lũy kế từ {format_date(to_date.period.start)}")
    columns.append(year_before)
    header += [f"Cùng kỳ năm trước ({year_before.period.name})", "So với cùng kỳ"]
    rows = [_row(header)]
    for measure in COMPARED:
        values = [measure.value(t.counts, t.work) for t in columns]
        if any(values):  # a kind of work the office never did this year: no row of zeros
            rows.append(_row([measure.label, *(format_number(v) for v in values),
                              change_words(values[0], values[-1])]))
    return rows


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
        *_handling(now, figures.work, before, during, period, previous, figures.escalations),
        "Kết quả so với lũy kế từ đầu năm và cùng kỳ năm trước:",
        *comparison_table(figures),
        "III. ĐỀ XUẤT, KIẾN NGHỊ",
        "Tiếp tục tăng cường rà quét, phát hiện và xử lý kịp thời thông tin vi phạm trên mạng "
        "xã hội; phối hợp với Công an xử lý các trường hợp có dấu hiệu tội phạm"
        + ("; đề nghị cấp trên hỗ trợ xác minh, ngăn chặn các trường hợp chưa xác định được "
           "đối tượng vi phạm." if now.unidentified else "."),
        "Số liệu chi tiết tại Biểu số 01, Biểu số 02"
        + (", Biểu số 04 (trẻ em bị ảnh hưởng)" if figures.children is not None else "")
        + " và Phụ lục danh sách vụ việc kèm theo.",
        f"Trên đây là báo cáo kết quả phát hiện, xử lý thông tin vi phạm trên mạng xã hội "
        f"{period.phrase} của {unit}{END_MARK}",
    ]
    return "\n".join(lines)


def _detection(figures: ReportFigures, now: Counts, before: Counts, during: str,
               previous: Period) -> list[str]:
    if not now.detected:
        lines = [f"{during}, không phát hiện vụ việc thông tin vi phạm nào trên mạng xã hội, "
                 f"{compare(0, before.detected, previous)}."]
    else:
        lines = [
            f"{during}, đã phát hiện {format_number(now.detected)} vụ việc có thông tin vi phạm "
            f"trên mạng xã hội, {compare(now.detected, before.detected, previous)}; trong đó:",
            *_breakdowns(figures), *_unidentified(now),
        ]
        if now.children:
            lines.append(_children(now.children, counts_only=figures.children is not None))
    return [*lines, *_carried_in(now)]


def _breakdowns(figures: ReportFigures) -> list[str]:
    """The cases detected by group and by platform, two lines after «trong đó:»."""
    return [f"- Theo nhóm hành vi: "
            f"{_breakdown(figures.summary.groups, lower=True, by_size=False)};",
            f"- Theo nền tảng: "
            f"{_breakdown(figures.summary.platforms, lower=False, by_size=True)}."]


def _unidentified(now: Counts) -> list[str]:
    return ([f"Có {format_number(now.unidentified)} vụ chưa xác định được đối tượng vi phạm."]
            if now.unidentified else [])


def _carried_in(now: Counts) -> list[str]:
    return ([f"Ngoài ra, còn {format_number(now.carried_in)} vụ việc từ các kỳ trước chuyển "
             "sang tiếp tục xử lý."] if now.carried_in else [])


def _children(count: int, *, counts_only: bool) -> str:
    """What the report shows of the children, as it is: initials, age and sex in the
    annex, or only counts."""
    shown = ("báo cáo không ghi thông tin riêng của từng em, chỉ ghi số trẻ em theo loại vụ "
             "việc, độ tuổi và giới tính tại Biểu số 04" if counts_only else
             "Phụ lục danh sách vụ việc chỉ ghi chữ cái đầu của họ tên, tuổi và giới tính của "
             "các em, không ghi họ tên, trường, lớp, nơi ở")
    return (f"Các vụ việc phát hiện trong kỳ ảnh hưởng đến {format_number(count)} trẻ em. Để "
            f"bảo vệ bí mật đời sống riêng tư của trẻ em theo Luật Trẻ em, {shown}.")


def _item(label: str, count: int, more: str = "") -> str:
    return f"- {label}: {format_number(count)} vụ{more};"


def _handling(now: Counts, work: Work, before: Counts, during: str, period: Period,
              previous: Period, escalations: Sequence[tuple[str, int]]) -> list[str]:
    """The measures taken, in the order of the work; the office's own work (invitations,
    warnings, …) only where it did some, form 01's columns always; the escalations by the
    body they went to."""
    def done(name: str) -> list[str]:
        count = getattr(work, name)
        return [_item(WORK_LABELS[name], count)] if count else []

    decided = [f"{label.lower()} {format_number(count)} vụ" for label, count in (
        ("Cảnh cáo", work.warning_decisions), ("Phạt tiền", work.fine_decisions)) if count]
    fines = (f", tổng số tiền phạt {format_money(now.fines)}, "
             f"{compare(now.fines, before.fines, previous, money=True)}" if now.fines else "")
    lines = [
        f"{during}, đã thực hiện các biện pháp xử lý như sau:",
        *done("invited"), *done("warned"), *done("corrected"),
        _item("Gỡ bỏ thông tin vi phạm", now.removed),
        *done("lock_proposed"), *done("violation_records"),
        _item("Xử phạt vi phạm hành chính", now.sanctioned,
              (f" ({', '.join(decided)})" if decided else "") + fines),
        *([f"- {WORK_LABELS['fines_collected'].removesuffix(' (đồng)')}: "
           f"{format_money(work.fines_collected)};"] if work.fines_collected else []),
        _item("Chuyển cơ quan Công an", now.to_police),
        *done("to_competent"), *done("to_child_protection"),
        _item("Báo cáo, kiến nghị cấp trên hỗ trợ", now.escalated),
        *(f"  + {body or 'Chưa ghi nơi nhận'}: {format_number(count)} vụ;"
          for body, count in escalations),
        f"- Kết thúc xử lý: {format_number(now.closed)} vụ, "
        f"{compare(now.closed, before.closed, previous)}.",
    ]
    if work.minor_offenders:
        lines.append(f"Trong các vụ việc được xử lý trong kỳ, có "
                     f"{format_number(work.minor_offenders)} vụ đối tượng vi phạm là người chưa "
                     "thành niên (dưới 18 tuổi).")
    lines.append(f"Đến hết ngày {format_date(period.end)}, còn {format_number(now.carried_out)} "
                 "vụ việc đang tiếp tục xử lý.")
    return lines


def with_end_mark(text: str) -> str:
    """The text of a document ends with `./.` (Nghị định 30/2020)."""
    body = text.rstrip()
    if body.endswith(END_MARK):
        return body
    return body + ("/." if body.endswith(".") else END_MARK)


def blocks(text: str) -> list[str | list[list[str]]]:
    """The text as a document prints it, ending with `./.`: its paragraphs, and each run of
    table rows as one table (a list of rows of cells). The PDF and the Word file share it."""
    parts: list[str | list[list[str]]] = []
    rows: list[list[str]] = []
    for line in [*(line.strip() for line in with_end_mark(text).splitlines()), ""]:
        if TABLE_ROW.match(line):
            rows.append(table_cells(line))
            continue
        if rows:
            parts.append(rows)
            rows = []
        if line:
            parts.append(line)
    return parts


def draft_consolidated(consolidation: Consolidation, office: OfficeSettings) -> str:
    """The province's text: which units sent, and form 01's totals in words; no comparison
    with an earlier period (the units that sent differ from one period to the next)."""
    figures, period = consolidation.figures, consolidation.period
    now = figures.summary.total
    unit = office.report_issuer.in_sentence or "Đơn vị"
    during = f"Trong {period.phrase}"
    sent = len(consolidation.packages)
    missing = missing_note(consolidation)
    lines = [
        f"Trên cơ sở báo cáo của các đơn vị, {unit} tổng hợp kết quả phát hiện, xử lý thông "
        f"tin vi phạm pháp luật trên mạng xã hội {period.phrase} như sau:",
        "I. TÌNH HÌNH GỬI BÁO CÁO",
        f"Đã nhận báo cáo của {format_number(sent)}/{format_number(len(consolidation.units))} "
        "đơn vị." + (f" {missing}" if missing else " Tất cả các đơn vị đã gửi báo cáo."),
        "II. KẾT QUẢ PHÁT HIỆN",
        f"{during}, các đơn vị đã phát hiện {format_number(now.detected)} vụ việc có thông tin "
        "vi phạm trên mạng xã hội" + ("; trong đó:" if now.detected else "."),
        *(_breakdowns(figures) if now.detected else ()),
        *_unidentified(now),
        *_carried_in(now),
        "III. KẾT QUẢ XỬ LÝ",
        _item("Gỡ bỏ thông tin vi phạm", now.removed),
        _item("Xử phạt vi phạm hành chính", now.sanctioned,
              f", tổng số tiền phạt {format_money(now.fines)}" if now.fines else ""),
        _item("Chuyển cơ quan Công an", now.to_police),
        _item("Báo cáo, kiến nghị cấp trên hỗ trợ", now.escalated),
        f"- Kết thúc xử lý: {format_number(now.closed)} vụ.",
        f"Đến hết ngày {format_date(period.end)}, còn {format_number(now.carried_out)} vụ "
        "việc đang tiếp tục xử lý.",
        "Số liệu chi tiết tại Biểu số 01, Biểu số 02, biểu tổng hợp theo đơn vị và Phụ lục "
        "danh sách vụ việc kèm theo.",
        f"Trên đây là báo cáo tổng hợp kết quả phát hiện, xử lý thông tin vi phạm trên mạng "
        f"xã hội {period.phrase} của {unit}{END_MARK}",
    ]
    return "\n".join(lines)
