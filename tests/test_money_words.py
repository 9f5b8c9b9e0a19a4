"""Amounts in figures and words, as a sanction decision writes them (app/domain/money_words.py)."""

from __future__ import annotations

import pytest

from app.domain.money_words import amount_in_figures_and_words, amount_in_words, in_words


@pytest.mark.parametrize(("value", "words"), [
    (0, "không"),
    (1, "một"),
    (5, "năm"),
    (10, "mười"),
    (11, "mười một"),
    (14, "mười bốn"),
    (15, "mười lăm"),
    (20, "hai mươi"),
    (21, "hai mươi mốt"),
    (24, "hai mươi bốn"),
    (25, "hai mươi lăm"),
    (100, "một trăm"),
    (101, "một trăm linh một"),
    (105, "một trăm linh năm"),
    (110, "một trăm mười"),
    (115, "một trăm mười lăm"),
    (1_000, "một nghìn"),
    (1_005, "một nghìn không trăm linh năm"),
    (10_500, "mười nghìn năm trăm"),
    (1_000_005, "một triệu không trăm linh năm"),
    (1_005_000, "một triệu không trăm linh năm nghìn"),
    (7_500_000, "bảy triệu năm trăm nghìn"),
    (15_500_000, "mười lăm triệu năm trăm nghìn"),
    (1_000_000_000, "một tỷ"),
    (1_000_000_021, "một tỷ không trăm hai mươi mốt"),
    (2_000_000_000_000, "hai nghìn tỷ"),
    (2_005_000_000_000, "hai nghìn không trăm linh năm tỷ"),
    (2_000_500_000_000, "hai nghìn tỷ năm trăm triệu"),
    (1_000_000_000_100, "một nghìn tỷ một trăm"),
    (125_000_000, "một trăm hai mươi lăm triệu"),
])
def test_numbers_read_by_the_rules_of_administrative_documents(value: int, words: str) -> None:
    assert in_words(value) == words


@pytest.mark.parametrize(("amount", "written"), [
    (0, "0 đồng (Không đồng)"),
    (7_500_000, "7.500.000 đồng (Bảy triệu năm trăm nghìn đồng)"),
    (1_000_005, "1.000.005 đồng (Một triệu không trăm linh năm đồng)"),
    (1_000_000_000, "1.000.000.000 đồng (Một tỷ đồng)"),
    (15_500_000, "15.500.000 đồng (Mười lăm triệu năm trăm nghìn đồng)"),
])
def test_an_amount_in_figures_and_words(amount: int, written: str) -> None:
    assert amount_in_figures_and_words(amount) == written


def test_the_words_of_an_amount_begin_with_a_capital() -> None:
    assert amount_in_words(21) == "Hai mươi mốt đồng"


def test_a_negative_amount_has_no_reading() -> None:
    with pytest.raises(ValueError):
        in_words(-1)
