"""Vietnamese text conventions: NFC on the way in, folding for search, display formats."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

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
