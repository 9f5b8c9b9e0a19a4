import unicodedata
from datetime import date

import pytest

from app.errors import UserError
from app.text import (
    clean,
    fold,
    format_date,
    format_money,
    format_number,
    initials,
    parse_date,
    parse_year,
)


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        (unicodedata.normalize("NFD", "Nguyễn Văn Đức"), "nguyen van duc"),
        ("ĐẶNG THỊ ĐÀO", "dang thi dao"),
        ("  Trần   Hữu  ", "tran huu"),
        ("", ""),
        (None, ""),
    ],
)
def test_fold_ignores_case_diacritics_and_folds_d(typed: str | None, folded: str) -> None:
    assert fold(typed) == folded


def test_clean_stores_nfc_and_trims() -> None:
    decomposed = unicodedata.normalize("NFD", "  Phạm Thị Ánh ")
    assert clean(decomposed) == unicodedata.normalize("NFC", "Phạm Thị Ánh")
    assert clean("   ") is None


def test_vietnamese_number_date_and_money_formats() -> None:
    from datetime import date

    assert format_number(1234567) == "1.234.567"
    assert format_money(10_000_000) == "10.000.000 đồng"
    assert format_date(date(2026, 2, 5)) == "05/02/2026"


def test_initials_of_a_child() -> None:
    assert initials("Nguyễn Văn An") == "N.V.A."
    assert initials(unicodedata.normalize("NFD", "đặng thị ánh")) == "Đ.T.Á."


@pytest.mark.parametrize("typed", [
    "05/02/2026", "5/2/2026", "05022026", "5-2-2026", "5.2.2026", " 5 / 2 / 2026 ",
    "ngày 5 tháng 2 năm 2026", "2026-02-05", "05/02/2026 14:30",
])
def test_a_date_is_read_in_the_forms_offices_type(typed: str) -> None:
    assert parse_date(typed) == date(2026, 2, 5)


@pytest.mark.parametrize(("typed", "said"), [
    ("02/12/202", "«02/12/202»: năm cần ghi đủ 4 chữ số"),
    ("5/10/26", "năm cần ghi đủ 4 chữ số"),
    ("31/02/2026", "Ngày «31/02/2026» không có thật trên lịch (ngày 31, tháng 2, năm 2026)"),
    ("31022026", "không có thật trên lịch"),
    ("0502202", "«0502202» không phải là ngày: cần ngày dạng dd/mm/yyyy, ví dụ 05/02/2026"),
    ("hôm qua", "không phải là ngày"),
])
def test_a_date_that_does_not_read_is_refused_never_read_as_another(typed: str,
                                                                    said: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_date(typed)
    assert said in refused.value.message


def test_a_year_has_four_digits() -> None:
    assert parse_year(" 2012 ") == 2012
    assert parse_date("  ") is None and parse_year("") is None
    for typed in ("201", "20120", "２０１２", "2O12"):
        with pytest.raises(UserError, match="cần năm có 4 chữ số"):
            parse_year(typed)
