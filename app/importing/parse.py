"""A cell of an import file → a typed value, or a Vietnamese message saying what is expected.

Dates come as date cells or as text in the forms Vietnamese offices type, read as the
window reads them (`app.text.parse_date`: `05/02/2026`, `5-2-2026`, `ngày 5 tháng 2 năm
2026`, `2026-02-05`); numbers as numbers or text with `.` thousand separators
(`7.500.000`). Text is NFC and trimmed.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Mapping
from datetime import date, datetime

from app.domain.case import ChildInput
from app.domain.labels import DECISION_TIME_LABELS, PARTY_LABELS, ClosingResult, SanctionForm, Sex
from app.domain.vocabulary import BUILTIN, VocabList, Vocabulary
from app.errors import UserError
from app.importing.columns import YES_NO, Column, Parse, either
from app.importing.reader import Cell
from app.text import EXAMPLE_DATE, clean, fold, format_date, parse_date


class CellError(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


_GROUPED = re.compile(r"([+-]?)(\d{1,3}(?:\.\d{3})+|\d+)(?:,0+)?")
_DECIMAL = re.compile(r"[+-]?\d[\d.]*[.,]\d+")
_MONEY_WORDS = re.compile(r"\s*(dong|vnd|d)$")
_CHILD = re.compile(r"(?P<name>[^()]*?)\s*(?:\((?P<info>[^()]*)\))?")


def read_text(value: Cell) -> str | None:
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime) and value.time() == datetime.min.time():
        return format_date(value.date())
    if isinstance(value, date) and not isinstance(value, datetime):
        return format_date(value)
    return clean(str(value))


def read_date(value: Cell) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        raise CellError(f"Ô chứa «{read_text(value)}», không phải ngày: cần ngày dạng dd/mm/yyyy, "
                        f"ví dụ {EXAMPLE_DATE} (hoặc một ô định dạng ngày).")
    try:
        return parse_date(value)
    except UserError as exc:
        raise CellError(exc.message) from exc


def read_integer(value: Cell) -> int | None:
    """A whole number; its sign and range are the rules' business, not the reader's."""
    if isinstance(value, bool | date):
        raise CellError(f"«{read_text(value)}» không phải là số: cần một số nguyên, ví dụ "
                        "7.500.000.")
    if isinstance(value, int | float):
        if not float(value).is_integer():
            raise CellError(f"«{value}» có phần lẻ: cần một số nguyên.")
        return int(value)
    shown = clean(str(value))
    if shown is None:
        return None
    text = _MONEY_WORDS.sub("", fold(shown)).replace(" ", "")
    if match := _GROUPED.fullmatch(text):
        return int(match.group(1) + match.group(2).replace(".", ""))
    if _DECIMAL.fullmatch(text):
        raise CellError(f"«{shown}» không phải số nguyên: dấu chấm chỉ dùng để phân cách hàng "
                        "nghìn (7.500.000), không ghi phần lẻ.")
    raise CellError(f"«{shown}» không phải là số: cần một số nguyên, ví dụ 7.500.000.")


def read_year(value: Cell) -> int | None:
    if isinstance(value, str) and (text := clean(value)) and not text.isdigit():
        raise CellError(f"«{text}» không phải là năm: cần năm có 4 chữ số, ví dụ 1990.")
    try:
        return read_integer(value)
    except CellError as exc:
        raise CellError(f"«{read_text(value)}» không phải là năm: cần năm có 4 chữ số, "
                        "ví dụ 1990.") from exc


def split_list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]


# Fixed choices, keyed by the label a file carries; compared folded.
CHOICES: dict[Parse, dict[str, object]] = {
    Parse.SEX: {str(s): s for s in Sex},
    Parse.SANCTION_FORM: {str(f): f for f in SanctionForm},
    Parse.CLOSING_RESULT: {str(r): r for r in ClosingResult},
    Parse.DECISION_TIME: {label: time for time, label in DECISION_TIME_LABELS.items()},
    Parse.PARTY_KIND: {label: kind for kind, label in PARTY_LABELS.items()},
    Parse.YES_NO: dict(YES_NO),
}
# What a hand-kept register also writes for yes/no.
_YES_NO_ALIASES = {"x": True, "da": True, "chua": False}


def choice_label(parse: Parse, value: object) -> str:
    for label, choice in CHOICES[parse].items():
        if choice == value:
            return label
    raise KeyError(value)


def _folded_choices(parse: Parse) -> dict[str, object]:
    folded = {fold(label): value for label, value in CHOICES[parse].items()}
    if parse is Parse.YES_NO:
        folded.update(_YES_NO_ALIASES)
    return folded


class CellReader:
    """Reads cells for one import: code lists and legal bases looked up once, not per cell."""

    def __init__(self, vocabulary: Vocabulary, citations: Mapping[str, int]) -> None:
        self._codes = {name: _code_lookup(vocabulary, name) for name in VocabList}
        self._citations = {_citation_key(text): id_ for text, id_ in citations.items()}
        self._choices = {parse: _folded_choices(parse) for parse in CHOICES}

    def reader_for(self, column: Column) -> Callable[[Cell], object]:
        """A function reading a non-empty cell of `column` (None if it holds only spaces)."""
        if column.vocabulary is not None:
            code = self._code_reader(column.vocabulary)
            return code if column.parse is Parse.CODE else functools.partial(_code_list, code)
        if column.parse in CHOICES:
            return functools.partial(self._choice, column.parse)
        readers: dict[Parse, Callable[[Cell], object]] = {
            Parse.TEXT: read_text, Parse.DATE: read_date, Parse.INTEGER: read_integer,
            Parse.YEAR: read_year, Parse.CHILDREN: self._children,
            Parse.LEGAL_BASES: self._legal_bases,
        }
        return readers[column.parse]

    def _code_reader(self, name: VocabList) -> Callable[[Cell], str | None]:
        lookup = self._codes[name]
        # A register repeats a handful of labels: each distinct text is folded once.
        seen: dict[str, str | None] = {}

        def read(value: Cell) -> str | None:
            if isinstance(value, str) and value in seen:
                return seen[value]
            text = read_text(value)
            # An unknown code or label goes on as typed: the case rules name it and list
            # the codes.
            code = None if text is None else lookup.get(fold(text), text)
            if isinstance(value, str):
                seen[value] = code
            return code

        return read

    def _choice(self, parse: Parse, value: Cell) -> object:
        if isinstance(value, bool) and parse is Parse.YES_NO:
            return value
        text = read_text(value)
        if text is None:
            return None
        found = self._choices[parse].get(fold(text))
        if found is None:
            raise CellError(f"«{text}» không hợp lệ: chỉ ghi {either(CHOICES[parse])}.")
        return found

    def _children(self, value: Cell) -> tuple[ChildInput, ...] | None:
        text = read_text(value)
        if text is None:
            return None
        return tuple(self._child(part) for part in split_list(text))

    def _child(self, part: str) -> ChildInput:
        match = _CHILD.fullmatch(part)
        if match is None:
            raise CellError(f"Không đọc được «{part}»: ghi họ tên, sau đó có thể ghi (năm sinh, "
                            "nam/nữ), ví dụ «Trần Thị Bé (2014, nữ)».")
        year: int | None = None
        sex: Sex | None = None
        for item in (i.strip() for i in (match.group("info") or "").split(",")):
            said = self._choices[Parse.SEX].get(fold(item))
            if re.fullmatch(r"\d{4}", item) and year is None:
                year = int(item)
            elif isinstance(said, Sex) and sex is None:
                sex = said
            elif item:
                raise CellError(f"Trẻ em «{match.group('name')}»: không hiểu «{item}» trong "
                                "ngoặc; ghi (năm sinh, nam/nữ), ví dụ (2014, nữ).")
        return ChildInput(full_name=match.group("name"), birth_year=year, sex=sex)

    def _legal_bases(self, value: Cell) -> tuple[int, ...] | None:
        text = read_text(value)
        if text is None:
            return None
        ids: list[int] = []
        for part in split_list(text):
            found = self._citations.get(_citation_key(part))
            if found is None:
                raise CellError(f"Căn cứ «{part}» không có trong danh mục căn cứ pháp lý của "
                                "chương trình: ghi như trong danh mục, ví dụ «Điểm a Khoản 1 "
                                "Điều 95 NĐ 174/2026/NĐ-CP».")
            ids.append(found)
        return tuple(ids)


def _code_list(code: Callable[[Cell], str | None], value: Cell) -> tuple[str, ...] | None:
    text = read_text(value)
    if text is None:
        return None
    return tuple(c for c in (code(part) for part in split_list(text)) if c)


def _code_lookup(vocabulary: Vocabulary, name: VocabList) -> dict[str, str]:
    """Folded code or label → code, as `Vocabulary.resolve` matches them, plus the labels of
    shared/spec/vocabulary.md, which files from other offices carry even where this
    office has renamed an entry."""
    lookup: dict[str, str] = {}
    entries = vocabulary.entries(name, include_inactive=True)
    for code, label in BUILTIN.get(name, ()):
        if vocabulary.has(name, code):
            lookup[fold(label)] = code
    for entry in entries:
        lookup[fold(entry.label)] = entry.code
    for entry in entries:
        lookup[fold(entry.code)] = entry.code
    return lookup


def _citation_key(text: str) -> str:
    # Not folded: `Điểm đ` and `Điểm d` are different points of the same article.
    return " ".join((clean(text) or "").casefold().split())

