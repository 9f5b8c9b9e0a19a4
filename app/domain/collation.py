"""Vietnamese alphabetical order as a key: compare two keys by code points and the texts
they come from compare as a Vietnamese reader expects.

The list sorts in SQL over the whole register, so the key is stored beside the text
(`services/case_rows.py`) and the small lists in memory sort with the same function.
"""

from __future__ import annotations

import re
import unicodedata

# The Vietnamese alphabet (Bộ GD&ĐT's 29 letters), with the Latin letters it lacks in
# their Latin places: đ is a letter after d, ă and â after a, and so on.
ALPHABET = ("a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l",
            "m", "n", "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z")
# Tones as the dictionaries order them: none, huyền, hỏi, ngã, sắc, nặng.
TONES = {"\u0300": "1", "\u0309": "2", "\u0303": "3", "\u0301": "4", "\u0323": "5"}
NO_TONE = "0"

# Every weight is above LEVELS, so a text that is a prefix of another sorts first.
LEVELS = "\x01"
SPACE = "\x02"
NUMBER = "\x03"  # numbers before letters, as in a dictionary
_LETTER_WEIGHTS = {letter: chr(0x41 + n) for n, letter in enumerate(ALPHABET)}
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}  # breve, circumflex, horn: part of the letter
_DIGITS = re.compile("[0-9]+")


def sort_key(text: str | None) -> str:
    """The key of `text`: letters in Vietnamese order, case ignored, then the tones from
    the first letter on where the letters are equal; a run of digits compared as a
    number ("Khu phố 2" before "Khu phố 10"); punctuation ignored, spaces kept."""
    if not text:
        return ""
    folded = unicodedata.normalize("NFC", text).casefold()
    primary: list[str] = []
    position = 0
    for match in _DIGITS.finditer(folded):
        primary.append(folded[position:match.start()].translate(_PRIMARY))
        digits = match.group().lstrip("0") or "0"
        # The count of digits first: a longer number is a larger one.
        primary.append(NUMBER + chr(0x40 + len(digits)) + digits)
        position = match.end()
    primary.append(folded[position:].translate(_PRIMARY))
    letters = _SPACES.sub(SPACE, "".join(primary)).strip(SPACE)
    return letters + LEVELS + folded.translate(_TONES)


def _weights(char: str) -> tuple[str, str]:
    """A character's letter weight and tone: nothing for punctuation and symbols, which
    do not order names; a space for any white space."""
    if char.isspace():
        return SPACE, ""
    decomposed = unicodedata.normalize("NFD", char)
    base, marks = decomposed[0], decomposed[1:]
    letter = unicodedata.normalize("NFC", base + "".join(m for m in marks
                                                         if m in _LETTER_MARKS))
    weight = _LETTER_WEIGHTS.get(letter) or _LETTER_WEIGHTS.get(base)
    if weight is None:
        if not base.isalpha():
            return "", ""
        weight = base  # another script's letter: after the Vietnamese alphabet
    return weight, next((TONES[m] for m in marks if m in TONES), NO_TONE)


class _Table(dict[int, str]):
    """One level's weight of each character as `str.translate` takes it, worked out the
    first time a text holds the character (a key per case is written on every save)."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self._level = level

    def __missing__(self, code: int) -> str:
        weight = self[code] = _weights(chr(code))[self._level]
        return weight


_PRIMARY = _Table(0)
_TONES = _Table(1)
_SPACES = re.compile(SPACE + "+")


def person_sort_key(full_name: str | None) -> str:
    """People by given name (the last word of a Vietnamese name), then the rest:
    "Trần Văn An" before "Lê Thị Bình"."""
    words = (full_name or "").split()
    return sort_key(" ".join(words[-1:] + words[:-1]))
