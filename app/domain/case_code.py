"""The automatic case code in plain parts: text in front, the year, the number of the case
in its year with so many digits, text at the end (`VV2026-00001`, `001/2026/MXH`).

The office setting keeps them as one pattern, `VV{year}-{seq:05d}`, which the numbering
fills (`app.services.numbering`); the window shows and edits the parts.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from enum import StrEnum

from app.errors import UserError

MAX_DIGITS = 8
# `{seq}` unpadded, or `{seq:05d}`: zero-padded to that many digits.
_SEQ_SPEC = re.compile(r"0([1-9])d|d?")
_YEAR_SPECS = frozenset({"", "d", "4d", "04d"})  # each writes the year as its four digits


class YearPlace(StrEnum):
    BEFORE = "before"  # VV2026-00001
    AFTER = "after"  # 00001/2026
    NONE = "none"  # VV-00001: the numbers go on from one year to the next


YEAR_PLACE_LABELS: dict[YearPlace, str] = {
    YearPlace.BEFORE: "Năm, rồi số thứ tự",
    YearPlace.AFTER: "Số thứ tự, rồi năm",
    YearPlace.NONE: "Không ghi năm",
}


@dataclass(frozen=True)
class CaseCodeParts:
    """`prefix`, the year and the number in the order `year` says, `between` them, then
    `suffix`; `digits` pads the number with zeros (1: no padding)."""

    prefix: str = "VV"
    year: YearPlace = YearPlace.BEFORE
    between: str = "-"
    digits: int = 5
    suffix: str = ""

    @property
    def pattern(self) -> str:
        seq = "{seq}" if self.digits <= 1 else f"{{seq:0{self.digits}d}}"
        fields = {YearPlace.BEFORE: ("{year}", seq), YearPlace.AFTER: (seq, "{year}"),
                  YearPlace.NONE: (seq,)}[self.year]
        return (_escaped(self.prefix) + _escaped(self.between).join(fields)
                + _escaped(self.suffix))

    def example(self, year: int, number: int = 1) -> str:
        return self.pattern.format(year=year, seq=number)

    @classmethod
    def parse(cls, pattern: str) -> CaseCodeParts:
        """The parts of a stored pattern; a pattern they cannot say is refused."""
        try:
            pieces = list(string.Formatter().parse(pattern))
        except ValueError:
            raise _unusable() from None
        texts = [""]  # the text before each field and after the last
        fields: list[tuple[str, str, str | None]] = []
        for literal, name, spec, conversion in pieces:
            texts[-1] += literal  # `{{` splits a text in two pieces
            if name is not None:
                fields.append((name, spec or "", conversion))
                texts.append("")
        names = [name for name, _, _ in fields]
        if (not set(names) <= {"seq", "year"} or len(set(names)) < len(names)
                or any(conversion for _, _, conversion in fields)):
            raise _unusable()
        if "seq" not in names:
            raise UserError("Mẫu mã vụ việc phải có số thứ tự của vụ việc (ví dụ VV2026-00001).",
                            field="case_code_pattern")
        digits = 0
        for name, spec, _ in fields:
            if name == "year" and spec not in _YEAR_SPECS:
                raise _unusable()
            if name == "seq":
                match = _SEQ_SPEC.fullmatch(spec)
                if match is None:
                    raise _unusable()
                digits = int(match.group(1) or 1)
        if len(fields) == 1:
            return cls(texts[0], YearPlace.NONE, "", digits, texts[1])
        year = YearPlace.BEFORE if names[0] == "year" else YearPlace.AFTER
        return cls(texts[0], year, texts[1], digits, texts[2])

    def validate(self) -> None:
        if not 1 <= self.digits <= MAX_DIGITS:
            raise UserError(f"Số thứ tự trong mã vụ việc có từ 1 đến {MAX_DIGITS} chữ số.",
                            field="case_code_pattern")


def check_pattern(pattern: str) -> None:
    CaseCodeParts.parse(pattern).validate()


def _escaped(text: str) -> str:
    """Literal text in a pattern: its braces doubled."""
    return text.replace("{", "{{").replace("}", "}}")


def _unusable() -> UserError:
    return UserError("Mẫu mã vụ việc không dùng được: mã chỉ gồm chữ ở đầu, năm, số thứ tự và "
                     "chữ ở cuối (ví dụ VV2026-00001).", field="case_code_pattern")


def typed_codes(text: str) -> list[str]:
    """Case codes typed on one line, separated by commas, semicolons or spaces (a code
    holds none of them)."""
    return [code for code in re.split(r"[,;\s]+", text) if code]
