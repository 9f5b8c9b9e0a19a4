"""The rule of a file password (app/domain/passwords.py): what is refused says why, then
what is expected; the account rule is unchanged."""

from __future__ import annotations

import pytest

from app.domain.passwords import FILE_PASSWORD_RULE, short_password, weak_file_password


@pytest.mark.parametrize(("password", "reason"), [
    ("", "Mật khẩu quá ngắn: cần ít nhất 12 ký tự."),
    ("Khoa-2026", "Mật khẩu quá ngắn: cần ít nhất 12 ký tự."),
    ("quantrivien1", "Mật khẩu trùng tên tài khoản."),
    ("QuanTriVien1", "Mật khẩu trùng tên tài khoản."),
    ("matkhaurattotdaiqua", "Mật khẩu chỉ có một loại ký tự."),
    ("MẬTKHẨURẤTDÀI", "Mật khẩu chỉ có một loại ký tự."),
    ("201920202021", "Mật khẩu chỉ có một loại ký tự."),
    ("Abc1Abc1Abc1", "Mật khẩu chỉ là một cụm ký tự lặp lại."),
    ("abcABCabcABC", "Mật khẩu chỉ là một cụm ký tự lặp lại."),
    ("aaaaaaaaaaa1", "Mật khẩu có quá nửa là ký tự giống nhau hoặc liên tiếp."),
    ("AbCdEfGhIjK!", "Mật khẩu có quá nửa là ký tự giống nhau hoặc liên tiếp."),
    ("matkhau123456789", "Mật khẩu có quá nửa là ký tự giống nhau hoặc liên tiếp."),
    ("Xz-9876543210", "Mật khẩu có quá nửa là ký tự giống nhau hoặc liên tiếp."),
])
def test_a_weak_file_password_is_refused_with_its_reason_and_the_rule(password: str,
                                                                      reason: str) -> None:
    assert weak_file_password(password, "quantrivien1") == f"{reason} {FILE_PASSWORD_RULE}"


@pytest.mark.parametrize("password", ["Khoa-tep-2026!", "Lúa chín 7 ruộng", "quantri-2026",
                                      "hoa sen nở sớm", "Sổ vi phạm xã"])
def test_a_strong_file_password_passes(password: str) -> None:
    assert weak_file_password(password, "quantrivien1") is None


def test_the_rule_says_what_is_expected() -> None:
    for expected in ("ít nhất 12 ký tự", "hai loại", "chữ thường, chữ hoa, chữ số, ký hiệu",
                     "lặp lại", "liên tiếp", "khác tên tài khoản"):
        assert expected in FILE_PASSWORD_RULE


def test_an_account_password_still_needs_eight_characters() -> None:
    assert short_password("1234567") == "Mật khẩu quá ngắn: cần ít nhất 8 ký tự."
    assert short_password("12345678") is None
