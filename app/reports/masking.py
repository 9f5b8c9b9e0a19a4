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


def _fold_with_origin(text: str) -> tuple[str, list[int]]:
    """`fold(text)` one character at a time, with the index in `text` of every folded char."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = " " if char.isspace() else fold(char)
        chars.append(piece)
        origin.extend([index] * len(piece))
    return "".join(chars), origin


class Masker:
    """Replaces the recorded names of `people` in free text by their initials."""

    def __init__(self, people: Iterable[Person] = ()) -> None:
        # Folded word sequence → initials; a full name, and the given name (with or
        # without the middle name) that may follow a calling word.
        self._full: dict[tuple[str, ...], str] = {}
        self._given: dict[tuple[str, ...], str] = {}
        for person in people:
            words = tuple(_WORD.findall(fold(person.full_name)))
            if not words:
                continue
            self._full[words] = initials(person.full_name)
            for size in (1, 2):
                if len(words) > size:
                    given = person.full_name.split()[-size:]
                    self._given.setdefault(words[-size:], initials(" ".join(given)))
        self._first = frozenset(w[0] for w in self._full) | _CALLING_WORDS
        self._sizes = sorted({len(w) for w in (*self._full, *self._given)}, reverse=True)

    def __bool__(self) -> bool:
        return bool(self._full)

    def mask(self, text: str) -> str:
        if not self._full or not text:
            return text
        # Cheap test on the plain folded text first: most texts name no child.
        if not self._matches(_WORD.findall(fold(text))):
            return text
        folded, origin = _fold_with_origin(text)
        spans = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(folded)]
        pieces: list[str] = []
        kept_until = 0
        index = 0
        while index < len(spans):
            found = self._match_at([s[2] for s in spans], index, folded, spans)
            if found is None:
                index += 1
                continue
            skip, length, replacement = found
            start = origin[spans[index + skip][0]]
            end = origin[spans[index + length - 1][1] - 1] + 1
            while end < len(text) and unicodedata.combining(text[end]):
                end += 1  # the marks of a decomposed last letter
            if replacement.endswith(".") and text.startswith(".", end):
                end += 1  # "… em N.V.A." rather than "N.V.A.."
            pieces.extend([text[kept_until:start], replacement])
            kept_until = end
            index += length
        pieces.append(text[kept_until:])
        return "".join(pieces)

    def _matches(self, words: list[str]) -> bool:
        return any(self._match_at(words, i) for i, w in enumerate(words) if w in self._first)

    def _match_at(self, words: list[str], index: int, folded: str | None = None,
                  spans: list[tuple[int, int, str]] | None = None,
                  ) -> tuple[int, int, str] | None:
        """(words kept, words matched, replacement) for a name starting at `index`.

        A full name wins over a given name after a calling word ("cháu Cao Văn Hiếu"
        is one child, not "cháu Cao" and two more words).
        """
        found = self._lookup(self._full, words, index, 0, folded, spans)
        if (found is None and words[index] in _CALLING_WORDS
                and self._lookup(self._full, words, index + 1, 0, folded, spans) is None):
            found = self._lookup(self._given, words, index, 1, folded, spans)
        return found

    def _lookup(self, table: dict[tuple[str, ...], str], words: list[str], index: int,
                keep: int, folded: str | None, spans: list[tuple[int, int, str]] | None,
                ) -> tuple[int, int, str] | None:
        for size in self._sizes:  # longest first
            candidate = tuple(words[index + keep:index + keep + size])
            if (len(candidate) == size and candidate in table
                    and self._spaced(folded, spans, index, keep + size)):
                return keep, keep + size, table[candidate]
        return None

    @staticmethod
    def _spaced(folded: str | None, spans: list[tuple[int, int, str]] | None,
                index: int, size: int) -> bool:
        """The words of a name are separated by spaces only (not `Nguyễn, Văn`)."""
        if folded is None or spans is None:
            return True
        return all(folded[spans[i][1]:spans[i + 1][0]].isspace()
                   for i in range(index, index + size - 1))
