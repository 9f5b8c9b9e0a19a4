"""What a password must be, each check returning a Vietnamese message or None, and how
many wrong ones lock an account.

An account's password is kept as an Argon2 hash and tried at most `MAX_FAILED_ATTEMPTS`
times in a row; a file's password (the full export) guards children's names on a USB stick or in an
e-mail, where it can be guessed offline without limit, so it must be stronger.
"""

from __future__ import annotations

import unicodedata
from datetime import timedelta
from itertools import pairwise

# Office practice, no legal figure (context.md asks for strong hashing and an idle lock):
# wrong passwords in a row before the account locks, and for how long.
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)

ACCOUNT_MIN_LENGTH = 8
FILE_MIN_LENGTH = 12

FILE_PASSWORD_RULE = (
    f"Mật khẩu mở tệp cần: ít nhất {FILE_MIN_LENGTH} ký tự; ít nhất hai loại trong bốn loại "
    "chữ thường, chữ hoa, chữ số, ký hiệu (dấu cách cũng là ký hiệu); không phải một cụm lặp "
    "lại và không có quá nửa là ký tự giống nhau hay liên tiếp (như «aaaa», «abcabc», "
    "«123456»); khác tên tài khoản. Nên ghép vài từ dễ nhớ với chữ số."
)


def short_password(password: str, minimum: int = ACCOUNT_MIN_LENGTH) -> str | None:
    if len(password) < minimum:
        return f"Mật khẩu quá ngắn: cần ít nhất {minimum} ký tự."
    return None


def weak_file_password(password: str, username: str) -> str | None:
    """Why `password` may not protect a file exported by `username`, followed by the rule."""
    folded = unicodedata.normalize("NFC", password).casefold()
    reason = short_password(password, FILE_MIN_LENGTH)
    if reason is None and folded == unicodedata.normalize("NFC", username).casefold():
        reason = "Mật khẩu trùng tên tài khoản."
    if reason is None and len({_kind(ch) for ch in password}) < 2:
        reason = "Mật khẩu chỉ có một loại ký tự."
    # A text is a shorter block repeated exactly when it is found inside itself written
    # twice, less the first and last characters.
    if reason is None and folded in (folded + folded)[1:-1]:
        reason = "Mật khẩu chỉ là một cụm ký tự lặp lại."
    if reason is None and 2 * _longest_run(folded) > len(folded):
        reason = "Mật khẩu có quá nửa là ký tự giống nhau hoặc liên tiếp."
    return None if reason is None else f"{reason} {FILE_PASSWORD_RULE}"


def _kind(ch: str) -> str:
    if ch.isdigit():
        return "số"
    if ch.isalpha():
        return "hoa" if ch.isupper() else "thường"
    return "ký hiệu"


def _longest_run(text: str) -> int:
    """The most characters in a row each equal to, or next to, the one before: «aaaa»,
    «1234», «fedc»."""
    longest = run = 1
    for before, after in pairwise(text):
        run = run + 1 if abs(ord(after) - ord(before)) <= 1 else 1
        longest = max(longest, run)
    return longest
