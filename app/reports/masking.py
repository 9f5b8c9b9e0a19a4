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
from typing import NamedTuple

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


class _Token(NamedTuple):  # a tuple: a report makes some 100,000 of them
    start: int  # in the original text
    end: int  # after the marks of a decomposed last letter
    folded: str
    exact: str
    spaced: bool  # only white space since the word before


# Each character's fold as `str.translate` takes it (each character is folded once); the
# same characters as a set, to find new ones by set difference; and those whose fold is
# not one character (a mark of decomposed text folds to nothing, "ß" to "ss").
_FOLDS: dict[int, str] = {}
_KNOWN: set[str] = set()
_NOT_ONE: set[str] = set()


def _folded(text: str) -> tuple[str, list[int] | None]:
    """`text` folded one character at a time, and where each folded character comes from
    in it: None when that is the same place (composed text, as the program stores it),
    folded by `str.translate` at C speed rather than character by character."""
    present = set(text)
    for char in present - _KNOWN:
        _FOLDS[ord(char)] = _fold_char(char)
        _KNOWN.add(char)
        if len(_FOLDS[ord(char)]) != 1:
            _NOT_ONE.add(char)
    if not present & _NOT_ONE:
        return text.translate(_FOLDS), None
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        piece = _FOLDS[ord(char)]
        chars.append(piece)
        origin.extend([index] * len(piece))
    return "".join(chars), origin


def _tokens(text: str, folded: str, origin: list[int] | None) -> list[_Token]:
    """The words of `text` from its fold by `_folded`, each mapped back to the text."""
    tokens: list[_Token] = []
    previous_end = 0
    for match in _WORD.finditer(folded):
        if origin is None:
            start, end = match.start(), match.end()
        else:
            start, end = origin[match.start()], origin[match.end() - 1] + 1
        while end < len(text) and unicodedata.combining(text[end]):
            end += 1
        tokens.append(_Token(start, end, match.group(), _exact(text[start:end]),
                             folded[previous_end:match.start()].isspace()))
        previous_end = match.end()
    return tokens


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

    def mask(self, text: str) -> str:
        if not self._given or not text:
            return text
        folded, origin = _folded(text)
        if not self._may_name(_WORD.findall(folded)):
            return text
        tokens = _tokens(text, folded, origin)
        pieces: list[str] = []
        kept_until = index = 0
        while index < len(tokens):
            found = self._name_at(tokens, index)
            if found is None:
                index += 1
                continue
            first, after, replacement = found
            end = tokens[after - 1].end
            if replacement.endswith(".") and text.startswith(".", end):
                end += 1  # "… em N.V.A." rather than "N.V.A.."
            pieces += [text[kept_until:tokens[first].start], replacement]
            kept_until, index = end, after
        pieces.append(text[kept_until:])
        return "".join(pieces)

    def _may_name(self, words: list[str]) -> bool:
        """A cheap test on the folded words: most texts name no child."""
        for index, word in enumerate(words):
            if word in self._first and any(tuple(words[index:index + size]) in self._full
                                           for size in self._sizes):
                return True
            if word in _CALLING_WORDS and any(tuple(words[index + 1:index + 1 + size])
                                              in self._given_folded for size in (1, 2)):
                return True
        return False

    def _name_at(self, tokens: list[_Token], index: int) -> tuple[int, int, str] | None:
        """(first token replaced, token after the name, initials) for a name at `index`.

        A full name wins over a given name after a calling word ("cháu Cao Văn Hiếu"
        is one child, not "cháu Cao" and two more words).
        """
        full = self._full_at(tokens, index)
        if full is not None:
            return index, index + len(full[0]), full[1]
        if tokens[index].folded not in _CALLING_WORDS or self._full_at(tokens, index + 1):
            return None
        for size in (2, 1):
            words = tokens[index + 1:index + 1 + size]
            key = tuple(t.exact for t in words)
            if len(words) == size and all(t.spaced for t in words) and key in self._given:
                return index + 1, index + 1 + size, self._given[key]
        return None

    def _full_at(self, tokens: list[_Token], index: int) -> tuple[tuple[str, ...], str] | None:
        if index >= len(tokens) or tokens[index].folded not in self._first:
            return None
        for size in self._sizes:  # longest first
            words = tokens[index:index + size]
            key = tuple(t.folded for t in words)
            if len(words) == size and all(t.spaced for t in words[1:]) and key in self._full:
                return key, self._full[key]
        return None
