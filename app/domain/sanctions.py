"""The sanction path of the Luật Xử lý vi phạm hành chính (Luật XLVPHC, Law 15/2012/QH13
as amended by Law 67/2020/QH14) as pure rules: who may be sanctioned and how, one decision
per act, the biên bản before a fine, the clocks from the biên bản to the decision and from
the decision's delivery to compliance, and what is recorded after the decision.

The services refuse what these rules refuse (`app.services.events`) and "chốt số liệu"
refuses a period with a case that breaks them (`app.services.report_register`); import
only reports such rows. Figures the domain notes mark "to confirm" are office settings
whose defaults live in `app.domain.deadlines`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from app.domain import checks
from app.domain.case import CaseInput
from app.domain.deadlines import (
    COMPLIANCE_CLOCK,
    DECISION_CLOCK,
    DECISION_EXPLAINED_CLOCK,
    describe_days,
)
from app.domain.events import EventFact
from app.domain.fields import EVENT_BY_KEY
from app.domain.labels import (
    PARTY_LABELS,
    UNIDENTIFIED_OFFENDER,
    ClosingResult,
    DayUnit,
    DecisionTime,
    PartyKind,
    SanctionForm,
)
from app.domain.office import OfficeSettings
from app.domain.protection import age_on
from app.domain.vocabulary import EventKind
from app.domain.warnings import MINOR_BANDS, CaseWarning, EventView, MinorBand, WarningKind
from app.domain.workdays import WorkCalendar
from app.errors import FieldProblem
from app.text import clean, format_date, format_money

LAW = "Luật Xử lý vi phạm hành chính"
# Điều 65 khoản 1 điểm d: no sanction decision when the offender is not identified.
IDENTITY_BASIS = f"điểm d khoản 1 Điều 65 {LAW}"
# Điều 3 khoản 1 điểm c: one act is sanctioned once.
ONCE_BASIS = f"điểm c khoản 1 Điều 3 {LAW}"
# Điều 56 khoản 1 (as amended in 2020): a warning, or a fine up to these amounts, may be
# decided on the spot without a biên bản; any other fine follows a biên bản (Điều 58).
SIMPLIFIED_FINE_LIMITS: dict[PartyKind, int] = {
    PartyKind.PERSON: 250_000,
    PartyKind.ORGANISATION: 500_000,
}
RECORD_BASIS = f"Điều 56, Điều 58 {LAW}"
# The clocks after the biên bản and after the decision: `app.domain.deadlines`.
DECISION_TIME_BASIS = DECISION_CLOCK.source
COMPLIANCE_BASIS = COMPLIANCE_CLOCK.source
# The minors' bands (ages, what they allow) live in `app.domain.warnings.MINOR_BANDS`.
MINOR_BASIS = f"Điều 5, Điều 134 {LAW}"


class Decision(EventView, Protocol):
    """What the rules read of an event, recorded (`EventRecord`) or being typed
    (`EventInput`): the warnings' view and its closing result."""

    @property
    def closing_result(self) -> ClosingResult | None: ...


@dataclass(frozen=True)
class Offender:
    """The case's offender as the sanction rules see it (vocabulary.md "Offender identity":
    identified when a name is recorded)."""

    identified: bool
    kind: PartyKind = PartyKind.PERSON  # an unknown kind counts as a person
    birth_date: date | None = None
    birth_year: int | None = None

    @classmethod
    def of(cls, data: CaseInput) -> Offender:
        return cls(data.offender_identified, data.offender_kind or PartyKind.PERSON,
                   data.offender_birth_date, data.offender_birth_year)

    def band(self, act_on: date) -> tuple[int, MinorBand] | None:
        """The offender's age at the act and its band, for a person under 18 (with only a
        birth year, the younger possible age: the law protects the minor)."""
        if self.kind is not PartyKind.PERSON:
            return None
        years = age_on(self.birth_date, self.birth_year, act_on)
        if years is None:
            return None
        band = next((b for b in MINOR_BANDS if years < b.under), None)
        return (years, band) if band is not None else None


def _d(day: date | None) -> str:
    return format_date(day) if day else "chưa ghi ngày"


def sanction_problems(new: Decision, *, offender: Offender, act_on: date,
                      existing: Sequence[EventFact], adult_maximum: int | None,
                      replacing: int | None = None) -> list[FieldProblem]:
    """What the sanction path forbids in adding `new` (or in it replacing event `replacing`).

    `act_on` is the act's date, on which the offender's age is taken; `adult_maximum` the
    highest fine for an adult of the provisions the decision applies (summed, each
    provision a violation), None when they state none.
    """
    others = [e for e in existing if e.id != replacing and not e.voided]
    if new.kind == EventKind.CLOSE:
        return _closing_problems(new, offender)
    if new.kind != EventKind.SANCTION:
        return []
    if not offender.identified:
        return [FieldProblem(
            "kind", f"{UNIDENTIFIED_OFFENDER}: không ra quyết định xử phạt ({IDENTITY_BASIS}). "
                    "Hãy ghi họ tên đối tượng ở thẻ «Đối tượng» và lưu vụ việc trước; nếu không "
                    "xác định được, hãy báo cáo, kiến nghị cấp trên hỗ trợ và kết thúc hồ sơ với "
                    f"kết quả «{ClosingResult.UNIDENTIFIED}».")]
    problems: list[FieldProblem] = []
    decided = [e for e in others if e.kind == EventKind.SANCTION]
    if decided:
        problems.append(FieldProblem(
            "kind", f"Vụ việc đã có quyết định xử phạt ngày {_d(decided[0].occurred_on)}: mỗi "
                    f"hành vi chỉ bị xử phạt một lần ({ONCE_BASIS}). Muốn sửa quyết định, hãy "
                    "chọn quyết định đó trong «Quá trình xử lý» và bấm «Sửa quyết định…»: "
                    "quyết định cũ được hủy, vẫn giữ trong lịch sử."))
    problems += _record_problems(new, offender, others)
    problems += _minor_problems(new, offender, act_on, adult_maximum)
    return problems


def _record_problems(new: Decision, offender: Offender,
                     others: Sequence[EventFact]) -> list[FieldProblem]:
    if new.sanction_form is not SanctionForm.FINE or new.fine_amount is None:
        return []
    limit = SIMPLIFIED_FINE_LIMITS[offender.kind]
    if new.fine_amount <= limit:
        return []
    when = new.occurred_on
    if any(e.kind == EventKind.RECORD and (when is None or e.occurred_on <= when)
           for e in others):
        return []
    return [FieldProblem(
        "occurred_on", f"Phạt tiền {format_money(new.fine_amount)} cần biên bản vi phạm hành "
                       f"chính lập trước hoặc cùng ngày quyết định ({_d(when)}) ({RECORD_BASIS}: "
                       "chỉ phạt cảnh cáo hoặc phạt tiền đến "
                       f"{format_money(limit)} đối với {PARTY_LABELS[offender.kind].lower()} "
                       "mới không lập biên bản). Hãy ghi biện pháp «Lập biên bản vi phạm hành "
                       "chính» trước, hoặc kiểm tra ngày quyết định.")]


def _minor_problems(new: Decision, offender: Offender, act_on: date,
                    adult_maximum: int | None) -> list[FieldProblem]:
    found = offender.band(act_on)
    if found is None:
        return []
    years, band = found
    age = (f"Đối tượng {years} tuổi vào ngày vi phạm {format_date(act_on)}"
           + ("" if offender.birth_date else " (chỉ biết năm sinh: tính tuổi nhỏ hơn)"))
    basis = f"{band.rule} ({MINOR_BASIS})"
    if not band.sanctionable:
        return [FieldProblem(
            "kind", f"{age}: {basis}. Không ra quyết định xử phạt; có thể nhắc nhở, thông báo "
                    "cho gia đình hoặc chuyển cơ quan bảo vệ trẻ em.")]
    if new.sanction_form is not SanctionForm.FINE or new.fine_amount is None:
        return []
    if band.fine_share == 0:
        return [FieldProblem("sanction_form", f"{age}: {basis}. Hãy chọn hình thức Cảnh cáo.")]
    if adult_maximum is None:
        return []
    highest = round(adult_maximum * band.fine_share)
    if new.fine_amount <= highest:
        return []
    return [FieldProblem(
        "fine_amount", f"{age}: {basis}. Tiền phạt {format_money(new.fine_amount)} vượt mức "
                       f"tối đa {format_money(highest)} (mức cao nhất đối với người thành niên "
                       f"theo căn cứ đã chọn là {format_money(adult_maximum)}). Hãy giảm số "
                       "tiền hoặc kiểm tra ngày sinh, căn cứ đã chọn.")]


def _closing_problems(new: Decision, offender: Offender) -> list[FieldProblem]:
    if new.closing_result is ClosingResult.UNIDENTIFIED and offender.identified:
        return [FieldProblem(
            "closing_result", f"Vụ việc đã ghi họ tên đối tượng: không kết thúc với kết quả "
                              f"«{ClosingResult.UNIDENTIFIED}». Hãy chọn kết quả khác, hoặc "
                              "xóa họ tên ở thẻ «Đối tượng» nếu đã ghi nhầm.")]
    return []


@dataclass(frozen=True)
class RecordedDecision:
    """A recorded event as the whole-case check reads it."""

    fact: EventFact
    event: Decision
    adult_maximum: int | None = None


def case_problems(events: Iterable[RecordedDecision], *, offender: Offender,
                  act_on: date) -> list[FieldProblem]:
    """Every rule of the sanction path a recorded case breaks, each said once: what
    "chốt số liệu" refuses and an import reports."""
    recorded = [e for e in events if not e.fact.voided]
    facts = [e.fact for e in recorded]
    found: list[FieldProblem] = []
    for item in recorded:
        for problem in sanction_problems(item.event, offender=offender, act_on=act_on,
                                         existing=facts, adult_maximum=item.adult_maximum,
                                         replacing=item.fact.id):
            if not any(_same(problem, earlier) for earlier in found):
                found.append(problem)
    return found


def _same(problem: FieldProblem, earlier: FieldProblem) -> bool:
    """The same message, or two decisions each naming the other as the one too many."""
    once = "Vụ việc đã có quyết định xử phạt"
    return problem.message == earlier.message or (
        problem.message.startswith(once) and earlier.message.startswith(once))


# --- the clocks ---------------------------------------------------------------------------


def decision_time(time: DecisionTime | None, office: OfficeSettings) -> tuple[int, DayUnit]:
    """The days a biên bản leaves to decide, and how they count: the standard time in the
    unit the office set (working days as the law reads), the longer ones in calendar days
    (the law's "01 tháng")."""
    if time is DecisionTime.EXPLANATION:
        return office.decision_days_explained, DECISION_EXPLAINED_CLOCK.unit
    if time is DecisionTime.EXTENDED:
        return (office.decision_days_explained + office.decision_extension_days,
                DECISION_EXPLAINED_CLOCK.unit)
    return office.decision_days, office.decision_day_unit


def decision_deadline(record_on: date, time: DecisionTime | None, office: OfficeSettings,
                      calendar: WorkCalendar) -> date:
    """The last day to issue the decision after a biên bản of `record_on`."""
    return calendar.add(record_on, *decision_time(time, office))


@dataclass(frozen=True)
class RecordClock:
    """A biên bản recorded, its time to decide, and whether a decision followed it."""

    recorded_on: date
    time: DecisionTime | None
    decided: bool


def decision_overdue_message(clock: RecordClock, office: OfficeSettings, today: date,
                             calendar: WorkCalendar) -> str | None:
    """The editor's warning: a biên bản with no decision by its deadline."""
    if clock.decided:
        return None
    deadline = decision_deadline(clock.recorded_on, clock.time, office, calendar)
    if today <= deadline:
        return None
    return (f"Biên bản ngày {format_date(clock.recorded_on)} chưa có quyết định xử phạt, đã "
            f"quá hạn ra quyết định ({format_date(deadline)}: "
            f"{describe_days(*decision_time(clock.time, office))}, {DECISION_TIME_BASIS}, "
            "cần xác nhận). "
            "Hãy ghi quyết định xử phạt, hoặc chọn «Có giải trình hoặc cần xác minh» / «Đã "
            "gia hạn» cho biên bản nếu thời hạn dài hơn.")


class RecordView(Protocol):
    """What the deadline reads of an event, recorded or being typed."""

    @property
    def kind(self) -> str: ...
    @property
    def occurred_on(self) -> date | None: ...
    @property
    def decision_time(self) -> DecisionTime | None: ...


def decision_overdue_warning(events: Mapping[int, RecordView], office: OfficeSettings,
                             today: date, calendar: WorkCalendar) -> CaseWarning | None:
    """The editor's warning on the latest biên bản of the (live) `events`, keyed by their
    position in the editor, when no decision followed it in time."""
    records = [(i, e) for i, e in events.items()
               if e.kind == EventKind.RECORD and e.occurred_on is not None]
    if not records:
        return None
    index, latest = max(records, key=lambda item: item[1].occurred_on or date.min)
    assert latest.occurred_on is not None
    decided = any(e.kind == EventKind.SANCTION for e in events.values())
    message = decision_overdue_message(RecordClock(latest.occurred_on, latest.decision_time,
                                                   decided), office, today, calendar)
    if message is None:
        return None
    return CaseWarning(WarningKind.DECISION_OVERDUE, message, "decision_time",
                       event_index=index)


def compliance_deadline(delivered_on: date) -> date:
    """The last day to comply with a decision received on `delivered_on` (calendar days,
    as the law reads: no calendar needed)."""
    return delivered_on + timedelta(days=COMPLIANCE_CLOCK.days)


# --- after the decision ---------------------------------------------------------------------


FOLLOW_UP_ON_DECISIONS_ONLY = "Chỉ ghi việc giao, nộp phạt, cưỡng chế cho quyết định xử phạt."


@dataclass(frozen=True)
class DecisionFollowUp:
    """What happened after a decision: delivered, paid, enforced (cưỡng chế)."""

    delivered_on: date | None = None
    paid_on: date | None = None
    paid_amount: int | None = None
    receipt_number: str | None = None
    enforced_on: date | None = None
    enforcement_note: str | None = None

    def normalised(self) -> DecisionFollowUp:
        """Text NFC-normalised and trimmed, as it is stored."""
        return dataclasses.replace(self, receipt_number=clean(self.receipt_number),
                                   enforcement_note=clean(self.enforcement_note))

    @property
    def settled(self) -> bool:
        """Paid or enforced: nothing more to follow."""
        return self.paid_on is not None or self.enforced_on is not None


def follow_up_problems(follow: DecisionFollowUp, *, decision: Decision,
                       today: date) -> list[FieldProblem]:
    """What is wrong with recording `follow` on `decision`."""
    if decision.kind != EventKind.SANCTION:
        given = next((f.name for f in dataclasses.fields(follow)
                      if getattr(follow, f.name) is not None), "delivered_on")
        return [FieldProblem(given, FOLLOW_UP_ON_DECISIONS_ONLY)]
    problems: list[FieldProblem] = []
    decided_on = decision.occurred_on

    def add(key: str, message: str) -> None:
        problems.append(FieldProblem(key, message))

    for key, day in (("delivered_on", follow.delivered_on), ("paid_on", follow.paid_on),
                     ("enforced_on", follow.enforced_on)):
        if day is not None and day > today:
            add(key, f"Ngày {format_date(day)} ở tương lai.")
        elif day is not None and decided_on is not None and day < decided_on:
            add(key, f"Ngày {format_date(day)} trước ngày quyết định ({format_date(decided_on)}).")
    for key in ("receipt_number", "enforcement_note"):
        if message := checks.too_long(EVENT_BY_KEY[key], getattr(follow, key)):
            add(key, message)
    paid = (follow.paid_on, follow.paid_amount, follow.receipt_number)
    if decision.sanction_form is not SanctionForm.FINE:
        if any(v is not None for v in paid) or follow.enforced_on is not None:
            add("paid_on", "Quyết định cảnh cáo không có tiền nộp phạt, không cưỡng chế nộp "
                           "phạt: chỉ ghi ngày giao quyết định.")
        return problems
    if any(v is not None for v in paid) and None in paid:
        add("paid_on", "Nộp phạt cần đủ ngày nộp, số tiền đã nộp và số biên lai (hoặc chứng "
                       "từ nộp tiền).")
    if follow.paid_amount is not None and follow.paid_amount <= 0:
        add("paid_amount", "Số tiền đã nộp phải lớn hơn 0 đồng.")
    if problem := checks.too_large("Số tiền đã nộp", follow.paid_amount):
        add("paid_amount", problem)
    if follow.enforcement_note is not None and follow.enforced_on is None:
        add("enforced_on", "Cần ghi ngày cưỡng chế.")
    if follow.enforced_on is not None:
        if follow.delivered_on is None:
            add("enforced_on", "Chỉ cưỡng chế sau khi giao quyết định: hãy ghi ngày giao.")
        elif follow.enforced_on <= compliance_deadline(follow.delivered_on):
            add("enforced_on",
                f"Chỉ cưỡng chế khi hết thời hạn chấp hành "
                f"({format_date(compliance_deadline(follow.delivered_on))}: "
                f"{COMPLIANCE_CLOCK.describe()} từ ngày nhận quyết định, {COMPLIANCE_BASIS}).")
    return problems


def compliance_overdue(decision: Decision, follow: DecisionFollowUp, today: date) -> bool:
    """A fine delivered, its time to comply past, neither paid nor enforced."""
    return (decision.kind == EventKind.SANCTION
            and decision.sanction_form is SanctionForm.FINE
            and follow.delivered_on is not None and not follow.settled
            and today > compliance_deadline(follow.delivered_on))
