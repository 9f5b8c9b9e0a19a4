"""What a password must be, each check returning a Vietnamese message or None, and how
many wrong ones lock an account.

An account's password is kept as an Argon2 hash and tried at most `MAX_FAILED_ATTEMPTS`
times in a row at sign-in; but it also seals the data key, and an administrator's seals the
backups, which a thief can try offline without limit. So the password of an administrator
or a leader must be long and hard to guess (judged by zxcvbn, which knows the common
passwords, names, words, dates, repeats, sequences and keyboard rows, and is told the
account's and the office's names); any other account's only not a very common one. A
file's password (the full export) guards children's names on a USB stick or in an e-mail,
where it can be guessed offline without limit, so it must be stronger too.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from datetime import timedelta
from itertools import pairwise

from app.domain.labels import ROLE_LABELS, Role
from app.text import fold

# Office practice, no legal figure (context.md asks for strong hashing and an idle lock):
# wrong passwords in a row before the account locks, and for how long.
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)

ACCOUNT_MIN_LENGTH = 8
STRONG_ACCOUNT_MIN_LENGTH = 12
FILE_MIN_LENGTH = 12

# The roles whose password opens the whole register (children unmasked) and its backups.
STRONG_PASSWORD_ROLES = frozenset({Role.ADMIN, Role.LEADER})
# zxcvbn's score, 0 to 4, from the guesses it estimates an attacker needs: 2 from a
# million (past the common passwords and their small variations), 4 from ten thousand
# million (what its authors call strong against an offline attack on a slow hash, as on a
# stolen backup's Argon2 wrap).
STRONG_ACCOUNT_MIN_SCORE = 4
ACCOUNT_MIN_SCORE = 2
# Office practice, no legal figure: words the passwords of Vietnamese offices are often
# built on, which zxcvbn's English lists do not have (folded: no diacritics, lower case).
GUESSABLE_WORDS = (
    "matkhau", "quantri", "quantrivien", "admin", "sovipham", "vipham", "canbo", "lanhdao",
    "congan", "ubnd", "vanhoa", "anhyeuem", "emyeuanh", "yeuem", "yeuanh", "vietnam",
    "hanoi", "saigon", "hochiminh",
)
# zxcvbn refuses longer passwords (its matching grows with the square of the length); the
# first 72 characters of a longer one are judged, which can only underrate it.
_JUDGED_LENGTH = 72
# zxcvbn keeps the words it is told in a module-wide table: one judgement at a time.
_ZXCVBN_LOCK = threading.Lock()

_STRONG_ROLES_TEXT = " hoặc ".join(ROLE_LABELS[role] for role in Role
                                   if role in STRONG_PASSWORD_ROLES)
STRONG_ACCOUNT_PASSWORD_RULE = (
    f"Mật khẩu của người dùng {_STRONG_ROLES_TEXT} cần ít nhất {STRONG_ACCOUNT_MIN_LENGTH} ký "
    "tự và khó đoán: không dựa vào tên đăng nhập, họ tên, tên đơn vị hay một mật khẩu hay "
    "dùng (như «12345678», «matkhau123», «admin2026»), không phải dãy lặp lại, liên tiếp, "
    "hàng phím hay ngày tháng. Nên ghép ba, bốn từ không liên quan đến nhau, thêm chữ số "
    "hoặc ký hiệu."
)
ACCOUNT_PASSWORD_RULE = (
    f"Mật khẩu cần ít nhất {ACCOUNT_MIN_LENGTH} ký tự và không phải một mật khẩu hay dùng "
    "(như «12345678», «matkhau123») hay tên đăng nhập, họ tên thêm vài chữ số."
)

FILE_PASSWORD_RULE = (
    f"Mật khẩu mở tệp cần: ít nhất {FILE_MIN_LENGTH} ký tự; ít nhất hai loại trong bốn loại "
    "chữ thường, chữ hoa, chữ số, ký hiệu (dấu cách cũng là ký hiệu); không phải một cụm lặp "
    "lại và không có quá nửa là ký tự giống nhau hay liên tiếp (như «aaaa», «abcabc», "
    "«123456»); khác tên đăng nhập. Nên ghép vài từ dễ nhớ với chữ số."
)


def short_password(password: str, minimum: int = ACCOUNT_MIN_LENGTH) -> str | None:
    if len(password) < minimum:
        return f"Mật khẩu quá ngắn: cần ít nhất {minimum} ký tự."
    return None


def account_password_rule(role: Role) -> str:
    """What the password of an account of `role` must be (the window shows it as a hint)."""
    return STRONG_ACCOUNT_PASSWORD_RULE if role in STRONG_PASSWORD_ROLES \
        else ACCOUNT_PASSWORD_RULE


def weak_account_password(password: str, role: Role, personal: Iterable[str] = ()) -> str | None:
    """Why `password` may not be the password of an account of `role`, followed by the rule.

    `personal`: the texts an attacker would try first — the account's user name and full
    name, the office's names and places."""
    strong = role in STRONG_PASSWORD_ROLES
    rule = account_password_rule(role)
    short = short_password(password, STRONG_ACCOUNT_MIN_LENGTH if strong else ACCOUNT_MIN_LENGTH)
    if short is not None:
        return f"{short} {rule}"
    own = _words_of(personal)
    # Folded as the names are, and also without what separates its words: «Mật-khẩu@2026»
    # is guessed as soon as «matkhau2026» is. The weaker reading counts.
    folded = fold(password)
    readings = [text[:_JUDGED_LENGTH] for text in
                dict.fromkeys((folded, "".join(re.findall(r"[^\W_]+", folded)))) if text]
    if not readings:  # only spaces
        return f"Mật khẩu quá dễ đoán. {rule}"
    # Imported here: its word lists take about 13 MB, which a window that sets no
    # password would hold for nothing.
    from zxcvbn import zxcvbn

    with _ZXCVBN_LOCK:
        judged = min((zxcvbn(text, user_inputs=[*own, *GUESSABLE_WORDS])
                      for text in readings), key=lambda result: result["guesses"])
    if judged["score"] >= (STRONG_ACCOUNT_MIN_SCORE if strong else ACCOUNT_MIN_SCORE):
        return None
    return f"{_why_guessable(judged['sequence'], set(own))} {rule}"


def _words_of(texts: Iterable[str]) -> list[str]:
    """Each word of `texts`, folded, and each run of a text's words written together
    («nguyenvan», «vanan», «nguyenvanan»)."""
    words: list[str] = []
    for text in texts:
        parts = re.findall(r"\w+", fold(text))
        words += ["".join(parts[start:end]) for start in range(len(parts))
                  for end in range(start + 1, len(parts) + 1)]
    return [word for word in dict.fromkeys(words) if len(word) >= 3]


def _why_guessable(sequence: Sequence[Mapping[str, object]], own: set[str]) -> str:
    """What made zxcvbn guess the password soon (its own advice is English)."""
    found = [match for match in sequence if match["pattern"] == "dictionary"]
    if any(match["matched_word"] in own for match in found):
        return "Mật khẩu dựa vào tên đăng nhập, họ tên hoặc tên đơn vị."
    if any(match["dictionary_name"] == "passwords"
           or match["matched_word"] in GUESSABLE_WORDS for match in found):
        return "Mật khẩu dựa vào một mật khẩu hay dùng."
    if any(match["pattern"] in {"repeat", "sequence", "spatial", "date", "regex"}
           for match in sequence):
        return ("Mật khẩu có dãy dễ đoán: ký tự lặp lại hay liên tiếp, hàng phím, ngày "
                "tháng hoặc năm.")
    if found:
        return "Mật khẩu dựa vào từ hoặc tên thông dụng."
    return "Mật khẩu quá dễ đoán."


def weak_file_password(password: str, username: str) -> str | None:
    """Why `password` may not protect a file exported by `username`, followed by the rule."""
    folded = unicodedata.normalize("NFC", password).casefold()
    reason = short_password(password, FILE_MIN_LENGTH)
    if reason is None and folded == unicodedata.normalize("NFC", username).casefold():
        reason = "Mật khẩu trùng tên đăng nhập."
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
