"""The columns of the case list, declared once: the window shows them, the "export current
view" writes them and the printout lays them out. A column of a case field is headed by its
label."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from app.domain.fields import BY_KEY
from app.domain.labels import STATUS_LABELS, UNIDENTIFIED_SHORT
from app.domain.units import UNIT_HEADER
from app.domain.vocabulary import VocabList, Vocabulary
from app.services.search import CaseRow, SortKey
from app.text import format_date


class Align(StrEnum):
    LEFT = "left"
    CENTER = "center"
    RIGHT = "right"


@dataclass(frozen=True)
class ListColumn:
    key: str
    header: str
    text: Callable[[CaseRow, Vocabulary], str]
    sort: SortKey | None = None
    align: Align = Align.LEFT
    width: int = 120  # pixels on screen; Excel widths and the printout's shares derive from it
    unbroken: bool = False  # a code, a date, a status: printed on one line, the column sized to it


UNIT_COLUMN = "unit"


def _offender(row: CaseRow, _v: Vocabulary) -> str:
    return row.offender_name or UNIDENTIFIED_SHORT


LIST_COLUMNS: tuple[ListColumn, ...] = (
    ListColumn("code", BY_KEY["code"].label, lambda r, v: r.code, SortKey.CODE, unbroken=True),
    ListColumn("detected_on", BY_KEY["detected_on"].label, lambda r, v: format_date(r.detected_on),
               SortKey.DETECTED, Align.CENTER, 105, unbroken=True),
    ListColumn("platform", BY_KEY["platform_code"].label,
               lambda r, v: v.label(VocabList.PLATFORM, r.platform_code), SortKey.PLATFORM,
               width=95),
    ListColumn("group", BY_KEY["group_code"].label,
               lambda r, v: v.label(VocabList.GROUP, r.group_code), SortKey.GROUP, width=170),
    ListColumn("account", BY_KEY["account"].label, lambda r, v: r.account, SortKey.ACCOUNT,
               width=165),
    ListColumn("offender", "Đối tượng", _offender, SortKey.OFFENDER, width=150),
    ListColumn("summary", BY_KEY["summary"].label, lambda r, v: r.summary, width=330),
    ListColumn("area", BY_KEY["area"].label, lambda r, v: r.area or "", SortKey.AREA, width=110),
    ListColumn("status", "Tình trạng", lambda r, v: STATUS_LABELS[r.status], SortKey.CLOSED,
               width=95, unbroken=True),
    ListColumn("closed_on", "Ngày kết thúc", lambda r, v: format_date(r.closed_on),
               SortKey.CLOSED, Align.CENTER, 105, unbroken=True),
    ListColumn("url", BY_KEY["url"].label, lambda r, v: r.url or "", width=220),
    # Shown only while the register holds other units' cases (`units.holds_other_units`).
    ListColumn(UNIT_COLUMN, UNIT_HEADER, lambda r, v: r.unit_code, width=70, unbroken=True),
)
DEFAULT_VISIBLE = ("code", "detected_on", "platform", "group", "account", "offender",
                   "summary", "status")
