"""Report periods: a month, quarter, half-year, year or any range of days, both ends included."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from app.errors import UserError
from app.text import format_date

ROMAN = ("I", "II", "III", "IV")


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
    def month(cls, year: int, month: int) -> Period:
        return cls(PeriodKind.MONTH, date(year, month, 1), _month_end(year, month))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(PeriodKind.QUARTER, date(year, first, 1), _month_end(year, first + 2))

    @classmethod
    def half(cls, year: int, half: int) -> Period:
        first = 6 * (half - 1) + 1
        return cls(PeriodKind.HALF, date(year, first, 1), _month_end(year, first + 5))

    @classmethod
    def year_of(cls, year: int) -> Period:
        return cls(PeriodKind.YEAR, date(year, 1, 1), date(year, 12, 31))

    @classmethod
    def between(cls, start: date, end: date) -> Period:
        return cls(PeriodKind.RANGE, start, end)

    @property
    def number(self) -> int:
        """The month, quarter or half within the year (1 for a year or a range)."""
        if self.kind is PeriodKind.MONTH:
            return self.start.month
        if self.kind is PeriodKind.QUARTER:
            return (self.start.month - 1) // 3 + 1
        if self.kind is PeriodKind.HALF:
            return (self.start.month - 1) // 6 + 1
        return 1

    def _format(self, which: int) -> str:
        return _FORMATS[self.kind][which].format(
            year=self.start.year, number=self.number,
            roman=ROMAN[self.number - 1] if self.kind is PeriodKind.QUARTER else "",
            half="đầu" if self.number == 1 else "cuối", start=format_date(self.start),
            end=format_date(self.end), start_iso=self.start.isoformat(),
            end_iso=self.end.isoformat())

    @property
    def label(self) -> str:
        """The period line of the forms: `Tháng 10/2026`, `Quý IV/2026`, …"""
        return self._format(0)

    @property
    def phrase(self) -> str:
        """The label inside a sentence: `trong tháng 10/2026`, `so với quý III/2026`."""
        return self.label[0].lower() + self.label[1:]

    @property
    def slug(self) -> str:
        """A file-name part: `2026-10`, `2026-Q4`, `2026-H1`, `2026`, `2026-10-01_2026-11-15`."""
        return self._format(1)

    def previous(self) -> Period:
        """The period of the same kind just before, for the comparison in the narrative."""
        year, number = self.start.year, self.number
        if self.kind is PeriodKind.MONTH:
            return Period.month(year - 1, 12) if number == 1 else Period.month(year, number - 1)
        if self.kind is PeriodKind.QUARTER:
            return Period.quarter(year - 1, 4) if number == 1 else Period.quarter(year, number - 1)
        if self.kind is PeriodKind.HALF:
            return Period.half(year - 1, 2) if number == 1 else Period.half(year, 1)
        if self.kind is PeriodKind.YEAR:
            return Period.year_of(year - 1)
        days = (self.end - self.start).days
        end = self.start - timedelta(days=1)
        return Period.between(end - timedelta(days=days), end)


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
