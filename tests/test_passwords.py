"""The rules of passwords (app/domain/passwords.py): what is refused says why, then what
is expected. A file password; an account's, strong for an administrator or a leader (judged
against the account's and the office's names), lighter for the other roles."""

from __future__ import annotations

import pytest

from app.domain.labels import Role
from app.domain.passwords import (
    ACCOUNT_PASSWORD_RULE,
    FILE_PASSWORD_RULE,
    STRONG_ACCOUNT_PASSWORD_RULE,
    short_password,
    weak_account_password,
    weak_file_password,
)


@pytest.mark.parametrize(("password", "reason"), [
    ("", "Mật khẩu quá ngắn: cần ít nhất 12 ký tự."),
    ("Khoa-2026", "Mật khẩu quá ngắn: cần ít nhất 12 ký tự."),
    ("quantrivien1", "Mật khẩu trùng tên đăng nhập."),
    ("QuanTriVien1", "Mật khẩu trùng tên đăng nhập."),
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
                     "lặp lại", "liên tiếp", "khác tên đăng nhập"):
        assert expected in FILE_PASSWORD_RULE


def test_an_account_password_still_needs_eight_characters() -> None:
    assert short_password("1234567") == "Mật khẩu quá ngắn: cần ít nhất 8 ký tự."
    assert short_password("12345678") is None


# The account and office an administrator's password is judged against.
NAMES = ("datnv", "Nguyễn Văn Đạt", "PHÒNG VĂN HÓA - XÃ HỘI", "xã Minh Tân")
SHORT = "Mật khẩu quá ngắn: cần ít nhất 12 ký tự."
COMMON = "Mật khẩu dựa vào một mật khẩu hay dùng."
PERSONAL = "Mật khẩu dựa vào tên đăng nhập, họ tên hoặc tên đơn vị."
PATTERN = ("Mật khẩu có dãy dễ đoán: ký tự lặp lại hay liên tiếp, hàng phím, ngày tháng "
           "hoặc năm.")


@pytest.mark.parametrize("role", [Role.ADMIN, Role.LEADER])
@pytest.mark.parametrize(("password", "reason"), [
    ("12345678", SHORT),
    ("matkhau123", SHORT),
    ("admin2026", SHORT),
    ("Ngắn-7-chữ", SHORT),
    ("123456789012", COMMON),
    ("password1234", COMMON),
    ("qwertyuiop12", COMMON),
    ("matkhau-2026", COMMON),
    ("quantri-2026", COMMON),
    ("Quantri@2026!", COMMON),
    ("Mật-khẩu-2026-ạ", COMMON),  # diacritics and separators do not hide the word
    ("datnvdatnvdatnv", PATTERN),  # the user name repeated
    ("abcdefghijklmn", PATTERN),
    ("Nguyen-Van-Dat-1990", PERSONAL),
    ("nguyễn văn đạt 1", PERSONAL),
    ("vandat-1990-abc", PERSONAL),
    ("phongvanhoa2026", PERSONAL),
    ("Minh-Tân-2026-ab", PERSONAL),
    ("            ", "Mật khẩu quá dễ đoán."),
])
def test_an_administrator_or_a_leader_needs_a_long_password_hard_to_guess(
        role: Role, password: str, reason: str) -> None:
    # The reason and the rule in Vietnamese, nothing of zxcvbn's English advice.
    assert weak_account_password(password, role, NAMES) == \
        f"{reason} {STRONG_ACCOUNT_PASSWORD_RULE}"


@pytest.mark.parametrize("password", [
    "gio-mua-thu-ve-2026", "Hoa-sen-nở-2026", "Lúa chín 7 ruộng", "Bàn-gỗ-lim-của-ông-7",
    "Trăng-rằm-sáng-tỏ", "Khoa-tep-2026!",
    # Longer than zxcvbn takes (72 characters): its beginning is judged.
    "Con-đường-làng-quê-" * 5,
])
def test_a_passphrase_is_strong_enough_for_an_administrator(password: str) -> None:
    assert weak_account_password(password, Role.ADMIN, NAMES) is None


@pytest.mark.parametrize("role", [Role.OFFICER, Role.VIEWER])
def test_other_roles_need_eight_characters_and_no_very_common_password(role: Role) -> None:
    for password, reason in [
        ("cay-tre", "Mật khẩu quá ngắn: cần ít nhất 8 ký tự."),
        ("12345678", COMMON), ("password", COMMON), ("matkhau123", COMMON),
        ("iloveyou", COMMON), ("canbo2026", COMMON), ("datnv2026", PERSONAL),
        ("11111111", COMMON), ("aaaaaaaaaa", PATTERN),
    ]:
        assert weak_account_password(password, role, NAMES) == \
            f"{reason} {ACCOUNT_PASSWORD_RULE}", password
    for password in ("du-dai-2026", "canbo-2026-x", "khac-han-nua", "Van-Dat-1990-abc"):
        assert weak_account_password(password, role, NAMES) is None, password


def test_the_account_rules_say_what_is_expected() -> None:
    for expected in ("Quản trị hoặc Lãnh đạo", "ít nhất 12 ký tự", "tên đăng nhập", "họ tên",
                     "tên đơn vị", "mật khẩu hay dùng", "«12345678», «matkhau123», «admin2026»",
                     "lặp lại", "hàng phím", "ngày tháng", "ghép ba, bốn từ"):
        assert expected in STRONG_ACCOUNT_PASSWORD_RULE, expected
    for expected in ("ít nhất 8 ký tự", "mật khẩu hay dùng", "tên đăng nhập"):
        assert expected in ACCOUNT_PASSWORD_RULE, expected
