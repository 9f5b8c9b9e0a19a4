"""Units: the offices that number cases, by their administrative code (shared/spec/exchange.md).

Case codes are unique within the unit that numbered them: a register holds this office's
cases and, imported or received, other units' cases under their own codes. Where a code is
typed (the command line's `--case`, `attach CODE`), `UNIT/CODE` names another unit's case;
a bare code names this office's case, or the one other unit's case of that code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.errors import UserError

# Quyết định 19/2025/QĐ-TTg (Bảng danh mục và mã số các đơn vị hành chính Việt Nam):
# a province-level unit has a code of 2 digits, a commune, ward or special zone one of 5
# digits; a code is never given again to another unit.
PROVINCE_CODE_DIGITS = 2
COMMUNE_CODE_DIGITS = 5
_UNIT_CODE = re.compile(rf"\d{{{PROVINCE_CODE_DIGITS}}}|\d{{{COMMUNE_CODE_DIGITS}}}")

# Stored as a case's unit while this office has no code yet: "this office". Setting the
# office's code gives it to those cases (`services/units.py`).
THIS_OFFICE = ""
# Between a unit's code and a case code, where a case of another unit is named.
REF_SEPARATOR = "/"
UNIT_HEADER = "Đơn vị"  # the case list's column of the unit that numbered each case


def unit_code_problem(code: str) -> str | None:
    """Why `code` is not a unit's administrative code, or None."""
    if _UNIT_CODE.fullmatch(code):
        return None
    return (f"Mã đơn vị «{code}» không đúng: mã đơn vị hành chính gồm "
            f"{COMMUNE_CODE_DIGITS} chữ số với xã, phường, đặc khu hoặc "
            f"{PROVINCE_CODE_DIGITS} chữ số với tỉnh, thành phố (Quyết định 19/2025/QĐ-TTg), "
            "ví dụ 00004 hoặc 01.")


def checked_unit_code(text: str) -> str:
    """`text` as a unit's code, or a refusal saying what is expected."""
    code = text.strip()
    if (problem := unit_code_problem(code)) is not None:
        raise UserError(problem, field="unit_code")
    return code


@dataclass(frozen=True)
class Unit:
    """An office as other offices know it: its administrative code and its name."""

    code: str
    name: str


def split_ref(text: str) -> tuple[str, str] | None:
    """`12345/VV2026-00001` as unit 12345 and its case code; None when the part before the
    first `/` is no unit's code. A case code may hold `/` itself (`00001/2026`): where a
    text is both, the case of that whole code comes first (`services/units.py`)."""
    unit, separator, code = text.strip().partition(REF_SEPARATOR)
    if separator and code and unit_code_problem(unit) is None:
        return unit, code
    return None


def case_ref(unit: str, code: str, own_unit: str) -> str:
    """How a case is named where codes are typed or printed: this office's by its code,
    another unit's as `UNIT/CODE`."""
    return code if unit in (own_unit, THIS_OFFICE) else f"{unit}{REF_SEPARATOR}{code}"


def case_heading(code: str, unit: str, own_unit: str) -> str:
    """A case's title (the editor's): another unit's case names its unit."""
    if unit in (own_unit, THIS_OFFICE):
        return f"Vụ việc {code}"
    return f"Vụ việc {code} ({UNIT_HEADER.lower()} {unit})"
