"""Report periods: a month, quarter, half-year, year or any range of days, both ends included.

A month, quarter, half-year or year runs over its calendar days, or, where the office
chooses it, over the cut-off days of Nghị định 09/2019/NĐ-CP, Điều 12: from the 15th of
the month before to the 14th of its last month (a year from 15/12 of the year before to
14/12). Its name is the same either way (`Tháng 10/2026`); a cut-off period's label adds
its dates, so that the reader sees which days it counts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.errors import UserError
from app.text import format_date

ROMAN = ("I", "II", "III", "IV")

# Nghị định 09/2019/NĐ-CP, Điều 12 (thời gian chốt số liệu báo cáo định kỳ): a month's
# figures run from the 15th of the month before to the 14th of the month; a quarter's, a
# half-year's and a year's from the 15th of the month before their first month to the 14th
# of their last (khoản 1–4).
CUTOFF_FIRST_DAY = 15
CUTOFF_BASIS = "Nghị định 09/2019/NĐ-CP, Điều 12"


class PeriodKind(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    HALF = "half"
    YEAR = "year"
    RANGE = "range"


# Per kind: the label of the spec, and the part of a file name.
_FORMATS: dict[str, tuple[str, str]] = {
    "month": ("Tháng {number}/{year}", "{year}-{number:02d}"),
    "quarter": ("Quý {roman}/{year}", "{year}-Q{number}"),
    "half": ("6 tháng {half} năm {year}", "{year}-H{number}"),
    "year": ("Năm {year}", "{year}"),
    "range": ("Từ ngày {start} đến ngày {end}", "{start_iso}_{end_iso}"),
}


def _month_end(year: int, month: int) -> date:
    first_next = date(year + month // 12, month % 12 + 1, 1)
    return first_next - timedelta(days=1)


def _months(kind: PeriodKind, year: int, first: int, count: int, cut_off: bool) -> Period:
    """`count` months from month `first` of `year`: their calendar days, or their cut-off
    days (from the 15th of the month before the first to the 14th of the last)."""
    last = first + count - 1
    if not cut_off:
        return Period(kind, date(year, first, 1), _month_end(year, last))
    before = date(year, first, 1) - timedelta(days=1)
    return Period(kind, before.replace(day=CUTOFF_FIRST_DAY),
                  date(year, last, CUTOFF_FIRST_DAY - 1))


def _year_earlier(day: date) -> date:
    """The same day a year before (28 February for a 29th)."""
    if (day.month, day.day) == (2, 29):
        return date(day.year - 1, 2, 28)
    return day.replace(year=day.year - 1)


@dataclass(frozen=True)
class Period:
    kind: PeriodKind
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise UserError(f"Kỳ báo cáo không hợp lệ: ngày cuối {format_date(self.end)} "
                            f"trước ngày đầu {format_date(self.start)}.")

    @classmethod
    def month(cls, year: int, month: int, *, cut_off: bool = False) -> Period:
        return _months(PeriodKind.MONTH, year, month, 1, cut_off)

    @classmethod
    def quarter(cls, year: int, quarter: int, *, cut_off: bool = False) -> Period:
        return _months(PeriodKind.QUARTER, year, 3 * (quarter - 1) + 1, 3, cut_off)

    @classmethod
    def half(cls, year: int, half: int, *, cut_off: bool = False) -> Period:
        return _months(PeriodKind.HALF, year, 6 * (half - 1) + 1, 6, cut_off)

    @classmethod
    def year_of(cls, year: int, *, cut_off: bool = False) -> Period:
        return _months(PeriodKind.YEAR, year, 1, 12, cut_off)

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        return cls(PeriodKind.RANGE, start, end)

    @classmethod
    def month_of(cls, day: date, *, cut_off: bool = False) -> Period:
        """The month `day` counts in: from the 15th on, the next one under the cut-off."""
        if cut_off and day.day >= CUTOFF_FIRST_DAY:
            day = _month_end(day.year, day.month) + timedelta(days=1)
        return cls.month(day.year, day.month, cut_off=cut_off)

    @property
    def cut_off(self) -> bool:
        """Whether the period runs over the cut-off days of NĐ 09/2019 (a calendar month,
        quarter, half-year or year starts on the 1st)."""
        return self.kind is not PeriodKind.RANGE and self.start.day != 1

    @property
    def year(self) -> int:
        """The year the period is named after: its last day's (a cut-off year starts on
        15/12 of the year before)."""
        return self.end.year

    @property
    def number(self) -> int:
        """The month, quarter or half within the year (1 for a year or a range), named
        after the period's last month."""
        if self.kind is PeriodKind.MONTH:
            return self.end.month
        if self.kind is PeriodKind.QUARTER:
            return (self.end.month - 1) // 3 + 1
        if self.kind is PeriodKind.HALF:
            return (self.end.month - 1) // 6 + 1
        return 1

    def _format(self, which: int) -> str:
        return _FORMATS[self.kind][which].format(
            year=self.year, number=self.number,
            roman=ROMAN[self.number - 1] if self.kind is PeriodKind.QUARTER else "",
            half="đầu" if self.number == 1 else "cuối", start=format_date(self.start),
            end=format_date(self.end), start_iso=self.start.isoformat(),
            end_iso=self.end.isoformat())

    @property
    def name(self) -> str:
        """`Tháng 10/2026`, `Quý IV/2026`, `Từ ngày … đến ngày …`: the period's name alone."""
        return self._format(0)

    @property
    def dates(self) -> str:
        """`từ ngày 15/09/2026 đến ngày 14/10/2026`."""
        return f"từ ngày {format_date(self.start)} đến ngày {format_date(self.end)}"

    @property
    def label(self) -> str:
        """The period line of the forms: `Tháng 10/2026`, `Quý IV/2026`, …; a cut-off
        period with its dates: `Tháng 10/2026 (từ ngày 15/09/2026 đến ngày 14/10/2026)`."""
        return f"{self.name} ({self.dates})" if self.cut_off else self.name

    @property
    def phrase(self) -> str:
        """The label inside a sentence: `trong tháng 10/2026`, `so với quý III/2026`."""
        return self.label[0].lower() + self.label[1:]

    @property
    def slug(self) -> str:
        """A file-name part: `2026-10`, `2026-Q4`, `2026-H1`, `2026`, `2026-10-01_2026-11-15`."""
        return self._format(1)

    def _named(self, year: int, number: int, cut_off: bool | None = None) -> Period:
        """The period of this kind numbered `number` in `year`, by this period's days or,
        given `cut_off`, by those."""
        days = self.cut_off if cut_off is None else cut_off
        make = {PeriodKind.MONTH: Period.month, PeriodKind.QUARTER: Period.quarter,
                PeriodKind.HALF: Period.half}.get(self.kind)
        if make is None:
            return Period.year_of(year, cut_off=days)
        return make(year, number, cut_off=days)

    def by_cut_off(self, cut_off: bool) -> Period:
        """The same month, quarter, half-year or year over the cut-off days or the calendar
        days, as the office counts; a range stays as typed."""
        if self.kind is PeriodKind.RANGE:
            return self
        return self._named(self.year, self.number, cut_off)

    def previous(self) -> Period:
        """The period of the same kind just before, for the comparison in the narrative."""
        if self.kind is PeriodKind.RANGE:
            days = (self.end - self.start).days
            end = self.start - timedelta(days=1)
            return Period.between(end - timedelta(days=days), end)
        if self.number > 1:
            return self._named(self.year, self.number - 1)
        last = {PeriodKind.MONTH: 12, PeriodKind.QUARTER: 4, PeriodKind.HALF: 2}
        return self._named(self.year - 1, last.get(self.kind, 1))

    def year_before(self) -> Period:
        """The same period a year earlier ("cùng kỳ năm trước"); a range by the same days."""
        if self.kind is PeriodKind.RANGE:
            return Period.between(_year_earlier(self.start), _year_earlier(self.end))
        return self._named(self.year - 1, self.number)

    def year_to_date(self) -> Period:
        """From the first day of the period's year to its last day ("lũy kế từ đầu năm"):
        1 January, or 15 December of the year before under the cut-off."""
        return Period.between(Period.year_of(self.year, cut_off=self.cut_off).start, self.end)


def same_days_month_before(day: date, *, cut_off: bool = False) -> Period:
    """The month before `day`'s as far as `day` is into its own: from its first day to the
    same day of the month (the last day of a shorter month), so that a month so far is
    compared with as many days, not with a whole month."""
    before = Period.month_of(day, cut_off=cut_off).previous()
    year, month = (day.year, day.month - 1) if day.month > 1 else (day.year - 1, 12)
    same_day = date(year, month, min(day.day, _month_end(year, month).day))
    return Period.between(before.start, min(same_day, before.end))


def _year_and_part(text: str, letter: str, what: str, highest: int,
                   example: str) -> tuple[int, int]:
    """`YYYY-N`, or `YYYY-<letter>N` where the kind has a letter (Q for quarters, H for halves)."""
    prefix = f"(?:{letter})?" if letter else ""
    match = re.fullmatch(rf"\s*(\d{{4}})-{prefix}(\d{{1,2}})\s*", text, flags=re.IGNORECASE)
    if match is None or not 1 <= int(match.group(2)) <= highest:
        raise UserError(f"{what} «{text}» không hợp lệ (ví dụ: {example}).")
    return int(match.group(1)), int(match.group(2))


def parse_month(text: str) -> Period:
    """`2026-10`."""
    return Period.month(*_year_and_part(text, "", "Tháng", 12, "2026-10"))


def parse_quarter(text: str) -> Period:
    """`2026-4` or `2026-Q4`."""
    return Period.quarter(*_year_and_part(text, "Q", "Quý", 4, "2026-4 hoặc 2026-Q4"))


def parse_half(text: str) -> Period:
    """`2026-1` (first half) or `2026-H1`."""
    return Period.half(*_year_and_part(text, "H", "Nửa năm", 2, "2026-1 hoặc 2026-H1"))


def parse_year(text: str) -> Period:
    if not re.fullmatch(r"\s*\d{4}\s*", text):
        raise UserError(f"Năm «{text}» không hợp lệ (ví dụ: 2026).")
    return Period.year_of(int(text))


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text.strip())
    except ValueError as exc:
        raise UserError(f"Ngày «{text}» không hợp lệ (cần dạng YYYY-MM-DD, "
                        "ví dụ 2026-10-01).") from exc
