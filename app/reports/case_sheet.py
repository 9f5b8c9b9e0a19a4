"""What the printout of one case shows, as plain data: `services.case_sheet` builds it
from the case (children masked unless a leader chose otherwise), `case_sheet_pdf` lays
it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True)
class Fact:
    label: str
    value: str


@dataclass(frozen=True)
class Block:
    """A titled group of facts: one child, one offended party."""

    title: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class SheetEvent:
    day: date
    kind: str
    details: str
    officer: str
    voided: bool


@dataclass(frozen=True)
class SheetFile:
    name: str
    kind: str
    size: int
    sha256: str
    added: str  # `dd/mm/yyyy, <người thêm>`
    extra: str  # source link and note, when recorded


@dataclass(frozen=True)
class CaseSheet:
    """What the printout shows, children already masked unless `children_unmasked`."""

    code: str
    status: str
    general: tuple[Fact, ...]
    offender: tuple[Fact, ...]
    defamed: tuple[Block, ...] | None  # None: not a defamation case
    children: tuple[Block, ...] | None  # None: not a case about children
    children_unmasked: bool
    events: tuple[SheetEvent, ...]
    evidence: tuple[SheetFile, ...]
    printed_at: datetime
    printed_by: str  # full name
    printed_account: str  # `canbo, Cán bộ`
