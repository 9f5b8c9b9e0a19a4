"""Vietnamese alphabetical order: the key the list sorts by and the small lists use."""

from __future__ import annotations

import unicodedata

import pytest

from app.domain.collation import person_sort_key, sort_key
from app.domain.search_keys import matched_spans


def test_areas_sort_as_a_vietnamese_reader_expects() -> None:
    # The issue: by code points "Khu phố 1" came before "Ấp…" (Ấ is U+1EA4).
    areas = ["Khu phố 1", "Ấp Tân Hòa", "Ấp Bắc", "Xã Đông Hòa", "Xã Dương Minh Châu"]
    assert sorted(areas, key=sort_key) == [
        "Ấp Bắc", "Ấp Tân Hòa", "Khu phố 1", "Xã Dương Minh Châu", "Xã Đông Hòa"]


@pytest.mark.parametrize(("before", "after"), [
    ("Dương", "Đào"),  # đ is a letter of its own, after every d
    ("dz", "đa"),
    ("an", "ăn"),  # a ă â
    ("ăn", "ân"),
    ("anh", "ăn"),  # letters before tones: a < ă decides at the first letter
    ("o", "ô"),
    ("ô", "ơ"),
    ("u", "ư"),
    ("ư", "v"),
    ("e", "ê"),
    ("ê", "g"),
    ("an", "anh"),  # a prefix first
    ("an b", "anh"),  # a word before a longer one
])
def test_letters_in_the_vietnamese_alphabet(before: str, after: str) -> None:
    assert sort_key(before) < sort_key(after)


def test_tones_order_syllables_with_the_same_letters() -> None:
    # No tone, huyền, hỏi, ngã, sắc, nặng: the dictionaries' order.
    syllables = ["bạ", "bá", "bã", "bả", "bà", "ba"]
    assert sorted(syllables, key=sort_key) == ["ba", "bà", "bả", "bã", "bá", "bạ"]
    # A tone never outweighs a letter: "bạc" still follows "bá" and precedes "bd".
    assert sort_key("bá") < sort_key("bạc") < sort_key("bd")
    # Letters decide over the whole text before any tone; then the first tone that differs.
    assert sort_key("Hà Nam") < sort_key("Ha Nội")
    assert sort_key("Ma Lá") < sort_key("Mà La")


def test_case_and_unicode_form_do_not_matter() -> None:
    name = "Nguyễn Thị Ánh"
    assert sort_key(name) == sort_key(name.upper())
    assert sort_key(name) == sort_key(unicodedata.normalize("NFD", name))
    assert sort_key("ĐÀO") == sort_key("đào")


def test_numbers_compare_as_numbers() -> None:
    areas = ["Khu phố 10", "Khu phố 2", "Khu phố 1", "Khu phố 02A", "Khu phố"]
    assert sorted(areas, key=sort_key) == [
        "Khu phố", "Khu phố 1", "Khu phố 2", "Khu phố 02A", "Khu phố 10"]
    assert sort_key("Tổ 9") < sort_key("Tổ 10") < sort_key("Tổ A")


def test_punctuation_does_not_order_and_spaces_collapse() -> None:
    assert sort_key("@nguyen.van.an")[:10] == sort_key("nguyenvanan")[:10]
    assert sort_key("Ấp  Bắc ") == sort_key("Ấp Bắc")
    assert sort_key("") == sort_key(None) == ""


def test_people_by_given_name_then_the_rest() -> None:
    people = ["Nguyễn Văn Bình", "Trần Thị An", "Lê An", "Phạm Văn Đức", "Hồ Dũng"]
    assert sorted(people, key=person_sort_key) == [
        "Lê An", "Trần Thị An", "Nguyễn Văn Bình", "Hồ Dũng", "Phạm Văn Đức"]


@pytest.mark.parametrize(("search", "shown"), [
    ("duc", ["Đức"]),
    ("ĐỨC", ["Đức"]),
    ("tan hoa", ["Tân", "Hòa"]),
    ("van an", ["Văn", "ăn", "ân"]),  # each word anywhere, as the search matches
    ("ng tin", ["Ng", "ng", "tin"]),
    ("uye nguy", ["Nguyễ"]),  # overlapping matches merge
    ("xyz", []),
    ("", []),
])
def test_matched_spans_as_the_search_folds(search: str, shown: list[str]) -> None:
    text = "Nguyễn Văn Đức đăng tin ở Tân Hòa"
    assert [text[start:end] for start, end in matched_spans(text, search)] == shown


def test_matched_spans_in_decomposed_text_keep_the_marks() -> None:
    text = unicodedata.normalize("NFD", "Tân Hòa")
    [(start, end)] = matched_spans(text, "hoa")
    assert unicodedata.normalize("NFC", text[start:end]) == "Hòa"
