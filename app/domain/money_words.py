"""Amounts in words, as a sanction decision writes them beside the figures:
`7.500.000 đồng (Bảy triệu năm trăm nghìn đồng)`.

How the digits are read (the reading of administrative and accounting documents):
- a zero tens digit before a units digit is `linh` (`một trăm linh năm`), not `lẻ`;
- 10–19 are `mười …`, tens from 20 on are `… mươi`;
- 1 after a tens digit of 2 or more is `mốt` (`hai mươi mốt`), `một` elsewhere;
- 5 after any tens digit is `lăm` (`mười lăm`, `hai mươi lăm`), `năm` elsewhere;
- 4 stays `bốn` everywhere (`hai mươi bốn`): `tư` is a regional variant, `bốn` is read the
  same in every province and is the digit's own name;
- a group of three digits under a higher group is read in full, its zero hundreds
  included (`một triệu không trăm linh năm`); a group of zeros is left out;
- groups are `nghìn`, `triệu`, `tỷ`, and above a `tỷ` the reading starts again
  (`hai nghìn tỷ`).
"""

from __future__ import annotations

from app.text import format_money

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
GROUPS = ("", "nghìn", "triệu")  # within a tỷ
BILLION = "tỷ"
_ONE_BILLION = 1_000_000_000


def _units(tens: int, units: int) -> str:
    """The units digit after a tens digit (`tens` 0 means none was read: `linh`)."""
    if units == 1 and tens >= 2:
        return "mốt"
    if units == 5 and tens >= 1:
        return "lăm"
    return DIGITS[units]


def _group(value: int, full: bool) -> list[str]:
    """Three digits; `full` when a higher group was read, so its zero hundreds are said."""
    hundreds, tens, units = value // 100, value // 10 % 10, value % 10
    words: list[str] = []
    if hundreds or full:
        words += [DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units and words:
            words.append("linh")
    elif tens == 1:
        words.append("mười")
    else:
        words += [DIGITS[tens], "mươi"]
    if units:
        words.append(_units(tens, units))
    return words


def _below_billion(value: int, full: bool) -> list[str]:
    """0 < value < 10⁹; `full` when a higher group (a tỷ) was read."""
    words: list[str] = []
    for power in (2, 1, 0):
        group = value // 1000**power % 1000
        if group:
            words += _group(group, full or bool(words))
            if GROUPS[power]:
                words.append(GROUPS[power])
    return words


def _words(value: int, full: bool = False) -> list[str]:
    billions, rest = divmod(value, _ONE_BILLION)
    words: list[str] = []
    if billions:
        words += [*_words(billions), BILLION]
    if rest:
        words += _below_billion(rest, full or bool(billions))
    return words


def in_words(value: int) -> str:
    """`15500000` → `mười lăm triệu năm trăm nghìn`; 0 → `không`."""
    if value < 0:
        raise ValueError(f"a negative number has no reading as an amount: {value}")
    return " ".join(_words(value)) if value else DIGITS[0]


def amount_in_words(amount: int) -> str:
    """`Bảy triệu năm trăm nghìn đồng`: the words of an amount, capitalised."""
    words = f"{in_words(amount)} đồng"
    return words[0].upper() + words[1:]


def amount_in_figures_and_words(amount: int) -> str:
    """`7.500.000 đồng (Bảy triệu năm trăm nghìn đồng)`."""
    return f"{format_money(amount)} ({amount_in_words(amount)})"
