"""Vietnamese text conventions: NFC on the way in, folding for search, display formats,
and reading a date or a year as people type it."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from app.errors import UserError

_FOLD_TABLE = str.maketrans({"đ": "d", "Đ": "d"})
# Every Vietnamese tone and vowel mark is a combining diacritic in this block.
_COMBINING = re.compile("[\u0300-\u036f]+")


def clean(value: str | None) -> str | None:
    """NFC-normalise and trim; empty text becomes None."""
    if value is None:
        return None
    text = unicodedata.normalize("NFC", value).strip()
    return text or None


def fold(value: str | None) -> str:
    """Lower-case text without diacritics, for search keys and lenient matching.

    Decomposition does not turn đ/Đ into d (they have no decomposition), so they
    are mapped explicitly.
    """
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFD", value.translate(_FOLD_TABLE))
    return " ".join(_COMBINING.sub("", decomposed).casefold().split())


def format_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value else ""


EXAMPLE_DATE = "05/02/2026"
EXAMPLE_YEAR = "1990"
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d+)")
_DIGITS_ONLY = re.compile(r"(\d{2})(\d{2})(\d{4})")  # ddmmyyyy, typed without separators
_YEAR_MONTH_DAY = re.compile(r"(\d{4})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{1,2})")
_IN_WORDS = re.compile(r"(\d{1,2})\s+thang\s+(\d{1,2})\s*,?\s+nam\s+(\d+)")
_DATE_PREFIX = re.compile(r"^(ngay\s+)")
_TIME_SUFFIX = re.compile(r"(\s+|\s*,\s*|t)(luc\s+)?\d{1,2}[:h]\d{2}(:\d{2})?(\s*[ap]m)?$")
_EXPECTED_DATE = f"cần ngày dạng dd/mm/yyyy, ví dụ {EXAMPLE_DATE}"


def parse_date(text: str) -> date | None:
    """A date as offices write it: `05/02/2026`, `5/2/2026`, `5-2-2026`, `5.2.2026`,
    `05022026`, `ngày 5 tháng 2 năm 2026`, `2026-02-05` (a time after it is ignored).
    Empty text is None; anything else that is not a day of the calendar is refused with
    what is expected, never read as another day."""
    shown = clean(text)
    if shown is None:
        return None
    folded = _TIME_SUFFIX.sub("", _DATE_PREFIX.sub("", fold(shown)))
    if match := _YEAR_MONTH_DAY.fullmatch(folded):
        year, month, day = match.groups()
    elif match := (_DAY_MONTH_YEAR.fullmatch(folded) or _DIGITS_ONLY.fullmatch(folded)
                   or _IN_WORDS.fullmatch(folded)):
        day, month, year = match.groups()
    else:
        raise UserError(f"«{shown}» không phải là ngày: {_EXPECTED_DATE}.")
    if len(year) != 4:
        raise UserError(f"«{shown}»: năm cần ghi đủ 4 chữ số, ví dụ {EXAMPLE_DATE}.")
    try:
        return date(int(year), int(month), int(day))
    except ValueError as exc:
        raise UserError(f"Ngày «{shown}» không có thật trên lịch (ngày {int(day)}, tháng "
                        f"{int(month)}, năm {year}): {_EXPECTED_DATE}.") from exc


def parse_year(text: str) -> int | None:
    """A year of four digits (`1990`); empty text is None. Whether it is a likely year for
    what it dates is the caller's rule."""
    shown = clean(text)
    if shown is None:
        return None
    if not (len(shown) == 4 and shown.isascii() and shown.isdigit()):
        raise UserError(f"«{shown}» không phải là năm: cần năm có 4 chữ số, "
                        f"ví dụ {EXAMPLE_YEAR}.")
    return int(shown)


def format_number(value: int | float | None) -> str:
    """`1234567` → `1.234.567` (Vietnamese thousand separator)."""
    if value is None:
        return ""
    return f"{round(value):,}".replace(",", ".")


def format_money(value: int | None) -> str:
    return f"{format_number(value)} đồng" if value is not None else ""


def initials(full_name: str) -> str:
    """`Nguyễn Văn An` → `N.V.A.`: how a child is named in anything that leaves the office."""
    parts = clean(full_name)
    if not parts:
        return ""
    return "".join(word[0].upper() + "." for word in parts.split())
