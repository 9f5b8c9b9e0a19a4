"""Small checks shared by every validation, each returning a Vietnamese message or None."""

from __future__ import annotations

from datetime import date

from app.domain.fields import Field
from app.errors import UserError
from app.text import clean, format_number

EARLIEST_YEAR = 1900
# The largest whole number a count or an amount may hold: the INTEGER column of a server
# (PostgreSQL, 4 bytes); above it a register's row could not be written there, and SQLite's
# bulk insert would keep it only as a real number.
LARGEST_WHOLE_NUMBER = 2_147_483_647
REASON_LIMIT = 2_000


def too_long(field: Field, value: str | None) -> str | None:
    if value is not None and field.max_length is not None and len(value) > field.max_length:
        return (
            f"«{field.label}» dài {len(value)} ký tự, vượt quá giới hạn "
            f"{field.max_length} ký tự."
        )
    return None


def missing(field: Field) -> str:
    return f"Chưa nhập «{field.label}»: đây là thông tin bắt buộc."


def future_date(field: Field, value: date, today: date) -> str | None:
    if value > today:
        return (
            f"«{field.label}» là ngày {value:%d/%m/%Y}, sau ngày hôm nay ({today:%d/%m/%Y}): "
            "không được ghi ngày trong tương lai."
        )
    return None


def bad_date(field: Field, value: date, today: date) -> str | None:
    """A date in the future, or before any record can be (a year typed wrong: 1800, 0202)."""
    if value.year < EARLIEST_YEAR:
        return (f"«{field.label}» là ngày {value:%d/%m/%Y}, trước năm {EARLIEST_YEAR}: hãy "
                "kiểm tra lại năm (ghi đủ 4 chữ số).")
    return future_date(field, value, today)


def bad_year(field: Field, year: int | None, today: date) -> str | None:
    if year is not None and not EARLIEST_YEAR <= year <= today.year:
        return (
            f"«{field.label}» {year} không hợp lệ: cần năm có 4 chữ số "
            f"từ {EARLIEST_YEAR} đến {today.year}."
        )
    return None


def out_of_range(field: Field, value: int | None) -> str | None:
    """A count or an amount below 0 or above `LARGEST_WHOLE_NUMBER`."""
    if value is not None and value < 0:
        return f"«{field.label}» không được là số âm."
    return too_large(field.label, value)


def too_large(label: str, value: int | None) -> str | None:
    if value is not None and value > LARGEST_WHOLE_NUMBER:
        return (f"«{label}» {format_number(value)} quá lớn: hãy kiểm tra lại (lớn nhất "
                f"{format_number(LARGEST_WHOLE_NUMBER)}).")
    return None


def reason(value: str | None, missing: str) -> str:
    """The reason an officer gives for deleting, voiding or removing something: required,
    NFC and trimmed, and short enough to read in the audit log."""
    text = clean(value)
    if not text:
        raise UserError(missing, field="reason")
    if len(text) > REASON_LIMIT:
        raise UserError(f"Lý do dài {len(text)} ký tự, vượt quá giới hạn {REASON_LIMIT} ký tự: "
                        "hãy ghi ngắn gọn.", field="reason")
    return text
