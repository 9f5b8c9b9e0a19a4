import unicodedata

import pytest

from app.text import clean, fold, format_date, format_money, format_number, initials


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
