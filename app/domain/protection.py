"""Who is protected in a case, and how every text that leaves the office is masked.

THE rule, in one place (docs/architecture.md lists the outputs that use it):

- Protected are the case's recorded children, and its offender when under 16 at the
  act (Luật Trẻ em 2016, Điều 1), by one age rule: with only a birth year, the younger
  of the two possible ages, so that someone who may be 15 counts as 15.
- A name is found word by word, the words compared after folding case, diacritics, `đ`,
  Unicode form and tone-mark placement (`Hoà`/`Hòa`): any run of a protected name's
  words that holds the given name (`Đặng Zuyến`, `Thuỳ Zuyến`, `zuyen.dang`), the words
  joined by spaces, `-`, `_`, `.` or nothing at all (`dangthithuyzuyen`); run together
  into one syllable of the language, only when typed visibly so (`DoAnh`, `ĐỗAnh` are
  `Đỗ Anh`, `doanh` is not); in the texts of another case, a run that also holds the
  surname, or follows a calling word.
- A given name alone is masked after a calling word (`em`, `bé`, `học sinh`…) and, in
  the texts of the case that records the person, anywhere: masking a place name that
  shares it is the price. A text word typed with marks must carry the name's marks
  (`tại` is not `Tài`, `đang` not `Đặng`); one typed without any is taken as the name.
- In a case with protected people, a child's recorded school, class and address are
  masked where they occur in its texts, and links and accounts show only their host or
  platform (`facebook.com/…`).

Names become initials (`Đ.T.T.Z.`); the rest of a text is left exactly as typed.
"""

from __future__ import annotations

import functools
import itertools
import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Hashable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from app.domain.labels import HIDDEN_ADDRESS, HIDDEN_SCHOOL, PartyKind, Sex
from app.text import fold, initials

if TYPE_CHECKING:  # the case's rules check a child's age with `age_on`
    from app.domain.case import CaseInput, ChildInput

CHILD_AGE_LIMIT = 16  # Luật Trẻ em 2016, Điều 1

# Words officers put before a child's given name ("em An", "học sinh Zuyến"), folded.
CALLING_WORDS: frozenset[tuple[str, ...]] = frozenset(
    tuple(phrase.split()) for phrase in (
        "em", "chau", "be", "con", "ban", "hs", "hoc sinh", "nu sinh", "nam sinh",
        "con gai", "con trai", "co be", "cau be", "em be", "chau be", "be gai", "be trai",
    ))
_CALLING_LAST = frozenset(phrase[-1] for phrase in CALLING_WORDS)
_CALLING_LONGEST = max(len(phrase) for phrase in CALLING_WORDS)

# Generic first words of a recorded school or address that a text may leave out.
_GENERIC_FIRST = frozenset({"truong", "lop", "so", "thon", "xom", "ap", "to", "khu"})

_LETTERS = re.compile(r"[^\W\d_]+")  # a name's words: digits and `_` separate them
_TOKENS = re.compile(r"[^\W\d_]+|\d+")  # a school or an address: its numbers count
_NAME_JOINS = frozenset(" \t-_.")  # what may stand between the words of one name
_URL = re.compile(
    r"(?:https?://|www\.)[^\s<>\"']+"
    r"|\b(?:[a-z0-9-]+\.)+(?:com|net|org|vn|me|tv|io|ly|gl|be|app|info|link)/[^\s<>\"']*",
    re.IGNORECASE)
_URL_TAIL = ".,;:!?)]}»”'"
# The sex closing a description (`describe`: `C.H.N., 11 tuổi, nam`), which a child called
# Nam must not turn into `N.`: masking a masked text changes nothing.
_DESCRIBED_SEX = re.compile(r"\d+ tuoi, $")
_SEX_WORDS = frozenset(fold(sex) for sex in Sex)
_LONGEST_SYLLABLE = 7  # "nghiêng": a name word is never longer
# A word shaped as one Vietnamese syllable, folded: an initial, one vowel group, a final.
# Two names' words run together in it ("doanh": Đỗ Anh, "ngoanh": Ngô Anh) are a word of the
# language ("kinh doanh", "ngoảnh") unless typed visibly as the name (`_joined_visibly`).
_ONE_SYLLABLE = re.compile(
    r"(?:ngh|ng|gh|gi|kh|nh|ph|qu|th|tr|ch|[bcdghklmnprstvx])?"
    r"(?:uye|uya|uyu|uoi|uou|oai|oay|oeo|uay|ieu|yeu|ai|ao|au|ay|eo|eu|ia|ie|iu|oa|oe|oi|oo"
    r"|ua|ue|ui|uo|uu|uy|ya|ye|[aeiouy])"
    r"(?:ng|nh|ch|[cmnpt])?")
_LONGEST_JOINED = 40  # a handle of a whole name run together is shorter
_OTHERS_KEPT = 1 << 13


# --- who is protected ---------------------------------------------------------------------


def age_on(birth_date: date | None, birth_year: int | None, day: date) -> int | None:
    """Completed years on `day`: THE age rule. With only a birth year, the younger of the
    two possible ages (born on 31 December at the latest); None when unknown or not born."""
    if birth_date is not None:
        age = day.year - birth_date.year - ((day.month, day.day) < (birth_date.month,
                                                                    birth_date.day))
    elif birth_year is not None:
        age = day.year - birth_year - (day < date(day.year, 12, 31))
    else:
        return None
    return age if age >= 0 else None


@dataclass(frozen=True)
class Person:
    """Someone a text that leaves the office may only show by initials."""

    full_name: str
    birth_year: int | None = None
    birth_date: date | None = None
    sex: str | None = None
    school_class: str | None = None
    address: str | None = None

    def age(self, day: date) -> int | None:
        return age_on(self.birth_date, self.birth_year, day)


def is_child(person: Person, day: date) -> bool:
    age = person.age(day)
    return age is not None and age < CHILD_AGE_LIMIT


def as_minor(offender: Person | None, act_on: date) -> Person | None:
    """The offender (a person) when a child at the act: protected as a child is."""
    if offender is not None and offender.full_name and is_child(offender, act_on):
        return offender
    return None


@dataclass(frozen=True)
class CasePeople:
    """Who is protected in one case."""

    children: tuple[Person, ...] = ()
    minor: Person | None = None  # the offender, a child at the act
    act_on: date | None = None  # the act's date, on which ages are taken

    @property
    def all(self) -> tuple[Person, ...]:
        return (*self.children, self.minor) if self.minor else self.children


def describe(person: Person, day: date) -> str:
    """`N.V.A., 13 tuổi, nam`: how a protected person is shown (age on `day`)."""
    age = person.age(day)
    parts = [initials(person.full_name)]
    if age is not None:
        parts.append(f"{age} tuổi")
    if person.sex:
        parts.append(person.sex)
    return ", ".join(parts)


def host_only(url: str) -> str:
    """`https://www.facebook.com/zuyen.dang` → `facebook.com/…`."""
    rest = re.sub(r"^[a-z][a-z0-9+.-]*://", "", url.strip(), flags=re.IGNORECASE)
    host, _, path = rest.partition("/")
    bare = re.split(r"[?#]", host)[0]
    shown = re.sub(r"^www\.", "", bare, flags=re.IGNORECASE)
    return f"{shown}/…" if path or bare != host else shown


def hidden_account(platform: str) -> str:
    """An account on a case with protected people: only its platform."""
    return f"{platform}/…"


# --- comparing words ----------------------------------------------------------------------


def _fold_char(char: str) -> str:
    return " " if char.isspace() else fold(char)


class _FoldTable(dict[int, str]):
    """Each character's fold as `str.translate` takes it, folded the first time a text
    holds it; those whose fold is not one character (a mark of decomposed text folds to
    nothing, "ß" to "ss") are noted in `_NOT_ONE`."""

    def __missing__(self, code: int) -> str:
        piece = self[code] = _fold_char(chr(code))
        if len(piece) != 1:
            _NOT_ONE.add(chr(code))
        return piece


_FOLDS = _FoldTable()
_NOT_ONE: set[str] = set()


def _folded(text: str) -> tuple[str, list[int] | None]:
    """`text` folded a character at a time, and where each folded character comes from:
    None when from the same place (composed text, as the program stores it)."""
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


@functools.lru_cache(maxsize=1 << 16)  # the same few thousand words, typed again and again
def _marks(word: str) -> str | None:
    """A word's tone and vowel marks whatever their place (`Hoà` and `Hòa` alike); None for
    a word typed without any mark, `đ` included (`Dang` may be `Đặng`, `đang` may not)."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    marks = "".join(sorted(c for c in decomposed if unicodedata.combining(c)))
    return marks if marks or "đ" in decomposed else None


class _Text:
    """A text's words (letter runs of its fold) and where each stands in the text."""

    __slots__ = ("called", "folded", "origin", "spans", "text", "words")

    def __init__(self, text: str, pattern: re.Pattern[str]) -> None:
        self.text = text
        self.folded, self.origin = _folded(text)
        self.spans = [m.span() for m in pattern.finditer(self.folded)]
        self.words = [self.folded[a:b] for a, b in self.spans]
        self.called: dict[int, bool] = {}  # `Masker._called` of each word asked about

    def start(self, index: int) -> int:
        start = self.spans[index][0]
        return start if self.origin is None else self.origin[start]

    def end(self, index: int) -> int:
        """After the word, with the marks of a decomposed last letter."""
        end = self.spans[index][1]
        if self.origin is not None:
            end = self.origin[end - 1] + 1
        while end < len(self.text) and unicodedata.combining(self.text[end]):
            end += 1
        return end

    def typed(self, index: int) -> str:
        return self.text[self.start(index):self.end(index)]

    def gap(self, index: int) -> str:
        """The folded text between word `index - 1` and word `index`."""
        return self.folded[self.spans[index - 1][1]:self.spans[index][0]]

    def name_joined(self, index: int) -> bool:
        return 0 < index < len(self.spans) and _NAME_JOINS.issuperset(self.gap(index))

    def phrase_joined(self, index: int) -> bool:
        gap = self.gap(index)
        return len(gap) <= 3 and "\n" not in gap


def _replace(text: str, pieces: list[tuple[int, int, str]]) -> str:
    """`text` with each (start, end, replacement), in order and not overlapping."""
    out: list[str] = []
    kept = 0
    for start, end, replacement in pieces:
        if replacement.endswith(".") and text.startswith(".", end):
            end += 1  # "… em N.V.A." rather than "N.V.A.."
        out += [text[kept:start], replacement]
        kept = end
    out.append(text[kept:])
    return "".join(out)


# --- the masker ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Name:
    """A protected name: its folded words with their marks and initial letters."""

    words: dict[str, tuple[str | None, str]]  # folded word → (marks, initial as recorded)
    # How often each folded word stands in the name; None when each stands once (most).
    counts: Counter[str] | None
    surname: str  # folded first word
    given: str  # folded last word


def _name(full_name: str, shared: dict[object, Any]) -> _Name | None:
    """The name of `full_name`; its words, and their marks and initials, are those already
    in `shared` where equal (a year's names repeat a few hundred words: held once)."""
    recorded = _LETTERS.findall(unicodedata.normalize("NFC", full_name))
    if not recorded:
        return None
    folded = [sys.intern(fold(word)) for word in recorded]
    words: dict[str, tuple[str | None, str]] = {}
    for word, key in zip(recorded, folded, strict=True):
        if key not in words:
            look = (_marks(word), word[0].upper())
            words[key] = shared.setdefault(look, look)
    counts = Counter(folded) if len(words) < len(folded) else None
    return _Name(words, counts, folded[0], folded[-1])


def _phrases(value: str | None) -> list[tuple[str, ...]]:
    """The word runs of a recorded school or address a text may repeat: the whole, each
    comma-separated part, each part without a generic first word; two words at least."""
    if not value:
        return []
    found: set[tuple[str, ...]] = set()
    for part in [value, *re.split(r"[,;]", value)]:
        words = tuple(_TOKENS.findall(fold(part)))
        if words and words[0] in _GENERIC_FIRST:
            found.add(words[1:])
        found.add(words)
    return sorted((p for p in found if len(p) >= 2), key=len, reverse=True)


@dataclass(frozen=True)
class _Run:
    first: int
    last: int
    replacement: str


class Masker:
    """Masks the protected people of some cases in every text that leaves the office.

    `cases` maps a case (any key) to its protected people. `mask(text)` masks every name
    of them by the rules of this module; `mask(text, case)` also masks, for a text of
    that case, its people's given names alone, their schools and addresses, and links.
    A name becomes its initials, or `replacement` where not even those may show.
    """

    def __init__(self, cases: Mapping[Hashable, Sequence[Person]] | None = None, *,
                 replacement: str | None = None) -> None:
        self._replacement = replacement
        self._names: list[_Name] = []
        self._by_case: dict[Hashable, tuple[int, ...]] = {}
        self._places: dict[Hashable, list[tuple[tuple[str, ...], str]]] = {}
        # Folded name word → the names holding it, as the bits of an int (name `i` the bit
        # `1 << i`): a run narrows thousands of names sharing a surname word by word, as
        # fast as ANDing a few kilobytes (and they take less room than sets).
        self._word_bits: dict[str, int] = {}
        # … by the marks the word carries in the name ("" for none)
        self._by_marks: dict[str, dict[str, int]] = {}
        self._given: dict[str, int] = {}  # folded given name → names ending with it
        self._surnamed: dict[str, int] = {}  # folded surname → names starting with it
        # The names of each word, … as lists while they are read: each name once, in order.
        by_word: dict[str, list[int]] = {}
        by_marks: dict[str, dict[str, list[int]]] = {}
        given: dict[str, list[int]] = {}
        surnamed: dict[str, list[int]] = {}
        # Two folded words that may stand side by side in a run of one name: any two words
        # of a name.
        self._pairs: set[tuple[str, str]] = set()
        # The same name, school or address recorded for several people is read once and
        # its words held once (a school's pupils, a common name): a year's masker is
        # several times smaller.
        names: dict[str, _Name | None] = {}
        shared: dict[object, Any] = {}
        labelled: dict[tuple[str, str], list[tuple[tuple[str, ...], str]]] = {}
        for key, people in (cases or {}).items():
            ids: set[int] = set()
            found_places: list[list[tuple[tuple[str, ...], str]]] = []
            for person in people:
                if person.full_name not in names:
                    names[person.full_name] = _name(person.full_name, shared)
                name = names[person.full_name]
                if name is not None:
                    name_id = len(self._names)
                    ids.add(name_id)
                    for word, (marks, _letter) in name.words.items():
                        by_word.setdefault(word, []).append(name_id)
                        by_marks.setdefault(word, {}).setdefault(marks or "", []).append(name_id)
                    given.setdefault(name.given, []).append(name_id)
                    surnamed.setdefault(name.surname, []).append(name_id)
                    self._pairs.update(itertools.product(name.words, name.words))
                    self._names.append(name)
                for value, label in ((person.school_class, HIDDEN_SCHOOL),
                                     (person.address, HIDDEN_ADDRESS)):
                    if value:
                        if (value, label) not in labelled:
                            labelled[value, label] = [(p, label) for p in _phrases(value)]
                        if labelled[value, label]:
                            found_places.append(labelled[value, label])
            if ids or found_places:
                self._by_case[key] = tuple(sorted(ids))
                # Longest first; one place's phrases already are, and held once for all.
                self._places[key] = found_places[0] if len(found_places) == 1 else sorted(
                    itertools.chain(*found_places), key=lambda p: len(p[0]), reverse=True)
        self._word_bits = {word: _bits(ids) for word, ids in by_word.items()}
        self._by_marks = {word: {marks: _bits(ids) for marks, ids in found.items()}
                          for word, found in by_marks.items()}
        self._given = {word: _bits(ids) for word, ids in given.items()}
        self._surnamed = {word: _bits(ids) for word, ids in surnamed.items()}
        # Folded words known to play no part in any name (most words of most texts), those
        # that may, and among them those that are names' words run together.
        self._inert: set[str] = set()
        self._relevant: set[str] = set()
        self._run_together: set[str] = set()
        self._joined: dict[str, list[tuple[int, tuple[str, ...]]]] = {}
        self._others: dict[str, str] = {}  # `_mask_other`'s texts, masked

    def protects(self, case: Hashable) -> bool:
        return case in self._by_case

    def case(self, key: Hashable) -> CaseMask:
        return CaseMask(self, key)

    def mask(self, text: str, case: Hashable = None) -> str:
        if not text or (not self._names and case not in self._places):
            return text
        own = self._by_case.get(case)
        if own is None:
            return self._mask_other(text)
        return self._mask_names(self._mask_places(_URL.sub(_url_match, text), case), own)

    # -- names --

    def _mask_other(self, text: str) -> str:
        """A text of a case without protected people. Such texts (offenders' names,
        summaries) repeat across cases: each is masked once while the last `_OTHERS_KEPT`
        are kept (a few MB). A text of one word (a link, a handle) seldom comes again: kept,
        it would push out those that do (a year: 54,526 of 73,840 texts)."""
        if " " not in text:
            return self._mask_names(text, ())
        masked = self._others.get(text)
        if masked is None:
            if len(self._others) >= _OTHERS_KEPT:
                self._others.clear()
            masked = self._others[text] = self._mask_names(text, ())
        return masked

    def _mask_names(self, text: str, own: tuple[int, ...]) -> str:
        """`text` with the names found: tried (`_match_names`) only at the words where a
        run may start (`_starts`)."""
        if not self._names:
            return text
        folded_words = _LETTERS.findall(text.translate(_FOLDS))
        if self._inert.issuperset(folded_words):  # most texts: at C speed
            return text
        for word in set(folded_words).difference(self._inert, self._relevant):
            if word in self._word_bits:
                self._relevant.add(word)
            elif self._split(word):
                self._relevant.add(word)
                self._run_together.add(word)
            else:
                self._inert.add(word)
        if self._relevant.isdisjoint(folded_words):
            return text
        starts = self._starts(folded_words, own)
        return self._match_names(text, own, starts) if starts else text

    def _starts(self, words: list[str], own: tuple[int, ...]) -> list[int]:
        """The words (their indexes) at which `_run_at` may find a run, whatever their
        marks and what stands between them: a name's words run together, a word of the
        case's own names, a name's word after a calling word, or the first of two side by
        side in `_pairs` (uncalled, a run of another case's name holds its surname and
        given name: two of its words side by side)."""
        own_words = set().union(*(self._names[i].words for i in own))
        last = len(words) - 1
        return [index for index, word in enumerate(words) if word in self._relevant and (
            word in self._run_together or word in own_words
            or (index > 0 and words[index - 1] in _CALLING_LAST)
            or (index < last and (word, words[index + 1]) in self._pairs))]

    def _match_names(self, text: str, own: tuple[int, ...],
                     starts: Sequence[int] | None = None) -> str:
        """`text` with every run of a name's words found (`_run_at`) as its initials,
        tried at each word of `starts`, or at every word when None (the reference that
        `_starts` must match)."""
        words = _Text(text, _LETTERS)
        pieces: list[tuple[int, int, str]] = []
        after = 0  # the first word after the last run found
        for index in range(len(words.words)) if starts is None else starts:
            # A word known to play no part in any name starts no run.
            if index < after or words.words[index] in self._inert:
                continue
            run = self._run_at(words, index, own)
            if run is not None:
                pieces.append((words.start(run.first), words.end(run.last), run.replacement))
                after = run.last + 1
        return _replace(text, pieces) if pieces else text

    def _holders(self, words: _Text, index: int) -> int:
        """The names (bits) word `index` is one of the words of, its marks (if typed)
        theirs."""
        by_marks = self._by_marks.get(words.words[index])
        if by_marks is None:
            return 0
        typed = _marks(words.typed(index))
        return self._word_bits[words.words[index]] if typed is None else by_marks.get(typed, 0)

    def _run_at(self, words: _Text, index: int, own: tuple[int, ...]) -> _Run | None:
        """The longest run of one name's words from `index` that holds its given name:
        the names holding every word so far, narrowed word by word."""
        word = words.words[index]
        if word in _SEX_WORDS and _DESCRIBED_SEX.search(words.folded, 0, words.spans[index][0]):
            return None
        for name_id, parts in self._split(word):  # a name's words run together
            if _ONE_SYLLABLE.fullmatch(word) and not self._joined_visibly(
                    words.typed(index), name_id, parts):
                continue
            if name_id in own or self._names[name_id].surname in parts or self._called(
                    words, index):
                return self._run(index, index, name_id, parts)
        names = self._holders(words, index)
        if not names:
            return None
        own_bits = _bits(own)
        # Alone, a given name counts in its own case's texts or after a calling word.
        alone = names & self._given.get(word, 0)
        found = _lowest(alone & own_bits) if alone & own_bits else (
            _lowest(alone) if alone and self._called(words, index) else None)
        best = None if found is None else self._run(index, index, found, (word,))
        run = [word]
        last = index
        # Only names whose given name is a word of the run may stand for it (`_holds`);
        # in another case's texts, without a calling word, only those whose surname is.
        ending, surnamed = self._given.get(word, 0), self._surnamed.get(word, 0)
        while words.name_joined(last + 1):
            names &= self._holders(words, last + 1)
            if not names:
                break
            last += 1
            added = words.words[last]
            run.append(added)
            ending |= self._given.get(added, 0)
            surnamed |= self._surnamed.get(added, 0)
            candidates = names & ending
            if candidates and not self._called(words, index):
                candidates &= surnamed | own_bits
            if candidates:
                held = Counter(run)
                valid = next((i for i in _ids(candidates)
                              if self._holds(i, held, own, words, index)), None)
                if valid is not None:
                    best = self._run(index, last, valid, tuple(run))
        return best

    def _holds(self, name_id: int, held: Counter[str], own: tuple[int, ...], words: _Text,
               index: int) -> bool:
        """Whether a run of `held` words may stand for the name: its given name among them,
        none more often than in the name; in another case's texts, its surname too or a
        calling word before."""
        name = self._names[name_id]
        # Words held once each are never more than the name holds (it holds them all).
        return name.given in held and (held.total() == len(held) or (
            name.counts is not None and held <= name.counts)) and (
            name_id in own or name.surname in held or self._called(words, index))

    def _run(self, first: int, last: int, name_id: int, parts: tuple[str, ...]) -> _Run:
        if self._replacement is not None:
            return _Run(first, last, self._replacement)
        letters = self._names[name_id].words
        return _Run(first, last, "".join(f"{letters[p][1]}." for p in parts))

    def _called(self, words: _Text, index: int) -> bool:
        """A calling word ("em", "học sinh") just before word `index`."""
        called = words.called.get(index)
        if called is None:
            called = words.called[index] = self._calling_word_before(words, index)
        return called

    @staticmethod
    def _calling_word_before(words: _Text, index: int) -> bool:
        for size in range(1, _CALLING_LONGEST + 1):
            first = index - size
            if first < 0:
                return False
            if all(words.phrase_joined(i) for i in range(first + 1, index + 1)) and tuple(
                    words.words[first:index]) in CALLING_WORDS:
                return True
        return False

    def _split(self, word: str) -> list[tuple[int, tuple[str, ...]]]:
        """The names whose words, run together, make up `word` with the given name among
        them (`zuyendang`, `dangthithuyzuyen`): a handle, a slug, a file name."""
        if word in self._joined:
            return self._joined[word]
        found: list[tuple[int, tuple[str, ...]]] = []
        cuts: dict[tuple[str, ...], tuple[str, ...]] = {}  # names sharing a cut share it
        # Cut first into any names' words: few words can be, and only the names holding
        # every word of one of its cuts are worth trying name by name (a cut into a
        # name's own words is one of them), so that a slug is not tried against every
        # name sharing its surname.
        ends = range(1, min(len(word), _LONGEST_SYLLABLE) + 1)
        if (word not in self._word_bits and len(word) <= _LONGEST_JOINED
                and any(word[:k] in self._word_bits for k in ends)
                and any(word[-k:] in self._word_bits for k in ends)):
            for name_id in _ids(self._holding_a_cut(word)):
                name = self._names[name_id]
                if name.given not in word:
                    continue
                parts = _segment(word, name.words)
                if parts and len(parts) > 1 and name.given in parts:
                    found.append((name_id, cuts.setdefault(parts, parts)))
        self._joined[word] = found
        return found

    def _joined_visibly(self, typed: str, name_id: int, parts: tuple[str, ...]) -> bool:
        """Whether a word shaped as one syllable was typed as the name's words run
        together: a capital inside it (`DoAnh`), or exactly the marks of those words
        (`ĐỗAnh`); not `doanh`, `Doanh`, `DOANH`, nor `ngoảnh` (not Ngô Anh's marks)."""
        if typed[1:] != typed[1:].lower() and typed != typed.upper():
            return True
        marks = _marks(typed)
        words = self._names[name_id].words
        return marks is not None and marks == "".join(sorted("".join(
            words[part][0] or "" for part in parts)))

    def _holding_a_cut(self, word: str) -> int:
        """The names (bits) holding every word of some cut of `word` into names' words:
        worked from the end, the names of each tail's cuts found once (no cut is listed)."""
        held = [0] * len(word)
        for start in range(len(word) - 1, -1, -1):
            for end in range(start + 1, min(len(word), start + _LONGEST_SYLLABLE) + 1):
                names = self._word_bits.get(word[start:end], 0)
                if names and end == len(word):
                    held[start] |= names
                elif names and held[end]:
                    held[start] |= names & held[end]
        return held[0]

    # -- schools, addresses --

    def _mask_places(self, text: str, case: Hashable) -> str:
        places = self._places.get(case)
        # A text without the first word of any of the places holds none of them.
        if not places or {phrase[0] for phrase, _label in places}.isdisjoint(
                _TOKENS.findall(text.translate(_FOLDS))):
            return text
        words = _Text(text, _TOKENS)
        pieces: list[tuple[int, int, str]] = []
        index = 0
        while index < len(words.words):
            for phrase, label in places:
                end = index + len(phrase)
                if tuple(words.words[index:end]) == phrase and all(
                        words.phrase_joined(i) for i in range(index + 1, end)):
                    pieces.append((words.start(index), words.end(end - 1), label))
                    index = end
                    break
            else:
                index += 1
        return _replace(text, pieces) if pieces else text


def _bits(ids: Iterable[int]) -> int:
    """`ids` as the bits of an int (`i` the bit `1 << i`)."""
    found = sorted(ids)
    if not found:
        return 0
    raw = bytearray(found[-1] // 8 + 1)
    for i in found:
        raw[i >> 3] |= 1 << (i & 7)
    return int.from_bytes(raw, "little")


def _lowest(bits: int) -> int:
    return (bits & -bits).bit_length() - 1


def _ids(bits: int) -> Iterator[int]:
    """The ids of `bits`, lowest first."""
    while bits:
        low = bits & -bits
        yield low.bit_length() - 1
        bits ^= low


def _url_match(match: re.Match[str]) -> str:
    url = match.group(0)
    tail = len(url) - len(url.rstrip(_URL_TAIL))
    return host_only(url[:len(url) - tail]) + url[len(url) - tail:]


def _segment(word: str, vocabulary: Mapping[str, object]) -> tuple[str, ...] | None:
    """`word` cut into words of `vocabulary` (longest first), or None when it cannot be:
    worked from the end, each tail's cut once."""
    tails: list[tuple[str, ...] | None] = [None] * len(word) + [()]
    for start in range(len(word) - 1, -1, -1):
        for size in range(min(len(word) - start, _LONGEST_SYLLABLE), 0, -1):
            rest = tails[start + size]
            if rest is not None and word[start:start + size] in vocabulary:
                # The vocabulary's words are interned (`_name`): held once.
                tails[start] = (sys.intern(word[start:start + size]), *rest)
                break
    return tails[0]


@dataclass(frozen=True)
class CaseMask:
    """The masking of one case's texts: its people's names, places and links."""

    masker: Masker
    key: Hashable

    @property
    def protected(self) -> bool:
        return self.masker.protects(self.key)

    def text(self, value: str) -> str:
        return self.masker.mask(value, self.key)

    def url(self, value: str | None) -> str:
        if not value:
            return ""
        return self.text(host_only(value)) if self.protected else self.masker.mask(value)

    def account(self, value: str | None, platform: str) -> str:
        if not value:
            return ""
        return hidden_account(platform) if self.protected else self.masker.mask(value)


def child_person(child: ChildInput) -> Person:
    return Person(child.full_name, child.birth_year, child.birth_date, child.sex,
                  child.school_class, child.address)


def minor_offender(data: CaseInput) -> Person | None:
    """The offender when a person under 16 at the act (`CaseInput.act_date`)."""
    act = data.act_date
    if not data.offender_name or data.offender_kind is PartyKind.ORGANISATION or act is None:
        return None
    person = Person(data.offender_name, data.offender_birth_year, data.offender_birth_date)
    return as_minor(person, act.day)


def people_in(data: CaseInput) -> CasePeople:
    """The protected people of a case as recorded."""
    act = data.act_date
    return CasePeople(tuple(child_person(c) for c in data.children), minor_offender(data),
                      act.day if act else None)
