"""Warnings shown while an officer records a case: the rules that need no database, and the
legal figures they rest on, each kept once here with its source (the clocks and the
lock-request windows with theirs in `app.domain.deadlines`; the fining limits of the
authorities are data of the legal catalog, `app.domain.legal`).

A warning says what looks wrong and what the officer may do; it never blocks saving.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Protocol

from app.domain.case import ActDate
from app.domain.deadlines import (
    LOCK_BASIS,
    LONG_LOCK_WINDOW,
    SHORT_LOCK_WINDOW,
    AccountOverThreshold,
    limitation_date,
)
from app.domain.labels import PARTY_LABELS, PartyKind, SanctionForm
from app.domain.legal import AuthorityLimit
from app.domain.protection import age_on
from app.domain.vocabulary import EventKind
from app.text import format_date, format_money


class WarningKind(StrEnum):
    REPEAT_OFFENDER = "repeat_offender"
    LOCK_THRESHOLD = "lock_threshold"
    LIMITATION = "limitation"
    FINE_RANGE = "fine_range"
    PROVISION_NOT_IN_FORCE = "provision_not_in_force"
    MINOR = "minor"
    ABOVE_CHAIRMAN_LIMIT = "above_chairman_limit"
    DECISION_OVERDUE = "decision_overdue"  # app.domain.sanctions


@dataclass(frozen=True)
class CaseRef:
    """Another case a warning links to."""

    id: int
    code: str
    detected_on: date


@dataclass(frozen=True)
class CaseWarning:
    kind: WarningKind
    message: str
    field: str  # the field of the case, or of the event, it concerns
    related: tuple[CaseRef, ...] = ()
    # The position of the event it concerns in the events the editor passed in.
    event_index: int | None = None


@dataclass(frozen=True)
class MinorBand:
    under: int  # ages at the act below this and at or above the previous band's
    sanctionable: bool
    fine_share: float  # of the fine for an adult: 0 means no fine at all
    rule: str


# Luật Xử lý vi phạm hành chính (Điều 5, 134), marked "to confirm" in the domain notes:
# the ages and the share live here and nowhere else.
MINOR_BANDS: tuple[MinorBand, ...] = (
    MinorBand(14, False, 0.0, "người dưới 14 tuổi không bị xử phạt vi phạm hành chính"),
    MinorBand(16, True, 0.0, "người từ đủ 14 đến dưới 16 tuổi chỉ bị phạt cảnh cáo"),
    MinorBand(18, True, 0.5, "người từ đủ 16 đến dưới 18 tuổi chỉ bị phạt tiền không quá 1/2 "
                             "mức phạt đối với người thành niên"),
)
MINOR_BASIS = "Luật Xử lý vi phạm hành chính"


class EventView(Protocol):
    """What the rules read of an event, recorded (`EventRecord`) or being typed (`EventInput`)."""

    @property
    def kind(self) -> str: ...
    @property
    def occurred_on(self) -> date | None: ...
    @property
    def sanction_form(self) -> SanctionForm | None: ...
    @property
    def fine_amount(self) -> int | None: ...


def fine_of(event: EventView) -> int | None:
    """The amount of a fine decision, or None for any other event."""
    if event.kind == EventKind.SANCTION and event.sanction_form is SanctionForm.FINE:
        return event.fine_amount
    return None


def _party(party: PartyKind) -> str:
    return PARTY_LABELS[party].lower()


def _when(event: EventView) -> str:
    return f"ngày {format_date(event.occurred_on)}" if event.occurred_on else "chưa ghi ngày"


@dataclass(frozen=True)
class OffenderAge:
    years: int  # on the act's date; the younger possible age when only the year is known
    exact: bool
    field: str


def offender_age(birth_date: date | None, birth_year: int | None,
                 on: date) -> OffenderAge | None:
    years = age_on(birth_date, birth_year, on)
    if years is None:
        return None
    exact = birth_date is not None
    return OffenderAge(years, exact, "offender_birth_date" if exact else "offender_birth_year")


def minor_band(years: int) -> MinorBand | None:
    return next((band for band in MINOR_BANDS if years < band.under), None)


def minor_warning(age: OffenderAge, act: ActDate,
                  events: Mapping[int, EventView]) -> CaseWarning | None:
    """An offender under 18 at the act (`age` on `act.day`), and the first decision that does
    not fit that age.

    `events` are keyed by their position in the editor, to point at the one concerned.
    """
    band = minor_band(age.years)
    if band is None:
        return None
    years = (f"{age.years} tuổi" if age.exact
             else f"có thể mới {age.years} tuổi (chỉ biết năm sinh)")
    message = (f"Đối tượng {years} vào ngày vi phạm {act.shown}: {band.rule} theo "
               f"{MINOR_BASIS} (cần xác nhận).")
    if not band.sanctionable:
        wrong = [i for i, e in events.items() if e.kind == EventKind.SANCTION]
        if wrong:
            message += " Quyết định xử phạt đã ghi không phù hợp với độ tuổi."
        message += " Có thể nhắc nhở, thông báo cho gia đình hoặc chuyển cơ quan bảo vệ trẻ em."
    elif band.fine_share == 0:
        wrong = [i for i, e in events.items() if fine_of(e) is not None]
        if wrong:
            message += (f" Quyết định {_when(events[wrong[0]])} ghi phạt tiền: chỉ được chọn "
                        "Cảnh cáo.")
    else:
        wrong = []
        message += " Khung tiền phạt được kiểm tra theo mức này."
    return CaseWarning(WarningKind.MINOR, message, age.field,
                       event_index=wrong[0] if wrong else None)


def chairman_limit_warning(index: int, event: EventView,
                           limit: AuthorityLimit) -> CaseWarning | None:
    """A fine above the commune chairman's limit for the offender's kind of party (the
    limit in force on the date the caller chose, from the legal catalog)."""
    amount = fine_of(event)
    if amount is None or amount <= limit.max_fine:
        return None
    basis = f"{limit.basis}, cần xác nhận" if limit.to_confirm else limit.basis
    return CaseWarning(
        WarningKind.ABOVE_CHAIRMAN_LIMIT,
        f"Tiền phạt {format_money(amount)} ({_when(event)}) vượt thẩm quyền phạt tiền của Chủ "
        f"tịch UBND cấp xã: tối đa {format_money(limit.max_fine)} đối với "
        f"{_party(limit.party)} ({basis}). Hãy chuyển người có thẩm quyền xử phạt (biện pháp "
        "«Chuyển người có thẩm quyền xử phạt») hoặc kiểm tra lại số tiền.",
        "fine_amount", event_index=index)


@dataclass(frozen=True)
class FineRange:
    """A provision's range for the offender's kind of party."""

    citation: str
    low: int
    high: int
    to_confirm: bool


def fine_range_warning(index: int, event: EventView, ranges: Sequence[FineRange],
                       party: PartyKind, share: float = 1.0) -> CaseWarning | None:
    """A fine outside the range of the chosen provisions; several provisions are several
    violations, each fined, so the amounts add up."""
    amount = fine_of(event)
    if amount is None or not ranges:
        return None
    low = round(sum(r.low for r in ranges) * share)
    high = round(sum(r.high for r in ranges) * share)
    if low <= amount <= high:
        return None
    citations = "; ".join(r.citation for r in ranges)
    scope = "tổng các khung" if len(ranges) > 1 else "khung"
    notes = []
    if share != 1.0:
        ratio = f"{share:g}".replace(".", ",")
        notes.append(f"đã nhân {ratio} vì đối tượng chưa thành niên, cần xác nhận")
    notes.extend(f"khung của {r.citation} cần xác nhận" for r in ranges if r.to_confirm)
    note = f" ({'; '.join(notes)})" if notes else ""
    side = "thấp hơn" if amount < low else "cao hơn"
    return CaseWarning(
        WarningKind.FINE_RANGE,
        f"Tiền phạt {format_money(amount)} ({_when(event)}) {side} {scope} "
        f"{format_money(low)} – {format_money(high)} đối với {_party(party)} theo {citations}"
        f"{note}. Hãy kiểm tra lại số tiền, căn cứ đã chọn hoặc loại đối tượng "
        "(cá nhân hay tổ chức).",
        "fine_amount", event_index=index)


def provision_date_warning(index: int, citation: str, valid_from: date | None,
                           valid_to: date | None, act: ActDate) -> CaseWarning:
    """A chosen provision not in force on the act's date (the caller has checked)."""
    if valid_from is not None and act.day < valid_from:
        span = f"chỉ có hiệu lực từ ngày {format_date(valid_from)}"
    else:
        span = f"đã hết hiệu lực sau ngày {format_date(valid_to)}"
    check = ("hãy ghi ngày đăng tải của thông tin rồi kiểm tra lại căn cứ đã chọn"
             if act.stand_in else "hãy kiểm tra ngày đăng tải và căn cứ đã chọn")
    return CaseWarning(
        WarningKind.PROVISION_NOT_IN_FORCE,
        f"{citation} {span}, còn hành vi kết thúc ngày {act.shown}. Hành vi được xử lý theo "
        f"quy định có hiệu lực khi hành vi kết thúc: {check}.",
        "legal_bases", event_index=index)


def lock_threshold_warning(counts: AccountOverThreshold) -> CaseWarning:
    """The account of the case is over the lock-request threshold (the caller has checked)."""
    short, long = SHORT_LOCK_WINDOW, LONG_LOCK_WINDOW
    return CaseWarning(
        WarningKind.LOCK_THRESHOLD,
        f"Tài khoản «{counts.account}» có {counts.cases_30_days} vụ việc trong {short.days} "
        f"ngày và {counts.cases_90_days} vụ việc trong {long.days} ngày gần nhất (theo ngày "
        f"phát hiện): đạt ngưỡng tạm khóa ({short.cases} lần trong {short.days} ngày hoặc "
        f"{long.cases} lần trong {long.days} ngày, {LOCK_BASIS}). Việc yêu cầu nền tảng khóa "
        "do Bộ hoặc Sở thực hiện: có thể gửi văn bản đề nghị lên Sở (hoặc Cục Phát thanh, "
        "truyền hình và thông tin điện tử) và ghi biện pháp đề nghị khóa (mã KTK).",
        "account")


def limitation_warning(act: ActDate, warning_days: int,
                       today: date) -> CaseWarning | None:
    """The limitation date within `warning_days`, or passed."""
    ends_on = limitation_date(act.day)
    left = (ends_on - today).days
    if left > warning_days:
        return None
    basis = f"1 năm từ ngày hành vi kết thúc {act.shown}"
    if act.stand_in:
        basis += "; có thể hết sớm hơn nếu thông tin đã đăng trước đó"
    if left < 0:
        message = (f"Đã hết thời hiệu xử phạt từ sau ngày {format_date(ends_on)} ({basis}): "
                   "không còn ra quyết định xử phạt được. Có thể kết thúc hồ sơ với kết quả "
                   "«Hết thời hiệu».")
    else:
        remaining = "hôm nay là ngày cuối" if left == 0 else f"còn {left} ngày"
        message = (f"Thời hiệu xử phạt hết ngày {format_date(ends_on)} ({basis}), {remaining}. "
                   "Cần ra quyết định xử phạt trước ngày đó.")
    return CaseWarning(WarningKind.LIMITATION, message, act.field)
