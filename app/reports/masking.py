"""Children are never named in a report: initials with age and sex, also inside free text.

A recorded child's name is found in text typed by officers whatever its case,
diacritics or Unicode form (composed or decomposed), and replaced by the
child's initials; the rest of the text is left exactly as typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from app.text import fold, initials

CHILD_AGE_LIMIT = 16  # Luật Trẻ em 2016, Điều 1
# Words officers put before a child's given name: "em An", "cháu Văn An", "bé An".
_CALLING_WORDS = frozenset({"em", "chau", "be"})
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Person:
    """Who a report may only show by initials: a child on a case, or an offender under 16."""

    full_name: str
    birth_year: int | None = None
    birth_date: date | None = None
    sex: str | None = None


def age_on(person: Person, day: date) -> int | None:
    if person.birth_date is not None:
        born = person.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
    if person.birth_year is not None:
        return day.year - person.birth_year
    return None


def is_child(person: Person, day: date) -> bool:
    age = age_on(person, day)
    return age is not None and 0 <= age < CHILD_AGE_LIMIT


def describe(person: Person, day: date) -> str:
    """`N.V.A., 13 tuổi, nam` (age on `day`, the case's detection date)."""
    age = age_on(person, day)
    parts = [initials(person.full_name)]
    if age is not None:
        parts.append(f"{age} tuổi")
    if person.sex:
        parts.append(person.sex)
    return ", ".join(parts)


def _fold_char(char: str) -> str:
    return " " if char.isspace() else fold(char)


def _exact(word: str) -> str:
    """A word compared with its marks but without case: `Tài` is not `tại`."""
    return unicodedata.normalize("NFC", word).casefold()


class _FoldTable(dict[int, str]):
    """Each character's fold as `str.translate` takes it, each character folded the first
    time a text holds it; those whose fold is not one character (a mark of decomposed text
    folds to nothing, "ß" to "ss") are noted in `_NOT_ONE`."""

    def __missing__(self, code: int) -> str:
        piece = self[code] = _fold_char(chr(code))
        if len(piece) != 1:
            _NOT_ONE.add(chr(code))
        return piece


_FOLDS = _FoldTable()
_NOT_ONE: set[str] = set()


def _folded(text: str) -> tuple[str, list[int] | None]:
    """`text` folded one character at a time, and where each folded character comes from
    in it: None when that is the same place (composed text, as the program stores it),
    folded by `str.translate` at C speed rather than character by character."""
    folded = text.translate(_FOLDS)  # first: it notes the text's new characters
    if _NOT_ONE.isdisjoint(text):
        return folded, None
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = _FOLDS[ord(char)]
        chars.append(piece)
        origin.extend([index] * len(piece))
    return "".join(chars), origin


class _Words:
    """Where the words of a folded text are in the text itself, worked out only for the
    few words a name may start at (a report masks some 40,000 texts)."""

    __slots__ = ("_folded", "_origin", "_spans", "_text")

    def __init__(self, text: str, folded: str, origin: list[int] | None) -> None:
        self._text, self._folded, self._origin = text, folded, origin
        self._spans = [match.span() for match in _WORD.finditer(folded)]

    def start(self, index: int) -> int:
        start = self._spans[index][0]
        return start if self._origin is None else self._origin[start]

    def end(self, index: int) -> int:
        """After the word, with the marks of a decomposed last letter."""
        end = self._spans[index][1]
        if self._origin is not None:
            end = self._origin[end - 1] + 1
        while end < len(self._text) and unicodedata.combining(self._text[end]):
            end += 1
        return end

    def spaced(self, index: int) -> bool:
        """Only white space since the word before."""
        before = self._spans[index - 1][1] if index else 0
        return self._folded[before:self._spans[index][0]].isspace()

    def exact(self, index: int) -> str:
        return _exact(self._text[self.start(index):self.end(index)])


class Masker:
    """Replaces the recorded names of `people` in free text by their initials.

    A full name is matched without case or marks. A given name alone (with or without
    the middle name), or a name of one word, only after a calling word ("em An", "cháu
    Văn An", "bé Bống") and with its marks, so that "trẻ em tại chợ" is not taken for
    a child named Tài, nor "bông hoa" for one named Bống.
    """

    def __init__(self, people: Iterable[Person] = ()) -> None:
        self._full: dict[tuple[str, ...], str] = {}
        self._given: dict[tuple[str, ...], str] = {}
        for person in people:
            words = person.full_name.split()
            folded = tuple(_WORD.findall(fold(person.full_name)))
            if len(folded) > 1:  # one word alone ("Bống") is matched as a given name
                self._full[folded] = initials(person.full_name)
            for size in (1, 2):
                if len(words) >= size:
                    self._given.setdefault(tuple(_exact(w) for w in words[-size:]),
                                           initials(" ".join(words[-size:])))
        self._given_folded = frozenset(tuple(fold(w) for w in key) for key in self._given)
        self._first = frozenset(w[0] for w in self._full)
        self._sizes = sorted({len(w) for w in self._full}, reverse=True)
        self._starting = self._first | _CALLING_WORDS

    def mask(self, text: str) -> str:
        if not self._given or not text:
            return text
        folded, origin = _folded(text)
        words = _WORD.findall(folded)
        if self._starting.isdisjoint(words):  # most texts: at C speed
            return text
        starts = self._starts(words)
        if not starts:
            return text
        places = _Words(text, folded, origin)
        pieces: list[str] = []
        kept_until = after = 0
        for index in starts:
            if index < after:
                continue  # inside the name just replaced
            found = self._name_at(words, places, index)
            if found is None:
                continue
            first, after, replacement = found
            end = places.end(after - 1)
            if replacement.endswith(".") and text.startswith(".", end):
                end += 1  # "… em N.V.A." rather than "N.V.A.."
            pieces += [text[kept_until:places.start(first)], replacement]
            kept_until = end
        if not pieces:
            return text
        pieces.append(text[kept_until:])
        return "".join(pieces)

    def _starts(self, words: list[str]) -> list[int]:
        """Where a name may start, from the folded words alone: a full name, or a calling
        word before a given name."""
        starts = []
        for index in [i for i, word in enumerate(words) if word in self._starting]:
            word = words[index]
            if (word in self._first and any(tuple(words[index:index + size]) in self._full
                                            for size in self._sizes)) or (
                    word in _CALLING_WORDS and any(tuple(words[index + 1:index + 1 + size])
                                                   in self._given_folded for size in (1, 2))):
                starts.append(index)
        return starts

    def _name_at(self, words: list[str], places: _Words,
                 index: int) -> tuple[int, int, str] | None:
        """(first word replaced, word after the name, initials) for a name at `index`.

        A full name wins over a given name after a calling word ("cháu Cao Văn Hiếu"
        is one child, not "cháu Cao" and two more words).
        """
        full = self._full_at(words, places, index)
        if full is not None:
            return index, index + full[0], full[1]
        if words[index] not in _CALLING_WORDS or self._full_at(words, places, index + 1):
            return None
        for size in (2, 1):
            given = range(index + 1, index + 1 + size)
            if given.stop <= len(words) and all(places.spaced(i) for i in given):
                key = tuple(places.exact(i) for i in given)
                if key in self._given:
                    return given.start, given.stop, self._given[key]
        return None

    def _full_at(self, words: list[str], places: _Words,
                 index: int) -> tuple[int, str] | None:
        """(number of words, initials) of the longest full name at `index`."""
        if index >= len(words) or words[index] not in self._first:
            return None
        for size in self._sizes:  # longest first
            key = tuple(words[index:index + size])
            if len(key) == size and key in self._full and all(
                    places.spaced(i) for i in range(index + 1, index + size)):
                return size, self._full[key]
        return None
